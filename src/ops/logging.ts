import { Params } from 'nestjs-pino';
import { IncomingMessage } from 'node:http';
import { HubConfig } from '../config/env';

/** Paths in log objects that may hold personal data or secrets: never written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.phone',
  '*.name',
  '*.email',
  '*.idNumber',
  '*.citizen',
  '*.body',
  '*.content',
  '*.queryCode',
];

/** URLs as logged: no query string (tokens, search terms), and no query code in the path. */
export function loggableUrl(url: string | undefined): string {
  const path = (url ?? '').split('?')[0];
  return path.replace(/^(\/api\/v1\/query\/)[^/]+/i, '$1[code]');
}

/**
 * Structured JSON logs (pino) with personal data redacted. With the access log on, pino-http runs on
 * every request (one line per request, and log lines written during a request carry its id). With it
 * off, the per-request middleware is not mounted at all: it cost about 7 % of the API's CPU under
 * load while writing nothing (docs/benchmarks.md); log lines then carry no request id.
 */
export function loggerParams(config: HubConfig): Params {
  return {
    ...(config.accessLog ? {} : { forRoutes: [] }),
    pinoHttp: {
      level: config.logLevel,
      autoLogging: config.accessLog ? { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' } : false,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: loggableUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
