/**
 * The hub's configuration: the one place that reads `process.env`.
 *
 * `loadConfig` is pure (environment in, typed config out) so it is unit-tested with plain
 * objects. Any invalid value stops the boot with a ConfigError that names the variable.
 */
import { createHash } from 'node:crypto';

export type HubRole = 'api' | 'worker';

export interface HubConfig {
  env: 'development' | 'test' | 'production';
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Which roles this process runs; `supervise` = fork the worker role into its own process. */
  roles: HubRole[];
  supervise: boolean;
  /** 32-byte AES-256-GCM key for personal data at rest; older keys still decrypt. */
  dataKey: Buffer;
  oldDataKeys: Buffer[];
  jwtSecret: Buffer;
  tokenTtlSeconds: number;
  adminUsername?: string;
  adminPassword?: string;
  /** Requests per minute per client on public routes; 0 turns the limit off. */
  rateLimit: number;
  /** Where that limit counts: in Redis, shared by every API process, or per process in memory. */
  rateLimitStore: 'redis' | 'memory';
  bodyLimitBytes: number;
  trustProxy: string | false;
  logLevel: string;
  accessLog: boolean;
  workerConcurrency: number;
  sweepIntervalMs: number;
  /** An inbound row still pending after this long is re-enqueued by the sweeper. */
  sweepAfterMs: number;
  channelCacheMs: number;
  dbPoolSize: number;
  timeZone: string;
  publicBaseUrl: string;
  /** How notices reach handling units (催办): the log (development) or an SMS gateway over HTTP. */
  notify: { driver: 'log' | 'http'; url?: string; token?: string };
  /** A static bearer token for Prometheus to scrape /metrics (else an admin or staff sign-in). */
  metricsToken?: string;
  workflow: {
    closeUnratedAfterDays: number;
    archiveAfterDays: number;
    retentionDays: number;
    lateReturn: 'refuse' | 'mark';
    /** Working days before the deadline on which the mailbox reminds the unit. */
    reminderLadder: number[];
    /** Reminders go out only between these minutes after midnight (Asia/Shanghai). */
    workingHours: { start: number; end: number };
  };
  pull: { timeoutMs: number; retries: number; backoffMs: number; maxBackoffMs: number; circuitAfter: number; circuitMs: number };
  reports: {
    /** Headless Chromium that prints reports to PDF (Debian's `chromium` package). */
    chromiumPath: string;
    /** Local time (HH:MM, Asia/Shanghai) from which the worker writes last month's 月报; null = never by itself. */
    monthlyAt: { hour: number; minute: number } | null;
  };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function clockTime(env: Env, name: string, fallback: string): { hour: number; minute: number } | null {
  const raw = env[name]?.trim() || fallback;
  if (raw === 'off') return null;
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (!m) throw new ConfigError(name, `must be a time HH:MM or "off", got "${raw}"`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** A development-only key, used when HUB_DATA_KEY is unset outside production. Never secret. */
const DEV_DATA_KEY = createHash('sha256').update('yuncheng-mailbox-hub development key').digest();

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name]?.trim() || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

function key(name: string, raw: string): Buffer {
  const trimmed = raw.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (buf.length !== 32) throw new ConfigError(name, 'must be 32 bytes, as 64 hex digits or base64');
  return buf;
}

function roles(env: Env): { roles: HubRole[]; supervise: boolean } {
  const raw = env.HUB_ROLES?.trim();
  if (!raw) return { roles: ['api', 'worker'], supervise: true };
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of parts) {
    if (p !== 'api' && p !== 'worker') throw new ConfigError('HUB_ROLES', `has unknown role "${p}" (use api, worker or api,worker)`);
  }
  if (parts.length === 0) throw new ConfigError('HUB_ROLES', 'names no role');
  return { roles: [...new Set(parts)] as HubRole[], supervise: false };
}

function reminderLadder(env: Env): number[] {
  const raw = env.HUB_REMINDER_LADDER?.trim() || '1';
  const rungs = raw.split(',').map((r) => r.trim());
  if (rungs.some((r) => !/^\d{1,2}$/.test(r)) || rungs.length > 5) {
    throw new ConfigError('HUB_REMINDER_LADDER', `must be up to 5 comma-separated working-day counts before the deadline (e.g. "2,1"), got "${raw}"`);
  }
  return [...new Set(rungs.map(Number))];
}

function workingHours(env: Env): { start: number; end: number } {
  const raw = env.HUB_WORKING_HOURS?.trim() || '08:30-17:30';
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(raw);
  const start = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  const end = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
  if (!m || !(start < end) || end > 24 * 60) throw new ConfigError('HUB_WORKING_HOURS', `must be HH:MM-HH:MM, got "${raw}"`);
  return { start, end };
}

function notify(env: Env): HubConfig['notify'] {
  const driver = env.HUB_NOTIFY_DRIVER?.trim() || 'log';
  if (driver !== 'log' && driver !== 'http') throw new ConfigError('HUB_NOTIFY_DRIVER', `must be log or http, got "${driver}"`);
  if (driver === 'log') return { driver };
  const target = env.HUB_NOTIFY_URL?.trim();
  if (!target) throw new ConfigError('HUB_NOTIFY_URL', 'is required when HUB_NOTIFY_DRIVER=http');
  return { driver, url: url(env, 'HUB_NOTIFY_URL', target, ['http:', 'https:']), token: env.HUB_NOTIFY_TOKEN?.trim() || undefined };
}

function metricsToken(env: Env): string | undefined {
  const v = env.HUB_METRICS_TOKEN?.trim();
  if (v && v.length < 24) throw new ConfigError('HUB_METRICS_TOKEN', 'must be at least 24 characters');
  return v || undefined;
}

function lateReturn(env: Env): 'refuse' | 'mark' {
  const v = env.HUB_LATE_RETURN?.trim() || 'refuse';
  if (v !== 'refuse' && v !== 'mark') throw new ConfigError('HUB_LATE_RETURN', `must be refuse or mark, got "${v}"`);
  return v;
}

export function loadConfig(env: Env = process.env): HubConfig {
  const nodeEnv = env.NODE_ENV?.trim() || 'development';
  if (nodeEnv !== 'development' && nodeEnv !== 'test' && nodeEnv !== 'production') {
    throw new ConfigError('NODE_ENV', `must be development, test or production, got "${nodeEnv}"`);
  }
  const production = nodeEnv === 'production';

  if (production && !env.HUB_DATA_KEY?.trim()) throw new ConfigError('HUB_DATA_KEY', 'is required in production');
  const dataKey = env.HUB_DATA_KEY?.trim() ? key('HUB_DATA_KEY', env.HUB_DATA_KEY) : DEV_DATA_KEY;
  const oldDataKeys = (env.HUB_OLD_DATA_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => key('HUB_OLD_DATA_KEYS', k));

  const jwtRaw = env.HUB_JWT_SECRET?.trim();
  if (production && !jwtRaw) throw new ConfigError('HUB_JWT_SECRET', 'is required in production');
  if (jwtRaw !== undefined && jwtRaw !== '' && jwtRaw.length < 32) {
    throw new ConfigError('HUB_JWT_SECRET', 'must be at least 32 characters');
  }
  const jwtSecret = jwtRaw
    ? Buffer.from(jwtRaw)
    : createHash('sha256').update('jwt:').update(dataKey).digest();

  const adminUsername = env.HUB_ADMIN_USERNAME?.trim() || undefined;
  const adminPassword = env.HUB_ADMIN_PASSWORD || undefined;
  if (adminUsername && !adminPassword) throw new ConfigError('HUB_ADMIN_PASSWORD', 'is required when HUB_ADMIN_USERNAME is set');
  if (adminPassword && adminPassword.length < 12) throw new ConfigError('HUB_ADMIN_PASSWORD', 'must be at least 12 characters');

  const trustProxyRaw = env.HUB_TRUST_PROXY?.trim();
  const logLevel = env.HUB_LOG_LEVEL?.trim() || (nodeEnv === 'test' ? 'warn' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('HUB_LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  const port = int(env, 'PORT', 3000, 0, 65535);
  const rateLimitStore = env.HUB_RATE_LIMIT_STORE?.trim() || 'redis';
  if (rateLimitStore !== 'redis' && rateLimitStore !== 'memory') throw new ConfigError('HUB_RATE_LIMIT_STORE', 'must be redis or memory');

  return {
    env: nodeEnv,
    port,
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/liuyan', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    ...roles(env),
    dataKey,
    oldDataKeys,
    jwtSecret,
    tokenTtlSeconds: int(env, 'HUB_TOKEN_TTL_SECONDS', 8 * 3600, 60, 30 * 86400),
    adminUsername,
    adminPassword,
    rateLimit: int(env, 'HUB_RATE_LIMIT', 120, 0, 1_000_000),
    rateLimitStore,
    bodyLimitBytes: int(env, 'HUB_BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    trustProxy: trustProxyRaw ? trustProxyRaw : false,
    logLevel,
    accessLog: bool(env, 'HUB_ACCESS_LOG', true),
    workerConcurrency: int(env, 'HUB_WORKER_CONCURRENCY', 16, 1, 256),
    sweepIntervalMs: int(env, 'HUB_SWEEP_INTERVAL_MS', 10_000, 100, 3_600_000),
    sweepAfterMs: int(env, 'HUB_SWEEP_AFTER_MS', 30_000, 0, 86_400_000),
    channelCacheMs: int(env, 'HUB_CHANNEL_CACHE_MS', 2_000, 0, 600_000),
    dbPoolSize: int(env, 'HUB_DB_POOL_SIZE', 20, 1, 500),
    timeZone: 'Asia/Shanghai',
    metricsToken: metricsToken(env),
    notify: notify(env),
    workflow: {
      closeUnratedAfterDays: int(env, 'HUB_CLOSE_UNRATED_AFTER_DAYS', 10, 1, 365),
      archiveAfterDays: int(env, 'HUB_ARCHIVE_AFTER_DAYS', 1, 0, 365),
      retentionDays: int(env, 'HUB_RETENTION_DAYS', 3 * 365, 30, 100 * 365),
      lateReturn: lateReturn(env),
      reminderLadder: reminderLadder(env),
      workingHours: workingHours(env),
    },
    pull: {
      timeoutMs: int(env, 'HUB_PULL_TIMEOUT_MS', 15_000, 100, 300_000),
      retries: int(env, 'HUB_PULL_RETRIES', 4, 0, 20),
      backoffMs: int(env, 'HUB_PULL_BACKOFF_MS', 2_000, 0, 600_000),
      maxBackoffMs: int(env, 'HUB_PULL_MAX_BACKOFF_MS', 60_000, 0, 3_600_000),
      circuitAfter: int(env, 'HUB_PULL_CIRCUIT_AFTER', 3, 1, 100),
      circuitMs: int(env, 'HUB_PULL_CIRCUIT_MS', 15 * 60_000, 0, 86_400_000),
    },
    reports: {
      chromiumPath: env.HUB_CHROMIUM_PATH?.trim() || '/usr/bin/chromium',
      monthlyAt: clockTime(env, 'HUB_MONTHLY_REPORT_AT', '08:30'),
    },
    publicBaseUrl: (env.HUB_PUBLIC_BASE_URL?.trim() || `http://127.0.0.1:${port}`).replace(/\/$/, ''),
  };
}
