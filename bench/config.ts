/**
 * The bench's settings: environment in, typed settings out. Databases and Redis databases are the
 * bench's own, so a run never touches `liuyan`, `liuyan_test` or the tests' Redis database (15).
 */
import { resolve } from 'node:path';

export interface BenchConfig {
  /** Seconds of each fixed-duration autocannon run (BENCH_SECONDS). */
  seconds: number;
  /** Seconds of the warm-up run before each server's first measurement (BENCH_WARMUP_SECONDS). */
  warmupSeconds: number;
  /** Messages in each end-to-end burst (BENCH_BURST). */
  burst: number;
  /** Connections of the main intake runs and of the bursts. */
  connections: number;
  /** Extra hub intake concurrencies (BENCH_CONCURRENCIES, comma-separated). */
  sweep: number[];
  /** Also measure the hub with HUB_ROLES=api (no worker competing for the cores). */
  apiOnly: boolean;
  /** Keep the bench databases afterwards (BENCH_KEEP_DB=1) instead of dropping them. */
  keepDatabases: boolean;
  /** Upper bound on waiting for a burst's cases or a backlog to drain. */
  drainTimeoutMs: number;
  pgAdminUrl: string;
  floorDatabase: string;
  hubDatabase: string;
  redisHost: string;
  redisPort: number;
  floorRedisDb: number;
  hubRedisDb: number;
  /** Root of the project (for dist/ paths and docs/). */
  root: string;
  /** Also measure the 1,000,000-case store (BENCH_STORE=0 skips it). */
  store: boolean;
  /** Where the markdown goes: the detailed tables, and the summary with the machine. */
  docsFile: string;
  readmeFile: string;
}

/** An integer setting from the environment, within bounds (the bench stops with the variable's name otherwise). */
export function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

/** Names the bench may create and drop: never the application's or the tests' databases. */
function benchDatabase(name: string): string {
  if (!/^liuyan_bench[a-z0-9_]*$/.test(name)) throw new Error(`refusing to use database "${name}": bench databases are named liuyan_bench*`);
  return name;
}

export function loadBenchConfig(): BenchConfig {
  // dist/bench/config.js -> project root is two levels up.
  const root = resolve(__dirname, '..', '..');
  const sweep = (process.env.BENCH_CONCURRENCIES ?? '10,100')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`BENCH_CONCURRENCIES: "${s}" is not a connection count`);
      return n;
    });
  return {
    seconds: intEnv('BENCH_SECONDS', 10, 1, 600),
    warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 2, 0, 60),
    burst: intEnv('BENCH_BURST', 20_000, 100, 1_000_000),
    connections: 50,
    sweep,
    apiOnly: process.env.BENCH_API_ONLY !== '0',
    keepDatabases: process.env.BENCH_KEEP_DB === '1',
    drainTimeoutMs: intEnv('BENCH_DRAIN_TIMEOUT_SECONDS', 120, 5, 3600) * 1000,
    pgAdminUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    floorDatabase: benchDatabase('liuyan_bench_floor'),
    hubDatabase: benchDatabase('liuyan_bench'),
    redisHost: '127.0.0.1',
    redisPort: 6379,
    floorRedisDb: 12,
    hubRedisDb: 13,
    root,
    store: process.env.BENCH_STORE !== '0',
    docsFile: resolve(root, 'docs', 'benchmarks.md'),
    readmeFile: resolve(root, 'README.md'),
  };
}

export function databaseUrl(name: string): string {
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

export function redisUrl(c: BenchConfig, db: number): string {
  return `redis://${c.redisHost}:${c.redisPort}/${db}`;
}
