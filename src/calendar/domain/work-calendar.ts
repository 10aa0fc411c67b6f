/**
 * Chinese working days (工作日), the unit of every deadline in the plan: public holidays are off,
 * and make-up workdays (调休上班, a Saturday or Sunday declared a working day) count.
 *
 * Dates are 'YYYY-MM-DD' strings, the calendar day in Asia/Shanghai. All arithmetic here is on
 * whole civil days (no Date objects, no time zones), so the process zone cannot shift a day.
 *
 * A year is known only when its State Council notice (国务院办公厅部分节假日安排通知) has been
 * loaded. A question that needs a day of any other year throws UncoveredYearError: it never
 * falls back to a Monday–Friday guess.
 */

export interface YearCalendar {
  year: number;
  /** Every official day off of the year (weekday or weekend), 'YYYY-MM-DD'. */
  holidays: string[];
  /** Saturdays and Sundays that are working days (调休上班), 'YYYY-MM-DD'. */
  makeupWorkdays: string[];
  /** Where the dates come from (the notice, the package, who entered them). */
  source: string;
}

export class UncoveredYearError extends Error {
  constructor(readonly year: number) {
    super(
      `No working-day calendar for ${year}: load the State Council holiday notice for ${year} ` +
        `via PUT /api/v1/admin/calendar/${year}. ` +
        `未加载${year}年工作日历：请通过 PUT /api/v1/admin/calendar/${year} 录入国务院办公厅${year}年部分节假日安排通知。`,
    );
    this.name = 'UncoveredYearError';
  }
}

/** The largest n addWorkdays/subtractWorkdays accept (a deadline is never more than a year of working days). */
export const MAX_WORKDAYS = 366;
/** The range of years an administrator may load. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
const MAX_HOLIDAYS = 60;
const MAX_MAKEUP_WORKDAYS = 20;
const MAX_SOURCE_LENGTH = 200;

// ---------------------------------------------------------------------------------------------
// Civil-day arithmetic (proleptic Gregorian, no time zone).

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Civil {
  y: number;
  m: number;
  d: number;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function parseCivil(s: unknown): Civil | undefined {
  if (typeof s !== 'string') return undefined;
  const match = DATE_RE.exec(s);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil). */
function toDayNumber({ y, m, d }: Civil): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(n: number): Civil {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

function formatCivil({ y, m, d }: Civil): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
function weekdayOfDayNumber(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

/** True when s is a real calendar date written 'YYYY-MM-DD'. */
export function isCalendarDate(s: unknown): s is string {
  return parseCivil(s) !== undefined;
}

/** 0 = Sunday … 6 = Saturday, for a real 'YYYY-MM-DD' date (throws otherwise). */
export function dayOfWeek(date: string): number {
  return weekdayOfDayNumber(toDayNumber(requireDate(date)));
}

function requireDate(s: unknown, what = 'date'): Civil {
  const c = parseCivil(s);
  if (!c) throw new Error(`${what} ${JSON.stringify(s)} is not a real calendar date written YYYY-MM-DD`);
  return c;
}

function requireCount(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_WORKDAYS) {
    throw new Error(`the number of working days must be an integer from 0 to ${MAX_WORKDAYS}, got ${String(n)}`);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the constructor and by an administrator's PUT.

function checkDates(year: number, holidays: unknown, makeupWorkdays: unknown): string[] {
  const problems: string[] = [];
  const lists: [string, unknown, number][] = [
    ['holidays', holidays, MAX_HOLIDAYS],
    ['makeupWorkdays', makeupWorkdays, MAX_MAKEUP_WORKDAYS],
  ];
  for (const [name, list, max] of lists) {
    if (!Array.isArray(list)) {
      problems.push(`${name} must be an array of dates YYYY-MM-DD`);
      continue;
    }
    if (list.length > max) problems.push(`${name} has ${list.length} dates; at most ${max} are allowed`);
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const c = parseCivil(item);
      if (!c) {
        problems.push(`${name}[${i}] ${JSON.stringify(item)} is not a real calendar date YYYY-MM-DD`);
        return;
      }
      const s = item as string;
      if (c.y !== year) problems.push(`${name}[${i}] ${s} is not in ${year}`);
      if (seen.has(s)) problems.push(`${name}[${i}] ${s} is listed twice`);
      seen.add(s);
      if (name === 'makeupWorkdays') {
        const wd = weekdayOfDayNumber(toDayNumber(c));
        if (wd !== 0 && wd !== 6) problems.push(`makeupWorkdays[${i}] ${s} is not a Saturday or Sunday (a weekday is a workday anyway)`);
      }
    });
  }
  if (Array.isArray(holidays) && Array.isArray(makeupWorkdays)) {
    const off = new Set(holidays.filter((h) => typeof h === 'string'));
    for (const d of new Set(makeupWorkdays.filter((w) => typeof w === 'string'))) {
      if (off.has(d)) problems.push(`${d} is both a holiday and a make-up workday`);
    }
  }
  return problems;
}

function checkYearNumber(year: unknown): string[] {
  if (typeof year !== 'number' || !Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    return [`year must be an integer from ${MIN_YEAR} to ${MAX_YEAR}, got ${String(year)}`];
  }
  return [];
}

/**
 * Check an administrator's PUT body for a year: {holidays: [...], makeupWorkdays: [...], source?}.
 * The value has its dates sorted; source defaults to '管理员录入'.
 */
export function validateYear(input: unknown, year: number): { ok: true; value: YearCalendar } | { ok: false; problems: string[] } {
  const problems = checkYearNumber(year);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [...problems, 'the body must be an object {holidays: [...], makeupWorkdays: [...], source?: "..."}'] };
  }
  const body = input as Record<string, unknown>;
  if (body.year !== undefined && body.year !== year) problems.push(`year ${JSON.stringify(body.year)} in the body does not match ${year} in the path`);
  let source = '管理员录入';
  if (body.source !== undefined) {
    if (typeof body.source !== 'string' || body.source.trim() === '' || body.source.length > MAX_SOURCE_LENGTH) {
      problems.push(`source must be a non-empty string of at most ${MAX_SOURCE_LENGTH} characters`);
    } else {
      source = body.source.trim();
    }
  }
  if (body.holidays === undefined) problems.push('holidays is missing');
  if (body.makeupWorkdays === undefined) problems.push('makeupWorkdays is missing');
  if (body.holidays !== undefined && body.makeupWorkdays !== undefined) {
    problems.push(...checkDates(year, body.holidays, body.makeupWorkdays));
  } else if (body.holidays !== undefined) {
    problems.push(...checkDates(year, body.holidays, []));
  } else if (body.makeupWorkdays !== undefined) {
    problems.push(...checkDates(year, [], body.makeupWorkdays));
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      year,
      holidays: [...(body.holidays as string[])].sort(),
      makeupWorkdays: [...(body.makeupWorkdays as string[])].sort(),
      source,
    },
  };
}

// ---------------------------------------------------------------------------------------------

interface LoadedYear {
  holidays: Set<string>;
  makeupWorkdays: Set<string>;
}

export class WorkCalendar {
  private readonly years = new Map<number, LoadedYear>();

  /** Throws when a year is given twice or its dates are inconsistent (see validateYear). */
  constructor(years: YearCalendar[]) {
    for (const y of years) {
      const problems = [...checkYearNumber(y.year), ...checkDates(y.year, y.holidays, y.makeupWorkdays)];
      if (this.years.has(y.year)) problems.push(`${y.year} is given twice`);
      if (problems.length > 0) throw new Error(`invalid working-day calendar for ${y.year} (${y.source}): ${problems.join('; ')}`);
      this.years.set(y.year, { holidays: new Set(y.holidays), makeupWorkdays: new Set(y.makeupWorkdays) });
    }
  }

  covers(year: number): boolean {
    return this.years.has(year);
  }

  coveredYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  /** Whether a date is a working day; throws UncoveredYearError for a year not loaded. */
  isWorkday(date: string): boolean {
    return this.isWorkdayNumber(toDayNumber(requireDate(date)));
  }

  /** The n-th working day after `from` (`from` not counted); n = 0 gives `from` itself. */
  addWorkdays(from: string, n: number): string {
    return this.step(from, n, +1);
  }

  /** The n-th working day before `date` (`date` not counted); n = 0 gives `date` itself. */
  subtractWorkdays(date: string, n: number): string {
    return this.step(date, n, -1);
  }

  /** The number of working days in (a, b]: after a, up to and including b; 0 when b ≤ a. */
  workdaysBetween(a: string, b: string): number {
    const start = toDayNumber(requireDate(a, 'start date'));
    const end = toDayNumber(requireDate(b, 'end date'));
    let count = 0;
    for (let day = start + 1; day <= end; day++) if (this.isWorkdayNumber(day)) count++;
    return count;
  }

  /** The first working day strictly after `date` (= addWorkdays(date, 1)). */
  nextWorkday(date: string): string {
    return this.step(date, 1, +1);
  }

  private step(date: string, n: number, direction: 1 | -1): string {
    let day = toDayNumber(requireDate(date));
    let left = requireCount(n);
    while (left > 0) {
      day += direction;
      if (this.isWorkdayNumber(day)) left--;
    }
    return formatCivil(fromDayNumber(day));
  }

  private isWorkdayNumber(day: number): boolean {
    const civil = fromDayNumber(day);
    const loaded = this.years.get(civil.y);
    if (!loaded) throw new UncoveredYearError(civil.y);
    const s = formatCivil(civil);
    if (loaded.holidays.has(s)) return false;
    if (loaded.makeupWorkdays.has(s)) return true;
    const wd = weekdayOfDayNumber(day);
    return wd >= 1 && wd <= 5;
  }
}
