/**
 * Statistics, unit assessment and the 月报 that writes itself: a month of cases goes through the
 * real pipeline and workflow (clock injected), the month-close check requests the report, the
 * worker builds it (figures, HTML, PDF in headless Chromium), and the figures are compared with
 * what this test did, counted by hand below.
 */
import { AuthService } from '../../src/auth/auth.service';
import { FixedClock } from '../../src/common/clock';
import { countPdfPages } from '../../src/reports/render/pdf-renderer';
import { ReportScheduler } from '../../src/reports/report.scheduler';
import { drained, eventually, phoneFor, startHub, TestHub, validMessage } from '../utils/hub';

const sh = (local: string) => new Date(`${local}+08:00`);
const PASSWORD = 'a-long-test-password';

describe('statistics, unit assessment and the 月报 (clock injected)', () => {
  const clock = new FixedClock(sh('2026-10-12T09:00:00'));
  let hub: TestHub;
  const tokens = new Map<string, string>();
  const as = (user: string) => ({ Authorization: `Bearer ${tokens.get(`${user}@${clock.now().toISOString().slice(0, 10)}`)}` });
  async function moveTo(local: string): Promise<void> {
    clock.set(sh(local));
    const day = clock.now().toISOString().slice(0, 10);
    for (const user of ['staff', 'leader', 'zhujian', 'jiaoyu']) if (!tokens.has(`${user}@${day}`)) tokens.set(`${user}@${day}`, await hub.login(user, PASSWORD));
  }
  const act = (caseNo: string, event: string, body: object = {}, user = 'staff') =>
    hub.http().post(`/api/v1/cases/${caseNo}/actions/${event}`).set(as(user)).send(body).expect(200);
  let n = 0;
  const phones: string[] = [];
  async function newCase(channel: string, at: string, content: string, phone = phoneFor(7000 + ++n)): Promise<string> {
    await moveTo(at);
    phones.push(phone);
    const res = await hub.http().post(`/api/v1/channels/${channel}/messages`).send(validMessage({ content, phone, name: '张建国', idNumber: '140802198001011232' })).expect(202);
    await drained(hub.db);
    const [row] = await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
    codes.set(row.case_no, res.body.queryCode);
    return row.case_no;
  }
  const codes = new Map<string, string>();
  const queryCodeOf = async (caseNo: string) => codes.get(caseNo)!;
  async function waitDone(id: string) {
    return eventually(async () => {
      const r = await hub.http().get(`/api/v1/reports/${id}`).set(as('staff')).expect(200);
      if (r.body.status === 'failed') throw new Error(`report ${id} failed: ${r.body.error}`);
      return r.body.status === 'done' ? r.body : undefined;
    }, 60_000, `report ${id}`);
  }

  const c: Record<string, string> = {};
  const OCT = { from: '2026-10-01', to: '2026-10-31' };

  beforeAll(async () => {
    hub = await startHub({ clock, env: { HUB_MONTHLY_REPORT_AT: '08:30' } });
    const auth = hub.app.get(AuthService);
    await auth.createUser('staff', PASSWORD, 'staff', null);
    await auth.createUser('leader', PASSWORD, 'leader', null);
    await auth.createUser('zhujian', PASSWORD, 'unit', '市住建局');
    await auth.createUser('jiaoyu', PASSWORD, 'unit', '市教育局');

    // 市住建局: six cases received and transferred on Mon 12 Oct (deadline Thu 15 Oct).
    for (const k of ['Z1', 'Z2', 'Z3', 'Z4', 'Z5']) {
      c[k] = await newCase('portal-zhujian', '2026-10-12T09:00:00', `${k} 小区电梯经常停运，业主出行困难，请督促物业维修（${k}）`);
      await act(c[k], 'accept', { category: '投诉', domain: '城建' });
      await act(c[k], 'transfer', { unit: '市住建局' });
    }
    // 市教育局: three on Tue 13 Oct (deadline Fri 16 Oct, return until Wed 14 Oct).
    for (const k of ['J1', 'J2', 'J3']) {
      c[k] = await newCase('portal-jiaoyu', '2026-10-13T09:00:00', `${k} 学校周边交通拥堵，建议设置接送区（${k}）`);
      await act(c[k], 'accept', { category: '建议', domain: '教育' });
      await act(c[k], 'transfer', { unit: '市教育局' });
    }
    await moveTo('2026-10-14T10:00:00');
    await act(c.Z1, 'submit_feedback', { result: '已维修' }, 'zhujian');
    await act(c.Z1, 'reply', { content: '电梯已维修。' });
    await act(c.Z4, 'request_extension', { newDeadline: '2026-10-21', basis: '需更换主板', reason: '厂家供货' }, 'zhujian');
    await act(c.Z4, 'decide_extension', { approve: true });
    await act(c.J1, 'return', { reason: '属市住建局职责', basis: '三定方案' }, 'jiaoyu');
    await act(c.J1, 'transfer', { unit: '市住建局' }); // deadline Mon 19 Oct
    await moveTo('2026-10-15T10:00:00');
    await hub.http().post(`/api/v1/query/${await queryCodeOf(c.Z1)}/rating`).send({ satisfaction: '满意' }).expect(200);
    await act(c.Z2, 'submit_feedback', { result: '已处理' }, 'zhujian'); // on the deadline day: on time
    await act(c.J2, 'submit_feedback', { result: '已设置' }, 'jiaoyu');
    await act(c.J2, 'reply', { content: '已设置接送区。' });
    await hub.http().post(`/api/v1/query/${await queryCodeOf(c.J2)}/rating`).send({ satisfaction: '基本满意' }).expect(200);
    await moveTo('2026-10-16T10:00:00');
    await act(c.Z2, 'reply', { content: '已处理完毕。' });
    await act(c.J1, 'submit_feedback', { result: '已协调' }, 'zhujian');
    await act(c.J1, 'reply', { content: '已协调解决。' });
    await act(c.J3, 'submit_feedback', { result: '已增派交警' }, 'jiaoyu');
    await act(c.J3, 'reply', { content: '已增派交警疏导。' });
    await act(c.Z5, 'issue_reminder_notice');
    await moveTo('2026-10-19T10:00:00');
    await act(c.Z3, 'submit_feedback', { result: '已维修（迟）' }, 'zhujian'); // late: deadline was 15 Oct
    await act(c.Z3, 'reply', { content: '已维修。' });
    await hub.http().post(`/api/v1/query/${await queryCodeOf(c.J1)}/rating`).send({ satisfaction: '不满意' }).expect(200); // 重办
    await hub.http().post(`/api/v1/query/${await queryCodeOf(c.J3)}/rating`).send({ satisfaction: '满意' }).expect(200);
    await moveTo('2026-10-20T10:00:00');
    await act(c.Z4, 'submit_feedback', { result: '已更换主板' }, 'zhujian'); // late by the first deadline, on time by the extension
    await act(c.Z4, 'reply', { content: '已更换主板。' });
    await act(c.Z5, 'remind');
    c.M1 = await newCase('mailbox', '2026-10-20T10:00:00', '请问公积金提取需要哪些材料？');
    await act(c.M1, 'accept', { category: '咨询' });
    await act(c.M1, 'reply', { content: '请携带身份证和购房合同。' });
    c.M2 = await newCase('mailbox', '2026-10-20T11:00:00', '测试测试');
    await act(c.M2, 'decline', { reason: '无实际内容' });
    c.M3 = await newCase('mailbox', '2026-10-20T11:30:00', '举报某干部违纪');
    await act(c.M3, 'refer', { channel: 'excluded-jiwei' });
    // The same citizen as Z1 with nearly the same words: 并单.
    c.M4 = await newCase('mailbox', '2026-10-21T09:00:00', 'Z1 小区电梯经常停运，业主出行困难，请督促物业维修（Z1）', phones[0]);
    c.Z6 = await newCase('portal-zhujian', '2026-10-28T09:00:00', 'Z6 小区电梯经常停运，业主出行困难（Z6）');
    await act(c.Z6, 'accept', { category: '投诉', domain: '城建' });
    await act(c.Z6, 'transfer', { unit: '市住建局' }); // deadline Mon 2 Nov: open, not overdue, at the end of October
    c.M5 = await newCase('mailbox', '2026-10-31T20:00:00', '周末留言：路灯不亮');
    c.N1 = await newCase('portal-zhujian', '2026-11-01T09:00:00', '十一月的留言，不属于十月');
  }, 120_000);
  afterAll(() => hub.close());

  /** What this test did in October, counted by hand. */
  const expectedCity = {
    received: 14, // Z1–Z6, J1–J3, M1–M5 (N1 is November's)
    accepted: 10, // Z1–Z6, J1–J3, M1
    declined: 1,
    referred: 1,
    transferred: 9,
    replied: 8, // Z1–Z4, J1–J3, M1
    closed: 3, // rated satisfied: Z1, J2, J3
    archived: 0,
    duplicates: 1, // M4
  };
  // Working days from receipt to the first reply: M1 0, Z1 2, J2 2, J1 3, J3 3, Z2 4, Z3 5, Z4 6.
  const expectedReply = { replied: 8, median: 3, p90: 6, mean: 3.13, outsideCalendar: 0 };
  const zhujianScore = Math.round((100 * (0.4 * (4 / 6) + 0.3 * (5 / 7) + 0.2 * (1 / 2) + 0.1 * (5 / 7)) - 2 * 1) * 10) / 10;

  function checkCity(s: Record<string, unknown>): void {
    expect(s).toMatchObject(expectedCity);
    expect(s.replyWorkdays).toEqual(expectedReply);
    expect(s.satisfaction).toEqual({ rated: 4, satisfied: 2, basicallySatisfied: 1, unsatisfied: 1 });
    const byChannel = Object.fromEntries((s.byChannel as { key: string; count: number }[]).map((x) => [x.key, x.count]));
    expect(byChannel).toEqual({ 'portal-zhujian': 6, 'portal-jiaoyu': 3, mailbox: 5 });
    const byCategory = Object.fromEntries((s.byCategory as { key: string; count: number }[]).map((x) => [x.key, x.count]));
    expect(byCategory).toEqual({ 投诉: 6, 建议: 3, 咨询: 1, 未分类: 4 });
    const byDay = s.byDay as { day: string; count: number }[];
    expect(byDay).toHaveLength(31);
    expect(byDay.find((d) => d.day === '2026-10-12')!.count).toBe(5);
    expect(byDay.find((d) => d.day === '2026-10-01')!.count).toBe(0);
  }

  function checkAssessment(a: { units: Record<string, unknown>[] }, overdue: Record<string, unknown>[]): void {
    const zj = a.units.find((u) => u.unit === '市住建局')!;
    const jy = a.units.find((u) => u.unit === '市教育局')!;
    expect(zj).toMatchObject({
      transferred: 7, returned: 0, due: 7, finished: 5, onTime: 4, overdueOpen: 1, replied: 5, rated: 2, satisfied: 1, unsatisfied: 1,
      extensionsRequested: 1, extensionsApproved: 1, reminders: 1, reminderNotices: 1, criticisms: 0, score: zhujianScore, rank: 2,
    });
    expect(zj.onTimeRate).toBeCloseTo(4 / 6, 10);
    expect(zj.handlingRate).toBeCloseTo(5 / 7, 10);
    expect(jy).toMatchObject({ transferred: 3, returned: 1, due: 2, finished: 2, onTime: 2, overdueOpen: 0, replied: 2, rated: 2, satisfied: 2, score: 100, rank: 1 });
    // Z5: deadline 15 Oct, working days after it to 31 Oct: 16, 19–23, 26–30.
    expect(overdue).toEqual([expect.objectContaining({ caseNo: c.Z5, unit: '市住建局', deadline: '2026-10-15', workdaysOverdue: 11, reminderNotice: true })]);
  }

  it('answers the statistics API with the counts of what happened in the month', async () => {
    await moveTo('2026-11-02T09:00:00');
    const s = await hub.http().get(`/api/v1/stats?from=${OCT.from}&to=${OCT.to}`).set(as('leader')).expect(200);
    checkCity(s.body);
    const units = await hub.http().get(`/api/v1/stats/units?from=${OCT.from}&to=${OCT.to}`).set(as('staff')).expect(200);
    checkAssessment(units.body.assessment, units.body.overdue);
    expect(units.body.assessment.formulas.map((f: { label: string }) => f.label)).toEqual(expect.arrayContaining(['办理率', '按时办结率', '回复率', '满意率', '综合得分']));
    // Filters: a channel, a category.
    const jiaoyu = await hub.http().get(`/api/v1/stats?from=${OCT.from}&to=${OCT.to}&channel=portal-jiaoyu`).set(as('staff')).expect(200);
    expect(jiaoyu.body).toMatchObject({ received: 3, transferred: 3, replied: 3 });
    const advice = await hub.http().get(`/api/v1/stats?from=${OCT.from}&to=${OCT.to}&category=${encodeURIComponent('建议')}`).set(as('staff')).expect(200);
    expect(advice.body.received).toBe(3);
  });

  it('exports the ranking and the statistics as CSV and XLSX', async () => {
    await moveTo('2026-11-02T09:00:00');
    const csv = await hub.http().get(`/api/v1/stats/units.csv?from=${OCT.from}&to=${OCT.to}`).set(as('leader')).expect(200);
    expect(csv.headers['content-disposition']).toContain('units-2026-10-01-2026-10-31.csv');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 3)).toEqual(['排名', '承办单位', '转办']);
    expect(lines[1]).toMatch(/^1,市教育局,3,1,2,2,2,0,/);
    expect(lines[2]).toMatch(new RegExp(`^2,市住建局,7,0,7,5,4,1,.*,${zhujianScore}$`));
    const xlsx = await hub.http().get(`/api/v1/stats/summary.xlsx?from=${OCT.from}&to=${OCT.to}`).set(as('staff')).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const { Workbook } = await import('exceljs');
    const book = new Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const rows = book.worksheets[0].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual(['维度', '项目', '名称', '件数']);
    expect(rows).toContainEqual(['总量', 'received', '收到', 14]);
    expect(rows).toContainEqual(['渠道', 'portal-jiaoyu', expect.any(String), 3]);
    await hub.http().get(`/api/v1/stats/summary.pdf?from=${OCT.from}&to=${OCT.to}`).set(as('staff')).expect(400);
  });

  it('shows a unit only its own figures, and refuses bad questions clearly', async () => {
    await moveTo('2026-11-02T09:00:00');
    const own = await hub.http().get(`/api/v1/stats/units?from=${OCT.from}&to=${OCT.to}`).set(as('jiaoyu')).expect(200);
    expect(own.body.assessment.units.map((u: { unit: string }) => u.unit)).toEqual(['市教育局']);
    const ownCity = await hub.http().get(`/api/v1/stats?from=${OCT.from}&to=${OCT.to}&unit=${encodeURIComponent('市住建局')}`).set(as('jiaoyu')).expect(200);
    expect(ownCity.body.received).toBe(3); // asked for 市住建局, answered for its own unit: J1–J3
    const bad = await hub.http().get('/api/v1/stats?from=2026-10-31&to=2026-10-01&category=表扬').set(as('staff')).expect(400);
    expect(bad.body.problems).toEqual(expect.arrayContaining(['from must not be after to', expect.stringContaining('category must be one of')]));
    await hub.http().get('/api/v1/stats?from=2026-10-01').set(as('staff')).expect(400);
    await hub.http().get(`/api/v1/reports`).set(as('jiaoyu')).expect(403);
    await hub.http().get(`/api/v1/stats?from=${OCT.from}&to=${OCT.to}`).expect(401);
  });

  let first: { id: string; document: Record<string, unknown>; pdfPages: number };

  it('writes the 月报 by itself on the first working day, once, with the same figures, as HTML and PDF', async () => {
    await moveTo('2026-11-02T08:00:00'); // before 08:30: not yet
    expect(await hub.app.get(ReportScheduler).check()).toMatchObject({ reason: 'not before 2026-11-02 08:30' });
    await moveTo('2026-11-02T09:00:00');
    // The worker's own tick may get there first; either way the month is requested once.
    await hub.app.get(ReportScheduler).check();
    expect((await hub.app.get(ReportScheduler).check()).requested).toBeUndefined();
    // (September's was requested by itself while this test's clock stood in October.)
    const list = await hub.http().get('/api/v1/reports?kind=monthly&month=2026-10').set(as('leader')).expect(200);
    expect(list.body.items).toHaveLength(1);
    first = await waitDone(list.body.items[0].id);
    expect(first).toMatchObject({ kind: 'monthly', month: '2026-10', title: '运城市市长信箱2026年10月工作月报', requestedBy: 'system' });
    expect(first.document.period).toEqual(OCT);
    checkCity(first.document.stats as Record<string, unknown>);
    checkAssessment(first.document.assessment as { units: Record<string, unknown>[] }, first.document.overdue as Record<string, unknown>[]);
    expect((first.document.trend as { month: string; received: number }[]).slice(-1)[0]).toMatchObject({ month: '2026-10', received: 14 });

    const html = await hub.http().get(`/api/v1/reports/${first.id}/html`).set(as('leader')).expect(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.text).toContain('运城市市长信箱2026年10月工作月报');
    expect(html.text).toContain('市住建局');
    expect(html.text).toContain('按时办结率');
    const pdf = await hub.http().get(`/api/v1/reports/${first.id}/pdf`).set(as('leader')).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(countPdfPages(bytes)).toBe(first.pdfPages);
    expect(first.pdfPages).toBeGreaterThanOrEqual(3);
    // No citizen's contact details anywhere in the report.
    for (const text of [html.text, JSON.stringify(first.document)]) {
      for (const phone of phones) expect(text).not.toContain(phone);
      expect(text).not.toContain('张建国');
      expect(text).not.toContain('140802198001011232');
    }
    const [{ n }] = await hub.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.download' AND target = $1`, [first.id]);
    expect(n).toBe(1);
  });

  it('regenerated later, after more work on October’s cases, the month gives the same figures', async () => {
    await moveTo('2026-11-03T10:00:00');
    await act(c.Z6, 'submit_feedback', { result: '十一月反馈' }, 'zhujian');
    await act(c.Z5, 'submit_feedback', { result: '十一月才反馈' }, 'zhujian');
    await hub.http().post('/api/v1/reports/monthly/2026-11').set(as('staff')).expect(409); // not closed
    await hub.http().post('/api/v1/reports/monthly/2026-10').set(as('leader')).expect(403);
    const again = await hub.http().post('/api/v1/reports/monthly/2026-10').set(as('staff')).expect(202);
    const second = await waitDone(again.body.id);
    const figures = (d: Record<string, unknown>) => ({ stats: d.stats, assessment: d.assessment, overdue: d.overdue, criticised: d.criticised, trend: d.trend });
    expect(figures(second.document)).toEqual(figures(first.document));
  });

  it('writes a 专报 on a topic on demand', async () => {
    await moveTo('2026-11-03T11:00:00');
    const res = await hub.http().post('/api/v1/reports/special').set(as('leader')).send({ title: '电梯问题专报', keyword: '电梯', from: OCT.from, to: OCT.to }).expect(202);
    await hub.http().post('/api/v1/reports/special').set(as('leader')).send({ keyword: '电梯', from: OCT.from, to: OCT.to }).expect(400);
    const done = await waitDone(res.body.id);
    const stats = done.document.stats as Record<string, number>;
    expect(stats.received).toBe(7); // Z1–Z6 and M4 mention 电梯
    expect(done.summary).toContain('关键词“电梯”');
    const html = await hub.http().get(`/api/v1/reports/${res.body.id}/html`).set(as('staff')).expect(200);
    expect(html.text).toContain('电梯问题专报');
  });
});
