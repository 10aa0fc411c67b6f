import { MigrationInterface, QueryRunner } from 'typeorm';

/** When each pulled case was last re-read upstream, so refreshes rotate through all open cases. */
export class UpstreamRotation1764230000000 implements MigrationInterface {
  name = 'UpstreamRotation1764230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases ADD COLUMN upstream_checked_at timestamptz`);
    await q.query(`DROP INDEX IF EXISTS cases_open_upstream`);
    await q.query(`CREATE INDEX cases_open_upstream ON cases (channel_id, upstream_checked_at NULLS FIRST, received_at)
                   WHERE upstream IS NOT NULL AND NOT coalesce((upstream ->> 'final')::boolean, false)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS cases_open_upstream`);
    await q.query(`CREATE INDEX cases_open_upstream ON cases (channel_id, received_at)
                   WHERE upstream IS NOT NULL AND NOT coalesce((upstream ->> 'final')::boolean, false)`);
    await q.query(`ALTER TABLE cases DROP COLUMN IF EXISTS upstream_checked_at`);
  }
}
