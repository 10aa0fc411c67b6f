/**
 * The HttpPort the hub gives a pull adapter: one request at a time per host, at least
 * `minIntervalMs` apart, cookies kept per host (the WAF cookie), timeouts, and growing back-off on
 * 403/429/5xx and network errors, capped; after the last retry it throws AdapterError('transient').
 */
import { AdapterError, HttpPort, HttpRequest, HttpResponse } from '../../adapters';
import { decodeText, parseContentType } from '../http/decode';

export interface PoliteOptions {
  minIntervalMs: number;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Called after a 403 before retrying (re-warm the WAF cookie). */
  onForbidden?: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

const RETRY_STATUS = new Set([403, 429, 500, 502, 503, 504]);

class Response implements HttpResponse {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Buffer,
  ) {}
  text(charset?: string): string {
    return decodeText(this.body, charset ?? parseContentType(this.headers['content-type']).charset);
  }
  json(): unknown {
    let text: string;
    try {
      text = this.text();
    } catch {
      throw new AdapterError('shape', 'the answer is not text in the declared charset');
    }
    try {
      return JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      throw new AdapterError('shape', `the answer is not JSON (HTTP ${this.status}, ${text.slice(0, 60).replace(/\s+/g, ' ')}…)`);
    }
  }
}

/** A client with the hub's retry settings (HUB_PULL_*) and a channel's own pacing. */
export function politeClient(
  pull: { timeoutMs: number; retries: number; backoffMs: number; maxBackoffMs: number },
  minIntervalMs: number,
  onForbidden?: () => Promise<void>,
): PoliteHttpClient {
  return new PoliteHttpClient({ minIntervalMs, timeoutMs: pull.timeoutMs, retries: pull.retries, backoffMs: pull.backoffMs, maxBackoffMs: pull.maxBackoffMs, onForbidden });
}

export class PoliteHttpClient implements HttpPort {
  private readonly cookies = new Map<string, Map<string, string>>();
  private readonly lastAt = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly sleep: (ms: number) => Promise<void>;
  /** Requests sent (including retries), for the pull's report. */
  sent = 0;

  constructor(private readonly opts: PoliteOptions) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    // One at a time: the pull is polite to the host, not fast.
    const run = this.chain.then(() => this.withRetries(req));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async withRetries(req: HttpRequest): Promise<HttpResponse> {
    let lastProblem = '';
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) {
        const backoff = Math.min(this.opts.backoffMs * 2 ** (attempt - 1), this.opts.maxBackoffMs);
        await this.sleep(backoff);
      }
      let res: Response;
      try {
        res = await this.once(req);
      } catch (err) {
        lastProblem = (err as Error).name === 'AbortError' ? `timed out after ${this.opts.timeoutMs} ms` : (err as Error).message;
        continue;
      }
      if (!RETRY_STATUS.has(res.status)) return res;
      lastProblem = `HTTP ${res.status}`;
      if (res.status === 429) {
        const retryAfter = Number(res.headers['retry-after']);
        if (Number.isFinite(retryAfter) && retryAfter > 0) await this.sleep(Math.min(retryAfter * 1000, this.opts.maxBackoffMs));
      }
      if (res.status === 403 && this.opts.onForbidden) await this.opts.onForbidden().catch(() => undefined);
    }
    const host = new URL(req.url).host;
    throw new AdapterError('transient', `${req.method} ${host}${new URL(req.url).pathname}: ${lastProblem} after ${this.opts.retries + 1} tries`,
      `上游 ${host} 连续拒绝或无响应（${lastProblem}），已自动退避；若持续出现，请检查网络或降低拉取频率。`);
  }

  private async once(req: HttpRequest): Promise<Response> {
    const url = new URL(req.url);
    const wait = (this.lastAt.get(url.host) ?? 0) + this.opts.minIntervalMs - Date.now();
    if (wait > 0) await this.sleep(wait);
    this.lastAt.set(url.host, Date.now());
    this.sent++;

    const headers: Record<string, string> = { 'User-Agent': this.opts.userAgent ?? 'yuncheng-mailbox-hub/1', Accept: 'application/json, text/html;q=0.9, */*;q=0.5', ...req.headers };
    const jar = this.cookies.get(url.host);
    if (jar?.size) headers.Cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['Content-Type'] = 'application/json;charset=UTF-8';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.opts.timeoutMs);
    try {
      const res = await fetch(url, { method: req.method, headers, body, signal: controller.signal, redirect: 'follow' });
      const buf = Buffer.from(await res.arrayBuffer());
      const out: Record<string, string> = {};
      res.headers.forEach((v, k) => (out[k] = v));
      this.keepCookies(url.host, res.headers.getSetCookie());
      return new Response(res.status, out, buf);
    } finally {
      clearTimeout(timer);
    }
  }

  private keepCookies(host: string, setCookies: string[]): void {
    if (!setCookies.length) return;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    this.cookies.set(host, jar);
  }
}
