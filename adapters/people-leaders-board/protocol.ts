/**
 * The board's wire protocol: pure request builders and strict response parsers. A parser never
 * turns a malformed answer into an empty page: a refused signature is an `auth` error, a changed
 * shape a `shape` error, both with words an operator can act on.
 */
import { AdapterError, HttpRequest, HttpResponse } from '../contract';
import { BoardConfig } from './config';
import { signWith } from './signature';

/** A thread as the lists show it (`content` truncated). Only `tid` and `dateline` are checked here. */
export interface ThreadRecord {
  tid: number | string;
  dateline: number | string;
  [field: string]: unknown;
}

/** One item of a detail's `contentList`: dataType 1 the citizen's message, 4 the official reply. */
export interface ContentItem {
  dataType: number;
  [field: string]: unknown;
}

/** A detail answer's `resultData`: the thread's fields plus its `contentList`. */
export interface DetailData {
  contentList: ContentItem[];
  [field: string]: unknown;
}

export const SN0006_HINT =
  '人民网留言板拒绝了请求签名（SN0006 数据格式错误）：对方前端更新后 appCode 或签名算法可能已变更，请核对并更新本渠道配置中的 appCode / signature。' +
  ' The board refused the request signature (SN0006): its appCode or signing algorithm changed upstream; update the channel config (appCode, signature).';

const SHAPE_HINT =
  '人民网留言板接口返回的数据结构与预期不符，可能已改版，请检查接口路径与适配器。' +
  ' The board answered in an unexpected shape (the page may have changed); check the API paths and the adapter.';

function shapeError(message: string): AdapterError {
  return new AdapterError('shape', message, SHAPE_HINT);
}

// --- values -----------------------------------------------------------------------------------

/** A tid as a positive safe integer (the board sends numbers; numeric strings are accepted). */
export function tidOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) {
    const n = Number(value.trim());
    return n > 0 ? n : undefined;
  }
  return undefined;
}

/** Unix seconds as a number (the board sends numbers; numeric strings are accepted). */
export function secondsOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,12}$/.test(value.trim())) {
    const n = Number(value.trim());
    return n > 0 ? n : undefined;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// --- requests ---------------------------------------------------------------------------------

/** The list param string: compact JSON with the keys in the order the board's front end sends them. */
export function listParam(fid: string, lastItem: string, rows: number, typeId: number): string {
  return JSON.stringify({ fid, showUnAnswer: 1, typeId, lastItem, position: '0', rows, orderType: 2 });
}

export function detailParam(tid: string): string {
  return JSON.stringify({ tid, fromTrash: 0 });
}

export interface SignedBody {
  appCode: string;
  token: string;
  signature: string;
  param: string;
}

export function signedBody(cfg: Pick<BoardConfig, 'appCode' | 'token' | 'algorithm'>, apiPath: string, param: string): SignedBody {
  return { appCode: cfg.appCode, token: cfg.token, signature: signWith(cfg.algorithm, apiPath, param, cfg.appCode, cfg.token), param };
}

function headers(cfg: BoardConfig): Record<string, string> {
  return { Accept: 'application/json, text/plain, */*', Referer: `${cfg.baseUrl}/` };
}

export function warmUpRequest(cfg: BoardConfig): HttpRequest {
  return { method: 'GET', url: cfg.baseUrl + cfg.warmUpPath, headers: { Accept: 'text/html,application/xhtml+xml,*/*' } };
}

/** A v1 list page; `lastItem` is '' for the first page, then the last tid of the previous page. */
export function listRequest(cfg: BoardConfig, fid: string, lastItem: string): HttpRequest {
  const param = listParam(fid, lastItem, cfg.rows, cfg.typeId);
  return { method: 'POST', url: cfg.baseUrl + cfg.listPath, headers: headers(cfg), json: signedBody(cfg, cfg.listPath, param) };
}

export function detailRequest(cfg: BoardConfig, tid: string): HttpRequest {
  const param = detailParam(tid);
  return { method: 'POST', url: cfg.baseUrl + cfg.contentPath, headers: headers(cfg), json: signedBody(cfg, cfg.contentPath, param) };
}

/** A legacy list page; `lastItem` is '0' for the first page, then the last tid; state '1' = all. */
export function legacyListRequest(cfg: BoardConfig, fid: string, lastItem: string): HttpRequest {
  return {
    method: 'POST',
    url: cfg.baseUrl + cfg.legacyListPath,
    headers: headers(cfg),
    form: { fid, lastItem, state: '1', typeId: String(cfg.typeId) },
  };
}

// --- responses --------------------------------------------------------------------------------

/** Status first: 2xx goes on; 401 is `auth`; 404 means the configured path is wrong; else `shape`. */
function checkStatus(res: HttpResponse, what: string): void {
  if (res.status >= 200 && res.status < 300) return;
  if (res.status === 401) {
    throw new AdapterError('auth', `${what}: HTTP 401`, '人民网留言板拒绝访问（HTTP 401），请检查 token。The board answered 401: check the token.');
  }
  if (res.status === 404) {
    throw new AdapterError('config', `${what}: HTTP 404 (no such endpoint)`,
      `人民网留言板接口不存在（HTTP 404），请检查 baseUrl 与接口路径配置。The ${what} endpoint answered 404: check baseUrl and the API paths.`);
  }
  throw shapeError(`${what}: unexpected HTTP status ${res.status}`);
}

function bodyOf(res: HttpResponse, what: string): Record<string, unknown> {
  checkStatus(res, what);
  let body: unknown;
  try {
    body = res.json();
  } catch (e) {
    if (e instanceof AdapterError) throw e;
    throw shapeError(`${what}: the answer is not JSON`);
  }
  if (!isObject(body)) throw shapeError(`${what}: the answer is not a JSON object`);
  if (body.code === 'SN0006') throw new AdapterError('auth', `${what}: signature refused (SN0006 ${String(body.msg ?? '')})`.trim(), SN0006_HINT);
  return body;
}

function describe(body: Record<string, unknown>): string {
  const parts = ['result', 'code', 'msg'].filter((k) => body[k] !== undefined).map((k) => `${k}=${JSON.stringify(body[k])}`);
  return parts.length ? ` (${parts.join(' ')})` : '';
}

/** Checks each record has a tid and a dateline, and that the page is newest first. */
function checkRecords(records: unknown[], what: string): ThreadRecord[] {
  let previous = Infinity;
  records.forEach((record, i) => {
    if (!isObject(record)) throw shapeError(`${what}: record ${i} is not an object`);
    const tid = tidOf(record.tid);
    if (tid === undefined) throw shapeError(`${what}: record ${i} has no valid tid`);
    if (secondsOf(record.dateline) === undefined) throw shapeError(`${what}: record ${i} (tid ${tid}) has no valid dateline`);
    if (tid >= previous) throw shapeError(`${what}: records are not newest first (tid ${tid} after ${previous})`);
    previous = tid;
  });
  return records as ThreadRecord[];
}

/** A v1 list answer: `resultData.data[]` (newest first). */
export function parseListResponse(res: HttpResponse): ThreadRecord[] {
  const body = bodyOf(res, 'list');
  const resultData = body.resultData;
  if (!isObject(resultData)) throw shapeError(`list: the answer has no resultData${describe(body)}`);
  if (!Array.isArray(resultData.data)) throw shapeError(`list: the answer has no resultData.data array${describe(body)}`);
  return checkRecords(resultData.data, 'list');
}

/**
 * A v1 detail answer: `resultData` with `contentList[]`. `resultData: null` (the board's "page not
 * found") is AdapterError('not_found'); a detail of another tid than asked is a shape error.
 */
export function parseDetailResponse(res: HttpResponse, tid: number): DetailData {
  const body = bodyOf(res, 'detail');
  if (body.resultData === null) throw new AdapterError('not_found', `detail: thread ${tid} not found${describe(body)}`);
  const resultData = body.resultData;
  if (!isObject(resultData)) throw shapeError(`detail: the answer has no resultData${describe(body)}`);
  if (!Array.isArray(resultData.contentList)) throw shapeError(`detail: the answer has no resultData.contentList array${describe(body)}`);
  resultData.contentList.forEach((item, i) => {
    if (!isObject(item) || typeof item.dataType !== 'number') throw shapeError(`detail: contentList[${i}] has no numeric dataType`);
  });
  if (resultData.tid !== undefined && tidOf(resultData.tid) !== tid) {
    throw shapeError(`detail: asked for tid ${tid}, the answer is for ${JSON.stringify(resultData.tid)}`);
  }
  return resultData as DetailData;
}

/** A legacy list answer `{result: 'success', success: true, responseData: [...]}`, whatever its Content-Type. */
export function parseLegacyListResponse(res: HttpResponse): ThreadRecord[] {
  const body = bodyOf(res, 'legacy list');
  if (body.success === false || (body.result !== undefined && body.result !== 'success')) {
    throw shapeError(`legacy list: the board did not answer success${describe(body)}`);
  }
  if (!Array.isArray(body.responseData)) throw shapeError(`legacy list: the answer has no responseData array${describe(body)}`);
  return checkRecords(body.responseData, 'legacy list');
}
