import { createServer } from 'node:http';
import { AuthService } from '../../src/auth/auth.service';
import { CalendarService } from '../../src/calendar/calendar.service';
import { FixedClock } from '../../src/common/clock';
import { Notifier } from '../../src/notify/notifier';
import { WorkflowScheduler } from '../../src/workflow/workflow.scheduler';
import { ADMIN } from '../utils/env';
import { drained, eventually, phoneFor, startHub, TestHub, validMessage } from '../utils/hub';

/** Shanghai wall-clock time → the instant. */
const sh = (local: string) => new Date(`${local}+08:00`);

describe('the case workflow on the working-day calendar (clock injected)', () => {
  const clock = new FixedClock(sh('2025-09-30T10:00:00'));
  let hub: TestHub;
  // Users by name; a token is issued at the clock's time and expires with it, so sign in again per day.
  const staff = 'staff', leader = 'leader', zhujian = 'zhujian', jiaoyu = 'jiaoyu', shuiwu = 'shuiwu', admin = 'admin';
  const tokens = new Map<string, string>();
  let n = 0;

  const token = (user: string) => tokens.get(`${user}@${clock.now().toISOString().slice(0, 10)}`);
  const as = (user: string) => ({ Authorization: `Bearer ${token(user)}` });
  async function signInAll(): Promise<void> {
    for (const user of [staff, leader, zhujian, jiaoyu, shuiwu]) tokens.set(`${user}@${clock.now().toISOString().slice(0, 10)}`, await hub.login(user, 'a-long-test-password'));
    tokens.set(`${admin}@${clock.now().toISOString().slice(0, 10)}`, await hub.login(ADMIN.username, ADMIN.password));
  }
  const act = (user: string, caseNo: string, event: string, body: object = {}) =>
    hub.http().post(`/api/v1/cases/${caseNo}/actions/${event}`).set(as(user)).send(body);
  /** Moves the clock (Shanghai wall time) and signs everyone in again at the new time. */
  async function moveTo(local: string): Promise<void> {
    clock.set(sh(local));
    if (!token(staff)) await signInAll();
  }
  const detail = async (caseNo: string) => (await hub.http().get(`/api/v1/cases/${caseNo}`).set(as(staff)).expect(200)).body;
  const sweep = () => hub.app.get(WorkflowScheduler).sweep();

  /** A new case through the real pipeline; returns its number and the citizen's query code. */
  async function newCase(content = '小区电梯经常停运'): Promise<{ caseNo: string; queryCode: string }> {
    const res = await hub.http().post('/api/v1/channels/portal-zhujian/messages').send(validMessage({ content: `${content}（${++n}）`, phone: phoneFor(500 + n) })).expect(202);
    await drained(hub.db);
    const [row] = await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
    return { caseNo: row.case_no, queryCode: res.body.queryCode };
  }
  async function transferred(unit = '市住建局'): Promise<{ caseNo: string; queryCode: string }> {
    const c = await newCase();
    await act(staff, c.caseNo, 'accept', { category: '投诉', domain: '城建' }).expect(200);
    await act(staff, c.caseNo, 'transfer', { unit }).expect(200);
    return c;
  }

  beforeAll(async () => {
    hub = await startHub({ clock });
    const auth = hub.app.get(AuthService);
    await auth.createUser(staff, 'a-long-test-password', 'staff', null);
    await auth.createUser(leader, 'a-long-test-password', 'leader', null);
    await auth.createUser(zhujian, 'a-long-test-password', 'unit', '市住建局');
    await auth.createUser(jiaoyu, 'a-long-test-password', 'unit', '市教育局');
    await auth.createUser(shuiwu, 'a-long-test-password', 'unit', '市水务局');
    await signInAll();
  });
  afterAll(() => hub.close());
  beforeEach(() => moveTo('2025-09-30T10:00:00'));


  it('serves the calendar: covered years, add-workdays across National Day, 409 for a year nobody loaded', async () => {
    const y2025 = await hub.http().get('/api/v1/calendar/2025').set(as(staff)).expect(200);
    expect(y2025.body).toMatchObject({ year: 2025, covered: true });
    expect(y2025.body.makeupWorkdays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
    expect((await hub.http().get('/api/v1/calendar/2027').set(as(staff)).expect(200)).body).toMatchObject({ covered: false, holidays: [] });
    expect((await hub.http().get('/api/v1/calendar/add-workdays?from=2025-09-30&days=3').set(as(staff)).expect(200)).body).toEqual({ from: '2025-09-30', days: 3, date: '2025-10-11' });
    const uncovered = await hub.http().get('/api/v1/calendar/add-workdays?from=2026-12-30&days=5').set(as(staff)).expect(409);
    expect(uncovered.body).toMatchObject({ error: 'calendar_year_not_covered', year: 2027 });
    await hub.http().put('/api/v1/admin/calendar/2027').set(as(staff)).send({ holidays: [], makeupWorkdays: [] }).expect(403);
    await hub.http().put('/api/v1/admin/calendar/2027').set(as(admin)).send({ holidays: ['2027-01-01', '2027-13-01'], makeupWorkdays: [] }).expect(400);
    const put = await hub.http().put('/api/v1/admin/calendar/2027').set(as(admin)).send({ holidays: ['2027-01-01'], makeupWorkdays: [], source: '测试' }).expect(200);
    expect(put.body).toMatchObject({ year: 2027, covered: true });
    expect((await hub.http().get('/api/v1/calendar/add-workdays?from=2026-12-30&days=2').set(as(staff)).expect(200)).body.date).toBe('2027-01-04');
  });

  it('transfers with a transfer card: 3 working days to finish, 1 to return, across the holiday', async () => {
    const { caseNo } = await transferred();
    const c = await detail(caseNo);
    expect(c).toMatchObject({ status: 'transferred', statusLabel: '已转办，承办单位办理中', handlingUnit: '市住建局', deadline: '2025-10-11', category: '投诉' });
    expect(c.documents).toHaveLength(1);
    expect(c.documents[0].docNo).toMatch(/^ZB20250930-\d{6}$/);
    const card = await hub.http().get(`/api/v1/cases/${caseNo}/documents/${c.documents[0].docNo}`).set(as(zhujian)).expect(200);
    expect(card.text).toContain('网民留言转办卡');
    expect(card.text).toContain('2025-10-11');
    expect(card.text).not.toContain(phoneFor(500 + n));
    expect(hub.app.get(Notifier).sent.some((s) => s.caseNo === caseNo && s.kind === 'transfer' && s.unit === '市住建局')).toBe(true);
  });

  it('shows a unit only its own cases: another unit gets 404', async () => {
    const { caseNo } = await transferred();
    await hub.http().get(`/api/v1/cases/${caseNo}`).set(as(jiaoyu)).expect(404);
    await act(jiaoyu, caseNo, 'submit_feedback', { result: 'x' }).expect(404);
    await hub.http().get(`/api/v1/cases/${caseNo}`).set(as(zhujian)).expect(200);
    const list = await hub.http().get('/api/v1/cases').set(as(zhujian)).expect(200);
    expect(list.body.items.every((i: { handlingUnit: string }) => i.handlingUnit === '市住建局')).toBe(true);
  });

  it('refuses steps the table does not allow, naming status, step and role', async () => {
    const { caseNo } = await newCase();
    const wrongStatus = await act(staff, caseNo, 'transfer', { unit: '市住建局' }).expect(409);
    expect(wrongStatus.body.error).toBe('not_from_status');
    const wrongRole = await act(leader, caseNo, 'accept', { category: '投诉' }).expect(403);
    expect(wrongRole.body.error).toBe('role_not_allowed');
    await act(staff, caseNo, 'accept', { category: '表扬' }).expect(400);
    await act(staff, caseNo, 'no_such_step').expect(404);
  });

  it('on time: feedback, reply, the citizen sees it and rates it, closed and archived, then immutable', async () => {
    const { caseNo, queryCode } = await transferred();
    await moveTo('2025-10-10T15:00:00');
    await act(zhujian, caseNo, 'submit_feedback', { result: '已维修电梯并更换控制柜。' }).expect(200);
    await act(staff, caseNo, 'reply', { content: '经市住建局核实，电梯已维修完毕。' }).expect(200);
    const q = await hub.http().get(`/api/v1/query/${queryCode}`).expect(200);
    expect(q.body).toMatchObject({ status: 'replied', canRate: true, reply: { content: '经市住建局核实，电梯已维修完毕。', unit: '市住建局' } });
    await hub.http().post(`/api/v1/query/${queryCode}/rating`).send({ satisfaction: '还行' }).expect(400);
    const rated = await hub.http().post(`/api/v1/query/${queryCode}/rating`).send({ satisfaction: '满意' }).expect(200);
    expect(rated.body).toMatchObject({ status: 'closed', satisfaction: '满意', canRate: false });
    await hub.http().post(`/api/v1/query/${queryCode}/rating`).send({ satisfaction: '不满意' }).expect(409);
    await moveTo('2025-10-13T10:00:00');
    const report = await sweep();
    expect(report.archived).toBeGreaterThanOrEqual(1);
    expect((await detail(caseNo)).status).toBe('archived');
    const frozen = await act(staff, caseNo, 'reply', { content: '再改一下' }).expect(409);
    expect(frozen.body.message).toMatch(/archived|归档/);
    const events = (await detail(caseNo)).timeline.map((e: { type: string }) => e.type);
    expect(events).toEqual(['received', 'registered', 'accept', 'transfer', 'submit_feedback', 'reply', 'rate_satisfied', 'archive']);
  });

  it('returned within the window is re-routed; a late return is refused', async () => {
    const a = await transferred();
    await moveTo('2025-10-09T17:00:00'); // the last day of the window (the day after receipt is a holiday)
    await act(zhujian, a.caseNo, 'return', { reason: '属市教育局职责', basis: '三定方案' }).expect(200);
    expect(await detail(a.caseNo)).toMatchObject({ status: 'accepted', handlingUnit: null, deadline: null });
    await act(staff, a.caseNo, 'transfer', { unit: '市教育局' }).expect(200);
    expect((await detail(a.caseNo)).deadline).toBe('2025-10-13'); // from 10-09: 10-10, 10-11 (a Saturday make-up workday), 10-13
    await moveTo('2025-09-30T10:00:00');
    const b = await transferred();
    await moveTo('2025-10-10T09:00:00');
    const late = await act(zhujian, b.caseNo, 'return', { reason: '不属本单位', basis: '—' }).expect(409);
    expect(late.body.error).toBe('return_window_passed');
  });

  it('extension: filed before the deadline, the deadline moves when approved; a late card is refused', async () => {
    const { caseNo } = await transferred();
    await moveTo('2025-10-10T11:00:00');
    await act(zhujian, caseNo, 'request_extension', { newDeadline: '2025-10-09', basis: 'x', reason: 'y' }).expect(400);
    const card = await act(zhujian, caseNo, 'request_extension', { newDeadline: '2025-10-20', basis: '需现场勘查', reason: '涉及多户业主协调' }).expect(200);
    expect(card.body.documents[0]).toMatch(/^YQ20251010-/);
    expect((await detail(caseNo)).deadline).toBe('2025-10-11'); // not until approved
    await act(zhujian, caseNo, 'decide_extension', { approve: true }).expect(403);
    await act(staff, caseNo, 'decide_extension', { approve: true }).expect(200);
    expect((await detail(caseNo)).deadline).toBe('2025-10-20');
    await moveTo('2025-09-30T10:00:00');
    const other = await transferred(); // due 2025-10-11
    await moveTo('2025-10-13T09:00:00');
    const late = await act(zhujian, other.caseNo, 'request_extension', { newDeadline: '2025-10-20', basis: 'a', reason: 'b' }).expect(409);
    expect(late.body.error).toBe('extension_too_late');
  });

  it('reminded twice, still overdue three working days, criticised after a leader approves — by the scheduler', async () => {
    const { caseNo } = await transferred();
    const mine = async () => (await hub.db.query(`SELECT reminders_total, criticism_proposed_at FROM cases WHERE case_no = $1`, [caseNo]))[0];
    await moveTo('2025-10-10T07:00:00'); // the working day before the deadline, before working hours
    await sweep();
    expect((await mine()).reminders_total).toBe(0);
    await moveTo('2025-10-10T09:00:00');
    await sweep();
    await sweep(); // once a day, however often the sweep runs
    expect((await mine()).reminders_total).toBe(1);
    await moveTo('2025-10-13T09:00:00'); // the first working day after the deadline (10-11)
    await sweep();
    const afterNotice = await detail(caseNo);
    expect(afterNotice.documents.map((d: { kind: string }) => d.kind)).toEqual(['transfer_card', 'reminder_notice']);
    expect((await mine()).reminders_total).toBe(2);
    await moveTo('2025-10-14T09:00:00');
    await sweep();
    expect((await mine()).criticism_proposed_at).toBeNull(); // 2 working days overdue only
    await moveTo('2025-10-15T09:00:00');
    await sweep();
    expect((await mine()).criticism_proposed_at).not.toBeNull();
    const proposal = (await detail(caseNo)).documents.find((d: { kind: string }) => d.kind === 'criticism');
    await act(staff, caseNo, 'decide_criticism', { docNo: proposal.docNo, approve: true }).expect(403);
    await act(leader, caseNo, 'decide_criticism', { docNo: proposal.docNo, approve: true, comment: '同意通报' }).expect(200);
    await act(leader, caseNo, 'decide_criticism', { docNo: proposal.docNo, approve: false }).expect(409);
    const doc = await hub.http().get(`/api/v1/cases/${caseNo}/documents/${proposal.docNo}`).set(as(leader)).expect(200);
    expect(doc.text).toContain('同意通报批评');
    await act(staff, caseNo, 'refer_to_supervision', { reason: '推诿扯皮' }).expect(403);
    await act(leader, caseNo, 'refer_to_supervision', { reason: '经两次催办仍不办理，推诿扯皮' }).expect(200);
    const kinds = hub.app.get(Notifier).sent.filter((s) => s.caseNo === caseNo).map((s) => s.kind);
    expect(kinds).toEqual(['transfer', 'reminder', 'reminder_notice', 'criticism_proposed']);
  });

  it('a rejected extension card is no excuse: the 催办通知书 still goes out after the deadline', async () => {
    const { caseNo } = await transferred();
    await moveTo('2025-10-10T11:00:00');
    await act(zhujian, caseNo, 'request_extension', { newDeadline: '2025-10-24', basis: '无', reason: '人手不足' }).expect(200);
    await act(staff, caseNo, 'decide_extension', { approve: false, comment: '理由不充分' }).expect(200);
    await moveTo('2025-10-13T09:00:00');
    await sweep();
    expect((await detail(caseNo)).documents.map((d: { kind: string }) => d.kind)).toContain('reminder_notice');
  });

  it('the citizen follows and rates the message on the 一键查询 page, without JavaScript', async () => {
    const { caseNo, queryCode } = await transferred();
    await act(zhujian, caseNo, 'submit_feedback', { result: '已处理' }).expect(200);
    await act(staff, caseNo, 'reply', { content: '电梯已恢复运行，<b>谢谢</b>监督。' }).expect(200);
    const form = await hub.http().get('/query').expect(200);
    expect(form.text).toContain('<form method="post" action="/query"');
    const page = await hub.http().post('/query').type('form').send({ code: queryCode.toLowerCase() }).expect(200);
    expect(page.text).toContain('电梯已恢复运行，&lt;b&gt;谢谢&lt;/b&gt;监督。');
    expect(page.text).toContain('name="satisfaction" value="基本满意"');
    expect(page.text).not.toContain(phoneFor(500 + n));
    await hub.http().post('/query').type('form').send({ code: 'AAAA-BBBB-CCCC' }).expect(404);
    const rated = await hub.http().post('/query/rating').type('form').send({ code: queryCode, satisfaction: '基本满意' }).expect(200);
    expect(rated.text).toContain('感谢您的评价');
    expect(rated.text).toContain('您的评价：基本满意');
    await hub.http().post('/query/rating').type('form').send({ code: queryCode, satisfaction: '满意' }).expect(409);
    expect((await detail(caseNo)).status).toBe('closed');
  });

  it('reopened after 不满意 (重办), then transferred again', async () => {
    const { caseNo, queryCode } = await transferred();
    await act(zhujian, caseNo, 'submit_feedback', { result: '已处理' }).expect(200);
    await act(staff, caseNo, 'reply', { content: '已处理' }).expect(200);
    const rated = await hub.http().post(`/api/v1/query/${queryCode}/rating`).send({ satisfaction: '不满意', comment: '根本没修' }).expect(200);
    expect(rated.body.status).toBe('accepted');
    await act(staff, caseNo, 'transfer', { unit: '市住建局' }).expect(200);
    expect((await detail(caseNo)).timeline.map((e: { type: string }) => e.type)).toContain('rate_unsatisfied');
  });

  it('declines, refers to the right channel, and coordinates a wide matter', async () => {
    const a = await newCase('广告推销');
    await act(staff, a.caseNo, 'decline', {}).expect(400);
    await act(staff, a.caseNo, 'decline', { reason: '与政务无关的广告信息' }).expect(200);
    expect((await hub.http().get(`/api/v1/query/${a.queryCode}`).expect(200)).body.reply.content).toContain('与政务无关的广告信息');
    const b = await newCase('举报某干部违纪');
    await act(staff, b.caseNo, 'refer', { channel: 'portal-jiaoyu' }).expect(400);
    await act(staff, b.caseNo, 'refer', { channel: 'excluded-jiwei' }).expect(200);
    const q = await hub.http().get(`/api/v1/query/${b.queryCode}`).expect(200);
    expect(q.body).toMatchObject({ status: 'referred' });
    expect(q.body.reply.content).toContain('市纪委监委');
    const c = await newCase('城区内涝');
    await act(staff, c.caseNo, 'accept', { category: '反映' }).expect(200);
    await act(leader, c.caseNo, 'coordinate', { leadUnit: '市住建局', units: ['市水务局', '市城管局'], deadline: '2025-10-31', meeting: '专题协调会' }).expect(200);
    expect(await detail(c.caseNo)).toMatchObject({ status: 'coordinating', handlingUnit: '市住建局', deadline: '2025-10-31' });
    // A responsible unit sees the case; only the lead unit feeds back for all.
    await act(shuiwu, c.caseNo, 'submit_feedback', { result: '排水管网已疏通' }).expect(403);
    expect((await hub.http().get(`/api/v1/cases/${c.caseNo}`).set(as(shuiwu)).expect(200)).body.status).toBe('coordinating');
    await act(zhujian, c.caseNo, 'submit_feedback', { result: '已会同水务、城管完成整治' }).expect(200);
  });

  it('refuses a transfer whose deadline falls in a year nobody loaded', async () => {
    await moveTo('2026-12-29T10:00:00');
    await hub.db.query(`DELETE FROM calendar_year WHERE year = 2027`);
    hub.app.get(CalendarService).invalidate();
    const c = await newCase();
    await act(staff, c.caseNo, 'accept', { category: '咨询' }).expect(200);
    const res = await act(staff, c.caseNo, 'transfer', { unit: '市住建局' }).expect(409);
    expect(res.body).toMatchObject({ error: 'calendar_year_not_covered', year: 2027 });
    expect((await detail(c.caseNo)).status).toBe('accepted');
  });

  it('anonymizes archived cases past retention: contact details go, the matter and its timeline stay', async () => {
    const { caseNo, queryCode } = await newCase('过了保存期限的留言');
    await act(staff, caseNo, 'decline', { reason: '重复留言' }).expect(200);
    await moveTo('2025-10-02T10:00:00');
    await sweep(); // archived
    expect((await detail(caseNo)).status).toBe('archived');
    await moveTo('2028-10-03T10:00:00'); // three years later (HUB_RETENTION_DAYS 1095)
    const report = await sweep();
    expect(report.anonymized).toBeGreaterThanOrEqual(1);
    const [row] = await hub.db.query(`SELECT citizen_phone_sealed, citizen_name_sealed, phone_hash, anonymized_at, content FROM cases WHERE case_no = $1`, [caseNo]);
    expect(row).toMatchObject({ citizen_phone_sealed: null, citizen_name_sealed: null, phone_hash: null });
    expect(row.anonymized_at).not.toBeNull();
    expect(row.content).toContain('过了保存期限的留言');
    const c = await detail(caseNo);
    expect(c.citizen).toEqual({});
    expect(c.timeline.map((e: { type: string }) => e.type)).toContain('anonymized');
    await hub.http().get(`/api/v1/query/${queryCode}`).expect(200);
  });
});

describe('notices to units through an SMS gateway (HUB_NOTIFY_DRIVER=http)', () => {
  it('posts each notice to the gateway, with its token, and no citizen data', async () => {
    const received: { auth?: string; body: Record<string, string> }[] = [];
    const gateway = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(data) });
        res.writeHead(received.length === 1 ? 503 : 200).end(); // the first try fails: retried
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(gateway.address() as { port: number }).port}/sms`;
    const hub = await startHub({ env: { HUB_NOTIFY_DRIVER: 'http', HUB_NOTIFY_URL: url, HUB_NOTIFY_TOKEN: 'gateway-token' } });
    try {
      const staff = await hub.userToken('staff');
      const res = await hub.http().post('/api/v1/channels/mailbox/messages').send(validMessage({ phone: phoneFor(990) })).expect(202);
      await drained(hub.db);
      const [{ case_no: caseNo }] = await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
      await hub.http().post(`/api/v1/cases/${caseNo}/actions/accept`).set('Authorization', `Bearer ${staff}`).send({ category: '投诉' }).expect(200);
      await hub.http().post(`/api/v1/cases/${caseNo}/actions/transfer`).set('Authorization', `Bearer ${staff}`).send({ unit: '市住建局' }).expect(200);
      await eventually(async () => (received.length === 2 ? true : undefined), 10_000, 'the gateway to get the notice');
      expect(received[1]).toMatchObject({ auth: 'Bearer gateway-token', body: { unit: '市住建局', caseNo, kind: 'transfer' } });
      expect(JSON.stringify(received)).not.toContain(phoneFor(990));
    } finally {
      await hub.close();
      await new Promise((r) => gateway.close(r));
    }
  });
});
