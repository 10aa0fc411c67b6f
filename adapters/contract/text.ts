/**
 * Text helpers every adapter's mapper uses, so that a message is cleaned the same way whatever its
 * channel: pure string functions.
 */

// C0 and C1 control characters except tab and line feed, plus DEL.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Zero-width and bidi-override characters that hide or reorder text.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Normalizes line ends, drops control and invisible characters and lone surrogates. */
export function cleanText(value: string): string {
  return value
    .toWellFormed()
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .normalize('NFC');
}

/** Single-line fields: also folds newlines and tabs into spaces and trims. */
export function cleanLine(value: string): string {
  return cleanText(value).replace(/[\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/** A title from the content: its first non-empty line, cut to `max` characters. */
export function deriveTitle(content: string, max: number): string {
  const firstLine = content.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const chars = Array.from(firstLine);
  return chars.length <= max ? firstLine : chars.slice(0, max).join('') + '…';
}

/** Length in characters (code points), as a citizen counts them. */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** A mainland mobile number: 11 digits starting 13–19, after dropping +86, spaces and dashes. */
export function normalizeMobile(value: string): string | undefined {
  const compact = value.replace(/[\s\-()（）]/g, '').replace(/^(\+?86|0086)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(compact) ? compact : undefined;
}
