/**
 * The board's puller. Each fid is a scope; its cursor is the high-water tid (decimal string).
 *
 * The list is newest first and paged by keyset (`lastItem` = the last tid of the previous page), so
 * a pull walks down from the newest thread until it reaches the committed tid (incremental) or the
 * backfill point. Pages are yielded without a commit; only the final, empty batch commits the new
 * high-water mark, so a pull that fails half-way starts again from the old one and skips nothing.
 */
import { AdapterError, PullBatch, PullContext, PullStart, Puller } from '../contract';
import { BoardConfig, fidsOf, readConfig } from './config';
import { BoardRaw } from './mapper';
import {
  DetailData,
  ThreadRecord,
  detailRequest,
  legacyListRequest,
  listRequest,
  parseDetailResponse,
  parseLegacyListResponse,
  parseListResponse,
  secondsOf,
  tidOf,
  warmUpRequest,
} from './protocol';

type Record_ = { externalId: string; raw: BoardRaw };

function configError(message: string): AdapterError {
  return new AdapterError('config', message, `人民网留言板拉取参数有误：${message}。Bad pull parameter: ${message}.`);
}

/** A committed cursor or a backfill id: a tid in decimal. */
function parseTid(value: string, what: string): number {
  const tid = /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(tid)) throw configError(`${what} ${JSON.stringify(value)} is not a tid`);
  return tid;
}

/** YYYY-MM-DD, a day in Asia/Shanghai (UTC+8, no DST), to the Unix second at which it starts. */
export function dayStartSeconds(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) throw configError(`fromDate ${JSON.stringify(value)} is not YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw configError(`fromDate ${JSON.stringify(value)} is not a real date`);
  }
  return utc / 1000 - 8 * 3600;
}

/** The predicate that ends a walk: true for the first record that is not wanted. */
function stopRule(start: PullStart, cursor: number | null): (record: ThreadRecord) => boolean {
  const backfill = start.backfill;
  if (backfill && (backfill.fromId !== undefined || backfill.fromDate !== undefined)) {
    const fromId = backfill.fromId === undefined ? undefined : parseTid(backfill.fromId, 'fromId');
    const fromSeconds = backfill.fromDate === undefined ? undefined : dayStartSeconds(backfill.fromDate);
    return (r) =>
      (fromId !== undefined && tidOf(r.tid)! < fromId) || (fromSeconds !== undefined && secondsOf(r.dateline)! < fromSeconds);
  }
  return (r) => cursor !== null && tidOf(r.tid)! <= cursor;
}

/**
 * The pages of one board, newest first, until the board's end. v1: a page shorter than `rows` is
 * the last. Legacy: its page size is the board's, so only an empty page is known to be the last.
 */
async function* pages(ctx: PullContext, cfg: BoardConfig, fid: string): AsyncGenerator<ThreadRecord[]> {
  let lastTid: number | undefined;
  for (;;) {
    const records =
      cfg.api === 'legacy'
        ? parseLegacyListResponse(await ctx.http.request(legacyListRequest(cfg, fid, lastTid === undefined ? '0' : String(lastTid))))
        : parseListResponse(await ctx.http.request(listRequest(cfg, fid, lastTid === undefined ? '' : String(lastTid))));
    if (records.length === 0) return;
    const first = tidOf(records[0].tid)!;
    if (lastTid !== undefined && first >= lastTid) {
      throw new AdapterError('shape', `list of fid ${fid}: paging did not advance (tid ${first} after lastItem ${lastTid})`,
        '人民网留言板分页参数 lastItem 未生效，可能已改版。The board ignored lastItem (paging did not advance); the API may have changed.');
    }
    yield records;
    if (cfg.api === 'v1' && records.length < cfg.rows) return;
    lastTid = tidOf(records[records.length - 1].tid)!;
  }
}

/** The detail of one thread, or undefined when the board says it is gone. */
async function fetchDetail(ctx: PullContext, cfg: BoardConfig, tid: number): Promise<DetailData | undefined> {
  try {
    return parseDetailResponse(await ctx.http.request(detailRequest(cfg, String(tid))), tid);
  } catch (e) {
    if (e instanceof AdapterError && e.kind === 'not_found') return undefined;
    throw e;
  }
}

/** A refreshed thread's `thread`: the detail's own fields (all but contentList), with its tid. */
export function threadFromDetail(detail: DetailData, tid: number): Record<string, unknown> {
  const { contentList: _contentList, ...fields } = detail;
  return { ...fields, tid: fields.tid ?? tid };
}

export const leadersBoardPuller: Puller = {
  scopes(config) {
    return fidsOf(config);
  },

  async warmUp(ctx) {
    const cfg = readConfig(ctx.config);
    const res = await ctx.http.request(warmUpRequest(cfg));
    if (res.status === 404) {
      throw new AdapterError('config', `warm-up page ${cfg.warmUpPath}: HTTP 404`,
        '人民网留言板预热页面不存在，请检查 warmUpPath。The warm-up page answered 404: check warmUpPath.');
    }
  },

  async *pull(ctx, scope, start): AsyncGenerator<PullBatch> {
    const cfg = readConfig(ctx.config);
    const fid = scope.trim();
    if (!/^[0-9A-Za-z_-]+$/.test(fid)) throw configError(`scope ${JSON.stringify(scope)} is not a fid`);
    const cursor = start.cursor === null ? null : parseTid(start.cursor, 'cursor');
    const stop = stopRule(start, cursor);

    let high = cursor;
    let yielded = false;
    for await (const page of pages(ctx, cfg, fid)) {
      const cut = page.findIndex(stop);
      const wanted = cut < 0 ? page : page.slice(0, cut);
      const records: Record_[] = [];
      for (const thread of wanted) {
        const tid = tidOf(thread.tid)!;
        high = high === null ? tid : Math.max(high, tid);
        if (cfg.api === 'legacy') {
          records.push({ externalId: String(tid), raw: { thread } });
          continue;
        }
        const detail = await fetchDetail(ctx, cfg, tid);
        // Listed a moment ago, gone now (withdrawn or moderated away): nothing to take in.
        if (detail) records.push({ externalId: String(tid), raw: { thread, detail } });
      }
      if (records.length > 0) {
        yielded = true;
        yield { records };
      }
      if (cut >= 0) break;
    }
    if (high !== null && (yielded || high !== cursor)) yield { records: [], commit: String(high) };
  },

  async refresh(ctx, externalIds) {
    const cfg = readConfig(ctx.config);
    const tids = [...new Set(externalIds.map((id) => tidOf(id)).filter((t): t is number => t !== undefined))];
    if (tids.length === 0) return [];
    if (cfg.api === 'legacy') return refreshFromLegacyLists(ctx, cfg, tids);
    const found: Record_[] = [];
    for (const tid of tids) {
      const detail = await fetchDetail(ctx, cfg, tid);
      if (detail) found.push({ externalId: String(tid), raw: { thread: threadFromDetail(detail, tid), detail } });
    }
    return found;
  },
};

/**
 * Legacy mode has no unsigned detail: walk each board's list down to the oldest wanted tid and
 * take the wanted records as they stand (state and answer fields are in the list record).
 */
async function refreshFromLegacyLists(ctx: PullContext, cfg: BoardConfig, tids: number[]): Promise<Record_[]> {
  const wanted = new Set(tids);
  const oldest = Math.min(...tids);
  const found = new Map<number, Record_>();
  for (const fid of cfg.fids) {
    walk: for await (const page of pages(ctx, cfg, fid)) {
      for (const thread of page) {
        const tid = tidOf(thread.tid)!;
        if (tid < oldest) break walk;
        if (wanted.has(tid)) found.set(tid, { externalId: String(tid), raw: { thread } });
      }
      if (found.size === wanted.size) break;
    }
    if (found.size === wanted.size) break;
  }
  return tids.filter((t) => found.has(t)).map((t) => found.get(t)!);
}
