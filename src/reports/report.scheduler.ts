import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { CalendarService } from '../calendar/calendar.service';
import { Clock, localDate, localMinutes } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { ReportRepository } from './report.repository';
import { previousMonth, ReportsService } from './reports.service';

/**
 * The 月报 writes itself: every few minutes the worker checks whether today is on or after the
 * first working day of the month and the configured hour (HUB_MONTHLY_REPORT_AT, 08:30), and if
 * so requests last month's report — once, across all workers (a unique index). A check after a
 * downtime catches up. Reports whose job was lost (Redis away) are queued again.
 */
@Injectable()
export class ReportScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportScheduler.name);

  constructor(
    private readonly reports: ReportsService,
    private readonly repo: ReportRepository,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    setTimeout(() => void this.onTick(), 5_000).unref();
  }

  @Cron('30 */5 * * * *')
  async onTick(): Promise<void> {
    await this.check().catch((err: Error) => this.logger.warn({ err: err.message }, 'report check failed; the next tick retries'));
  }

  /** What it did: the month requested, if any, and how many waiting reports were queued again. */
  async check(): Promise<{ requested?: string; requeued: number; reason?: string }> {
    const now = this.clock.now();
    const requeued = await this.requeueStale(now);
    const today = localDate(now, this.config.timeZone);
    const due = await this.firstWorkday(today.slice(0, 7));
    if (due === undefined) return { requeued, reason: `the calendar does not cover ${today.slice(0, 4)}` };
    if (!this.config.reports.monthlyAt) return { requeued, reason: 'HUB_MONTHLY_REPORT_AT is off' };
    const { hour, minute } = this.config.reports.monthlyAt;
    const minutesNow = localMinutes(now, this.config.timeZone);
    if (today < due || (today === due && minutesNow < hour * 60 + minute)) return { requeued, reason: `not before ${due} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
    const month = previousMonth(today);
    const row = await this.reports.requestAutomaticMonthly(month);
    if (row) this.logger.log({ reportId: row.id, month }, `月报 ${month} requested`);
    return { requested: row ? month : undefined, requeued };
  }

  private async firstWorkday(month: string): Promise<string | undefined> {
    const cal = await this.calendar.calendar();
    try {
      const first = `${month}-01`;
      return cal.isWorkday(first) ? first : cal.nextWorkday(first);
    } catch {
      this.logger.warn({ month }, 'the calendar does not cover this year: the 月报 waits until an administrator loads it');
      return undefined;
    }
  }

  private async requeueStale(now: Date): Promise<number> {
    // A report's job holds its lock 10 minutes; a row running for 30 has lost its worker.
    const ids = await this.repo.stale(new Date(now.getTime() - 2 * 60_000), new Date(now.getTime() - 30 * 60_000));
    for (const row of ids) await this.reports.enqueue(row);
    return ids.length;
  }
}
