/**
 * The board's mapper: a pulled thread to the normalized message. Pure; every rule is in this file.
 *
 * The raw record is `{ thread, detail? }`:
 * - `thread`: a list record (`tid`, `subject`, `dateline`, `content` truncated, `stateInfo`,
 *   `typeName`, `domainName`, `answerContent`/`answerOrganization`/`answerDateline` ...), or, for a
 *   refreshed thread, the detail's own fields (everything but `contentList`);
 * - `detail`: the v1 detail's `resultData` (`contentList`: dataType 1 the message, 4 the reply);
 *   absent when pulled through the legacy list.
 */
import { Category, FieldError, MapContext, MapResult, NormalizedMessage, UpstreamState } from '../contract';
import { baseUrlOf } from './config';
import { secondsOf, tidOf } from './protocol';
import { cleanLine, cleanText } from '../contract/text';

export interface BoardRaw {
  thread: Record<string, unknown>;
  detail?: Record<string, unknown>;
}

/** The board's 留言类型 to the plan's categories; anything else is no category. */
const CATEGORY_BY_TYPE_NAME: ReadonlyMap<string, Category> = new Map(Object.entries({
  咨询: '咨询',
  建言: '建议',
  建议: '建议',
  投诉: '投诉',
  求助: '求助',
} satisfies Record<string, Category>));

/** The state word the board shows once a leader's office has answered and closed the matter. */
export const FINAL_STATE = '已办理';

/** Unix seconds beyond this are milliseconds sent by mistake (the year 5138). */
const MAX_SECONDS = 1e11;

class Collector {
  readonly errors: FieldError[] = [];
  add(field: string, code: FieldError['code'], message: string): undefined {
    this.errors.push({ field, code, message });
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional string field: absent for undefined/null, an error for another type. */
function optionalString(obj: Record<string, unknown>, key: string, field: string, out: Collector): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return out.add(field, 'type', `${field} must be a string`);
  return value;
}

/** A required text field, cleaned; `line` folds it to one line. */
function requiredText(obj: Record<string, unknown>, key: string, field: string, out: Collector, line: boolean): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return out.add(field, 'required', `${field} is required`);
  if (typeof value !== 'string') return out.add(field, 'type', `${field} must be a string`);
  const cleaned = line ? cleanLine(value) : cleanText(value).trim();
  if (cleaned === '') return out.add(field, 'empty', `${field} must not be empty`);
  return cleaned;
}

function optionalLine(obj: Record<string, unknown>, key: string, field: string, out: Collector): string | undefined {
  const value = optionalString(obj, key, field, out);
  return value === undefined ? undefined : cleanLine(value) || undefined;
}

/** Unix seconds to ISO; `required` decides whether absence is an error. */
function instant(value: unknown, field: string, out: Collector, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    return required ? out.add(field, 'required', `${field} is required`) : undefined;
  }
  const seconds = secondsOf(value);
  if (seconds === undefined || seconds >= MAX_SECONDS) return out.add(field, 'invalid', `${field} must be Unix seconds`);
  return new Date(seconds * 1000).toISOString();
}

type Reply = NonNullable<UpstreamState['reply']>;

/** The official reply from the detail: the latest dataType 4 item with text. */
function replyFromDetail(items: unknown[], out: Collector): Reply | undefined {
  let best: { reply: Reply; seconds: number } | undefined;
  items.forEach((item, i) => {
    if (!isObject(item) || item.dataType !== 4) return;
    const field = `detail.contentList[${i}]`;
    const content = optionalString(item, 'content', `${field}.content`, out);
    const text = content === undefined ? '' : cleanText(content).trim();
    if (text === '') return;
    const organization = optionalLine(item, 'organization', `${field}.organization`, out);
    const at = instant(item.dateline, `${field}.dateline`, out, false);
    const seconds = secondsOf(item.dateline) ?? 0;
    if (!best || seconds >= best.seconds) best = { reply: { content: text, organization, at }, seconds };
  });
  return best?.reply;
}

/** The official reply as the list record shows it (answerContent, null until replied). */
function replyFromThread(thread: Record<string, unknown>, out: Collector): Reply | undefined {
  const content = optionalString(thread, 'answerContent', 'thread.answerContent', out);
  const text = content === undefined ? '' : cleanText(content).trim();
  if (text === '') return undefined;
  return {
    content: text,
    organization: optionalLine(thread, 'answerOrganization', 'thread.answerOrganization', out),
    at: instant(thread.answerDateline, 'thread.answerDateline', out, false),
  };
}

export function mapLeadersBoard(raw: unknown, ctx: MapContext): MapResult {
  if (!isObject(raw)) {
    return { ok: false, errors: [{ field: 'raw', code: 'type', message: 'the raw record must be an object { thread, detail? }' }] };
  }
  if (raw.thread === undefined || raw.thread === null) {
    return { ok: false, errors: [{ field: 'thread', code: 'required', message: 'the raw record has no thread' }] };
  }
  if (!isObject(raw.thread)) return { ok: false, errors: [{ field: 'thread', code: 'type', message: 'thread must be an object' }] };
  if (raw.detail !== undefined && raw.detail !== null && !isObject(raw.detail)) {
    return { ok: false, errors: [{ field: 'detail', code: 'type', message: 'detail must be an object' }] };
  }
  const thread = raw.thread;
  const detail = isObject(raw.detail) ? raw.detail : undefined;
  const out = new Collector();

  let tid: number | undefined;
  if (thread.tid === undefined || thread.tid === null) out.add('thread.tid', 'required', 'thread.tid is required');
  else if ((tid = tidOf(thread.tid)) === undefined) out.add('thread.tid', 'invalid', 'thread.tid must be a positive integer');
  if (detail && detail.tid !== undefined && detail.tid !== null && tid !== undefined && tidOf(detail.tid) !== tid) {
    out.add('detail.tid', 'invalid', 'detail.tid is not the thread\'s tid');
  }

  const title = requiredText(thread, 'subject', 'thread.subject', out, true);
  const submittedAt = instant(thread.dateline, 'thread.dateline', out, true);

  // The full text is the detail's dataType 1 item; the list's `content` is truncated, so it is used
  // only when there is no detail (the legacy list).
  let content: string | undefined;
  let reply: Reply | undefined;
  if (detail) {
    const items = detail.contentList;
    if (items === undefined || items === null) out.add('detail.contentList', 'required', 'detail.contentList is required');
    else if (!Array.isArray(items)) out.add('detail.contentList', 'type', 'detail.contentList must be an array');
    else {
      const index = items.findIndex((item) => isObject(item) && item.dataType === 1);
      if (index < 0) out.add('detail.contentList', 'required', 'detail.contentList has no dataType 1 item (the message)');
      else content = requiredText(items[index] as Record<string, unknown>, 'content', `detail.contentList[${index}].content`, out, false);
      reply = replyFromDetail(items, out);
    }
  } else {
    content = requiredText(thread, 'content', 'thread.content', out, false);
  }
  reply ??= replyFromThread(thread, out);

  const typeName = optionalLine(thread, 'typeName', 'thread.typeName', out);
  const domain = optionalLine(thread, 'domainName', 'thread.domainName', out);
  // The detail, when present, is at least as fresh as the list record.
  const state = (detail && optionalLine(detail, 'stateInfo', 'detail.stateInfo', out)) || optionalLine(thread, 'stateInfo', 'thread.stateInfo', out);

  if (out.errors.length > 0 || tid === undefined || title === undefined || content === undefined) return { ok: false, errors: out.errors };

  const baseUrl = baseUrlOf(ctx.config);
  const message: NormalizedMessage = {
    title,
    content,
    category: typeName === undefined ? undefined : CATEGORY_BY_TYPE_NAME.get(typeName),
    domain,
    // The board shows only a masked nickname (陈***): no personal data to keep.
    citizen: {},
    isPublic: true,
    externalId: String(tid),
    submittedAt,
    upstream: {
      state,
      final: state === FINAL_STATE,
      reply,
      url: baseUrl === undefined ? undefined : `${baseUrl}/threads/content?tid=${tid}`,
    },
  };
  return { ok: true, message };
}
