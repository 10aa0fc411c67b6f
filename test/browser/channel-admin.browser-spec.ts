import { ADMIN } from '../utils/env';
import { browserSuite } from './harness';

const CHANNEL = 'portal-zhujian';

browserSuite('an administrator edits a channel in the console', (b) => {
  const config = async () => {
    const admin = await b.hub.login(ADMIN.username, ADMIN.password);
    const res = await b.hub.http().get(`/api/v1/admin/channels/${CHANNEL}`).set('Authorization', `Bearer ${admin}`).expect(200);
    return res.body as { version: number; config: Record<string, unknown> };
  };

  b.test('edits a setting, sees the diff before saving, saves, then restores the previous version from the history', async (page) => {
    const before = await config();
    await b.signIn(page, ADMIN);
    await page.goto(b.url(`/console/channels/${CHANNEL}`));
    await page.getByRole('heading', { name: '修改' }).waitFor();

    // Edit one setting of the portal adapter's configuration (its label is the setting's name).
    const field = page.getByLabel('replayWindowSeconds');
    const old = await field.inputValue();
    const next = old === '600' ? '900' : '600';
    await field.fill(next);
    await page.getByLabel(/^修改说明/).fill('浏览器测试：放宽签名时间窗口');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '预览修改' }).click()]);

    // The preview shows the change, and nothing is saved yet.
    await page.getByRole('heading', { name: /^改动预览/ }).waitFor();
    const row = page.getByRole('row', { name: /replayWindowSeconds/ });
    expect(await row.count()).toBe(1);
    expect(await row.locator('ins').textContent()).toContain(next);
    expect((await config()).version).toBe(before.version);

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '确认保存' }).click()]);
    expect(await page.getByRole('status').first().textContent()).toContain(`已保存为版本 ${before.version + 1}`);
    const saved = await config();
    expect(saved).toMatchObject({ version: before.version + 1, config: { replayWindowSeconds: Number(next) } });

    // The history lists both versions; restoring the previous one makes a new version equal to it.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '版本历史' }).click()]);
    expect(new URL(page.url()).pathname).toBe(`/console/channels/${CHANNEL}/history`);
    const previous = page.getByRole('region', { name: new RegExp(`^版本 ${before.version}(?!\\d)`) });
    await Promise.all([page.waitForNavigation(), previous.getByRole('button', { name: '恢复此版本' }).click()]);
    expect(await page.getByRole('status').first().textContent()).toContain(`已恢复版本 ${before.version}`);
    const restored = await config();
    expect(restored.version).toBe(before.version + 2);
    expect(restored.config.replayWindowSeconds).toEqual(before.config.replayWindowSeconds);
  });
});
