import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/decorators';
import { Clock, localDate } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { REPORT_JOB, REPORT_JOB_OPTIONS, REPORT_QUEUE, ReportJobData, reportJobId } from '../queue/queues';
import { Period, ReportDocument } from '../stats/domain/figures';
import { parseQuery, RawFilter } from '../stats/stats.service';
import { ReportMeta, ReportRepository } from './report.repository';

/** The calendar month before the one `day` (YYYY-MM-DD) is in. */
export function previousMonth(day: string): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

/** First and last day of a month YYYY-MM. */
export function monthPeriod(month: string): Period {
  const first = new Date(`${month}-01T00:00:00Z`);
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
  return { from: `${month}-01`, to: last.toISOString().slice(0, 10) };
}

export function monthlyTitle(month: string): string {
  const [y, m] = month.split('-');
  return `运城市市长信箱${y}年${Number(m)}月工作月报`;
}

const MONTH = /^(20\d\d)-(0[1-9]|1[0-2])$/;

/**
 * Requests, lists and serves the reports; the worker's ReportGenerator builds them. A request is a
 * stored row first and a queued job second, so a report asked for while Redis is away is still
 * generated (the scheduler re-queues waiting rows).
 */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    private readonly repo: ReportRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectQueue(REPORT_QUEUE) private readonly queue: Queue<ReportJobData>,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  /** 月报 of a month that has closed (regenerations are new rows; the figures come out the same). */
  async requestMonthly(month: string, user: Principal): Promise<ReportMeta> {
    if (!MONTH.test(month)) throw new BadRequestException('month must be YYYY-MM');
    const period = monthPeriod(month);
    const today = localDate(this.clock.now(), this.config.timeZone);
    if (period.to >= today) throw new ConflictException({ statusCode: 409, error: 'month_not_closed', message: `${month} 尚未结束，月报在次月生成。` });
    const row = await this.repo.insert({
      kind: 'monthly', month, periodFrom: period.from, periodTo: period.to, title: monthlyTitle(month), filter: {}, requestedBy: user.username, requestedAt: this.clock.now(),
    });
    await this.audit.record(user.username, 'report.request', row.id, { kind: 'monthly', month });
    await this.enqueue(row);
    return row;
  }

  /** 专报 on a topic: a title and any of keyword, domain, unit, channel, category over a date range. */
  async requestSpecial(body: unknown, user: Principal): Promise<ReportMeta> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestException('the body must be a JSON object');
    const b = body as Record<string, unknown>;
    const title = typeof b.title === 'string' ? b.title.trim() : '';
    if (!title || title.length > 100) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the report request is invalid', problems: ['title is required, at most 100 characters'] });
    const { period, filter } = parseQuery(b as RawFilter);
    const today = localDate(this.clock.now(), this.config.timeZone);
    if (period.from > today) throw new BadRequestException('the period must not start in the future');
    const row = await this.repo.insert({ kind: 'special', month: null, periodFrom: period.from, periodTo: period.to, title, filter, requestedBy: user.username, requestedAt: this.clock.now() });
    await this.audit.record(user.username, 'report.request', row.id, { kind: 'special', period, filter });
    await this.enqueue(row);
    return row;
  }

  /**
   * The scheduler's 月报: on the first working day of a month (or the first check after it, if
   * the hub was down), last month's report is requested once across all workers.
   */
  async requestAutomaticMonthly(month: string): Promise<ReportMeta | undefined> {
    const period = monthPeriod(month);
    const row = await this.repo.insertAutomaticMonthly({
      kind: 'monthly', month, periodFrom: period.from, periodTo: period.to, title: monthlyTitle(month), filter: {}, requestedBy: 'system', requestedAt: this.clock.now(),
    });
    if (row) await this.enqueue(row);
    return row;
  }

  async enqueue(row: Pick<ReportMeta, 'id' | 'requestedAt'>): Promise<void> {
    const id = row.id;
    try {
      await this.queue.add(REPORT_JOB, { reportId: id }, { ...REPORT_JOB_OPTIONS, jobId: reportJobId(id, new Date(row.requestedAt)) });
    } catch (err) {
      this.logger.warn({ reportId: id, err: (err as Error).message }, 'could not queue the report now; the scheduler will');
    }
  }

  list(q: { kind?: string; month?: string; page?: string; pageSize?: string }) {
    if (q.kind !== undefined && q.kind !== 'monthly' && q.kind !== 'special') throw new BadRequestException('kind must be monthly or special');
    if (q.month !== undefined && !MONTH.test(q.month)) throw new BadRequestException('month must be YYYY-MM');
    const page = Math.min(100_000, Math.max(1, Math.floor(Number(q.page ?? 1)) || 1));
    const pageSize = Math.min(100, Math.max(1, Math.floor(Number(q.pageSize ?? 20)) || 20));
    return this.repo.list({ kind: q.kind as 'monthly' | 'special' | undefined, month: q.month, limit: pageSize, offset: (page - 1) * pageSize }).then((r) => ({ ...r, page, pageSize }));
  }

  async get(id: string): Promise<ReportMeta & { document: ReportDocument | null }> {
    const meta = await this.meta(id);
    return { ...meta, document: await this.repo.document(id) };
  }

  async html(id: string): Promise<string> {
    await this.meta(id);
    const html = await this.repo.html(id);
    if (html === null) throw new ConflictException({ statusCode: 409, error: 'report_not_ready', message: 'the report is still being generated' });
    return html;
  }

  async pdf(id: string, user: Principal): Promise<{ pdf: Buffer; meta: ReportMeta }> {
    const meta = await this.meta(id);
    const pdf = await this.repo.pdf(id);
    if (pdf === null) throw new ConflictException({ statusCode: 409, error: 'report_not_ready', message: 'the PDF is not ready yet' });
    await this.audit.record(user.username, 'report.download', id, { format: 'pdf' });
    return { pdf, meta };
  }

  private async meta(id: string): Promise<ReportMeta> {
    if (!/^[1-9]\d{0,17}$/.test(id)) throw new NotFoundException(`no report ${id}`);
    const meta = await this.repo.meta(id);
    if (!meta) throw new NotFoundException(`no report ${id}`);
    return meta;
  }
}
