import { Request, Response } from 'express';
import { Principal } from '../auth/decorators';
import { HubConfig } from '../config/env';
import { Page } from './layout';
import { CONSOLE_PATH, csrfFor, readCookie, SESSION_COOKIE } from './session';

/** What every console view needs of its request: the user, and the CSRF token for its forms. */
export function pageOf(req: Request, user: Principal, config: HubConfig, current?: string): Page {
  const token = readCookie(req, SESSION_COOKIE) ?? '';
  return { user, csrf: csrfFor(token, config.jwtSecret), current };
}

const FLASH_COOKIE = 'hub_flash';

/**
 * A one-line message carried to the next page after a POST, in a short-lived cookie (not the URL:
 * nobody can make the console show a message of their own by sending a link).
 */
export function flashFrom(req: Request, res: Response): { text: string; error?: boolean } | undefined {
  const raw = readCookie(req, FLASH_COOKIE);
  if (!raw) return undefined;
  res.clearCookie(FLASH_COOKIE, { path: CONSOLE_PATH });
  return { text: raw.slice(1, 400), error: raw[0] === '!' };
}

/** Answers a console POST: a message for the next page, and 303 to it. */
export function redirectWithFlash(res: Response, path: string, message: string, error = false): void {
  res.cookie(FLASH_COOKIE, `${error ? '!' : '+'}${message}`, { httpOnly: true, sameSite: 'strict', path: CONSOLE_PATH, maxAge: 60_000 });
  res.redirect(303, path);
}
