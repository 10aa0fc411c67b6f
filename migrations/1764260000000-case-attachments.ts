import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attachments a handling unit sends with its feedback (反馈): the file's bytes in the database,
 * next to the case they belong to, with the timeline event they came with (the 反馈), the type
 * the hub recognised from the bytes, and a SHA-256 for integrity. Archived with the case.
 */
export class CaseAttachments1764260000000 implements MigrationInterface {
  name = 'CaseAttachments1764260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_attachment (
        id            bigserial PRIMARY KEY,
        case_id       bigint NOT NULL REFERENCES cases (id),
        event_id      bigint REFERENCES case_event (id),
        filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
        content_type  text NOT NULL,
        size_bytes    integer NOT NULL CHECK (size_bytes > 0),
        sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        data          bytea NOT NULL,
        uploaded_by   text NOT NULL,
        uploaded_at   timestamptz NOT NULL,
        CHECK (octet_length(data) = size_bytes)
      )`);
    await q.query(`CREATE INDEX case_attachment_case ON case_attachment (case_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS case_attachment`);
  }
}
