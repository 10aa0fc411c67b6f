/**
 * What the demo runs against and who can sign in. The database and the Redis database are the
 * demo's own: both are emptied at every start, so their names are checked before anything is
 * dropped or flushed.
 */
import { DemoError } from './client';

export const DEMO_DATABASE = 'liuyan_demo';
export const DEMO_REDIS_DB = '10';

export interface DemoUser {
  username: string;
  password: string;
  role: 'admin' | 'staff' | 'leader' | 'unit';
  unit: string | null;
  label: string;
}

/** Demo passwords: for a local demo on 127.0.0.1 only, printed at the end of every run. */
export const ADMIN: DemoUser = { username: 'admin', password: 'admin-demo-password', role: 'admin', unit: null, label: '系统管理员（bootstrap admin）' };
export const STAFF: DemoUser = { username: 'xinxiang', password: 'xinxiang-demo-password', role: 'staff', unit: null, label: '市长信箱工作人员' };
export const LEADER: DemoUser = { username: 'shizhang', password: 'shizhang-demo-password', role: 'leader', unit: null, label: '市领导' };
export const ZHUJIAN: DemoUser = { username: 'zhujian', password: 'zhujian-demo-password', role: 'unit', unit: '市住建局', label: '承办单位 市住建局' };
export const JIAOYU: DemoUser = { username: 'jiaoyu', password: 'jiaoyu-demo-password', role: 'unit', unit: '市教育局', label: '承办单位 市教育局' };
export const USERS: DemoUser[] = [ADMIN, STAFF, LEADER, ZHUJIAN, JIAOYU];

export interface DemoSettings {
  port: number;
  baseUrl: string;
  databaseUrl: string;
  redisUrl: string;
}

/**
 * PORT 3000 unless HUB_DEMO_PORT says otherwise. HUB_DEMO_DATABASE_URL / HUB_DEMO_REDIS_URL may
 * point at another server, but the database must be called liuyan_demo and the Redis database
 * must be 10: the demo drops and flushes them.
 */
export function demoSettings(env: NodeJS.ProcessEnv = process.env): DemoSettings {
  const port = Number(env.HUB_DEMO_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DemoError(`HUB_DEMO_PORT must be a TCP port, got "${env.HUB_DEMO_PORT}"`);
  const databaseUrl = env.HUB_DEMO_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/${DEMO_DATABASE}`;
  const redisUrl = env.HUB_DEMO_REDIS_URL ?? `redis://127.0.0.1:6379/${DEMO_REDIS_DB}`;
  const dbName = databaseName(databaseUrl);
  if (dbName !== DEMO_DATABASE) {
    throw new DemoError(`refusing to drop database "${dbName}": the demo only ever drops and recreates "${DEMO_DATABASE}" (HUB_DEMO_DATABASE_URL)`);
  }
  const redisDb = new URL(redisUrl).pathname.replace(/^\//, '');
  if (redisDb !== DEMO_REDIS_DB) {
    throw new DemoError(`refusing to flush Redis database "${redisDb || '0'}": the demo only ever flushes database ${DEMO_REDIS_DB} (HUB_DEMO_REDIS_URL)`);
  }
  return { port, baseUrl: `http://127.0.0.1:${port}`, databaseUrl, redisUrl };
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}
