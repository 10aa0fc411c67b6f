/**
 * The console's sign-in: the same HS256 access token the API uses, kept in an HttpOnly,
 * SameSite=Strict cookie scoped to /console, and honoured only there (the API wants a bearer
 * header, so a cookie can never make a cross-site API call). Every console POST also carries a
 * CSRF token derived from the session token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Request } from 'express';

export const CONSOLE_PATH = '/console';
export const SESSION_COOKIE = 'hub_console';

/** A cookie's value from the request's Cookie header. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function isConsolePath(path: string): boolean {
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}

/** The session token of a console request, if any. */
export function consoleToken(req: Request): string | undefined {
  return isConsolePath(req.path) ? readCookie(req, SESSION_COOKIE) : undefined;
}

/** The CSRF token of a session: a keyed hash of its token, so it needs no storage. */
export function csrfFor(sessionToken: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(`console-csrf:${sessionToken}`).digest('base64url').slice(0, 32);
}

export function csrfValid(req: Request, sessionToken: string, secret: Buffer): boolean {
  const body = req.body as Record<string, unknown> | undefined;
  const given = typeof body?._csrf === 'string' ? body._csrf : req.headers['x-csrf-token'];
  if (typeof given !== 'string') return false;
  const want = Buffer.from(csrfFor(sessionToken, secret));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want);
}
