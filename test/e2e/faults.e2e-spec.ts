/**
 * Faults (issue 7): the built hub as separate API and worker processes (`node dist/src/main.js`),
 * with PostgreSQL and Redis behind TCP proxies the test cuts (the machine's servers are shared and
 * stay up). A 202 is a promise: whatever dies in between, every accepted message becomes exactly one
 * case, and a deadline sweep cut halfway neither loses nor doubles a 催办. Needs `npm run build` first.
 */
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { createWorkerContext } from '../../src/app';
import { CalendarService } from '../../src/calendar/calendar.service';
import { Clock, FixedClock, localDate, localMinutes } from '../../src/common/clock';
import { loadConfig } from '../../src/config/env';
import { INTAKE_QUEUE, intakeJobId } from '../../src/queue/queues';
import { WorkflowRepository } from '../../src/workflow/workflow.repository';
import { WorkflowScheduler } from '../../src/workflow/workflow.scheduler';
import { WorkflowService } from '../../src/workflow/workflow.service';
import { eventually, phoneFor, validMessage } from '../utils/hub';
import { booted, dropTestStore, freePort, MAIN, Proc, spawnBuiltHub, stop } from '../utils/hub-process';
import { TcpProxy } from '../utils/tcp-proxy';

const DB = 'liuyan_test_faults';
const DIRECT_DB = `postgres://postgres@127.0.0.1:5432/${DB}`;
const REDIS_DB = 0;
const ADMIN = { username: 'admin', password: 'faults-test-password' };

const ENV: Record<string, string> = {
  HUB_RATE_LIMIT: '0',
  HUB_LOG_LEVEL: 'warn',
  HUB_ACCESS_LOG: 'false',
  HUB_ADMIN_USERNAME: ADMIN.username,
  HUB_ADMIN_PASSWORD: ADMIN.password,
  HUB_MONTHLY_REPORT_AT: 'off',
  HUB_SWEEP_INTERVAL_MS: '500',
  HUB_SWEEP_AFTER_MS: '1000',
  HUB_WORKER_CONCURRENCY: '2',
  HUB_DB_POOL_SIZE: '8',
  HUB_WORKING_HOURS: '00:00-23:59',
  HUB_REMINDER_LADDER: '1',
};

/** The built hub with this file's environment. */
function spawnHub(name: string, env: Record<string, string>): Proc {
  return spawnBuiltHub(name, { ...ENV, ...env });
}

/** Real clock on a working day (Asia/Shanghai), else the next working day at 10:00 (see scale-out.e2e-spec.ts). */
function sweepClock(cal: { isWorkday(d: string): boolean; addWorkdays(d: string, n: number): string }): Clock {
  const now = new Date();
  const today = localDate(now);
  const minutes = localMinutes(now, 'Asia/Shanghai');
  if (cal.isWorkday(today) && minutes > 5 && minutes < 23 * 60 + 50) return new Clock();
  return new FixedClock(new Date(`${cal.addWorkdays(today, 1)}T10:00:00+08:00`));
}

type Answer = { status: number | 'network'; receiptNo?: string };

describe('faults: processes killed, Redis and PostgreSQL cut', () => {
  const redisProxy = new TcpProxy('127.0.0.1', 6379);
  const pgProxy = new TcpProxy('127.0.0.1', 5432);
  const procs: Proc[] = [];
  let api: string;
  let db: Client;
  let redisUrl: string;

  const workerEnv = () => ({ HUB_ROLES: 'worker', DATABASE_URL: DIRECT_DB, REDIS_URL: redisUrl });
  const startWorker = async (name: string) => {
    const w = spawnHub(name, workerEnv());
    procs.push(w);
    await booted(w, async () => w.output().includes('hub worker running'));
    return w;
  };

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    await dropTestStore(DB);
    const redis = new IORedis(`redis://127.0.0.1:6379/${REDIS_DB}`);
    await redis.flushdb();
    await redis.quit();
    redisUrl = `redis://127.0.0.1:${await redisProxy.start()}/${REDIS_DB}`;
    const pgPort = await pgProxy.start();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    // The API reaches PostgreSQL and Redis through the proxies; it boots (and migrates) first.
    const a = spawnHub('api', { HUB_ROLES: 'api', PORT: String(port), DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/${DB}`, REDIS_URL: redisUrl });
    procs.push(a);
    await booted(a, async () => (await fetch(`${api}/health`).catch(() => undefined))?.status === 200);
    db = new Client({ connectionString: DIRECT_DB });
    await db.connect();
  }, 90_000);

  afterAll(async () => {
    await redisProxy.restore().catch(() => undefined);
    await pgProxy.restore().catch(() => undefined);
    await Promise.all(procs.map(stop));
    await db?.end().catch(() => undefined);
    await redisProxy.cut();
    await pgProxy.cut();
  }, 60_000);

  let seq = 0;
  const send = async (): Promise<Answer> => {
    const i = seq++;
    try {
      const res = await fetch(`${api}/api/v1/channels/mailbox/messages`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(validMessage({ content: `故障测试留言 ${i}：小区路灯不亮。`, phone: phoneFor(i) })),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await res.json().catch(() => ({}))) as { receiptNo?: string };
      return { status: res.status, receiptNo: body.receiptNo };
    } catch {
      return { status: 'network' };
    }
  };
  /** Sends `n` messages, `parallel` at a time; `after(k)` runs after each answer (k answers so far). */
  const burst = async (n: number, parallel: number, after: (answered: number, a: Answer) => Promise<void> | void = () => undefined) => {
    const answers: Answer[] = [];
    let started = 0;
    await Promise.all(Array.from({ length: parallel }, async () => {
      while (started < n) {
        started++;
        const a = await send();
        answers.push(a);
        await after(answers.length, a);
      }
    }));
    return answers;
  };
  const drained = (timeoutMs: number) => eventually(async () => {
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM inbound_pending`)).rows;
    return n === 0 ? true : undefined;
  }, timeoutMs, 'every pending message to become a case').catch(async (err: Error) => {
    // Say where the stragglers are: their BullMQ job's state, and what the processes logged.
    const rows = (await db.query(
      `SELECT i.id::text AS id, i.received_at AS "receivedAt" FROM inbound_pending p JOIN inbound_message i ON i.id = p.inbound_id ORDER BY i.id LIMIT 20`,
    )).rows as { id: string; receivedAt: Date }[];
    const queue = new Queue(INTAKE_QUEUE, { connection: { host: '127.0.0.1', port: 6379, db: REDIS_DB } });
    const states: string[] = [];
    for (const r of rows) {
      const job = await queue.getJob(intakeJobId(r.id, r.receivedAt));
      states.push(`${r.id}: ${job ? `${await job.getState()} attempts=${job.attemptsMade} ${job.failedReason ?? ''}` : 'no job'}`);
    }
    const counts = await queue.getJobCounts();
    await queue.close();
    throw new Error(`${err.message}\npending (first 20): ${states.join('; ')}\nqueue: ${JSON.stringify(counts)}\n${procs.map((p) => `--- ${p.name}\n${p.output().slice(-2000)}`).join('\n')}`);
  });
  /** Every receipt is exactly one case, and no case's timeline holds a step twice. */
  const expectExactlyOnce = async (receipts: string[]) => {
    const rows = (await db.query(`SELECT receipt_no, count(*)::int AS n FROM cases WHERE receipt_no = ANY($1) GROUP BY receipt_no`, [receipts])).rows as { n: number }[];
    expect(rows).toHaveLength(receipts.length);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    const doubled = (await db.query(`SELECT case_id, type, count(*)::int AS n FROM case_event GROUP BY case_id, type HAVING count(*) > 1`)).rows;
    expect(doubled).toEqual([]);
    const [{ n: incomplete }] = (await db.query(
      `SELECT count(*)::int AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.type = 'registered')`,
    )).rows;
    expect(incomplete).toBe(0);
  };
  const caseCount = async () => (await db.query(`SELECT count(*)::int AS n FROM cases`)).rows[0].n as number;

  it('(a) a worker SIGKILLed while registering a burst: a new worker makes every message a case exactly once', async () => {
    const first = await startWorker('worker-1');
    let casesAtKill: number | undefined;
    let killing: Promise<void> | undefined;
    const watcher = eventually(async () => {
      if ((await caseCount()) < 100) return undefined;
      first.child.kill('SIGKILL');
      killing = first.exited.then(() => undefined);
      casesAtKill = await caseCount();
      return true;
    }, 60_000, 'a third of the burst to be cases');
    const answers = await burst(300, 8);
    await watcher;
    await killing;
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(casesAtKill).toBeLessThan(300); // killed in the middle, not after the end
    const [{ n: pendingAtKill }] = (await db.query(`SELECT count(*)::int AS n FROM inbound_pending`)).rows;
    expect(pendingAtKill).toBeGreaterThan(0);

    await startWorker('worker-2');
    // Jobs the dead worker held are found stalled by BullMQ (lock and check interval 30 s: 30–60 s
    // after the kill, more on a loaded machine); the rest run at once.
    await drained(110_000);
    expect(await caseCount()).toBe(300);
    await expectExactlyOnce(answers.map((a) => a.receiptNo!));
  }, 150_000);

  /**
   * A burst of 200 with Redis away from the 60th answer until 40 more were accepted; `gone` runs
   * as it goes. Redis away does not stop intake (the row in PostgreSQL is the promise): every
   * answer is a 202, and every one becomes exactly one case.
   */
  const burstAcrossRedisOutage = async (gone: () => Promise<void>) => {
    const before = await caseCount();
    let cutAt: number | undefined;
    let restoredAt: number | undefined;
    const duringCut: string[] = [];
    const answers = await burst(200, 4, async (k, a) => {
      if (cutAt === undefined && k >= 60) {
        cutAt = k;
        await redisProxy.cut();
        await gone();
      } else if (cutAt !== undefined && restoredAt === undefined) {
        if (a.receiptNo) duringCut.push(a.receiptNo);
        if (duringCut.length >= 40) {
          restoredAt = k;
          await redisProxy.restore();
        }
      }
    });
    expect(restoredAt).toBeDefined();
    expect(answers.filter((a) => a.status !== 202)).toEqual([]);
    expect(duringCut.length).toBeGreaterThanOrEqual(40);
    await drained(110_000);
    expect(await caseCount()).toBe(before + 200);
    await expectExactlyOnce(answers.map((a) => a.receiptNo!));
  };

  it('(b) Redis cut in the middle of a burst: every 202 becomes exactly one case (the sweeper re-queues)', async () => {
    // Jobs the worker had just taken when the connection dropped stay "active" in Redis until
    // BullMQ finds them stalled; the sweeper re-queues only missing, completed or failed jobs.
    await burstAcrossRedisOutage(async () => undefined);
  }, 150_000);

  it('(b2) Redis restarted without its data mid-burst (it keeps nothing on disk): every 202 still becomes exactly one case', async () => {
    // What a restart of a Redis without persistence leaves: no queued, active or finished job, no
    // BullMQ bookkeeping at all. The rows of the messages accepted before are still pending in
    // PostgreSQL, and the sweeper queues them again.
    await burstAcrossRedisOutage(async () => {
      const redis = new IORedis(`redis://127.0.0.1:6379/${REDIS_DB}`);
      await redis.flushdb();
      await redis.quit();
    });
  }, 150_000);

  it('(c) PostgreSQL cut during a steady stream: 503 (or a dropped connection) while down, and no 202 is ever lost', async () => {
    const before = await caseCount();
    let phase: 'before' | 'down' | 'after' = 'before';
    const byPhase: Record<string, Answer[]> = { before: [], down: [], after: [] };
    const answers = await burst(260, 4, async (k, a) => {
      byPhase[phase].push(a);
      if (phase === 'before' && k >= 50) {
        phase = 'down';
        await pgProxy.cut();
      } else if (phase === 'down' && byPhase.down.filter((x) => x.status === 503).length >= 30) {
        phase = 'after';
        await pgProxy.restore();
      }
    });
    expect(phase).toBe('after');
    const statuses = new Set(answers.map((a) => a.status));
    for (const s of statuses) expect([202, 503, 'network']).toContain(s);
    expect(byPhase.down.filter((a) => a.status === 503).length).toBeGreaterThanOrEqual(30);
    expect(byPhase.after.filter((a) => a.status === 202).length).toBeGreaterThan(50); // accepting again
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.receiptNo!);
    // Every 202's receipt is a stored row …
    const [{ n: stored }] = (await db.query(`SELECT count(*)::int AS n FROM inbound_message WHERE receipt_no = ANY($1)`, [accepted])).rows;
    expect(stored).toBe(accepted.length);
    // … and becomes exactly one case.
    await drained(45_000);
    await expectExactlyOnce(accepted);
    // A message answered 503 may still have been stored (the commit reached PostgreSQL, the answer
    // did not reach the client); it is a case too, never half of one.
    const [{ n: inbound }] = (await db.query(`SELECT count(*)::int AS n FROM inbound_message`)).rows;
    expect(await caseCount()).toBe(inbound);
    expect(await caseCount()).toBeGreaterThanOrEqual(before + accepted.length);
  }, 90_000);
});

describe('faults: a deadline sweep cut halfway', () => {
  const proxy = new TcpProxy('127.0.0.1', 5432);
  let ctx: INestApplicationContext | undefined;
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: DIRECT_DB });
    await db.connect();
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await ctx?.close().catch(() => undefined);
    await db.end();
    await proxy.cut();
    await dropTestStore(DB).catch(() => undefined);
    const redis = new IORedis(`redis://127.0.0.1:6379/${REDIS_DB}`);
    await redis.flushdb().catch(() => undefined);
    await redis.quit();
  }, 60_000);

  it('(d) sends every due 催办 exactly once: the database connection dies in the middle of a sweep, the next sweep finishes', async () => {
    const N = 30;
    const port = await proxy.start();
    const config = loadConfig({
      ...ENV, NODE_ENV: 'test', HUB_ROLES: 'worker', HUB_LOG_LEVEL: 'silent',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/${DB}`, REDIS_URL: `redis://127.0.0.1:6379/${REDIS_DB}`,
    });
    const probe = await createWorkerContext(config);
    const clock = sweepClock(await probe.get(CalendarService).calendar());
    await probe.close();
    ctx = await createWorkerContext(config, { clock });
    const cal = await ctx.get(CalendarService).calendar();
    const picked = ((await db.query(`SELECT case_no FROM cases WHERE status = 'new' ORDER BY id LIMIT $1`, [N])).rows as { case_no: string }[]).map((r) => r.case_no);
    expect(picked).toHaveLength(N);
    const workflow = ctx.get(WorkflowService);
    for (const caseNo of picked) {
      await workflow.act(caseNo, 'accept', { category: '反映' }, { name: 'admin', role: 'admin' });
      await workflow.act(caseNo, 'transfer', { unit: '市住建局' }, { name: 'admin', role: 'admin' });
    }
    await db.query(`UPDATE cases SET deadline = $2 WHERE case_no = ANY($1)`, [picked, cal.addWorkdays(localDate(clock.now()), 1)]);
    const reminded = async () => (await db.query(
      `SELECT c.case_no, count(e.id)::int AS n FROM cases c LEFT JOIN case_event e ON e.case_id = c.id AND e.type = 'remind'
        WHERE c.case_no = ANY($1) GROUP BY c.case_no`, [picked],
    )).rows as { case_no: string; n: number }[];

    // The 12th 催办's transaction has written its timeline row when the connection dies: no COMMIT.
    const repo = ctx.get(WorkflowRepository);
    const original = repo.addEvent.bind(repo);
    let reminds = 0;
    const spy = jest.spyOn(repo, 'addEvent').mockImplementation(async (tx, caseId, e) => {
      await original(tx, caseId, e);
      if (e.type === 'remind' && ++reminds === 12) await proxy.cut();
    });
    const sweeper = ctx.get(WorkflowScheduler);
    const first = await sweeper.sweep().catch((err: Error) => err);
    spy.mockRestore();
    const afterCut = (await reminded()).reduce((s, r) => s + r.n, 0);
    expect(afterCut).toBeGreaterThan(0);
    expect(afterCut).toBeLessThan(N); // the sweep stopped halfway
    expect(afterCut).toBe(11); // the 12th was never committed
    if (!(first instanceof Error)) expect(first.alarms.length).toBeGreaterThan(0);

    await proxy.restore();
    // The next sweep (the next 5-minute tick) takes the lock again — the dead session released it —
    // and sends the rest.
    const second = await eventually(async () => {
      const r = await sweeper.sweep();
      return r.alarms.length === 0 && r.reminders > 0 ? r : undefined;
    }, 30_000, 'a clean sweep after the database came back');
    expect(second.reminders).toBe(N - afterCut);
    const rows = await reminded();
    expect(rows).toHaveLength(N);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]); // no loss, no double
    expect((await sweeper.sweep()).reminders).toBe(0);
  }, 60_000);
});
