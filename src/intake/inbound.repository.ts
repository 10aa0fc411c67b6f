import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MicroBatcher } from '../database/micro-batcher';

export interface NewInbound {
  channelId: string;
  externalId?: string;
  idempotencyKey?: string;
  requestHash: string;
  rawSealed: string;
  queryCodeHash: string;
  queryCodeSealed: string;
  receivedAt: Date;
  /** The calendar day of the receipt number (Asia/Shanghai). */
  day: string;
}

export interface StoredInbound {
  id: string;
  receiptNo: string;
  channelId: string;
  queryCodeSealed: string;
  requestHash: string;
  status: 'accepted' | 'failed';
  receivedAt: Date;
}

export interface InboundForCase {
  id: string;
  receiptNo: string;
  channelId: string;
  rawSealed: string;
  receivedAt: Date;
}

/** Rows that arrive this close together are inserted in one statement (one commit). */
const BATCH_WINDOW_MS = 2;
const BATCH_MAX = 100;

const RETURNING = `id::text, receipt_no AS "receiptNo", channel_id AS "channelId", query_code_sealed AS "queryCodeSealed",
  request_hash AS "requestHash", status, received_at AS "receivedAt"`;

/** The inbound (outbox) rows: the raw submissions, stored before the 202. */
@Injectable()
export class InboundRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The earlier submission with the same idempotency key or external id on this channel. */
  async findPrior(channelId: string, idempotencyKey?: string, externalId?: string): Promise<StoredInbound | undefined> {
    if (!idempotencyKey && !externalId) return undefined;
    const rows: StoredInbound[] = await this.db.query(
      `SELECT ${RETURNING} FROM inbound_message
        WHERE channel_id = $1 AND (idempotency_key = $2 OR external_id = $3)
        ORDER BY id LIMIT 1`,
      [channelId, idempotencyKey ?? null, externalId ?? null],
    );
    return rows[0];
  }

  private readonly batcher = new MicroBatcher<NewInbound, StoredInbound | undefined>(
    async (ms) => {
      const byCode = new Map((await this.insertMany(ms)).map((r) => [r.queryCodeHash, r]));
      return ms.map((m) => byCode.get(m.queryCodeHash));
    },
    { windowMs: BATCH_WINDOW_MS, max: BATCH_MAX },
  );

  /**
   * Inserts the row (and its pending mark); undefined when an equal key won a race (then look it
   * up with findPrior). Rows arriving within BATCH_WINDOW_MS of each other share one statement and
   * one commit: under load that turns many small commits into a few larger ones, and each caller
   * still answers only after its row is committed.
   */
  insert(m: NewInbound): Promise<StoredInbound | undefined> {
    return this.batcher.add(m);
  }

  private async insertMany(ms: NewInbound[]): Promise<(StoredInbound & { queryCodeHash: string })[]> {
    const col = <K extends keyof NewInbound>(k: K) => ms.map((m) => m[k] ?? null);
    return this.db.query(
      `WITH i AS (
         INSERT INTO inbound_message (receipt_no, channel_id, external_id, idempotency_key, request_hash, raw_sealed,
                                      query_code_hash, query_code_sealed, received_at)
         SELECT hub_next_number('YC', u.day), u.channel_id, u.external_id, u.idempotency_key, u.request_hash, u.raw_sealed,
                u.query_code_hash, u.query_code_sealed, u.received_at
           FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
                WITH ORDINALITY AS u(day, channel_id, external_id, idempotency_key, request_hash, raw_sealed, query_code_hash, query_code_sealed, received_at, n)
          ORDER BY u.n
         ON CONFLICT DO NOTHING
         RETURNING *
       ), p AS (
         INSERT INTO inbound_pending (inbound_id, received_at) SELECT id, received_at FROM i
       )
       SELECT ${RETURNING}, query_code_hash AS "queryCodeHash" FROM i`,
      [col('day'), col('channelId'), col('externalId'), col('idempotencyKey'), col('requestHash'), col('rawSealed'), col('queryCodeHash'), col('queryCodeSealed'), col('receivedAt')],
    );
  }

  /** Releases a forward's claim when its message was refused or could not be stored (it may be sent again). */
  async forgetForward(signature: string): Promise<void> {
    await this.db.query(`DELETE FROM forward_nonce WHERE signature = $1`, [signature]);
  }

  /** Remembers a forward's signature; false when it was seen before (a replay). Forgets after a day. */
  async rememberForward(signature: string, channelId: string, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `WITH gone AS (DELETE FROM forward_nonce WHERE seen_at < $3::timestamptz - interval '1 day')
       INSERT INTO forward_nonce (signature, channel_id, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [signature, channelId, at],
    );
    return rows.length === 1;
  }

  /** A newer version of a record not yet registered replaces the stored one; false if it is registered already. */
  async replacePendingRaw(channelId: string, externalId: string, rawSealed: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE inbound_message SET raw_sealed = $3
        WHERE channel_id = $1 AND external_id = $2 AND id IN (SELECT inbound_id FROM inbound_pending)
        RETURNING id`,
      [channelId, externalId, rawSealed],
    );
    return rows.length > 0;
  }

  async forCase(id: string): Promise<InboundForCase | undefined> {
    const rows: InboundForCase[] = await this.db.query(
      `SELECT id::text, receipt_no AS "receiptNo", channel_id AS "channelId", raw_sealed AS "rawSealed",
              received_at AS "receivedAt"
         FROM inbound_message WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /** No retry will make this row a case: operators see it (status failed); the sweeper leaves it. */
  async markFailed(id: string, error: string, attempts: number): Promise<void> {
    await this.db.query(
      `WITH p AS (DELETE FROM inbound_pending WHERE inbound_id = $1 RETURNING inbound_id)
       UPDATE inbound_message SET status = 'failed', last_error = $2, attempts = $3 WHERE id IN (SELECT inbound_id FROM p)`,
      [id, error.slice(0, 1000), attempts],
    );
  }

  /** Rows still pending after `olderThan`: their job was lost or never added. */
  async pendingBefore(olderThan: Date, limit: number): Promise<{ id: string; receivedAt: Date }[]> {
    return this.db.query(
      `SELECT inbound_id::text AS id, received_at AS "receivedAt" FROM inbound_pending
        WHERE received_at < $1 ORDER BY received_at LIMIT $2`,
      [olderThan, limit],
    );
  }

  /** Rows not (yet) cases: pending (a small table) and failed (a partial index). */
  async backlog(): Promise<{ pending: number; failed: number }> {
    const [row]: { pending: string; failed: string }[] = await this.db.query(
      `SELECT (SELECT count(*) FROM inbound_pending)::text AS pending,
              (SELECT count(*) FROM inbound_message WHERE status = 'failed')::text AS failed`,
    );
    return { pending: Number(row.pending), failed: Number(row.failed) };
  }
}
