/** loadConfig is pure: every case passes a plain object, never process.env. */
import { ConfigError, loadConfig } from './env';

const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const B64_BYTES = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i));
const B64_KEY = B64_BYTES.toString('base64');
const JWT_SECRET = 'a-jwt-secret-of-at-least-32-characters!!';

type Env = Record<string, string | undefined>;

function configError(env: Env): ConfigError {
  let caught: unknown;
  try {
    loadConfig(env);
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof ConfigError)) {
    throw new Error(`expected a ConfigError for ${JSON.stringify(env)}, got ${caught === undefined ? 'no error' : String(caught)}`);
  }
  return caught;
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  test.each<[string, unknown, unknown]>([
    ['env', config.env, 'development'],
    ['port', config.port, 3000],
    ['databaseUrl', config.databaseUrl, 'postgres://postgres@127.0.0.1:5432/liuyan'],
    ['redisUrl', config.redisUrl, 'redis://127.0.0.1:6379'],
    ['roles', config.roles, ['api', 'worker']],
    ['supervise', config.supervise, true],
    ['oldDataKeys', config.oldDataKeys, []],
    ['adminUsername', config.adminUsername, undefined],
    ['adminPassword', config.adminPassword, undefined],
    ['rateLimit', config.rateLimit, 120],
    ['tokenTtlSeconds', config.tokenTtlSeconds, 8 * 3600],
    ['bodyLimitBytes', config.bodyLimitBytes, 64 * 1024],
    ['trustProxy', config.trustProxy, false],
    ['logLevel', config.logLevel, 'info'],
    ['accessLog', config.accessLog, true],
    ['timeZone', config.timeZone, 'Asia/Shanghai'],
    ['publicBaseUrl', config.publicBaseUrl, 'http://127.0.0.1:3000'],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  test('a 32-byte development data key and a JWT secret, stable across loads', () => {
    expect(config.dataKey).toHaveLength(32);
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    const again = loadConfig({});
    expect(again.dataKey.equals(config.dataKey)).toBe(true);
    expect(again.jwtSecret.equals(config.jwtSecret)).toBe(true);
  });

  test('blank values fall back to the defaults', () => {
    const blank = loadConfig({ PORT: ' ', DATABASE_URL: '', REDIS_URL: '  ', HUB_ROLES: ' ', NODE_ENV: '' });
    expect([blank.port, blank.databaseUrl, blank.redisUrl, blank.roles, blank.supervise, blank.env]).toEqual([
      3000,
      'postgres://postgres@127.0.0.1:5432/liuyan',
      'redis://127.0.0.1:6379',
      ['api', 'worker'],
      true,
      'development',
    ]);
  });

  test('NODE_ENV test lowers the default log level to warn', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('warn');
  });
});

describe('loadConfig accepted values', () => {
  test.each<[string, Env, (c: ReturnType<typeof loadConfig>) => unknown, unknown]>([
    ['PORT 8080', { PORT: '8080' }, (c) => c.port, 8080],
    ['PORT 0', { PORT: '0' }, (c) => c.port, 0],
    ['PORT 65535', { PORT: '65535' }, (c) => c.port, 65535],
    ['publicBaseUrl follows PORT', { PORT: '8080' }, (c) => c.publicBaseUrl, 'http://127.0.0.1:8080'],
    ['publicBaseUrl drops a trailing slash', { HUB_PUBLIC_BASE_URL: 'https://hub.example.cn/' }, (c) => c.publicBaseUrl, 'https://hub.example.cn'],
    ['postgresql: URL', { DATABASE_URL: 'postgresql://u:p@db:5432/x' }, (c) => c.databaseUrl, 'postgresql://u:p@db:5432/x'],
    ['rediss: URL', { REDIS_URL: 'rediss://cache:6380' }, (c) => c.redisUrl, 'rediss://cache:6380'],
    ['HUB_RATE_LIMIT 0 turns it off', { HUB_RATE_LIMIT: '0' }, (c) => c.rateLimit, 0],
    ['HUB_RATE_LIMIT_STORE default redis', {}, (c) => c.rateLimitStore, 'redis'],
    ['HUB_RATE_LIMIT_STORE memory', { HUB_RATE_LIMIT_STORE: 'memory' }, (c) => c.rateLimitStore, 'memory'],
    ['HUB_ACCESS_LOG off', { HUB_ACCESS_LOG: 'off' }, (c) => c.accessLog, false],
    ['HUB_ACCESS_LOG TRUE', { HUB_ACCESS_LOG: 'TRUE' }, (c) => c.accessLog, true],
    ['HUB_LOG_LEVEL debug', { HUB_LOG_LEVEL: 'debug' }, (c) => c.logLevel, 'debug'],
    ['HUB_TRUST_PROXY', { HUB_TRUST_PROXY: 'loopback' }, (c) => c.trustProxy, 'loopback'],
    ['NODE_ENV test', { NODE_ENV: 'test' }, (c) => c.env, 'test'],
    ['HUB_MONTHLY_REPORT_AT default', {}, (c) => c.reports.monthlyAt, { hour: 8, minute: 30 }],
    ['HUB_MONTHLY_REPORT_AT 7:05', { HUB_MONTHLY_REPORT_AT: '7:05' }, (c) => c.reports.monthlyAt, { hour: 7, minute: 5 }],
    ['HUB_MONTHLY_REPORT_AT off', { HUB_MONTHLY_REPORT_AT: 'off' }, (c) => c.reports.monthlyAt, null],
    ['HUB_CHROMIUM_PATH', { HUB_CHROMIUM_PATH: '/opt/chrome/chrome' }, (c) => c.reports.chromiumPath, '/opt/chrome/chrome'],
  ])('%s', (_name, env, pick, expected) => {
    expect(pick(loadConfig(env))).toEqual(expected);
  });
});

describe('HUB_ROLES', () => {
  test.each<[string, string[], boolean]>([
    ['api', ['api'], false],
    ['worker', ['worker'], false],
    ['api,worker', ['api', 'worker'], false],
    [' api , worker ', ['api', 'worker'], false],
    ['api,api', ['api'], false],
  ])('%j → %j, supervise %s', (raw, roles, supervise) => {
    const config = loadConfig({ HUB_ROLES: raw });
    expect(config.roles).toEqual(roles);
    expect(config.supervise).toBe(supervise);
  });

  test.each(['web', 'api,web', ','])('%j is a ConfigError naming HUB_ROLES', (raw) => {
    const error = configError({ HUB_ROLES: raw });
    expect(error.variable).toBe('HUB_ROLES');
    expect(error.message).toContain('HUB_ROLES');
  });
});

describe('invalid values raise a ConfigError naming the variable', () => {
  test.each<[string, Env, string]>([
    ['PORT abc', { PORT: 'abc' }, 'PORT'],
    ['PORT 70000', { PORT: '70000' }, 'PORT'],
    ['PORT -1', { PORT: '-1' }, 'PORT'],
    ['PORT 3000.5', { PORT: '3000.5' }, 'PORT'],
    ['DATABASE_URL mysql', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    ['DATABASE_URL not a URL', { DATABASE_URL: 'localhost:5432' }, 'DATABASE_URL'],
    ['REDIS_URL not a url', { REDIS_URL: 'not a url' }, 'REDIS_URL'],
    ['REDIS_URL http', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    ['HUB_RATE_LIMIT -1', { HUB_RATE_LIMIT: '-1' }, 'HUB_RATE_LIMIT'],
    ['HUB_RATE_LIMIT ten', { HUB_RATE_LIMIT: 'ten' }, 'HUB_RATE_LIMIT'],
    ['HUB_RATE_LIMIT_STORE disk', { HUB_RATE_LIMIT_STORE: 'disk' }, 'HUB_RATE_LIMIT_STORE'],
    ['HUB_MONTHLY_REPORT_AT 24:00', { HUB_MONTHLY_REPORT_AT: '24:00' }, 'HUB_MONTHLY_REPORT_AT'],
    ['HUB_MONTHLY_REPORT_AT morning', { HUB_MONTHLY_REPORT_AT: 'morning' }, 'HUB_MONTHLY_REPORT_AT'],
    ['HUB_DATA_KEY of 16 bytes (hex)', { HUB_DATA_KEY: HEX_KEY.slice(0, 32) }, 'HUB_DATA_KEY'],
    ['HUB_DATA_KEY of 31 bytes (base64)', { HUB_DATA_KEY: B64_BYTES.subarray(0, 31).toString('base64') }, 'HUB_DATA_KEY'],
    ['HUB_DATA_KEY of 33 bytes (base64)', { HUB_DATA_KEY: Buffer.alloc(33, 7).toString('base64') }, 'HUB_DATA_KEY'],
    ['HUB_OLD_DATA_KEYS with a short key', { HUB_OLD_DATA_KEYS: `${HEX_KEY},abcd` }, 'HUB_OLD_DATA_KEYS'],
    ['HUB_JWT_SECRET shorter than 32', { HUB_JWT_SECRET: 'x'.repeat(31) }, 'HUB_JWT_SECRET'],
    ['HUB_LOG_LEVEL loud', { HUB_LOG_LEVEL: 'loud' }, 'HUB_LOG_LEVEL'],
    ['HUB_ACCESS_LOG maybe', { HUB_ACCESS_LOG: 'maybe' }, 'HUB_ACCESS_LOG'],
    ['NODE_ENV staging', { NODE_ENV: 'staging' }, 'NODE_ENV'],
    ['HUB_WORKER_CONCURRENCY 0', { HUB_WORKER_CONCURRENCY: '0' }, 'HUB_WORKER_CONCURRENCY'],
    ['HUB_TOKEN_TTL_SECONDS 59', { HUB_TOKEN_TTL_SECONDS: '59' }, 'HUB_TOKEN_TTL_SECONDS'],
  ])('%s', (_name, env, variable) => {
    const error = configError(env);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });
});

describe('production', () => {
  test.each<[string, Env, string]>([
    ['without HUB_DATA_KEY', { NODE_ENV: 'production', HUB_JWT_SECRET: JWT_SECRET }, 'HUB_DATA_KEY'],
    ['without HUB_JWT_SECRET', { NODE_ENV: 'production', HUB_DATA_KEY: HEX_KEY }, 'HUB_JWT_SECRET'],
    ['without either', { NODE_ENV: 'production' }, 'HUB_DATA_KEY'],
  ])('%s is a ConfigError naming the variable', (_name, env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  test('with both keys it loads and uses them', () => {
    const config = loadConfig({ NODE_ENV: 'production', HUB_DATA_KEY: HEX_KEY, HUB_JWT_SECRET: JWT_SECRET });
    expect(config.env).toBe('production');
    expect(config.dataKey.equals(Buffer.from(HEX_KEY, 'hex'))).toBe(true);
    expect(config.jwtSecret.toString()).toBe(JWT_SECRET);
  });
});

describe('admin account', () => {
  test('HUB_ADMIN_USERNAME without a password names HUB_ADMIN_PASSWORD', () => {
    const error = configError({ HUB_ADMIN_USERNAME: 'admin' });
    expect(error.variable).toBe('HUB_ADMIN_PASSWORD');
    expect(error.message).toContain('HUB_ADMIN_PASSWORD');
  });

  test.each(['short', 'x'.repeat(11)])('password %j shorter than 12 characters is refused', (password) => {
    const error = configError({ HUB_ADMIN_USERNAME: 'admin', HUB_ADMIN_PASSWORD: password });
    expect(error.variable).toBe('HUB_ADMIN_PASSWORD');
    expect(error.message).toContain('HUB_ADMIN_PASSWORD');
  });

  test('a 12-character password is accepted and the username trimmed', () => {
    const config = loadConfig({ HUB_ADMIN_USERNAME: ' admin ', HUB_ADMIN_PASSWORD: 'x'.repeat(12) });
    expect(config.adminUsername).toBe('admin');
    expect(config.adminPassword).toBe('x'.repeat(12));
  });
});

describe('data keys', () => {
  test.each<[string, string, Buffer]>([
    ['64 hex digits', HEX_KEY, Buffer.from(HEX_KEY, 'hex')],
    ['64 upper-case hex digits, padded', `  ${HEX_KEY.toUpperCase()} `, Buffer.from(HEX_KEY, 'hex')],
    ['base64', B64_KEY, B64_BYTES],
  ])('HUB_DATA_KEY as %s', (_name, raw, expected) => {
    const config = loadConfig({ HUB_DATA_KEY: raw });
    expect(config.dataKey).toHaveLength(32);
    expect(config.dataKey.equals(expected)).toBe(true);
  });

  test('a configured data key replaces the development key and changes the derived JWT secret', () => {
    const dev = loadConfig({});
    const configured = loadConfig({ HUB_DATA_KEY: HEX_KEY });
    expect(configured.dataKey.equals(dev.dataKey)).toBe(false);
    expect(configured.jwtSecret.equals(dev.jwtSecret)).toBe(false);
  });

  test('HUB_OLD_DATA_KEYS is a comma-separated list of keys in either form', () => {
    const config = loadConfig({ HUB_OLD_DATA_KEYS: ` ${HEX_KEY} ,, ${B64_KEY} ` });
    expect(config.oldDataKeys.map((k) => k.toString('hex'))).toEqual([HEX_KEY, B64_BYTES.toString('hex')]);
  });
});
