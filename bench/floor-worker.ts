/**
 * Floor B's second half: a BullMQ worker that reads the raw row and writes a case row (one
 * SELECT, one INSERT). Run by the bench as a child process (node dist/bench/floor-worker.js).
 */
import { Job, Worker } from 'bullmq';
import { Pool } from 'pg';
import { exitWithParent, FLOOR_QUEUE, FLOOR_POOL_SIZE, FLOOR_WORKER_CONCURRENCY, FloorJobData, redisConnection, requiredEnv } from './floor-common';

interface RawBody {
  content?: unknown;
  phone?: unknown;
  name?: unknown;
}

const pool = new Pool({ connectionString: requiredEnv('DATABASE_URL'), max: FLOOR_POOL_SIZE, application_name: 'bench-floor-worker' });

async function makeCase(job: Job<FloorJobData>): Promise<void> {
  const { rows } = await pool.query<{ body: RawBody }>('SELECT body FROM raw_message WHERE id = $1', [job.data.rawId]);
  if (rows.length === 0) throw new Error(`raw message ${job.data.rawId} does not exist`);
  const body = rows[0].body;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  await pool.query(
    'INSERT INTO case_row (raw_id, content, phone, name) VALUES ($1, $2, $3, $4) ON CONFLICT (raw_id) DO NOTHING',
    [job.data.rawId, text(body.content) ?? '', text(body.phone), text(body.name)],
  );
}

const worker = new Worker<FloorJobData>(FLOOR_QUEUE, makeCase, {
  connection: redisConnection(requiredEnv('REDIS_URL'), 'worker'),
  concurrency: FLOOR_WORKER_CONCURRENCY,
});
worker.on('error', (err) => process.stderr.write(`floor worker error: ${err.message}\n`));

exitWithParent(async () => {
  await Promise.allSettled([worker.close(), pool.end()]);
});

void worker.waitUntilReady().then(() => process.send?.({ ready: true }));
