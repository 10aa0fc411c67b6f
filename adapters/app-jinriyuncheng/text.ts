/**
 * Pure helpers for the 今日运城 adapter: instants, dotted paths, cutting text. Text cleaning and
 * mobile numbers come from the contract's helpers, shared by every adapter.
 */
import { cleanLine, cleanText, deriveTitle, normalizeMobile } from '../contract/text';

export { cleanLine, cleanText, deriveTitle, normalizeMobile };

/** At most `max` characters (code points); longer text is cut and ends with '…'. */
export function cut(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max).join('') + '…';
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const LOCAL = /^(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

function realDate(y: number, m: number, d: number, hh: number, mm: number, ss: number): boolean {
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth && hh <= 23 && mm <= 59 && ss <= 59;
}

/**
 * An upstream time to an ISO 8601 instant (UTC, `toISOString`), or undefined when it is not one.
 * Accepted: ISO 8601 with `Z` or an offset (the contract); `YYYY-MM-DD HH:mm[:ss]` without a zone,
 * read as China time (+08:00, no DST); Unix time as a number or digit string, seconds (10 digits)
 * or milliseconds (13 digits).
 */
export function parseInstant(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value <= 0) return undefined;
    return new Date(value < 1e11 ? value * 1000 : value).toISOString();
  }
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (/^\d{10}$|^\d{13}$/.test(s)) return parseInstant(Number(s));
  let m = ISO_WITH_ZONE.exec(s);
  let text = s;
  if (!m) {
    m = LOCAL.exec(s);
    if (!m) return undefined;
    text = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}+08:00`;
  }
  const [y, mo, d, hh, mi, ss] = m.slice(1, 7).map((x) => Number(x ?? 0));
  if (!realDate(y, mo, d, hh, mi, ss)) return undefined;
  const at = new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * The value at a dotted path (`a.b.0.c`): own properties of objects, indexes of arrays.
 * An empty path is the value itself. Undefined when any step is missing.
 */
export function getPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key)) return undefined;
      current = current[Number(key)];
    } else if (typeof current === 'object' && current !== null) {
      if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
