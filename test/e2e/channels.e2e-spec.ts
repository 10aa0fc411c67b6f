import { CLOSED, EXCLUDED, REDIRECTED, RETAINED } from '../fixtures/channel-table';
import { startHub, TestHub } from '../utils/hub';

describe('the channel table (GET /api/v1/channels, /go/{id}, /mailbox)', () => {
  let hub: TestHub;
  beforeAll(async () => (hub = await startHub()));
  afterAll(() => hub.close());

  it('lists the 42 rows of the plan with their dispositions', async () => {
    const res = await hub.http().get('/api/v1/channels').expect(200);
    const rows = res.body as { id: string; unit: string; disposition: string; referTo: unknown }[];
    expect(rows).toHaveLength(42);
    const ids = (d: string) => rows.filter((r) => r.disposition === d).map((r) => r.id).sort();
    expect(ids('closed')).toEqual([...CLOSED].sort());
    expect(ids('redirected')).toEqual(REDIRECTED.map(([id]) => id).sort());
    expect(ids('retained')).toEqual([...RETAINED].sort());
    expect(ids('excluded')).toEqual(EXCLUDED.map(([id]) => id).sort());
    for (const [id, unit] of [...REDIRECTED, ...EXCLUDED]) expect(rows.find((r) => r.id === id)?.unit).toBe(unit);
    for (const [id] of EXCLUDED) expect(rows.find((r) => r.id === id)?.referTo).toMatchObject({ unit: expect.any(String), channel: expect.any(String) });
    expect(rows.every((r) => (r as unknown as { effectiveFrom: string }).effectiveFrom === '2020-05-11')).toBe(true);
  });

  it('describes the mailbox’s own channel apart from the 42', async () => {
    const res = await hub.http().get('/api/v1/channels/mailbox').expect(200);
    expect(res.body).toMatchObject({ id: 'mailbox', disposition: 'own' });
    await hub.http().get('/api/v1/channels/nope').expect(404);
  });

  it.each(REDIRECTED.map(([id]) => id))('/go/%s redirects to the mailbox form, attributed', async (id) => {
    const res = await hub.http().get(`/go/${id}`).expect(302);
    expect(res.headers.location).toBe(`/mailbox?from=${id}`);
  });

  it.each(CLOSED)('/go/%s answers 410 with a page pointing to the mailbox', async (id) => {
    const res = await hub.http().get(`/go/${id}`).expect(410);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('href="/mailbox"');
    expect(res.text).toContain('关闭留言功能');
  });

  it.each(EXCLUDED)('/go/%s answers 403 naming %s, the right channel', async (id, unit) => {
    const res = await hub.http().get(`/go/${id}`).expect(403);
    expect(res.text).toContain(unit);
    expect(res.text).toContain('受理渠道');
  });

  it('/go/ of an unknown channel answers 404, of a retained one sends the visitor to the plain form', async () => {
    await hub.http().get('/go/portal-nowhere').expect(404);
    const res = await hub.http().get('/go/app-jinriyuncheng').expect(302);
    expect(res.headers.location).toBe('/mailbox');
  });

  it('serves the mailbox form in Chinese, without JavaScript, attributed to the portal', async () => {
    const res = await hub.http().get('/mailbox?from=portal-jiaoyu').expect(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('<form method="post" action="/mailbox"');
    expect(res.text).toContain('name="from" value="portal-jiaoyu"');
    expect(res.text).toContain('市教育局');
    expect(res.text).not.toContain('<script');
    for (const field of ['title', 'content', 'phone', 'name', 'email', 'category']) expect(res.text).toContain(`<label for="${field}"`);
  });

  it('refuses the form for a closed or excluded source', async () => {
    await hub.http().get('/mailbox?from=wechat-jiaoyu').expect(410);
    await hub.http().get('/mailbox?from=excluded-jiwei').expect(403);
    await hub.http().get('/mailbox?from=%3Cscript%3E').expect(404).expect((r) => expect(r.text).not.toContain('<script>'));
  });

  it('takes a change of disposition in the registry at once, for intake and /go/', async () => {
    await hub.db.query(`UPDATE channel SET disposition = 'closed' WHERE id = 'portal-fagai'`);
    await hub.http().get('/go/portal-fagai').expect(410);
    await hub.http().post('/api/v1/channels/portal-fagai/messages').send({ content: 'x', phone: '13912345678' }).expect(410);
    await hub.db.query(`UPDATE channel SET disposition = 'redirected' WHERE id = 'portal-fagai'`);
    await hub.http().get('/go/portal-fagai').expect(302);
  });
});
