/**
 * A stand-in for the “今日运城” station's export API, for e2e tests: a local HTTP server (node:http)
 * that keeps docs/app-export-contract.md.
 *
 *   GET /export/v1/messages?cursor=<opaque>&limit=<1..200>  → { items, nextCursor, hasMore }
 *   GET /export/v1/messages/{id}                            → one item, or 404
 *
 * Every request needs `Authorization: Bearer <apiKey>` (else 401). The list is in ascending change
 * order: adding, replying to, approving, rejecting or re-stating a message gives it a new change
 * number, so it reappears after any cursor handed out before. `nextCursor` is the position after
 * the page's last item (kept even when `hasMore` is false), null only for an empty feed read from
 * the start. Items in every moderation state are listed; the hub decides what to take.
 *
 *   const app = await startAppExport({ apiKey: 'k' });
 *   const id = app.state.addMessage({ content: '路灯不亮', phone: '13800138000' });
 *   app.state.reply(id, { content: '已修复', department: '市城管局' });   // status 2, bumped
 *   app.state.failNext(2, 429);                                            // the next 2 requests
 *   app.state.requests;                                                    // requests received
 *   await app.close();
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export const APP_EXPORT_TEST_KEY = 'test-app-export-key';
const LIST_PATH = '/export/v1/messages';
const MAX_LIMIT = 200;

export type Moderation = 'pending' | 'approved' | 'rejected';

export interface AppExportReply {
  content: string;
  department: string;
  repliedAt: string;
}

export interface AppExportItem {
  id: string;
  title: string;
  content: string;
  phone: string | null;
  nickname: string | null;
  createdAt: string;
  updatedAt: string;
  status: number;
  moderation: Moderation;
  department: string | null;
  attachments: { url: string; name: string }[];
  category: string | null;
  replies: AppExportReply[];
}

export type AppExportMessageInput = Partial<Omit<AppExportItem, 'updatedAt' | 'replies'>> & { replies?: AppExportReply[] };

export interface AppExportState {
  /** Adds a message (defaults: status 0, moderation 'approved', createdAt now) and returns its id. */
  addMessage(input?: AppExportMessageInput): string;
  /** Appends an official reply, sets status 2 (已回复) and bumps the change order. */
  reply(id: string, reply: { content: string; department: string; repliedAt?: string }): void;
  /** Moderation → 'approved' (bumps the change order). */
  approve(id: string): void;
  /** Moderation → 'rejected' (bumps the change order). */
  reject(id: string): void;
  /** Sets the numeric status (bumps the change order). */
  setStatus(id: string, status: number): void;
  /** Deletes a message: its detail answers 404 and it leaves the list. */
  remove(id: string): void;
  /** The stored item, as the API would show it. */
  get(id: string): AppExportItem | undefined;
  /** The next `n` requests (any path) answer `status` (default 500); 429 and 503 carry `Retry-After: 1`. */
  failNext(n: number, status?: number): void;
  /** Requests received so far (all of them, failed or not). */
  readonly requests: number;
  /** Method, path with query, and answered status of each request. */
  readonly log: readonly { method: string; url: string; status: number }[];
}

export interface AppExportServer {
  url: string;
  port: number;
  apiKey: string;
  state: AppExportState;
  close(): Promise<void>;
}

/** An instant as ISO 8601 with the China offset, e.g. 2024-05-01T09:30:00.000+08:00. */
function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
}

const encodeCursor = (seq: number) => Buffer.from(`v1:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number | undefined {
  const m = /^v1:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

export async function startAppExport(opts: { apiKey?: string } = {}): Promise<AppExportServer> {
  const apiKey = opts.apiKey ?? APP_EXPORT_TEST_KEY;
  const items = new Map<string, { item: AppExportItem; seq: number }>();
  const log: { method: string; url: string; status: number }[] = [];
  let seq = 0;
  let nextId = 1;
  let received = 0;
  let failures: { left: number; status: number } = { left: 0, status: 500 };

  const entry = (id: string) => {
    const e = items.get(id);
    if (!e) throw new Error(`app-export test server: no message ${id}`);
    return e;
  };
  const touch = (id: string, change: (item: AppExportItem) => void) => {
    const e = entry(id);
    change(e.item);
    e.item.updatedAt = chinaTime(Date.now());
    e.seq = ++seq;
  };

  const state: AppExportState = {
    addMessage(input = {}) {
      const id = input.id ?? `YC${String(nextId++).padStart(6, '0')}`;
      if (items.has(id)) throw new Error(`app-export test server: message ${id} exists`);
      const now = chinaTime(Date.now());
      const item: AppExportItem = {
        id,
        title: input.title ?? '',
        content: input.content ?? '测试留言内容',
        phone: input.phone === undefined ? '13800138000' : input.phone,
        nickname: input.nickname === undefined ? '网友' : input.nickname,
        createdAt: input.createdAt ?? now,
        updatedAt: now,
        status: input.status ?? 0,
        moderation: input.moderation ?? 'approved',
        department: input.department === undefined ? null : input.department,
        attachments: input.attachments ?? [],
        category: input.category === undefined ? null : input.category,
        replies: input.replies ?? [],
      };
      items.set(id, { item, seq: ++seq });
      return id;
    },
    reply(id, reply) {
      touch(id, (item) => {
        item.replies.push({ content: reply.content, department: reply.department, repliedAt: reply.repliedAt ?? chinaTime(Date.now()) });
        item.status = 2;
      });
    },
    approve: (id) => touch(id, (item) => (item.moderation = 'approved')),
    reject: (id) => touch(id, (item) => (item.moderation = 'rejected')),
    setStatus: (id, status) => touch(id, (item) => (item.status = status)),
    remove(id) {
      entry(id);
      items.delete(id);
    },
    get: (id) => (items.has(id) ? structuredClone(items.get(id)!.item) : undefined),
    failNext(n, status = 500) {
      failures = { left: n, status };
    },
    get requests() {
      return received;
    },
    log,
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>) =>
    send(res, status, { error: { code, message } }, headers);

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (failures.left > 0) {
      failures.left--;
      const retry = failures.status === 429 || failures.status === 503 ? { 'Retry-After': '1' } : undefined;
      return error(res, failures.status, failures.status === 429 ? 'rate_limited' : 'injected_failure', 'injected by failNext', retry);
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return error(res, 401, 'unauthorized', 'a valid API key is required', { 'WWW-Authenticate': 'Bearer' });
    }
    if (req.method !== 'GET') return error(res, 405, 'method_not_allowed', 'only GET', { Allow: 'GET' });

    if (url.pathname === LIST_PATH) {
      const rawLimit = url.searchParams.get('limit');
      const limit = rawLimit === null ? 50 : Number(rawLimit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return error(res, 400, 'bad_limit', `limit must be 1..${MAX_LIMIT}`);
      const cursor = url.searchParams.get('cursor');
      const after = cursor === null || cursor === '' ? 0 : decodeCursor(cursor);
      if (after === undefined) return error(res, 400, 'bad_cursor', 'the cursor is not one this API gave');
      const changed = [...items.values()].filter((e) => e.seq > after).sort((a, b) => a.seq - b.seq);
      const page = changed.slice(0, limit);
      const last = page.at(-1)?.seq ?? after;
      return send(res, 200, {
        items: page.map((e) => e.item),
        nextCursor: last === 0 ? null : encodeCursor(last),
        hasMore: changed.length > page.length,
      });
    }
    const detail = /^\/export\/v1\/messages\/([^/]+)$/.exec(url.pathname);
    if (detail) {
      const found = items.get(decodeURIComponent(detail[1]));
      return found ? send(res, 200, found.item) : error(res, 404, 'not_found', 'no such message');
    }
    return error(res, 404, 'not_found', 'no such route');
  }

  const server = createServer((req, res) => {
    received++;
    res.on('finish', () => log.push({ method: req.method ?? '', url: req.url ?? '', status: res.statusCode }));
    try {
      handle(req, res);
    } catch (e) {
      error(res, 500, 'internal', String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
