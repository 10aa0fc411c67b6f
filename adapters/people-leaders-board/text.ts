/** Text cleaning for the board's fields: pure string functions (same rules as the web form's). */

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
