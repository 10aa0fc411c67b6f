/**
 * The demo's HTTP client: plain `fetch` against the running hub, as a browser, a portal server or
 * a staff tool would talk to it. Every unexpected answer throws a DemoError that names the
 * request, the status and the start of the body, so a failed step says what failed.
 */

export class DemoError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'DemoError';
  }
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

const excerpt = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}…` : text).replace(/\s+/g, ' ');

/** What to tell the person running the demo for a few answers we know. */
function hintFor(text: string): string | undefined {
  if (text.includes('calendar_year_not_covered')) {
    return 'a deadline fell in a year the working-day calendar does not cover: load it with PUT /api/v1/admin/calendar/{year} (see README, “The workflow”).';
  }
  return undefined;
}

export class HubClient {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    opts: { token?: string; json?: unknown; form?: Record<string, string>; expect?: number | number[]; headers?: Record<string, string>; redirect?: 'follow' | 'manual' } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    let body: string | undefined;
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      body = JSON.stringify(opts.json);
    } else if (opts.form !== undefined) {
      // What a browser sends for <form method="post" accept-charset="utf-8">.
      headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
      body = new URLSearchParams(opts.form).toString();
    }
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: opts.redirect ?? 'follow' });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new DemoError(`${method} ${path}: no answer from the hub (${cause?.code ?? cause?.message ?? (err as Error).message})`);
    }
    const text = await res.text();
    const expected = opts.expect === undefined ? undefined : Array.isArray(opts.expect) ? opts.expect : [opts.expect];
    if (expected ? !expected.includes(res.status) : res.status >= 400) {
      throw new DemoError(
        `${method} ${path} answered ${res.status}${expected ? ` (expected ${expected.join(' or ')})` : ''}: ${excerpt(text)}`,
        hintFor(text),
      );
    }
    let json: unknown = undefined;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new DemoError(`${method} ${path} answered ${res.status} with JSON that does not parse: ${excerpt(text)}`);
      }
    }
    return { status: res.status, headers: res.headers, text, json: json as T };
  }

  get<T = unknown>(path: string, token?: string) {
    return this.request<T>('GET', path, { token });
  }

  post<T = unknown>(path: string, json: unknown, token?: string, expect?: number | number[]) {
    return this.request<T>('POST', path, { json, token, expect });
  }

  /** One workflow step, as the console or a staff tool does it. */
  async act(token: string, caseNo: string, event: string, body: Record<string, unknown> = {}): Promise<void> {
    await this.request('POST', `/api/v1/cases/${caseNo}/actions/${event}`, { json: body, token, expect: 200 });
  }

  async login(username: string, password: string): Promise<string> {
    const res = await this.request<{ accessToken: string }>('POST', '/api/v1/auth/login', { json: { username, password }, expect: 200 });
    return res.json.accessToken;
  }
}

/**
 * Polls `check` until it returns a value, or fails naming what it waited for. A DemoError thrown by
 * `check` (an answer the demo did not expect) ends the wait at once; other errors are retried.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof DemoError) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      throw new DemoError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The value of a hidden form field in an HTML page. */
export function hiddenField(html: string, name: string): string | undefined {
  const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  return m?.[1];
}
