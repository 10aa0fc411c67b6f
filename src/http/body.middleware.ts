import { NextFunction, Request, Response } from 'express';
import { BodyError, parseBody, parseContentType } from './decode';

/**
 * The one route that takes multipart/form-data (a unit's feedback with attachments): its body is
 * streamed and limited by the handler (src/cases/attachments.ts), not read here. Its form carries
 * the CSRF token in the action's query string, since the guard runs before the body is read.
 */
const UPLOAD_ROUTE = /^\/console\/cases\/[^/]+\/feedback$/;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 413: 'Payload Too Large', 415: 'Unsupported Media Type' };

function fail(res: Response, status: number, message: string): void {
  res.status(status).json({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message });
}

/**
 * Reads a request body up to `limit` bytes and parses it (JSON or urlencoded, UTF-8 or GBK).
 * Replaces Nest's body parsers so that every body error answers in the API's JSON shape.
 * The raw bytes stay on `req.rawBody` for signature checks and the audit copy.
 */
export function bodyMiddleware(limit: number) {
  return (req: Request & { rawBody?: Buffer }, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || req.method === 'DELETE') return next();
    if (req.method === 'POST' && UPLOAD_ROUTE.test(req.path) && parseContentType(req.headers['content-type']).type === 'multipart/form-data') {
      const csrf = (req.query as Record<string, unknown>)._csrf;
      req.body = typeof csrf === 'string' ? { _csrf: csrf } : {};
      return next();
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      fail(res, 413, `the body is over the limit of ${limit} bytes`);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        fail(res, 413, `the body is over the limit of ${limit} bytes`);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      if (!done) {
        done = true;
        fail(res, 400, 'the body could not be read');
      }
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const raw = Buffer.concat(chunks);
      req.rawBody = raw;
      try {
        req.body = parseBody(raw, req.headers['content-type']);
      } catch (err) {
        if (err instanceof BodyError) return fail(res, err.status, err.message);
        return next(err);
      }
      next();
    });
  };
}
