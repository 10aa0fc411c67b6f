import { AuthService } from '../../src/auth/auth.service';
import { csrfFor } from '../../src/console/session';
import { FixedClock } from '../../src/common/clock';
import { RouteAudit } from '../../src/auth/route-audit';
import IORedis from 'ioredis';
import { ADMIN, TEST_REDIS_URL } from '../utils/env';
import { TcpProxy } from '../utils/tcp-proxy';
import { ThrottlerStorage } from '@nestjs/throttler';
import { HubThrottlerStorage } from '../../src/http/rate-limit.storage';
import { loadConfig } from '../../src/config/env';
import { drained, startHub, TestHub, validMessage } from '../utils/hub';

const METRICS_TOKEN = 'prometheus-scrape-token-0123456789';

/** The routes anyone may call. Adding a public route means adding it here, on purpose. */
const PUBLIC_ROUTES = [
  'GET /api/v1/channels',
  'GET /api/v1/channels/:id',
  'POST /api/v1/channels/:channelId/messages',
  'GET /go/:channelId',
  'GET /mailbox',
  'POST /mailbox',
  'GET /query',
  'POST /query',
  'POST /query/rating',
  'GET /api/v1/query/:queryCode',
  'POST /api/v1/query/:queryCode/rating',
  'POST /api/v1/auth/login',
  'GET /health',
  'GET /open311/v2/services.json',
  'GET /open311/v2/requests.json',
  'GET /open311/v2/requests/:id.json',
  'GET /metrics', // declared public, checks its own scrape token or a staff sign-in (tested below)
  'GET /console/login',
  'POST /console/login',
  'GET /public', // 舆论监督: public, replied cases only, personal data removed
  'GET /public/:caseNo',
].sort();

describe('auth, roles and personal data', () => {
  const clock = new FixedClock(new Date('2026-03-02T02:00:00Z'));
  let hub: TestHub;
  let caseNo: string;
  beforeAll(async () => {
    hub = await startHub({ clock, env: { HUB_METRICS_TOKEN: METRICS_TOKEN } });
    await hub.http().post('/api/v1/channels/portal-zhujian/messages').send(validMessage({ phone: '13611112222', name: '钱七', email: 'qq7@example.com', idNumber: '11010519491231002X' })).expect(202);
    await drained(hub.db);
    [{ case_no: caseNo }] = await hub.db.query(`SELECT case_no FROM cases`);
  });
  afterAll(() => hub.close());

  it('declares an access rule on every route, and the public ones are exactly the expected list', () => {
    const routes = hub.app.get(RouteAudit).routes();
    expect(routes.filter((r) => r.access === 'undeclared')).toEqual([]);
    expect(routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`).sort()).toEqual(PUBLIC_ROUTES);
  });

  it('answers 401 to an anonymous call of every guarded route', async () => {
    const guarded = hub.app.get(RouteAudit).routes().filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThan(2);
    for (const r of guarded) {
      const path = r.path.replace(/:[A-Za-z]+/g, 'x');
      const res = await hub.http()[r.method.toLowerCase() as 'get'](path);
      // Console pages send a visitor who is not signed in to the sign-in page instead.
      const expected = path.startsWith('/console') ? [303, '/console/login'] : [401, undefined];
      expect([r.method, path, res.status, res.headers.location?.split('?')[0]]).toEqual([r.method, path, ...expected]);
    }
  });

  it('signs in the bootstrap administrator and refuses wrong or missing credentials', async () => {
    const ok = await hub.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    expect(ok.body).toMatchObject({ accessToken: expect.any(String), role: 'admin' });
    await hub.http().post('/api/v1/auth/login').send({ ...ADMIN, password: 'wrong-password' }).expect(401);
    await hub.http().post('/api/v1/auth/login').send({ username: 'nobody', password: 'whatever-it-is' }).expect(401);
    await hub.http().post('/api/v1/auth/login').send({ username: 'admin' }).expect(400);
    const [stored] = await hub.db.query(`SELECT password_hash FROM staff_user WHERE username = 'admin'`);
    expect(stored.password_hash).toMatch(/^scrypt\$32768\$/);
    const audit = await hub.db.query(`SELECT action, count(*)::int AS n FROM audit_log WHERE action LIKE 'login%' GROUP BY action ORDER BY action`);
    expect(audit).toEqual([{ action: 'login', n: 1 }, { action: 'login.failed', n: 2 }]);
  });

  it('locks an account after five wrong passwords in a row, with the same answer as a wrong password, and audits it', async () => {
    await hub.app.get(AuthService).createUser('lockme', 'the-right-password-1', 'staff', null);
    const login = (password: string) => hub.http().post('/api/v1/auth/login').send({ username: 'lockme', password });
    await login('wrong-password-0').expect(401);
    await login('the-right-password-1').expect(200); // a good sign-in resets the count
    for (let i = 1; i <= 5; i++) await login(`wrong-password-${i}`).expect(401);
    const refused = await login('the-right-password-1').expect(401); // locked: the right password is refused too
    expect(refused.body.message).toBe('wrong username or password');
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'login.locked' AND target = 'lockme'`);
    expect(n).toBe(1);
    clock.advance(16 * 60_000);
    try {
      await login('the-right-password-1').expect(200);
      const [row] = await hub.db.query(`SELECT failed_logins, locked_until FROM staff_user WHERE username = 'lockme'`);
      expect(row).toEqual({ failed_logins: 0, locked_until: null });
    } finally {
      clock.advance(-16 * 60_000);
    }
  });

  it('refuses tampered and expired tokens', async () => {
    const token = await hub.login(ADMIN.username, ADMIN.password);
    await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${token}`).expect(200);
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin', usr: 'mallory' })).toString('base64url');
    await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${h}.${forged}.${s}`).expect(401);
    clock.advance(8 * 3600 * 1000 + 1000);
    await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${token}`).expect(401);
    clock.advance(-(8 * 3600 * 1000 + 1000));
  });

  it('shows staff the case list with contact details masked', async () => {
    const token = await hub.userToken('staff');
    const res = await hub.http().get('/api/v1/cases?channel=portal-zhujian&page=1&pageSize=10').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({ caseNo, channelId: 'portal-zhujian', status: 'new', citizenMasked: true, citizen: { phone: '136****2222', name: '钱*', email: 'q***@example.com', idNumber: '1101**********002X' } });
    const text = JSON.stringify(res.body);
    for (const secret of ['13611112222', '钱七', 'qq7@example.com', '11010519491231002X']) expect(text).not.toContain(secret);
    await hub.http().get('/api/v1/cases?status=bogus').set('Authorization', `Bearer ${token}`).expect(400);
    await hub.http().get('/api/v1/cases?pageSize=1000').set('Authorization', `Bearer ${token}`).expect(400);
    const other = await hub.http().get('/api/v1/cases?channel=portal-jiaoyu').set('Authorization', `Bearer ${token}`).expect(200);
    expect(other.body.total).toBe(0);
  });

  it('reveals contact details to mailbox staff on request, and records who looked', async () => {
    const token = await hub.userToken('staff');
    const masked = await hub.http().get(`/api/v1/cases/${caseNo}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(masked.body.citizen.phone).toBe('136****2222');
    expect(masked.body.timeline.map((e: { type: string }) => e.type)).toEqual(['received', 'registered']);
    const shown = await hub.http().get(`/api/v1/cases/${caseNo}?reveal=citizen`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(shown.body.citizen).toEqual({ phone: '13611112222', name: '钱七', email: 'qq7@example.com', idNumber: '11010519491231002X' });
    const audit = await hub.db.query(`SELECT actor, target FROM audit_log WHERE action = 'case.reveal_citizen'`);
    expect(audit).toHaveLength(1);
    expect(audit[0].target).toBe(caseNo);
    const raw = await hub.http().get(`/api/v1/cases/${caseNo}/raw`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(raw.body).toMatchObject({ via: 'api', body: { phone: '13611112222' } });
  });

  it('does not reveal to leaders, and shows a unit only its own cases', async () => {
    const leader = await hub.userToken('leader');
    await hub.http().get(`/api/v1/cases/${caseNo}?reveal=citizen`).set('Authorization', `Bearer ${leader}`).expect(403);
    await hub.http().get(`/api/v1/cases/${caseNo}/raw`).set('Authorization', `Bearer ${leader}`).expect(403);
    const unit = await hub.userToken('unit', '市住建局');
    const list = await hub.http().get('/api/v1/cases?unit=').set('Authorization', `Bearer ${unit}`).expect(200);
    expect(list.body.total).toBe(0); // not transferred to it yet
    await hub.http().get(`/api/v1/cases/${caseNo}`).set('Authorization', `Bearer ${unit}`).expect(404);
  });

  it('takes a disabled account’s tokens away, and gives a unit account without a unit nothing', async () => {
    const token = await hub.userToken('staff');
    await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${token}`).expect(200);
    const [{ username }] = await hub.db.query(`SELECT username FROM staff_user WHERE role = 'staff' ORDER BY id DESC LIMIT 1`);
    await hub.app.get(require('../../src/auth/auth.service').AuthService).disable(username);
    await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${token}`).expect(401);
    const orphan = await hub.userToken('unit', null);
    await hub.http().get(`/api/v1/cases/${caseNo}`).set('Authorization', `Bearer ${orphan}`).expect(404);
    expect((await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${orphan}`).expect(200)).body.total).toBe(0);
  });

  it('signs out everywhere: every token of the account stops working, and signing in again works', async () => {
    const auth = hub.app.get(AuthService);
    await auth.createUser('leaving-staff', 'a-long-test-password', 'staff', null);
    const first = await hub.login('leaving-staff', 'a-long-test-password');
    const second = await hub.login('leaving-staff', 'a-long-test-password'); // another device
    const signedIn = await hub.http().post('/console/login').type('form').send({ username: 'leaving-staff', password: 'a-long-test-password' }).expect(303);
    const cookie = ([] as string[]).concat(signedIn.headers['set-cookie'] ?? []).find((c) => c.startsWith('hub_console='))!.split(';')[0];
    await hub.http().get('/console/desk').set('Cookie', cookie).expect(200);
    await hub.http().post('/api/v1/auth/logout').expect(401); // needs a sign-in
    await hub.http().post('/api/v1/auth/logout').set('Authorization', `Bearer ${first}`).expect(204);
    for (const token of [first, second]) await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${token}`).expect(401);
    const away = await hub.http().get('/console/desk').set('Cookie', cookie);
    expect([away.status, away.headers.location]).toEqual([303, expect.stringContaining('/console/login')]);
    const again = await hub.login('leaving-staff', 'a-long-test-password');
    await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${again}`).expect(200);
    const [audit] = await hub.db.query(`SELECT actor FROM audit_log WHERE action = 'logout' ORDER BY id DESC LIMIT 1`);
    expect(audit.actor).toBe('leaving-staff');
  });

  it('the console’s 退出 takes the cookie’s token away too (a copy of the cookie no longer opens anything)', async () => {
    await hub.app.get(AuthService).createUser('console-leaver', 'a-long-test-password', 'leader', null);
    const res = await hub.http().post('/console/login').type('form').send({ username: 'console-leaver', password: 'a-long-test-password' }).expect(303);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('hub_console='))!.split(';')[0];
    const token = cookie.slice('hub_console='.length);
    await hub.http().get('/console/reports').set('Cookie', cookie).expect(200);
    const out = await hub.http().post('/console/logout').set('Cookie', cookie).type('form').send({ _csrf: csrfFor(token, hub.config.jwtSecret) }).expect(303);
    expect(String(out.headers['set-cookie'])).toMatch(/hub_console=;/);
    const copied = await hub.http().get('/console/reports').set('Cookie', cookie);
    expect(copied.status).toBe(303);
    await hub.http().get('/api/v1/reports').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('guards the queue dashboard', async () => {
    await hub.http().get('/admin/queues').expect(401);
    const unit = await hub.userToken('unit', '市住建局');
    await hub.http().get(`/admin/queues?token=${unit}`).expect(401);
    const admin = await hub.login(ADMIN.username, ADMIN.password);
    const enter = await hub.http().get(`/admin/queues?token=${admin}`).expect(302);
    const cookie = String(enter.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await hub.http().get('/admin/queues').set('Cookie', cookie.split(';')[0]).expect(200);
    expect(page.text).toContain('<html');
  });

  it('serves operations: health, metrics without personal data, OpenAPI', async () => {
    expect((await hub.http().get('/health').expect(200)).body).toEqual({ status: 'ok', postgres: 'up', redis: 'up' });
    await hub.http().get('/metrics').expect(401);
    const unit = await hub.userToken('unit', '市住建局');
    await hub.http().get('/metrics').set('Authorization', `Bearer ${unit}`).expect(401);
    await hub.http().get('/metrics').set('Authorization', 'Bearer not-the-scrape-token-0123456789').expect(401);
    await hub.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    const metrics = await hub.http().get('/metrics').set('Authorization', `Bearer ${await hub.userToken('staff')}`).expect(200);
    expect(metrics.text).toContain('hub_intake_total{channel="portal-zhujian",outcome="accepted"} 1');
    expect(metrics.text).toMatch(/hub_queue_jobs\{queue="intake",state="waiting"\} \d+/);
    expect(metrics.text).toContain('hub_inbound_backlog{status="pending"} 0');
    expect(metrics.text).not.toContain('13611112222');
    const docs = await hub.http().get('/docs').expect(200);
    expect(docs.text).toContain('swagger');
    const spec = await hub.http().get('/docs-json').expect(200);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/v1/channels/{channelId}/messages', '/api/v1/query/{queryCode}', '/api/v1/cases']));
  });
});

describe('signing out with several API processes', () => {
  let a: TestHub;
  let b: TestHub;
  beforeAll(async () => {
    a = await startHub();
    b = await startHub({ reset: false });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('a new sign-in works at once on a process that still remembers the account from before the sign-out', async () => {
    await a.app.get(AuthService).createUser('two-process-user', 'a-long-test-password', 'staff', null);
    const old = await a.login('two-process-user', 'a-long-test-password');
    await b.http().get('/api/v1/cases').set('Authorization', `Bearer ${old}`).expect(200); // b caches the account now
    await a.http().post('/api/v1/auth/logout').set('Authorization', `Bearer ${old}`).expect(204);
    await a.http().get('/api/v1/cases').set('Authorization', `Bearer ${old}`).expect(401); // at once where it was signed out
    const fresh = await a.login('two-process-user', 'a-long-test-password');
    await b.http().get('/api/v1/cases').set('Authorization', `Bearer ${fresh}`).expect(200); // not refused by b's older cache
    await b.http().get('/api/v1/cases').set('Authorization', `Bearer ${old}`).expect(401); // and b now knows the old one is gone
  });
});

describe('rate limit on public routes', () => {
  let hub: TestHub;
  beforeAll(async () => (hub = await startHub({ env: { HUB_RATE_LIMIT: '3' } })));
  afterAll(() => hub.close());

  it('answers 429 past HUB_RATE_LIMIT requests a minute from one client, and leaves staff routes alone', async () => {
    const staff = await hub.userToken('staff'); // signing in is a public request: 1 of 3
    for (let i = 0; i < 2; i++) await hub.http().get('/api/v1/channels').expect(200);
    const res = await hub.http().get('/api/v1/channels').expect(429);
    expect(res.headers['retry-after']).toBeDefined();
    await hub.http().post('/api/v1/channels/mailbox/messages').send(validMessage()).expect(429);
    // A signature header alone buys nothing.
    await hub.http().post('/api/v1/auth/login').set('X-Hub-Signature', 'sha256=' + '0'.repeat(64)).send({ username: 'x', password: 'y' }).expect(429);
    for (let i = 0; i < 5; i++) await hub.http().get('/api/v1/cases').set('Authorization', `Bearer ${staff}`).expect(200);
  });
});

function rateLimitStorage(hub: TestHub): HubThrottlerStorage {
  return hub.app.get<HubThrottlerStorage>(ThrottlerStorage as unknown as string, { strict: false });
}

/** Waits until the hub's rate limit counts in Redis (its connection opens while the app boots). */
async function countingInRedis(hub: TestHub): Promise<void> {
  for (let i = 0; i < 150 && !rateLimitStorage(hub).sharedCount; i++) await new Promise((r) => setTimeout(r, 50));
  expect(rateLimitStorage(hub).sharedCount).toBe(true);
}

describe('rate limit shared by every API process (HUB_RATE_LIMIT_STORE=redis, the default)', () => {
  // Two API apps on one PostgreSQL and one Redis, as two processes behind a proxy would be.
  const env = { HUB_RATE_LIMIT: '10', HUB_TRUST_PROXY: 'loopback' };
  let a: TestHub;
  let b: TestHub;
  beforeAll(async () => {
    a = await startHub({ env });
    b = await startHub({ env, reset: false });
    await countingInRedis(a);
    await countingInRedis(b);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });
  const from = (hub: TestHub, ip: string) => hub.http().get('/api/v1/channels').set('X-Forwarded-For', ip);

  it('counts one budget per client across processes', async () => {
    for (let i = 0; i < 5; i++) await from(a, '198.51.100.1').expect(200);
    for (let i = 0; i < 5; i++) await from(b, '198.51.100.1').expect(200);
    const res = await from(a, '198.51.100.1').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await from(b, '198.51.100.1').expect(429);
    // Another client behind the same proxy has a budget of its own.
    await from(b, '198.51.100.2').expect(200);
  });

  it('lets exactly the limit through when a client sends many requests at once to both processes', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => from(i % 2 ? a : b, '198.51.100.3').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });

  it('keeps no client address in Redis, only a hash of it, and only for the window', async () => {
    await from(a, '198.51.100.4').expect(200);
    const redis = new IORedis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys('hub:ratelimit:*');
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.join(' ')).not.toContain('198.51.100');
      for (const k of keys) expect(await redis.pttl(k)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});

describe('rate limit when Redis is away or hangs', () => {
  const proxy = new TcpProxy('127.0.0.1', Number(new URL(TEST_REDIS_URL).port || 6379));
  let hub: TestHub;
  beforeAll(async () => {
    const port = await proxy.start();
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.port = String(port);
    hub = await startHub({ env: { HUB_RATE_LIMIT: '4', HUB_TRUST_PROXY: 'loopback', REDIS_URL: redisUrl.toString() } });
    await countingInRedis(hub);
  });
  afterAll(async () => {
    await hub?.close();
    await proxy.cut();
  });
  // Each test is another client, so what one counted does not block the next.
  const statuses = async (ip: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await hub.http().get('/api/v1/channels').set('X-Forwarded-For', ip).timeout(5000)).status);
    return out;
  };
  /** Redis back: the hub reconnects (health says so) and counts there again. */
  const healthy = async () => {
    for (let i = 0; i < 100 && (await hub.http().get('/health')).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    await hub.http().get('/health').expect(200);
    await countingInRedis(hub);
  };

  it('counts in the process while Redis is cut: public routes keep answering, and still stop at the limit', async () => {
    expect(await statuses('203.0.113.1', 1)).toEqual([200]); // counted in Redis
    await proxy.cut();
    expect(await statuses('203.0.113.2', 6)).toEqual([200, 200, 200, 200, 429, 429]);
    await proxy.restore();
    await healthy();
  });

  it('does not wait on a Redis that hangs: each answer comes at once, counted in the process', async () => {
    proxy.stall(); // connected, but nothing comes back (without a command timeout every request would hang here)
    try {
      expect(await statuses('203.0.113.3', 6)).toEqual([200, 200, 200, 200, 429, 429]);
      expect(rateLimitStorage(hub).sharedCount).toBe(false);
    } finally {
      proxy.unstall();
    }
    await healthy(); // and back to the shared count a few seconds later
    expect(await statuses('203.0.113.4', 1)).toEqual([200]);
    const redis = new IORedis(TEST_REDIS_URL);
    try {
      expect((await redis.keys('hub:ratelimit:*')).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});

describe('the shared rate-limit count itself (HubThrottlerStorage against Redis)', () => {
  let storage: HubThrottlerStorage;
  beforeAll(async () => {
    const redis = new IORedis(TEST_REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    storage = new HubThrottlerStorage(loadConfig({ REDIS_URL: TEST_REDIS_URL, HUB_RATE_LIMIT: '2' }));
    for (let i = 0; i < 100 && !storage.sharedCount; i++) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(() => storage.onModuleDestroy());
  const hit = (key: string, blockMs: number) => storage.increment(key, 60_000, 2, blockMs, 'default');

  it('blocks past the limit for blockDuration, then counts again from zero', async () => {
    expect(await hit('k1', 300)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit('k1', 300)).toMatchObject({ totalHits: 2, isBlocked: false });
    expect(await hit('k1', 300)).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    expect(await hit('k1', 300)).toMatchObject({ isBlocked: true });
    await new Promise((r) => setTimeout(r, 350)); // the block (shorter than the window) is over
    expect(await hit('k1', 300)).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(storage.sharedCount).toBe(true);
  });

  it('refuses past the limit with no block at all (blockDuration 0), still in Redis', async () => {
    await hit('k2', 0);
    await hit('k2', 0);
    expect(await hit('k2', 0)).toMatchObject({ isBlocked: true, timeToBlockExpire: 0 });
    expect(storage.sharedCount).toBe(true); // no script error, so no fallback
  });
});
