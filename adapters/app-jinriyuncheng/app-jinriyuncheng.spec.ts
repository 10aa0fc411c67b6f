/**
 * The 今日运城 adapter. The mapper, table-driven: every JSON file under fixtures/ok and
 * fixtures/not-ok is one case (including other API shapes fitted by configuration only). The
 * puller, against an in-memory station (a fake HttpPort that keeps the export contract: change
 * order, opaque cursors, moderation, bearer key, detail 404).
 */
import { byFieldAndCode, loadFixtures } from '../../test/utils/adapter-fixtures';
import {
  AdapterError, FieldError, HttpPort, HttpRequest, HttpResponse, NormalizedMessage, PullBatch, PullContext, PullStart,
} from '../contract';
import { DEFAULT_FIELDS, DEFAULTS, DEFAULT_STATUSES, readConfig } from './config';
import { appJinriyunchengAdapter as adapter } from './index';
import { mapAppItem } from './mapper';
import { getPath, parseInstant } from './text';

// ------------------------------------------------------------------------------------ fixtures

interface OkFixture { description: string; config: Record<string, unknown>; payload: unknown; expected: NormalizedMessage }
interface NotOkFixture { description: string; config: Record<string, unknown>; payload: unknown; errors: Pick<FieldError, 'field' | 'code'>[] }

const okFixtures = loadFixtures<OkFixture>(__dirname, 'ok');
const notOkFixtures = loadFixtures<NotOkFixture>(__dirname, 'not-ok');

describe('app-jinriyuncheng mapper fixtures', () => {
  test('both fixture folders hold cases', () => {
    expect(okFixtures.length).toBeGreaterThanOrEqual(10);
    expect(notOkFixtures.length).toBeGreaterThanOrEqual(10);
  });

  describe('ok', () => {
    test.each(okFixtures)('%s', (_file, fx) => {
      expect(typeof fx.description).toBe('string');
      const result = adapter.map(fx.payload, { channelId: 'app-test', config: fx.config });
      expect(result).toEqual({ ok: true, message: fx.expected });
    });
  });

  describe('not ok', () => {
    test.each(notOkFixtures)('%s', (_file, fx) => {
      expect(typeof fx.description).toBe('string');
      expect(fx.errors.length).toBeGreaterThan(0);
      const result = adapter.map(fx.payload, { channelId: 'app-test', config: fx.config });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const actual = result.errors.map(({ field, code }) => ({ field, code })).sort(byFieldAndCode);
      expect(actual).toEqual(fx.errors.map(({ field, code }) => ({ field, code })).sort(byFieldAndCode));
      for (const error of result.errors) expect(error.message).toEqual(expect.any(String));
    });
  });
});

describe('mapAppItem', () => {
  const item = () => ({
    id: 'Y1', title: '标题', content: '内容', phone: '13800138000', nickname: '昵称', createdAt: '2024-05-01T09:30:00+08:00',
    status: 2, moderation: 'approved', department: '市住建局', attachments: [], category: '投诉',
    replies: [{ content: '已处理', department: '市住建局', repliedAt: '2024-05-02T09:00:00+08:00' }],
  });

  test('does not modify the payload', () => {
    const payload = item();
    const copy = structuredClone(payload);
    mapAppItem(payload, { channelId: 'c', config: {} });
    expect(payload).toEqual(copy);
  });

  test('a mismatched mapping names the path and the config key in its messages', () => {
    const result = mapAppItem(item(), { channelId: 'c', config: { fields: { content: 'data.body' } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ field: 'content', code: 'required', message: expect.stringContaining("'data.body' (config fields.content)") }]);
  });

  test('an unknown status lists the known codes', () => {
    const result = mapAppItem({ ...item(), status: 9 }, { channelId: 'c', config: {} });
    expect(!result.ok && result.errors[0].message).toContain('0, 1, 2, 3');
  });

  test('never throws, whatever the payload', () => {
    for (const payload of [undefined, 0, true, [], {}, { id: {} }, { replies: [null, 1, 'x', {}] }, Object.create(null)]) {
      expect(() => mapAppItem(payload, { channelId: 'c', config: {} })).not.toThrow();
    }
    expect(() => mapAppItem(item(), { channelId: 'c', config: { fields: 'x', statuses: [], categories: 1 } })).not.toThrow();
  });

  test('createdAt can be left unmapped', () => {
    const { createdAt: _omit, ...rest } = item();
    const result = mapAppItem(rest, { channelId: 'c', config: { fields: { createdAt: null } } });
    expect(result.ok && result.message.submittedAt).toBeUndefined();
  });

  test('a name longer than 50 characters is left out', () => {
    const result = mapAppItem({ ...item(), real: '名'.repeat(51) }, { channelId: 'c', config: { fields: { name: 'real' } } });
    expect(result.ok && result.message.citizen.name).toBeUndefined();
  });
});

describe('helpers', () => {
  test.each<[unknown, string | undefined]>([
    ['2024-05-01T09:30:00+08:00', '2024-05-01T01:30:00.000Z'],
    ['2024-05-01T09:30:00+0800', '2024-05-01T01:30:00.000Z'],
    ['2024-05-01T01:30Z', '2024-05-01T01:30:00.000Z'],
    ['2024-05-01 09:30:00', '2024-05-01T01:30:00.000Z'],
    ['2024/05/01 09:30', '2024-05-01T01:30:00.000Z'],
    [1714527000, '2024-05-01T01:30:00.000Z'],
    [1714527000000, '2024-05-01T01:30:00.000Z'],
    ['1714527000', '2024-05-01T01:30:00.000Z'],
    ['2024-05-01', undefined],
    ['2023-02-29T00:00:00Z', undefined],
    ['2024-05-01T24:00:00Z', undefined],
    [-1, undefined],
    [1.5, undefined],
    [null, undefined],
  ])('parseInstant(%j) → %j', (input, expected) => {
    expect(parseInstant(input)).toBe(expected);
  });

  test('getPath reads dotted paths, array indexes, own properties only', () => {
    const v = { a: { b: [{ c: 1 }] } };
    expect(getPath(v, 'a.b.0.c')).toBe(1);
    expect(getPath(v, '')).toBe(v);
    expect(getPath(v, 'a.x.c')).toBeUndefined();
    expect(getPath(v, 'a.b.x')).toBeUndefined();
    expect(getPath(v, 'a.constructor')).toBeUndefined();
    expect(getPath(v, '__proto__')).toBeUndefined();
  });
});

describe('manifest', () => {
  const m = adapter.manifest;
  test('is a pull adapter named app-jinriyuncheng with a puller', () => {
    expect(m.name).toBe('app-jinriyuncheng');
    expect(m.kind).toBe('pull');
    expect(adapter.puller).toBeDefined();
  });

  test('describes every setting, with the documented defaults', () => {
    for (const [key, field] of Object.entries(m.config)) expect([key, field.description.length > 0]).toEqual([key, true]);
    expect(m.config.baseUrl.required).toBe(true);
    expect(m.config.apiKey.secret).toBe(true);
    expect(m.config.schedule.default).toBe('*/15 * * * *');
    expect(m.config.minIntervalMs).toMatchObject({ default: 1000, min: 100 });
    expect(m.config.apiKeyHeader.default).toBe('Authorization');
    expect(m.config.listPath.default).toBe('/export/v1/messages');
    expect(m.config.pageSize.default).toBe(50);
    expect(m.config.skipModeration.default).toEqual(['pending', 'rejected']);
    expect(m.config.publicByDefault.default).toBe(false);
    expect(m.config.fields.default).toEqual(DEFAULT_FIELDS);
    expect(m.config.statuses.default).toEqual(DEFAULT_STATUSES);
  });

  test('the manifest defaults, written out in full, read back as a valid configuration', () => {
    const written = Object.fromEntries(Object.entries(m.config).filter(([, f]) => f.default !== undefined).map(([k, f]) => [k, f.default]));
    expect(readConfig({ ...written, baseUrl: 'https://x.example' }, true).ok).toBe(true);
  });

  test('does not map the nickname to the citizen name by default', () => {
    expect(DEFAULT_FIELDS.name).toBeNull();
  });
});

// ------------------------------------------------------------------------------------ puller

type Item = Record<string, unknown> & { id: string };

function response(status: number, body: unknown, raw = false): HttpResponse {
  const buf = Buffer.from(raw ? String(body) : JSON.stringify(body), 'utf8');
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: buf,
    text: () => buf.toString('utf8'),
    json: () => {
      try {
        return JSON.parse(buf.toString('utf8'));
      } catch {
        throw new AdapterError('shape', 'not JSON');
      }
    },
  };
}

/** The station's export API in memory: ascending change order behind opaque cursors. */
class FakeStation implements HttpPort {
  readonly requests: HttpRequest[] = [];
  private readonly items = new Map<string, { item: Item; seq: number }>();
  private seq = 0;
  /** Replaces the next answers (status, body), one per request. */
  readonly script: HttpResponse[] = [];
  constructor(readonly apiKey = 'k-123', readonly header = 'authorization', readonly prefix = 'Bearer ') {}

  put(item: Partial<Item> & { id: string }): void {
    const prev = this.items.get(item.id)?.item;
    const base: Item = prev ?? {
      id: item.id, title: `标题${item.id}`, content: `内容${item.id}`, phone: '13800138000', nickname: '网友', createdAt: '2024-05-01T09:00:00+08:00',
      status: 0, moderation: 'approved', department: '市城管局', attachments: [], category: '反映', replies: [],
    };
    this.items.set(item.id, { item: { ...base, ...item }, seq: ++this.seq });
  }

  remove(id: string): void {
    this.items.delete(id);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const key = Object.entries(req.headers ?? {}).find(([h]) => h.toLowerCase() === this.header)?.[1];
    if (key !== `${this.prefix}${this.apiKey}`) return response(401, { error: { code: 'unauthorized', message: 'bad key' } });
    const url = new URL(req.url);
    const detail = /^\/export\/v1\/messages\/([^/]+)$/.exec(url.pathname);
    if (detail) {
      const found = this.items.get(decodeURIComponent(detail[1]));
      return found ? response(200, found.item) : response(404, { error: { code: 'not_found', message: 'no such message' } });
    }
    if (url.pathname !== '/export/v1/messages') return response(404, { error: { code: 'not_found', message: 'no route' } });
    const cursor = url.searchParams.get('cursor');
    const after = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString().replace(/^s:/, ''));
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const changed = [...this.items.values()].filter((e) => e.seq > after).sort((a, b) => a.seq - b.seq);
    const page = changed.slice(0, limit);
    const last = page.at(-1)?.seq ?? after;
    const nextCursor = last === 0 ? null : Buffer.from(`s:${last}`).toString('base64url');
    return response(200, { items: page.map((e) => e.item), nextCursor, hasMore: changed.length > limit });
  }
}

const BASE = 'https://export.example.cn';
function ctxOf(http: HttpPort, config: Record<string, unknown> = {}): PullContext {
  return { http, config: { baseUrl: BASE, apiKey: 'k-123', ...config }, now: () => new Date('2024-06-01T00:00:00Z') };
}

async function collect(ctx: PullContext, start: PullStart = { cursor: null }): Promise<PullBatch[]> {
  const batches: PullBatch[] = [];
  for await (const b of adapter.puller!.pull(ctx, 'default', start)) batches.push(b);
  return batches;
}

async function pullError(ctx: PullContext, start: PullStart = { cursor: null }): Promise<AdapterError> {
  try {
    await collect(ctx, start);
  } catch (e) {
    expect(e).toBeInstanceOf(AdapterError);
    return e as AdapterError;
  }
  throw new Error('the pull did not fail');
}

const ids = (batches: PullBatch[]) => batches.map((b) => b.records.map((r) => r.externalId));

describe('app-jinriyuncheng puller', () => {
  test('one scope', () => {
    expect(adapter.puller!.scopes({})).toEqual(['default']);
  });

  test('pulls ascending page by page, each page committing its own nextCursor', async () => {
    const station = new FakeStation();
    for (const id of ['a', 'b', 'c', 'd', 'e']) station.put({ id });
    const batches = await collect(ctxOf(station, { pageSize: 2 }));
    expect(ids(batches)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const urls = station.requests.map((r) => new URL(r.url));
    expect(urls.map((u) => u.searchParams.get('limit'))).toEqual(['2', '2', '2']);
    expect(urls[0].searchParams.has('cursor')).toBe(false);
    expect(urls[1].searchParams.get('cursor')).toBe(batches[0].commit);
    expect(urls[2].searchParams.get('cursor')).toBe(batches[1].commit);
    expect(new Set(batches.map((b) => b.commit)).size).toBe(3);
    expect(station.requests[0]).toMatchObject({ method: 'GET', headers: { Authorization: 'Bearer k-123', Accept: 'application/json' } });
    // Each raw record is the item itself, which the mapper takes.
    for (const r of batches.flatMap((b) => b.records)) expect(adapter.map(r.raw, { channelId: 'c', config: {} }).ok).toBe(true);
  });

  test('resumes from the committed cursor and sees a message again when it is replied', async () => {
    const station = new FakeStation();
    for (const id of ['a', 'b', 'c']) station.put({ id });
    const first = await collect(ctxOf(station));
    const committed = first.at(-1)!.commit!;
    expect(await collect(ctxOf(station), { cursor: committed })).toEqual([]);

    station.put({ id: 'b', status: 2, replies: [{ content: '已修复', department: '市城管局', repliedAt: '2024-05-03T10:00:00+08:00' }] });
    station.put({ id: 'd' });
    const second = await collect(ctxOf(station), { cursor: committed });
    expect(ids(second)).toEqual([['b', 'd']]);
    const mapped = adapter.map(second[0].records[0].raw, { channelId: 'c', config: {} });
    expect(mapped.ok && mapped.message.upstream).toMatchObject({ state: '已回复', final: true, reply: { content: '已修复' } });
  });

  test('leaves out items still in moderation, commits past them, and takes them once approved', async () => {
    const station = new FakeStation();
    station.put({ id: 'a' });
    station.put({ id: 'p', moderation: 'pending' });
    station.put({ id: 'r', moderation: 'rejected' });
    station.put({ id: 'q', moderation: 'pending' });
    const first = await collect(ctxOf(station, { pageSize: 2 }));
    expect(ids(first)).toEqual([['a'], []]);
    expect(first[1].commit).toEqual(expect.any(String)); // a page of skipped items still moves the cursor

    station.put({ id: 'p', moderation: 'approved' });
    const second = await collect(ctxOf(station, { pageSize: 2 }), { cursor: first.at(-1)!.commit! });
    expect(ids(second)).toEqual([['p']]);
  });

  test('skipModeration fits other moderation codes', async () => {
    const station = new FakeStation();
    station.put({ id: 'a', moderation: 1 });
    station.put({ id: 'b', moderation: 0 });
    const batches = await collect(ctxOf(station, { skipModeration: ['0', '2'] }));
    expect(ids(batches)).toEqual([['a']]);
  });

  test('the same message twice in one page is yielded once', async () => {
    const station = new FakeStation();
    station.script.push(response(200, { items: [{ id: 'a', v: 1 }, { id: 'b' }, { id: 'a', v: 2 }], nextCursor: 'n1', hasMore: false }));
    const batches = await collect(ctxOf(station));
    expect(batches).toEqual([{ records: [{ externalId: 'b', raw: { id: 'b' } }, { externalId: 'a', raw: { id: 'a', v: 2 } }], commit: 'n1' }]);
  });

  test('an empty feed yields nothing', async () => {
    expect(await collect(ctxOf(new FakeStation()))).toEqual([]);
  });

  test.each([401, 403])('HTTP %d is an auth error with a hint about apiKey', async (status) => {
    const station = new FakeStation();
    station.script.push(response(status, { error: { code: 'unauthorized', message: 'no' } }));
    const error = await pullError(ctxOf(station));
    expect(error.kind).toBe('auth');
    expect(error.operatorHint).toContain('apiKey');
  });

  test('a wrong key is refused by the station: auth error', async () => {
    const error = await pullError(ctxOf(new FakeStation(), { apiKey: 'wrong' }));
    expect(error.kind).toBe('auth');
  });

  test('no apiKey: no auth header, and the hint says the key is not set', async () => {
    const station = new FakeStation();
    const error = await pullError(ctxOf(station, { apiKey: undefined }));
    expect(station.requests[0].headers).toEqual({ Accept: 'application/json' });
    expect(error.operatorHint).toMatch(/apiKey is not set/);
  });

  test('another header name carries the raw key', async () => {
    const station = new FakeStation('k-123', 'x-api-key', '');
    station.put({ id: 'a' });
    const batches = await collect(ctxOf(station, { apiKeyHeader: 'X-Api-Key' }));
    expect(ids(batches)).toEqual([['a']]);
    expect(station.requests[0].headers).toEqual({ Accept: 'application/json', 'X-Api-Key': 'k-123' });
  });

  test.each<[string, HttpResponse]>([
    ['an answer without the items array', response(200, { data: [], nextCursor: null })],
    ['items that are not an array', response(200, { items: {}, nextCursor: null, hasMore: false })],
    ['an answer that is not JSON', response(200, '<html>维护中</html>', true)],
    ['an item without id', response(200, { items: [{ title: 'x' }], nextCursor: 'c1', hasMore: false })],
    ['hasMore without a new cursor', response(200, { items: [{ id: 'a' }], nextCursor: null, hasMore: true })],
    ['a cursor that is an object', response(200, { items: [], nextCursor: { s: 1 }, hasMore: false })],
  ])('%s is a shape error', async (_name, answer) => {
    const station = new FakeStation();
    station.script.push(answer);
    expect((await pullError(ctxOf(station))).kind).toBe('shape');
  });

  test('hasMore true with the same cursor twice is a shape error, not a loop', async () => {
    const station = new FakeStation();
    station.script.push(response(200, { items: [{ id: 'a' }], nextCursor: 'c1', hasMore: true }));
    station.script.push(response(200, { items: [], nextCursor: 'c1', hasMore: true }));
    expect((await pullError(ctxOf(station))).kind).toBe('shape');
    expect(station.requests).toHaveLength(2);
  });

  test.each<[number, string]>([[500, 'transient'], [429, 'transient'], [400, 'config'], [404, 'config'], [418, 'shape']])(
    'a returned HTTP %d is %s', async (status, kind) => {
      const station = new FakeStation();
      station.script.push(response(status, { error: { code: 'x', message: 'x' } }));
      expect((await pullError(ctxOf(station))).kind).toBe(kind);
    });

  test('a configuration without baseUrl, or with a bad mapping, is a config error before any request', async () => {
    const station = new FakeStation();
    expect((await pullError({ ...ctxOf(station), config: { apiKey: 'k' } })).kind).toBe('config');
    expect((await pullError(ctxOf(station, { fields: { contnet: 'x' } }))).kind).toBe('config');
    expect(station.requests).toHaveLength(0);
  });

  test('an unknown scope and backfill by id are config errors', async () => {
    const station = new FakeStation();
    await expect(collect(ctxOf(station), { cursor: null, backfill: { fromId: '5' } })).rejects.toMatchObject({ kind: 'config' });
    const it = adapter.puller!.pull(ctxOf(station), 'other', { cursor: null })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ kind: 'config' });
  });

  test('backfill by date starts from the beginning of the feed and skips what was created before', async () => {
    const station = new FakeStation();
    station.put({ id: 'old', createdAt: '2024-04-30T23:59:59+08:00' });
    station.put({ id: 'edge', createdAt: '2024-05-01T00:00:00+08:00' });
    station.put({ id: 'new', createdAt: '2024-05-20T10:00:00+08:00' });
    station.put({ id: 'unix', createdAt: 1716170400 });
    const batches = await collect(ctxOf(station, { pageSize: 2 }), { cursor: 'c2VxOjk5', backfill: { fromDate: '2024-05-01' } });
    expect(new URL(station.requests[0].url).searchParams.has('cursor')).toBe(false);
    expect(ids(batches)).toEqual([['edge'], ['new', 'unix']]);
    expect(batches.every((b) => typeof b.commit === 'string')).toBe(true);
  });

  test('a bad backfill date is a config error', async () => {
    await expect(collect(ctxOf(new FakeStation()), { cursor: null, backfill: { fromDate: 'last week' } })).rejects.toMatchObject({ kind: 'config' });
  });

  test('refresh reads each detail; a 404 is left out', async () => {
    const station = new FakeStation();
    station.put({ id: 'a', status: 2, replies: [{ content: '答复', department: '市城管局', repliedAt: '2024-05-03T10:00:00+08:00' }] });
    station.put({ id: 'b/1' });
    const found = await adapter.puller!.refresh(ctxOf(station), ['a', 'gone', 'b/1', 'a']);
    expect(found.map((f) => f.externalId)).toEqual(['a', 'b/1']);
    expect(found[0].raw).toMatchObject({ id: 'a', status: 2, replies: [{ content: '答复' }] });
    expect(station.requests.map((r) => r.url)).toEqual([
      `${BASE}/export/v1/messages/a`, `${BASE}/export/v1/messages/gone`, `${BASE}/export/v1/messages/b%2F1`,
    ]);
  });

  test('refresh: 401 is an auth error, a detail without an item a shape error', async () => {
    await expect(adapter.puller!.refresh(ctxOf(new FakeStation(), { apiKey: 'bad' }), ['a'])).rejects.toMatchObject({ kind: 'auth' });
    const station = new FakeStation();
    station.script.push(response(200, ['not', 'an', 'item']));
    await expect(adapter.puller!.refresh(ctxOf(station), ['a'])).rejects.toMatchObject({ kind: 'shape' });
  });

  test('another API shape by configuration: wrapped list, other parameter names, no hasMore flag, wrapped detail', async () => {
    const answers: Record<string, unknown> = {
      '/api/wz/list?size=2': { code: 0, data: { list: [{ wzid: 1 }, { wzid: 2 }], next: 102 } },
      '/api/wz/list?size=2&since=102': { code: 0, data: { list: [{ wzid: 3 }], next: 103 } },
      '/api/wz/3/info': { code: 0, data: { wzid: 3, nr: '详情' } },
    };
    const http: HttpPort = {
      request: async (req) => {
        const u = new URL(req.url);
        expect(u.origin + '/').toBe('https://vendor.example.cn/');
        const answer = answers[u.pathname + u.search];
        return answer ? response(200, answer) : response(404, {});
      },
    };
    const config = {
      baseUrl: 'https://vendor.example.cn/', listPath: 'api/wz/list', detailPath: '/api/wz/{id}/info', cursorParam: 'since', limitParam: 'size',
      pageSize: 2, fields: { id: 'wzid', itemsPath: 'data.list', nextCursorPath: 'data.next', hasMorePath: null, detailItemPath: 'data' },
    };
    const batches = await collect(ctxOf(http, config));
    expect(batches).toEqual([
      { records: [{ externalId: '1', raw: { wzid: 1 } }, { externalId: '2', raw: { wzid: 2 } }], commit: '102' },
      { records: [{ externalId: '3', raw: { wzid: 3 } }], commit: '103' },
    ]);
    expect(await adapter.puller!.refresh(ctxOf(http, config), ['3', '4'])).toEqual([{ externalId: '3', raw: { wzid: 3, nr: '详情' } }]);
  });

  test('detailForEachItem reads the full item for each listed one; one deleted meanwhile is left out', async () => {
    const station = new FakeStation();
    station.put({ id: 'a' });
    station.put({ id: 'b' });
    const list = await station.request({ method: 'GET', url: `${BASE}/export/v1/messages`, headers: { Authorization: 'Bearer k-123' } });
    station.requests.length = 0;
    const abbreviated = (list.json() as { items: Item[]; nextCursor: string }).items.map((i) => ({ id: i.id, moderation: 'approved', content: '摘要…' }));
    station.script.push(response(200, { items: abbreviated, nextCursor: 'x', hasMore: false }));
    station.remove('b');
    const batches = await collect(ctxOf(station, { detailForEachItem: true }));
    expect(ids(batches)).toEqual([['a']]);
    expect(batches[0].records[0].raw).toMatchObject({ id: 'a', content: '内容a', replies: [] });
    expect(station.requests.map((r) => new URL(r.url).pathname)).toEqual(['/export/v1/messages', '/export/v1/messages/a', '/export/v1/messages/b']);
  });
});

test('DEFAULTS of config.ts are the manifest defaults', () => {
  for (const [key, value] of Object.entries(DEFAULTS)) expect([key, adapter.manifest.config[key]?.default]).toEqual([key, value]);
});
