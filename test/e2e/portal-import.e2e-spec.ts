import { ADMIN } from '../utils/env';
import { drained, eventually, startHub, TestHub } from '../utils/hub';
import { OldMessage, OldPortalBoard, startOldPortalBoard } from '../servers/old-portal-board';

const PORTAL = 'portal-minzheng';

describe('switch-over import of a portal’s old board', () => {
  let hub: TestHub;
  let board: OldPortalBoard;
  let admin: string;
  const auth = () => ({ Authorization: `Bearer ${admin}` });
  const messages: OldMessage[] = Array.from({ length: 12 }, (_, i) => ({
    id: 100 + i,
    title: `低保问题${i}`,
    content: `我家的低保申请已经提交${i + 2}个月，一直没有结果，请帮忙查询。`,
    date: `2020-04-${String(10 + i).padStart(2, '0')}`,
    answered: i % 3 === 0, // 4 answered, 8 unanswered
    name: `居民${i}`,
  }));
  const runImport = async (body: object) => {
    const started = await hub.http().post(`/api/v1/admin/channels/${PORTAL}/import`).set(auth()).send(body).expect(202);
    return eventually(async () => {
      const r = await hub.http().get(`/api/v1/admin/imports/${started.body.id}`).set(auth()).expect(200);
      return r.body.status === 'done' || r.body.status === 'failed' ? r.body : undefined;
    }, 30_000, 'the import to finish');
  };

  beforeAll(async () => {
    board = await startOldPortalBoard(messages, 5);
    hub = await startHub({ env: { HUB_PULL_BACKOFF_MS: '10', HUB_PULL_RETRIES: '1' } });
    admin = await hub.login(ADMIN.username, ADMIN.password);
    await hub.http().patch(`/api/v1/admin/channels/${PORTAL}`).set(auth()).send({
      config: {
        importIntervalMs: 100,
        import: {
          listUrl: `${board.url}/hdjl/index_{page}.html`,
          firstPageUrl: `${board.url}/hdjl/index.html`,
          maxPages: 10,
          charset: 'gbk',
          selectors: { item: 'ul.xxlist li', link: 'a', date: 'span.date', status: 'span.zt' },
          unansweredText: ['未回复'],
          detail: { content: 'div.nr', title: 'h2.bt', date: 'p.sj' },
        },
      },
    }).expect(200);
  });
  afterAll(async () => {
    await hub.close();
    await board.close();
  });

  it('imports the unanswered messages once, in GBK, with their original time and an imported mark', async () => {
    const run = await runImport({ source: 'pages' });
    expect(run).toMatchObject({ status: 'done', progress: { found: 8, imported: 8, skipped: 0, invalid: 0 } });
    expect(run.message).toContain('新建 8 条');
    await drained(hub.db);
    const rows = await hub.db.query(`SELECT title, content, submitted_at, imported, external_id FROM cases WHERE channel_id = $1 ORDER BY external_id`, [PORTAL]);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatchObject({ title: '低保问题1', imported: true, external_id: 'import:/hdjl/detail_101.html' });
    expect(rows[0].content).toContain('我家的低保申请已经提交3个月');
    expect(rows[0].submitted_at.toISOString()).toBe('2020-04-11T01:30:00.000Z'); // 09:30 in Shanghai
    const [event] = await hub.db.query(`SELECT data FROM case_event e JOIN cases c ON c.id = e.case_id WHERE c.external_id = $1 AND e.type = 'received'`, ['import:/hdjl/detail_101.html']);
    expect(event.data.imported).toBe(true);

    const again = await runImport({ source: 'pages' });
    expect(again).toMatchObject({ status: 'done', progress: { found: 8, imported: 0, skipped: 8 } });
    await drained(hub.db);
    expect(await hub.db.query(`SELECT 1 FROM cases WHERE channel_id = $1`, [PORTAL])).toHaveLength(8);
  });

  it('stops on a broken page, says so, and resumes from that page', async () => {
    board.messages.push(...Array.from({ length: 5 }, (_, i) => ({ id: 200 + i, title: `新增${i}`, content: `第三页之后的留言${i}，反映养老院收费问题。`, date: '2020-05-01', answered: false })));
    board.failPage = 3;
    const failed = await runImport({ source: 'pages' });
    expect(failed.status).toBe('failed');
    expect(failed.message).toContain('可续传');
    expect(failed.progress.nextPage).toBe(3);
    board.failPage = null;
    const resumed = await hub.http().post(`/api/v1/admin/imports/${failed.id}/resume`).set(auth()).expect(202);
    const done = await eventually(async () => {
      const r = await hub.http().get(`/api/v1/admin/imports/${resumed.body.id}`).set(auth()).expect(200);
      return r.body.status === 'done' ? r.body : undefined;
    }, 30_000, 'the resumed import');
    expect(done.progress.imported).toBe(5);
    await drained(hub.db);
    expect(await hub.db.query(`SELECT 1 FROM cases WHERE channel_id = $1`, [PORTAL])).toHaveLength(13);
  });

  it('imports an export file (CSV) once, reporting rows it cannot use', async () => {
    const csv = '\uFEFFid,title,content,name,phone,submittedAt\r\n'
      + 'X1,"道路积水","雨后道路积水，""严重""影响出行",王五,13812345678,2020-05-03 08:00\r\n'
      + 'X2,无内容,,赵六,,2020-05-04\r\n'
      + 'X3,路灯,"路灯不亮，\n已经一周",,,2020年05月05日\r\n';
    const run = await runImport({ source: 'file', format: 'csv', data: csv });
    expect(run).toMatchObject({ status: 'done', progress: { imported: 2, invalid: 1 } });
    expect(run.problems.join(' ')).toContain('row 2');
    const again = await runImport({ source: 'file', format: 'csv', data: csv });
    expect(again.progress).toMatchObject({ imported: 0, skipped: 2 });
    await drained(hub.db);
    const [c] = await hub.db.query(`SELECT content FROM cases WHERE external_id = 'import:X1'`);
    expect(c.content).toBe('雨后道路积水，"严重"影响出行');
  });

  it('refuses an import for a channel that is not a portal, or without configuration', async () => {
    await hub.http().post('/api/v1/admin/channels/people-leaders-board/import').set(auth()).send({ source: 'pages' }).expect(400);
    await hub.http().post('/api/v1/admin/channels/portal-jiaoyu/import').set(auth()).send({ source: 'pages' }).expect(400);
    await hub.http().post(`/api/v1/admin/channels/${PORTAL}/import`).set(auth()).send({ source: 'file', format: 'xml', data: 'x' }).expect(400);
  });
});
