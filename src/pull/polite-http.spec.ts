/**
 * PoliteHttpClient against a real local HTTP server: pacing, one at a time, cookies, bodies,
 * retries with back-off, timeouts, decoding. Every timing is small; the file runs in about a second.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { AdapterError } from '../../adapters';
import { PoliteHttpClient, PoliteOptions } from './polite-http';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
const hits = new Map<string, number>();
let inFlight = 0;
let maxInFlight = 0;
const events: string[] = [];

function hit(key: string): number {
  const n = (hits.get(key) ?? 0) + 1;
  hits.set(key, n);
  return n;
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  seen.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body, at: Date.now() });
  const key = url.pathname + url.search;
  const n = hit(key);
  const send = (status: number, text: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string | string[]> = {}) => {
    res.writeHead(status, { 'Content-Type': type, ...extra });
    res.end(text);
  };
  switch (url.pathname) {
    case '/ok':
      return send(200, 'ok');
    case '/slow': {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        send(200, url.searchParams.get('n') ?? '');
      }, 40);
      return;
    }
    case '/set-cookie':
      return send(200, 'ok', 'text/plain', { 'Set-Cookie': ['__jsluid_s=abc123; Path=/; HttpOnly', 'sid=s%3D1; Max-Age=60'] });
    case '/echo':
      return send(200, JSON.stringify({ method: req.method, headers: req.headers, body }), 'application/json');
    case '/429-then-200':
      return n === 1 ? send(429, 'slow down') : send(200, 'fine');
    case '/429-retry-after':
      return n === 1 ? send(429, 'slow down', 'text/plain', { 'Retry-After': '1' }) : send(200, 'fine');
    case '/503':
      return send(503, 'unavailable');
    case '/403-then-200':
      events.push(`server ${n === 1 ? 403 : 200}`);
      return n === 1 ? send(403, 'forbidden') : send(200, 'welcome');
    case '/hang':
      return; // never answers
    case '/404':
      return send(404, 'not found');
    case '/400':
      return send(400, 'bad request');
    case '/json-as-html':
      return send(200, '{"code":0,"data":{"title":"路灯"}}', 'text/html;charset=UTF-8');
    case '/json-with-bom':
      return send(200, '\uFEFF[1,2]', 'application/json');
    case '/not-json':
      return send(200, '<html><body>系统维护中</body></html>', 'text/html; charset=utf-8');
    case '/gbk-undeclared':
      return send(200, iconv.encode('运城市长信箱：留言已受理', 'gbk'), 'text/html');
    case '/gbk-declared':
      return send(200, iconv.encode('{"title":"路灯不亮"}', 'gbk'), 'text/html; charset=GBK');
    default:
      return send(500, 'no route');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  hits.clear();
  events.length = 0;
  inFlight = 0;
  maxInFlight = 0;
});

function client(over: Partial<PoliteOptions> = {}): PoliteHttpClient {
  return new PoliteHttpClient({ minIntervalMs: 0, timeoutMs: 2000, retries: 2, backoffMs: 5, maxBackoffMs: 40, ...over });
}

async function rejection(p: Promise<unknown>): Promise<AdapterError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AdapterError);
    return err as AdapterError;
  }
  throw new Error('expected the request to fail');
}

describe('PoliteHttpClient', () => {
  test('paces two requests to the same host by minIntervalMs', async () => {
    await client().request({ method: 'GET', url: `${base}/ok` }); // warm up fetch and the connection
    seen.length = 0;
    const http = client({ minIntervalMs: 150 });
    const started = Date.now();
    await http.request({ method: 'GET', url: `${base}/ok` });
    await http.request({ method: 'GET', url: `${base}/ok` });
    expect(seen).toHaveLength(2);
    // The interval runs from the start of one request to the start of the next.
    expect(seen[1].at - started).toBeGreaterThanOrEqual(135);
    expect(seen[0].at - started).toBeLessThan(135);
  });

  test('sends one request at a time, even when three are issued at once, and in order', async () => {
    const http = client();
    const answers = await Promise.all([1, 2, 3].map((n) => http.request({ method: 'GET', url: `${base}/slow?n=${n}` })));
    expect(answers.map((r) => r.text())).toEqual(['1', '2', '3']);
    expect(seen).toHaveLength(3);
    expect(maxInFlight).toBe(1);
  });

  test('a failed request does not block the next one', async () => {
    const http = client({ retries: 0 });
    const failed = http.request({ method: 'GET', url: `${base}/503` });
    const next = http.request({ method: 'GET', url: `${base}/ok` });
    await expect(failed).rejects.toBeInstanceOf(AdapterError);
    expect((await next).status).toBe(200);
  });

  test('keeps cookies from Set-Cookie and sends them back on the next request', async () => {
    const http = client();
    await http.request({ method: 'GET', url: `${base}/set-cookie` });
    await http.request({ method: 'GET', url: `${base}/echo` });
    expect(seen[0].headers.cookie).toBeUndefined();
    expect(seen[1].headers.cookie).toBe('__jsluid_s=abc123; sid=s%3D1');
  });

  test('cookies are per client (a new client starts with none)', async () => {
    await client().request({ method: 'GET', url: `${base}/set-cookie` });
    await client().request({ method: 'GET', url: `${base}/echo` });
    expect(seen[1].headers.cookie).toBeUndefined();
  });

  test('a JSON body is sent as application/json', async () => {
    const http = client();
    const res = await http.request({ method: 'POST', url: `${base}/echo`, json: { fid: 539, 标题: '路灯' } });
    expect(res.status).toBe(200);
    expect(seen[0].method).toBe('POST');
    expect(seen[0].headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(JSON.parse(seen[0].body)).toEqual({ fid: 539, 标题: '路灯' });
  });

  test('a form body is sent urlencoded', async () => {
    const http = client();
    await http.request({ method: 'POST', url: `${base}/echo`, form: { name: '张三', q: 'a b&c=d' } });
    expect(seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(Object.fromEntries(new URLSearchParams(seen[0].body))).toEqual({ name: '张三', q: 'a b&c=d' });
  });

  test('a GET has no body and no Content-Type; the default User-Agent and given headers are sent', async () => {
    const http = client();
    await http.request({ method: 'GET', url: `${base}/echo`, headers: { 'X-Trace': 't-1' } });
    expect(seen[0].body).toBe('');
    expect(seen[0].headers['content-type']).toBeUndefined();
    expect(seen[0].headers['user-agent']).toBe('yuncheng-mailbox-hub/1');
    expect(seen[0].headers['x-trace']).toBe('t-1');
  });

  test('the userAgent option replaces the default', async () => {
    await client({ userAgent: 'hub-test/9' }).request({ method: 'GET', url: `${base}/echo` });
    expect(seen[0].headers['user-agent']).toBe('hub-test/9');
  });

  test('429 then 200: success after one retry', async () => {
    const http = client();
    const res = await http.request({ method: 'GET', url: `${base}/429-then-200` });
    expect(res.status).toBe(200);
    expect(res.text()).toBe('fine');
    expect(hits.get('/429-then-200')).toBe(2);
    expect(http.sent).toBe(2);
  });

  test('429 with Retry-After waits for it, capped at maxBackoffMs, before the back-off', async () => {
    const sleeps: number[] = [];
    const http = client({
      maxBackoffMs: 30,
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    const res = await http.request({ method: 'GET', url: `${base}/429-retry-after` });
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([30, 5]);
  });

  test('503 forever: AdapterError transient after retries + 1 attempts, with growing capped back-off', async () => {
    const sleeps: number[] = [];
    const http = client({
      retries: 3,
      backoffMs: 5,
      maxBackoffMs: 12,
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    const err = await rejection(http.request({ method: 'GET', url: `${base}/503` }));
    expect(err.kind).toBe('transient');
    expect(err.message).toContain('HTTP 503');
    expect(err.message).toContain('4 tries');
    expect(err.operatorHint).toEqual(expect.any(String));
    expect(hits.get('/503')).toBe(4);
    expect(http.sent).toBe(4);
    expect(sleeps).toEqual([5, 10, 12]);
  });

  test('403 calls onForbidden before the retry', async () => {
    const http = client({
      onForbidden: async () => {
        events.push('onForbidden');
      },
    });
    const res = await http.request({ method: 'GET', url: `${base}/403-then-200` });
    expect(res.status).toBe(200);
    expect(events).toEqual(['server 403', 'onForbidden', 'server 200']);
  });

  test('a failing onForbidden does not stop the retry', async () => {
    const http = client({ onForbidden: () => Promise.reject(new Error('warm-up failed')) });
    const res = await http.request({ method: 'GET', url: `${base}/403-then-200` });
    expect(res.status).toBe(200);
    expect(hits.get('/403-then-200')).toBe(2);
  });

  test('a timeout is retried, then transient', async () => {
    const http = client({ timeoutMs: 100, retries: 1 });
    const started = Date.now();
    const err = await rejection(http.request({ method: 'GET', url: `${base}/hang` }));
    expect(err.kind).toBe('transient');
    expect(err.message).toContain('timed out after 100 ms');
    expect(hits.get('/hang')).toBe(2);
    expect(http.sent).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
  });

  test.each<[string, number]>([
    ['/404', 404],
    ['/400', 400],
  ])('%s is returned as a response, not retried', async (path, status) => {
    const http = client();
    const res = await http.request({ method: 'GET', url: `${base}${path}` });
    expect(res.status).toBe(status);
    expect(res.text()).toBe(status === 404 ? 'not found' : 'bad request');
    expect(hits.get(path)).toBe(1);
    expect(http.sent).toBe(1);
  });

  test('response headers are given lower-cased', async () => {
    const res = await client().request({ method: 'GET', url: `${base}/echo` });
    expect(res.headers['content-type']).toBe('application/json');
  });

  test('json() parses JSON served as text/html', async () => {
    const res = await client().request({ method: 'GET', url: `${base}/json-as-html` });
    expect(res.json()).toEqual({ code: 0, data: { title: '路灯' } });
  });

  test('json() ignores a BOM', async () => {
    const res = await client().request({ method: 'GET', url: `${base}/json-with-bom` });
    expect(res.json()).toEqual([1, 2]);
  });

  test('json() on an HTML page throws AdapterError shape', async () => {
    const res = await client().request({ method: 'GET', url: `${base}/not-json` });
    let caught: unknown;
    try {
      res.json();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AdapterError);
    expect((caught as AdapterError).kind).toBe('shape');
    expect((caught as AdapterError).message).toContain('HTTP 200');
  });

  test('json() on GBK bytes without a declared charset throws AdapterError shape', async () => {
    const res = await client().request({ method: 'GET', url: `${base}/gbk-undeclared` });
    expect(() => res.json()).toThrow(AdapterError);
  });

  test("text('gbk') decodes GBK bytes", async () => {
    const res = await client().request({ method: 'GET', url: `${base}/gbk-undeclared` });
    expect(res.text('gbk')).toBe('运城市长信箱：留言已受理');
    expect(res.body.equals(iconv.encode('运城市长信箱：留言已受理', 'gbk'))).toBe(true);
  });

  test('text() and json() use the charset declared in Content-Type', async () => {
    const res = await client().request({ method: 'GET', url: `${base}/gbk-declared` });
    expect(res.text()).toBe('{"title":"路灯不亮"}');
    expect(res.json()).toEqual({ title: '路灯不亮' });
  });

  test('sent counts every attempt across requests', async () => {
    const http = client({ retries: 1 });
    expect(http.sent).toBe(0);
    await http.request({ method: 'GET', url: `${base}/ok` });
    expect(http.sent).toBe(1);
    await rejection(http.request({ method: 'GET', url: `${base}/503` }));
    expect(http.sent).toBe(3);
    await http.request({ method: 'GET', url: `${base}/429-then-200` });
    expect(http.sent).toBe(5);
  });

  test('an unreachable host is transient after the retries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const http = client({ retries: 1 });
    const err = await rejection(http.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }));
    expect(err.kind).toBe('transient');
    expect(http.sent).toBe(2);
  });
});
