/**
 * Brings the database to a usable state before the app serves: creates it when missing (where
 * the role may), runs pending migrations under an advisory lock (several processes may boot at
 * once), and seeds the channel registry when it is empty.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { HubConfig } from '../config/env';
import { dataSourceOptions } from './data-source';

const MIGRATION_LOCK = 7_121_512_020; // any constant shared by all hub processes

export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const probe = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // 3D000: database does not exist
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    // Created meanwhile by another process: 42P04 when it already existed, 23505 (a unique
    // violation in pg_database) when both CREATE DATABASE statements ran at the same moment.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

/** Runs pending migrations; returns their names. */
export async function migrate(config: HubConfig): Promise<string[]> {
  await ensureDatabase(config.databaseUrl);
  const ds = new DataSource({ ...dataSourceOptions(config, 'hub-migrate'), extra: { max: 2 } }); // one connection holds the lock, one migrates
  await ds.initialize();
  try {
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      // Wait for the lock by polling, not with a blocking pg_advisory_lock: a migration that builds
      // an index CONCURRENTLY waits for every open statement to finish, including another process's
      // blocked lock call, which itself waits for the migration: a deadlock PostgreSQL cannot see
      // (three of four simultaneous boots hung in the scale-out test).
      while (!(await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [MIGRATION_LOCK]))[0].ok) {
        await new Promise((r) => setTimeout(r, 250));
      }
      const done = await ds.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await ds.destroy();
  }
}
