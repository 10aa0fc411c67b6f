/**
 * Floor Q: the least a query-by-code endpoint can do with this stack. Upper-case the code, take
 * its keyed hash (the hub's blind index: HMAC-SHA256 with the same key), one indexed SELECT of the
 * message and its case, answer JSON (404 when unknown). No validation beyond that, no redaction,
 * no timeline, no framework beyond express. Run by the bench as a child process
 * (node dist/bench/floor-query-server.js) against the statistics bench's store.
 */
import express, { Request, Response } from 'express';
import { Pool } from 'pg';
import { PiiCipher } from '../src/crypto/pii-cipher';
import { FLOOR_POOL_SIZE, requiredEnv, serveFloor } from './floor-common';

const port = Number(requiredEnv('PORT'));
const pool = new Pool({ connectionString: requiredEnv('DATABASE_URL'), max: FLOOR_POOL_SIZE, application_name: 'bench-floor-query' });
const cipher = new PiiCipher(Buffer.from(requiredEnv('HUB_DATA_KEY'), 'base64'));

const app = express();
app.disable('x-powered-by');

app.get('/query/:code', async (req: Request, res: Response) => {
  try {
    const code = String(req.params.code).toUpperCase().replace(/-/g, '');
    const { rows } = await pool.query(
      `SELECT i.receipt_no AS "receiptNo", c.case_no AS "caseNo", c.title, c.status, c.reply
         FROM inbound_message i LEFT JOIN cases c ON c.inbound_id = i.id
        WHERE i.query_code_hash = $1`,
      [cipher.blindIndex('query-code', code)],
    );
    if (rows.length === 0) res.status(404).json({ error: 'not_found' });
    else res.json(rows[0]);
  } catch (err) {
    res.status(503).json({ error: 'unavailable', message: (err as Error).message });
  }
});

serveFloor(app, port, () => pool.query('SELECT 1'), () => pool.end());
