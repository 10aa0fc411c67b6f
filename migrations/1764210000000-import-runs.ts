import { MigrationInterface, QueryRunner } from 'typeorm';

/** Switch-over imports of old portal boards: progress, so that a long import can be followed and resumed. */
export class ImportRuns1764210000000 implements MigrationInterface {
  name = 'ImportRuns1764210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_run (
        id           bigserial PRIMARY KEY,
        channel_id   text NOT NULL REFERENCES channel (id),
        source       text NOT NULL CHECK (source IN ('pages', 'file')),
        format       text CHECK (format IN ('json', 'csv')),
        data_sealed  text,
        status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
        next_page    integer NOT NULL DEFAULT 1,
        next_index   integer NOT NULL DEFAULT 0,
        found        integer NOT NULL DEFAULT 0,
        imported     integer NOT NULL DEFAULT 0,
        skipped      integer NOT NULL DEFAULT 0,
        invalid      integer NOT NULL DEFAULT 0,
        problems     jsonb NOT NULL DEFAULT '[]',
        message      text,
        actor        text NOT NULL,
        started_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        finished_at  timestamptz
      )`);
    await q.query(`CREATE INDEX import_run_channel ON import_run (channel_id, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS import_run`);
  }
}
