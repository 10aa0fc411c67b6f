import { INestApplication, INestApplicationContext } from '@nestjs/common';
import IORedis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiApp, createWorkerContext } from '../../src/app';
import { AuthService } from '../../src/auth/auth.service';
import { StaffRole } from '../../src/auth/entities/staff-user.entity';
import { Clock } from '../../src/common/clock';
import { HubConfig, loadConfig } from '../../src/config/env';
import { ADMIN, TEST_DATABASE_URL, TEST_REDIS_URL } from './env';

export interface TestHub {
  app: INestApplication;
  config: HubConfig;
  db: DataSource;
  http: () => ReturnType<typeof request>;
  login(username: string, password: string): Promise<string>;
  /** Creates a staff user and returns a token for it. */
  userToken(role: StaffRole, unit?: string | null): Promise<string>;
  close(): Promise<void>;
}

/** The test configuration: real PostgreSQL and Redis, test databases, quiet logs, no rate limit. */
export function testConfig(env: Record<string, string> = {}): HubConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    HUB_ROLES: 'api,worker',
    HUB_RATE_LIMIT: '0',
    HUB_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HUB_ADMIN_USERNAME: ADMIN.username,
    HUB_ADMIN_PASSWORD: ADMIN.password,
    HUB_SWEEP_INTERVAL_MS: '3600000',
    HUB_SWEEP_AFTER_MS: '0',
    HUB_CHANNEL_CACHE_MS: '0',
    // Each suite's injected clock would otherwise have the worker write a 月报 (and start Chromium)
    // in every suite; the reports suite turns it on.
    HUB_MONTHLY_REPORT_AT: 'off',
    ...env,
  });
}

/** Empties every table (the schema stays) and the test Redis database. */
export async function resetStore(db: DataSource): Promise<void> {
  await db.query('TRUNCATE case_event, cases, inbound_pending, inbound_message, audit_log, staff_user, channel, report, import_run RESTART IDENTITY CASCADE');
}

let userSeq = 0;

/** The hub in this process, API and worker roles, listening on a free port. */
export async function startHub(opts: { env?: Record<string, string>; clock?: Clock; reset?: boolean } = {}): Promise<TestHub> {
  const config = testConfig(opts.env);
  if (opts.reset !== false) {
    const probe = new DataSource({ type: 'postgres', url: config.databaseUrl });
    await probe.initialize();
    await resetStore(probe);
    await probe.destroy();
    // Inbound ids restart at 1, so yesterday's job ids must go too.
    const redis = new IORedis(TEST_REDIS_URL);
    await redis.flushdb();
    await redis.quit();
  }
  const app = await createApiApp(config, config.roles, { clock: opts.clock });
  await app.listen(0, '127.0.0.1');
  const db = app.get(DataSource);
  const server = app.getHttpServer();
  const hub: TestHub = {
    app,
    config,
    db,
    http: () => request(server),
    async login(username, password) {
      const res = await request(server).post('/api/v1/auth/login').send({ username, password }).expect(200);
      return res.body.accessToken as string;
    },
    async userToken(role, unit = null) {
      const username = `${role}-${++userSeq}`;
      await app.get(AuthService).createUser(username, 'a-long-test-password', role, unit);
      return hub.login(username, 'a-long-test-password');
    },
    close: () => app.close(),
  };
  return hub;
}

/** A worker-only context (for shutdown tests). */
export async function startWorker(env: Record<string, string> = {}): Promise<INestApplicationContext> {
  return createWorkerContext(testConfig({ HUB_ROLES: 'worker', ...env }));
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function countRows(db: DataSource, table: 'cases' | 'inbound_message' | 'case_event'): Promise<number> {
  const [row] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n as number;
}

/** Waits until every inbound row has become a case (or failed). */
export async function drained(db: DataSource, timeoutMs = 20_000): Promise<void> {
  await eventually(
    async () => {
      const [row] = await db.query(`SELECT count(*)::int AS n FROM inbound_pending`);
      return row.n === 0 ? true : undefined;
    },
    timeoutMs,
    'the intake queue to drain',
  );
}

/** A POST of exact bytes (supertest would re-encode a Buffer as JSON). */
export async function rawPost(hub: TestHub, path: string, contentType: string, body: Buffer): Promise<{ status: number; body: string }> {
  const { port } = hub.app.getHttpServer().address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  return { status: res.status, body: await res.text() };
}

/** A distinct valid mobile number per index, so test messages are different citizens (no 并单). */
export const phoneFor = (i: number) => `137${String(i).padStart(8, '0')}`;

export const validMessage = (over: Record<string, unknown> = {}) => ({
  title: '小区路灯不亮',
  content: '盐湖区某小区3号楼前的路灯已经坏了一周，晚上出行很不方便，请尽快维修。',
  phone: '13912345678',
  name: '王小明',
  email: 'wxm@example.com',
  category: '反映',
  ...over,
});
