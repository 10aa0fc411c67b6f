/**
 * A local stand-in for 人民网领导留言板 (liuyan.people.com.cn), for e2e tests of the
 * `people-leaders-board` adapter. It plays, over real HTTP (node:http):
 *
 * - `GET /` (and any other GET page): an HTML page that sets the WAF cookie `__jsluid_s`;
 * - `POST /v1/threads/list/df`: the signed list, JSON `{appCode, token, signature, param}`, newest
 *   first by tid, keyset paging (`lastItem` = last tid of the previous page), `rows` per page,
 *   `content` truncated to 50 characters; answers `{result, resultData: {data, lastItem}}`;
 * - `POST /v1/threads/content`: the signed detail, `resultData` = the thread's fields plus
 *   `contentList` [{dataType: 1, the message}, {dataType: 4, the reply} once replied];
 *   an unknown tid answers `resultData: null` with msg 页面找不到了！;
 * - `POST /threads/queryThreadsList`: the older unsigned list (form fields fid, lastItem '0'
 *   first, state 1–4, typeId), answered with Content-Type text/html and
 *   `{result: 'success', success: true, responseData: [...]}`.
 *
 * The signature is checked with the board's algorithm (implemented here independently of the
 * adapter): md5(apiPath + param + md5(appCode).slice(0, 16) + token); a wrong one, or a param that
 * is not JSON, answers HTTP 200 `{"code":"SN0006","msg":"数据格式错误"}`. Times are Unix seconds.
 *
 * `state` lets a test add threads and replies and switch failure modes: `rateLimitNext(n)` (429 for
 * the next n requests), `badSignature` (SN0006 for every signed request), `changeShape` (list
 * answers without `resultData.data` / `responseData`), `requireCookie` (403 for API calls that do
 * not send a `__jsluid_s` cookie issued by a GET page). `requests` counts requests per path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface LeadersBoardOptions {
  /** 0 (default): a free port. */
  port?: number;
  /** The board's current appCode (what the signature must be made with). */
  appCode?: string;
  /** The first tid handed out (tids are shared by all boards and grow by one per thread). */
  firstTid?: number;
  /** The page size of the legacy list (the board's, not the client's). */
  legacyRows?: number;
  /** The board's clock in Unix seconds (default: the real clock). */
  now?: () => number;
}

export interface BoardReply {
  content: string;
  organization: string;
  /** Unix seconds. */
  dateline: number;
}

/** A thread as the board keeps it (full content). */
export interface BoardThread {
  tid: number;
  fid: number;
  typeId: number;
  subject: string;
  content: string;
  nickName: string;
  dateline: number;
  threadsCheckTime: number;
  stateInfo: string;
  typeName: string;
  domainName: string;
  forumName: string;
  gradeManner: number | null;
  gradeSpeed: number | null;
  reply?: BoardReply;
}

export type NewThread = { fid: string | number; subject: string; content: string } & Partial<
  Pick<BoardThread, 'typeId' | 'nickName' | 'dateline' | 'threadsCheckTime' | 'stateInfo' | 'typeName' | 'domainName' | 'forumName'>
>;

export interface LeadersBoardState {
  /** The appCode the board signs with now; change it to play a front-end redeploy. */
  appCode: string;
  readonly threads: Map<number, BoardThread>;
  /** Requests received, per path (every request counts, refused ones too). */
  readonly requests: Record<string, number>;
  /** Every signed request answers SN0006. */
  badSignature: boolean;
  /** List answers lose `resultData.data` (v1) and `responseData` (legacy). */
  changeShape: boolean;
  /** API calls get 403 unless they send a `__jsluid_s` cookie issued by a GET page. */
  requireCookie: boolean;
  /** API calls are read and never answered (the client's timeout has to end them). */
  hang: boolean;
  /** API calls get HTTP 200 with a page a proxy might put there: not JSON, though it says so. */
  garbage: boolean;
  /** Adds a thread (待回复, dated now unless told) and returns its tid. */
  addThread(input: NewThread): number;
  /** The official reply arrives: the thread moves to 已办理. */
  reply(tid: number, reply: { content: string; organization: string; dateline?: number }): void;
  /** Moves a thread to another state word (e.g. 办理中). */
  setState(tid: number, stateInfo: string): void;
  /** The thread disappears (the detail answers "not found"). */
  remove(tid: number): void;
  /** Answers the next `n` requests, whatever they are, with 429. */
  rateLimitNext(n: number): void;
  /** Requests to `path` so far. */
  count(path: string): number;
}

export interface LeadersBoard {
  url: string;
  port: number;
  state: LeadersBoardState;
  close(): Promise<void>;
}

const LIST_PATH = '/v1/threads/list/df';
const CONTENT_PATH = '/v1/threads/content';
const LEGACY_PATH = '/threads/queryThreadsList';
const COOKIE = '__jsluid_s';
const LIST_CONTENT_CHARS = 50;
const LEGACY_STATES: Record<string, string | undefined> = { '1': undefined, '2': '待回复', '3': '办理中', '4': '已办理' };

const md5 = (value: string) => createHash('md5').update(value, 'utf8').digest('hex');

function boardSignature(path: string, param: string, appCode: string, token: string): string {
  return md5(path + param + md5(appCode).slice(0, 16) + token);
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json;charset=UTF-8', headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function truncate(text: string, chars: number): string {
  const all = Array.from(text);
  return all.length <= chars ? text : all.slice(0, chars).join('');
}

export async function startLeadersBoard(opts: LeadersBoardOptions = {}): Promise<LeadersBoard> {
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const legacyRows = opts.legacyRows ?? 10;
  let nextTid = opts.firstTid ?? 18730001;
  let rateLimited = 0;
  const cookies = new Set<string>();

  const get = (tid: number): BoardThread => {
    const t = state.threads.get(tid);
    if (!t) throw new Error(`leaders-board: no thread ${tid}`);
    return t;
  };

  const state: LeadersBoardState = {
    appCode: opts.appCode ?? 'PC42ce3bfa4980a9',
    threads: new Map(),
    requests: {},
    badSignature: false,
    changeShape: false,
    requireCookie: false,
    hang: false,
    garbage: false,
    addThread(input) {
      const tid = nextTid++;
      const dateline = input.dateline ?? now();
      state.threads.set(tid, {
        tid,
        fid: Number(input.fid),
        typeId: input.typeId ?? 5,
        subject: input.subject,
        content: input.content,
        nickName: input.nickName ?? '陈***',
        dateline,
        threadsCheckTime: input.threadsCheckTime ?? dateline,
        stateInfo: input.stateInfo ?? '待回复',
        typeName: input.typeName ?? '建言',
        domainName: input.domainName ?? '城建',
        forumName: input.forumName ?? '运城市市长',
        gradeManner: null,
        gradeSpeed: null,
      });
      return tid;
    },
    reply(tid, reply) {
      const t = get(tid);
      t.reply = { content: reply.content, organization: reply.organization, dateline: reply.dateline ?? now() };
      t.stateInfo = '已办理';
    },
    setState(tid, stateInfo) {
      get(tid).stateInfo = stateInfo;
    },
    remove(tid) {
      state.threads.delete(tid);
    },
    rateLimitNext(n) {
      rateLimited = n;
    },
    count(path) {
      return state.requests[path] ?? 0;
    },
  };

  /** A list record: content cut to 50 characters; answer fields null until replied. */
  const listRecord = (t: BoardThread) => ({
    tid: t.tid,
    fid: t.fid,
    typeId: t.typeId,
    subject: t.subject,
    content: truncate(t.content, LIST_CONTENT_CHARS),
    nickName: t.nickName,
    dateline: t.dateline,
    threadsCheckTime: t.threadsCheckTime,
    stateInfo: t.stateInfo,
    typeName: t.typeName,
    domainName: t.domainName,
    forumName: t.forumName,
    answerContent: t.reply?.content ?? null,
    answerDateline: t.reply?.dateline ?? null,
    answerOrganization: t.reply?.organization ?? null,
    gradeManner: t.gradeManner,
    gradeSpeed: t.gradeSpeed,
  });

  /** Newest first by tid, below `lastItem` when given. */
  const page = (fid: number, lastItem: number | null, rows: number, keep: (t: BoardThread) => boolean) =>
    [...state.threads.values()]
      .filter((t) => t.fid === fid && (lastItem === null || t.tid < lastItem) && keep(t))
      .sort((a, b) => b.tid - a.tid)
      .slice(0, rows)
      .map(listRecord);

  const SN0006 = { code: 'SN0006', msg: '数据格式错误' };

  /** The signed body's param, or undefined when the signature (or the body) is wrong. */
  const verified = (path: string, text: string): Record<string, unknown> | undefined => {
    if (state.badSignature) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return undefined;
    }
    const b = body as Record<string, unknown>;
    if (typeof b !== 'object' || b === null || typeof b.param !== 'string' || typeof b.signature !== 'string') return undefined;
    const token = typeof b.token === 'string' ? b.token : '';
    if (b.signature !== boardSignature(path, b.param, state.appCode, token)) return undefined;
    try {
      const param = JSON.parse(b.param);
      return typeof param === 'object' && param !== null ? param : undefined;
    } catch {
      return undefined;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://board.local');
    const path = url.pathname;
    state.requests[path] = (state.requests[path] ?? 0) + 1;
    const text = await readBody(req);

    if (rateLimited > 0) {
      rateLimited--;
      return send(res, 429, '<html><body>访问过于频繁</body></html>', 'text/html;charset=UTF-8');
    }

    if (req.method === 'GET') {
      const headers: Record<string, string> = {};
      if (!cookies.has(cookieOf(req, COOKIE) ?? '')) {
        const value = randomBytes(16).toString('hex');
        cookies.add(value);
        headers['Set-Cookie'] = `${COOKIE}=${value}; Path=/; HttpOnly`;
      }
      if (path === '/threads/content') {
        const t = state.threads.get(Number(url.searchParams.get('tid')));
        const html = t ? `<html><body><div class="replyInfoHead"><h1 class="fl">${t.subject}</h1></div></body></html>` : '<html><body>页面找不到了！</body></html>';
        return send(res, t ? 200 : 404, html, 'text/html;charset=UTF-8', headers);
      }
      return send(res, 200, '<html><head><title>领导留言板</title></head><body><div id="app"></div></body></html>', 'text/html;charset=UTF-8', headers);
    }

    if (req.method !== 'POST' || ![LIST_PATH, CONTENT_PATH, LEGACY_PATH].includes(path)) {
      return send(res, 404, '<html><body>页面找不到了！</body></html>', 'text/html;charset=UTF-8');
    }
    if (state.hang) {
      return; // never answered: the client's timeout ends it (or close(), which drops every connection)
    }
    if (state.garbage) {
      return send(res, 200, '<!DOCTYPE html><html><body><h1>系统维护中</h1>{"result":"succ', 'application/json;charset=UTF-8');
    }
    if (state.requireCookie && !cookies.has(cookieOf(req, COOKIE) ?? '')) {
      return send(res, 403, '<html><body>403 Forbidden</body></html>', 'text/html;charset=UTF-8');
    }

    if (path === LIST_PATH) {
      const p = verified(path, text);
      if (!p) return send(res, 200, SN0006);
      const lastItem = p.lastItem === undefined || p.lastItem === '' ? null : Number(p.lastItem);
      const rows = Math.min(Math.max(Number(p.rows) || 10, 1), 100);
      const showUnAnswer = p.showUnAnswer === undefined || Number(p.showUnAnswer) === 1;
      const data = page(Number(p.fid), lastItem, rows, (t) => showUnAnswer || t.stateInfo !== '待回复');
      const last = data.length > 0 ? String(data[data.length - 1].tid) : '';
      const resultData = state.changeShape ? { list: data, lastItem: last } : { data, lastItem: last };
      return send(res, 200, { result: 'success', code: '200', msg: '成功', resultData });
    }

    if (path === CONTENT_PATH) {
      const p = verified(path, text);
      if (!p) return send(res, 200, SN0006);
      const t = state.threads.get(Number(p.tid));
      if (!t) return send(res, 200, { result: 'fail', msg: '页面找不到了！', resultData: null });
      const { content: _truncated, answerContent: _a, answerDateline: _d, answerOrganization: _o, ...fields } = listRecord(t);
      const contentList: Record<string, unknown>[] = [{ dataType: 1, content: t.content, dateline: t.dateline }];
      if (t.reply) contentList.push({ dataType: 4, content: t.reply.content, organization: t.reply.organization, dateline: t.reply.dateline });
      return send(res, 200, { result: 'success', code: '200', msg: '成功', resultData: { ...fields, contentList } });
    }

    // The legacy list: unsigned, urlencoded, answered as text/html.
    const form = new URLSearchParams(text);
    const lastItem = form.get('lastItem') ?? '0';
    const wantedState = LEGACY_STATES[form.get('state') ?? '1'];
    const data = page(Number(form.get('fid')), lastItem === '0' ? null : Number(lastItem), legacyRows,
      (t) => wantedState === undefined || t.stateInfo === wantedState);
    const body = state.changeShape ? { result: 'success', success: true, data } : { result: 'success', success: true, responseData: data };
    return send(res, 200, body, 'text/html;charset=UTF-8');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, { error: String(e) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
