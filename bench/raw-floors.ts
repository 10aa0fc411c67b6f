/**
 * The bare floors under the floors: what PostgreSQL and BullMQ do alone on this machine, with no
 * HTTP server in between. They run in the bench's own process (nothing else is measured
 * meanwhile) with the hub's settings: a pool of 20 connections, the hub's job options and worker
 * concurrency.
 *
 *   raw PostgreSQL INSERT  20 clients, each inserting one message (a JSON body) per statement,
 *                          autocommit, for a fixed time: rows/s and statement latency
 *   raw BullMQ add         `jobs` adds with 50 in flight (deterministic job ids): adds/s, latency
 *   raw BullMQ process     a Worker (concurrency 16) whose processor does nothing, draining
 *                          those jobs: jobs/s
 */
import { Queue, Worker } from 'bullmq';
import { Pool } from 'pg';
import { cpuGroups, CpuShares, startCpu } from './cpu';
import { FLOOR_JOB, FLOOR_JOB_OPTIONS, FLOOR_POOL_SIZE, FLOOR_WORKER_CONCURRENCY, redisConnection } from './floor-common';
import { MessageStream } from './messages';

const RAW_QUEUE = 'raw-floor';

export interface RawFigure {
  /** Operations done (rows inserted, jobs added or processed). */
  count: number;
  seconds: number;
  rate: number;
  /** Per-operation latency, ms (not for the worker: it has no per-job request). */
  p50?: number;
  p99?: number;
  cpu: CpuShares;
}

export interface RawFloors {
  pgInsert: RawFigure;
  bullAdd: RawFigure;
  bullProcess: RawFigure;
  /** Clients / adds in flight / worker concurrency. */
  pgClients: number;
  addsInFlight: number;
  workerConcurrency: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const msSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function figure(count: number, seconds: number, latencies: number[] | undefined, cpu: CpuShares): RawFigure {
  const sorted = latencies?.sort((a, b) => a - b);
  return {
    count,
    seconds,
    rate: count / seconds,
    p50: sorted ? percentile(sorted, 50) : undefined,
    p99: sorted ? percentile(sorted, 99) : undefined,
    cpu,
  };
}

/** Single-row INSERTs of message bodies into `raw_message` from FLOOR_POOL_SIZE clients for `seconds`. */
async function rawInsert(dbUrl: string, bodies: MessageStream, seconds: number): Promise<RawFigure> {
  const pool = new Pool({ connectionString: dbUrl, max: FLOOR_POOL_SIZE, application_name: 'bench-raw-insert', statement_timeout: 30_000 });
  try {
    await Promise.all(Array.from({ length: FLOOR_POOL_SIZE }, () => pool.query('SELECT 1'))); // connect them all first
    const latencies: number[] = [];
    const stopCpu = startCpu(cpuGroups([]));
    const t0 = process.hrtime.bigint();
    const end = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: FLOOR_POOL_SIZE }, async () => {
        while (Date.now() < end) {
          const t = process.hrtime.bigint();
          await pool.query('INSERT INTO raw_message (body) VALUES ($1)', [bodies.next().toString('utf8')]);
          latencies.push(msSince(t));
        }
      }),
    );
    const elapsed = msSince(t0) / 1000;
    return figure(latencies.length, elapsed, latencies, stopCpu());
  } finally {
    await pool.end();
  }
}

/** `jobs` BullMQ adds with `inFlight` at a time, then a no-op Worker draining them. */
async function rawBull(redisUrl: string, jobs: number, inFlight: number): Promise<{ add: RawFigure; process: RawFigure }> {
  const queue = new Queue(RAW_QUEUE, { connection: redisConnection(redisUrl, 'producer') });
  let worker: Worker | undefined;
  try {
    await queue.waitUntilReady();
    await queue.obliterate({ force: true });
    const latencies: number[] = [];
    let next = 0;
    let stopCpu = startCpu(cpuGroups([]));
    let t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < jobs) {
          const id = ++next;
          const t = process.hrtime.bigint();
          await queue.add(FLOOR_JOB, { rawId: String(id) }, { ...FLOOR_JOB_OPTIONS, jobId: `raw-${id}` });
          latencies.push(msSince(t));
        }
      }),
    );
    const add = figure(latencies.length, msSince(t0) / 1000, latencies, stopCpu());

    let done = 0;
    let finished: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (finished = resolve));
    stopCpu = startCpu(cpuGroups([]));
    t0 = process.hrtime.bigint();
    worker = new Worker(RAW_QUEUE, async () => undefined, { connection: redisConnection(redisUrl, 'worker'), concurrency: FLOOR_WORKER_CONCURRENCY });
    worker.on('completed', () => {
      if (++done === jobs) finished();
    });
    const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`raw BullMQ worker: ${done}/${jobs} jobs after 120 s`)), 120_000).unref());
    await Promise.race([allDone, timeout]);
    const processed = figure(done, msSince(t0) / 1000, undefined, stopCpu());
    return { add, process: processed };
  } finally {
    await worker?.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

export async function runRawFloors(opts: { dbUrl: string; redisUrl: string; bodies: MessageStream; seconds: number; jobs: number; addsInFlight: number }): Promise<RawFloors> {
  const pgInsert = await rawInsert(opts.dbUrl, opts.bodies, opts.seconds);
  const bull = await rawBull(opts.redisUrl, opts.jobs, opts.addsInFlight);
  return {
    pgInsert,
    bullAdd: bull.add,
    bullProcess: bull.process,
    pgClients: FLOOR_POOL_SIZE,
    addsInFlight: opts.addsInFlight,
    workerConcurrency: FLOOR_WORKER_CONCURRENCY,
  };
}
