/**
 * City-wide statistics (CityStatsBuilder) from hand-built summary rows.
 *
 * Expected numbers are worked out by hand from the rules: the cohort is the rows given; byChannel /
 * byCategory / byDomain by count (most first) then key, null category/domain → 未分类; byDay lists
 * every day of the period (zero days included, rows outside the period not added); reply working
 * days = working days in (receivedDay, firstReplyDay]; median and p90 by nearest rank (smallest
 * value with at least ceil(q·n) observations at or below it); mean rounded to 2 decimals; replies
 * the calendar cannot count are in `outsideCalendar`, not timed, still in `replied`.
 *
 * The fake calendar: Saturday/Sunday off, 2026-10-01..08 off (国庆), 2026-09-27 (Sun) and
 * 2026-10-10 (Sat) make-up workdays; it throws for any day of 2024 (a year it does not cover).
 * Counting working days from Friday 2026-10-09: 10-10 → 1, 10-12 → 2, 10-13 → 3, 10-14 → 4,
 * 10-15 → 5, 10-16 → 6, 10-19 → 7, 10-20 → 8, 10-21 → 9, 10-22 → 10, 10-26 → 12.
 */
import { WorkdayCounter } from './assessment';
import { CaseSummaryRow, CityStatsBuilder, daysOf, nextDay, quantileOfHistogram, UNCLASSIFIED } from './city-stats';
import { CityStats, Period, StatsFilter } from './figures';
import { fakeCalendar } from '../../../test/utils/fake-calendar';

// ---------------------------------------------------------------- fakes and helpers

const cal: WorkdayCounter = fakeCalendar;

const OCT: Period = { from: '2026-10-01', to: '2026-10-31' };
const AS_OF = '2026-10-31T16:00:00.000Z';

function row(receivedDay: string, r: Partial<CaseSummaryRow> = {}): CaseSummaryRow {
  return {
    channelId: 'web', category: null, domain: null, receivedDay,
    accepted: false, declined: false, referred: false, transferred: false, firstReplyDay: null,
    closed: false, archived: false, duplicate: false, rating: null,
    ...r,
  };
}

/** A row received on `received` and first replied on `replied`. */
const answered = (received: string, replied: string): CaseSummaryRow => row(received, { accepted: true, firstReplyDay: replied });

function stats(rows: CaseSummaryRow[], period: Period = OCT, filter: StatsFilter = {}, label?: (id: string) => string): CityStats {
  const b = new CityStatsBuilder(period, filter, cal);
  for (const r of rows) b.add(r);
  return b.build(AS_OF, label);
}

const repeat = <T>(n: number, f: () => T): T[] => Array.from({ length: n }, f);

// ---------------------------------------------------------------- the fake calendar itself

describe('the fake calendar (test fixture)', () => {
  test.each([
    ['2026-10-09', '2026-10-10', 1],
    ['2026-10-09', '2026-10-12', 2],
    ['2026-10-09', '2026-10-22', 10],
    ['2026-10-09', '2026-10-26', 12],
    ['2026-09-25', '2026-09-28', 2],
    ['2026-09-30', '2026-10-09', 1],
    ['2026-09-30', '2026-10-12', 3],
    ['2026-10-12', '2026-10-12', 0],
  ])('(%s, %s] has %i working days', (a, b, n) => {
    expect(cal.workdaysBetween(a, b)).toBe(n);
  });
});

// ---------------------------------------------------------------- counts

describe('counts of the cohort', () => {
  const rows: CaseSummaryRow[] = [
    row('2026-10-09', { channelId: 'web', category: '投诉', domain: '城建', accepted: true, transferred: true, firstReplyDay: '2026-10-12', closed: true, archived: true, rating: '满意' }),
    row('2026-10-09', { channelId: 'web', category: '建议', domain: null, accepted: true, transferred: true, firstReplyDay: '2026-10-13', closed: true, rating: '基本满意' }),
    row('2026-10-10', { channelId: 'hotline', category: null, domain: null, declined: true }),
    row('2026-10-12', { channelId: 'email', category: '投诉', domain: '环保', referred: true }),
    row('2026-10-12', { channelId: 'web', category: '投诉', domain: '城建', accepted: true, duplicate: true, firstReplyDay: '2026-10-12', rating: '不满意' }),
    row('2026-10-14', { channelId: 'hotline', category: '建议', domain: '城建', accepted: true, transferred: true }),
  ];
  const labels: Record<string, string> = { web: '网站留言', hotline: '12345热线', email: '电子邮件' };

  test.each<[keyof CityStats, unknown]>([
    ['received', 6],
    ['accepted', 4],
    ['declined', 1],
    ['referred', 1],
    ['transferred', 3],
    ['replied', 3],
    ['closed', 2],
    ['archived', 1],
    ['duplicates', 1],
    [
      'byChannel',
      [
        { key: 'web', label: '网站留言', count: 3 },
        { key: 'hotline', label: '12345热线', count: 2 },
        { key: 'email', label: '电子邮件', count: 1 },
      ],
    ],
    [
      'byCategory',
      [
        { key: '投诉', label: '投诉', count: 3 },
        { key: '建议', label: '建议', count: 2 },
        { key: UNCLASSIFIED, label: '未分类', count: 1 },
      ],
    ],
    [
      'byDomain',
      [
        { key: '城建', label: '城建', count: 3 },
        { key: '未分类', label: '未分类', count: 2 },
        { key: '环保', label: '环保', count: 1 },
      ],
    ],
    ['satisfaction', { rated: 3, satisfied: 1, basicallySatisfied: 1, unsatisfied: 1 }],
    // (10-09,10-12] = 2, (10-09,10-13] = 3, (10-12,10-12] = 0 → sorted 0 2 3
    ['replyWorkdays', { replied: 3, median: 2, p90: 3, mean: 1.67, outsideCalendar: 0 }],
    ['period', OCT],
    ['filter', { channel: 'web', keyword: '供暖' }],
    ['asOf', AS_OF],
  ])('%s', (field, expected) => {
    const s = stats(rows, OCT, { channel: 'web', keyword: '供暖' }, (id) => labels[id] ?? id);
    expect(s[field]).toEqual(expected);
  });

  test('empty cohort: zeros, every day of the period at 0, no reply figures', () => {
    const s = stats([], { from: '2026-10-30', to: '2026-11-01' });
    expect(s).toEqual({
      period: { from: '2026-10-30', to: '2026-11-01' },
      filter: {},
      asOf: AS_OF,
      received: 0, accepted: 0, declined: 0, referred: 0, transferred: 0, replied: 0, closed: 0, archived: 0, duplicates: 0,
      byChannel: [], byCategory: [], byDomain: [],
      byDay: [
        { day: '2026-10-30', count: 0 },
        { day: '2026-10-31', count: 0 },
        { day: '2026-11-01', count: 0 },
      ],
      replyWorkdays: { replied: 0, median: null, p90: null, mean: null, outsideCalendar: 0 },
      satisfaction: { rated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0 },
    });
  });
});

// ---------------------------------------------------------------- sorting

describe('byChannel / byCategory / byDomain sorting', () => {
  test.each<[string, CaseSummaryRow[], 'byChannel' | 'byCategory' | 'byDomain', [string, number][]]>([
    [
      'channels with equal counts: by key',
      [row('2026-10-09', { channelId: 'web' }), row('2026-10-09', { channelId: 'hotline' }), row('2026-10-09', { channelId: 'email' })],
      'byChannel',
      [
        ['email', 1],
        ['hotline', 1],
        ['web', 1],
      ],
    ],
    [
      'count first, then key',
      [
        row('2026-10-09', { channelId: 'web' }),
        row('2026-10-09', { channelId: 'weibo' }),
        row('2026-10-09', { channelId: 'weibo' }),
        row('2026-10-09', { channelId: 'app' }),
      ],
      'byChannel',
      [
        ['weibo', 2],
        ['app', 1],
        ['web', 1],
      ],
    ],
    [
      'categories: null → 未分类, ties by key',
      [
        row('2026-10-09', { category: '投诉' }),
        row('2026-10-09', { category: null }),
        row('2026-10-09', { category: '建议' }),
        row('2026-10-09', { category: '投诉' }),
        row('2026-10-09', { category: null }),
        row('2026-10-09', { category: '建议' }),
        row('2026-10-09', { category: '求助' }),
        row('2026-10-09', { category: '求助' }),
        row('2026-10-09', { category: '求助' }),
      ],
      'byCategory',
      [
        ['求助', 3],
        ['建议', 2],
        ['投诉', 2],
        ['未分类', 2],
      ],
    ],
    [
      'domains: null → 未分类',
      [row('2026-10-09', { domain: '城建' }), row('2026-10-09', { domain: null }), row('2026-10-09', { domain: null }), row('2026-10-09', { domain: '城建' }), row('2026-10-09', { domain: null })],
      'byDomain',
      [
        ['未分类', 3],
        ['城建', 2],
      ],
    ],
  ])('%s', (_name, rows, field, expected) => {
    expect(stats(rows)[field].map((c) => [c.key, c.count])).toEqual(expected);
  });

  test('channel labels: the label function, or the id by default', () => {
    const rows = [row('2026-10-09', { channelId: 'hotline' })];
    expect(stats(rows).byChannel).toEqual([{ key: 'hotline', label: 'hotline', count: 1 }]);
    expect(stats(rows, OCT, {}, () => '12345热线').byChannel).toEqual([{ key: 'hotline', label: '12345热线', count: 1 }]);
  });
});

// ---------------------------------------------------------------- byDay

describe('byDay', () => {
  test.each<[string, Period, CaseSummaryRow[], { day: string; count: number }[]]>([
    [
      'every day of the period, zero days included; rows outside the period not added',
      { from: '2026-10-08', to: '2026-10-12' },
      [row('2026-10-08'), row('2026-10-10'), row('2026-10-08'), row('2026-09-30'), row('2026-10-20'), row('2026-10-12')],
      [
        { day: '2026-10-08', count: 2 },
        { day: '2026-10-09', count: 0 },
        { day: '2026-10-10', count: 1 },
        { day: '2026-10-11', count: 0 },
        { day: '2026-10-12', count: 1 },
      ],
    ],
    [
      'a one-day period',
      { from: '2026-10-09', to: '2026-10-09' },
      [row('2026-10-09'), row('2026-10-09')],
      [{ day: '2026-10-09', count: 2 }],
    ],
    [
      'across the end of a month and of a year',
      { from: '2026-12-30', to: '2027-01-02' },
      [row('2027-01-01')],
      [
        { day: '2026-12-30', count: 0 },
        { day: '2026-12-31', count: 0 },
        { day: '2027-01-01', count: 1 },
        { day: '2027-01-02', count: 0 },
      ],
    ],
  ])('%s', (_name, period, rows, expected) => {
    expect(stats(rows, period).byDay).toEqual(expected);
  });

  test('rows outside the period days are still in the cohort (received = rows given)', () => {
    const s = stats([row('2026-10-08'), row('2026-09-30'), row('2026-10-20')], { from: '2026-10-08', to: '2026-10-12' });
    expect(s.received).toBe(3);
    expect(s.byDay.reduce((n, d) => n + d.count, 0)).toBe(1);
  });

  test('31 days for October', () => {
    const byDay = stats([]).byDay;
    expect(byDay).toHaveLength(31);
    expect(byDay[0]).toEqual({ day: '2026-10-01', count: 0 });
    expect(byDay[30]).toEqual({ day: '2026-10-31', count: 0 });
  });
});

// ---------------------------------------------------------------- reply working days

describe('reply working days: median and p90 by nearest rank, mean to 2 decimals', () => {
  type Reply = CityStats['replyWorkdays'];
  const from1009 = (replies: string[]) => replies.map((r) => answered('2026-10-09', r));

  test.each<[string, CaseSummaryRow[], Reply]>([
    [
      '1..10 working days: median 5 (rank 5), p90 9 (rank 9), mean 5.5',
      from1009(['2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16', '2026-10-19', '2026-10-20', '2026-10-21', '2026-10-22']),
      { replied: 10, median: 5, p90: 9, mean: 5.5, outsideCalendar: 0 },
    ],
    [
      'the same values in another order',
      from1009(['2026-10-22', '2026-10-14', '2026-10-10', '2026-10-21', '2026-10-16', '2026-10-12', '2026-10-20', '2026-10-13', '2026-10-19', '2026-10-15']),
      { replied: 10, median: 5, p90: 9, mean: 5.5, outsideCalendar: 0 },
    ],
    ['a single value across the National Day holiday: (09-30, 10-09] = 1', [answered('2026-09-30', '2026-10-09')], { replied: 1, median: 1, p90: 1, mean: 1, outsideCalendar: 0 }],
    ['replied the same day: 0', [answered('2026-10-12', '2026-10-12')], { replied: 1, median: 0, p90: 0, mean: 0, outsideCalendar: 0 }],
    [
      'over the make-up Sunday 09-27 (2) and over the holiday and make-up Saturday 10-10 (3)',
      [answered('2026-09-25', '2026-09-28'), answered('2026-09-30', '2026-10-12')],
      // n = 2: median rank 1 → 2; p90 rank ceil(1.8) = 2 → 3; mean 2.5
      { replied: 2, median: 2, p90: 3, mean: 2.5, outsideCalendar: 0 },
    ],
    [
      '1, 2, 3, 4: median rank 2 → 2, p90 rank ceil(3.6) = 4 → 4',
      from1009(['2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14']),
      { replied: 4, median: 2, p90: 4, mean: 2.5, outsideCalendar: 0 },
    ],
    [
      '1, 1, 2: median rank 2 → 1, p90 rank 3 → 2, mean 4/3 → 1.33',
      from1009(['2026-10-10', '2026-10-10', '2026-10-12']),
      { replied: 3, median: 1, p90: 2, mean: 1.33, outsideCalendar: 0 },
    ],
    [
      'nine 0 and one 12: median 0, p90 0 (rank 9), mean 1.2',
      from1009([...repeat(9, () => '2026-10-09'), '2026-10-26']),
      { replied: 10, median: 0, p90: 0, mean: 1.2, outsideCalendar: 0 },
    ],
    [
      'twenty values, eighteen 1 and two 10: p90 rank 18 → 1',
      from1009([...repeat(18, () => '2026-10-10'), '2026-10-22', '2026-10-22']),
      // mean (18 + 20) / 20 = 1.9
      { replied: 20, median: 1, p90: 1, mean: 1.9, outsideCalendar: 0 },
    ],
    [
      'no reply at all: replied 0, median/p90/mean null',
      [row('2026-10-09'), row('2026-10-12', { accepted: true })],
      { replied: 0, median: null, p90: null, mean: null, outsideCalendar: 0 },
    ],
    [
      // Was a defect (fixed by roundHalfUp): the mean was rounded in binary floating point: 41 / 40 = 1.025 exactly, which rounds to 1.03,
      // but 1.025 * 100 = 102.49999999999999 and Math.round gives 102 → 1.02.
      'thirty-nine 1 and one 2: mean 41/40 = 1.025 → 1.03',
      from1009([...repeat(39, () => '2026-10-10'), '2026-10-12']),
      { replied: 40, median: 1, p90: 1, mean: 1.03, outsideCalendar: 0 },
    ],
  ])('%s', (_name, rows, expected) => {
    expect(stats(rows).replyWorkdays).toEqual(expected);
  });

  test('replies the calendar cannot count (2024): in `replied` and `outsideCalendar`, not timed', () => {
    const s = stats([
      answered('2024-10-08', '2024-10-09'),
      answered('2024-12-31', '2026-10-12'), // receipt in 2024: the calendar throws
      row('2024-10-10'), // not replied
      answered('2026-10-09', '2026-10-12'), // 2
      answered('2026-10-09', '2026-10-13'), // 3
    ]);
    expect(s.received).toBe(5);
    expect(s.replied).toBe(4);
    // timed: 2, 3 → median rank 1 → 2, p90 rank 2 → 3, mean 2.5
    expect(s.replyWorkdays).toEqual({ replied: 2, median: 2, p90: 3, mean: 2.5, outsideCalendar: 2 });
  });

  test('only replies outside the calendar: nothing timed', () => {
    const s = stats([answered('2024-10-08', '2024-10-09')]);
    expect(s.replied).toBe(1);
    expect(s.replyWorkdays).toEqual({ replied: 0, median: null, p90: null, mean: null, outsideCalendar: 1 });
  });
});

// ---------------------------------------------------------------- satisfaction

describe('satisfaction', () => {
  test.each<[string, (string | null)[], CityStats['satisfaction']]>([
    ['满意, 基本满意, 不满意 and unrated', ['满意', '满意', '基本满意', '不满意', null], { rated: 4, satisfied: 2, basicallySatisfied: 1, unsatisfied: 1 }],
    ['nobody rated', [null, null], { rated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0 }],
    ['only 不满意', ['不满意', '不满意'], { rated: 2, satisfied: 0, basicallySatisfied: 0, unsatisfied: 2 }],
  ])('%s', (_name, ratings, expected) => {
    expect(stats(ratings.map((rating) => row('2026-10-09', { rating }))).satisfaction).toEqual(expected);
  });
});

// ---------------------------------------------------------------- helpers of the module

describe('quantileOfHistogram (nearest rank)', () => {
  test.each<[string, number[], number, number, number | null]>([
    ['empty → null', [], 0, 0.5, null],
    ['one observation of 2', [0, 0, 1], 1, 0.9, 2],
    ['0 and 3: median rank 1 → 0', [1, 0, 0, 1], 2, 0.5, 0],
    ['0 and 3: p90 rank 2 → 3', [1, 0, 0, 1], 2, 0.9, 3],
    ['sparse histogram (holes)', [2, , , 2] as number[], 4, 0.5, 0],
    ['sparse histogram (holes), p90', [2, , , 2] as number[], 4, 0.9, 3],
    ['q = 0 → the smallest value', [0, 3, 1], 4, 0, 1],
    ['q = 1 → the largest value', [0, 3, 1], 4, 1, 2],
    ['1..10 median', [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 10, 0.5, 5],
    ['1..10 p90', [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 10, 0.9, 9],
  ])('%s', (_name, histogram, total, q, expected) => {
    expect(quantileOfHistogram(histogram, total, q)).toBe(expected);
  });
});

describe('nextDay and daysOf', () => {
  test.each([
    ['2026-10-31', '2026-11-01'],
    ['2026-12-31', '2027-01-01'],
    ['2024-02-28', '2024-02-29'],
    ['2026-02-28', '2026-03-01'],
  ])('nextDay(%s) = %s', (d, expected) => {
    expect(nextDay(d)).toBe(expected);
  });

  test.each<[Period, string[]]>([
    [{ from: '2026-09-29', to: '2026-10-02' }, ['2026-09-29', '2026-09-30', '2026-10-01', '2026-10-02']],
    [{ from: '2026-10-09', to: '2026-10-09' }, ['2026-10-09']],
    [{ from: '2026-10-10', to: '2026-10-09' }, []],
  ])('daysOf(%o)', (period, expected) => {
    expect(daysOf(period)).toEqual(expected);
  });
});
