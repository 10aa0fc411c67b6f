import type { Pool, PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * The pool's statement_timeout (15 s) counts from the first fetch of a cursor to its last, so a
 * long read (a year of statistics, a big export, or a slow reader holding it back) would be
 * cancelled half-way. A stream gets this much instead.
 */
const STREAM_STATEMENT_TIMEOUT = '30min';

/**
 * Rows of a query, fetched in batches through a cursor, so a year of cases is read without
 * holding it in memory. Nothing happens until the first row is asked for; then one pooled
 * connection is held, in a read-only transaction (one consistent snapshot for the whole read),
 * until the rows end, fail, or the consumer stops early (its `return()`): in every case the
 * connection goes back to the pool.
 */
export async function* streamRows<T>(db: DataSource, sql: string, params: unknown[] = [], batchSize = 1000): AsyncGenerator<T, void, undefined> {
  const pool = (db.driver as PostgresDriver).master as Pool;
  const client: PoolClient = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = '${STREAM_STATEMENT_TIMEOUT}'`);
    // Big reads (a year of statistics): JIT compiling cost ~2 s a query in the 1M-case bench and
    // bought nothing; a little more sort memory keeps the per-case aggregation off the disk.
    await client.query(`SET LOCAL jit = off`);
    await client.query(`SET LOCAL work_mem = '64MB'`);
    const rows = client.query(new QueryStream(sql, params, { batchSize }));
    for await (const row of rows) yield row as T;
  } finally {
    await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    client.release(broken ?? false);
  }
}
