/**
 * 并单 by hand and 拆分 (issue 6's "duplicates suggested for merging", done): the automatic link
 * only sees the same phone number with a similar text, so mailbox staff link the rest by hand
 * (the citizen wrote again from another number or channel) and split a wrong link. Over HTTP,
 * through the API and the console, against PostgreSQL: who may, what is refused, what both
 * timelines and the audit log say, and that two links at once cannot make a chain.
 */
import request from 'supertest';
import { drained, phoneFor, startHub, TestHub, validMessage } from '../utils/hub';

describe('并单 by hand and 拆分', () => {
  let hub: TestHub;
  let staff: string;
  let leader: string;
  let unit: string;
  let seq = 0;

  beforeAll(async () => {
    hub = await startHub();
    staff = await hub.userToken('staff');
    leader = await hub.userToken('leader');
    unit = await hub.userToken('unit', '市住建局');
  });
  afterAll(() => hub.close());

  /** A message through the mailbox's intake, registered as a case; its case number. */
  async function caseOf(over: Record<string, unknown>): Promise<string> {
    const res = await hub.http().post('/api/v1/channels/mailbox/messages').send(validMessage(over)).expect(202);
    await drained(hub.db);
    const [row] = await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
    return row.case_no;
  }
  const fresh = () => caseOf({ phone: phoneFor(9000 + ++seq), content: `第${seq}件：${'小区东门的路灯坏了，晚上很黑。'.repeat(2)}` });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const link = (caseNo: string, body: Record<string, unknown>, token = staff) => hub.http().put(`/api/v1/cases/${caseNo}/duplicate-of`).set(as(token)).send(body);
  const split = (caseNo: string, body: { reason?: string }, token = staff) =>
    hub.http().delete(`/api/v1/cases/${caseNo}/duplicate-of${body.reason === undefined ? '' : `?reason=${encodeURIComponent(body.reason)}`}`).set(as(token));
  const detail = async (caseNo: string) => (await hub.http().get(`/api/v1/cases/${caseNo}`).set(as(staff)).expect(200)).body;
  const events = async (caseNo: string, type: string) =>
    hub.db.query(`SELECT e.actor, e.reason, e.data FROM case_event e JOIN cases c ON c.id = e.case_id WHERE c.case_no = $1 AND e.type = $2 ORDER BY e.id`, [caseNo, type]);

  it('splits an automatic 并单 that was wrong, with a reason both timelines and the audit log keep', async () => {
    const text = '我家小区的电梯又坏了，已经停了三天，老人上下楼非常困难，请物业尽快修好。';
    const first = await caseOf({ phone: '13822223333', content: text });
    const second = await caseOf({ phone: '13822223333', content: `${text}（补充）` });
    expect((await detail(second)).duplicateOf).toBe(first); // linked automatically

    await split(second, {}).expect(400); // no reason
    await split(second, { reason: '另一栋楼' }, unit).expect(403);
    await split(second, { reason: '另一栋楼' }, leader).expect(403);
    const res = await split(second, { reason: '不是同一部电梯：另一栋楼' }).expect(200);
    expect(res.body).toMatchObject({ caseNo: second, duplicateOf: null });
    expect((await detail(first)).duplicates).toEqual([]);
    for (const [c, other] of [[second, first], [first, second]]) {
      expect(await events(c, 'duplicate_unlinked')).toEqual([{ actor: expect.stringMatching(/^staff-/), reason: '不是同一部电梯：另一栋楼', data: { caseNo: other } }]);
    }
    const [audit] = await hub.db.query(`SELECT action, target, detail FROM audit_log WHERE action = 'case.duplicate_unlink' ORDER BY id DESC LIMIT 1`);
    expect(audit).toMatchObject({ target: second, detail: { original: first, reason: '不是同一部电梯：另一栋楼' } });
    await split(second, { reason: '再拆一次' }).expect(409); // nothing left to split
  });

  it('links by hand what the automatic link cannot see (another number), one level deep only', async () => {
    const a = await fresh();
    const b = await fresh();
    const c = await fresh();
    await link(b, { reason: '同一人换号码' }).expect(400); // which case?
    await link(b, { of: a }).expect(400); // why?
    await link(b, { of: 'AJ20200101-000001', reason: '同一人换号码' }).expect(404);
    await link(b, { of: a, reason: '同一人换号码' }, unit).expect(403);
    await link(b, { of: b, reason: '同一人换号码' }).expect(409);

    const res = await link(b, { of: a, reason: '同一人换号码再次反映' }).expect(200);
    expect(res.body).toMatchObject({ caseNo: b, duplicateOf: a });
    expect((await detail(a)).duplicates).toEqual([b]);
    expect(await events(b, 'duplicate_of')).toEqual([expect.objectContaining({ reason: '同一人换号码再次反映', data: { caseNo: a, byHand: true } })]);
    expect(await events(a, 'duplicate_linked')).toEqual([expect.objectContaining({ data: { caseNo: b, byHand: true } })]);

    expect((await link(c, { of: b, reason: '链式' }).expect(409)).body.message).toContain('本身是并单的重复留言'); // b is a duplicate: link to a
    expect((await link(a, { of: c, reason: '反向' }).expect(409)).body.message).toContain('请先拆分'); // a has duplicates
    expect((await link(b, { of: c, reason: '改并' }).expect(409)).body.message).toContain('已与其他留言并单'); // split first
    await link(c, { of: a, reason: '同一人第三次反映' }).expect(200); // one original, two duplicates
    expect((await detail(a)).duplicates).toEqual([b, c]);
  });

  it('lets only one of two opposite links made at the same moment through (no chain, no cycle)', async () => {
    const x = await fresh();
    const y = await fresh();
    const statuses = (await Promise.all([link(x, { of: y, reason: '同时操作一' }), link(y, { of: x, reason: '同时操作二' })])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const [row] = await hub.db.query(
      `SELECT count(*)::int AS linked, count(*) FILTER (WHERE o.duplicate_of IS NOT NULL)::int AS chained
         FROM cases c JOIN cases o ON o.id = c.duplicate_of WHERE c.case_no = ANY($1)`,
      [[x, y]],
    );
    expect(row).toEqual({ linked: 1, chained: 0 });
  });

  it('offers 并单 and 拆分 on the console’s case page to staff only, and records what they did', async () => {
    const a = await fresh();
    const b = await fresh();
    const signedIn = async (role: 'staff' | 'unit') => {
      const username = `dup-${role}-${++seq}`;
      await hub.app.get(require('../../src/auth/auth.service').AuthService).createUser(username, 'a-long-test-password', role, role === 'unit' ? '市住建局' : null);
      const agent = request.agent(hub.app.getHttpServer());
      await agent.post('/console/login').type('form').send({ username, password: 'a-long-test-password' }).expect(303);
      return agent;
    };
    const s = await signedIn('staff');
    const pageOf = async (caseNo: string) => (await s.get(`/console/cases/${caseNo}`).expect(200)).text;
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

    let html = await pageOf(b);
    expect(html).toContain(`action="/console/cases/${b}/duplicate"`);
    await s.post(`/console/cases/${b}/duplicate`).type('form').send({ of: a, reason: '同一人' }).expect(403); // no CSRF token
    let res = await s.post(`/console/cases/${b}/duplicate`).type('form').send({ of: a, reason: '', _csrf: csrf(html) }).expect(303);
    html = (await s.get(res.headers.location).expect(200)).text;
    expect(html).toContain('请填写“理由”');
    res = await s.post(`/console/cases/${b}/duplicate`).type('form').send({ of: a, reason: '同一人换号码', _csrf: csrf(html) }).expect(303);
    html = (await s.get(res.headers.location).expect(200)).text;
    expect(html).toContain(`${b} 已并入 ${a}`);
    expect(html).toContain(`action="/console/cases/${b}/split"`);
    expect(html).toContain('人工并单');

    res = await s.post(`/console/cases/${b}/split`).type('form').send({ reason: '核实后不是同一事项', _csrf: csrf(html) }).expect(303);
    html = (await s.get(res.headers.location).expect(200)).text;
    expect(html).toContain(`${b} 已拆分`);
    expect(html).toContain('拆分：取消并单');
    expect((await detail(b)).duplicateOf).toBeNull();

    // A unit handles cases; it neither links nor splits them (and sees no such form).
    const [row] = await hub.db.query(`SELECT id FROM cases WHERE case_no = $1`, [a]);
    await hub.db.query(`UPDATE cases SET handling_unit = '市住建局', status = 'transferred' WHERE id = $1`, [row.id]);
    const u = await signedIn('unit');
    const unitPage = (await u.get(`/console/cases/${a}`).expect(200)).text;
    expect(unitPage).not.toContain('/duplicate"');
    await u.post(`/console/cases/${a}/split`).type('form').send({ reason: 'x', _csrf: csrf(unitPage) }).expect(403);
  });
});
