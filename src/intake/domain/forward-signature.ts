/**
 * Server-to-server forwards from a department portal: `X-Hub-Timestamp` (Unix seconds) and
 * `X-Hub-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the portal's secret>`.
 * Pure: the check of one request; the replay memory lives in the database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type ForwardCheck = 'ok' | 'no_secret' | 'malformed' | 'stale' | 'bad_signature';

export function signForward(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function checkForward(opts: {
  secret: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowMs: number;
  windowSeconds: number;
}): ForwardCheck {
  if (!opts.secret) return 'no_secret';
  if (!opts.timestamp || !/^\d{9,11}$/.test(opts.timestamp) || !opts.signature || !/^sha256=[0-9a-f]{64}$/.test(opts.signature)) {
    return 'malformed';
  }
  if (Math.abs(opts.nowMs / 1000 - Number(opts.timestamp)) > opts.windowSeconds) return 'stale';
  const expected = Buffer.from(signForward(opts.secret, opts.timestamp, opts.rawBody));
  const given = Buffer.from(opts.signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'ok' : 'bad_signature';
}
