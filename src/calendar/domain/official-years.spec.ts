import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import chineseDays from 'chinese-days';
import { OFFICIAL_SOURCE, OFFICIAL_YEARS, officialYears } from './official-years';
import { dayOfWeek, YearCalendar } from './work-calendar';

const years = officialYears();
const byYear = new Map<number, YearCalendar>(years.map((y) => [y.year, y]));
const get = (year: number): YearCalendar => {
  const y = byYear.get(year);
  if (!y) throw new Error(`no ${year}`);
  return y;
};

/** Every date from a to b inclusive (same month). */
function days(a: string, b: string): string[] {
  const out: string[] = [];
  const [y, m] = a.split('-');
  for (let d = Number(a.slice(8)); d <= Number(b.slice(8)); d++) out.push(`${y}-${m}-${String(d).padStart(2, '0')}`);
  return out;
}

test('only 2025 and 2026: chinese-days 1.5.7 does not really know 2027', () => {
  expect(OFFICIAL_YEARS).toEqual([2025, 2026]);
  expect(years.map((y) => y.year)).toEqual([2025, 2026]);
  expect(years.every((y) => y.source === OFFICIAL_SOURCE)).toBe(true);
  expect(OFFICIAL_SOURCE).toBe('chinese-days 1.5.7 (State Council notices)');
  // Why: the package has no 2027 holidays and would call every weekday of 2027 a workday.
  expect(chineseDays.getHolidaysInRange('2027-01-01', '2027-12-31', false)).toEqual([]);
});

test('a fresh copy on every call', () => {
  const a = officialYears();
  a[0].holidays.push('2025-12-25');
  expect(officialYears()[0].holidays).not.toContain('2025-12-25');
});

describe.each([
  [
    2025,
    // 国办发明电〔2024〕12号
    [
      '2025-01-01',
      ...days('2025-01-28', '2025-01-31'),
      ...days('2025-02-01', '2025-02-04'),
      ...days('2025-04-04', '2025-04-06'),
      ...days('2025-05-01', '2025-05-05'),
      '2025-05-31',
      ...days('2025-06-01', '2025-06-02'),
      ...days('2025-10-01', '2025-10-08'),
    ],
    ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  ],
  [
    2026,
    // https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm
    [
      ...days('2026-01-01', '2026-01-03'),
      ...days('2026-02-15', '2026-02-23'),
      ...days('2026-04-04', '2026-04-06'),
      ...days('2026-05-01', '2026-05-05'),
      ...days('2026-06-19', '2026-06-21'),
      ...days('2026-09-25', '2026-09-27'),
      ...days('2026-10-01', '2026-10-07'),
    ],
    ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  ],
])('%i', (year, holidays, makeup) => {
  test('holidays exactly as chinese-days gives them', () => {
    expect(get(year).holidays).toHaveLength(year === 2025 ? 28 : 33);
    expect(get(year).holidays).toEqual(holidays);
  });

  test('make-up workdays exactly as chinese-days gives them', () => {
    expect(get(year).makeupWorkdays).toEqual(makeup);
  });

  test('every make-up workday is a Saturday or Sunday that chinese-days calls a workday', () => {
    for (const d of get(year).makeupWorkdays) {
      expect([0, 6]).toContain(dayOfWeek(d));
      expect(chineseDays.isWorkday(d)).toBe(true);
    }
  });

  test('every holiday is a day chinese-days calls a day off, and no date is in both lists', () => {
    for (const d of get(year).holidays) expect(chineseDays.isHoliday(d)).toBe(true);
    const off = new Set(get(year).holidays);
    expect(get(year).makeupWorkdays.filter((d) => off.has(d))).toEqual([]);
  });

  test('dates are unique, sorted and of that year', () => {
    for (const list of [get(year).holidays, get(year).makeupWorkdays]) {
      expect(new Set(list).size).toBe(list.length);
      expect([...list].sort()).toEqual(list);
      expect(list.every((d) => d.startsWith(`${year}-`))).toBe(true);
    }
  });
});

test('the brief’s cross-check dates from the notices', () => {
  const h25 = get(2025).holidays;
  const m25 = get(2025).makeupWorkdays;
  const h26 = get(2026).holidays;
  const m26 = get(2026).makeupWorkdays;
  expect(h25).toEqual(expect.arrayContaining([...days('2025-10-01', '2025-10-08'), ...days('2025-05-01', '2025-05-05')]));
  expect(m25).toEqual(expect.arrayContaining(['2025-09-28', '2025-10-11', '2025-04-27']));
  expect(h26).toEqual(expect.arrayContaining([...days('2026-02-15', '2026-02-23'), ...days('2026-01-01', '2026-01-03')]));
  expect(m26).toEqual(expect.arrayContaining(['2026-02-14', '2026-02-28', '2026-01-04']));
  expect(h26).not.toContain('2026-02-24');
  expect(h26).not.toContain('2026-02-14');
});

/**
 * chinese-days reads dates with local getters: in a zone west of UTC it shifts every date by a
 * day. officialYears() must agree with itself east of UTC and refuse to run west of it. The
 * zone of a running process cannot be changed from inside Jest, so a child Node runs the two
 * modules, transpiled.
 */
describe('the process time zone', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'official-years-'));
    for (const name of ['work-calendar', 'official-years']) {
      const source = readFileSync(resolve(__dirname, `${name}.ts`), 'utf8');
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
      writeFileSync(join(dir, `${name}.js`), js.outputText);
    }
    writeFileSync(
      join(dir, 'run.js'),
      `try { console.log(JSON.stringify(require('./official-years').officialYears())); } catch (e) { console.log('ERROR ' + e.message); }`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (tz: string): string => {
    const r = spawnSync(process.execPath, [join(dir, 'run.js')], {
      env: { ...process.env, TZ: tz, NODE_PATH: resolve(__dirname, '../../../node_modules') },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  test.each(['Asia/Shanghai', 'UTC', 'Asia/Tehran', 'Australia/Sydney', 'Pacific/Kiritimati'])('%s gives the same years', (tz) => {
    expect(JSON.parse(run(tz))).toEqual(years);
  });

  test.each(['America/Los_Angeles', 'America/Sao_Paulo', 'Pacific/Pago_Pago'])('%s is refused, not shifted', (tz) => {
    expect(run(tz)).toMatch(/^ERROR chinese-days shifts dates in this process time zone \(2025-01-01 came back as 2024-12-31\)/);
  });
});
