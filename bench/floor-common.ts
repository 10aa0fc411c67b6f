/**
 * What the floor's server and worker share: the queue, the tables, the connection settings.
 * They mirror the hub's choices (pool size, job options, deterministic job ids, producer fails
 * fast / worker waits for Redis), so the floor differs from the hub only by the hub's own work.
 */
import { ConnectionOptions, JobsOptions } from 'bullmq';
import type { Express, Request, Response } from 'express';

export const FLOOR_QUEUE = 'floor-intake';
export const FLOOR_JOB = 'make-case';

export interface FloorJobData {
  rawId: string;
}

/** The same options as the hub's INTAKE_JOB_OPTIONS. */
export const FLOOR_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 14 * 86400 },
};

/** The hub's default HUB_DB_POOL_SIZE and HUB_WORKER_CONCURRENCY. */
export const FLOOR_POOL_SIZE = 20;
export const FLOOR_WORKER_CONCURRENCY = 16;

export const FLOOR_SCHEMA = [
  `CREATE TABLE raw_message (
     id          bigserial PRIMARY KEY,
     body        jsonb NOT NULL,
     received_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE case_row (
     id         bigserial PRIMARY KEY,
     raw_id     bigint NOT NULL UNIQUE REFERENCES raw_message (id),
     content    text NOT NULL,
     phone      text,
     name       text,
     created_at timestamptz NOT NULL DEFAULT clock_timestamp()
   )`,
];

export function requiredEnv(name: string): string {
  const v = process.env[name];
  if (!v) {
    process.stderr.write(`${name} is required\n`);
    process.exit(78);
  }
  return v;
}

export function redisConnection(url: string, role: 'producer' | 'worker'): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(role === 'producer' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  };
}

/** A floor process ends with the bench: when the IPC channel closes, or on SIGTERM. */
export function exitWithParent(close: () => Promise<unknown>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    void close().finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Serves a floor on 127.0.0.1:`port`, with a /health that runs `check`, until the bench goes (then `close`). */
export function serveFloor(app: Express, port: number, check: () => Promise<unknown>, close: () => Promise<unknown>): void {
  app.get('/health', async (_req: Request, res: Response) => {
    try {
      await check();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  const server = app.listen(port, '127.0.0.1');
  exitWithParent(async () => {
    server.close();
    await close();
  });
}
