/**
 * Screenshots of a running demo for the README (docs/screenshots/): the console's home page as
 * mailbox staff, the mailbox form a portal's link lands on, and the 一键查询 page with a reply.
 *
 *   npm run demo                                  # in one terminal; wait for the links
 *   node dist/demo/screenshots.js [links.json] [out-dir]
 *
 * links.json is what the demo wrote next to the hub's log (/tmp/hub-demo/links.json).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../src/reports/render/pdf-renderer';
import { STAFF } from './settings';

async function main(): Promise<void> {
  const links = JSON.parse(readFileSync(process.argv[2] ?? join(tmpdir(), 'hub-demo', 'links.json'), 'utf8')) as { baseUrl: string; queryCode: string };
  const outDir = resolve(process.argv[3] ?? 'docs/screenshots');
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.HUB_CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const shot = async (name: string) => {
      const path = join(outDir, name);
      await page.screenshot({ path, fullPage: true });
      process.stdout.write(`${path}\n`);
    };

    await page.goto(`${links.baseUrl}/console/login`);
    await page.getByLabel('用户名').fill(STAFF.username);
    await page.getByLabel('密码').fill(STAFF.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${links.baseUrl}/console`);
    await shot('console-home-staff.png');

    await page.goto(`${links.baseUrl}/go/portal-jiaoyu`);
    await page.getByRole('button', { name: '提交留言' }).waitFor();
    await shot('mailbox-form.png');

    await page.goto(`${links.baseUrl}/query`);
    await page.getByLabel(/查询码/).fill(links.queryCode);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('heading', { name: '答复', exact: true }).waitFor();
    await shot('query-reply.png');
  } finally {
    await browser.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`screenshots failed: ${err.message}\n`);
  process.exit(1);
});
