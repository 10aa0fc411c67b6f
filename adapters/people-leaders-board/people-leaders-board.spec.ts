/**
 * The leaders' board adapter: the mapper table-driven from fixtures/ok and fixtures/not-ok, the
 * signature against the known vector, the protocol's builders and strict parsers, and the puller
 * against an in-memory board behind a fake HttpPort.
 */
import { byFieldAndCode, loadFixtures } from '../../test/utils/adapter-fixtures';
import { AdapterError, FieldError, HttpPort, HttpRequest, HttpResponse, NormalizedMessage, PullBatch, PullContext, PullStart } from '../contract';
import { readConfig } from './config';
import { peopleLeadersBoardAdapter } from './index';
import { manifest } from './manifest';
import { mapLeadersBoard } from './mapper';
import {
  detailParam, detailRequest, legacyListRequest, listParam, listRequest, parseDetailResponse, parseLegacyListResponse,
  parseListResponse, SN0006_HINT,
} from './protocol';
import { dayStartSeconds, leadersBoardPuller } from './puller';
import { sign, signWith } from './signature';

// --- fixtures ---------------------------------------------------------------------------------

interface OkFixture { description: string; config: Record<string, unknown>; raw: unknown; expected: NormalizedMessage }
interface NotOkFixture { description: string; config: Record<string, unknown>; raw: unknown; errors: Pick<FieldError, 'field' | 'code'>[] }

const okFixtures = loadFixtures<OkFixture>(__dirname, 'ok');
const notOkFixtures = loadFixtures<NotOkFixture>(__dirname, 'not-ok');

describe('people-leaders-board fixtures', () => {
  test('both fixture folders hold cases', () => {
    expect(okFixtures.length).toBeGreaterThanOrEqual(10);
    expect(notOkFixtures.length).toBeGreaterThanOrEqual(10);
  });

  describe('ok', () => {
    test.each(okFixtures)('%s', (_file, fx) => {
      expect(typeof fx.description).toBe('string');
      const result = mapLeadersBoard(fx.raw, { channelId: 'people-leaders-board', config: fx.config });
      expect(result).toEqual({ ok: true, message: fx.expected });
      if (result.ok) expect(result.message.citizen).toEqual({});
    });
  });

  describe('not ok', () => {
    test.each(notOkFixtures)('%s', (_file, fx) => {
      expect(typeof fx.description).toBe('string');
      expect(fx.errors.length).toBeGreaterThan(0);
      const result = mapLeadersBoard(fx.raw, { channelId: 'people-leaders-board', config: fx.config });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const actual = result.errors.map(({ field, code }) => ({ field, code })).sort(byFieldAndCode);
      expect(actual).toEqual(fx.errors.map(({ field, code }) => ({ field, code })).sort(byFieldAndCode));
      for (const error of result.errors) expect(error.message).toEqual(expect.any(String));
    });
  });

  test('map does not modify the raw record', () => {
    const raw = okFixtures[0][1].raw;
    const copy = structuredClone(raw);
    mapLeadersBoard(raw, { channelId: 'c', config: okFixtures[0][1].config });
    expect(raw).toEqual(copy);
  });
});

// --- adapter, manifest, config ----------------------------------------------------------------

describe('adapter and manifest', () => {
  test('exports a pull adapter named people-leaders-board', () => {
    expect(peopleLeadersBoardAdapter.manifest.name).toBe('people-leaders-board');
    expect(peopleLeadersBoardAdapter.manifest.kind).toBe('pull');
    expect(peopleLeadersBoardAdapter.map).toBe(mapLeadersBoard);
    expect(peopleLeadersBoardAdapter.puller).toBe(leadersBoardPuller);
  });

  test('manifest defaults', () => {
    const defaults = Object.fromEntries(Object.entries(manifest.config).map(([k, f]) => [k, f.default]));
    expect(defaults).toEqual({
      baseUrl: undefined, schedule: '*/30 * * * *', minIntervalMs: 2000, fids: undefined, appCode: 'PC42ce3bfa4980a9', token: '',
      api: 'v1', signature: { algorithm: 'md5-v1' }, listPath: '/v1/threads/list/df', contentPath: '/v1/threads/content',
      legacyListPath: '/threads/queryThreadsList', warmUpPath: '/', rows: 10, typeId: 5, refreshBatch: 20,
    });
    expect(manifest.config.baseUrl.required).toBe(true);
    expect(manifest.config.fids.required).toBe(true);
    expect(manifest.config.token.secret).toBe(true);
    expect(manifest.config.appCode.secret).toBe(false);
    expect(manifest.config.minIntervalMs.min).toBe(200);
    expect(manifest.config.api.enum).toEqual(['v1', 'legacy']);
  });

  test('readConfig applies the defaults and trims the base URL', () => {
    const cfg = readConfig({ baseUrl: 'https://liuyan.people.com.cn/', fids: ['593', 594, '593'] });
    expect(cfg).toMatchObject({ baseUrl: 'https://liuyan.people.com.cn', fids: ['593', '594'], api: 'v1', algorithm: 'md5-v1', rows: 10, typeId: 5 });
  });

  test.each<[string, Record<string, unknown>]>([
    ['no baseUrl', { fids: ['1'] }],
    ['a baseUrl that is not http', { baseUrl: 'ftp://x', fids: ['1'] }],
    ['fids not a list', { baseUrl: 'http://x', fids: '593' }],
    ['an unknown api', { baseUrl: 'http://x', fids: ['1'], api: 'v2' }],
    ['rows below 1', { baseUrl: 'http://x', fids: ['1'], rows: 0 }],
    ['a path without /', { baseUrl: 'http://x', fids: ['1'], listPath: 'v1/x' }],
    ['signature without algorithm', { baseUrl: 'http://x', fids: ['1'], signature: {} }],
  ])('readConfig refuses %s', (_name, config) => {
    expect(() => readConfig(config)).toThrow(expect.objectContaining({ kind: 'config' }));
  });
});

// --- signature --------------------------------------------------------------------------------

const KNOWN_PARAM = '{"fid":"593","showUnAnswer":1,"typeId":5,"lastItem":"","position":"0","rows":10,"orderType":2}';

describe('signature', () => {
  test('the known vector', () => {
    expect(sign('/v1/threads/list/df', KNOWN_PARAM, 'PC42ce3bfa4980a9', '')).toBe('a7db9282e68f7ccceff0785b444c2194');
  });

  test('depends on the path, the param, the appCode and the token', () => {
    const base = sign('/v1/threads/list/df', KNOWN_PARAM, 'PC42ce3bfa4980a9', '');
    expect(sign('/v1/threads/content', KNOWN_PARAM, 'PC42ce3bfa4980a9', '')).not.toBe(base);
    expect(sign('/v1/threads/list/df', KNOWN_PARAM.replace('593', '594'), 'PC42ce3bfa4980a9', '')).not.toBe(base);
    expect(sign('/v1/threads/list/df', KNOWN_PARAM, 'PC00000000000000', '')).not.toBe(base);
    expect(sign('/v1/threads/list/df', KNOWN_PARAM, 'PC42ce3bfa4980a9', 't')).not.toBe(base);
  });

  test('an unknown algorithm is a configuration error', () => {
    expect(() => signWith('sha256-v2', '/p', '{}', 'a', '')).toThrow(expect.objectContaining({ kind: 'config' }));
    expect(signWith('md5-v1', '/v1/threads/list/df', KNOWN_PARAM, 'PC42ce3bfa4980a9', '')).toBe('a7db9282e68f7ccceff0785b444c2194');
  });
});

// --- protocol ---------------------------------------------------------------------------------

function response(status: number, body: unknown, contentType = 'application/json;charset=UTF-8'): HttpResponse {
  const buffer = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return {
    status,
    headers: { 'content-type': contentType },
    body: buffer,
    text: () => buffer.toString('utf8'),
    json: () => {
      try {
        return JSON.parse(buffer.toString('utf8'));
      } catch {
        throw new AdapterError('shape', 'not JSON');
      }
    },
  };
}

const CFG = readConfig({ baseUrl: 'https://board.test', fids: ['593'] });

async function caught(fn: () => unknown): Promise<AdapterError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AdapterError);
    return e as AdapterError;
  }
  throw new Error('expected an AdapterError');
}

describe('protocol: requests', () => {
  test('the list param keeps the board\'s key order, compact', () => {
    expect(listParam('593', '', 10, 5)).toBe(KNOWN_PARAM);
  });

  test('the first list request carries the known signature', () => {
    const req = listRequest(CFG, '593', '');
    expect(req).toMatchObject({ method: 'POST', url: 'https://board.test/v1/threads/list/df' });
    expect(req.json).toEqual({ appCode: 'PC42ce3bfa4980a9', token: '', signature: 'a7db9282e68f7ccceff0785b444c2194', param: KNOWN_PARAM });
  });

  test('a next page sends the last tid as lastItem', () => {
    const body = listRequest(CFG, '593', '18730001').json as { param: string };
    expect(JSON.parse(body.param)).toMatchObject({ lastItem: '18730001' });
  });

  test('the detail request', () => {
    expect(detailParam('18730001')).toBe('{"tid":"18730001","fromTrash":0}');
    const req = detailRequest(CFG, '18730001');
    expect(req.url).toBe('https://board.test/v1/threads/content');
    expect(req.json).toEqual({
      appCode: 'PC42ce3bfa4980a9', token: '', param: '{"tid":"18730001","fromTrash":0}',
      signature: sign('/v1/threads/content', '{"tid":"18730001","fromTrash":0}', 'PC42ce3bfa4980a9', ''),
    });
  });

  test('the legacy list request is an unsigned form', () => {
    const req = legacyListRequest(CFG, '593', '0');
    expect(req).toMatchObject({ method: 'POST', url: 'https://board.test/threads/queryThreadsList' });
    expect(req.form).toEqual({ fid: '593', lastItem: '0', state: '1', typeId: '5' });
    expect(req.json).toBeUndefined();
  });
});

describe('protocol: parsers', () => {
  const record = { tid: 3, subject: 's', dateline: 1718000000 };

  test('a list page', () => {
    expect(parseListResponse(response(200, { resultData: { data: [record, { ...record, tid: 2 }], lastItem: '2' } }))).toHaveLength(2);
    expect(parseListResponse(response(200, { resultData: { data: [], lastItem: '' } }))).toEqual([]);
  });

  test('SN0006 is an auth error with an operator hint, not an empty page', async () => {
    const e = await caught(() => parseListResponse(response(200, { code: 'SN0006', msg: '数据格式错误' })));
    expect(e.kind).toBe('auth');
    expect(e.operatorHint).toBe(SN0006_HINT);
    expect(e.operatorHint).toMatch(/SN0006/);
    expect(e.operatorHint).toMatch(/appCode/);
    expect((await caught(() => parseDetailResponse(response(200, { code: 'SN0006' }), 3))).kind).toBe('auth');
    expect((await caught(() => parseLegacyListResponse(response(200, { code: 'SN0006' })))).kind).toBe('auth');
  });

  test.each<[string, unknown]>([
    ['no resultData', { result: 'success' }],
    ['resultData null', { resultData: null }],
    ['resultData without data', { resultData: { list: [record] } }],
    ['data not an array', { resultData: { data: { 0: record } } }],
    ['a record without tid', { resultData: { data: [{ subject: 's', dateline: 1 }] } }],
    ['a record without dateline', { resultData: { data: [{ tid: 1, subject: 's' }] } }],
    ['records oldest first', { resultData: { data: [{ ...record, tid: 1 }, { ...record, tid: 2 }] } }],
    ['a JSON array', [record]],
    ['not JSON at all', '<html>页面找不到了！</html>'],
  ])('list: %s is a shape error', async (_name, body) => {
    expect((await caught(() => parseListResponse(response(200, body)))).kind).toBe('shape');
  });

  test.each<[number, string]>([[401, 'auth'], [404, 'config'], [400, 'shape'], [302, 'shape']])('list: HTTP %d is %s', async (status, kind) => {
    expect((await caught(() => parseListResponse(response(status, { resultData: { data: [] } })))).kind).toBe(kind);
  });

  test('a legacy answer sent as text/html parses as JSON', () => {
    const res = response(200, { result: 'success', success: true, responseData: [record] }, 'text/html;charset=UTF-8');
    expect(parseLegacyListResponse(res)).toEqual([record]);
  });

  test.each<[string, unknown]>([
    ['no responseData', { result: 'success', success: true }],
    ['a failure', { result: 'fail', success: false, responseData: [] }],
    ['responseData not an array', { result: 'success', success: true, responseData: 'x' }],
  ])('legacy: %s is a shape error', async (_name, body) => {
    expect((await caught(() => parseLegacyListResponse(response(200, body, 'text/html')))).kind).toBe('shape');
  });

  test('a detail', () => {
    const detail = { tid: 3, subject: 's', contentList: [{ dataType: 1, content: 'c' }] };
    expect(parseDetailResponse(response(200, { resultData: detail }), 3)).toEqual(detail);
  });

  test('a detail that is gone is not_found; a changed one is shape', async () => {
    expect((await caught(() => parseDetailResponse(response(200, { result: 'fail', resultData: null }), 3))).kind).toBe('not_found');
    expect((await caught(() => parseDetailResponse(response(200, { result: 'success' }), 3))).kind).toBe('shape');
    expect((await caught(() => parseDetailResponse(response(200, { resultData: { tid: 3 } }), 3))).kind).toBe('shape');
    expect((await caught(() => parseDetailResponse(response(200, { resultData: { contentList: [{ type: 1 }] } }), 3))).kind).toBe('shape');
    expect((await caught(() => parseDetailResponse(response(200, { resultData: { tid: 4, contentList: [] } }), 3))).kind).toBe('shape');
  });
});

// --- the puller against an in-memory board ----------------------------------------------------

interface FakeThread {
  tid: number;
  fid: string;
  subject: string;
  content: string;
  dateline: number;
  stateInfo: string;
  reply?: { content: string; organization: string; dateline: number };
}

/** The board in memory, speaking the protocol through a fake HttpPort. */
class FakeBoard implements HttpPort {
  readonly threads: FakeThread[] = [];
  readonly requests: HttpRequest[] = [];
  readonly gone = new Set<number>();
  appCode = 'PC42ce3bfa4980a9';
  legacyPageSize = 10;
  ignoreLastItem = false;
  failOn?: (req: HttpRequest, n: number) => boolean;

  add(fid: string, tid: number, dateline: number, extra: Partial<FakeThread> = {}): FakeThread {
    const t: FakeThread = { tid, fid, subject: `主题${tid}`, content: `留言${tid}的完整内容，`.repeat(8), dateline, stateInfo: '待回复', ...extra };
    this.threads.push(t);
    return t;
  }

  private listRecord(t: FakeThread) {
    return {
      tid: t.tid, fid: Number(t.fid), typeId: 5, subject: t.subject, content: Array.from(t.content).slice(0, 50).join(''),
      nickName: '陈***', dateline: t.dateline, stateInfo: t.stateInfo, typeName: '建言', domainName: '城建',
      answerContent: t.reply?.content ?? null, answerOrganization: t.reply?.organization ?? null, answerDateline: t.reply?.dateline ?? null,
    };
  }

  private page(fid: string, lastItem: number | null, size: number) {
    return this.threads
      .filter((t) => t.fid === fid && (this.ignoreLastItem || lastItem === null || t.tid < lastItem))
      .sort((a, b) => b.tid - a.tid)
      .slice(0, size)
      .map((t) => this.listRecord(t));
  }

  private verified(req: HttpRequest, path: string): Record<string, unknown> | undefined {
    const body = req.json as { signature: string; param: string; token: string };
    if (body.signature !== sign(path, body.param, this.appCode, body.token)) return undefined;
    return JSON.parse(body.param);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    if (this.failOn?.(req, this.requests.length)) throw new AdapterError('transient', 'connection reset');
    const path = new URL(req.url).pathname;
    if (req.method === 'GET' && path === '/') return response(200, '<html></html>', 'text/html');
    if (path === '/v1/threads/list/df') {
      const p = this.verified(req, path);
      if (!p) return response(200, { code: 'SN0006', msg: '数据格式错误' });
      const data = this.page(String(p.fid), p.lastItem === '' ? null : Number(p.lastItem), Number(p.rows));
      return response(200, { result: 'success', resultData: { data, lastItem: data.length ? String(data[data.length - 1].tid) : '' } });
    }
    if (path === '/v1/threads/content') {
      const p = this.verified(req, path);
      if (!p) return response(200, { code: 'SN0006', msg: '数据格式错误' });
      const t = this.threads.find((x) => x.tid === Number(p.tid));
      if (!t || this.gone.has(t.tid)) return response(200, { result: 'fail', msg: '页面找不到了！', resultData: null });
      const { content: _c, answerContent: _a, answerOrganization: _o, answerDateline: _d, ...fields } = this.listRecord(t);
      const contentList: unknown[] = [{ dataType: 1, content: t.content, dateline: t.dateline }];
      if (t.reply) contentList.push({ dataType: 4, ...t.reply });
      return response(200, { result: 'success', resultData: { ...fields, contentList } });
    }
    if (path === '/threads/queryThreadsList') {
      const f = req.form!;
      const data = this.page(f.fid, f.lastItem === '0' ? null : Number(f.lastItem), this.legacyPageSize);
      return response(200, { result: 'success', success: true, responseData: data }, 'text/html;charset=UTF-8');
    }
    return response(404, 'not found', 'text/html');
  }

  count(path: string): number {
    return this.requests.filter((r) => new URL(r.url).pathname === path).length;
  }

  listLastItems(): string[] {
    return this.requests.filter((r) => r.url.endsWith('/v1/threads/list/df')).map((r) => JSON.parse((r.json as { param: string }).param).lastItem);
  }
}

const LIST = '/v1/threads/list/df';
const DETAIL = '/v1/threads/content';
const LEGACY = '/threads/queryThreadsList';
const DAY0 = 1717948800; // 2024-06-10 00:00 Asia/Shanghai

function ctxFor(board: FakeBoard, config: Record<string, unknown> = {}): PullContext {
  return { http: board, config: { baseUrl: 'https://board.test', fids: ['593', '594'], ...config }, now: () => new Date('2024-07-01T00:00:00Z') };
}

async function collect(ctx: PullContext, scope: string, start: PullStart): Promise<PullBatch[]> {
  const batches: PullBatch[] = [];
  for await (const batch of leadersBoardPuller.pull(ctx, scope, start)) batches.push(batch);
  return batches;
}

const tidsOf = (batches: PullBatch[]) => batches.flatMap((b) => b.records.map((r) => Number(r.externalId)));

/** 25 threads on board 593 (tids 1001..1025, one hour apart), 3 on board 594. */
function board25(): FakeBoard {
  const board = new FakeBoard();
  for (let i = 1; i <= 25; i++) board.add('593', 1000 + i, DAY0 + i * 3600);
  for (let i = 1; i <= 3; i++) board.add('594', 2000 + i, DAY0 + i * 60);
  return board;
}

describe('puller', () => {
  test('scopes are the configured fids', () => {
    expect(leadersBoardPuller.scopes({ baseUrl: 'https://board.test', fids: ['593', '594'] })).toEqual(['593', '594']);
  });

  test('warmUp loads the configured page', async () => {
    const board = new FakeBoard();
    await leadersBoardPuller.warmUp!(ctxFor(board));
    expect(board.requests).toEqual([expect.objectContaining({ method: 'GET', url: 'https://board.test/' })]);
    await expect(leadersBoardPuller.warmUp!(ctxFor(board, { warmUpPath: '/nowhere' }))).rejects.toMatchObject({ kind: 'config' });
  });

  test('a first pull walks the whole board, page by page, and commits only at the end', async () => {
    const board = board25();
    const batches = await collect(ctxFor(board), '593', { cursor: null });
    expect(tidsOf(batches)).toEqual(Array.from({ length: 25 }, (_, i) => 1025 - i));
    expect(batches.map((b) => [b.records.length, b.commit])).toEqual([[10, undefined], [10, undefined], [5, undefined], [0, '1025']]);
    expect(board.listLastItems()).toEqual(['', '1016', '1006']);
    expect(board.count(DETAIL)).toBe(25);
  });

  test('each record is self-contained: JSON round-trip, then map gives the full text from the detail', async () => {
    const board = board25();
    const [first] = await collect(ctxFor(board), '593', { cursor: null });
    const record = first.records[0];
    const raw = JSON.parse(JSON.stringify(record.raw));
    expect(raw).toEqual(record.raw);
    const result = mapLeadersBoard(raw, { channelId: 'c', config: ctxFor(board).config });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.message.externalId).toBe(record.externalId);
    expect(result.message.content).toBe(board.threads.find((t) => t.tid === 1025)!.content);
    expect(result.message.content.length).toBeGreaterThan(50);
    expect(result.message.upstream).toEqual({ state: '待回复', final: false, url: 'https://board.test/threads/content?tid=1025' });
  });

  test('an incremental pull stops at the committed tid', async () => {
    const board = board25();
    const batches = await collect(ctxFor(board), '593', { cursor: '1022' });
    expect(tidsOf(batches)).toEqual([1025, 1024, 1023]);
    expect(batches.map((b) => b.commit)).toEqual([undefined, '1025']);
    expect(board.count(LIST)).toBe(1);
    expect(board.count(DETAIL)).toBe(3);
  });

  test('an incremental pull that crosses pages', async () => {
    const board = board25();
    const batches = await collect(ctxFor(board), '593', { cursor: '1008' });
    expect(tidsOf(batches)).toEqual(Array.from({ length: 17 }, (_, i) => 1025 - i));
    expect(batches.map((b) => b.commit)).toEqual([undefined, undefined, '1025']);
    expect(board.count(LIST)).toBe(2);
  });

  test('nothing new: no batch, one list request, no detail', async () => {
    const board = board25();
    expect(await collect(ctxFor(board), '593', { cursor: '1025' })).toEqual([]);
    expect(board.count(LIST)).toBe(1);
    expect(board.count(DETAIL)).toBe(0);
  });

  test('an empty board yields nothing', async () => {
    expect(await collect(ctxFor(new FakeBoard()), '593', { cursor: null })).toEqual([]);
  });

  test('a pull that fails half-way has yielded no commit', async () => {
    const board = board25();
    board.failOn = (req) => req.url.endsWith(LIST) && JSON.parse((req.json as { param: string }).param).lastItem === '1016';
    const batches: PullBatch[] = [];
    const run = async () => {
      for await (const b of leadersBoardPuller.pull(ctxFor(board), '593', { cursor: '1002' })) batches.push(b);
    };
    await expect(run()).rejects.toMatchObject({ kind: 'transient' });
    expect(batches).toHaveLength(1);
    expect(batches[0].records).toHaveLength(10);
    expect(batches.some((b) => b.commit !== undefined)).toBe(false);
  });

  test('scopes are independent boards', async () => {
    const board = board25();
    const batches = await collect(ctxFor(board), '594', { cursor: null });
    expect(tidsOf(batches)).toEqual([2003, 2002, 2001]);
    expect(batches[batches.length - 1].commit).toBe('2003');
  });

  test('a thread gone between list and detail is left out, but the high-water mark passes it', async () => {
    const board = board25();
    board.gone.add(1024);
    const batches = await collect(ctxFor(board), '593', { cursor: '1022' });
    expect(tidsOf(batches)).toEqual([1025, 1023]);
    expect(batches[batches.length - 1].commit).toBe('1025');
  });

  test('backfill by id walks below the cursor and commits max(cursor, seen)', async () => {
    const board = board25();
    const batches = await collect(ctxFor(board), '593', { cursor: '1025', backfill: { fromId: '1010' } });
    expect(tidsOf(batches)).toEqual(Array.from({ length: 16 }, (_, i) => 1025 - i));
    expect(batches[batches.length - 1]).toEqual({ records: [], commit: '1025' });
    expect(batches.slice(0, -1).every((b) => b.commit === undefined)).toBe(true);
  });

  test('backfill keeps a higher cursor', async () => {
    const board = board25();
    const batches = await collect(ctxFor(board), '593', { cursor: '5000', backfill: { fromId: '1020' } });
    expect(tidsOf(batches)).toEqual([1025, 1024, 1023, 1022, 1021, 1020]);
    expect(batches[batches.length - 1].commit).toBe('5000');
  });

  test('backfill by date: the day starts at midnight in Asia/Shanghai', async () => {
    expect(dayStartSeconds('2024-06-10')).toBe(DAY0);
    expect(new Date(dayStartSeconds('2024-06-10') * 1000).toISOString()).toBe('2024-06-09T16:00:00.000Z');
    const board = new FakeBoard();
    board.add('593', 1, DAY0 - 86400);
    board.add('593', 2, DAY0 - 1);
    board.add('593', 3, DAY0);
    board.add('593', 4, DAY0 + 86400 * 3);
    const batches = await collect(ctxFor(board), '593', { cursor: null, backfill: { fromDate: '2024-06-10' } });
    expect(tidsOf(batches)).toEqual([4, 3]);
    expect(batches[batches.length - 1].commit).toBe('4');
  });

  test('a bad backfill point or cursor is a configuration error', async () => {
    const board = board25();
    await expect(collect(ctxFor(board), '593', { cursor: null, backfill: { fromDate: '2024-02-30' } })).rejects.toMatchObject({ kind: 'config' });
    await expect(collect(ctxFor(board), '593', { cursor: null, backfill: { fromDate: '10/06/2024' } })).rejects.toMatchObject({ kind: 'config' });
    await expect(collect(ctxFor(board), '593', { cursor: null, backfill: { fromId: 'abc' } })).rejects.toMatchObject({ kind: 'config' });
    await expect(collect(ctxFor(board), '593', { cursor: '10x' })).rejects.toMatchObject({ kind: 'config' });
    expect(board.requests).toHaveLength(0);
  });

  test('legacy mode: unsigned form list, no detail call, ends on an empty page', async () => {
    const board = board25();
    const batches = await collect(ctxFor(board, { api: 'legacy' }), '593', { cursor: '1003' });
    expect(tidsOf(batches)).toEqual(Array.from({ length: 22 }, (_, i) => 1025 - i));
    expect(batches[batches.length - 1].commit).toBe('1025');
    expect(board.count(DETAIL)).toBe(0);
    expect(board.count(LIST)).toBe(0);
    expect(board.requests.map((r) => r.form?.lastItem)).toEqual(['0', '1016', '1006']);
    const raw = batches[0].records[0].raw as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['thread']);
    const result = mapLeadersBoard(raw, { channelId: 'c', config: ctxFor(board).config });
    expect(result.ok && result.message.content).toBe(Array.from(board.threads.find((t) => t.tid === 1025)!.content).slice(0, 50).join(''));
  });

  test('legacy mode walks to an empty page even after a short one', async () => {
    const board = board25();
    board.legacyPageSize = 7;
    const batches = await collect(ctxFor(board, { api: 'legacy' }), '593', { cursor: null });
    expect(tidsOf(batches)).toHaveLength(25);
    expect(board.count(LEGACY)).toBe(5);
  });

  test('a refused signature stops the pull with an auth error and yields nothing', async () => {
    const board = board25();
    board.appCode = 'PCnewcode0000000';
    const batches: PullBatch[] = [];
    const run = async () => {
      for await (const b of leadersBoardPuller.pull(ctxFor(board), '593', { cursor: null })) batches.push(b);
    };
    const e = await caught(run);
    expect(e.kind).toBe('auth');
    expect(e.operatorHint).toMatch(/SN0006/);
    expect(batches).toEqual([]);
  });

  test('the configured appCode signs the requests', async () => {
    const board = board25();
    board.appCode = 'PCnewcode0000000';
    const batches = await collect(ctxFor(board, { appCode: 'PCnewcode0000000' }), '593', { cursor: '1024' });
    expect(tidsOf(batches)).toEqual([1025]);
  });

  test('a board that ignores lastItem is a shape error, not an endless walk', async () => {
    const board = board25();
    board.ignoreLastItem = true;
    await expect(collect(ctxFor(board), '593', { cursor: null })).rejects.toMatchObject({ kind: 'shape' });
    expect(board.count(LIST)).toBe(2);
  });

  test('refresh re-reads details; a thread that is gone is left out', async () => {
    const board = board25();
    const t = board.threads.find((x) => x.tid === 1003)!;
    t.stateInfo = '已办理';
    t.reply = { content: '已修复。', organization: '运城市城市管理局', dateline: DAY0 + 86400 * 10 };
    board.gone.add(1004);
    const found = await leadersBoardPuller.refresh(ctxFor(board), ['1003', '1004', '1005', 'x', '1003']);
    expect(found.map((f) => f.externalId)).toEqual(['1003', '1005']);
    expect(board.count(DETAIL)).toBe(3);
    const result = mapLeadersBoard(JSON.parse(JSON.stringify(found[0].raw)), { channelId: 'c', config: ctxFor(board).config });
    expect(result).toEqual({
      ok: true,
      message: expect.objectContaining({
        externalId: '1003', title: '主题1003', content: t.content, isPublic: true, citizen: {},
        upstream: {
          state: '已办理', final: true, url: 'https://board.test/threads/content?tid=1003',
          reply: { content: '已修复。', organization: '运城市城市管理局', at: new Date((DAY0 + 86400 * 10) * 1000).toISOString() },
        },
      }),
    });
  });

  test('refresh in legacy mode reads the lists down to the oldest wanted tid, without the signed detail', async () => {
    const board = board25();
    const t = board.threads.find((x) => x.tid === 1015)!;
    t.stateInfo = '已办理';
    t.reply = { content: '已答复。', organization: '市交通局', dateline: DAY0 + 86400 * 2 };
    const found = await leadersBoardPuller.refresh(ctxFor(board, { api: 'legacy' }), ['1015', '2002', '999999']);
    expect(found.map((f) => f.externalId)).toEqual(['1015', '2002']);
    expect(board.count(DETAIL)).toBe(0);
    const result = mapLeadersBoard(found[0].raw, { channelId: 'c', config: ctxFor(board).config });
    expect(result.ok && result.message.upstream).toMatchObject({ state: '已办理', final: true, reply: { content: '已答复。', organization: '市交通局' } });
  });

  test('refresh of nothing asks nothing', async () => {
    const board = board25();
    expect(await leadersBoardPuller.refresh(ctxFor(board), [])).toEqual([]);
    expect(board.requests).toHaveLength(0);
  });
});
