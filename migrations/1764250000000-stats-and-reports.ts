import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics and reports (月报/专报): an index that finds the workflow events of a period without
 * touching intake's own events (received, registered: the partial index costs intake nothing),
 * and the stored reports with their figures, HTML and PDF.
 */
/** Frozen here; StatsRepository's WORKFLOW_EVENT_TYPES must stay equal (a unit test checks). */
export const WORKFLOW_AT_INDEX_TYPES = [
  'transfer', 'coordinate', 'return', 'request_extension', 'decide_extension', 'remind', 'issue_reminder_notice',
  'propose_criticism', 'decide_criticism', 'refer_to_supervision', 'submit_feedback',
];

export class StatsAndReports1764250000000 implements MigrationInterface {
  name = 'StatsAndReports1764250000000';
  /**
   * Outside a transaction, so the index on case_event (millions of rows in a live hub) is built
   * CONCURRENTLY, without blocking workflow steps and case registrations. Every statement is
   * idempotent, so a migration interrupted half-way runs again cleanly.
   */
  transaction = false as const;

  async up(q: QueryRunner): Promise<void> {
    // A failed concurrent build leaves an invalid index behind: drop it first.
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS case_event_workflow_at`);
    await q.query(`CREATE INDEX CONCURRENTLY case_event_workflow_at ON case_event (at) WHERE type IN (${WORKFLOW_AT_INDEX_TYPES.map((t) => `'${t}'`).join(', ')})`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS report (
        id             bigserial PRIMARY KEY,
        kind           text NOT NULL CHECK (kind IN ('monthly', 'special')),
        month          text CHECK (month ~ '^\\d{4}-\\d{2}$'),
        period_from    date NOT NULL,
        period_to      date NOT NULL,
        title          text NOT NULL,
        filter         jsonb NOT NULL DEFAULT '{}',
        status         text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        progress       jsonb NOT NULL DEFAULT '{}',
        requested_by   text NOT NULL,
        requested_at   timestamptz NOT NULL,
        started_at     timestamptz,
        finished_at    timestamptz,
        attempts       integer NOT NULL DEFAULT 0,
        document       jsonb,
        html           text,
        pdf            bytea,
        pdf_pages      integer,
        summary        text,
        error          text,
        CHECK (period_from <= period_to),
        CHECK ((kind = 'monthly') = (month IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS report_listing ON report (requested_at DESC, id DESC)`);
    await q.query(`CREATE INDEX IF NOT EXISTS report_month ON report (month, id DESC) WHERE kind = 'monthly'`);
    // The scheduler's 月报 of a month is requested once, however many workers run; staff may
    // regenerate a month as often as they like (those rows are theirs).
    await q.query(`CREATE UNIQUE INDEX IF NOT EXISTS report_monthly_auto ON report (month) WHERE kind = 'monthly' AND requested_by = 'system'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS report`);
    await q.query(`DROP INDEX IF EXISTS case_event_workflow_at`);
  }
}
