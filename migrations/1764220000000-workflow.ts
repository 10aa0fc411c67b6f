import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workflow of the plan's 运行机制: working-day calendar years loaded by administrators, the
 * routing and deadline state of a case, its documents (转办卡, 催办通知书, 延长办理卡, 通报) with
 * stable numbers, and the citizen's reply and rating.
 */
export class Workflow1764220000000 implements MigrationInterface {
  name = 'Workflow1764220000000';

  async up(q: QueryRunner): Promise<void> {
    // Years loaded or corrected by an administrator (the State Council notice); the official
    // years known to the chinese-days package need no row.
    await q.query(`
      CREATE TABLE calendar_year (
        year             integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
        holidays         date[] NOT NULL,
        makeup_workdays  date[] NOT NULL,
        source           text NOT NULL,
        updated_by       text NOT NULL,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      ALTER TABLE cases
        ADD COLUMN unit_received_at      timestamptz,
        ADD COLUMN return_deadline       date,
        ADD COLUMN lead_unit             text,
        ADD COLUMN responsible_units     text[],
        ADD COLUMN extension_request     jsonb,
        ADD COLUMN reminders_sent        integer NOT NULL DEFAULT 0, -- against the current deadline
        ADD COLUMN reminders_total       integer NOT NULL DEFAULT 0,
        ADD COLUMN last_reminder_day     date,
        ADD COLUMN overdue_notice_at     timestamptz,
        ADD COLUMN criticism_proposed_at timestamptz,
        ADD COLUMN reason_reported       boolean NOT NULL DEFAULT false,
        ADD COLUMN feedback              jsonb,
        ADD COLUMN reply                 jsonb,
        ADD COLUMN satisfaction          text CHECK (satisfaction IN ('满意', '基本满意', '不满意')),
        ADD COLUMN closed_at             timestamptz,
        ADD COLUMN archived_at           timestamptz,
        ADD COLUMN anonymized_at         timestamptz`);
    await q.query(`CREATE INDEX cases_open_deadlines ON cases (deadline) WHERE status IN ('transferred', 'coordinating')`);
    await q.query(`CREATE INDEX cases_archived ON cases (archived_at) WHERE archived_at IS NOT NULL AND anonymized_at IS NULL`);

    await q.query(`
      CREATE TABLE case_document (
        id          bigserial PRIMARY KEY,
        case_id     bigint NOT NULL REFERENCES cases (id),
        kind        text NOT NULL CHECK (kind IN ('transfer_card', 'reminder_notice', 'extension_card', 'criticism')),
        doc_no      text NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL,
        data        jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX case_document_case ON case_document (case_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS case_document`);
    await q.query(`DROP INDEX IF EXISTS cases_open_deadlines, cases_archived`);
    await q.query(`
      ALTER TABLE cases DROP COLUMN IF EXISTS unit_received_at, DROP COLUMN IF EXISTS return_deadline, DROP COLUMN IF EXISTS lead_unit,
        DROP COLUMN IF EXISTS responsible_units, DROP COLUMN IF EXISTS extension_request, DROP COLUMN IF EXISTS reminders_sent, DROP COLUMN IF EXISTS reminders_total,
        DROP COLUMN IF EXISTS last_reminder_day, DROP COLUMN IF EXISTS overdue_notice_at, DROP COLUMN IF EXISTS criticism_proposed_at,
        DROP COLUMN IF EXISTS reason_reported, DROP COLUMN IF EXISTS feedback, DROP COLUMN IF EXISTS reply,
        DROP COLUMN IF EXISTS satisfaction, DROP COLUMN IF EXISTS closed_at, DROP COLUMN IF EXISTS archived_at, DROP COLUMN IF EXISTS anonymized_at`);
    await q.query(`DROP TABLE IF EXISTS calendar_year`);
  }
}
