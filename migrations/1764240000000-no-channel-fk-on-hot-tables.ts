import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every intake and every case insert took a KEY SHARE lock on its channel's registry row through
 * these foreign keys; under load thousands of transactions share a lock on the same few rows,
 * which PostgreSQL records as multixacts — a measurable hot spot on the intake path. Channel rows
 * are never deleted (an administrator changes a disposition, never removes a channel) and intake
 * checks the channel in the registry before writing, so the constraint bought nothing.
 */
export class NoChannelFkOnHotTables1764240000000 implements MigrationInterface {
  name = 'NoChannelFkOnHotTables1764240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE inbound_message DROP CONSTRAINT IF EXISTS inbound_message_channel_id_fkey`);
    await q.query(`ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_channel_id_fkey`);
    // The duplicate check asks "this phone, the last 30 days": one index answers both, so the plan
    // does not depend on fresh statistics (without them PostgreSQL walked every recent case).
    await q.query(`DROP INDEX IF EXISTS cases_phone_hash`);
    await q.query(`CREATE INDEX cases_phone_hash ON cases (phone_hash, received_at) WHERE phone_hash IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS cases_phone_hash`);
    await q.query(`CREATE INDEX cases_phone_hash ON cases (phone_hash) WHERE phone_hash IS NOT NULL`);
    await q.query(`ALTER TABLE inbound_message ADD CONSTRAINT inbound_message_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES channel (id)`);
    await q.query(`ALTER TABLE cases ADD CONSTRAINT cases_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES channel (id)`);
  }
}
