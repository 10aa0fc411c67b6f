/**
 * The load generator: autocannon, in the bench's own process (the servers under test are child
 * processes). Bodies come from one MessageStream shared by every run, so each request of the
 * whole bench is a different message and generating load costs the same against every server.
 */
import autocannon from 'autocannon';
import { MessageStream } from './messages';

export interface LoadSpec {
  url: string;
  connections: number;
  /** Fixed duration in seconds, or… */
  seconds?: number;
  /** …a fixed number of requests, sent within at most `maxSeconds` (then the run is cut short). */
  amount?: number;
  maxSeconds?: number;
  /** POST bodies (intake runs)… */
  bodies?: MessageStream;
  /** …or GET requests to these paths (query runs), taken in turn. */
  paths?: () => string;
}

export interface LoadResult {
  connections: number;
  /** Wall-clock seconds of the run as autocannon measured it. */
  seconds: number;
  /** Responses with the expected status: 202 for a POST, 200 for a GET. */
  accepted: number;
  /** Responses with any other status. */
  non202: number;
  /** Connection errors and timeouts (no response at all). */
  errors: number;
  acceptedPerSec: number;
  p50: number;
  p99: number;
  statusCounts: Record<string, number>;
  /** When the run started (epoch ms), for end-to-end timing. */
  startedAt: number;
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if ((spec.seconds === undefined) === (spec.amount === undefined)) throw new Error('runLoad: give either seconds or amount');
  if ((spec.bodies === undefined) === (spec.paths === undefined)) throw new Error('runLoad: give either bodies or paths');
  const { bodies, paths } = spec;
  const expected = bodies ? '202' : '200';
  const request: autocannon.Request = bodies
    ? {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => {
          req.body = bodies.next();
          return req;
        },
      }
    : {
        method: 'GET',
        setupRequest: (req) => {
          req.path = paths!();
          return req;
        },
      };
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    let limit: NodeJS.Timeout | undefined;
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.seconds }),
        timeout: 10,
        requests: [request],
      },
      (err, r) => {
        clearTimeout(limit);
        if (err) return reject(err);
        const statusCounts: Record<string, number> = {};
        for (const [code, s] of Object.entries(r.statusCodeStats)) statusCounts[code] = s.count;
        const accepted = statusCounts[expected] ?? 0;
        const responses = Object.values(statusCounts).reduce((a, b) => a + b, 0);
        resolve({
          connections: spec.connections,
          seconds: r.duration,
          accepted,
          non202: responses - accepted,
          errors: r.errors,
          acceptedPerSec: r.duration > 0 ? accepted / r.duration : 0,
          p50: r.latency.p50,
          p99: r.latency.p99,
          statusCounts,
          startedAt,
        });
      },
    );
    if (spec.amount !== undefined && spec.maxSeconds !== undefined) limit = setTimeout(() => instance.stop(), spec.maxSeconds * 1000);
  });
}
