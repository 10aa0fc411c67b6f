/**
 * A small working-day calendar for unit tests of the statistics: Saturday and Sunday rest,
 * 2026-10-01..08 holidays, 2026-09-27 and 2026-10-10 make-up workdays, and no 2024 at all (it
 * throws there, like the real calendar for a year nobody loaded).
 */
import type { WorkdayCounter } from '../../src/stats/domain/assessment';

const HOLIDAYS = new Set(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08']);
const MAKEUP_WORKDAYS = new Set(['2026-09-27', '2026-10-10']);

export function dayAfter(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

export function isWorkday(d: string): boolean {
  if (d.startsWith('2024-')) throw new Error(`fake calendar does not cover 2024 (${d})`);
  if (MAKEUP_WORKDAYS.has(d)) return true;
  if (HOLIDAYS.has(d)) return false;
  const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

/** Working days d with a < d ≤ b; throws for 2024 like the real calendar for an uncovered year. */
export const fakeCalendar: WorkdayCounter = {
  workdaysBetween(a, b) {
    isWorkday(a);
    isWorkday(b);
    let n = 0;
    for (let d = dayAfter(a); d <= b; d = dayAfter(d)) if (isWorkday(d)) n++;
    return n;
  },
};
