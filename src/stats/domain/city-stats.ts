/**
 * City-wide statistics of a period from one summary row per case. Pure: no Nest, no SQL.
 *
 * The cohort is the cases RECEIVED in the period; every other count says what had become of them
 * by the end of the period (the SQL that builds the rows ignores later events), so computing a
 * period again later gives the same figures.
 */
import { CityStats, Count, Period, StatsFilter } from './figures';
import { WorkdayCounter } from './assessment';
import { roundHalfUp } from './round';

/** One case of the cohort as it stood at the end of the period. */
export interface CaseSummaryRow {
  channelId: string;
  /** Category and domain given at acceptance (受理); null (未分类) for a case not accepted by the period's end. */
  category: string | null;
  domain: string | null;
  receivedDay: string;
  accepted: boolean;
  declined: boolean;
  referred: boolean;
  transferred: boolean;
  /** Local date of the first reply, if any. */
  firstReplyDay: string | null;
  closed: boolean;
  archived: boolean;
  duplicate: boolean;
  /** The citizen's first rating: 满意, 基本满意 or 不满意. */
  rating: string | null;
}

export const UNCLASSIFIED = '未分类';

/** The day after a local date (YYYY-MM-DD), calendar arithmetic in UTC. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Every local date of the period, in order (years 1000–9998; at most 10 years of days). */
export function daysOf(period: Period): string[] {
  const days: string[] = [];
  for (let d = period.from; d <= period.to && days.length < 3700; d = nextDay(d)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) break;
    days.push(d);
  }
  return days;
}

/**
 * The value at quantile q of sorted integer counts given as a histogram (index = value), using the
 * nearest-rank method: the smallest value with at least q of the observations at or below it.
 */
export function quantileOfHistogram(histogram: number[], total: number, q: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v] ?? 0;
    if (seen >= rank) return v;
  }
  return histogram.length - 1;
}

export class CityStatsBuilder {
  private received = 0;
  private accepted = 0;
  private declined = 0;
  private referred = 0;
  private transferred = 0;
  private replied = 0;
  private closed = 0;
  private archived = 0;
  private duplicates = 0;
  private readonly byChannel = new Map<string, number>();
  private readonly byCategory = new Map<string, number>();
  private readonly byDomain = new Map<string, number>();
  private readonly byDay = new Map<string, number>();
  /** Working days to reply → number of cases. */
  private readonly replyHistogram: number[] = [];
  private replyTotal = 0;
  private replySum = 0;
  private outsideCalendar = 0;
  private readonly ratings = { rated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0 };

  constructor(
    private readonly period: Period,
    private readonly filter: StatsFilter,
    private readonly calendar: WorkdayCounter,
  ) {
    for (const day of daysOf(period)) this.byDay.set(day, 0);
  }

  add(r: CaseSummaryRow): void {
    this.received++;
    if (r.accepted) this.accepted++;
    if (r.declined) this.declined++;
    if (r.referred) this.referred++;
    if (r.transferred) this.transferred++;
    if (r.closed) this.closed++;
    if (r.archived) this.archived++;
    if (r.duplicate) this.duplicates++;
    bump(this.byChannel, r.channelId);
    bump(this.byCategory, r.category ?? UNCLASSIFIED);
    bump(this.byDomain, r.domain ?? UNCLASSIFIED);
    if (this.byDay.has(r.receivedDay)) bump(this.byDay, r.receivedDay);
    if (r.firstReplyDay !== null) {
      this.replied++;
      let days: number | null = null;
      try {
        days = this.calendar.workdaysBetween(r.receivedDay, r.firstReplyDay);
      } catch {
        this.outsideCalendar++; // a year the calendar does not cover: counted as replied, not timed
      }
      if (days !== null) {
        this.replyHistogram[days] = (this.replyHistogram[days] ?? 0) + 1;
        this.replyTotal++;
        this.replySum += days;
      }
    }
    if (r.rating !== null) {
      this.ratings.rated++;
      if (r.rating === '满意') this.ratings.satisfied++;
      else if (r.rating === '基本满意') this.ratings.basicallySatisfied++;
      else this.ratings.unsatisfied++;
    }
  }

  build(asOf: string, channelLabel: (id: string) => string = (id) => id): CityStats {
    return {
      period: this.period,
      filter: this.filter,
      asOf,
      received: this.received,
      accepted: this.accepted,
      declined: this.declined,
      referred: this.referred,
      transferred: this.transferred,
      replied: this.replied,
      closed: this.closed,
      archived: this.archived,
      duplicates: this.duplicates,
      byChannel: counts(this.byChannel, channelLabel),
      byCategory: counts(this.byCategory),
      byDomain: counts(this.byDomain),
      byDay: [...this.byDay].map(([day, count]) => ({ day, count })),
      replyWorkdays: {
        replied: this.replyTotal,
        median: quantileOfHistogram(this.replyHistogram, this.replyTotal, 0.5),
        p90: quantileOfHistogram(this.replyHistogram, this.replyTotal, 0.9),
        mean: this.replyTotal ? roundHalfUp(this.replySum / this.replyTotal, 2) : null,
        outsideCalendar: this.outsideCalendar,
      },
      satisfaction: { ...this.ratings },
    };
  }
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/** Largest first, then by key, so the order is stable. */
function counts(m: Map<string, number>, label: (key: string) => string = (k) => k): Count[] {
  return [...m]
    .map(([key, count]) => ({ key, label: label(key), count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}
