/**
 * The console's desks over HTTP, signed in with the console's cookie and CSRF token like a browser
 * without JavaScript: the staff's 受理台 and case page (受理, 转办, 答复), the unit's own cases (签收,
 * 反馈 with attachments checked by their bytes), the 督办 board on a moved clock (超期, 延长办理卡
 * approved there), refusals as messages, other units' 404s, and contact details that never show
 * unless staff reveal them (audited).
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { AuthService } from '../../src/auth/auth.service';
import { FixedClock } from '../../src/common/clock';
import { drained, startHub, TestHub, validMessage } from '../utils/hub';

const sh = (local: string) => new Date(`${local}+08:00`);
const PASSWORD = 'a-long-test-password';

// The citizen of the first case: none of this may appear on a page unless staff reveal it.
const CITIZEN = { name: '赵六六', phone: '13911112222', idNumber: '11010519491231002X', email: 'zhao66@example.com' };

type Agent = ReturnType<typeof request.agent>;

/** A minimal PDF (the bytes start %PDF-). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

describe('console desks: 受理台, case page, 本单位案件, 督办, attachments', () => {
  const clock = new FixedClock(sh('2025-09-30T10:00:00'));
  let hub: TestHub;
  const agents = new Map<string, Agent>();
  /** Every page this suite was shown, to check none leaks the citizen's details. */
  const shown: { what: string; html: string }[] = [];
  let n = 0;

  const agent = (user: string) => agents.get(user)!;
  async function signIn(user: string): Promise<void> {
    const a = request.agent(hub.app.getHttpServer());
    const res = await a.post('/console/login').type('form').send({ username: user, password: PASSWORD }).expect(303);
    expect(String(res.headers['set-cookie'])).toContain('hub_console=');
    agents.set(user, a);
  }
  /** Moves the clock (Shanghai wall time); tokens are issued on the clock, so everyone signs in again. */
  async function moveTo(local: string): Promise<void> {
    clock.set(sh(local));
    for (const u of ['staff1', 'zhujian1', 'jiaoyu1', 'leader1']) await signIn(u);
  }
  async function page(user: string, path: string, status = 200): Promise<string> {
    const res = await agent(user).get(path).expect(status);
    shown.push({ what: `${user} ${path}`, html: res.text });
    return res.text;
  }
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
  /** POSTs a console form (with the CSRF token of the user's session) and returns the answer. */
  async function post(user: string, path: string, fields: Record<string, string> = {}) {
    const token = csrfOf(await page(user, '/console'));
    return agent(user).post(path).type('form').send({ ...fields, _csrf: token });
  }
  /** POSTs a step and follows the redirect: the flash message on the next page. */
  async function step(user: string, caseNo: string, event: string, fields: Record<string, string> = {}) {
    const res = await post(user, `/console/cases/${caseNo}/actions/${event}`, fields);
    expect(res.status).toBe(303);
    const next = await page(user, res.headers.location);
    const flash = /<p class="flash( error)?" role="status">([^<]*)<\/p>/.exec(next);
    return { location: res.headers.location as string, error: !!flash?.[1], flash: flash?.[2] ?? '', html: next };
  }
  const status = async (caseNo: string) => (await hub.db.query(`SELECT status FROM cases WHERE case_no = $1`, [caseNo]))[0].status as string;
  const eventCount = async (caseNo: string) =>
    (await hub.db.query(`SELECT count(*)::int AS n FROM case_event e JOIN cases c ON c.id = e.case_id WHERE c.case_no = $1`, [caseNo]))[0].n as number;
  const attachmentCount = async () => (await hub.db.query(`SELECT count(*)::int AS n FROM case_attachment`))[0].n as number;

  async function newCase(over: Record<string, unknown> = {}): Promise<string> {
    const res = await hub.http().post('/api/v1/channels/portal-zhujian/messages').send(validMessage({ phone: `1370000${String(++n).padStart(4, '0')}`, ...over })).expect(202);
    await drained(hub.db);
    const [row] = await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
    return row.case_no;
  }
  /** A multipart feedback from the unit's case page form (its action carries the CSRF token). */
  async function feedback(user: string, caseNo: string, result: string, files: { name: string; data: Buffer; type?: string }[]) {
    const html = await page(user, `/console/cases/${caseNo}`);
    const action = /<form method="post" action="([^"]+\/feedback\?_csrf=[^"]+)" enctype="multipart\/form-data">/.exec(html)![1].replace(/&amp;/g, '&');
    let req = agent(user).post(action).field('result', result);
    for (const f of files) req = req.attach('files', f.data, { filename: f.name, contentType: f.type ?? 'application/pdf' });
    return req;
  }

  let first: string; // the citizen's case that goes the whole way
  let dup: string; // the same citizen again: 并单

  beforeAll(async () => {
    hub = await startHub({ clock });
    const auth = hub.app.get(AuthService);
    await auth.createUser('staff1', PASSWORD, 'staff', null);
    await auth.createUser('leader1', PASSWORD, 'leader', null);
    await auth.createUser('zhujian1', PASSWORD, 'unit', '市住建局');
    await auth.createUser('jiaoyu1', PASSWORD, 'unit', '市教育局');
    await moveTo('2025-09-30T10:00:00');
    const content = `运城市盐湖区某小区电梯经常停运，老人上下楼很困难。我是${CITIZEN.name}，电话 ${CITIZEN.phone}，请尽快处理。`;
    first = await newCase({ ...CITIZEN, content });
    dup = await newCase({ ...CITIZEN, content: `${content}（再次反映）` });
  });
  afterAll(() => hub.close());

  it('the desk lists new cases oldest first, with channel, title, time and the 并单 marker linking both', async () => {
    const [{ duplicate_of: link }] = await hub.db.query(`SELECT (SELECT case_no FROM cases o WHERE o.id = c.duplicate_of) AS duplicate_of FROM cases c WHERE case_no = $1`, [dup]);
    expect(link).toBe(first);
    const html = await page('staff1', '/console/desk');
    expect(html).toContain('受理台');
    expect(html.indexOf(`>${first}</a>`)).toBeGreaterThan(-1);
    expect(html.indexOf(`>${first}</a>`)).toBeLessThan(html.indexOf(`>${dup}</a>`)); // oldest first
    expect(html).toContain('小区路灯不亮');
    expect(html).toMatch(/住建/); // the channel's name
    expect(html).toContain('并单');
    const row = html.slice(html.indexOf(`>${dup}</a>`), html.indexOf('</tr>', html.indexOf(`>${dup}</a>`)));
    expect(row).toContain(`href="/console/cases/${first}"`);
    // Only staff and administrators work the desk.
    await page('zhujian1', '/console/desk', 403);
  });

  it('staff accept and transfer the case from its page; the transfer card is among its documents', async () => {
    const before = await page('staff1', `/console/cases/${first}`);
    expect(before).toContain(`/console/cases/${first}/actions/accept`);
    expect(before).toContain('<option value="投诉">');
    expect(before).not.toContain(`/actions/transfer"`); // not before 受理
    const accepted = await step('staff1', first, 'accept', { category: '投诉', domain: '城建' });
    expect(accepted).toMatchObject({ location: `/console/cases/${first}`, error: false });
    expect(accepted.flash).toContain('已受理');
    expect(accepted.html).toContain('<datalist id="known-units">');
    expect(accepted.html).toContain('<option value="市住建局">');
    const transferred = await step('staff1', first, 'transfer', { unit: '市住建局' });
    expect(transferred.error).toBe(false);
    expect(transferred.flash).toMatch(/已转办.*ZB20250930-\d{6}/);
    expect(await status(first)).toBe('transferred');
    const docNo = /\/documents\/(ZB20250930-\d{6})"/.exec(transferred.html)![1];
    expect(transferred.html).toContain('转办卡');
    const card = await page('staff1', `/console/cases/${first}/documents/${docNo}`);
    expect(card).toContain('网民留言转办卡');
    expect(card).toContain('2025-10-11'); // 3 working days, across National Day
    expect(transferred.html).toContain('市长信箱已受理'); // the timeline, in Chinese
    expect(transferred.html).toContain('已转交承办单位办理');
  });

  it('a step the role may not take is refused with the reason as a message, and nothing changes', async () => {
    const events = await eventCount(first);
    const wrongRole = await step('staff1', first, 'submit_feedback', { result: '代为反馈' });
    expect(wrongRole.error).toBe(true);
    expect(wrongRole.flash).toContain('无权');
    expect(wrongRole.flash).toContain('submit_feedback');
    const wrongStatus = await step('zhujian1', first, 'close');
    expect(wrongStatus.error).toBe(true);
    expect(wrongStatus.flash).toContain('不能办结');
    const missing = await step('staff1', dup, 'decline');
    expect(missing).toMatchObject({ error: true });
    expect(missing.flash).toContain('请填写“理由”');
    expect(await status(first)).toBe('transferred');
    expect(await status(dup)).toBe('new');
    expect(await eventCount(first)).toBe(events);
    // The unit is not offered what it may not do.
    const unitView = await page('zhujian1', `/console/cases/${first}`);
    expect(unitView).not.toContain('/actions/close"');
    expect(unitView).not.toContain('/actions/accept"');
  });

  it('the unit sees the case to sign, with its return window, and signs it once', async () => {
    const desk = await page('zhujian1', '/console/unit');
    const toSign = desk.slice(desk.indexOf('待签收'), desk.indexOf('办理中'));
    expect(toSign).toContain(first);
    expect(toSign).toContain('可于 2025-10-09 前退回');
    const casePage = await page('zhujian1', `/console/cases/${first}`);
    for (const e of ['sign', 'return', 'request_extension']) expect(casePage).toContain(`/console/cases/${first}/actions/${e}"`);
    expect(casePage).toContain('enctype="multipart/form-data"');
    const signed = await step('zhujian1', first, 'sign');
    expect(signed).toMatchObject({ error: false });
    expect(signed.flash).toContain('已签收');
    expect(signed.html).not.toContain(`/actions/sign"`);
    const [ev] = await hub.db.query(`SELECT e.data, e.at, e.actor FROM case_event e JOIN cases c ON c.id = e.case_id WHERE c.case_no = $1 AND e.type = 'sign'`, [first]);
    expect(ev).toMatchObject({ data: { unit: '市住建局' }, actor: 'zhujian1' });
    expect(new Date(ev.at).toISOString()).toBe(sh('2025-09-30T10:00:00').toISOString());
    const again = await step('zhujian1', first, 'sign');
    expect(again.error).toBe(true);
    expect(again.flash).toContain('已签收');
    const after = await page('zhujian1', '/console/unit');
    const inHand = after.slice(after.indexOf('办理中'), after.indexOf('延期待审'));
    expect(inHand).toContain(first);
    expect(after.slice(after.indexOf('待签收'), after.indexOf('办理中'))).not.toContain(first);
  });

  it('another unit gets 404 on the case page, its steps, its documents', async () => {
    await page('jiaoyu1', `/console/cases/${first}`, 404);
    const res = await post('jiaoyu1', `/console/cases/${first}/actions/sign`);
    expect(res.status).toBe(404);
    const desk = await page('jiaoyu1', '/console/unit');
    expect(desk).not.toContain(first);
    const [{ doc_no: docNo }] = await hub.db.query(`SELECT d.doc_no FROM case_document d JOIN cases c ON c.id = d.case_id WHERE c.case_no = $1`, [first]);
    await page('jiaoyu1', `/console/cases/${first}/documents/${docNo}`, 404);
  });

  it('feedback with attachments: a fake PDF and a 6 MiB file are refused and nothing is stored; a real PDF is kept with the feedback', async () => {
    // Without the form's token (in its URL) the upload is refused before anything is read.
    const noToken = await agent('zhujian1').post(`/console/cases/${first}/feedback`).field('result', 'x').attach('files', PDF, 'a.pdf');
    expect(noToken.status).toBe(403);

    const fake = await feedback('zhujian1', first, '已维修电梯。', [{ name: '办理报告.pdf', data: Buffer.from('this is plain text pretending to be a PDF\n') }]);
    expect(fake.status).toBe(415);
    expect(fake.text).toContain('内容不是 PDF');
    expect(fake.text).toContain('所有附件均未保存');

    const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
    PDF.copy(big);
    const oversize = await feedback('zhujian1', first, '已维修电梯。', [{ name: 'scan.pdf', data: big }]);
    expect(oversize.status).toBe(413);
    expect(oversize.text).toContain('超过 5 MiB');

    const tooMany = await feedback('zhujian1', first, '已维修电梯。', [1, 2, 3, 4].map((i) => ({ name: `p${i}.pdf`, data: PDF })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toContain('最多附 3 个文件');

    expect(await attachmentCount()).toBe(0);
    expect(await status(first)).toBe('transferred');

    // Another unit cannot feed back (404), and stores nothing either.
    const other = await agent('jiaoyu1').post(`/console/cases/${first}/feedback?_csrf=${csrfOf(await page('jiaoyu1', '/console'))}`).field('result', 'x').attach('files', PDF, 'a.pdf');
    expect(other.status).toBe(404);

    const ok = await feedback('zhujian1', first, '已更换电梯控制柜，恢复运行。', [{ name: '维修报告.pdf', data: PDF }]);
    expect(ok.status).toBe(303);
    const after = await page('zhujian1', ok.headers.location);
    expect(after).toContain('已反馈办理结果');
    expect(after).toContain('附件 1 个');
    expect(after).toContain('维修报告.pdf');
    expect(await status(first)).toBe('feedback');
    const [file] = await hub.db.query(
      `SELECT a.id::text, a.filename, a.content_type, a.size_bytes, a.sha256, a.uploaded_by, e.type AS event_type
         FROM case_attachment a JOIN case_event e ON e.id = a.event_id JOIN cases c ON c.id = a.case_id WHERE c.case_no = $1`,
      [first],
    );
    expect(file).toMatchObject({ filename: '维修报告.pdf', content_type: 'application/pdf', size_bytes: PDF.length, uploaded_by: 'zhujian1', event_type: 'submit_feedback' });
    expect(file.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));

    const download = await agent('zhujian1').get(`/console/cases/${first}/attachments/${file.id}`).responseType('blob').expect(200);
    expect(Buffer.compare(download.body as Buffer, PDF)).toBe(0);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    await agent('staff1').get(`/console/cases/${first}/attachments/${file.id}`).expect(200);
    await page('jiaoyu1', `/console/cases/${first}/attachments/${file.id}`, 404);
    await page('zhujian1', `/console/cases/${first}/attachments/999999`, 404);

    // The unit's own desk now lists it as fed back.
    const desk = await page('zhujian1', '/console/unit');
    expect(desk.slice(desk.indexOf('已反馈'))).toContain(first);
  });

  it('staff reply from the case page', async () => {
    const staffView = await page('staff1', `/console/cases/${first}`);
    expect(staffView).toContain('已更换电梯控制柜，恢复运行。');
    expect(staffView).toContain('维修报告.pdf');
    const replied = await step('staff1', first, 'reply', { content: '经市住建局核实，电梯已恢复运行。' });
    expect(replied.error).toBe(false);
    expect(replied.flash).toContain('已答复');
    expect(replied.html).toContain('经市住建局核实，电梯已恢复运行。');
    expect(await status(first)).toBe('replied');
  });

  it('the supervision board: next working day, overdue after the clock moves, and an extension card staff approve there', async () => {
    const due = await newCase({ content: '路灯坏了很久（督办一）' });
    const ext = await newCase({ content: '道路破损严重（督办二）' });
    for (const c of [due, ext]) {
      expect((await step('staff1', c, 'accept', { category: '反映' })).error).toBe(false);
      expect((await step('staff1', c, 'transfer', { unit: '市住建局' })).error).toBe(false);
      expect((await step('zhujian1', c, 'sign')).error).toBe(false);
    }
    await moveTo('2025-10-10T11:00:00');
    const card = await step('zhujian1', ext, 'request_extension', { newDeadline: '2025-10-20', basis: '需现场勘查', reason: '涉及多部门' });
    expect(card.error).toBe(false);
    expect(card.flash).toMatch(/YQ20251010-\d{6}/);
    const unitDesk = await page('zhujian1', '/console/unit');
    expect(unitDesk.slice(unitDesk.indexOf('延期待审'), unitDesk.indexOf('已反馈'))).toContain(ext);

    const board = await page('staff1', '/console/supervision');
    expect(board).toContain('下一个工作日 2025-10-11'); // a Saturday, but a make-up working day
    const next = board.slice(board.indexOf('下一个工作日到期'), board.indexOf('已超期'));
    expect(next).toContain(due);
    const cards = board.slice(board.indexOf('待审核的延长办理卡'), board.indexOf('承办单位退回'));
    expect(cards).toContain(ext);
    expect(cards).toContain('2025-10-20');
    expect(cards).toContain(`/console/cases/${ext}/actions/decide_extension`);
    // A leader reads the board but does not decide extension cards.
    const leaderBoard = await page('leader1', '/console/supervision');
    expect(leaderBoard).toContain(ext);
    expect(leaderBoard).not.toContain('/actions/decide_extension');

    const approved = await step('staff1', ext, 'decide_extension', { approve: 'true', next: '/console/supervision' });
    expect(approved.location).toBe('/console/supervision');
    expect(approved.flash).toContain('已同意延期');
    expect((await hub.db.query(`SELECT to_char(deadline, 'YYYY-MM-DD') AS d FROM cases WHERE case_no = $1`, [ext]))[0].d).toBe('2025-10-20');
    const boardAfter = approved.html;
    expect(boardAfter.slice(boardAfter.indexOf('待审核的延长办理卡'), boardAfter.indexOf('承办单位退回'))).not.toContain(ext);

    await moveTo('2025-10-14T10:00:00');
    const later = await page('staff1', '/console/supervision');
    const overdue = later.slice(later.indexOf('已超期'), later.indexOf('已催办两次'));
    expect(overdue).toContain(due);
    expect(overdue).toContain('超期 2 个工作日'); // 10-13 and 10-14 after the 10-11 deadline
    expect(overdue).not.toContain(ext);
    // The unit may no longer return it: the window has passed, so no form is offered.
    expect(await page('zhujian1', `/console/cases/${due}`)).not.toContain(`/actions/return"`);
  });

  it('returned cases wait on the board to be dispatched again', async () => {
    await moveTo('2025-10-14T10:00:00');
    const back = await newCase({ content: '学校门口交通拥堵（退回）' });
    await step('staff1', back, 'accept', { category: '反映' });
    await step('staff1', back, 'transfer', { unit: '市住建局' });
    const returned = await step('zhujian1', back, 'return', { reason: '属市教育局职责', basis: '三定方案' });
    expect(returned).toMatchObject({ error: false, location: '/console/unit' }); // the case is no longer the unit's
    expect(returned.flash).toContain('已退回');
    const board = await page('staff1', '/console/supervision');
    const list = board.slice(board.indexOf('承办单位退回'), board.indexOf('近 30 天并单'));
    expect(list).toContain(back);
    expect(list).toContain('属市教育局职责');
    expect(board.slice(board.indexOf('近 30 天并单'))).toContain(dup);
  });

  it('no page shows the citizen’s name, phone, email or ID number — until staff reveal them, which is audited', async () => {
    await page('leader1', `/console/cases/${first}`);
    await page('staff1', `/console/cases/${dup}`);
    await page('zhujian1', `/console/cases/${first}`);
    expect(shown.length).toBeGreaterThan(20);
    for (const { what, html } of shown) {
      for (const secret of Object.values(CITIZEN)) {
        if (html.includes(secret)) throw new Error(`${what} shows ${secret}`);
      }
    }
    const masked = await page('staff1', `/console/cases/${first}`);
    expect(masked).toContain('139****2222');
    expect(masked).toContain('显示联系方式');
    expect(await page('zhujian1', `/console/cases/${first}`)).not.toContain('显示联系方式');

    const revealed = await post('staff1', `/console/cases/${first}/reveal`);
    expect(revealed.status).toBe(200);
    expect(revealed.headers['cache-control']).toBe('no-store');
    for (const secret of Object.values(CITIZEN)) expect(revealed.text).toContain(secret);
    const audit = await hub.db.query(`SELECT actor, action, target FROM audit_log WHERE action = 'case.reveal_citizen'`);
    expect(audit).toEqual([{ actor: 'staff1', action: 'case.reveal_citizen', target: first }]);
    // Units and leaders may not reveal; the next visit is masked again.
    expect((await post('zhujian1', `/console/cases/${first}/reveal`)).status).toBe(403);
    expect((await post('leader1', `/console/cases/${first}/reveal`)).status).toBe(403);
    expect(await page('staff1', `/console/cases/${first}`)).not.toContain(CITIZEN.phone);
    expect((await hub.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'case.reveal_citizen'`))[0].n).toBe(1);
  });
});
