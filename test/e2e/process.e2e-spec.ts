/**
 * The built hub as a real process, as `npm start` runs it: the API with its worker in a child
 * process, a database that does not exist yet, JSON logs, and a clean stop on SIGTERM.
 * Needs `npm run build` first (`npm test` does it).
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { eventually } from '../utils/hub';
import { dropTestStore, freePort, MAIN, spawnBuiltHub } from '../utils/hub-process';

const DB = 'liuyan_test_process';

/** The built hub with exactly this environment (plus PATH). */
const run = (env: Record<string, string>) => spawnBuiltHub('hub', env);

describe('the hub as a process (npm start)', () => {
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    await dropTestStore(DB);
  });

  it('refuses to boot on bad configuration, naming the variable', async () => {
    const { exited, output } = run({ PORT: 'abc' });
    expect((await exited).code).toBe(78);
    expect(output()).toContain('PORT must be an integer');
    const redis = run({ REDIS_URL: 'http://nope' });
    expect((await redis.exited).code).toBe(78);
    expect(redis.output()).toContain('REDIS_URL');
  });

  it('creates its database, serves with a worker process, logs no personal data, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const hub = run({
      PORT: String(port),
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`,
      REDIS_URL: 'redis://127.0.0.1:6379/14',
      HUB_LOG_LEVEL: 'info',
      HUB_ADMIN_USERNAME: 'admin',
      HUB_ADMIN_PASSWORD: 'process-test-password',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => ((await fetch(`${base}/health`).catch(() => undefined))?.status === 200 ? true : undefined), 30_000, 'the hub to answer /health');
      const res = await fetch(`${base}/api/v1/channels/portal-minzheng/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ content: '低保申请进度查询', phone: '13566667777', name: '孙八', email: 'sun8@example.com', idNumber: '11010519491231002X' }),
      });
      expect(res.status).toBe(202);
      const { queryCode } = (await res.json()) as { queryCode: string };
      const progress = await eventually(async () => {
        const q = (await (await fetch(`${base}/api/v1/query/${queryCode}`)).json()) as { caseNo: string | null };
        return q.caseNo ? q : undefined;
      }, 20_000, 'the worker process to register the case');
      expect(progress.caseNo).toMatch(/^AJ/);

      // A report printed to PDF in the worker process (headless Chromium) must not stop SIGTERM
      // from shutting the hub down (playwright installs signal handlers unless told not to).
      const { accessToken } = (await (await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'process-test-password' }),
      })).json()) as { accessToken: string };
      const auth = { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' };
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
      const asked = await fetch(`${base}/api/v1/reports/special`, { method: 'POST', headers: auth, body: JSON.stringify({ title: '进程测试专报', from: today, to: today }) });
      expect(asked.status).toBe(202);
      const { id } = (await asked.json()) as { id: string };
      const report = await eventually(async () => {
        const r = (await (await fetch(`${base}/api/v1/reports/${id}`, { headers: auth })).json()) as { status: string; pdfPages: number | null; error: string | null };
        if (r.status === 'failed') throw new Error(`the report failed: ${r.error}`);
        return r.status === 'done' ? r : undefined;
      }, 60_000, 'the worker process to print the report');
      expect(report.pdfPages).toBeGreaterThanOrEqual(1);

      hub.child.kill('SIGTERM');
      const { code } = await hub.exited;
      expect(code).toBe(0);
      const log = hub.output();
      expect(log).toContain('"msg":"request completed"'); // structured access log
      for (const secret of ['13566667777', '孙八', 'sun8@example.com', '11010519491231002X', queryCode]) expect(log).not.toContain(secret);
      expect(log).toContain('hub worker running');
    } finally {
      hub.child.kill('SIGKILL');
    }
  });

  it('leaves no orphan: the worker process stops when its supervisor is killed', async () => {
    const port = await freePort();
    const hub = run({ PORT: String(port), DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`, REDIS_URL: 'redis://127.0.0.1:6379/14' });
    const workerPid = await eventually(async () => {
      const m = /worker in process (\d+)/.exec(hub.output());
      return m && hub.output().includes('hub worker running') ? Number(m[1]) : undefined;
    }, 30_000, 'the worker to start');
    hub.child.kill('SIGKILL');
    await hub.exited;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await eventually(async () => (alive(workerPid) ? undefined : true), 15_000, `worker ${workerPid} to exit`);
  });

  it('leaves no worker behind when the API cannot start (its port is taken)', async () => {
    const hubs = () => {
      try {
        return execSync(`pgrep -f "${MAIN}"`).toString().trim().split('\n').filter(Boolean).length;
      } catch {
        return 0; // pgrep exits 1 when nothing matches
      }
    };
    const before = hubs();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', r));
    const { port } = blocker.address() as { port: number };
    try {
      const hub = run({ PORT: String(port), DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`, REDIS_URL: 'redis://127.0.0.1:6379/14' });
      expect((await hub.exited).code).toBe(1);
      expect(hub.output()).toContain('EADDRINUSE');
      await eventually(async () => (hubs() === before ? true : undefined), 20_000, 'the worker to exit too');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
