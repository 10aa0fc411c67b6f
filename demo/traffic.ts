/**
 * A few days of a city's messages, sent through the hub's real pipeline: citizens following a
 * portal's link to the mailbox form (form posts), the mailbox form itself, JSON clients, pulls of
 * the two retained channels from their local stand-ins, the switch-over import of an old portal
 * board; then staff, units and a leader moving cases through every workflow state with
 * `POST /api/v1/cases/{caseNo}/actions/{event}`, and a 专报.
 *
 * The hub's clock is real. Submissions are made now; the pulled and imported messages carry their
 * upstream dates (up to two weeks back). One case is made overdue by moving its transfer dates into
 * the past with SQL (see `makeOverdue`); nothing else is written to the database directly.
 */
import { Client } from 'pg';
import { AppExportServer } from '../test/servers/app-export';
import { LeadersBoard } from '../test/servers/leaders-board';
import { OldMessage, OldPortalBoard } from '../test/servers/old-portal-board';
import { DemoError, HubClient, hiddenField, waitFor } from './client';
import { ADMIN, JIAOYU, LEADER, STAFF, ZHUJIAN } from './settings';

const DAY_MS = 86_400_000;
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
/** A day (YYYY-MM-DD) in Asia/Shanghai. */
export const shanghaiDay = (at: Date | number) => dayFormat.format(new Date(at));
/** An instant `days` days ago at a Shanghai wall-clock hour, as ISO 8601 with +08:00. */
const chinaIso = (daysAgo: number, hour: number, minute = 0) => {
  const day = shanghaiDay(Date.now() - daysAgo * DAY_MS);
  return `${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000+08:00`;
};
const unixSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

interface CitizenMessage {
  title?: string;
  content: string;
  category?: string;
  name?: string;
  phone?: string;
  email?: string;
  isPublic?: boolean;
}

interface Submission {
  label: string;
  channel: string;
  receiptNo: string;
  queryCode: string;
  caseNo?: string;
}

export interface Stands {
  board: LeadersBoard;
  app: AppExportServer;
  oldBoard: OldPortalBoard;
}

export interface TrafficResult {
  /** A citizen's query code whose case has a reply that can still be rated. */
  queryCode: string;
  queryCase: string;
  /** Case numbers worth opening, by what they show. */
  showcase: { label: string; caseNo: string }[];
  /** A 市住建局 case and a 市教育局 case (for trying another unit's case). */
  zhujianCase: string;
  jiaoyuCase: string;
  reportId: string;
  statusCounts: Record<string, number>;
  channelCounts: Record<string, number>;
}

type Log = (line: string) => void;

/** The old 局长信箱 board of 市民政局, as it stood at the switch-over: answered and unanswered messages. */
export function oldBoardMessages(): OldMessage[] {
  const day = (n: number) => shanghaiDay(Date.now() - n * DAY_MS);
  return [
    { id: 301, title: '高龄津贴何时发放', content: '我父亲今年八十二岁，去年申请的高龄津贴到现在还没有发放，请问什么时候能发？', date: day(13), answered: true, name: '王建国' },
    { id: 302, title: '低保申请进度', content: '我家的低保申请已经提交三个月，社区说材料已报到区里，一直没有结果，请帮忙查询。', date: day(12), answered: false, name: '刘秀英' },
    { id: 303, title: '养老院收费标准', content: '盐湖区几家民办养老院的收费差别很大，请问有没有统一的收费标准和补贴政策？', date: day(11), answered: true, name: '张伟' },
    { id: 304, title: '残疾人两项补贴', content: '我儿子是二级肢体残疾，听说可以领取困难残疾人生活补贴和重度残疾人护理补贴，应该到哪里申请？', date: day(10), answered: false, name: '陈桂兰' },
    { id: 305, title: '婚姻登记预约', content: '婚姻登记处网上预约一直显示已满，请问能否增加预约名额或者开放现场办理？', date: day(8), answered: false, name: '赵磊' },
    { id: 306, title: '社区养老服务站', content: '我们小区老人很多，希望在小区附近建一个社区养老服务站，提供助餐和日间照料。', date: day(7), answered: true, name: '孙丽' },
    { id: 307, title: '临时救助申请', content: '我丈夫突发重病住院，家里经济非常困难，请问怎样申请临时救助？需要哪些材料？', date: day(5), answered: false, name: '周敏' },
    { id: 308, title: '殡葬服务收费', content: '市殡仪馆的服务项目收费不透明，希望公开收费目录，不要捆绑销售。', date: day(4), answered: false, name: '吴强' },
    { id: 309, title: '地名标志缺失', content: '新建的学府路和康杰路交叉口没有路名牌，外地人经常找不到路，请尽快设置。', date: day(3), answered: true, name: '郑华' },
  ];
}

export async function loadTraffic(hub: HubClient, stands: Stands, databaseUrl: string, log: Log): Promise<TrafficResult> {
  const t = {
    admin: await hub.login(ADMIN.username, ADMIN.password),
    staff: await hub.login(STAFF.username, STAFF.password),
    leader: await hub.login(LEADER.username, LEADER.password),
    zhujian: await hub.login(ZHUJIAN.username, ZHUJIAN.password),
    jiaoyu: await hub.login(JIAOYU.username, JIAOYU.password),
  };
  log('signed in as admin, xinxiang (staff), shizhang (leader), zhujian and jiaoyu (units) through POST /api/v1/auth/login');

  // ---- the channels: the two retained ones at their stand-ins, one portal's old board ----------
  await hub.request('PATCH', '/api/v1/admin/channels/people-leaders-board', {
    token: t.admin,
    expect: 200,
    json: { enabled: true, reason: '演示：接入本机的人民网领导留言板替身', config: { baseUrl: stands.board.url, fids: ['593'], minIntervalMs: 200 } },
  });
  await hub.request('PATCH', '/api/v1/admin/channels/app-jinriyuncheng', {
    token: t.admin,
    expect: 200,
    json: { enabled: true, reason: '演示：接入本机的“今日运城”导出接口替身', config: { baseUrl: stands.app.url, apiKey: stands.app.apiKey, minIntervalMs: 100 } },
  });
  await hub.request('PATCH', '/api/v1/admin/channels/portal-minzheng', {
    token: t.admin,
    expect: 200,
    json: {
      reason: '演示：切换前导入市民政局旧局长信箱的未回复留言',
      config: {
        importIntervalMs: 100,
        import: {
          listUrl: `${stands.oldBoard.url}/hdjl/index_{page}.html`,
          firstPageUrl: `${stands.oldBoard.url}/hdjl/index.html`,
          maxPages: 10,
          charset: 'gbk',
          selectors: { item: 'ul.xxlist li', link: 'a', date: 'span.date', status: 'span.zt' },
          unansweredText: ['未回复'],
          detail: { content: 'div.nr', title: 'h2.bt', date: 'p.sj' },
        },
      },
    },
  });
  log(`configured people-leaders-board → ${stands.board.url}, app-jinriyuncheng → ${stands.app.url} (both enabled), portal-minzheng's import → ${stands.oldBoard.url} (PATCH /api/v1/admin/channels/{id})`);

  // ---- citizens -------------------------------------------------------------------------------
  const submissions: Submission[] = [];
  /** A citizen follows a portal's link (GET /go/{portal}) to the mailbox form, or opens the form itself, and submits it. */
  async function viaForm(label: string, portal: string | null, m: CitizenMessage): Promise<Submission> {
    let formPath = '/mailbox';
    if (portal) {
      const go = await hub.request('GET', `/go/${portal}`, { redirect: 'manual', expect: 302 });
      formPath = go.headers.get('location') ?? '';
      if (formPath !== `/mailbox?from=${portal}`) throw new DemoError(`GET /go/${portal} redirected to "${formPath}", not to the mailbox form attributed to ${portal}`);
    }
    const page = await hub.request('GET', formPath, { expect: 200 });
    const from = hiddenField(page.text, 'from');
    const formToken = hiddenField(page.text, 'formToken');
    if (!from || !formToken) throw new DemoError(`GET ${formPath}: the form has no from/formToken fields`);
    if (from !== (portal ?? 'mailbox')) throw new DemoError(`GET ${formPath}: the form is attributed to "${from}", not ${portal ?? 'mailbox'}`);
    const form: Record<string, string> = { from, formToken, content: m.content };
    for (const k of ['title', 'category', 'name', 'phone', 'email'] as const) if (m[k]) form[k] = m[k]!;
    if (m.isPublic) form.isPublic = '是';
    const res = await hub.request('POST', '/mailbox', { form, expect: 201 });
    const receiptNo = /回执编号<\/dt><dd>([^<]+)</.exec(res.text)?.[1];
    const queryCode = /<span class="code">([^<]+)</.exec(res.text)?.[1];
    if (!receiptNo || !queryCode) throw new DemoError(`POST /mailbox (${label}): the receipt page shows no receipt number or query code`);
    const s = { label, channel: from, receiptNo, queryCode };
    submissions.push(s);
    return s;
  }
  /** A JSON client (a portal's server, the hotline's system) posts to the channel's intake API. */
  async function viaApi(label: string, channel: string, body: Record<string, unknown>): Promise<Submission> {
    const res = await hub.request<{ receiptNo: string; queryCode: string }>('POST', `/api/v1/channels/${channel}/messages`, {
      json: body,
      expect: 202,
      headers: { 'Idempotency-Key': `demo-${label}` },
    });
    const s = { label, channel, receiptNo: res.json.receiptNo, queryCode: res.json.queryCode };
    submissions.push(s);
    return s;
  }
  /** The case number, once the worker has registered the message (as 一键查询 shows it). */
  async function caseOf(s: Submission): Promise<string> {
    if (s.caseNo) return s.caseNo;
    s.caseNo = await waitFor(`the worker to register ${s.receiptNo} (${s.label}) as a case`, async () => {
      const r = await hub.get<{ caseNo: string | null }>(`/api/v1/query/${encodeURIComponent(s.queryCode)}`);
      return r.json.caseNo ?? undefined;
    });
    return s.caseNo;
  }

  const j1 = await viaForm('j1', 'portal-jiaoyu', { title: '学区划分咨询', content: '孩子明年上小学，我家住在盐湖区河东街道学苑小区，请问对口的是哪所小学？今年的学区划分什么时候公布？', category: '咨询', name: '李雯', phone: '13835901122', isPublic: true });
  const j2 = await viaForm('j2', 'portal-jiaoyu', { title: '校外培训机构卷款跑路', content: '盐湖区解放路一家英语培训机构一次性收取一年学费一万二千元，现在机构关门、负责人联系不上，请教育部门查处并帮助家长退费。', category: '投诉', name: '赵婷', phone: '13935902233', isPublic: true });
  const j3 = await viaForm('j3', 'portal-jiaoyu', { title: '学校门口上下学拥堵', content: '实验小学门口每天放学时接孩子的车辆把路堵死，希望学校错峰放学，交警在高峰时段疏导。', category: '建议', name: '孙浩', phone: '13703593344' });
  const z1 = await viaForm('z1', 'portal-zhujian', { title: '小区电梯经常停运', content: '盐湖区凤凰谷小区8号楼的电梯这个月已经停运四次，楼里有很多老人，物业一直说在等配件，请住建部门督促维修。', category: '投诉', name: '钱进', phone: '13603594455' });
  const z2 = await viaForm('z2', 'portal-zhujian', { title: '老旧小区改造进度', content: '我们小区列入了今年的老旧小区改造计划，但到现在还没有开工，请问改造什么时候开始？包括哪些内容？', category: '咨询', name: '冯丽', phone: '13503595566' });
  const z3 = await viaForm('z3', 'portal-zhujian', { title: '物业不作为', content: '锦绣花园小区物业公司收了物业费却不打扫卫生，楼道堆满杂物，消防通道被占用，多次反映无人处理。', category: '投诉', name: '陈亮', phone: '13403596677' });
  const z4 = await viaForm('z4', 'portal-zhujian', { title: '小区门口路灯坏了', content: '盐湖区圣惠路书香苑小区门口的路灯坏了一个多月，晚上非常黑，老人孩子出行很不安全，请尽快修理。', category: '反映', name: '黄敏', phone: '13903591234' });
  const z5 = await viaForm('z5', 'portal-zhujian', { title: '学校操场塑胶跑道有异味', content: '我孩子所在的中学新铺的塑胶跑道气味很大，孩子上体育课后头晕，请有关部门检测跑道是否合格。', category: '反映', name: '许静', phone: '13303597788' });
  const w1 = await viaForm('w1', 'portal-weijian', { title: '疫苗接种预约难', content: '社区卫生服务中心的HPV疫苗预约每次一放号就约满，能否增加接种名额或者公布放号时间？', category: '反映', name: '何芳', phone: '13203598899' });
  const w2 = await viaForm('w2', 'portal-weijian', { title: '异地就医备案', content: '我在西安工作，父母在运城参加居民医保，请问在西安住院怎么办理异地就医备案？能直接结算吗？', category: '咨询', name: '吕洋', phone: '15803591010', isPublic: true });
  const s1 = await viaForm('s1', 'portal-shengtai', { title: '夜间工地噪音扰民', content: '河东东街与学苑路交叉口的工地每天晚上十一点以后还在施工，噪音很大，周边居民无法休息。', category: '投诉', name: '施磊', phone: '15903591111' });
  log(`11 citizens followed portal links (/go/portal-jiaoyu, -zhujian, -weijian, -shengtai) to the mailbox form and submitted it (form posts, attributed to the portal)`);

  const m1 = await viaForm('m1', null, { title: '书香苑门口路灯不亮', content: '盐湖区圣惠路书香苑小区门口的路灯坏了一个多月了，晚上非常黑，老人孩子出门很不安全，请尽快修理！', category: '反映', name: '黄敏', phone: '13903591234' });
  const m2 = await viaForm('m2', null, { title: '雨后城区内涝', content: '昨天下雨后红旗街与工农路口积水没过膝盖，每次下雨都这样，希望彻底改造排水管网。', category: '反映', name: '严峰', phone: '18603591212', isPublic: true });
  const m3 = await viaForm('m3', null, { title: '低价办理大额信用卡', content: '专业代办各类大额信用卡，免费咨询，当天下卡，联系微信同号。', category: '建议', phone: '17703591313' });
  const m4 = await viaForm('m4', null, { title: '反映某单位干部违规收受礼金', content: '某局一名科长在孩子升学宴上收受下属和服务对象礼金，请有关部门调查。', category: '投诉', phone: '18803591414' });
  const m5 = await viaForm('m5', null, { title: '建议增开夜间公交', content: '建议开通晚上九点以后从火车站到盐湖区主要小区的夜间公交，方便晚到的旅客和下夜班的市民。', category: '建议', name: '韩雪', phone: '18903591515', isPublic: true });
  log('5 citizens used the mailbox form directly (/mailbox); one of them (m1) wrote about the same street lamp as z4, from the same phone');

  const a1 = await viaApi('a1', 'mailbox', { title: '供暖不热', content: '禹都花园小区今年供暖以后室内温度只有十四五度，热力公司上门看过也没解决，请督促提高供热温度。', category: '投诉', name: '孔德', phone: '13613591616' });
  const a2 = await viaApi('a2', 'portal-shichang', { externalId: 'sc-20251', title: '超市销售过期食品', content: '盐湖区某连锁超市货架上有过期两个月的酸奶，和店员反映后只下架了几盒，请市场监管部门检查。', category: '投诉', phone: '13713591717', submittedAt: chinaIso(2, 16, 20) });
  const a3 = await viaApi('a3', 'portal-fagai', { externalId: 'fg-8812', title: '阶梯电价政策咨询', content: '请问居民阶梯电价的第一档用电量是多少？家里有老人常年用电取暖，能否申请增加基数？', category: '咨询', phone: '13813591818', submittedAt: chinaIso(1, 9, 45) });
  log('3 JSON posts to /api/v1/channels/{id}/messages (mailbox; portal-shichang and portal-fagai servers forwarding their own ids and times)');

  // ---- the retained channels: upstream messages from the last days, then pulls ------------------
  const threads = [
    { subject: '中心城区停车难', content: '运城市中心城区停车位严重不足，医院、学校周边尤其困难，建议规划建设立体停车场并开放机关单位停车场。', days: 4, hour: 9 },
    { subject: '公交站台没有遮阳棚', content: '红旗街沿线多个公交站台没有遮阳棚和座椅，夏天等车暴晒，老人吃不消，建议改造。', days: 3, hour: 14 },
    { subject: '盐湖生态保护', content: '盐湖周边还有私自倾倒建筑垃圾的情况，建议加强巡查，保护盐湖生态环境。', days: 3, hour: 20 },
    { subject: '农村自来水水压低', content: '盐湖区龙居镇几个村的自来水每天早晚水压很低，高层根本上不去水，请水务部门解决。', days: 2, hour: 11 },
    { subject: '小学课后服务', content: '希望全市小学都能提供课后服务到下午六点，双职工家庭接孩子太难了。', days: 1, hour: 8 },
  ];
  const tids = threads.map((th) =>
    stands.board.state.addThread({ fid: 593, subject: th.subject, content: th.content, dateline: unixSeconds(chinaIso(th.days, th.hour, 15)) }),
  );
  stands.board.state.reply(tids[1], { content: '已安排市城市管理局对红旗街沿线公交站台进行改造，年底前完成。', organization: '运城市城市管理局', dateline: unixSeconds(chinaIso(1, 10)) });
  const appItems = [
    { title: '菜市场周末拥堵', content: '东城菜市场周末人车混行，建议周末限制机动车进入并增加临时摊位。', phone: '13512340001', nickname: '运城老李', days: 3, hour: 18 },
    { title: '学校食堂饭菜质量', content: '孩子所在初中的食堂饭菜分量少、价格贵，家长意见很大，希望教育部门检查。', phone: '13512340002', nickname: '家长', days: 2, hour: 12 },
    { title: '路边摊占道经营', content: '解放路夜市摊位占满人行道，行人只能走机动车道，很危险。', phone: '13512340003', nickname: null, days: 1, hour: 21 },
    { title: '小区充电桩', content: '老小区电动自行车没有充电桩，居民只能飞线充电，存在安全隐患，希望加装。', phone: '13512340004', nickname: '安全第一', days: 0, hour: 7 },
  ];
  for (const a of appItems) stands.app.state.addMessage({ title: a.title, content: a.content, phone: a.phone, nickname: a.nickname, createdAt: chinaIso(a.days, a.hour, 30) });
  stands.app.state.addMessage({ title: '待审核的留言', content: '这条留言还在电视台审核中，审核通过之前市长信箱不会接收。', moderation: 'pending', createdAt: chinaIso(0, 8) });

  // A registry change reaches the worker process within HUB_CHANNEL_CACHE_MS (2 s by default).
  await new Promise((r) => setTimeout(r, 2500));
  const board1 = await pullNow(hub, t.admin, 'people-leaders-board');
  const app1 = await pullNow(hub, t.admin, 'app-jinriyuncheng');
  log(`pulled the leaders' board (${board1.created} new threads) and the app (${app1.created} new; the one still in moderation waits) through POST /api/v1/admin/channels/{id}/pull`);
  await drained(hub, t.admin); // the refresh re-reads the channel's open cases: they must be cases by now
  stands.board.state.reply(tids[3], { content: '市水务局已安排对龙居镇供水管网加压改造，本月底完成。', organization: '运城市水务局' });
  const board2 = await pullNow(hub, t.admin, 'people-leaders-board');
  if (board2.updated !== 1 || board2.created !== 0) throw new DemoError(`after the board's reply upstream, the second pull should update 1 case and create none; it reported ${JSON.stringify(board2)}`);
  log(`the board replied to “${threads[3].subject}” upstream; pulled again: the case got the reply (upstream_reply on its timeline), no new case`);

  // ---- the switch-over import of 市民政局's old board -----------------------------------------
  const started = await hub.request<{ id: string }>('POST', '/api/v1/admin/channels/portal-minzheng/import', { token: t.admin, json: { source: 'pages' }, expect: 202 });
  const run = await waitFor('the import of the old 市民政局 board', async () => {
    const r = await hub.get<{ status: string; message: string; progress: { found: number; imported: number } }>(`/api/v1/admin/imports/${started.json.id}`, t.admin);
    if (r.json.status === 'failed') throw new DemoError(`the import of portal-minzheng's old board failed: ${r.json.message}`);
    return r.json.status === 'done' ? r.json : undefined;
  }, 60_000);
  log(`imported the old 市民政局 board: ${run.progress.found} unanswered messages found, ${run.progress.imported} imported (${run.message})`);

  await drained(hub, t.admin);
  log('the intake queue is drained: every acknowledged message is a case');

  // ---- the workflow -----------------------------------------------------------------------------
  const act = (who: string, caseNo: string, event: string, body: Record<string, unknown> = {}) => hub.act(who, caseNo, event, body);
  const today = shanghaiDay(Date.now());
  const addWorkdays = async (from: string, days: number) =>
    (await hub.get<{ date: string }>(`/api/v1/calendar/add-workdays?from=${from}&days=${days}`, t.staff)).json.date;
  const transferTo = async (c: string, unit: string, category: string, domain: string) => {
    await act(t.staff, c, 'accept', { category, domain });
    await act(t.staff, c, 'transfer', { unit });
  };

  // accepted: classified, waiting to be routed
  const cW1 = await caseOf(w1);
  await act(t.staff, cW1, 'accept', { category: '反映', domain: '卫生健康' });
  // transferred to 市住建局
  const cZ1 = await caseOf(z1);
  await transferTo(cZ1, '市住建局', '投诉', '城建');
  // returned by 市住建局 within its window (it is 市教育局's matter), transferred again
  const cZ5 = await caseOf(z5);
  await transferTo(cZ5, '市住建局', '反映', '教育');
  await act(t.zhujian, cZ5, 'return', { reason: '学校操场设施的质量检测属市教育局职责', basis: '市教育局“三定”方案' });
  await act(t.staff, cZ5, 'transfer', { unit: '市教育局' });
  // coordinating: a matter for several units, led by 市住建局 (专题协调, decided by the leader)
  const cS1 = await caseOf(s1);
  await act(t.staff, cS1, 'accept', { category: '投诉', domain: '城建' });
  await act(t.leader, cS1, 'coordinate', { leadUnit: '市住建局', units: ['市生态环境局', '市城管局'], deadline: await addWorkdays(today, 10), meeting: '夜间施工噪音专题协调会' });
  // fed back by 市教育局, waiting for the mailbox's reply
  const cJ3 = await caseOf(j3);
  await transferTo(cJ3, '市教育局', '建议', '教育');
  await act(t.jiaoyu, cJ3, 'submit_feedback', { result: '已要求实验小学分年级错峰放学，并商请交警大队在放学时段派员疏导。' });
  // replied (the query code printed at the end): transferred, fed back, answered
  const cJ1 = await caseOf(j1);
  await transferTo(cJ1, '市教育局', '咨询', '教育');
  await act(t.jiaoyu, cJ1, 'submit_feedback', { result: '学苑小区对口河东街道第二实验小学；新学年的学区划分方案将于明年4月在市教育局网站公布。' });
  await act(t.staff, cJ1, 'reply', { content: '您好！经市教育局核实，学苑小区对口河东街道第二实验小学。新学年的学区划分方案将于明年4月在市教育局网站公布，届时请留意。感谢您的留言。' });
  // rated 满意 by the citizen on the 一键查询 page → closed
  const cJ2 = await caseOf(j2);
  await transferTo(cJ2, '市教育局', '投诉', '教育');
  await act(t.jiaoyu, cJ2, 'submit_feedback', { result: '已会同市场监管部门对该机构立案调查，冻结其预收费账户，家长可到区教育局登记退费。' });
  await act(t.staff, cJ2, 'reply', { content: '您好！市教育局已会同市场监管部门对该培训机构立案调查并冻结其预收费账户，请到盐湖区教育局登记退费。' });
  await rateOnQueryPage(hub, j2.queryCode, '满意', '处理很及时，谢谢！');
  // 咨询 answered directly, rated 基本满意, then archived by staff
  const cW2 = await caseOf(w2);
  await act(t.staff, cW2, 'accept', { category: '咨询', domain: '卫生健康' });
  await act(t.staff, cW2, 'reply', { content: '您好！可通过“国家医保服务平台”App办理异地就医备案，备案后在西安定点医院住院可直接结算。' });
  await rateOnQueryPage(hub, w2.queryCode, '基本满意', '');
  await act(t.staff, cW2, 'archive');
  // replied directly, not rated yet
  const cM5 = await caseOf(m5);
  await act(t.staff, cM5, 'accept', { category: '建议', domain: '交通' });
  await act(t.staff, cM5, 'reply', { content: '感谢您的建议！已转市交通运输局研究，计划明年一季度试开火车站至城区的夜间公交线路。' });
  // declined, and referred to the discipline inspection commission's own channel
  const cM3 = await caseOf(m3);
  await act(t.staff, cM3, 'decline', { reason: '与政务无关的广告信息' });
  const cM4 = await caseOf(m4);
  await act(t.staff, cM4, 'refer', { channel: 'excluded-jiwei', reason: '属纪检监察事项' });
  // a pending 延长办理卡 from 市住建局
  const cZ2 = await caseOf(z2);
  await transferTo(cZ2, '市住建局', '咨询', '城建');
  const z2Deadline = (await hub.get<{ deadline: string }>(`/api/v1/cases/${cZ2}`, t.staff)).json.deadline;
  await act(t.zhujian, cZ2, 'request_extension', { newDeadline: await addWorkdays(z2Deadline, 5), basis: '改造方案需经业主大会表决', reason: '需要召集业主大会并现场勘查，3个工作日内无法答复具体开工时间' });
  // overdue at 市住建局: reminded, 催办通知书, 通报批评 proposed for the leader to decide
  const cZ3 = await caseOf(z3);
  await transferTo(cZ3, '市住建局', '投诉', '城建');
  const overdue = await makeOverdue(hub, t.staff, databaseUrl, cZ3);
  await act(t.staff, cZ3, 'remind');
  await act(t.staff, cZ3, 'issue_reminder_notice');
  await act(t.staff, cZ3, 'propose_criticism');
  // pulled and imported cases join the work
  const pulled = await caseList(hub, t.staff, 'people-leaders-board');
  const parking = pulled.find((c) => c.title.includes('停车'));
  if (!parking) throw new DemoError('the pulled thread “中心城区停车难” is not among the people-leaders-board cases');
  await transferTo(parking.caseNo, '市住建局', '建议', '城建');
  const fromApp = await caseList(hub, t.staff, 'app-jinriyuncheng');
  const canteen = fromApp.find((c) => c.title.includes('食堂'));
  if (!canteen) throw new DemoError('the app message “学校食堂饭菜质量” is not among the app-jinriyuncheng cases');
  await transferTo(canteen.caseNo, '市教育局', '投诉', '教育');
  const imported = await caseList(hub, t.staff, 'portal-minzheng');
  const relief = imported.find((c) => c.title.includes('临时救助'));
  if (!relief) throw new DemoError('the imported message “临时救助申请” is not among the portal-minzheng cases');
  await transferTo(relief.caseNo, '市民政局', '求助', '民政');
  log(`workflow: accepted, transferred, returned and re-transferred, coordinating, fed back, replied, rated (满意 → closed), archived, declined, referred, a pending extension card, and ${cZ3} overdue at 市住建局 (deadline moved to ${overdue.deadline}: reminded, 催办通知书, 通报批评 proposed)`);

  // ---- the cross-channel duplicate (并单) ----------------------------------------------------------
  const cZ4 = await caseOf(z4);
  const cM1 = await caseOf(m1);
  const dup = (await hub.get<{ duplicateOf: string | null }>(`/api/v1/cases/${cM1}`, t.staff)).json;
  if (dup.duplicateOf !== cZ4) throw new DemoError(`the mailbox-form case ${cM1} should be linked as a duplicate (并单) of the portal case ${cZ4}, but duplicateOf is ${dup.duplicateOf}`);
  log(`并单: ${cM1} (mailbox form) is linked as a duplicate of ${cZ4} (portal-zhujian): same phone, similar text`);

  // the other submissions become cases too (left 待受理 for the desk)
  for (const s of [j1, m2, a1, a2, a3]) await caseOf(s);

  // ---- a 专报 --------------------------------------------------------------------------------------
  const from = shanghaiDay(Date.now() - 14 * DAY_MS);
  const report = await hub.request<{ id: string }>('POST', '/api/v1/reports/special', {
    token: t.staff,
    expect: 202,
    json: { title: '城建领域网民留言专报（演示）', from, to: today, domain: '城建' },
  });
  const chromiumHint = 'the worker prints PDFs with Chromium (HUB_CHROMIUM_PATH, default /usr/bin/chromium) and needs a Chinese font (fonts-wqy-zenhei)';
  let seen: { status: string; error?: string | null; attempts?: number } = { status: 'not read yet' };
  const done = await waitFor('the 专报 to be generated (figures → HTML → PDF by headless Chromium)', async () => {
    const r = await hub.get<{ status: string; error?: string | null; summary?: string; attempts?: number }>(`/api/v1/reports/${report.json.id}`, t.staff);
    seen = r.json;
    if (r.json.status === 'failed') throw new DemoError(`the 专报 failed: ${r.json.error}`, chromiumHint);
    return r.json.status === 'done' ? r.json : undefined;
  }, 90_000, 500).catch((err: Error) => {
    if (err instanceof DemoError && err.message.startsWith('the 专报 failed')) throw err;
    throw new DemoError(`${err.message}; report #${report.json.id} was last seen with status "${seen.status}"${seen.error ? `, error: ${seen.error}` : ''} (the worker's ReportGenerator lines in the hub's log say why)`, chromiumHint);
  });
  log(`专报 #${report.json.id} “城建领域网民留言专报（演示）” ${from} – ${today}: ${done.summary ?? 'done'}`);

  // ---- what the hub holds now -------------------------------------------------------------------
  const statusCounts: Record<string, number> = {};
  for (const status of ['new', 'accepted', 'transferred', 'coordinating', 'feedback', 'replied', 'closed', 'archived', 'declined', 'referred']) {
    statusCounts[status] = (await hub.get<{ total: number }>(`/api/v1/cases?status=${status}&pageSize=1`, t.staff)).json.total;
  }
  const channelCounts: Record<string, number> = {};
  for (const ch of [...new Set([...submissions.map((s) => s.channel), 'people-leaders-board', 'app-jinriyuncheng', 'portal-minzheng'])].sort()) {
    channelCounts[ch] = (await hub.get<{ total: number }>(`/api/v1/cases?channel=${ch}&pageSize=1`, t.staff)).json.total;
  }

  return {
    queryCode: j1.queryCode,
    queryCase: cJ1,
    zhujianCase: cZ1,
    jiaoyuCase: cJ3,
    reportId: report.json.id,
    statusCounts,
    channelCounts,
    showcase: [
      { label: '已答复，等待评价（查询码见下）', caseNo: cJ1 },
      { label: '市住建局超期：催办、催办通知书、通报批评待领导批示', caseNo: cZ3 },
      { label: '延长办理卡待审核', caseNo: cZ2 },
      { label: '专题协调（牵头 市住建局）', caseNo: cS1 },
      { label: '并单：与 ' + cZ4 + ' 重复', caseNo: cM1 },
      { label: '退回后改转市教育局', caseNo: cZ5 },
      { label: '网民评价满意，已办结', caseNo: cJ2 },
    ],
  };
}

interface ChannelView {
  health?: { lastSuccessAt: string | null; lastErrorAt: string | null; lastError: string | null; lastPull: { created: number; updated: number } };
}

/** Asks for a pull, then waits for the worker to finish it (a new success, or a new recorded error). */
async function pullNow(hub: HubClient, admin: string, channel: string): Promise<{ created: number; updated: number }> {
  const health = async () => {
    const h = (await hub.get<ChannelView>(`/api/v1/admin/channels/${channel}`, admin)).json.health;
    if (!h) throw new DemoError(`GET /api/v1/admin/channels/${channel} shows no pull health`);
    return h;
  };
  const before = await health();
  await hub.post(`/api/v1/admin/channels/${channel}/pull`, {}, admin, 202);
  return waitFor(`the pull of ${channel}`, async () => {
    const h = await health();
    if (h.lastErrorAt && h.lastErrorAt !== before.lastErrorAt) throw new DemoError(`the pull of ${channel} failed: ${h.lastError}`);
    return h.lastSuccessAt && h.lastSuccessAt !== before.lastSuccessAt ? h.lastPull : undefined;
  }, 60_000, 300);
}

/** Waits until no acknowledged message is waiting to become a case (as /metrics shows it). */
async function drained(hub: HubClient, admin: string): Promise<void> {
  await waitFor('the intake queue to drain', async () => {
    const text = (await hub.get('/metrics', admin)).text;
    const failed = Number(/hub_inbound_backlog\{status="failed"\} (\d+)/.exec(text)?.[1] ?? 0);
    if (failed > 0) throw new DemoError(`${failed} inbound message(s) failed to become cases (hub_inbound_backlog{status="failed"}): see the hub's log`);
    const pending = Number(/hub_inbound_backlog\{status="pending"\} (\d+)/.exec(text)?.[1] ?? 0);
    return pending === 0 ? true : undefined;
  }, 60_000, 300);
}

async function caseList(hub: HubClient, token: string, channel: string): Promise<{ caseNo: string; title: string }[]> {
  return (await hub.get<{ items: { caseNo: string; title: string }[] }>(`/api/v1/cases?channel=${channel}&pageSize=100`, token)).json.items;
}

/** The citizen rates the reply on the 一键查询 page (a form post, as the page's form sends it). */
async function rateOnQueryPage(hub: HubClient, code: string, satisfaction: string, comment: string): Promise<void> {
  const page = await hub.request('POST', '/query', { form: { code }, expect: 200 });
  if (!page.text.includes('评价本次答复')) throw new DemoError('POST /query: the progress page offers no rating form for a replied case');
  const rated = await hub.request('POST', '/query/rating', { form: { code, satisfaction, comment }, expect: 200 });
  if (!rated.text.includes(`您的评价：${satisfaction}`)) throw new DemoError(`POST /query/rating: the page does not show the rating ${satisfaction}`);
}

/**
 * THE DEMO MOVES TIME for this one case. The hub's clock is real, so a case transferred now is
 * not late; to show an overdue unit, the transfer is made to look as if it happened eight working
 * days ago: the case row's unit receipt time, 退回 window and 办结 deadline are moved back with SQL,
 * to the dates the working-day calendar (asked through the API) gives for that day. The timeline is
 * append-only (a trigger refuses changes) and is left alone: its transfer event and the 转办卡 keep
 * the real deadline, so the statistics and the 专报, which are computed from timelines, do not count
 * this case as overdue; the console's home and 督办 counts, the sweeper and the case API, which read
 * the case row, do.
 * Everything after this (催办, 催办通知书, 通报批评) goes through the API.
 */
async function makeOverdue(hub: HubClient, staff: string, databaseUrl: string, caseNo: string): Promise<{ received: string; deadline: string }> {
  const addWorkdays = async (from: string, days: number) =>
    (await hub.get<{ date: string }>(`/api/v1/calendar/add-workdays?from=${from}&days=${days}`, staff)).json.date;
  const today = shanghaiDay(Date.now());
  // The latest day whose 8th working day after is today or earlier: 5 working days overdue by now.
  let received = '';
  for (let back = 8; back < 60 && !received; back++) {
    const day = shanghaiDay(Date.now() - back * DAY_MS);
    if ((await addWorkdays(day, 8)) <= today) received = day;
  }
  if (!received) throw new DemoError('could not find a day eight working days back in the calendar');
  const deadline = await addWorkdays(received, 3);
  const returnBy = await addWorkdays(received, 1);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // The demo moves time: this case pretends it was transferred to 市住建局 on `received`.
    const res = await db.query(
      `UPDATE cases SET unit_received_at = ($2::date + time '10:00') AT TIME ZONE 'Asia/Shanghai', return_deadline = $3::date, deadline = $4::date
        WHERE case_no = $1 AND status = 'transferred'`,
      [caseNo, received, returnBy, deadline],
    );
    if (res.rowCount !== 1) throw new DemoError(`could not move the deadline of ${caseNo} into the past (no transferred case with that number)`);
  } finally {
    await db.end();
  }
  return { received, deadline };
}
