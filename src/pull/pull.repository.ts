import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ChannelHealthRow {
  lastAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  lastErrorKind: string | null;
  consecutiveFailures: number;
  circuitOpenUntil: Date | null;
  pulledTotal: number;
  lastPullNew: number;
  lastPullUpdated: number;
  newestUpstreamAt: Date | null;
}

/** Cursors and health of pulled channels. */
@Injectable()
export class PullRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async cursors(channelId: string): Promise<Record<string, string>> {
    const rows: { scope: string; cursor: string }[] = await this.db.query(`SELECT scope, cursor FROM pull_cursor WHERE channel_id = $1`, [channelId]);
    return Object.fromEntries(rows.map((r) => [r.scope, r.cursor]));
  }

  async commitCursor(channelId: string, scope: string, cursor: string): Promise<void> {
    await this.db.query(
      `INSERT INTO pull_cursor (channel_id, scope, cursor, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (channel_id, scope) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
      [channelId, scope, cursor],
    );
  }

  async health(channelId: string): Promise<ChannelHealthRow | undefined> {
    const rows: ChannelHealthRow[] = await this.db.query(
      `SELECT last_attempt_at AS "lastAttemptAt", last_success_at AS "lastSuccessAt", last_error_at AS "lastErrorAt",
              last_error AS "lastError", last_error_kind AS "lastErrorKind", consecutive_failures AS "consecutiveFailures",
              circuit_open_until AS "circuitOpenUntil", pulled_total::int AS "pulledTotal", last_pull_new AS "lastPullNew",
              last_pull_updated AS "lastPullUpdated", newest_upstream_at AS "newestUpstreamAt"
         FROM channel_health WHERE channel_id = $1`,
      [channelId],
    );
    return rows[0];
  }

  async allHealth(): Promise<(ChannelHealthRow & { channelId: string })[]> {
    return this.db.query(
      `SELECT channel_id AS "channelId", last_success_at AS "lastSuccessAt", last_error_at AS "lastErrorAt",
              consecutive_failures AS "consecutiveFailures", pulled_total::int AS "pulledTotal", newest_upstream_at AS "newestUpstreamAt",
              circuit_open_until AS "circuitOpenUntil"
         FROM channel_health`,
    );
  }

  async recordAttempt(channelId: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO channel_health (channel_id, last_attempt_at) VALUES ($1, $2)
       ON CONFLICT (channel_id) DO UPDATE SET last_attempt_at = $2`,
      [channelId, at],
    );
  }

  async recordSuccess(channelId: string, at: Date, created: number, updated: number, newestUpstreamAt: Date | null): Promise<void> {
    await this.db.query(
      `UPDATE channel_health
          SET last_success_at = $2, consecutive_failures = 0, circuit_open_until = NULL,
              pulled_total = pulled_total + $3, last_pull_new = $3, last_pull_updated = $4,
              newest_upstream_at = GREATEST(newest_upstream_at, $5)
        WHERE channel_id = $1`,
      [channelId, at, created, updated, newestUpstreamAt],
    );
  }

  /** Records a failure; opens the circuit after `circuitAfter` in a row. Returns the new failure count. */
  async recordFailure(channelId: string, at: Date, kind: string, message: string, circuitAfter: number, circuitMs: number, created: number): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `UPDATE channel_health
          SET last_error_at = $2, last_error = $4, last_error_kind = $3,
              consecutive_failures = consecutive_failures + 1,
              pulled_total = pulled_total + $7,
              circuit_open_until = CASE WHEN consecutive_failures + 1 >= $5
                                        THEN $2::timestamptz + make_interval(secs => $6::double precision / 1000)
                                        ELSE circuit_open_until END
        WHERE channel_id = $1
        RETURNING consecutive_failures AS n`,
      [channelId, at, kind, message.slice(0, 2000), circuitAfter, circuitMs, created],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * External ids of this channel's cases that the channel has not finished yet, the longest
   * unchecked first (never-checked ones before all), so successive pulls rotate through all of them.
   */
  async openExternalIds(channelId: string, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT external_id AS id FROM cases
        WHERE channel_id = $1 AND upstream IS NOT NULL AND NOT coalesce((upstream ->> 'final')::boolean, false)
        ORDER BY upstream_checked_at NULLS FIRST, received_at LIMIT $2`,
      [channelId, limit],
    );
    return rows.map((r) => r.id);
  }

  async markChecked(channelId: string, externalIds: string[], at: Date): Promise<void> {
    await this.db.query(`UPDATE cases SET upstream_checked_at = $3 WHERE channel_id = $1 AND external_id = ANY($2)`, [channelId, externalIds, at]);
  }
}
