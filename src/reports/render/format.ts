/**
 * Formatting shared by the report's narrative, HTML and charts. Pure and locale-independent (no
 * Intl, no toLocaleString), so a report renders the same on every machine.
 */
import type { CityStats, MonthTrend, Period, UnitFigures } from '../../stats/domain/figures';

/** Text written in place of a rate whose denominator is 0. */
export const NO_RATE = '—';

/** Escapes text for HTML and SVG (element content and quoted attribute values alike). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** An integer with thousands separators: 1234567 → "1,234,567" (non-integers are rounded). */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return NO_RATE;
  const rounded = Math.round(n);
  const digits = String(Math.abs(rounded));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${grouped}` : grouped;
}

/** A number with at most `decimals` decimals, trailing zeros dropped: 2.50 → "2.5", 3 → "3". */
export function fmtNumber(n: number | null, decimals = 1): string {
  if (n === null || !Number.isFinite(n)) return NO_RATE;
  const factor = 10 ** decimals;
  const rounded = Math.round(n * factor) / factor;
  const [whole, frac = ''] = Math.abs(rounded).toFixed(decimals).split('.');
  const trimmed = frac.replace(/0+$/, '');
  const sign = rounded < 0 ? '-' : '';
  return `${sign}${fmtInt(Number(whole))}${trimmed ? `.${trimmed}` : ''}`;
}

/** A fixed number of decimals with thousands separators: a score 92.35 → "92.4" (1 decimal). */
export function fmtFixed(n: number, decimals = 1): string {
  if (!Number.isFinite(n)) return NO_RATE;
  const factor = 10 ** decimals;
  const rounded = Math.round(n * factor) / factor;
  const [whole, frac] = Math.abs(rounded).toFixed(decimals).split('.');
  const sign = rounded < 0 ? '-' : '';
  return `${sign}${fmtInt(Number(whole))}${frac ? `.${frac}` : ''}`;
}

/** A 综合得分: at most two decimals, trailing zeros dropped (92.35 → "92.35", 95 → "95"). */
export function fmtScore(score: number): string {
  return fmtNumber(score, 2);
}

/** A ratio in [0, 1] as a percentage with one decimal: 0.1234 → "12.3%"; null → "—". */
export function fmtPercent(rate: number | null, nullText = NO_RATE): string {
  if (rate === null || !Number.isFinite(rate)) return nullText;
  return `${fmtFixed(rate * 100, 1)}%`;
}

/** part ÷ whole, or null when whole is 0 (rates are never computed by dividing by zero). */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** The city's 满意率: (满意 + 基本满意) ÷ 参评, null when nobody rated. */
export function citySatisfactionRate(stats: CityStats): number | null {
  const s = stats.satisfaction;
  return ratio(s.satisfied + s.basicallySatisfied, s.rated);
}

/**
 * The city's 按时办结率 for the period: the period's own month in the trend when there is one,
 * otherwise the units' figures taken together (按时反馈 ÷ (已反馈 + 超期未反馈), as the
 * assessment defines it).
 */
export function cityOnTimeRate(_trend: MonthTrend[], units: UnitFigures[]): number | null {
  // The same formula as the units' own 按时办结率 (README, ASSESSMENT_FORMULAS), summed over units.
  const onTime = units.reduce((sum, u) => sum + u.onTime, 0);
  const settled = units.reduce((sum, u) => sum + u.finished + u.overdueOpen, 0);
  return ratio(onTime, settled);
}

interface YMD {
  y: number;
  m: number;
  d: number;
}

function parseDay(day: string): YMD | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** A local date in Chinese: "2026-10-05" → "2026年10月5日" (unparsable input comes back as is). */
export function fmtDayZh(day: string): string {
  const p = parseDay(day);
  return p ? `${p.y}年${p.m}月${p.d}日` : day;
}

/** A month in Chinese: "2026-10" → "2026年10月". */
export function fmtMonthZh(month: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(month);
  return m ? `${Number(m[1])}年${Number(m[2])}月` : month;
}

/** A short axis label for a day: "2026-10-05" → "10/5". */
export function fmtDayShort(day: string): string {
  const p = parseDay(day);
  return p ? `${p.m}/${p.d}` : day;
}

/**
 * A period in Chinese: a whole calendar month is "2026年10月", anything else
 * "2026年10月1日至10月15日" (the year repeated only when it changes).
 */
export function fmtPeriodZh(period: Period): string {
  const a = parseDay(period.from);
  const b = parseDay(period.to);
  if (!a || !b) return `${period.from}至${period.to}`;
  if (a.y === b.y && a.m === b.m && a.d === 1 && b.d === daysInMonth(b.y, b.m)) return `${a.y}年${a.m}月`;
  if (period.from === period.to) return fmtDayZh(period.from);
  const end = a.y === b.y ? `${b.m}月${b.d}日` : fmtDayZh(period.to);
  return `${fmtDayZh(period.from)}至${end}`;
}

/** UTC+8 all year round (China has no daylight saving time). */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/**
 * An instant as Beijing time: "2026-11-02T01:30:00Z" → "2026年11月2日 09:30". An instant at
 * local midnight reads as 24:00 of the day before ("2026年10月31日 24:00"), which is how the end
 * of a period (`asOf`, exclusive) is said in a report.
 */
export function fmtInstantZh(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const local = new Date(t + SHANGHAI_OFFSET_MS);
  const hh = local.getUTCHours();
  const mm = local.getUTCMinutes();
  const midnight = hh === 0 && mm === 0 && local.getUTCSeconds() === 0;
  const day = midnight ? new Date(local.getTime() - 1) : local;
  const date = `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日`;
  const time = midnight ? '24:00' : `${pad2(hh)}:${pad2(mm)}`;
  return `${date} ${time}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * The width of a text in a proportional font, estimated: CJK and full-width characters count
 * 1 em, digits and Latin letters about 0.6 em. Good enough to lay out chart labels without a
 * browser.
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += isWide(ch) ? 1 : 0.6;
  return em * fontSize;
}

function isWide(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x20000 ||
    cp === 0x201c ||
    cp === 0x201d
  );
}

/** Cuts a text to fit `maxWidth` (estimated), ending it with "…" when something was cut. */
export function truncateToWidth(text: string, maxWidth: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  const room = maxWidth - textWidth('…', fontSize);
  let out = '';
  for (const ch of text) {
    if (textWidth(out + ch, fontSize) > room) break;
    out += ch;
  }
  return `${out}…`;
}
