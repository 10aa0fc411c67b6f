/**
 * The web-form mapper: a submission posted to the hub (the mailbox form, a redirected portal's
 * form, or a JSON client) to the normalized message. Pure; every rule is in this file.
 */
import { CATEGORIES, Category, FieldError, MapContext, MapResult, NormalizedMessage } from '../contract';
import { normalizeIdNumber, isEmail, normalizeMobile } from './citizen';
import { LIMITS } from './limits';
import { charLength, cleanLine, cleanText, deriveTitle } from '../contract/text';

/** English names that JSON clients may send instead of the Chinese category. */
const CATEGORY_ALIASES: ReadonlyMap<string, Category> = new Map(Object.entries({
  consultation: '咨询',
  report: '反映',
  complaint: '投诉',
  suggestion: '建议',
  help: '求助',
  建言: '建议',
} satisfies Record<string, Category>));

const TRUE_WORDS = ['true', '1', 'on', 'yes', '是', '公开'];
const FALSE_WORDS = ['false', '0', 'off', 'no', '否', '不公开', ''];

class Collector {
  readonly errors: FieldError[] = [];
  add(field: string, code: FieldError['code'], message: string): undefined {
    this.errors.push({ field, code, message });
    return undefined;
  }
}

/** A string field; `numbersAllowed` for ids that upstream systems send as numbers. */
function optionalString(raw: Record<string, unknown>, field: string, out: Collector, numbersAllowed = false): string | undefined {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (numbersAllowed && typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') return out.add(field, 'type', `${field} must be a string`);
  return value;
}

function limited(field: string, value: string | undefined, max: number, out: Collector): string | undefined {
  if (value === undefined) return undefined;
  if (charLength(value) > max) return out.add(field, 'too_long', `${field} must be at most ${max} characters`);
  return value;
}

function parseBoolean(raw: unknown, out: Collector): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number' && (raw === 0 || raw === 1)) return raw === 1;
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
  }
  out.add('isPublic', 'type', 'isPublic must be true or false');
  return false;
}

function parseCategory(raw: string | undefined, out: Collector): Category | undefined {
  if (raw === undefined) return undefined;
  const value = cleanLine(raw);
  if (value === '') return undefined;
  if ((CATEGORIES as readonly string[]).includes(value)) return value as Category;
  const alias = CATEGORY_ALIASES.get(value.toLowerCase());
  if (alias) return alias;
  return out.add('category', 'invalid', `category must be one of ${CATEGORIES.join(' ')}`);
}

function parseSubmittedAt(raw: unknown, out: Collector): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/.test(raw.trim())) {
    return out.add('submittedAt', 'invalid', 'submittedAt must be an ISO 8601 date-time with a time zone');
  }
  const at = new Date(raw.trim());
  const [y, m, d] = raw.trim().slice(0, 10).split('-').map(Number);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (Number.isNaN(at.getTime()) || m < 1 || m > 12 || d < 1 || d > daysInMonth) {
    return out.add('submittedAt', 'invalid', 'submittedAt is not a real date-time');
  }
  return at.toISOString();
}

export function mapWebForm(payload: unknown, ctx: MapContext): MapResult {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, errors: [{ field: 'body', code: 'type', message: 'the body must be an object of fields' }] };
  }
  const raw = payload as Record<string, unknown>;
  const out = new Collector();

  let content: string | undefined;
  const rawContent = optionalString(raw, 'content', out);
  if (rawContent === undefined) {
    if (!out.errors.some((e) => e.field === 'content')) out.add('content', 'required', 'content is required');
  } else {
    content = cleanText(rawContent).trim();
    if (content === '') out.add('content', 'empty', 'content must not be empty');
    else content = limited('content', content, LIMITS.content, out);
  }

  const rawTitle = optionalString(raw, 'title', out);
  let title = rawTitle === undefined ? undefined : cleanLine(rawTitle);
  title = limited('title', title, LIMITS.title, out);

  const rawName = optionalString(raw, 'name', out);
  const name = limited('name', rawName === undefined ? undefined : cleanLine(rawName) || undefined, LIMITS.name, out);

  // Messages imported from an old board are kept even without a phone: the board never asked.
  const phoneRequired = ctx.config.phoneRequired !== false && ctx.origin !== 'import';
  const rawPhone = optionalString(raw, 'phone', out, true);
  let phone: string | undefined;
  if (rawPhone === undefined || cleanLine(rawPhone) === '') {
    if (phoneRequired && !out.errors.some((e) => e.field === 'phone')) out.add('phone', 'required', 'phone (a mobile number) is required');
  } else {
    phone = normalizeMobile(cleanLine(rawPhone));
    if (!phone) out.add('phone', 'invalid', 'phone must be a mainland mobile number of 11 digits');
  }

  const rawEmail = optionalString(raw, 'email', out);
  let email = rawEmail === undefined ? undefined : cleanLine(rawEmail) || undefined;
  email = limited('email', email, LIMITS.email, out);
  if (email !== undefined && !isEmail(email)) email = out.add('email', 'invalid', 'email is not an email address');

  const rawIdNumber = optionalString(raw, 'idNumber', out);
  let idNumber: string | undefined;
  if (rawIdNumber !== undefined && cleanLine(rawIdNumber) !== '') {
    idNumber = normalizeIdNumber(cleanLine(rawIdNumber));
    if (!idNumber) out.add('idNumber', 'invalid', 'idNumber must be an 18-character resident ID number');
  }

  const category = parseCategory(optionalString(raw, 'category', out), out);
  const isPublic = parseBoolean(raw.isPublic, out);

  const rawExternalId = optionalString(raw, 'externalId', out, true);
  let externalId = rawExternalId === undefined ? undefined : rawExternalId.trim() || undefined;
  externalId = limited('externalId', externalId, LIMITS.externalId, out);
  if (externalId !== undefined && !/^[\x21-\x7e]+$/.test(externalId)) {
    externalId = out.add('externalId', 'invalid', 'externalId must be printable ASCII without spaces');
  }
  const submittedAt = parseSubmittedAt(raw.submittedAt, out);

  if (out.errors.length > 0 || content === undefined) return { ok: false, errors: out.errors };

  const message: NormalizedMessage = {
    title: title || deriveTitle(content, LIMITS.derivedTitle),
    content,
    category,
    citizen: { name, phone, email, idNumber },
    isPublic,
    externalId,
    submittedAt,
  };
  return { ok: true, message };
}
