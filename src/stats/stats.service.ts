import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { CATEGORIES } from '../../adapters';
import { CalendarService } from '../calendar/calendar.service';
import { isCalendarDate, UncoveredYearError } from '../calendar/domain/work-calendar';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PiiCipher } from '../crypto/pii-cipher';
import { maskName, redactText } from '../crypto/masking';
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
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async city(period: Period, filter: StatsFilter, onCase?: () => void): Promise<CityStats> {
    const builder = new CityStatsBuilder(period, filter, await this.calendar.calendar());
    for await (const row of this.repo.cohort(period, filter, this.config.timeZone)) {
      builder.add(row);
      onCase?.();
    }
    return builder.build(periodEnd(period), await this.channelLabels());
  }

  async assessment(period: Period, filter: StatsFilter): Promise<{ assessment: Assessment; overdue: OverdueCase[]; criticised: CriticisedCase[] }> {
    const builder = new AssessmentBuilder(period, await this.calendar.calendar());
    for await (const t of this.repo.timelines(period, filter, this.config.timeZone)) builder.add(t);
    const result = builder.build(periodEnd(period));
    if (!filter.unit) return result;
    return {
      assessment: { ...result.assessment, units: result.assessment.units.filter((u) => u.unit === filter.unit) },
      overdue: result.overdue.filter((o) => o.unit === filter.unit),
      criticised: result.criticised.filter((c) => c.unit === filter.unit),
    };
  }

  /** Months [first, last] as YYYY-MM, `count` months ending with the period's last month. */
  trend(period: Period, filter: StatsFilter, count = 6) {
    const last = period.to.slice(0, 7);
    const d = new Date(`${last}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - (count - 1));
    return this.repo.trend(d.toISOString().slice(0, 7), last, filter, this.config.timeZone);
  }

  /** Replied cases to show in a report, with the citizen's name and any contact typed in the text removed. */
  async representative(period: Period, filter: StatsFilter, limit = 3): Promise<RepresentativeCase[]> {
    const [rows, label] = await Promise.all([this.repo.representative(period, filter, this.config.timeZone, limit), this.channelLabels()]);
    return rows.map((r) => {
      const name = this.cipher.openOptional(r.nameSealed);
      const clean = (s: string) => {
        const text = redactText(s);
        return name && name.length >= 2 ? text.split(name).join(maskName(name)) : text;
      };
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
