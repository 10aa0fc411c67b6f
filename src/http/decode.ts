/**
 * Request bodies from bytes to fields: JSON or urlencoded forms, in UTF-8 or the GBK family that
 * Chinese government sites still send. Pure functions; errors say what is wrong with the body.
 */
import iconv from 'iconv-lite';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Charset names we accept, mapped to what iconv-lite calls them. */
function normalizeCharset(raw: string | undefined): string {
  const name = (raw ?? 'utf-8').trim().toLowerCase().replace(/^"|"$/g, '');
  if (name === 'utf-8' || name === 'utf8') return 'utf-8';
  if (['gbk', 'gb2312', 'gb18030', 'cp936', 'x-gbk', 'euc-cn'].includes(name)) return 'gb18030'; // a superset of both
  if (name === 'big5') return 'big5';
  if (name === 'iso-8859-1' || name === 'latin1' || name === 'us-ascii') return 'latin1';
  throw new BodyError(415, `unsupported charset "${raw}" (use utf-8 or gbk)`);
}

export function decodeText(bytes: Buffer, charset: string | undefined): string {
  const cs = normalizeCharset(charset);
  if (cs === 'utf-8') {
    try {
      return UTF8.decode(bytes);
    } catch {
      throw new BodyError(400, 'the body is not valid UTF-8 (say charset=gbk in Content-Type if it is GBK)');
    }
  }
  return iconv.decode(bytes, cs);
}

export interface ParsedContentType {
  type: string;
  charset?: string;
}

export function parseContentType(header: string | undefined): ParsedContentType {
  if (!header) return { type: '' };
  const [type, ...params] = header.split(';');
  const out: ParsedContentType = { type: type.trim().toLowerCase() };
  for (const p of params) {
    const [k, v] = p.split('=');
    if (k?.trim().toLowerCase() === 'charset' && v) out.charset = v.trim();
  }
  return out;
}

/** `s` holds one byte per character (read as latin1): escapes become bytes, other bytes stay. */
function percentDecode(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) bytes.push(0x20); // '+'
    else if (c === 0x25 && i + 2 < s.length && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c);
  }
  return Buffer.from(bytes);
}

const MAX_FORM_FIELDS = 100;

/**
 * An urlencoded form; percent-escapes are decoded to bytes first, then the bytes in the charset
 * (from Content-Type, else the form's own `_charset_` field, else UTF-8).
 */
export function parseForm(body: Buffer, charset: string | undefined): Record<string, string> {
  const ascii = body.toString('latin1');
  const pairs = ascii.split('&').filter((p) => p.length > 0);
  if (pairs.length > MAX_FORM_FIELDS) throw new BodyError(400, `a form may have at most ${MAX_FORM_FIELDS} fields`);
  const raw = pairs.map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? [percentDecode(p), Buffer.alloc(0)] : [percentDecode(p.slice(0, eq)), percentDecode(p.slice(eq + 1))];
  });
  const declared = raw.find(([k]) => k.toString('latin1') === '_charset_')?.[1].toString('latin1');
  const cs = charset ?? (declared || undefined);
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of raw) {
    const key = decodeText(k, cs);
    if (key === '_charset_' || key === '__proto__') continue;
    if (!(key in out)) out[key] = decodeText(v, cs); // the first value of a repeated field wins
  }
  return { ...out };
}

export function parseJson(body: Buffer, charset: string | undefined): unknown {
  const text = decodeText(body, charset).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(400, `malformed JSON: ${(err as Error).message}`);
  }
}

/** Fields from a body by its Content-Type; undefined for an empty body. */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  const ct = parseContentType(contentType);
  if (ct.type === 'application/json' || ct.type.endsWith('+json')) return parseJson(body, ct.charset);
  if (ct.type === 'application/x-www-form-urlencoded') return parseForm(body, ct.charset);
  throw new BodyError(415, `unsupported Content-Type "${ct.type || '(none)'}": send application/json or application/x-www-form-urlencoded`);
}
