/**
 * Floor A: the least an intake endpoint can do with this stack. Parse the JSON body, INSERT it
 * raw into PostgreSQL, add one BullMQ job, answer 202. No validation, no crypto, no framework
 * beyond express. Run by the bench as a child process (node dist/bench/floor-server.js).
 */
import { Queue } from 'bullmq';
import express, { Request, Response } from 'express';
import { Pool } from 'pg';
import { FLOOR_JOB, FLOOR_JOB_OPTIONS, FLOOR_POOL_SIZE, FLOOR_QUEUE, FloorJobData, redisConnection, requiredEnv, serveFloor } from './floor-common';

const port = Number(requiredEnv('PORT'));
const pool = new Pool({ connectionString: requiredEnv('DATABASE_URL'), max: FLOOR_POOL_SIZE, application_name: 'bench-floor-server' });
const queue = new Queue<FloorJobData>(FLOOR_QUEUE, { connection: redisConnection(requiredEnv('REDIS_URL'), 'producer') });

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '64kb' }));

app.post('/messages', async (req: Request, res: Response) => {
  try {
    const { rows } = await pool.query<{ id: string }>('INSERT INTO raw_message (body) VALUES ($1) RETURNING id::text AS id', [req.body]);
    const id = rows[0].id;
    await queue.add(FLOOR_JOB, { rawId: id }, { ...FLOOR_JOB_OPTIONS, jobId: `raw-${id}` });
    res.status(202).json({ id, status: 'received' });
  } catch (err) {
    res.status(503).json({ error: 'unavailable', message: (err as Error).message });
  }
});

serveFloor(
  app,
  port,
  () => Promise.all([pool.query('SELECT 1'), queue.getJobCounts('waiting')]),
  () => Promise.allSettled([queue.close(), pool.end()]),
);
