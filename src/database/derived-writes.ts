import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';

/**
 * Connections for writes that are derived from rows already committed durably, and can be
 * redone from them: turning a stored inbound row into its case. They commit with
 * synchronous_commit = off, so they do not wait for the WAL flush. If PostgreSQL crashes within
 * the last few hundred milliseconds, such a commit is lost whole — the case and the removal of
 * the pending mark together, as the WAL is one sequence — and the sweeper registers the row again.
 * The intake insert (the 202's promise) never goes through here.
 */
@Injectable()
export class DerivedWrites implements OnApplicationShutdown {
  readonly pool: Pool;

  constructor(@Inject(HUB_CONFIG) config: HubConfig) {
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: Math.max(2, Math.min(config.workerConcurrency, config.dbPoolSize)),
      connectionTimeoutMillis: 3000,
      application_name: 'hub-derived-writes',
      options: '-c synchronous_commit=off',
    });
    this.pool.on('error', () => undefined); // a dropped idle connection is replaced on next use
  }

  query<T = unknown>(sql: string, params: unknown[]): Promise<T[]> {
    return this.pool.query(sql, params).then((r) => r.rows as T[]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
