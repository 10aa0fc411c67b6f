import chineseDays from 'chinese-days';
import { dayOfWeek, validateYear, YearCalendar } from './work-calendar';

/**
 * The years the chinese-days package really knows, from the State Council notices
 * (2025: 国办发明电〔2024〕12号; 2026: https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm).
 * chinese-days 1.5.7 has no 2027 data and answers for any unknown year as if it were plain
 * Monday–Friday, so no later year may be taken from it: an administrator loads it instead.
 */
export const OFFICIAL_YEARS: readonly number[] = [2025, 2026];

export const OFFICIAL_SOURCE = 'chinese-days 1.5.7 (State Council notices)';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function officialYear(year: number): YearCalendar {
  // chinese-days parses 'YYYY-MM-DD' as UTC midnight but reads it back with local getters, and
  // builds its own tables the same way: in a process zone west of UTC every date (and every
  // weekday) shifts by one day. Refuse to build from it there rather than load wrong deadlines.
  const probe = `${year}-01-01`;
  const echoed = chineseDays.getDayDetail(probe).date;
  if (echoed !== probe) {
    throw new Error(
      `chinese-days shifts dates in this process time zone (${probe} came back as ${echoed}); ` +
        `run the hub with TZ=Asia/Shanghai (or any zone at or east of UTC)`,
    );
  }

  const holidays = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false);
  const makeupWorkdays: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
    for (let d = 1; d <= days; d++) {
      const date = `${year}-${pad(m)}-${pad(d)}`;
      const wd = dayOfWeek(date);
      if ((wd === 0 || wd === 6) && chineseDays.isWorkday(date)) makeupWorkdays.push(date);
    }
  }

  const checked = validateYear({ holidays, makeupWorkdays, source: OFFICIAL_SOURCE }, year);
  if (!checked.ok) throw new Error(`chinese-days gave an inconsistent calendar for ${year}: ${checked.problems.join('; ')}`);
  return checked.value;
}

/** 2025 and 2026 as chinese-days gives them; a fresh copy on every call. */
export function officialYears(): YearCalendar[] {
  return OFFICIAL_YEARS.map(officialYear);
}
