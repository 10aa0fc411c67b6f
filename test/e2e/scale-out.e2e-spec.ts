/**
 * Scale-out (issue 7): two API processes and two worker processes, all from the built dist
 * (`node dist/src/main.js`, HUB_ROLES=api|worker), on one fresh database and one Redis database.
 * What must hold across processes: one case per accepted message (idempotency keys, signed
 * forwards), one pull of a channel at a time (advisory lock per channel), and one 催办 per due
 * reminder (advisory lock 'workflow-sweep'). Needs `npm run build` first.
 */
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { existsSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { Client } from 'pg';
import { createWorkerContext } from '../../src/app';
import { CalendarService } from '../../src/calendar/calendar.service';
import { Clock, FixedClock, localDate, localMinutes } from '../../src/common/clock';
import { loadConfig } from '../../src/config/env';
import { signForward } from '../../src/intake/domain/forward-signature';
import { PULL_QUEUE } from '../../src/queue/queues';
import { WorkflowScheduler } from '../../src/workflow/workflow.scheduler';
import { LeadersBoard, startLeadersBoard } from '../servers/leaders-board';
import { eventually, phoneFor, validMessage } from '../utils/hub';
import { booted, dropTestStore, freePort, kill, MAIN, Proc, spawnBuiltHub, stop } from '../utils/hub-process';

const DB = 'liuyan_test_scale';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB}`;
const REDIS_DB = 1;
const REDIS_URL = `redis://127.0.0.1:6379/${REDIS_DB}`;
const ADMIN = { username: 'admin', password: 'scale-out-test-password' };
const BOARD = 'people-leaders-board';
const PORTAL = 'portal-zhujian';
const SECRET = 'zhujian-forward-secret-scale-0123456789';

/** What every process of this suite shares. */
const ENV: Record<string, string> = {
  DATABASE_URL,
  REDIS_URL,
  HUB_RATE_LIMIT: '0',
  HUB_LOG_LEVEL: 'warn',
  HUB_ACCESS_LOG: 'false',
  HUB_ADMIN_USERNAME: ADMIN.username,
  HUB_ADMIN_PASSWORD: ADMIN.password,
  HUB_CHANNEL_CACHE_MS: '0',
  HUB_MONTHLY_REPORT_AT: 'off',
  HUB_WORKING_HOURS: '00:00-23:59',
  HUB_REMINDER_LADDER: '1',
  HUB_SWEEP_INTERVAL_MS: '2000',
  HUB_SWEEP_AFTER_MS: '10000',
  HUB_PULL_BACKOFF_MS: '20',
  HUB_PULL_MAX_BACKOFF_MS: '100',
  HUB_PULL_RETRIES: '3',
  HUB_PULL_TIMEOUT_MS: '3000',
  HUB_DB_POOL_SIZE: '8',
};

/** The built hub with this file's environment. */
function spawnHub(name: string, env: Record<string, string>): Proc {
  return spawnBuiltHub(name, { ...ENV, ...env });
}

/**
 * Watches pg_stat_activity for the boot deadlock: a migration's CREATE INDEX CONCURRENTLY waiting
 * on a lock while other sessions wait in pg_advisory_lock, for 2.5 s in a row (it never resolves).
 */
function watchForMigrationDeadlock(): { found: Promise<never>; stop(): void } {
  let stopped = false;
  let since: number | undefined;
  const found = new Promise<never>((_, reject) => {
    const tick = async () => {
      if (stopped) return;
      const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      try {
        await client.connect();
        const { rows } = await client.query(
          `SELECT query, wait_event_type FROM pg_stat_activity WHERE datname = $1 AND state = 'active'`, [DB]);
        const cic = rows.some((r) => /CREATE INDEX CONCURRENTLY/i.test(r.query) && r.wait_event_type === 'Lock');
        const waiting = rows.some((r) => /pg_advisory_lock/.test(r.query) && r.wait_event_type === 'Lock');
        since = cic && waiting ? since ?? Date.now() : undefined;
        if (since && Date.now() - since > 2500) {
          reject(new Error('boot deadlock: CREATE INDEX CONCURRENTLY (a migration) waits for the other processes, which wait in pg_advisory_lock for the migration lock'));
          return;
        }
      } catch {
        // the database may not exist yet
      } finally {
        await client.end().catch(() => undefined);
      }
      setTimeout(() => void tick(), 500);
    };
    void tick();
  });
  found.catch(() => undefined);
  return { found, stop: () => (stopped = true) };
}

/**
 * The clock the in-process sweeps run on: the real one when today (Asia/Shanghai) is a working day
 * and well inside 00:00-23:59, so the worker processes' own 5-minute sweeps, should one fire during
 * the test, agree on "today"; otherwise the next working day at 10:00 (the processes' real-clock
 * sweeps then find no reminder due at all, since their today is not a working day).
 */
async function sweepClock(cal: { isWorkday(d: string): boolean; addWorkdays(d: string, n: number): string }): Promise<Clock> {
  const now = new Date();
  const today = localDate(now);
  const minutes = localMinutes(now, 'Asia/Shanghai');
  if (cal.isWorkday(today) && minutes > 5 && minutes < 23 * 60 + 50) return new Clock();
  const next = cal.addWorkdays(today, 1);
  return new FixedClock(new Date(`${next}T10:00:00+08:00`));
}

/** An HTTP proxy in front of the board that logs every request's start and end. */
interface BoardLog {
  url: string;
  entries: { key: string; start: number; end: number }[];
  maxInFlight: number;
  close(): Promise<void>;
}
async function logBoard(board: LeadersBoard): Promise<BoardLog> {
  let inFlight = 0;
  const log: BoardLog = { url: '', entries: [], maxInFlight: 0, close: async () => undefined };
  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
    });
  const server: Server = createServer((req, res) => {
    void (async () => {
      inFlight++;
      log.maxInFlight = Math.max(log.maxInFlight, inFlight);
      const start = Date.now();
      const body = await read(req);
      let key = `${req.method} ${req.url}`;
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { param?: string };
        if (parsed.param) key += ` ${parsed.param}`;
      } catch {
        if (body.length) key += ` ${body.toString('utf8')}`;
      }
      try {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
        const upstream = await fetch(`${board.url}${req.url}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
        const text = Buffer.from(await upstream.arrayBuffer());
        const out: Record<string, string> = { 'Content-Type': upstream.headers.get('content-type') ?? 'text/plain' };
        const cookie = upstream.headers.get('set-cookie');
        if (cookie) out['Set-Cookie'] = cookie;
        res.writeHead(upstream.status, out);
        res.end(text);
      } catch (err) {
        res.writeHead(502).end(String(err));
      } finally {
        inFlight--;
        log.entries.push({ key, start, end: Date.now() });
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  log.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  log.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return log;
}

describe('scale-out: two API and two worker processes on one database', () => {
  const procs: Proc[] = [];
  let apis: string[] = [];
  let db: Client;
  let board: LeadersBoard;
  let boardLog: BoardLog;
  let token: string;
  let bootFailure: string | undefined;
  const auth = () => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    await dropTestStore(DB);
    const redis = new IORedis(REDIS_URL);
    await redis.flushdb();
    await redis.quit();
    board = await startLeadersBoard({ firstTid: 5000 });
    boardLog = await logBoard(board);

    // All four boot at once on a database that does not exist yet: creation and migrations race.
    const ports = [await freePort(), await freePort()];
    apis = ports.map((p) => `http://127.0.0.1:${p}`);
    const roles: [string, Record<string, string>][] = [
      ['api-1', { HUB_ROLES: 'api', PORT: String(ports[0]) }],
      ['api-2', { HUB_ROLES: 'api', PORT: String(ports[1]) }],
      ['worker-1', { HUB_ROLES: 'worker' }],
      ['worker-2', { HUB_ROLES: 'worker' }],
    ];
    const ready = (i: number) => async () =>
      i < 2 ? (await fetch(`${apis[i]}/health`).catch(() => undefined))?.status === 200 : procs[i].output().includes('hub worker running');
    for (const [name, env] of roles) procs.push(spawnHub(name, env));
    const stuck = watchForMigrationDeadlock();
    try {
      await Promise.race([Promise.all(procs.map((p, i) => booted(p, ready(i)))), stuck.found]);
    } catch (err) {
      bootFailure = (err as Error).message;
    } finally {
      stuck.stop();
    }
    if (bootFailure) {
      // Start again the way that works: one process migrates, then the others join.
      await Promise.all(procs.splice(0).map(kill));
      await dropTestStore(DB);
      procs.push(spawnHub(...roles[0]));
      await booted(procs[0], ready(0));
      for (const [name, env] of roles.slice(1)) procs.push(spawnHub(name, env));
      await Promise.all(procs.map((p, i) => booted(p, ready(i))));
    }
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    const login = await fetch(`${apis[0]}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { accessToken: string }).accessToken;
  }, 90_000);

  afterAll(async () => {
    await Promise.all(procs.map(stop));
    await db?.end().catch(() => undefined);
    await boardLog?.close();
    await board?.close();
    await dropTestStore(DB).catch(() => undefined);
    const redis = new IORedis(REDIS_URL);
    await redis.flushdb().catch(() => undefined);
    await redis.quit();
  }, 60_000);

  it('boots four processes at once on a database that does not exist yet', () => {
    // Was a defect (fixed: the migration lock is now polled): processes booting together on an unmigrated database hang for ever in migrate():
    // one holds the migration advisory lock on one connection and runs 1764250000000-stats-and-reports
    // (CREATE INDEX CONCURRENTLY) on another; CREATE INDEX CONCURRENTLY waits for every open
    // transaction, including the other processes' `SELECT pg_advisory_lock(...)` statements, which
    // wait for the lock held by the first process's idle connection. PostgreSQL cannot see the cycle
    // (it passes through the client), so nobody ever boots. decisions.md says several processes can
    // boot at once; a rolling deploy of that migration with N processes would hang the same way.
    expect(bootFailure).toBeUndefined();
  });

  const post = (api: string, path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${api}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  async function waitForCases(n: number, channel?: string): Promise<void> {
    await eventually(async () => {
      const [row] = (await db.query(`SELECT count(*)::int AS n FROM cases ${channel ? 'WHERE channel_id = $1' : ''}`, channel ? [channel] : [])).rows;
      const [pending] = (await db.query(`SELECT count(*)::int AS n FROM inbound_pending`)).rows;
      return row.n >= n && pending.n === 0 ? true : undefined;
    }, 45_000, `${n} cases`);
  }

  it('(a) turns every 202 into exactly one case: distinct messages, a key sent to both APIs at once, a signed forward sent to both', async () => {
    // The portal takes signed forwards: configured through one API, seen by the other at once (cache 0).
    const patched = await fetch(`${apis[0]}/api/v1/admin/channels/${PORTAL}`, {
      method: 'PATCH', headers: auth(),
      body: JSON.stringify({ config: { forwardSecret: SECRET, fieldMap: { 姓名: 'name', 联系电话: 'phone', 标题: 'title', 内容: 'content' } } }),
    });
    expect(patched.status).toBe(200);

    type Outcome = { status: number; receiptNo?: string; error?: string };
    const outcome = async (res: Promise<Response>): Promise<Outcome> => {
      const r = await res;
      const body = (await r.json().catch(() => ({}))) as { receiptNo?: string; error?: string };
      return { status: r.status, receiptNo: body.receiptNo, error: body.error };
    };
    // Each unit of work is one distinct message, sent once or to both APIs at the same moment.
    const work: (() => Promise<Outcome[]>)[] = [];
    for (let i = 0; i < 300; i++) {
      const body = JSON.stringify(validMessage({ content: `多实例留言 ${i}：道路积水，请尽快处理。`, phone: phoneFor(i) }));
      work.push(async () => [await outcome(post(apis[i % 2], '/api/v1/channels/mailbox/messages', body))]);
    }
    for (let i = 0; i < 60; i++) {
      const body = JSON.stringify(validMessage({ content: `幂等留言 ${i}：同一条留言发到两个实例。`, phone: phoneFor(1000 + i) }));
      const key = `scale-key-${i}`;
      work.push(() => Promise.all(apis.map((api) => outcome(post(api, '/api/v1/channels/mailbox/messages', body, { 'Idempotency-Key': key })))));
    }
    const forward = (i: number, withId: boolean) => {
      const body = JSON.stringify({
        ...(withId ? { externalId: `zj-${i}` } : {}),
        姓名: '周九', 联系电话: phoneFor(2000 + i + (withId ? 0 : 100)), 标题: '物业乱收费', 内容: `转发的留言 ${withId ? '有编号' : '无编号'} ${i}：物业多收公摊费。`,
      });
      const ts = String(Math.floor(Date.now() / 1000));
      const headers = { 'X-Hub-Timestamp': ts, 'X-Hub-Signature': signForward(SECRET, ts, body) };
      return () => Promise.all(apis.map((api) => outcome(post(api, `/api/v1/channels/${PORTAL}/messages`, body, headers))));
    };
    const withId: number[] = [];
    const withoutId: number[] = [];
    for (let i = 0; i < 20; i++) {
      withId.push(work.length);
      work.push(forward(i, true));
      withoutId.push(work.length);
      work.push(forward(i, false));
    }
    expect(work).toHaveLength(400);

    const results: Outcome[][] = new Array(work.length);
    let next = 0;
    await Promise.all(Array.from({ length: 24 }, async () => {
      while (next < work.length) {
        const i = next++;
        results[i] = await work[i]();
      }
    }));

    // Every request was answered as the contract says: 202, or 409 forward_replayed for the copy of a signed forward.
    for (const [i, r] of results.entries()) {
      for (const o of r) {
        const ok = o.status === 202 || (o.status === 409 && o.error === 'forward_replayed' && (withId.includes(i) || withoutId.includes(i)));
        if (!ok) throw new Error(`work ${i}: unexpected answer ${JSON.stringify(o)}`);
      }
    }
    // A key sent to both APIs at once: both 202, the same receipt.
    for (let i = 300; i < 360; i++) {
      expect(results[i].map((o) => o.status)).toEqual([202, 202]);
      expect(results[i][0].receiptNo).toBe(results[i][1].receiptNo);
    }
    const receipts = new Set(results.flat().filter((o) => o.status === 202).map((o) => o.receiptNo!));

    await waitForCases(receipts.size);
    const perReceipt = (await db.query(
      `SELECT receipt_no, count(*)::int AS n FROM cases WHERE receipt_no = ANY($1) GROUP BY receipt_no`, [[...receipts]],
    )).rows as { receipt_no: string; n: number }[];
    expect(perReceipt).toHaveLength(receipts.size); // every 202 became a case
    expect(perReceipt.filter((r) => r.n !== 1)).toEqual([]); // … exactly one
    const doubled = (await db.query(`SELECT case_id FROM case_event WHERE type = 'registered' GROUP BY case_id HAVING count(*) <> 1`)).rows;
    expect(doubled).toEqual([]);
    const [{ n: registered }] = (await db.query(`SELECT count(*)::int AS n FROM case_event WHERE type = 'registered'`)).rows;
    const [{ n: cases }] = (await db.query(`SELECT count(*)::int AS n FROM cases`)).rows;
    expect(cases).toBe(registered);
    // Forwards carrying the portal's own id are one message whatever reaches which API first.
    const [{ n: forwardedWithId }] = (await db.query(`SELECT count(*)::int AS n FROM cases WHERE channel_id = $1 AND content LIKE '%有编号%'`, [PORTAL])).rows;
    expect(forwardedWithId).toBe(20);
    // 300 + 60 + 20 distinct messages so far (the 20 forwards without an id: next test).
    const [{ n: others }] = (await db.query(`SELECT count(*)::int AS n FROM cases WHERE content NOT LIKE '%无编号%'`)).rows;
    expect(others).toBe(380);
  });

  it('(a) turns one signed forward without an upstream id, sent to both APIs at once, into one case', async () => {
    // Was a defect (fixed: the signature is claimed atomically before storing): the replay check of a signed forward (forwardSeen, then store, then rememberForward) is
    // not atomic: the same signed request arriving at two API processes at the same moment passes
    // both checks and is stored twice (two receipts, two cases) when it carries no externalId and no
    // Idempotency-Key. Expected: one case per forward (the copy answered 409 forward_replayed or
    // with the first receipt).
    const rows = (await db.query(
      `SELECT content, count(*)::int AS n FROM cases WHERE channel_id = $1 AND content LIKE '%无编号%' GROUP BY content ORDER BY content`, [PORTAL],
    )).rows as { content: string; n: number }[];
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
  });

  it('(b) pulls the leaders’ board one pull at a time across processes: each thread is one case, no page fetched twice at once', async () => {
    const patched = await fetch(`${apis[1]}/api/v1/admin/channels/${BOARD}`, {
      method: 'PATCH', headers: auth(),
      body: JSON.stringify({ enabled: true, reason: '多实例测试', config: { baseUrl: boardLog.url, fids: ['593'], minIntervalMs: 200, rows: 100, refreshBatch: 5, token: 's3cret-token', schedule: '* * * * *' } }),
    });
    expect(patched.status).toBe(200);
    const queue = new Queue(PULL_QUEUE, { connection: { host: '127.0.0.1', port: 6379, db: REDIS_DB } });
    const idle = () => eventually(async () => {
      const c = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(c).every((n) => n === 0) ? true : undefined;
    }, 60_000, 'the pull queue to be idle');
    const pullOnBoth = async () => {
      const answers = await Promise.all([...apis, ...apis].map((api) => post(api, `/api/v1/admin/channels/${BOARD}/pull`, '{}', auth())));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    };
    try {
      const tids: number[] = [];
      for (let i = 0; i < 15; i++) tids.push(board.state.addThread({ fid: 593, subject: `多实例拉取${i}`, content: `第${i}条：${'小区供暖不热，'.repeat(10)}` }));
      for (let round = 0; round < 3; round++) await pullOnBoth();
      await idle();
      await waitForCases(15, BOARD);

      for (let i = 0; i < 8; i++) tids.push(board.state.addThread({ fid: 593, subject: `第二批${i}`, content: `第二批第${i}条：${'路灯不亮，'.repeat(12)}` }));
      for (const tid of tids.slice(0, 3)) board.state.reply(tid, { content: '已安排维修。', organization: '运城市住建局' });
      for (let round = 0; round < 3; round++) await pullOnBoth();
      await idle();
      await waitForCases(23, BOARD);
      await eventually(async () => {
        const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM case_event e JOIN cases c ON c.id = e.case_id WHERE c.channel_id = $1 AND e.type = 'upstream_reply'`, [BOARD])).rows;
        return n >= 3 ? true : (await pullOnBoth(), await idle(), undefined);
      }, 60_000, 'the replies to reach the cases');

      // Each upstream thread is one inbound row and one case.
      const perThread = (await db.query(`SELECT external_id, count(*)::int AS n FROM cases WHERE channel_id = $1 GROUP BY external_id`, [BOARD])).rows as { external_id: string; n: number }[];
      expect(perThread.map((r) => Number(r.external_id)).sort()).toEqual([...tids].sort());
      expect(perThread.filter((r) => r.n !== 1)).toEqual([]);
      const [{ n: inbound }] = (await db.query(`SELECT count(*)::int AS n FROM inbound_message WHERE channel_id = $1`, [BOARD])).rows;
      expect(inbound).toBe(23);
      // A reply seen by several pulls is one event on the timeline.
      const replies = (await db.query(
        `SELECT c.external_id, count(*)::int AS n FROM case_event e JOIN cases c ON c.id = e.case_id WHERE c.channel_id = $1 AND e.type = 'upstream_reply' GROUP BY c.external_id`, [BOARD],
      )).rows as { external_id: string; n: number }[];
      expect(replies.map((r) => Number(r.external_id)).sort()).toEqual(tids.slice(0, 3).sort());
      expect(replies.every((r) => r.n === 1)).toBe(true);

      // The pulls competed (several jobs ran on four worker slots), and the lock let one through at a time.
      const done = await queue.getJobs(['completed']);
      const outcomes = done.map((j) => (j.returnvalue as { outcome: string; reason?: string } | null)?.outcome);
      expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(2);
      expect(done.some((j) => String((j.returnvalue as { reason?: string } | null)?.reason).includes('already running'))).toBe(true);
      // The board's log: never two requests at once, so never the same page twice at once.
      expect(boardLog.entries.length).toBeGreaterThan(23);
      expect(boardLog.maxInFlight).toBe(1);
      const sorted = [...boardLog.entries].sort((a, b) => a.start - b.start);
      const overlapping = sorted.filter((e, i) => i > 0 && e.start < sorted[i - 1].end && e.key === sorted[i - 1].key);
      expect(overlapping).toEqual([]);
    } finally {
      await queue.close();
    }
  });

  it('(c) sends each due 催办 once when two workers sweep at the same moment (advisory lock workflow-sweep)', async () => {
    const N = 40;
    const picked = (await db.query(`SELECT case_no FROM cases WHERE channel_id = 'mailbox' AND status = 'new' ORDER BY id LIMIT $1`, [N])).rows as { case_no: string }[];
    expect(picked).toHaveLength(N);
    // Staff accept and transfer through both APIs.
    await Promise.all(picked.map(async ({ case_no }, i) => {
      const api = apis[i % 2];
      const a = await post(api, `/api/v1/cases/${case_no}/actions/accept`, JSON.stringify({ category: '反映' }), auth());
      expect(a.status).toBe(200);
      const t = await post(api, `/api/v1/cases/${case_no}/actions/transfer`, JSON.stringify({ unit: '市住建局' }), auth());
      expect(t.status).toBe(200);
    }));

    const config = loadConfig({ ...ENV, NODE_ENV: 'test', HUB_ROLES: 'worker', HUB_LOG_LEVEL: 'silent' });
    const probe = await createWorkerContext(config);
    const contexts: INestApplicationContext[] = [probe];
    try {
      const cal = await probe.get(CalendarService).calendar();
      const clock = await sweepClock(cal);
      await probe.close();
      contexts.length = 0;
      // The deadline is the next working day: with the ladder [1] the 催办 is due today.
      const today = localDate(clock.now());
      const deadline = cal.addWorkdays(today, 1);
      await db.query(`UPDATE cases SET deadline = $2 WHERE case_no = ANY($1)`, [picked.map((p) => p.case_no), deadline]);

      contexts.push(await createWorkerContext(config, { clock }), await createWorkerContext(config, { clock }));
      const reports = await Promise.all(contexts.map((c) => c.get(WorkflowScheduler).sweep()));
      const events = (await db.query(
        `SELECT c.case_no, count(e.id)::int AS n FROM cases c LEFT JOIN case_event e ON e.case_id = c.id AND e.type = 'remind'
          WHERE c.case_no = ANY($1) GROUP BY c.case_no`, [picked.map((p) => p.case_no)],
      )).rows as { case_no: string; n: number }[];
      expect(events).toHaveLength(N);
      expect(events.filter((e) => e.n !== 1)).toEqual([]); // each due reminder exists once
      // Together the two sweeps sent at most N (a worker process's own 5-minute sweep may have taken some).
      expect(reports[0].reminders + reports[1].reminders).toBeLessThanOrEqual(N);
      const [{ n: counted }] = (await db.query(`SELECT count(*)::int AS n FROM cases WHERE case_no = ANY($1) AND reminders_sent = 1 AND reminders_total = 1`, [picked.map((p) => p.case_no)])).rows;
      expect(counted).toBe(N);
      // Sweeping again, from either, sends nothing more.
      const again = await Promise.all(contexts.map((c) => c.get(WorkflowScheduler).sweep()));
      expect(again.map((r) => r.reminders)).toEqual([0, 0]);
    } finally {
      for (const c of contexts) await c.close();
    }
  });
});
