import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CalendarService } from '../calendar/calendar.service';
import { UncoveredYearError } from '../calendar/domain/work-calendar';
import { Clock, localDate, localMinutes } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { criticismDue, reminderDue } from './domain/deadlines';
import { WorkflowService } from './workflow.service';

const SYSTEM = { name: 'system', role: 'system' as const };

export interface SweepReport {
  reminders: number;
  notices: number;
  criticisms: number;
  closed: number;
  archived: number;
  anonymized: number;
  alarms: string[];
}

/**
 * The mailbox's clock, run by the worker every five minutes: 催办 on the ladder before each
 * deadline (working days, working hours, at most once a day), a 《催办通知书》 after it, a proposal of
 * 通报批评 after two reminders and three working days overdue; replied cases nobody rated are closed,
 * closed ones archived, and archived ones past retention anonymized. Each step is its own
 * transaction on a locked case, so an interrupted sweep resumes without losing or doubling a
 * reminder. One sweep at a time across all hub processes.
 */
@Injectable()
export class WorkflowScheduler {
  private readonly logger = new Logger(WorkflowScheduler.name);

  constructor(
    private readonly workflow: WorkflowService,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Cron('0 */5 * * * *')
  async onTick(): Promise<void> {
    await this.sweep().catch((err: Error) => this.logger.warn({ err: err.message }, 'workflow sweep failed; the next tick retries'));
  }

  async sweep(): Promise<SweepReport> {
    const report: SweepReport = { reminders: 0, notices: 0, criticisms: 0, closed: 0, archived: 0, anonymized: 0, alarms: [] };
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtext('workflow-sweep')) AS locked`);
      if (!locked) return report;
      try {
        await this.deadlines(report);
        await this.housekeeping(report);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('workflow-sweep'))`);
      }
    } finally {
      await runner.release();
    }
    if (report.reminders + report.notices + report.criticisms + report.closed + report.archived + report.anonymized > 0 || report.alarms.length) {
      this.logger.log({ ...report }, 'workflow sweep');
    }
    return report;
  }

  private async deadlines(report: SweepReport): Promise<void> {
    const cal = await this.calendar.calendar();
    const now = this.clock.now();
    const today = localDate(now, this.config.timeZone);
    const nowMinutes = localMinutes(now, this.config.timeZone);
    const rows: { caseNo: string; deadline: string; remindersSent: number; remindersTotal: number; lastReminderDay: string | null; reasonReported: boolean; proposed: boolean }[] =
      await this.db.query(
        `SELECT case_no AS "caseNo", to_char(deadline, 'YYYY-MM-DD') AS deadline, reminders_sent AS "remindersSent", reminders_total AS "remindersTotal",
                to_char(last_reminder_day, 'YYYY-MM-DD') AS "lastReminderDay", reason_reported AS "reasonReported",
                criticism_proposed_at IS NOT NULL AS proposed
           FROM cases WHERE status IN ('transferred', 'coordinating') AND deadline IS NOT NULL ORDER BY deadline LIMIT 5000`,
      );
    for (const r of rows) {
      try {
        const due = reminderDue({
          deadline: r.deadline, today, nowMinutes, remindersSent: r.remindersSent, lastReminderDay: r.lastReminderDay, reasonReported: r.reasonReported,
          ladder: this.config.workflow.reminderLadder, workingHours: this.config.workflow.workingHours,
        }, cal);
        if (due?.kind === 'reminder') {
          await this.workflow.act(r.caseNo, 'remind', { rung: due.rung }, SYSTEM);
          report.reminders++;
        } else if (due?.kind === 'overdue_notice') {
          await this.workflow.act(r.caseNo, 'issue_reminder_notice', {}, SYSTEM);
          report.notices++;
        }
        const total = r.remindersTotal + (due ? 1 : 0);
        if (criticismDue({ remindersSent: total, deadline: r.deadline, today, reasonReported: r.reasonReported, alreadyProposed: r.proposed }, cal)) {
          await this.workflow.act(r.caseNo, 'propose_criticism', {}, SYSTEM);
          report.criticisms++;
        }
      } catch (err) {
        const message = err instanceof UncoveredYearError ? err.message : `${r.caseNo}: ${(err as Error).message}`;
        if (!report.alarms.includes(message)) report.alarms.push(message);
      }
    }
  }

  private async housekeeping(report: SweepReport): Promise<void> {
    const now = this.clock.now();
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    const unrated: { caseNo: string }[] = await this.db.query(
      `SELECT case_no AS "caseNo" FROM cases WHERE status = 'replied' AND updated_at < $1 LIMIT 1000`, [days(this.config.workflow.closeUnratedAfterDays)]);
    for (const r of unrated) {
      await this.workflow.act(r.caseNo, 'close', {}, SYSTEM).then(() => report.closed++).catch(() => undefined);
    }
    const finished: { caseNo: string }[] = await this.db.query(
      `SELECT case_no AS "caseNo" FROM cases c WHERE status IN ('closed', 'declined', 'referred') AND updated_at < $1
          AND NOT EXISTS (SELECT 1 FROM case_document d WHERE d.case_id = c.id AND d.kind = 'criticism' AND NOT d.data ? 'decision')
        LIMIT 1000`, [days(this.config.workflow.archiveAfterDays)]);
    for (const r of finished) {
      await this.workflow.act(r.caseNo, 'archive', {}, SYSTEM).then(() => report.archived++).catch(() => undefined);
    }
    // Past retention: the citizen's contact details go; the matter and its timeline stay for statistics.
    const anonymized = await this.db.query(
      `WITH a AS (
         UPDATE cases SET citizen_name_sealed = NULL, citizen_phone_sealed = NULL, citizen_email_sealed = NULL,
                          citizen_id_number_sealed = NULL, phone_hash = NULL, anonymized_at = $1
          WHERE id IN (SELECT id FROM cases WHERE archived_at < $2 AND anonymized_at IS NULL LIMIT 1000)
          RETURNING id
       ), raw AS (
         UPDATE inbound_message SET raw_sealed = '' WHERE id IN (SELECT inbound_id FROM cases WHERE id IN (SELECT id FROM a))
       ), e AS (
         INSERT INTO case_event (case_id, type, at, actor, actor_role, data) SELECT id, 'anonymized', $1, 'system', 'system', '{}' FROM a
       )
       SELECT count(*)::int AS n FROM a`,
      [now, days(this.config.workflow.retentionDays)],
    );
    report.anonymized = anonymized[0].n;
  }
}
