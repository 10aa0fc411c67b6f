import { InboundSweeper } from '../../src/intake/inbound-sweeper';
import { TcpProxy } from '../utils/tcp-proxy';
import { countRows, drained, eventually, phoneFor, startHub, startWorker, TestHub, validMessage } from '../utils/hub';
import { TEST_REDIS_URL } from '../utils/env';

const redisDb = new URL(TEST_REDIS_URL).pathname; // e.g. /15

describe('a 202 is a promise: Redis away', () => {
  const proxy = new TcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));
  let hub: TestHub;
  beforeAll(async () => {
    const port = await proxy.start();
    hub = await startHub({ env: { REDIS_URL: `redis://127.0.0.1:${port}${redisDb}` } });
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await hub.close();
    await proxy.cut();
  });

  it('keeps accepting while Redis is down, and the sweeper turns every accepted message into exactly one case', async () => {
    await proxy.cut();
    await eventually(async () => ((await hub.http().get('/health')).status === 503 ? true : undefined), 10_000, '/health to notice');
    const receipts: string[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await hub.http().post('/api/v1/channels/mailbox/messages').send(validMessage({ content: `Redis 停止期间的留言 ${i}`, phone: phoneFor(i) })).expect(202);
      receipts.push(res.body.receiptNo);
    }
    expect(await countRows(hub.db, 'cases')).toBe(0);
    const [pending] = await hub.db.query(`SELECT count(*)::int AS n FROM inbound_pending`);
    expect(pending.n).toBe(15);

    await proxy.restore();
    await eventually(async () => ((await hub.http().get('/health')).status === 200 ? true : undefined), 15_000, 'Redis to come back');
    const sweeper = hub.app.get(InboundSweeper);
    await eventually(async () => ((await sweeper.sweep()) >= 0 ? true : undefined), 10_000, 'a sweep');
    await drained(hub.db);
    const rows: { receipt_no: string; n: number }[] = await hub.db.query(
      `SELECT receipt_no, count(*)::int AS n FROM cases WHERE receipt_no = ANY($1) GROUP BY receipt_no`,
      [receipts],
    );
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // A second sweep finds nothing to do, and nothing is doubled.
    expect(await sweeper.sweep()).toBe(0);
    const [events] = await hub.db.query(`SELECT count(*)::int AS n FROM case_event`);
    expect(events.n).toBe(30);
  });
});

describe('PostgreSQL away: 503 and nothing accepted', () => {
  const proxy = new TcpProxy('127.0.0.1', 5432);
  let hub: TestHub;
  beforeAll(async () => {
    const port = await proxy.start();
    hub = await startHub({ env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/liuyan_test` } });
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await hub.close();
    await proxy.cut();
  });

  it('answers 503 while the store is down, then accepts again', async () => {
    await hub.http().post('/api/v1/channels/portal-jiaoyu/messages').send(validMessage()).expect(202);
    await proxy.cut();
    const res = await hub.http().post('/api/v1/channels/portal-jiaoyu/messages').send(validMessage({ content: '数据库停止期间' }));
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, error: 'store_unavailable' });
    await hub.http().get('/health').expect(503);
    const form = await hub.http().post('/mailbox').type('form').send({ from: 'portal-jiaoyu', content: '数据库停止期间', phone: '13912345678' });
    expect(form.status).toBe(503);

    await proxy.restore();
    await eventually(async () => ((await hub.http().get('/health')).status === 200 ? true : undefined), 15_000, 'PostgreSQL to come back');
    await hub.http().post('/api/v1/channels/portal-jiaoyu/messages').send(validMessage()).expect(202);
    await drained(hub.db);
    const rows = await hub.db.query(`SELECT content FROM cases ORDER BY id`);
    expect(rows).toHaveLength(2);
    expect(rows.some((r: { content: string }) => r.content === '数据库停止期间')).toBe(false);
  });
});

describe('graceful shutdown of a worker', () => {
  it('stops between jobs: every message is a case once, or still queued for the next worker', async () => {
    // An API-only hub accepts; no worker runs yet.
    const api = await startHub({ env: { HUB_ROLES: 'api' } });
    try {
      const receipts: string[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await api.http().post('/api/v1/channels/mailbox/messages').send(validMessage({ content: `第 ${i} 条`, phone: phoneFor(i) })).expect(202);
        receipts.push(res.body.receiptNo);
      }
      const first = await startWorker({ HUB_WORKER_CONCURRENCY: '4' });
      await eventually(async () => ((await countRows(api.db, 'cases')) >= 5 ? true : undefined), 15_000, 'some cases');
      await first.close(); // what SIGTERM does
      const afterStop = await countRows(api.db, 'cases');
      const half: { n: number }[] = await api.db.query(
        `SELECT count(*)::int AS n FROM inbound_message i
           LEFT JOIN cases c ON c.inbound_id = i.id LEFT JOIN inbound_pending p ON p.inbound_id = i.id
          WHERE (p.inbound_id IS NULL) = (c.id IS NULL)`,
      );
      expect(half[0].n).toBe(0); // every row is either a case or still pending, never both or neither
      expect(afterStop).toBeLessThanOrEqual(60);

      const second = await startWorker();
      try {
        await drained(api.db);
      } finally {
        await second.close();
      }
      expect(await countRows(api.db, 'cases')).toBe(60);
      const doubled = await api.db.query(`SELECT case_id FROM case_event GROUP BY case_id HAVING count(*) <> 2`);
      expect(doubled).toEqual([]);
    } finally {
      await api.close();
    }
  });
});
