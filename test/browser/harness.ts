/**
 * Browser tests: the hub in this process (API and worker, as the e2e tests run it, on the test
 * database and Redis database), one headless Chromium per test file (Debian's package driven by
 * playwright-core, the flags the report renderer uses), a fresh browser context per test (its own
 * cookies), a helper that signs in through the console's login page, and a screenshot of the page
 * when a test fails, in /tmp/hub-browser-screenshots/<test name>.png (the path is added to the
 * failure message).
 *
 *   browserSuite('a citizen', (b) => {
 *     b.test('writes to the mailbox', async (page) => { await page.goto(b.url('/mailbox')); ... });
 *   });
 *
 * Locate by role and accessible name (page.getByRole / getByLabel): a page whose controls have
 * no label fails the test, which is the point.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { AuthService } from '../../src/auth/auth.service';
import { StaffRole } from '../../src/auth/entities/staff-user.entity';
import { CHROMIUM_ARGS } from '../../src/reports/render/pdf-renderer';
import { startHub, TestHub } from '../utils/hub';

export const SCREENSHOT_DIR = '/tmp/hub-browser-screenshots';
const CHROMIUM = process.env.HUB_CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'a-long-browser-test-password';

/** A test file's hub and browser, filled in by the suite's beforeAll. */
export class BrowserSuite {
  hub!: TestHub;
  browser!: Browser;
  baseUrl = '';
  private users = 0;

  constructor(private readonly env: Record<string, string> = {}) {}

  async start(): Promise<void> {
    this.hub = await startHub({ env: this.env });
    const { port } = this.hub.app.getHttpServer().address() as { port: number };
    this.baseUrl = `http://127.0.0.1:${port}`;
    try {
      this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    } catch (err) {
      throw new Error(`Chromium at ${CHROMIUM} did not start (apt-get install -y chromium; see ../shared/design/stack.md): ${(err as Error).message.split('\n')[0]}`);
    }
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await this.hub?.close();
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** A console account (created with AuthService); returns its username and password. */
  async user(role: StaffRole, unit: string | null = null): Promise<{ username: string; password: string }> {
    const username = `browser-${role}-${++this.users}`;
    await this.hub.app.get(AuthService).createUser(username, PASSWORD, role, unit);
    return { username, password: PASSWORD };
  }

  /** Signs in through /console/login (the form's labelled fields and its button), landing on `next` or the console home. */
  async signIn(page: Page, who: { username: string; password: string }, next?: string): Promise<void> {
    await page.goto(this.url(`/console/login${next ? `?next=${encodeURIComponent(next)}` : ''}`));
    await page.getByLabel('用户名').fill(who.username);
    await page.getByLabel('密码').fill(who.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登录' }).click()]);
    if (new URL(page.url()).pathname === '/console/login') {
      const alert = await page.getByRole('alert').textContent().catch(() => null);
      throw new Error(`signing in as ${who.username} failed${alert ? `: ${alert.trim()}` : ''}`);
    }
  }

  /** A test with its own browser context and page; on failure a screenshot of the page, named after the test. */
  test(name: string, fn: (page: Page) => Promise<void>, timeout?: number): void {
    it(name, () => this.run(fn), timeout);
  }

  private async run(fn: (page: Page) => Promise<void>): Promise<void> {
    const context = await this.browser.newContext({ locale: 'zh-CN', viewport: { width: 1200, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      await fn(page);
    } catch (err) {
      const shot = await screenshot(page, expect.getState().currentTestName ?? 'browser-test');
      if (err instanceof Error && shot) err.message += `\n(screenshot of the page: ${shot})`;
      throw err;
    } finally {
      await context.close().catch(() => undefined);
    }
  }
}

async function screenshot(page: Page, testName: string): Promise<string | undefined> {
  try {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = join(SCREENSHOT_DIR, `${testName.replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 150)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    process.stderr.write(`browser test failed: screenshot in ${file}\n`);
    return file;
  } catch {
    return undefined;
  }
}

/** A describe block with one hub and one Chromium for all its tests. */
export function browserSuite(title: string, define: (b: BrowserSuite) => void, env?: Record<string, string>): void {
  describe(title, () => {
    const suite = new BrowserSuite(env);
    beforeAll(() => suite.start(), 60_000);
    afterAll(() => suite.stop(), 30_000);
    define(suite);
  });
}
