import { Client } from 'pg';
import IORedis from 'ioredis';
import { loadConfig } from '../../src/config/env';
import { migrate } from '../../src/database/bootstrap';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env';

/** A fresh test database (dropped and migrated) and an empty test Redis database, once per run. */
export default async function globalSetup(): Promise<void> {
  const url = new URL(TEST_DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = new URL(TEST_DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  await migrate(loadConfig({ NODE_ENV: 'test', DATABASE_URL: TEST_DATABASE_URL }));
  const redis = new IORedis(TEST_REDIS_URL);
  await redis.flushdb();
  await redis.quit();
}
