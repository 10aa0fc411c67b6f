import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pulled channels (cursors, health), the registry's version history, signed portal forwards
 * (replay window), the upstream view of pulled cases, and duplicate links (并单).
 */
export class PullsAndLinks1764200000000 implements MigrationInterface {
  name = 'PullsAndLinks1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    // One committed position per channel and scope (the leaders' board: one per fid).
    await q.query(`
      CREATE TABLE pull_cursor (
        channel_id  text NOT NULL REFERENCES channel (id),
        scope       text NOT NULL,
        cursor      text NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel_id, scope)
      )`);

    await q.query(`
      CREATE TABLE channel_health (
        channel_id            text PRIMARY KEY REFERENCES channel (id),
        last_attempt_at       timestamptz,
        last_success_at       timestamptz,
        last_error_at         timestamptz,
        last_error            text,
        last_error_kind       text,
        consecutive_failures  integer NOT NULL DEFAULT 0,
        circuit_open_until    timestamptz,
        pulled_total          bigint NOT NULL DEFAULT 0,
        last_pull_new         integer NOT NULL DEFAULT 0,
        last_pull_updated     integer NOT NULL DEFAULT 0,
        newest_upstream_at    timestamptz
      )`);

    // Every accepted change of a registry row: who, when, the row before and after.
    await q.query(`
      CREATE TABLE channel_version (
        channel_id  text NOT NULL REFERENCES channel (id),
        version     integer NOT NULL,
        at          timestamptz NOT NULL DEFAULT now(),
        actor       text NOT NULL,
        reason      text,
        snapshot    jsonb NOT NULL,
        changes     jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (channel_id, version)
      )`);
    await q.query(`
      INSERT INTO channel_version (channel_id, version, at, actor, reason, snapshot)
      SELECT id, version, created_at, 'seed', 'config/channels.yaml',
             jsonb_build_object('unit', unit, 'name', name, 'disposition', disposition, 'guidance', guidance,
                                'referTo', refer_to, 'enabled', enabled, 'config', config, 'adapter', adapter)
        FROM channel`);

    // Signatures of signed portal forwards seen within the replay window.
    await q.query(`
      CREATE TABLE forward_nonce (
        signature  text PRIMARY KEY,
        channel_id text NOT NULL,
        seen_at    timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX forward_nonce_seen ON forward_nonce (seen_at)`);

    await q.query(`ALTER TABLE cases ADD COLUMN upstream jsonb`);
    await q.query(`ALTER TABLE cases ADD COLUMN imported boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE cases ADD COLUMN duplicate_of bigint REFERENCES cases (id)`);
    await q.query(`CREATE INDEX cases_duplicate_of ON cases (duplicate_of) WHERE duplicate_of IS NOT NULL`);
    await q.query(`CREATE INDEX cases_open_upstream ON cases (channel_id, received_at)
                   WHERE upstream IS NOT NULL AND NOT coalesce((upstream ->> 'final')::boolean, false)`);
    await q.query(`CREATE INDEX cases_channel_external ON cases (channel_id, external_id) WHERE external_id IS NOT NULL`);

    // Redirected portals are served by the portal adapter (form posts, signed forwards, imports).
    await q.query(`UPDATE channel SET adapter = 'portal' WHERE disposition = 'redirected' AND adapter = 'web-form'`);
    // Retained channels get their pull adapters, disabled until an administrator configures them.
    await q.query(`UPDATE channel SET adapter = id, enabled = false WHERE disposition = 'retained' AND adapter IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE channel SET adapter = 'web-form' WHERE adapter = 'portal'`);
    await q.query(`DROP INDEX IF EXISTS cases_channel_external, cases_open_upstream, cases_duplicate_of`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS duplicate_of, DROP COLUMN IF EXISTS imported, DROP COLUMN IF EXISTS upstream`);
    await q.query(`DROP TABLE IF EXISTS forward_nonce, channel_version, channel_health, pull_cursor`);
  }
}
