/**
 * The 今日运城 mapper: one message item of the station's export API (as the list or the detail
 * endpoint returns it, see docs/app-export-contract.md) to the hub's message. Pure: no I/O, no
 * clock, never throws for bad data; every field is read through the configured path, so a real API
 * with other names and status codes is fitted by configuration.
 */
import { Category, FieldError, MapContext, MapResult, NormalizedMessage, UpstreamState } from '../contract';
import { AppConfig, FieldName, readConfig, source } from './config';
import { cleanLine, cleanText, cut, deriveTitle, getPath, isRecord, normalizeMobile, parseInstant } from './text';

/** Hub limits (characters): longer upstream text is cut, not refused (the citizen already sent it). */
export const LIMITS = { title: 100, derivedTitle: 30, name: 50, domain: 50, externalId: 128, url: 2048 } as const;

const TRUE_WORDS = ['true', '1', 'yes', 'y', '是', '公开'];
const FALSE_WORDS = ['false', '0', 'no', 'n', '否', '不公开'];

class Collector {
  readonly errors: FieldError[] = [];
  add(field: string, code: FieldError['code'], message: string): undefined {
    this.errors.push({ field, code, message });
    return undefined;
  }
}

/** The value of a mapped field; undefined when unmapped, absent or null. */
function read(item: unknown, config: AppConfig, field: FieldName): unknown {
  const path = config.fields[field];
  if (path === '') return undefined;
  const v = getPath(item, path);
  return v === null ? undefined : v;
}

/** The item's id as a string (numbers allowed), or the reason it is not one. */
export function readId(item: unknown, config: AppConfig): { id: string } | { error: FieldError } {
  const v = read(item, config, 'id');
  const where = source(config, 'id');
  if (v === undefined) return { error: { field: 'id', code: 'required', message: `id: nothing at ${where}; check the field mapping` } };
  let id: string;
  if (typeof v === 'number' && Number.isSafeInteger(v)) id = String(v);
  else if (typeof v === 'string') id = v.trim();
  else return { error: { field: 'id', code: 'type', message: `id at ${where} must be a string or an integer` } };
  if (id === '') return { error: { field: 'id', code: 'empty', message: `id at ${where} is empty` } };
  if ([...id].length > LIMITS.externalId) return { error: { field: 'id', code: 'too_long', message: `id must be at most ${LIMITS.externalId} characters` } };
  if (!/^[\x21-\x7e]+$/.test(id)) return { error: { field: 'id', code: 'invalid', message: 'id must be printable ASCII without spaces' } };
  return { id };
}

/** The item's moderation word as text ('' when the item has none). */
export function readModeration(item: unknown, config: AppConfig): string {
  const v = read(item, config, 'moderation');
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v).trim() : '';
}

/** The item's creation instant (ISO, UTC), when it has a readable one. */
export function readCreatedAt(item: unknown, config: AppConfig): string | undefined {
  return parseInstant(read(item, config, 'createdAt'));
}

/** An optional single-line text: strings and numbers; other types are reported. */
function optionalLine(item: unknown, config: AppConfig, field: FieldName, out: Collector): string | undefined {
  const v = read(item, config, field);
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return out.add(field, 'type', `${field} at ${source(config, field)} must be text`);
  return cleanLine(v) || undefined;
}

function httpUrl(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s.length > LIMITS.url || !/^https?:\/\/[^\s/]+\S*$/i.test(s)) return undefined;
  return s;
}

function parseBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
  if (typeof v === 'string') {
    const w = v.trim().toLowerCase();
    if (TRUE_WORDS.includes(w)) return true;
    if (FALSE_WORDS.includes(w)) return false;
  }
  return undefined;
}

interface Reply {
  content: string;
  organization?: string;
  at?: string;
  index: number;
}

/** The replies of an item: an array (or one object); replies without text are left out. */
function readReplies(item: unknown, config: AppConfig, out: Collector): Reply[] {
  const v = read(item, config, 'replies');
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : isRecord(v) ? [v] : undefined;
  if (!list) {
    out.add('replies', 'type', `replies at ${source(config, 'replies')} must be a list of replies`);
    return [];
  }
  const replies: Reply[] = [];
  list.forEach((r, index) => {
    const text = config.fields.replyContent === '' ? r : getPath(r, config.fields.replyContent);
    if (typeof text !== 'string') return;
    const content = cleanText(text).trim();
    if (content === '') return;
    const dep = config.fields.replyDepartment === '' ? undefined : getPath(r, config.fields.replyDepartment);
    const organization = typeof dep === 'string' ? cleanLine(dep) || undefined : undefined;
    const at = config.fields.replyAt === '' ? undefined : parseInstant(getPath(r, config.fields.replyAt));
    replies.push({ content, organization, at, index });
  });
  return replies;
}

/** The latest reply: by its time when every reply has one, else the last in the list. */
function latest(replies: Reply[]): Reply | undefined {
  if (replies.length === 0) return undefined;
  if (replies.every((r) => r.at !== undefined)) {
    return [...replies].sort((a, b) => a.at!.localeCompare(b.at!) || a.index - b.index).at(-1);
  }
  return replies.at(-1);
}

/** Attachments as "name url" lines; only http(s) URLs are kept. */
function readAttachments(item: unknown, config: AppConfig): string[] {
  const v = read(item, config, 'attachments');
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  const lines: string[] = [];
  for (const a of list) {
    const url = typeof a === 'string' ? httpUrl(a) : httpUrl(config.fields.attachmentUrl === '' ? undefined : getPath(a, config.fields.attachmentUrl));
    if (!url) continue;
    const rawName = typeof a === 'string' || config.fields.attachmentName === '' ? undefined : getPath(a, config.fields.attachmentName);
    const name = typeof rawName === 'string' ? cleanLine(rawName) : '';
    lines.push(name ? `${name} ${url}` : url);
  }
  return lines;
}

export function mapAppItem(payload: unknown, ctx: MapContext): MapResult {
  const read0 = readConfig(ctx.config, false);
  if (!read0.ok) {
    return { ok: false, errors: read0.problems.map((p) => ({ field: p.field, code: 'invalid' as const, message: p.message })) };
  }
  const config = read0.config;
  if (!isRecord(payload)) {
    return { ok: false, errors: [{ field: 'body', code: 'type', message: 'the item must be a JSON object' }] };
  }
  const out = new Collector();

  const idResult = readId(payload, config);
  let externalId: string | undefined;
  if ('id' in idResult) externalId = idResult.id;
  else out.errors.push(idResult.error);

  let content: string | undefined;
  const rawContent = read(payload, config, 'content');
  if (rawContent === undefined) out.add('content', 'required', `content: nothing at ${source(config, 'content')}; check the field mapping`);
  else if (typeof rawContent !== 'string') out.add('content', 'type', `content at ${source(config, 'content')} must be text`);
  else {
    content = cleanText(rawContent).trim();
    if (content === '') content = out.add('content', 'empty', 'content must not be empty');
  }

  const rawTitle = read(payload, config, 'title');
  let title: string | undefined;
  if (typeof rawTitle === 'string') title = cleanLine(rawTitle) || undefined;
  else if (typeof rawTitle === 'number') title = String(rawTitle);
  else if (rawTitle !== undefined) out.add('title', 'type', `title at ${source(config, 'title')} must be text`);

  let state: string | undefined;
  let final = false;
  const rawStatus = read(payload, config, 'status');
  if (rawStatus === undefined) out.add('status', 'required', `status: nothing at ${source(config, 'status')}; check the field mapping`);
  else if (typeof rawStatus !== 'number' && typeof rawStatus !== 'string') out.add('status', 'type', `status at ${source(config, 'status')} must be a code`);
  else {
    const code = String(rawStatus).trim();
    const info = config.statuses.get(code);
    if (!info) out.add('status', 'invalid', `status '${code}' is not in config statuses (known: ${[...config.statuses.keys()].join(', ')})`);
    else ({ label: state, final } = info);
  }

  let submittedAt: string | undefined;
  if (config.fields.createdAt !== '') {
    const rawCreated = read(payload, config, 'createdAt');
    if (rawCreated === undefined) out.add('createdAt', 'required', `createdAt: nothing at ${source(config, 'createdAt')}; check the field mapping`);
    else {
      submittedAt = parseInstant(rawCreated);
      if (!submittedAt) out.add('createdAt', 'invalid', `createdAt at ${source(config, 'createdAt')} must be an ISO 8601 date-time with an offset, 'YYYY-MM-DD HH:mm:ss' (China time) or Unix time`);
    }
  }

  const rawPhone = read(payload, config, 'phone');
  const phone = typeof rawPhone === 'string' || typeof rawPhone === 'number' ? normalizeMobile(String(rawPhone)) : undefined;
  const rawName = read(payload, config, 'name');
  const nameLine = typeof rawName === 'string' ? cleanLine(rawName) : '';
  const name = nameLine && [...nameLine].length <= LIMITS.name ? nameLine : undefined;

  const categoryText = optionalLine(payload, config, 'category', out);
  const category: Category | undefined = categoryText === undefined ? undefined : config.categories.get(categoryText);
  const domainText = optionalLine(payload, config, 'domain', out);
  const domain = domainText === undefined ? undefined : cut(domainText, LIMITS.domain);
  const department = optionalLine(payload, config, 'department', out);

  const rawPublic = read(payload, config, 'isPublic');
  const isPublic = parseBoolean(rawPublic) ?? config.publicByDefault;

  const replies = readReplies(payload, config, out);
  const attachments = config.attachmentsInContent ? readAttachments(payload, config) : [];

  if (out.errors.length > 0 || content === undefined) return { ok: false, errors: out.errors };

  const last = latest(replies);
  const upstream: UpstreamState = { state, final };
  if (last) upstream.reply = { content: last.content, organization: last.organization ?? department, at: last.at };
  const url = httpUrl(read(payload, config, 'url'));
  if (url) upstream.url = url;

  const body = attachments.length > 0 ? `${content}\n\n附件：\n${attachments.join('\n')}` : content;
  const message: NormalizedMessage = {
    title: title ? cut(title, LIMITS.title) : deriveTitle(content, LIMITS.derivedTitle),
    content: body,
    category,
    domain,
    citizen: { name, phone },
    isPublic,
    externalId,
    submittedAt,
    upstream,
  };
  return { ok: true, message };
}
