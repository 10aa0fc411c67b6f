import { BadRequestException, ConflictException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Clock, localDate } from '../common/clock';
import { CATEGORIES } from '../../adapters';
import { CalendarService } from '../calendar/calendar.service';
import { isCalendarDate, MAX_YEAR, MIN_YEAR, UncoveredYearError } from '../calendar/domain/work-calendar';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PiiCipher } from '../crypto/pii-cipher';
import { redactCitizenText } from '../crypto/masking';
import { statusLabel } from '../cases/domain/status';
import { AssessmentBuilder } from './domain/assessment';
import { CityStatsBuilder, nextDay } from './domain/city-stats';
import { Assessment, CityStats, CriticisedCase, OverdueCase, Period, RepresentativeCase, StatsFilter } from './domain/figures';
import { StatsRepository } from './stats.repository';

/** Longest period a statistics question may span (three years). */
const MAX_PERIOD_DAYS = 1096;

export type RawFilter = Partial<Record<'from' | 'to' | 'channel' | 'unit' | 'category' | 'domain' | 'keyword', unknown>>;

/** Validated period and filter from query parameters; a clear 400 naming the parameter otherwise. */
export function parseQuery(q: RawFilter): { period: Period; filter: StatsFilter } {
  const problems: string[] = [];
  const from = q.from, to = q.to;
  if (!isCalendarDate(from)) problems.push('from must be a date YYYY-MM-DD');
  if (!isCalendarDate(to)) problems.push('to must be a date YYYY-MM-DD');
  for (const [name, v] of [['from', from], ['to', to]] as const) {
    if (isCalendarDate(v) && (Number(v.slice(0, 4)) < MIN_YEAR || Number(v.slice(0, 4)) > MAX_YEAR)) problems.push(`${name} must be a date between ${MIN_YEAR} and ${MAX_YEAR}`);
  }
  if (isCalendarDate(from) && isCalendarDate(to)) {
    if (from > to) problems.push('from must not be after to');
    else if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_PERIOD_DAYS) problems.push(`the period may span at most ${MAX_PERIOD_DAYS} days`);
  }
  const filter: StatsFilter = {};
  const text = (name: keyof StatsFilter, max: number, pattern?: RegExp) => {
    const v = q[name];
    if (v === undefined || v === '') return;
    if (typeof v !== 'string' || v.trim() === '' || v.length > max || (pattern && !pattern.test(v))) {
      problems.push(`${name} must be ${pattern ? 'a valid id' : 'text'} of at most ${max} characters`);
      return;
    }
    filter[name] = v.trim();
  };
  text('channel', 64, /^[a-z0-9][a-z0-9-]{1,62}$/);
  text('unit', 100);
  text('domain', 50);
  text('keyword', 50);
  text('category', 10);
  if (filter.category && !(CATEGORIES as readonly string[]).includes(filter.category)) problems.push(`category must be one of ${CATEGORIES.join(' ')}`);
  if (problems.length) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the statistics query is invalid', problems });
  return { period: { from: from as string, to: to as string }, filter };
}

/** The instant a period ends (exclusive), in the hub's zone (Asia/Shanghai has no DST: +08:00). */
export function periodEnd(period: Period): string {
  return new Date(`${nextDay(period.to)}T00:00:00+08:00`).toISOString();
}

/**
 * What a period's figures can say "as of": its end, or now if it has not ended; and the last day
 * whose end has passed (a deadline on or before it, unanswered, is overdue).
 */
export function asOfNow(period: Period, now: Date, timeZone: string): { asOf: string; overdueThrough: string } {
  const end = periodEnd(period);
  const today = localDate(now, timeZone);
  if (today > period.to) return { asOf: end, overdueThrough: period.to };
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return { asOf: now.toISOString() < end ? now.toISOString() : end, overdueThrough: d.toISOString().slice(0, 10) };
}

/**
 * At most this many statistics reads at once per process: each holds a pooled connection for its
 * whole read, and intake must keep connections free.
 */
class Slots {
  private used = 0;
  constructor(private readonly max: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.used >= this.max) {
      throw new ServiceUnavailableException({ statusCode: 503, error: 'stats_busy', message: '统计查询较多，请稍后再试。Too many statistics queries are running; try again shortly.' });
    }
    this.used++;
    try {
      return await work();
    } finally {
      this.used--;
    }
  }
}

/**
 * Statistics and unit assessment computed from the case timelines (see src/stats/domain). Reads
 * stream from PostgreSQL, so a year of cases is counted without holding it in memory.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly repo: StatsRepository,
    private readonly calendar: CalendarService,
    private readonly registry: ChannelRegistry,
    private readonly cipher: PiiCipher,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    this.slots = new Slots(Math.max(1, Math.floor(config.dbPoolSize / 4)));
  }

  private readonly slots: Slots;

  async city(period: Period, filter: StatsFilter, onCase?: () => void): Promise<CityStats> {
    return this.slots.run(async () => {
      const builder = new CityStatsBuilder(period, filter, await this.calendar.calendar());
      for await (const row of this.repo.cohort(period, filter, this.config.timeZone)) {
        builder.add(row);
        onCase?.();
      }
      return builder.build(asOfNow(period, this.clock.now(), this.config.timeZone).asOf, await this.channelLabels());
    });
  }

  /** The assessment, the overdue list (titles with personal data removed) and the criticised list. */
  async assessment(period: Period, filter: StatsFilter): Promise<{ assessment: Assessment; overdue: OverdueCase[]; criticised: CriticisedCase[] }> {
    return this.slots.run(async () => {
      const { asOf, overdueThrough } = asOfNow(period, this.clock.now(), this.config.timeZone);
      const builder = new AssessmentBuilder(period, await this.calendar.calendar(), overdueThrough);
      for await (const t of this.repo.timelines(period, filter, this.config.timeZone)) builder.add(t);
      const result = builder.build(asOf);
      const mine = <T extends { unit: string }>(xs: T[]) => (filter.unit ? xs.filter((x) => x.unit === filter.unit) : xs);
      return {
        assessment: { ...result.assessment, units: mine(result.assessment.units) },
        overdue: mine(result.overdue).map(({ nameSealed, ...o }) => ({ ...o, title: this.clean(o.title, nameSealed) })),
        criticised: mine(result.criticised),
      };
    });
  }

  /** Free text with typed contacts and the citizen's own name masked (reports, overdue lists). */
  clean(text: string, nameSealed: string | null | undefined): string {
    return redactCitizenText(text, this.cipher.openOptional(nameSealed));
  }

  /** `count` months ending with the period's last month (which ends with the period). */
  trend(period: Period, filter: StatsFilter, count = 6) {
    const d = new Date(`${period.to.slice(0, 7)}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - (count - 1));
    return this.repo.trend(d.toISOString().slice(0, 7), period, filter, this.config.timeZone);
  }

  /** Replied cases to show in a report, with the citizen's name and any contact typed in the text removed. */
  async representative(period: Period, filter: StatsFilter, limit = 3): Promise<RepresentativeCase[]> {
    const [rows, label] = await Promise.all([this.repo.representative(period, filter, this.config.timeZone, limit), this.channelLabels()]);
    return rows.map((r) => {
      const clean = (s: string) => this.clean(s, r.nameSealed);
      return {
        caseNo: r.caseNo,
        channelLabel: label(r.channelId),
        category: r.category,
        title: clean(r.title),
        content: clean(r.content),
        reply: r.reply?.content ? clean(r.reply.content) : null,
        unit: r.reply?.unit ?? r.handlingUnit,
        statusLabel: statusLabel(r.status),
      };
    });
  }

  /** The board's name (市住建局门户网站—互动交流—局长信箱), prefixed by its unit when the name does not say it. */
  async channelLabels(): Promise<(id: string) => string> {
    const channels = await this.registry.all();
    const names = new Map(channels.map((c) => [c.id, c.id === 'mailbox' ? '市长信箱（本平台表单）' : c.name.includes(c.unit) ? c.name : `${c.unit}${c.name}`]));
    return (id) => names.get(id) ?? id;
  }
}

/** A question about a year the calendar does not cover is a 409 naming the year, as elsewhere. */
export function calendarConflict(err: unknown): never {
  if (err instanceof UncoveredYearError) {
    throw new ConflictException({ statusCode: 409, error: 'calendar_year_not_covered', message: err.message, year: err.year });
  }
  throw err;
}
