/**
 * The console's 渠道接入 pages (administrators) over HTTP against the real hub: the table by
 * disposition with a pulled channel's health, the manifest-generated edit form, preview → apply
 * (versioned, audited, refused when stale), history and restore, secrets never echoed, CSRF, a
 * disposition change reaching /go/ and intake at once (with a long registry cache), and the
 * dry-run connection test against the leaders' board test server.
 */
import { openChannelSecrets } from '../../src/channels/domain/channel-secrets';
import { PiiCipher } from '../../src/crypto/pii-cipher';
import * as cheerio from 'cheerio';
import { AuthService } from '../../src/auth/auth.service';
import { PullRepository } from '../../src/pull/pull.repository';
import { PullService } from '../../src/pull/pull.service';
import { LeadersBoard, startLeadersBoard } from '../servers/leaders-board';
import { ADMIN } from '../utils/env';
import { drained, startHub, TestHub, validMessage } from '../utils/hub';

const BOARD = 'people-leaders-board';
const PASSWORD = 'a-long-test-password';
const SECRET = 'Fw-secret-never-shown-0123456789abcdefXYZ';
const FAST_PULLS = { HUB_PULL_BACKOFF_MS: '20', HUB_PULL_MAX_BACKOFF_MS: '100', HUB_PULL_RETRIES: '2', HUB_PULL_TIMEOUT_MS: '3000' };

interface Session {
  cookie: string;
  csrf: string;
}

interface Posted {
  status: number;
  location?: string;
  flash?: string;
  error?: boolean;
  text: string;
}

describe('console: 渠道接入 (channel integration, administrators)', () => {
  let hub: TestHub;
  let board: LeadersBoard;
  let admin: Session;
  let apiToken: string;

  async function signIn(username: string, password: string): Promise<Session> {
    const res = await hub.http().post('/console/login').type('form').send({ username, password }).expect(303);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('hub_console='))!.split(';')[0];
    const html = await hub.http().get('/console').set('Cookie', cookie).expect(200);
    return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(html.text)![1] };
  }
  const get = (s: Session, path: string) => hub.http().get(path).set('Cookie', s.cookie);
  async function post(s: Session, path: string, fields: Record<string, string>, csrf = true): Promise<Posted> {
    const form = new URLSearchParams(csrf ? { ...fields, _csrf: s.csrf } : fields).toString();
    const res = await hub.http().post(path).set('Cookie', s.cookie).type('form').send(form);
    const raw = ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith('hub_flash='));
    const value = raw ? decodeURIComponent(raw.split(';')[0].slice('hub_flash='.length)) : undefined;
    return { status: res.status, location: res.headers.location, flash: value?.slice(1), error: value?.startsWith('!'), text: res.text };
  }

  /** What a browser would send for the form posting to `action`, untouched, then `over` applied. */
  function formFields(html: string, action: string, over: Record<string, string | null> = {}): Record<string, string> {
    const $ = cheerio.load(html);
    const form = $(`form[action="${action}"]`);
    expect(form.length).toBe(1);
    const fields: Record<string, string> = {};
    form.find('input, textarea, select').each((_, el) => {
      const e = $(el);
      const name = e.attr('name');
      if (!name) return;
      const type = (e.attr('type') ?? '').toLowerCase();
      if (el.tagName === 'textarea') fields[name] = e.text();
      else if (el.tagName === 'select') fields[name] = e.find('option[selected]').attr('value') ?? e.find('option').first().attr('value') ?? '';
      else if (type === 'checkbox') {
        if (e.attr('checked') !== undefined) fields[name] = e.attr('value') ?? 'on';
      } else fields[name] = e.attr('value') ?? '';
    });
    for (const [k, v] of Object.entries(over)) {
      if (v === null) delete fields[k];
      else fields[k] = v;
    }
    return fields;
  }

  /** Edit page → preview with changes; answers the preview's response. */
  async function preview(s: Session, id: string, over: Record<string, string | null>): Promise<Posted> {
    const page = await get(s, `/console/channels/${id}`).expect(200);
    return post(s, `/console/channels/${id}/preview`, formFields(page.text, `/console/channels/${id}/preview`, over));
  }
  const proposalOf = (html: string) => cheerio.load(html)('form[action$="/apply"] input[name="proposal"]').attr('value')!;
  /** The stored row, its configuration as the hub reads it; the stored form never holds the secret in clear. */
  const channelRow = async (id: string) => {
    const row = (await hub.db.query(`SELECT version, disposition, config, enabled FROM channel WHERE id = $1`, [id]))[0];
    expect(JSON.stringify(row.config)).not.toContain(SECRET);
    return { ...row, config: openChannelSecrets(row.config, hub.app.get(PiiCipher)).config };
  };
  const versionRows = async (id: string) => (await hub.db.query(`SELECT count(*)::int AS n FROM channel_version WHERE channel_id = $1`, [id]))[0].n as number;

  beforeAll(async () => {
    board = await startLeadersBoard({ firstTid: 5000 });
    // A long registry cache: a change must reach /go/ and intake through the registry's invalidation, not by expiry.
    hub = await startHub({ env: { ...FAST_PULLS, HUB_CHANNEL_CACHE_MS: '60000' } });
    await hub.app.get(AuthService).createUser('staff-c', PASSWORD, 'staff', null);
    admin = await signIn(ADMIN.username, ADMIN.password);
    apiToken = await hub.login(ADMIN.username, ADMIN.password);
    // The leaders' board configured through the API and pulled once: it has health and a cursor.
    for (let i = 0; i < 4; i++) board.state.addThread({ fid: 593, subject: `测试留言第${i}号`, content: `关于盐湖区第${i}条道路的问题，路面坑洼不平，请尽快修复。` });
    await hub.http().patch(`/api/v1/admin/channels/${BOARD}`).set('Authorization', `Bearer ${apiToken}`)
      .send({ enabled: true, config: { baseUrl: board.url, fids: ['593'], minIntervalMs: 200 } }).expect(200);
    expect(await hub.app.get(PullService).run(BOARD, { manual: true })).toMatchObject({ outcome: 'ok', created: 4 });
    await drained(hub.db);
  });
  afterAll(async () => {
    await hub?.close();
    await board?.close();
  });

  it('lists the channels by disposition with their counts, and a pulled channel’s health', async () => {
    board.state.badSignature = true;
    expect((await hub.app.get(PullService).run(BOARD, { manual: true })).outcome).toBe('failed');
    board.state.badSignature = false;
    const cursor = (await hub.app.get(PullRepository).cursors(BOARD))['593'];

    const res = await get(admin, '/console/channels').expect(200);
    const $ = cheerio.load(res.text);
    const heading = (d: string) => $(`#group-${d}`).text();
    expect(heading('closed')).toBe('关闭留言（23 个）');
    expect(heading('redirected')).toBe('跳转至市长信箱（12 个）');
    expect(heading('retained')).toBe('保留受理（定时拉取）（2 个）');
    expect(heading('excluded')).toBe('不予整合（5 个）');
    expect($('section[aria-labelledby="group-closed"] tbody tr')).toHaveLength(23);
    expect($('section[aria-labelledby="group-redirected"] tbody tr')).toHaveLength(12);
    expect($('section[aria-labelledby="group-retained"] tbody tr')).toHaveLength(2);
    expect($('section[aria-labelledby="group-excluded"] tbody tr')).toHaveLength(5);
    expect($('th[scope="row"] a[href="/console/channels/wechat-suishoupai"]').length).toBe(1);
    expect($('thead th[scope="col"]').first().text()).toBe('渠道编号');

    const row = $(`a[href="/console/channels/${BOARD}"]`).closest('tr');
    const text = row.text();
    expect(text).toContain('市委社情民意办公室');
    expect(text).toContain('2020-05-11');
    expect(text).toContain('启用');
    expect(text).toContain('people-leaders-board');
    expect(text).toContain('成功：'); // last pull
    expect(text).toContain('SN0006'); // the last error in the operator's words
    expect(text).toContain('认证或签名被拒绝');
    expect(text).toContain('连续失败 1 次');
    expect(text).toContain(`593：${cursor}`);
    expect(res.text).not.toContain('<script');
  });

  it('is for administrators only: staff get 403 on every page and action', async () => {
    const staff = await signIn('staff-c', PASSWORD);
    await get(staff, '/console/channels').expect(403);
    await get(staff, '/console/channels/portal-wenlv').expect(403);
    await get(staff, '/console/channels/portal-wenlv/history').expect(403);
    expect((await post(staff, '/console/channels/portal-wenlv/preview', { guidance: 'x' })).status).toBe(403);
    expect((await post(staff, `/console/channels/${BOARD}/test`, {})).status).toBe(403);
    // Not signed in: sent to the sign-in page.
    const anon = await hub.http().get('/console/channels').expect(303);
    expect(anon.headers.location).toBe('/console/login?next=%2Fconsole%2Fchannels');
  });

  it('edits a portal’s config through preview → apply, shows it in history, and restores the previous version', async () => {
    const id = 'portal-wenlv';
    const page = await get(admin, `/console/channels/${id}`).expect(200);
    const $ = cheerio.load(page.text);
    // One typed input per manifest setting, each with its label.
    expect($('#cfg-phoneRequired').attr('type')).toBe('checkbox');
    expect($('#cfg-replayWindowSeconds').attr('type')).toBe('number');
    expect($('#cfg-replayWindowSeconds').attr('min')).toBe('30');
    expect($('#cfg-forwardSecret').attr('type')).toBe('password');
    expect($('textarea#cfg-fieldMap').length).toBe(1);
    for (const el of $('form[action$="/preview"] input:not([type=hidden]), form[action$="/preview"] textarea, form[action$="/preview"] select').toArray()) {
      expect($(`label[for="${$(el).attr('id')}"]`).length).toBeGreaterThan(0);
    }
    expect($('fieldset legend').length).toBeGreaterThanOrEqual(3);

    // The untouched form changes nothing.
    const same = await preview(admin, id, {});
    expect(same.status).toBe(200);
    expect(same.text).toContain('没有需要保存的改动');

    const shown = await preview(admin, id, { 'cfg.fieldMap': '{"联系电话": "phone", "留言内容": "content"}', reason: '门户改版，字段改名' });
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('接入配置 fieldMap');
    expect(shown.text).toContain('联系电话');
    expect(shown.text).toContain('版本 1 → 版本 2');
    expect(await channelRow(id)).toMatchObject({ version: 1 }); // a preview saves nothing

    const applied = await post(admin, `/console/channels/${id}/apply`, { proposal: proposalOf(shown.text) });
    expect(applied).toMatchObject({ status: 303, location: `/console/channels/${id}`, flash: '已保存为版本 2，立即生效。' });
    expect(await channelRow(id)).toMatchObject({ version: 2, config: { phoneRequired: true, fieldMap: { 联系电话: 'phone', 留言内容: 'content' } } });
    // Intake uses the new mapping at once.
    const mapped = await hub.http().post(`/api/v1/channels/${id}/messages`).send({ 留言内容: '景区门票价格公示不清楚，请核实。', 联系电话: '13912345670' });
    expect(mapped.status).toBe(202);

    const history = await get(admin, `/console/channels/${id}/history`).expect(200);
    const h = cheerio.load(history.text);
    const v2 = h('section[aria-labelledby="v-2"]');
    expect(v2.find('h2').text()).toBe('版本 2（当前）');
    expect(v2.text()).toContain(ADMIN.username);
    expect(v2.text()).toContain('门户改版，字段改名');
    expect(v2.text()).toContain('接入配置 fieldMap');
    expect(v2.find('del').text()).toContain('未设置');
    expect(v2.find('ins').text()).toContain('联系电话');
    const v1 = h('section[aria-labelledby="v-1"]');
    expect(v1.find('button').text()).toBe('恢复此版本');

    // A restore made from a page older than the current version is refused too.
    expect((await post(admin, `/console/channels/${id}/restore`, { version: '1', current: '1' })).status).toBe(409);
    const restored = await post(admin, `/console/channels/${id}/restore`, formFields(history.text, `/console/channels/${id}/restore`));
    expect(restored).toMatchObject({ status: 303, location: `/console/channels/${id}/history`, flash: '已恢复版本 1，保存为新版本 3。' });
    const row = await channelRow(id);
    expect(row.version).toBe(3);
    expect(row.config).toEqual({ phoneRequired: true });
    expect(await versionRows(id)).toBe(2);
    const after = await get(admin, `/console/channels/${id}/history`).expect(200);
    expect(cheerio.load(after.text)('#v-3').text()).toBe('版本 3（当前）');
    expect(after.text).toContain('恢复至版本 1');
    const audit = await hub.db.query(`SELECT action, detail FROM audit_log WHERE target = $1 ORDER BY id`, [id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['channel.update', 'channel.update', 'channel.restore']);
  });

  it('shows every problem next to its field and saves nothing', async () => {
    const id = 'portal-zhujian';
    const res = await preview(admin, id, { name: '  ', 'cfg.replayWindowSeconds': '5', 'cfg.fieldMap': '{not json', 'cfg.forwardSecret': 'short' });
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('#problems').attr('role')).toBe('alert');
    expect($('#problems li')).toHaveLength(4);
    expect($('#err-cfg-replayWindowSeconds').text()).toContain('不能小于 30');
    expect($('#cfg-replayWindowSeconds').attr('aria-invalid')).toBe('true');
    expect($('#cfg-replayWindowSeconds').attr('aria-describedby')).toContain('err-cfg-replayWindowSeconds');
    expect($('#cfg-replayWindowSeconds').attr('value')).toBe('5'); // the form comes back as typed
    expect($('#err-cfg-fieldMap').text()).toContain('不是有效的 JSON');
    expect($('#err-cfg-forwardSecret').text()).toContain('至少 32 个字符');
    expect($('#cfg-forwardSecret').attr('value')).toBe(''); // never echoed, even when wrong
    expect($('#err-f-name').text()).toContain('不能为空');
    expect(await channelRow(id)).toMatchObject({ version: 1 });
    expect(await versionRows(id)).toBe(0);
  });

  it('never shows a secret: write-only in the form, “（已更改）” in diffs, restored from its sealed copy', async () => {
    const id = 'portal-gongxin';
    const all: string[] = [];
    const shown = await preview(admin, id, { 'cfg.forwardSecret': SECRET });
    all.push(shown.text);
    expect(shown.status).toBe(200);
    expect(cheerio.load(shown.text)('table.diff ins').text()).toContain('（已更改）');
    const applied = await post(admin, `/console/channels/${id}/apply`, { proposal: proposalOf(shown.text) });
    expect(applied.status).toBe(303);
    expect((await channelRow(id)).config.forwardSecret).toBe(SECRET);

    const detail = await get(admin, `/console/channels/${id}`).expect(200);
    all.push(detail.text);
    expect(cheerio.load(detail.text)('#cfg-forwardSecret').closest('div').text()).toContain('已设置');
    // An empty secret input keeps the secret; another change goes through.
    const other = await preview(admin, id, { 'cfg.replayWindowSeconds': '600' });
    all.push(other.text);
    expect(other.text).not.toContain('forwardSecret');
    await post(admin, `/console/channels/${id}/apply`, { proposal: proposalOf(other.text) });
    expect((await channelRow(id)).config).toMatchObject({ forwardSecret: SECRET, replayWindowSeconds: 600 });

    // Restore version 1 (no secret), then version 2 (the secret, from its sealed copy).
    let history = await get(admin, `/console/channels/${id}/history`).expect(200);
    all.push(history.text);
    expect(cheerio.load(history.text)('section[aria-labelledby="v-2"]').text()).toContain('接入配置 forwardSecret（密钥）');
    const restore = (version: number, current: number) => post(admin, `/console/channels/${id}/restore`, { version: String(version), current: String(current) });
    expect((await restore(1, 3)).flash).toBe('已恢复版本 1，保存为新版本 4。');
    expect((await channelRow(id)).config).toEqual({ phoneRequired: true });
    expect((await restore(2, 4)).flash).toBe('已恢复版本 2，保存为新版本 5。');
    expect((await channelRow(id)).config).toEqual({ phoneRequired: true, forwardSecret: SECRET });

    history = await get(admin, `/console/channels/${id}/history`).expect(200);
    all.push(history.text, (await get(admin, '/console/channels').expect(200)).text, (await get(admin, `/console/channels/${id}`).expect(200)).text);
    for (const html of all) expect(html).not.toContain(SECRET);
    const versions = await hub.db.query(`SELECT snapshot::text AS s, changes::text AS c FROM channel_version WHERE channel_id = $1`, [id]);
    for (const v of versions) expect(v.s + v.c).not.toContain(SECRET);
    const audit = await hub.db.query(`SELECT detail::text AS d FROM audit_log WHERE target = $1`, [id]);
    for (const a of audit) expect(a.d).not.toContain(SECRET);
  });

  it('refuses a POST without the CSRF token (403) and changes nothing', async () => {
    const id = 'portal-ziranziyuan';
    const shown = await preview(admin, id, { guidance: '新的引导语：请到市长信箱留言。' });
    expect(shown.status).toBe(200);
    const proposal = proposalOf(shown.text);
    expect((await post(admin, `/console/channels/${id}/apply`, { proposal }, false)).status).toBe(403);
    expect((await post(admin, `/console/channels/${id}/apply`, { proposal, _csrf: 'forged-token-forged-token-forged' }, false)).status).toBe(403);
    expect((await post(admin, `/console/channels/${id}/preview`, { guidance: 'x' }, false)).status).toBe(403);
    expect((await post(admin, `/console/channels/${id}/restore`, { version: '1' }, false)).status).toBe(403);
    expect((await post(admin, `/console/channels/${BOARD}/test`, {}, false)).status).toBe(403);
    expect(await channelRow(id)).toMatchObject({ version: 1 });
    expect(await versionRows(id)).toBe(0);
  });

  it('closes portal-jiaoyu: /go/ and intake answer 410 at once, and the change is audited', async () => {
    const id = 'portal-jiaoyu';
    await hub.http().get(`/go/${id}`).expect(302); // the registry's snapshot is warm (60 s cache)
    const shown = await preview(admin, id, { disposition: 'closed', reason: '市教育局门户改版，关闭留言' });
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('处置方式');
    expect(cheerio.load(shown.text)('table.diff ins').text()).toContain('关闭留言');
    expect((await post(admin, `/console/channels/${id}/apply`, { proposal: proposalOf(shown.text) })).status).toBe(303);

    const go = await hub.http().get(`/go/${id}`).expect(410);
    expect(go.text).toContain('href="/mailbox"');
    const intake = await hub.http().post(`/api/v1/channels/${id}/messages`).send(validMessage()).expect(410);
    expect(intake.body).toMatchObject({ error: 'channel_closed' });
    const [audit] = await hub.db.query(`SELECT actor, detail FROM audit_log WHERE action = 'channel.update' AND target = $1`, [id]);
    expect(audit).toMatchObject({ actor: ADMIN.username, detail: { version: 2, fields: ['disposition'] } });
    const list = await get(admin, '/console/channels').expect(200);
    const $ = cheerio.load(list.text);
    expect($('#group-closed').text()).toBe('关闭留言（24 个）');
    expect($('#group-redirected').text()).toBe('跳转至市长信箱（11 个）');
  });

  it('tests the connection of a pulled channel: shows what came back, stores nothing, moves no cursor', async () => {
    const repo = hub.app.get(PullRepository);
    const count = async () => (await hub.db.query(`SELECT (SELECT count(*) FROM inbound_message)::int AS i, (SELECT count(*) FROM cases)::int AS c`))[0];
    board.state.addThread({ fid: 593, subject: '新的一条：公交站台缺少遮雨棚', content: '红旗街公交站台没有遮雨棚，下雨天候车很不方便。' });
    const before = { counts: await count(), cursors: await repo.cursors(BOARD), health: await repo.health(BOARD) };

    const page = await get(admin, `/console/channels/${BOARD}`).expect(200);
    const res = await post(admin, `/console/channels/${BOARD}/test`, formFields(page.text, `/console/channels/${BOARD}/test`));
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    expect($('#r').text()).toBe('连接正常');
    expect(res.text).toContain('取回 <strong>5 条记录</strong>');
    expect(res.text).toContain('新的一条：公交站台缺少遮雨棚');
    expect(res.text).toMatch(/用时 \d+\.\d 秒/);

    await drained(hub.db);
    expect(await count()).toEqual(before.counts);
    expect(await repo.cursors(BOARD)).toEqual(before.cursors);
    expect(await repo.health(BOARD)).toEqual(before.health);

    // With a proposed (previewed, unsaved) configuration: a wrong appCode is refused upstream, in words.
    const shown = await preview(admin, BOARD, { 'cfg.appCode': 'PCwrongwrongwrong' });
    expect(shown.status).toBe(200);
    const tried = await post(admin, `/console/channels/${BOARD}/test`, formFields(shown.text, `/console/channels/${BOARD}/test`));
    expect(tried.status).toBe(200);
    expect(cheerio.load(tried.text)('#r').text()).toBe('连接失败：认证或签名被拒绝');
    expect(tried.text).toContain('SN0006');
    expect(tried.text).toContain('尚未保存');
    expect((await channelRow(BOARD)).config.appCode).toBe('PC42ce3bfa4980a9'); // the preview saved nothing
    expect(await repo.cursors(BOARD)).toEqual(before.cursors);
    expect(await repo.health(BOARD)).toEqual(before.health);
    const audit = await hub.db.query(`SELECT detail FROM audit_log WHERE action = 'channel.test' ORDER BY id`);
    expect(audit.map((a: { detail: { ok: boolean } }) => a.detail.ok)).toEqual([true, false]);
    // A channel that is not pulled has nothing to test.
    const portal = await post(admin, '/console/channels/portal-weijian/test', {});
    expect(portal.status).toBe(200);
    expect(portal.text).toContain('只有定时拉取的渠道');
  });

  it('refuses to apply a stale preview with a 409 page', async () => {
    const id = 'portal-shichang';
    const shown = await preview(admin, id, { guidance: '控制台的修改' });
    expect(shown.status).toBe(200);
    // Meanwhile someone else changes the channel through the API.
    await hub.http().patch(`/api/v1/admin/channels/${id}`).set('Authorization', `Bearer ${apiToken}`).send({ name: '市市场监管局门户网站—局长信箱（改）' }).expect(200);
    const stale = await post(admin, `/console/channels/${id}/apply`, { proposal: proposalOf(shown.text) });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('在您查看之后已被修改');
    const row = (await hub.db.query(`SELECT version, guidance, name FROM channel WHERE id = $1`, [id]))[0];
    expect(row).toMatchObject({ version: 2, name: '市市场监管局门户网站—局长信箱（改）' });
    expect(row.guidance).not.toBe('控制台的修改');
    // A proposal is bound to its channel.
    expect((await post(admin, '/console/channels/portal-weijian/apply', { proposal: proposalOf(shown.text) })).status).toBe(400);
  });
});
