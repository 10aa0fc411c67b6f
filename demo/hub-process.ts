/**
 * The hub as `npm start` runs it (`node dist/src/main.js`: the API here, the worker in its own
 * child process), on the demo's own database and Redis database; and the checks before it starts.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { AuthModule } from '../src/auth/auth.module';
import { AuthService } from '../src/auth/auth.service';
import { Clock } from '../src/common/clock';
import { loadConfig } from '../src/config/env';
import { CoreModule } from '../src/core.module';
import { DemoError, HubClient, waitFor } from './client';
import { ADMIN, DEMO_DATABASE, DemoSettings, DemoUser, databaseName } from './settings';

const START_POSTGRES = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no';

/** PostgreSQL and Redis answer; otherwise says which one does not and how to start it. */
export async function checkServices(s: DemoSettings): Promise<void> {
  const admin = new URL(s.databaseUrl);
  admin.pathname = '/postgres';
  const pg = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (err) {
    throw new DemoError(`PostgreSQL does not answer at ${admin.host} (${(err as Error).message})`, `start it: ${START_POSTGRES}`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new IORedis(s.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 5000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new DemoError(`Redis does not answer at ${new URL(s.redisUrl).host} (${(err as Error).message})`, `start it: ${START_REDIS}`);
  } finally {
    redis.disconnect();
  }
}

/** Nothing listens on the demo's port yet (a hub left running, another demo...). */
export async function checkPortFree(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new DemoError(`port ${port} is taken (${err.code}): is a hub or another demo still running?`, 'stop it, or choose another port with HUB_DEMO_PORT=3100 npm run demo')));
    server.listen(port, '0.0.0.0', () => resolve());
  });
  await new Promise((r) => server.close(r));
}

/** Drops and recreates liuyan_demo (and nothing else), and flushes Redis database 10. */
export async function resetDemoStore(s: DemoSettings): Promise<void> {
  const name = databaseName(s.databaseUrl);
  if (name !== DEMO_DATABASE) throw new DemoError(`refusing to drop database "${name}"`); // checked twice: this drops data
  const admin = new URL(s.databaseUrl);
  admin.pathname = '/postgres';
  const pg = new Client({ connectionString: admin.toString() });
  await pg.connect();
  try {
    // A psql session left open on the old demo database is closed by FORCE; a hub still using it is
    // another demo running (on another HUB_DEMO_PORT): that one is not pulled from under it.
    const busy = await pg.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'hub-%'`, [DEMO_DATABASE]);
    if (busy.rows[0].n > 0) {
      throw new DemoError(`a hub is connected to ${DEMO_DATABASE}: another \`npm run demo\` is still running`, 'stop it (Ctrl-C in its terminal) before starting a new one');
    }
    await pg.query(`DROP DATABASE IF EXISTS "${DEMO_DATABASE}" WITH (FORCE)`);
    await pg.query(`CREATE DATABASE "${DEMO_DATABASE}"`);
  } finally {
    await pg.end();
  }
  const redis = new IORedis(s.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/** Hub settings a caller's shell may pass to the demo's hub (where Chromium is on another machine). */
const PASSED_THROUGH = ['HUB_CHROMIUM_PATH'];

/** The hub's environment: ours (a HUB_ROLES or DATABASE_URL of the caller's shell must not leak in). */
export function hubEnv(s: DemoSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || ['PORT', 'DATABASE_URL', 'REDIS_URL', 'NODE_ENV'].includes(k)) continue;
    if (k.startsWith('HUB_') && !PASSED_THROUGH.includes(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    NODE_ENV: 'development', // the fixed development data key: demo data only
    PORT: String(s.port),
    DATABASE_URL: s.databaseUrl,
    REDIS_URL: s.redisUrl,
    HUB_ADMIN_USERNAME: ADMIN.username,
    HUB_ADMIN_PASSWORD: ADMIN.password,
    // Every demo citizen comes from 127.0.0.1: one rate-limit budget would stop the traffic.
    HUB_RATE_LIMIT: '0',
    HUB_LOG_LEVEL: 'info',
  };
}

export interface HubProcess {
  child: ChildProcess;
  logFile: string;
  /** The last lines the hub wrote (access-log lines left out), indented. */
  logTail(lines?: number): string;
  /** SIGINT (the hub stops its worker first), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

export async function startHubProcess(s: DemoSettings, distRoot: string): Promise<HubProcess> {
  const main = join(distRoot, 'src', 'main.js');
  if (!existsSync(main)) throw new DemoError(`${main} does not exist`, 'build first: npm run build (npm run demo does it)');
  const dir = join(tmpdir(), 'hub-demo');
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'hub.log');
  const log = createWriteStream(logFile, { flags: 'w' });
  await once(log, 'open');
  const child = spawn(process.execPath, [main], { env: hubEnv(s), stdio: ['ignore', log, log] });
  /** The last lines of the hub's log, access-log lines left out (they would drown the reason). */
  const logTail = (lines = 25) => {
    try {
      const text = readFileSync(logFile, 'utf8').trimEnd().split('\n').filter((l) => !l.includes('"msg":"request completed"'));
      return text.slice(-lines).map((l) => `    ${l.length > 600 ? `${l.slice(0, 600)}…` : l}`).join('\n');
    } catch {
      return '    (no log)';
    }
  };
  let exited = child.exitCode !== null;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    const done = once(child, 'exit');
    // SIGINT, as Ctrl-C in a terminal sends it: the hub stops its worker, then itself. (SIGTERM is
    // not used: once the worker has printed a PDF, a SIGTERM leaves both processes running — seen
    // with the hub as of this demo; playwright's own signal handlers in the PDF renderer are the
    // likely cause.)
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await done;
    clearTimeout(timer);
  };
  return { child, logFile, logTail, stop };
}

/** /health answers 200 (PostgreSQL and Redis reachable from the hub), or the hub exited. */
export async function waitHealthy(hub: HubProcess, client: HubClient): Promise<void> {
  let exitCode: number | string | null = null;
  hub.child.once('exit', (code, signal) => (exitCode = signal ?? code));
  await waitFor('the hub to answer /health', async () => {
    if (exitCode !== null) throw new DemoError(`the hub exited during boot (${exitCode})`);
    const res = await fetch(`${client.baseUrl}/health`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 90_000, 300).catch((err: Error) => {
    throw new DemoError(`${err.message}; the hub's log (${hub.logFile}) ends with:\n${hub.logTail()}`);
  });
}

/**
 * The demo's users, created with the hub's own AuthService (the same code the bootstrap admin
 * goes through) in a short-lived Nest context on the demo database; the hub has no user API yet.
 */
export async function createUsers(s: DemoSettings, users: DemoUser[]): Promise<void> {
  const config = loadConfig({ ...hubEnv(s), HUB_ROLES: 'api', HUB_LOG_LEVEL: 'warn', HUB_ADMIN_USERNAME: '', HUB_ADMIN_PASSWORD: '' });
  @Module({ imports: [CoreModule.forRoot(config, 'demo-users', new Clock()), AuthModule] })
  class DemoUsersModule {}
  const ctx = await NestFactory.createApplicationContext(DemoUsersModule, { logger: false });
  try {
    const auth = ctx.get(AuthService);
    for (const u of users) await auth.createUser(u.username, u.password, u.role, u.unit);
  } finally {
    await ctx.close();
  }
}
