/**
 * The 今日运城 puller: reads the station's export API (docs/app-export-contract.md).
 *
 * The list is ordered by change, ascending, behind an opaque cursor; a message comes back in the
 * list whenever its status, replies or moderation change. So one scope ('default'), and each page
 * is yielded with `commit` = that page's `nextCursor`: once the page is stored, nothing before the
 * cursor is needed again. Items still in moderation (`skipModeration`) are left out of the records
 * while their page's cursor still commits: approval is a change, so they come back later.
 */
import { AdapterError, HttpPort, HttpResponse, PullBatch, PullContext, PullStart, Puller } from '../contract';
import { AppConfig, readConfig, source } from './config';
import { readCreatedAt, readId, readModeration } from './mapper';
import { getPath, isRecord } from './text';

export const SCOPE = 'default';

function configOf(ctx: PullContext): AppConfig {
  const r = readConfig(ctx.config, true);
  if (!r.ok) {
    const text = r.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new AdapterError('config', `invalid channel configuration: ${text}`, `fix the channel configuration: ${text}`);
  }
  return r.config;
}

function join(base: string, path: string): URL {
  return new URL(`${base}/${path.replace(/^\/+/, '')}`);
}

function headers(config: AppConfig): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json' };
  if (config.apiKey) {
    h[config.apiKeyHeader] = config.apiKeyHeader.toLowerCase() === 'authorization' ? `Bearer ${config.apiKey}` : config.apiKey;
  }
  return h;
}

/** Throws for a status the adapter cannot go on with; 200 passes; `missingOk` lets 404/410 pass. */
function check(res: HttpResponse, config: AppConfig, what: string, missingOk = false): void {
  const s = res.status;
  if (s >= 200 && s < 300) return;
  if (missingOk && (s === 404 || s === 410)) return;
  if (s === 401 || s === 403) {
    throw new AdapterError(
      'auth',
      `${what}: the export API refused the key (HTTP ${s})`,
      config.apiKey
        ? `check apiKey (and apiKeyHeader '${config.apiKeyHeader}') in the channel configuration: the station may have rotated or revoked the key`
        : 'apiKey is not set in the channel configuration: ask the station (or its vendor) for an export API key',
    );
  }
  if (s === 404) {
    throw new AdapterError('config', `${what}: HTTP 404`, 'check baseUrl, listPath and detailPath in the channel configuration');
  }
  if (s === 400 || s === 422) {
    throw new AdapterError(
      'config',
      `${what}: the export API refused the request (HTTP ${s}): ${res.text().slice(0, 200)}`,
      'the stored cursor may have expired or pageSize may be too large: check pageSize, or restart the channel with a backfill by date',
    );
  }
  if (s === 429 || s >= 500) throw new AdapterError('transient', `${what}: HTTP ${s}`);
  throw new AdapterError('shape', `${what}: unexpected HTTP ${s}`);
}

async function get(http: HttpPort, url: URL, config: AppConfig): Promise<HttpResponse> {
  return http.request({ method: 'GET', url: url.toString(), headers: headers(config) });
}

/** One message item by id, or undefined when the API says it is gone (404/410). */
async function fetchDetail(http: HttpPort, config: AppConfig, id: string): Promise<Record<string, unknown> | undefined> {
  const url = join(config.baseUrl, config.detailPath.split('{id}').join(encodeURIComponent(id)));
  const res = await get(http, url, config);
  check(res, config, `detail of ${id}`, true);
  if (res.status === 404 || res.status === 410) return undefined;
  const item = getPath(res.json(), config.fields.detailItemPath);
  if (!isRecord(item)) {
    throw new AdapterError('shape', `detail of ${id}: the answer holds no item object at ${source(config, 'detailItemPath')}`,
      'check fields.detailItemPath in the channel configuration');
  }
  return item;
}

interface Page {
  items: unknown[];
  nextCursor: string | null;
  hasMore: boolean;
}

function readPage(body: unknown, config: AppConfig): Page {
  const items = getPath(body, config.fields.itemsPath);
  if (!Array.isArray(items)) {
    throw new AdapterError('shape', `list: the answer holds no items array at ${source(config, 'itemsPath')}`,
      'the export API answered something other than a message list: check baseUrl/listPath and fields.itemsPath');
  }
  const rawCursor = config.fields.nextCursorPath === '' ? undefined : getPath(body, config.fields.nextCursorPath);
  let nextCursor: string | null;
  if (rawCursor === undefined || rawCursor === null || rawCursor === '') nextCursor = null;
  else if (typeof rawCursor === 'string') nextCursor = rawCursor;
  else if (typeof rawCursor === 'number' && Number.isFinite(rawCursor)) nextCursor = String(rawCursor);
  else throw new AdapterError('shape', `list: nextCursor at ${source(config, 'nextCursorPath')} is neither text nor null`);
  const rawMore = config.fields.hasMorePath === '' ? undefined : getPath(body, config.fields.hasMorePath);
  let hasMore: boolean;
  if (typeof rawMore === 'boolean') hasMore = rawMore;
  else if (rawMore === undefined || rawMore === null) hasMore = items.length >= config.pageSize; // no flag: a short page is the last
  else throw new AdapterError('shape', `list: hasMore at ${source(config, 'hasMorePath')} is not true/false`);
  return { items, nextCursor, hasMore };
}

function parseFromDate(fromDate: string): number {
  const s = fromDate.trim();
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00+08:00` : s);
  if (Number.isNaN(at)) throw new AdapterError('config', `backfill.fromDate '${fromDate}' is not a date`, 'give fromDate as YYYY-MM-DD (China time) or an ISO 8601 date-time');
  return at;
}

async function* pull(ctx: PullContext, scope: string, start: PullStart): AsyncGenerator<PullBatch> {
  const config = configOf(ctx);
  if (scope !== SCOPE) throw new AdapterError('config', `unknown scope '${scope}'; this channel has only '${SCOPE}'`);
  if (start.backfill?.fromId !== undefined) {
    throw new AdapterError('config', 'backfill.fromId is not supported by the export API', 'backfill this channel by fromDate');
  }
  const backfill = start.backfill?.fromDate !== undefined;
  const fromMs = backfill ? parseFromDate(start.backfill!.fromDate!) : undefined;
  // A backfill walks the whole change feed from its start, keeping what was created since fromDate.
  let cursor: string | null = backfill ? null : start.cursor;

  for (;;) {
    const url = join(config.baseUrl, config.listPath);
    if (config.limitParam !== '') url.searchParams.set(config.limitParam, String(config.pageSize));
    if (cursor !== null) url.searchParams.set(config.cursorParam, cursor);
    const res = await get(ctx.http, url, config);
    check(res, config, 'list');
    const page = readPage(res.json(), config);

    // The same message twice in one page: its later change wins.
    const byId = new Map<string, unknown>();
    for (const item of page.items) {
      const r = readId(item, config);
      if (!('id' in r)) {
        throw new AdapterError('shape', `list: an item without a usable id: ${r.error.message}`, 'check fields.id in the channel configuration');
      }
      byId.delete(r.id);
      byId.set(r.id, item);
    }

    const records: PullBatch['records'] = [];
    for (const [externalId, item] of byId) {
      if (config.skipModeration.has(readModeration(item, config))) continue;
      if (fromMs !== undefined) {
        const created = readCreatedAt(item, config);
        if (created !== undefined && Date.parse(created) < fromMs) continue;
      }
      if (config.detailForEachItem) {
        const detail = await fetchDetail(ctx.http, config, externalId);
        if (detail === undefined) continue; // deleted between the list and the detail
        if (config.skipModeration.has(readModeration(detail, config))) continue;
        records.push({ externalId, raw: detail });
      } else {
        records.push({ externalId, raw: item });
      }
    }

    const advanced = page.nextCursor !== null && page.nextCursor !== cursor;
    if (records.length > 0 || advanced) {
      const batch: PullBatch = { records };
      if (page.nextCursor !== null) batch.commit = page.nextCursor;
      yield batch;
    }
    if (!page.hasMore) return;
    if (!advanced) {
      throw new AdapterError('shape', 'list: hasMore is true but nextCursor did not move', 'the export API does not page as its contract says: tell the station');
    }
    cursor = page.nextCursor;
  }
}

async function refresh(ctx: PullContext, externalIds: string[]): Promise<{ externalId: string; raw: unknown }[]> {
  const config = configOf(ctx);
  const found: { externalId: string; raw: unknown }[] = [];
  for (const externalId of new Set(externalIds)) {
    const item = await fetchDetail(ctx.http, config, externalId);
    if (item !== undefined) found.push({ externalId, raw: item });
  }
  return found;
}

export const appPuller: Puller = {
  scopes: () => [SCOPE],
  pull,
  refresh,
};
