import { ChannelRegistry } from '../../src/channels/channel-registry.service';
import { sealChannelSecrets } from '../../src/channels/domain/channel-secrets';
import { PiiCipher } from '../../src/crypto/pii-cipher';
import { PullRepository } from '../../src/pull/pull.repository';
import { PullScheduler } from '../../src/pull/pull.scheduler';
import { PullReport, PullService } from '../../src/pull/pull.service';
import { startAppExport, AppExportServer } from '../servers/app-export';
import { LeadersBoard, startLeadersBoard } from '../servers/leaders-board';
import { ADMIN } from '../utils/env';
import { drained, startHub, TestHub, validMessage } from '../utils/hub';

const BOARD = 'people-leaders-board';
const APP = 'app-jinriyuncheng';
const FAST_PULLS = { HUB_PULL_BACKOFF_MS: '20', HUB_PULL_MAX_BACKOFF_MS: '100', HUB_PULL_RETRIES: '3', HUB_PULL_TIMEOUT_MS: '1000' };

describe('pulling the People’s Daily leaders’ board', () => {
  let hub: TestHub;
  let board: LeadersBoard;
  let admin: string;
  const auth = () => ({ Authorization: `Bearer ${admin}` });
  const pull = (opts = {}) => pullWhenFree(hub, BOARD, opts);
  const cases = (): Promise<{ external_id: string; content: string; upstream: { state: string; final: boolean } }[]> =>
    hub.db.query(`SELECT external_id, content, upstream FROM cases WHERE channel_id = $1 ORDER BY external_id::int`, [BOARD]);

  beforeAll(async () => {
    board = await startLeadersBoard({ firstTid: 1000 });
    hub = await startHub({ env: FAST_PULLS });
    admin = await hub.login(ADMIN.username, ADMIN.password);
  });
  afterAll(async () => {
    await hub.close();
    await board.close();
  });

  it('is enabled by an administrator only with a configuration that validates, and the change is versioned', async () => {
    const refused = await hub.http().patch(`/api/v1/admin/channels/${BOARD}`).set(auth()).send({ enabled: true }).expect(400);
    expect(JSON.stringify(refused.body.problems)).toContain('config.fids');
    const bad = await hub.http().patch(`/api/v1/admin/channels/${BOARD}`).set(auth()).send({ enabled: true, config: { fids: ['593'], schedule: 'whenever', baseUrl: board.url } }).expect(400);
    expect(JSON.stringify(bad.body.problems)).toContain('config.schedule');
    const ok = await hub.http().patch(`/api/v1/admin/channels/${BOARD}`).set(auth())
      .send({ enabled: true, reason: '配置运城市领导留言板', config: { baseUrl: board.url, fids: ['593'], minIntervalMs: 200, token: 's3cret-token' } })
      .expect(200);
    expect(ok.body).toMatchObject({ id: BOARD, enabled: true, version: 2, config: { fids: ['593'], token: '********' } });
    const history = await hub.http().get(`/api/v1/admin/channels/${BOARD}/history`).set(auth()).expect(200);
    expect(history.body[0]).toMatchObject({ version: 2, actor: ADMIN.username, reason: '配置运城市领导留言板' });
    expect(JSON.stringify(history.body)).not.toContain('s3cret-token');
    // Stored sealed: the table (and so a dump of it) does not hold the token; the pulls below sign with it.
    const [stored] = await hub.db.query(`SELECT config::text AS config FROM channel WHERE id = $1`, [BOARD]);
    expect(stored.config).not.toContain('s3cret-token');
    expect(JSON.parse(stored.config).token).toEqual({ $sealed: expect.stringMatching(/^v1\./) });
    expect((await hub.app.get(ChannelRegistry).get(BOARD))?.config.token).toBe('s3cret-token');
    // Staff may look, not edit.
    const staff = await hub.userToken('staff');
    await hub.http().get(`/api/v1/admin/channels/${BOARD}`).set('Authorization', `Bearer ${staff}`).expect(200);
    await hub.http().patch(`/api/v1/admin/channels/${BOARD}`).set('Authorization', `Bearer ${staff}`).send({ enabled: false }).expect(403);
  });

  it('creates one case per thread with the full text, then nothing on a second pull', async () => {
    for (let i = 0; i < 12; i++) board.state.addThread({ fid: 593, subject: `第${i}号留言`, content: `关于盐湖区第${i}条道路的问题。${'路面坑洼不平，雨天积水严重，'.repeat(6)}` });
    board.state.addThread({ fid: 600, subject: '别的领导', content: '不在配置的 fid 中' });
    const first = await pull();
    expect(first).toMatchObject({ outcome: 'ok', created: 12, updated: 0 });
    await drained(hub.db);
    const rows = await cases();
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.content.length > 60 && r.upstream.state === '待回复' && r.upstream.final === false)).toBe(true);
    expect(first.cursors).toEqual({ '593': String(Math.max(...rows.map((r) => Number(r.external_id)))) });

    const second = await pull();
    expect(second).toMatchObject({ outcome: 'ok', created: 0, updated: 0 });
    expect(await cases()).toHaveLength(12);
  });

  it('updates the case’s timeline when the official reply appears upstream, without a new case', async () => {
    const [first] = await cases();
    board.state.reply(Number(first.external_id), { content: '已安排市政部门修复。', organization: '运城市住建局' });
    const report = await pull();
    expect(report).toMatchObject({ outcome: 'ok', created: 0, updated: 1 });
    const [c] = await hub.db.query(`SELECT id, upstream FROM cases WHERE channel_id = $1 AND external_id = $2`, [BOARD, first.external_id]);
    expect(c.upstream).toMatchObject({ state: '已办理', final: true, reply: { content: '已安排市政部门修复。', organization: '运城市住建局' } });
    const events = await hub.db.query(`SELECT type FROM case_event WHERE case_id = $1 ORDER BY id`, [c.id]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['received', 'registered', 'upstream_state', 'upstream_reply']);
    expect(await cases()).toHaveLength(12);
    expect((await pull()).updated).toBe(0); // seen again, nothing new
  });

  it('loses and duplicates nothing when the process dies between storing and committing the cursor', async () => {
    const before = (await hub.app.get(PullRepository).cursors(BOARD))['593'];
    for (let i = 0; i < 3; i++) board.state.addThread({ fid: 593, subject: `新留言${i}`, content: `供暖不热的问题，第${i}栋。` });
    const repo = hub.app.get(PullRepository);
    const spy = jest.spyOn(repo, 'commitCursor').mockRejectedValueOnce(new Error('killed before the commit'));
    const crashed = await pull();
    spy.mockRestore();
    expect(crashed).toMatchObject({ outcome: 'failed', created: 3 });
    expect((await repo.cursors(BOARD))['593']).toBe(before);
    const again = await pull();
    expect(again).toMatchObject({ outcome: 'ok', created: 0 });
    expect(Number((await repo.cursors(BOARD))['593'])).toBeGreaterThan(Number(before));
    await drained(hub.db);
    expect(await cases()).toHaveLength(15);
  });

  it('rides out a 429 burst with back-off', async () => {
    board.state.addThread({ fid: 593, subject: '限流期间', content: '限流期间发布的留言。' });
    board.state.rateLimitNext(2);
    expect(await pull()).toMatchObject({ outcome: 'ok', created: 1 });
  });

  it('stops on SN0006 with an operator-visible error and keeps the cursor; resumes when fixed', async () => {
    const repo = hub.app.get(PullRepository);
    const before = await repo.cursors(BOARD);
    board.state.addThread({ fid: 593, subject: '签名失败期间', content: '签名失败期间发布的留言。' });
    board.state.badSignature = true;
    const failed = await pull();
    expect(failed.outcome).toBe('failed');
    const view = await hub.http().get(`/api/v1/admin/channels/${BOARD}`).set(auth()).expect(200);
    expect(view.body.health.lastError).toContain('SN0006');
    expect(view.body.health.cursor).toEqual(before);
    board.state.badSignature = false;
    expect(await pull()).toMatchObject({ outcome: 'ok', created: 1 });
    const healthy = await hub.http().get(`/api/v1/admin/channels/${BOARD}`).set(auth()).expect(200);
    expect(healthy.body.health).toMatchObject({ consecutiveFailures: 0, pulled: expect.any(Number) });
    expect(healthy.body.health.lastSuccessAt).not.toBeNull();
  });

  it('stops on a changed page shape, and opens the circuit after repeated failures', async () => {
    board.state.changeShape = true;
    for (let i = 0; i < 3; i++) expect((await pull()).outcome).toBe('failed');
    const view = await hub.http().get(`/api/v1/admin/channels/${BOARD}`).set(auth()).expect(200);
    expect(view.body.health.lastErrorKind).toBe('shape');
    expect(view.body.health.circuitOpenUntil).not.toBeNull();
    const scheduled = await hub.app.get(PullService).run(BOARD); // not manual
    expect(scheduled).toMatchObject({ outcome: 'skipped' });
    expect(scheduled.reason).toContain('circuit open');
    board.state.changeShape = false;
    expect((await pull()).outcome).toBe('ok'); // an operator's manual pull closes it
  });

  it('stops on an upstream that times out or answers garbage, keeps the cursor, and resumes where it stopped', async () => {
    const repo = hub.app.get(PullRepository);
    const before = await repo.cursors(BOARD);
    const count = (await cases()).length;
    for (let i = 0; i < 2; i++) board.state.addThread({ fid: 593, subject: `故障期间${i}`, content: `上游故障期间发布的第${i}条留言。` });
    const health = async () => (await hub.http().get(`/api/v1/admin/channels/${BOARD}`).set(auth()).expect(200)).body.health;

    board.state.hang = true; // every attempt runs into HUB_PULL_TIMEOUT_MS (1 s here), retried, then given up
    const timedOut = await pull();
    expect(timedOut.outcome).toBe('failed');
    expect(await health()).toMatchObject({ lastErrorKind: 'transient', cursor: before });
    expect((await health()).lastError).toMatch(/timed out|timeout|超时/i);
    board.state.hang = false;

    board.state.garbage = true;
    const garbled = await pull();
    expect(garbled.outcome).toBe('failed');
    expect(await health()).toMatchObject({ lastErrorKind: 'shape', cursor: before });
    expect((await health()).lastError).toContain('not JSON');
    board.state.garbage = false;

    expect(await repo.cursors(BOARD)).toEqual(before);
    expect(await cases()).toHaveLength(count); // nothing half-taken meanwhile
    const resumed = await pull();
    expect(resumed).toMatchObject({ outcome: 'ok', created: 2 });
    expect(Number(resumed.cursors['593'])).toBeGreaterThan(Number(before['593']));
    await drained(hub.db);
    expect(await cases()).toHaveLength(count + 2);
    expect((await health()).consecutiveFailures).toBe(0);
  });

  it('runs a pull asked for through the API, and reports health in /metrics', async () => {
    board.state.addThread({ fid: 593, subject: '接口触发', content: '通过管理接口立即拉取。' });
    const res = await hub.http().post(`/api/v1/admin/channels/${BOARD}/pull`).set(auth()).send({}).expect(202);
    expect(res.body.jobId).toContain(BOARD);
    await hub.http().post('/api/v1/admin/channels/portal-jiaoyu/pull').set(auth()).send({}).expect(400);
    await expectEventually(async () => (await cases()).some((c) => c.content.includes('通过管理接口立即拉取')));
    const metrics = await hub.http().get('/metrics').set(auth()).expect(200);
    expect(metrics.text).toMatch(new RegExp(`hub_pull_items_total\\{channel="${BOARD}"\\} \\d+`));
    expect(metrics.text).toMatch(new RegExp(`hub_pull_last_success_timestamp_seconds\\{channel="${BOARD}"\\} \\d+`));
  });

  it('schedules each slot once however many instances tick', async () => {
    const scheduler = hub.app.get(PullScheduler);
    await hub.db.query(`UPDATE channel SET config = config || '{"schedule": "*/5 * * * *"}' WHERE id = $1`, [BOARD]);
    const at = new Date('2026-11-26T02:05:20Z'); // 10:05:20 in Shanghai: the 10:05 slot is due
    const a = await scheduler.tick(at);
    const b = await scheduler.tick(at);
    expect(a).toEqual([`pull-${BOARD}-${Date.parse('2026-11-26T02:05:00Z')}`]);
    expect(b).toEqual(a);
    expect(await scheduler.tick(new Date('2026-11-26T02:07:00Z'))).toEqual([]);
  });
});

describe('pulling the “今日运城” app’s export API', () => {
  let hub: TestHub;
  let app: AppExportServer;
  const pull = () => pullWhenFree(hub, APP);

  beforeAll(async () => {
    app = await startAppExport();
    hub = await startHub({ env: FAST_PULLS });
    const admin = await hub.login(ADMIN.username, ADMIN.password);
    await hub.http().patch(`/api/v1/admin/channels/${APP}`).set('Authorization', `Bearer ${admin}`)
      .send({ enabled: true, config: { baseUrl: app.url, apiKey: app.apiKey, minIntervalMs: 100 } }).expect(200);
  });
  afterAll(async () => {
    await hub.close();
    await app.close();
  });

  it('takes approved messages, waits for pending ones, and follows replies', async () => {
    app.state.addMessage({ title: '公交线路调整', content: '希望增加3路公交的班次。', phone: '13812340000' });
    const pending = app.state.addMessage({ title: '待审核', content: '审核中的留言。', moderation: 'pending' });
    expect(await pull()).toMatchObject({ outcome: 'ok', created: 1 });
    app.state.approve(pending);
    expect(await pull()).toMatchObject({ outcome: 'ok', created: 1 });
    await drained(hub.db);
    app.state.reply(pending, { content: '已转交市交通局办理。', department: '市交通局' });
    expect(await pull()).toMatchObject({ outcome: 'ok', created: 0, updated: 1 });
    await drained(hub.db);
    const rows = await hub.db.query(`SELECT title, upstream FROM cases WHERE channel_id = $1 ORDER BY id`, [APP]);
    expect(rows.map((r: { title: string }) => r.title)).toEqual(['公交线路调整', '待审核']);
    expect(rows[1].upstream).toMatchObject({ final: true, reply: { content: '已转交市交通局办理。' } });
  });

  it('links the same citizen’s same matter from the mailbox as a duplicate (并单)', async () => {
    await hub.http().post('/api/v1/channels/mailbox/messages').send(validMessage({ phone: '13955556666', content: '小区门口的路灯坏了一个多月，晚上非常黑，请尽快修理。' })).expect(202);
    await drained(hub.db);
    app.state.addMessage({ title: '路灯', content: '小区门口的路灯坏了一个多月了，晚上非常黑，请尽快修理！', phone: '13955556666' });
    app.state.addMessage({ title: '别的事', content: '菜市场周末太拥挤，建议增加摊位。', phone: '13955556666' });
    expect(await pull()).toMatchObject({ created: 2 });
    await drained(hub.db);
    const rows: { case_no: string; channel_id: string; duplicate_of: string | null; id: string }[] = await hub.db.query(
      `SELECT id::text, case_no, channel_id, duplicate_of::text FROM cases WHERE phone_hash IS NOT NULL AND content LIKE '%路灯%' OR content LIKE '%菜市场%' ORDER BY id`,
    );
    const [original, duplicate, other] = rows;
    expect(original.channel_id).toBe('mailbox');
    expect(duplicate.duplicate_of).toBe(original.id);
    expect(other.duplicate_of).toBeNull();
    const staff = await hub.userToken('staff');
    const a = await hub.http().get(`/api/v1/cases/${original.case_no}`).set('Authorization', `Bearer ${staff}`).expect(200);
    const b = await hub.http().get(`/api/v1/cases/${duplicate.case_no}`).set('Authorization', `Bearer ${staff}`).expect(200);
    expect(a.body.duplicates).toEqual([duplicate.case_no]);
    expect(b.body.duplicateOf).toBe(original.case_no);
    expect(a.body.timeline.map((e: { type: string }) => e.type)).toContain('duplicate_linked');
  });

  it('seals an API key found in clear in the table (written before secrets were sealed) at boot, and keeps using it', async () => {
    const registry = hub.app.get(ChannelRegistry);
    // As a row of an earlier release, or one edited by hand in SQL, would hold it.
    await hub.db.query(`UPDATE channel SET config = config || jsonb_build_object('apiKey', $2::text) WHERE id = $1`, [APP, app.apiKey]);
    const clear = async () => (await hub.db.query(`SELECT config::text AS c FROM channel WHERE id = $1`, [APP]))[0].c as string;
    expect(await clear()).toContain(app.apiKey);
    expect(await registry.sealClearSecrets()).toEqual([APP]); // what the boot runs
    expect(await clear()).not.toContain(app.apiKey);
    expect(await registry.sealClearSecrets()).toEqual([]); // nothing left to do
    expect((await registry.get(APP))?.config.apiKey).toBe(app.apiKey);
    app.state.addMessage({ content: '封存密钥之后的留言：小区门口积水。' });
    expect(await pull()).toMatchObject({ outcome: 'ok', created: 1 }); // the export API accepted the opened key
  });

  it('keeps a secret no configured key opens when the channel is edited, unless the edit clears it', async () => {
    // Sealed with a key this hub does not have (HUB_DATA_KEY changed without HUB_OLD_DATA_KEYS).
    const foreign = sealChannelSecrets(APP, { apiKey: 'sealed-elsewhere' }, new PiiCipher(Buffer.alloc(32, 3))).apiKey;
    await hub.db.query(`UPDATE channel SET config = config || jsonb_build_object('apiKey', $2::jsonb) WHERE id = $1`, [APP, JSON.stringify(foreign)]);
    hub.app.get(ChannelRegistry).invalidate();
    const stored = async () => (await hub.db.query(`SELECT config FROM channel WHERE id = $1`, [APP]))[0].config as Record<string, unknown>;
    const admin = await hub.login(ADMIN.username, ADMIN.password);
    const patch = (body: Record<string, unknown>) => hub.http().patch(`/api/v1/admin/channels/${APP}`).set('Authorization', `Bearer ${admin}`).send(body);
    await patch({ enabled: false, config: { minIntervalMs: 150 } }).expect(200);
    expect(await stored()).toMatchObject({ apiKey: foreign, minIntervalMs: 150 }); // not lost
    await patch({ config: { apiKey: null } }).expect(200);
    expect(await stored()).not.toHaveProperty('apiKey'); // cleared on purpose
    await patch({ enabled: true, config: { apiKey: app.apiKey } }).expect(200);
  });

  it('reports a refused API key as an operator error', async () => {
    const admin = await hub.login(ADMIN.username, ADMIN.password);
    await hub.http().patch(`/api/v1/admin/channels/${APP}`).set('Authorization', `Bearer ${admin}`).send({ config: { apiKey: 'wrong-key' } }).expect(200);
    const report = await pull();
    expect(report).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/apiKey|401/) });
  });
});

/**
 * A manual pull, as an operator asks for it. The hub's own scheduler (its worker runs in the test
 * hub) may be pulling the same channel at that moment, and the second pull is then skipped by
 * design (one pull per channel at a time): wait for it to finish and ask again.
 */
async function pullWhenFree(hub: TestHub, channelId: string, opts = {}): Promise<PullReport> {
  for (let i = 0; ; i++) {
    const report = await hub.app.get(PullService).run(channelId, { manual: true, ...opts });
    if (report.outcome !== 'skipped' || !report.reason?.includes('already running') || i >= 100) return report;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectEventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
