import { officialYears } from './official-years';
import { dayOfWeek, isCalendarDate, UncoveredYearError, validateYear, WorkCalendar, YearCalendar } from './work-calendar';

const cal = new WorkCalendar(officialYears());

/** Every date from a to b inclusive (same month). */
function days(a: string, b: string): string[] {
  const out: string[] = [];
  const [y, m] = a.split('-');
  for (let d = Number(a.slice(8)); d <= Number(b.slice(8)); d++) out.push(`${y}-${m}-${String(d).padStart(2, '0')}`);
  return out;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('isWorkday, against the State Council notices', () => {
  const off = [
    ...days('2025-10-01', '2025-10-08'), // 国庆节、中秋节 2025
    ...days('2025-05-01', '2025-05-05'), // 劳动节 2025
    ...days('2025-01-28', '2025-01-31'), // 春节 2025
    ...days('2025-02-01', '2025-02-04'),
    '2025-01-01',
    ...days('2026-01-01', '2026-01-03'), // 元旦 2026
    ...days('2026-02-15', '2026-02-23'), // 春节 2026
    ...days('2026-10-01', '2026-10-07'), // 国庆节 2026
    '2025-10-12', // an ordinary Sunday
    '2025-11-15', // an ordinary Saturday
  ];
  const on = [
    ['2025-10-11', 'Saturday make-up (国庆)'],
    ['2025-09-28', 'Sunday make-up (国庆)'],
    ['2025-04-27', 'Sunday make-up (劳动节)'],
    ['2025-01-26', 'Sunday make-up (春节)'],
    ['2025-02-08', 'Saturday make-up (春节)'],
    ['2026-01-04', 'Sunday make-up (元旦)'],
    ['2026-02-14', 'Saturday make-up (春节)'],
    ['2026-02-28', 'Saturday make-up (春节)'],
    ['2025-10-09', 'the first day back'],
    ['2025-09-30', 'an ordinary Tuesday'],
    ['2026-02-24', 'the first day back after 春节 2026'],
    ['2025-11-17', 'an ordinary Monday'],
  ];

  test.each(off)('%s is a day off', (date) => {
    expect(cal.isWorkday(date)).toBe(false);
  });

  test.each(on)('%s is a working day (%s)', (date) => {
    expect(cal.isWorkday(date)).toBe(true);
  });

  test.each([
    ['2025-10-11', 6],
    ['2025-09-28', 0],
    ['2025-04-27', 0],
    ['2026-01-04', 0],
    ['2026-02-14', 6],
    ['2026-02-28', 6],
  ])('%s falls on weekday %i (so it really is a weekend make-up day)', (date, wd) => {
    expect(dayOfWeek(date)).toBe(wd);
  });

  test.each([
    ['2024-12-31', 2025],
    ['2025-12-31', 2026],
  ])('workdaysBetween(%s, the last day of %i) = 248, the official working days of the year', (before, year) => {
    expect(cal.workdaysBetween(before, `${year}-12-31`)).toBe(248);
  });
});

describe('addWorkdays: the n-th working day after from (from not counted)', () => {
  test.each([
    ['2025-09-30', 3, '2025-10-11', 'a transfer received on 09-30 is due at the end of the Saturday make-up day'],
    ['2025-09-30', 1, '2025-10-09', 'the return window ends the first day back'],
    ['2025-09-30', 2, '2025-10-10', ''],
    ['2025-09-30', 0, '2025-09-30', 'n = 0 is from itself'],
    ['2025-10-01', 0, '2025-10-01', 'n = 0 is from itself, even a holiday'],
    ['2025-10-01', 1, '2025-10-09', 'from a holiday'],
    ['2025-09-26', 1, '2025-09-28', 'Friday to the Sunday make-up day'],
    ['2025-04-25', 1, '2025-04-27', 'Friday to the Sunday make-up day'],
    ['2025-04-30', 1, '2025-05-06', 'over 劳动节'],
    ['2025-12-31', 1, '2026-01-04', 'across the year boundary, onto the Sunday make-up day'],
    ['2025-12-31', 2, '2026-01-05', 'across the year boundary'],
    ['2026-02-13', 1, '2026-02-14', 'onto the Saturday make-up day'],
    ['2026-02-13', 2, '2026-02-24', 'over 春节 2026'],
    ['2026-02-27', 1, '2026-02-28', 'onto the Saturday make-up day'],
    ['2026-02-27', 2, '2026-03-02', ''],
    ['2025-11-14', 5, '2025-11-21', 'an ordinary week'],
    ['2025-01-01', 248, '2025-12-31', 'the whole of 2025'],
    ['2025-01-01', 366, '2026-06-26', 'the largest n'],
    ['2026-12-30', 1, '2026-12-31', 'the last day of the last covered year'],
  ])('%s + %i → %s %s', (from, n, want) => {
    expect(cal.addWorkdays(from, n)).toBe(want);
  });

  test.each([
    ['2026-12-30', 5, 2027],
    ['2026-12-31', 1, 2027],
    ['2026-06-01', 200, 2027],
  ])('%s + %i needs %i, which is not loaded', (from, n, year) => {
    const err = thrown(() => cal.addWorkdays(from, n));
    expect(err).toBeInstanceOf(UncoveredYearError);
    expect((err as UncoveredYearError).year).toBe(year);
  });

  test('from itself is not counted, so it need not be in a covered year', () => {
    expect(cal.addWorkdays('2024-12-31', 1)).toBe('2025-01-02');
    expect(cal.addWorkdays('2027-05-05', 0)).toBe('2027-05-05');
  });
});

describe('uncovered years', () => {
  test('covers and coveredYears', () => {
    expect(cal.covers(2025)).toBe(true);
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2027)).toBe(false);
    expect(cal.covers(2024)).toBe(false);
    expect(cal.coveredYears()).toEqual([2025, 2026]);
  });

  test.each([
    ['isWorkday 2027-03-01', () => cal.isWorkday('2027-03-01'), 2027],
    ['isWorkday 2024-12-31', () => cal.isWorkday('2024-12-31'), 2024],
    ['subtractWorkdays back into 2024', () => cal.subtractWorkdays('2025-01-02', 1), 2024],
    ['workdaysBetween into 2027', () => cal.workdaysBetween('2026-12-01', '2027-01-10'), 2027],
    ['nextWorkday into 2027', () => cal.nextWorkday('2026-12-31'), 2027],
  ])('%s throws UncoveredYearError', (_name, fn, year) => {
    const err = thrown(fn);
    expect(err).toBeInstanceOf(UncoveredYearError);
    expect(err).toBeInstanceOf(Error);
    expect((err as UncoveredYearError).year).toBe(year);
    expect((err as UncoveredYearError).name).toBe('UncoveredYearError');
  });

  test('the message tells an operator what to do, in English and Chinese', () => {
    const err = new UncoveredYearError(2027);
    expect(err.message).toContain('PUT /api/v1/admin/calendar/2027');
    expect(err.message).toContain('State Council');
    expect(err.message).toContain('国务院办公厅2027年');
    expect(err.message).toContain('未加载2027年');
  });

  test('no Monday–Friday guess: a plain Monday of 2027 is not answered', () => {
    expect(() => cal.isWorkday('2027-01-04')).toThrow(UncoveredYearError);
  });
});

describe('subtractWorkdays, workdaysBetween, nextWorkday', () => {
  test.each([
    ['2025-10-11', 3, '2025-09-30'],
    ['2025-10-09', 1, '2025-09-30'],
    ['2025-10-09', 2, '2025-09-29'],
    ['2026-01-04', 1, '2025-12-31'],
    ['2026-02-24', 1, '2026-02-14'],
    ['2025-05-06', 1, '2025-04-30'],
    ['2025-10-05', 1, '2025-09-30'],
    ['2025-10-05', 0, '2025-10-05'],
  ])('%s − %i → %s', (date, n, want) => {
    expect(cal.subtractWorkdays(date, n)).toBe(want);
  });

  const samples = ['2025-09-30', '2025-12-31', '2026-02-13', '2025-04-27', '2026-01-04', '2025-06-03', '2026-09-20', '2025-01-02'];
  const ns = [0, 1, 2, 3, 5, 10, 15, 30];
  test.each(samples.flatMap((d) => ns.map((n) => [d, n] as const)))('working day %s: subtract(add(x, %i)) = x and the span counts n', (x, n) => {
    const later = cal.addWorkdays(x, n);
    expect(cal.subtractWorkdays(later, n)).toBe(x);
    expect(cal.workdaysBetween(x, later)).toBe(n);
  });

  test.each([
    ['2026-02-14', 30],
    ['2026-06-01', 100],
  ])('add(subtract(x, n), n) = x for working day %s, n %i', (x, n) => {
    expect(cal.addWorkdays(cal.subtractWorkdays(x, n), n)).toBe(x);
  });

  test('not an inverse from a day off: it lands on the next working day', () => {
    expect(cal.addWorkdays(cal.subtractWorkdays('2025-10-01', 1), 1)).toBe('2025-10-09');
  });

  test.each([
    ['2025-09-30', '2025-10-11', 3],
    ['2025-09-30', '2025-10-09', 1],
    ['2025-09-30', '2025-10-08', 0],
    ['2025-09-30', '2025-09-30', 0],
    ['2025-10-11', '2025-09-30', 0],
    ['2025-12-31', '2026-01-04', 1],
    ['2025-12-30', '2026-01-04', 2],
    ['2025-09-27', '2025-09-28', 1],
    ['2025-11-14', '2025-11-21', 5],
  ])('workdaysBetween(%s, %s) = %i', (a, b, want) => {
    expect(cal.workdaysBetween(a, b)).toBe(want);
  });

  test.each([
    ['2025-09-30', '2025-10-09'],
    ['2025-10-10', '2025-10-11'],
    ['2025-10-11', '2025-10-13'],
    ['2025-12-31', '2026-01-04'],
    ['2026-02-13', '2026-02-14'],
    ['2025-10-03', '2025-10-09'],
  ])('nextWorkday(%s) = %s', (date, want) => {
    expect(cal.nextWorkday(date)).toBe(want);
  });
});

describe('invalid inputs are plain errors naming the input', () => {
  const badDates = ['2025-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-9-30', '20250930', '', '2025-09-30T00:00:00Z', ' 2025-09-30', '２０２５-09-30'];

  test.each(badDates)('%j is not a date', (bad) => {
    expect(isCalendarDate(bad)).toBe(false);
    for (const fn of [
      () => cal.isWorkday(bad),
      () => cal.addWorkdays(bad, 1),
      () => cal.subtractWorkdays(bad, 1),
      () => cal.nextWorkday(bad),
      () => cal.workdaysBetween(bad, '2025-10-01'),
      () => cal.workdaysBetween('2025-10-01', bad),
    ]) {
      const err = thrown(fn);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(UncoveredYearError);
      expect((err as Error).message).toContain(JSON.stringify(bad));
    }
  });

  test.each([null, undefined, 20250930, new Date('2025-09-30')])('a non-string %p is refused', (bad) => {
    expect(() => cal.isWorkday(bad as unknown as string)).toThrow(/not a real calendar date/);
  });

  test('29 February exists in a leap year (and 2024 is simply not covered)', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(() => cal.isWorkday('2024-02-29')).toThrow(UncoveredYearError);
  });

  test.each([-1, 1.5, 367, 1000, Number.NaN, Number.POSITIVE_INFINITY, '3'])('n = %p is refused', (n) => {
    for (const fn of [() => cal.addWorkdays('2025-09-30', n as number), () => cal.subtractWorkdays('2025-09-30', n as number)]) {
      expect(fn).toThrow(/integer from 0 to 366/);
      expect(fn).not.toThrow(UncoveredYearError);
    }
  });
});

describe('a year an administrator loads (a fake 2030)', () => {
  const y2030: YearCalendar = {
    year: 2030,
    holidays: ['2030-01-01', ...days('2030-10-01', '2030-10-07')],
    makeupWorkdays: ['2030-09-29', '2030-10-12'],
    source: 'test notice',
  };
  const withLoaded = new WorkCalendar([...officialYears(), y2030]);

  test('is covered, and the years between stay uncovered', () => {
    expect(withLoaded.covers(2030)).toBe(true);
    expect(withLoaded.covers(2029)).toBe(false);
    expect(withLoaded.coveredYears()).toEqual([2025, 2026, 2030]);
  });

  test.each([
    ['2030-01-01', false],
    ['2030-01-02', true],
    ['2030-01-05', false],
    ['2030-09-29', true],
    ['2030-10-04', false],
    ['2030-10-12', true],
    ['2030-10-13', false],
  ])('isWorkday(%s) = %p', (date, want) => {
    expect(withLoaded.isWorkday(date)).toBe(want);
  });

  test.each([
    ['2030-09-27', 1, '2030-09-29'],
    ['2030-09-30', 1, '2030-10-08'],
    ['2030-10-08', 4, '2030-10-12'],
    ['2030-12-31', 0, '2030-12-31'],
  ])('%s + %i → %s', (from, n, want) => {
    expect(withLoaded.addWorkdays(from, n)).toBe(want);
  });

  test('walking out of it into 2031 or back into 2029 throws', () => {
    expect((thrown(() => withLoaded.addWorkdays('2030-12-31', 1)) as UncoveredYearError).year).toBe(2031);
    expect((thrown(() => withLoaded.subtractWorkdays('2030-01-02', 1)) as UncoveredYearError).year).toBe(2029);
  });

  test.each([
    ['a year given twice', [y2030, y2030], /2030 is given twice/],
    ['a weekday make-up day', [{ ...y2030, makeupWorkdays: ['2030-10-08'] }], /not a Saturday or Sunday/],
    ['a date of another year', [{ ...y2030, holidays: ['2031-01-01'] }], /not in 2030/],
    ['a date both off and on', [{ ...y2030, holidays: ['2030-09-29'] }], /both a holiday and a make-up workday/],
    ['a date that does not exist', [{ ...y2030, holidays: ['2030-02-30'] }], /"2030-02-30"/],
  ])('the constructor refuses %s', (_name, years, message) => {
    expect(() => new WorkCalendar(years as YearCalendar[])).toThrow(message);
  });
});

describe('validateYear: an administrator’s PUT', () => {
  const good = {
    holidays: ['2030-10-02', '2030-01-01', '2030-10-01'],
    makeupWorkdays: ['2030-10-12', '2030-09-29'],
    source: '国办发明电〔2029〕1号',
  };

  test('accepts a consistent year, sorting the dates', () => {
    expect(validateYear(good, 2030)).toEqual({
      ok: true,
      value: {
        year: 2030,
        holidays: ['2030-01-01', '2030-10-01', '2030-10-02'],
        makeupWorkdays: ['2030-09-29', '2030-10-12'],
        source: '国办发明电〔2029〕1号',
      },
    });
  });

  test('accepts no source (defaulting it), no make-up days, weekend holidays and a matching year', () => {
    const r = validateYear({ year: 2030, holidays: ['2030-01-01', '2030-02-02'], makeupWorkdays: [] }, 2030);
    expect(r).toEqual({ ok: true, value: { year: 2030, holidays: ['2030-01-01', '2030-02-02'], makeupWorkdays: [], source: '管理员录入' } });
  });

  test('accepts what chinese-days gives for 2025 and 2026', () => {
    for (const y of officialYears()) expect(validateYear(y, y.year)).toEqual({ ok: true, value: y });
  });

  const sixtyOne = Array.from({ length: 61 }, (_, i) => `2030-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`);
  // 21 Saturdays from 2030-06-01 (a Saturday), clear of the holidays above (January to early March).
  const saturdays2030 = Array.from({ length: 21 }, (_, i) => new Date(Date.UTC(2030, 5, 1 + 7 * i)).toISOString().slice(0, 10));

  test.each([
    ['null', null, 2030, /body must be an object/],
    ['an array', [], 2030, /body must be an object/],
    ['a string', '2030-01-01', 2030, /body must be an object/],
    ['an empty object', {}, 2030, /holidays is missing/],
    ['no make-up days list', { holidays: ['2030-01-01'] }, 2030, /makeupWorkdays is missing/],
    ['holidays not an array', { ...good, holidays: '2030-01-01' }, 2030, /holidays must be an array/],
    ['a date that does not exist', { ...good, holidays: ['2030-02-30'] }, 2030, /holidays\[0\] "2030-02-30" is not a real calendar date/],
    ['a badly written date', { ...good, makeupWorkdays: ['2030-9-29'] }, 2030, /makeupWorkdays\[0\] "2030-9-29" is not a real/],
    ['a number for a date', { ...good, holidays: [20300101] }, 2030, /holidays\[0\] 20300101 is not a real/],
    ['a date of another year', { ...good, holidays: ['2031-01-01'] }, 2030, /holidays\[0\] 2031-01-01 is not in 2030/],
    ['a holiday twice', { ...good, holidays: ['2030-01-01', '2030-01-01'] }, 2030, /holidays\[1\] 2030-01-01 is listed twice/],
    ['a make-up day twice', { ...good, makeupWorkdays: ['2030-09-29', '2030-09-29'] }, 2030, /makeupWorkdays\[1\] 2030-09-29 is listed twice/],
    ['a date in both lists', { ...good, holidays: ['2030-09-29'] }, 2030, /2030-09-29 is both a holiday and a make-up workday/],
    ['a weekday make-up day', { ...good, makeupWorkdays: ['2030-10-08'] }, 2030, /makeupWorkdays\[0\] 2030-10-08 is not a Saturday or Sunday/],
    ['61 holidays', { ...good, holidays: sixtyOne }, 2030, /holidays has 61 dates; at most 60/],
    ['21 make-up days', { ...good, makeupWorkdays: saturdays2030 }, 2030, /makeupWorkdays has 21 dates; at most 20/],
    ['a body year that does not match the path', { ...good, year: 2031 }, 2030, /does not match 2030/],
    ['an empty source', { ...good, source: ' ' }, 2030, /source must be a non-empty string/],
    ['a non-string source', { ...good, source: 7 }, 2030, /source must be a non-empty string/],
    ['a year out of range', { ...good, holidays: ['1999-01-01'], makeupWorkdays: [] }, 1999, /year must be an integer from 2000 to 2100/],
    ['a fractional year', good, 2030.5, /year must be an integer/],
  ])('refuses %s', (_name, body, year, problem) => {
    const r = validateYear(body, year);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.some((p) => problem.test(p))).toBe(true);
  });

  test('lists every problem, not just the first', () => {
    const r = validateYear({ holidays: ['2030-02-30', '2031-01-01'], makeupWorkdays: ['2030-10-08'] }, 2030);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toHaveLength(3);
  });

  test('60 holidays and 20 Saturdays are still accepted', () => {
    expect(validateYear({ holidays: sixtyOne.slice(0, 60), makeupWorkdays: saturdays2030.slice(0, 20) }, 2030).ok).toBe(true);
  });
});
