/**
 * The bench's own access to PostgreSQL and Redis: creating and dropping its databases, counting
 * rows, and emptying its Redis databases. Every name passed here went through loadBenchConfig's
 * guard (liuyan_bench*), and the Redis databases are the bench's own (12 and 13).
 */
import IORedis from 'ioredis';
import { Client } from 'pg';
import { sleep } from './children';

/** One short-lived connection for `fn`, closed whatever happens. */
export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

export async function createDatabase(adminUrl: string, name: string, schema: string[] = [], dbUrl?: string): Promise<void> {
  await dropDatabase(adminUrl, name);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  if (schema.length > 0 && dbUrl) {
    await withClient(dbUrl, async (c) => {
      for (const statement of schema) await c.query(statement);
    });
  }
}

/** PostgreSQL's version and the settings that shape these figures. */
export async function serverDescription(adminUrl: string): Promise<string> {
  return withClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('server_version', 'shared_buffers', 'synchronous_commit', 'autovacuum', 'max_connections') ORDER BY name`,
    );
    const get = (n: string) => rows.find((r) => r.name === n);
    const buffers = get('shared_buffers');
    const mib = buffers ? (Number(buffers.setting) * 8) / 1024 : NaN; // in 8 kB pages
    return `${get('server_version')?.setting ?? '?'} (shared_buffers ${mib} MiB, synchronous_commit ${get('synchronous_commit')?.setting}, autovacuum ${get('autovacuum')?.setting}, max_connections ${get('max_connections')?.setting})`;
  });
}

/** One long-lived connection to a bench database, for counting rows while a burst runs. */
export class Probe {
  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<Probe> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'bench-probe' });
    await client.connect();
    return new Probe(client);
  }

  async number(sql: string): Promise<number> {
    const { rows } = await this.client.query<{ n: string | number | null }>(sql);
    return Number(rows[0]?.n ?? 0);
  }

  /** A timestamp column's value as epoch milliseconds (null when there are no rows). */
  async epochMs(sql: string, params: unknown[] = []): Promise<number | null> {
    const { rows } = await this.client.query<{ t: Date | null }>(sql, params);
    return rows[0]?.t ? rows[0].t.getTime() : null;
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  /** Polls `sql` (a number) until `done` holds; false on timeout. */
  async waitFor(sql: string, done: (n: number) => boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (done(await this.number(sql))) return true;
      await sleep(intervalMs);
    }
    return done(await this.number(sql));
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** The cluster's WAL position in bytes (all databases: the figure is only clean when nothing else writes). */
export async function walPosition(adminUrl: string): Promise<bigint> {
  return withClient(adminUrl, async (c) => BigInt((await c.query<{ b: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint::text AS b")).rows[0].b));
}

export async function flushRedisDb(host: string, port: number, db: number): Promise<void> {
  const redis = new IORedis({ host, port, db, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

export async function redisVersion(host: string, port: number): Promise<string> {
  const redis = new IORedis({ host, port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    redis.disconnect();
  }
}
