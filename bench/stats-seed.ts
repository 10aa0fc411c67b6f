/**
 * Seeds the statistics bench's store directly with SQL: `BENCH_STATS_CASES` cases (default
 * 1,000,000) received 2025-01-01 … 2026-10-31 (Asia/Shanghai), each with its inbound row and a
 * timeline as the hub's workflow would have written it, in chunks of `generate_series`.
 *
 * How a chunk is built (all in the database, nothing per case in Node):
 *
 *  1. `bench_s1`: per case number g, its day (cases are spread over the days by weight: weekdays
 *     1, Saturdays 0.5, Sundays and public holidays ≈ 0.4, a slow growth and a winter bump), its
 *     position in the day mapped through an intraday profile (so ids and case numbers rise with
 *     the time of receipt), its channel, topic, district and the dice for what happens to it.
 *     Dice are `hashint8extended(g, k)`: the same N gives the same store on every run.
 *  2. `bench_s2`: the times of every step the case goes through, on the hub's real working-day
 *     calendar (the official 2025–2026 years the hub itself uses) — accept, transfer (deadline =
 *     3 working days, return window 1), return and re-transfer, extension card and decision,
 *     the reminder the day before the deadline, the 催办通知书 the working day after it, feedback
 *     (on time or late), a proposal of 通报批评 for cases left open, the leader's decision and
 *     referral to the 督查室, reply, rating, 重办 after 不满意, the closing of unrated replies
 *     after 10 days and archiving a day after closing, as the hub's sweeps would.
 *  3. `bench_ev`: one row per step that happened before the cut-off (the moment the bench
 *     seeds: nothing is in the future), each with the `data` the workflow service writes and
 *     the change it makes to the case row (what `WorkflowService.apply` puts in `x.set`).
 *  4. The inbound rows, the case rows (their columns folded from the changes of their own
 *     steps, in order, so status, handling unit, deadline, reply, satisfaction … are exactly
 *     what the last step left), then the timeline rows, in time order.
 *
 * Personal data: a pool of names and phone numbers sealed with the hub's own cipher and key
 * (reports open the names of their example cases). `raw_sealed` and `query_code_sealed` of
 * the inbound rows are short placeholders: nothing in this bench opens them.
 */
import { Client } from 'pg';
import { PiiCipher } from '../src/crypto/pii-cipher';
import { officialYears } from '../src/calendar/domain/official-years';
import { WorkCalendar } from '../src/calendar/domain/work-calendar';

export const TZ = 'Asia/Shanghai';
export const FIRST_DAY = '2025-01-01';
export const LAST_DAY = '2026-10-31';
/** Day 1 of the working-day count array is this date (count 0). */
const COUNT_BASE = '2024-12-31';
const COUNT_END = '2027-03-31';

// ---------------------------------------------------------------------------------------------
// Reference data

/** 12 redirected portals, the mailbox's own form and the leaders' board (pulled), by weight (sum 100). */
const CHANNELS: [string, number][] = [
  ['mailbox', 38],
  ['people-leaders-board', 12],
  ['portal-zhujian', 9],
  ['portal-ziranziyuan', 5],
  ['portal-shichang', 5],
  ['portal-jiaoyu', 5],
  ['portal-weijian', 5],
  ['portal-shengtai', 4],
  ['portal-gongan', 4],
  ['portal-minzheng', 3],
  ['portal-fagai', 3],
  ['portal-wenlv', 3],
  ['portal-gongxin', 2],
  ['portal-yingji', 2],
];

const CATEGORY_WEIGHTS: [string, number][] = [
  ['咨询', 30],
  ['反映', 25],
  ['投诉', 25],
  ['建议', 8],
  ['求助', 12],
];

/** Districts and counties; the ten with a government among the handling units come first. */
const DISTRICTS = ['盐湖区', '永济市', '河津市', '临猗县', '万荣县', '闻喜县', '稷山县', '新绛县', '夏县', '芮城县', '绛县', '垣曲县', '平陆县'];
const DISTRICT_GOVERNMENTS = 10;

/** 15 city bureaus + 10 district governments = 25 handling units. */
export const BUREAUS = [
  '市住建局', '市人社局', '市教育局', '市卫健委', '市生态环境局', '市市场监管局', '市交通运输局', '市公安局',
  '市民政局', '市农业农村局', '市规划和自然资源局', '市城市管理局', '市水务局', '市医保局', '市发展改革委',
];
export const UNITS = [...BUREAUS, ...DISTRICTS.slice(0, DISTRICT_GOVERNMENTS).map((d) => `${d}人民政府`)];

interface Topic {
  domain: string;
  bureau: string;
  category: string;
  title: string;
  content: string;
}

/** ~10 domains; 电梯 appears in three topics (the keyword measurement). */
const TOPICS: Topic[] = [
  { domain: '住房城建', bureau: '市住建局', category: '投诉', title: '小区电梯频繁故障无人维修', content: '我们小区的电梯最近一个月已经停运了四次，每次都要等好几天才有人来修，楼里老人上下楼非常困难。物业说维保单位不配合，维保单位又说物业欠费，希望有关部门督促尽快解决电梯安全问题。' },
  { domain: '住房城建', bureau: '市住建局', category: '建议', title: '老旧小区加装电梯政策咨询', content: '我家住在上世纪九十年代建成的老旧小区六楼，家里有两位八十多岁的老人。想了解加装电梯的补贴政策、申请流程以及需要多少业主同意，希望相关部门给予答复。' },
  { domain: '住房城建', bureau: '市市场监管局', category: '反映', title: '商场电梯维保记录造假', content: '某商场的扶梯和电梯张贴的维保记录与实际不符，上个月还发生过扶梯突然停止的情况，存在安全隐患，请市场监管部门对电梯维保情况进行检查。' },
  { domain: '住房城建', bureau: '市住建局', category: '投诉', title: '楼顶漏水物业推诿不管', content: '我家顶楼每逢下雨就漏水，墙面发霉脱落，多次找物业维修，物业说需要动用维修基金，一直拖着不办，请帮忙协调解决。' },
  { domain: '住房城建', bureau: '市住建局', category: '求助', title: '购房多年仍未办理不动产权证', content: '我于几年前购买了某小区的商品房，开发商至今没有为业主办理不动产权证，孩子上学落户都受影响，请有关部门督促开发商尽快办理。' },
  { domain: '住房城建', bureau: '市住建局', category: '投诉', title: '工地夜间施工噪音扰民', content: '附近工地每天晚上十一点以后还在施工，搅拌车和打桩声音很大，严重影响周边居民休息，请相关部门依法查处夜间违规施工。' },
  { domain: '劳动社保', bureau: '市人社局', category: '求助', title: '工程项目拖欠农民工工资', content: '我们一行十几个人在某工程项目干活，工程结束已经半年，包工头一直拖欠工资不给，总额有二十多万元，年关将近，请政府帮助我们讨回血汗钱。' },
  { domain: '劳动社保', bureau: '市人社局', category: '咨询', title: '灵活就业人员养老保险缴费咨询', content: '本人是灵活就业人员，想咨询养老保险的缴费基数怎么选择，中断缴费后能否补缴，以及在哪里办理，谢谢。' },
  { domain: '劳动社保', bureau: '市人社局', category: '咨询', title: '社保卡补办流程咨询', content: '我的社保卡丢失了，想了解补办需要带什么材料，可以在哪些网点办理，补办期间看病能否正常报销。' },
  { domain: '劳动社保', bureau: '市医保局', category: '咨询', title: '异地就医备案和报销比例', content: '家中老人在外地子女处长期居住，想咨询异地就医备案如何办理，备案后住院报销比例与本地相比有什么不同。' },
  { domain: '教育', bureau: '市教育局', category: '咨询', title: '小学入学划片范围咨询', content: '我家今年新买的房子在城区，孩子明年上小学，想咨询这个小区划分到哪所学校，入学需要准备哪些材料。' },
  { domain: '教育', bureau: '市教育局', category: '投诉', title: '学校违规收取资料费', content: '孩子所在学校要求每个学生交两百元资料费，没有收据，也没有说明用途，这种做法是否符合规定，请教育部门核查。' },
  { domain: '教育', bureau: '市教育局', category: '建议', title: '建议延长学校课后服务时间', content: '双职工家庭下午五点半才下班，学校课后服务四点半就结束了，建议延长课后服务时间，方便家长接送。' },
  { domain: '医疗卫生', bureau: '市卫健委', category: '投诉', title: '医院挂号难排队时间长', content: '某医院门诊挂号排队要两三个小时，网上预约总是约不上，医生号源被黄牛倒卖，请卫健部门加强管理。' },
  { domain: '医疗卫生', bureau: '市卫健委', category: '反映', title: '乡镇卫生院缺少医生', content: '我们乡镇卫生院只有两名医生，晚上和周末经常没人值班，群众看病要跑到县城，希望增加基层医生。' },
  { domain: '医疗卫生', bureau: '市医保局', category: '咨询', title: '门诊慢特病认定咨询', content: '我患有高血压和糖尿病多年，想咨询门诊慢特病如何申请认定，认定后报销标准是多少。' },
  { domain: '生态环境', bureau: '市生态环境局', category: '投诉', title: '工厂夜间偷排废气', content: '村子附近的一家工厂每到夜里就排放刺鼻的废气，周边村民晚上不敢开窗，很多人出现咳嗽等症状，请环保部门夜间突击检查。' },
  { domain: '生态环境', bureau: '市生态环境局', category: '反映', title: '河道垃圾堆积无人清理', content: '村边河道两侧堆满了生活垃圾和建筑垃圾，夏天气味难闻，蚊蝇滋生，希望有关部门组织清理并加强管理。' },
  { domain: '市场监管', bureau: '市市场监管局', category: '投诉', title: '预付卡商家关门跑路', content: '我在某健身房办了三千多元的年卡，现在健身房突然关门，老板联系不上，很多会员都受到损失，请市场监管部门处理。' },
  { domain: '市场监管', bureau: '市市场监管局', category: '投诉', title: '超市销售过期食品', content: '在某超市购买的牛奶回家发现已经过期一周，向超市反映只给退款不给赔偿，请市场监管部门依法处理。' },
  { domain: '交通出行', bureau: '市交通运输局', category: '建议', title: '建议增开公交线路', content: '新建的几个小区距离最近的公交站有两公里，居民出行很不方便，建议增开或调整公交线路，方便群众出行。' },
  { domain: '交通出行', bureau: '市交通运输局', category: '投诉', title: '出租车拒载绕路', content: '在火车站打出租车，司机拒绝打表，要求一口价，还有司机故意绕路，请交通运输部门加强整治。' },
  { domain: '交通出行', bureau: '市公安局', category: '反映', title: '路口红绿灯时长不合理', content: '某路口左转绿灯只有十几秒，高峰期车辆排队很长，经常造成拥堵，建议优化信号灯配时。' },
  { domain: '治安管理', bureau: '市公安局', category: '求助', title: '电动车被盗报警后无进展', content: '我的电动车在小区楼下被盗，已经报警一个多月，一直没有进展，小区监控也看不清，希望公安部门加大侦破力度。' },
  { domain: '治安管理', bureau: '市公安局', category: '咨询', title: '户口迁移办理流程', content: '我想把户口从外县迁到市区，想咨询需要哪些材料，是否可以网上办理，大概需要多长时间。' },
  { domain: '民政养老', bureau: '市民政局', category: '咨询', title: '高龄补贴申请条件', content: '我父亲今年满八十岁，想咨询高龄补贴的申请条件、标准和办理地点，是否需要本人到场。' },
  { domain: '民政养老', bureau: '市民政局', category: '建议', title: '建议社区增设老年食堂', content: '我们社区老年人很多，不少是独居老人，做饭不方便，建议在社区增设老年食堂或助餐点。' },
  { domain: '农业农村', bureau: '市农业农村局', category: '反映', title: '农村道路坑洼不平', content: '村里通往镇上的道路年久失修，坑洼不平，下雨天积水严重，学生上学和农产品外运都很困难，希望尽快修缮。' },
  { domain: '农业农村', bureau: '市农业农村局', category: '求助', title: '果农苹果滞销求助', content: '今年苹果丰收但收购价格很低，大量苹果卖不出去，果农损失很大，希望政府帮助联系销路。' },
  { domain: '规划国土', bureau: '市规划和自然资源局', category: '投诉', title: '小区规划变更未公示', content: '我们小区原规划的绿地被开发商改建成了商铺，事先没有任何公示，业主利益受到损害，请规划部门核查。' },
  { domain: '规划国土', bureau: '市规划和自然资源局', category: '咨询', title: '农村宅基地审批咨询', content: '我家想在自家宅基地上翻建房屋，想咨询需要办理哪些审批手续，面积和层数有什么限制。' },
  { domain: '城市管理', bureau: '市城市管理局', category: '投诉', title: '占道经营影响通行', content: '某路段每天傍晚摊贩占道经营，人行道完全被占用，行人只能走机动车道，存在安全隐患，请城管部门整治。' },
  { domain: '城市管理', bureau: '市城市管理局', category: '反映', title: '冬季供暖温度不达标', content: '今年供暖开始后我家室内温度只有十四五度，远低于规定标准，找供热公司多次，答复说管网问题一直没有解决。' },
  { domain: '城市管理', bureau: '市城市管理局', category: '建议', title: '建议增加公共停车位', content: '老城区停车难问题突出，车辆乱停乱放现象严重，建议利用闲置空地增建公共停车场。' },
  { domain: '水电气暖', bureau: '市水务局', category: '反映', title: '小区频繁停水', content: '我们小区最近经常无故停水，有时一停就是一整天，也没有提前通知，居民生活受到很大影响。' },
  { domain: '水电气暖', bureau: '市发展改革委', category: '咨询', title: '阶梯电价和燃气价格咨询', content: '想咨询一下本市居民阶梯电价的分档标准，以及天然气价格近期是否有调整，调整依据是什么。' },
];

const DECLINE_REASONS = ['留言内容不完整，无法核实具体事项', '所反映事项不属于市长信箱受理范围', '留言内容为广告信息', '留言未提供有效联系方式且事项无法核实'];
const RETURN_BASIS = ['该事项属于属地管理，应由所在县（市、区）办理', '根据部门职责分工，该事项不属于本单位职责', '该事项涉及的企业归口其他部门监管'];
const REFER_TO = ['excluded-xinfang', 'excluded-zhongyuan', 'excluded-jiwei', 'excluded-zuzhibu', 'excluded-jianchayuan'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰凤建国红梅文斌波海燕宁鹏飞晓丹';

// ---------------------------------------------------------------------------------------------
// Helpers

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const textArray = (xs: string[]) => `(ARRAY[${xs.map(lit).join(', ')}]::text[])`;
const intArray = (xs: number[]) => `('{${xs.join(',')}}'::int[])`;
const dateArray = (xs: string[]) => `('{${xs.join(',')}}'::date[])`;

/** 100 slots filled by weight, so `arr[1 + floor(r * 100)]` draws by weight. */
function weighted(items: [string, number][]): string[] {
  const total = items.reduce((s, [, w]) => s + w, 0);
  const out: string[] = [];
  let acc = 0;
  for (const [v, w] of items) {
    acc += w;
    while (out.length < Math.round((acc / total) * 100)) out.push(v);
  }
  return out;
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Uniform in [0, 1), from the case number and a draw number. */
const R = (k: number) => `(((hashint8extended(g, ${k})) & 2147483647)::float8 / 2147483648.0)`;

/** Received per hour of the day (local), relative. */
const HOURLY = [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 4, 4.5, 4, 2.5, 2.5, 3.8, 4.2, 4, 3, 2, 2, 2.2, 2, 1.4, 0.7];

/** Seconds of the day at the quantiles 0, 0.001, …, 1 of the hourly profile. */
function timeOfDayQuantiles(): number[] {
  const total = HOURLY.reduce((s, w) => s + w, 0);
  const cum = [0];
  for (const w of HOURLY) cum.push(cum[cum.length - 1] + w / total);
  const out: number[] = [];
  for (let i = 0; i <= 1000; i++) {
    const p = i / 1000;
    let h = 0;
    while (h < 23 && cum[h + 1] < p) h++;
    const frac = cum[h + 1] > cum[h] ? (p - cum[h]) / (cum[h + 1] - cum[h]) : 0;
    out.push(Math.min(86_399, Math.round((h + Math.min(1, Math.max(0, frac))) * 3600)));
  }
  return out;
}

interface CalendarArrays {
  /** counts[i] = working days in [FIRST_DAY, COUNT_BASE + i − 1] (1-based: counts[1] is for COUNT_BASE). */
  counts: number[];
  /** The working days of the covered years, in order (workdays[k − 1] is the k-th). */
  workdays: string[];
  isWorkday: (day: string) => boolean;
}

/** The hub's own calendar (the official 2025 and 2026 years it ships with). */
function calendarArrays(): CalendarArrays {
  const cal = new WorkCalendar(officialYears());
  const workdays: string[] = [];
  const counts: number[] = [];
  let n = 0;
  for (let d = COUNT_BASE; d <= COUNT_END; d = addDays(d, 1)) {
    const year = Number(d.slice(0, 4));
    if (d >= FIRST_DAY && cal.covers(year) && cal.isWorkday(d)) {
      n++;
      workdays.push(d);
    }
    counts.push(n);
  }
  const isWorkday = (day: string) => cal.covers(Number(day.slice(0, 4))) && cal.isWorkday(day);
  return { counts, workdays, isWorkday };
}

/** Cases per day: weekdays 1, Saturdays 0.5, Sundays 0.4, holidays 0.4, make-up Saturdays 0.9; growth and a winter bump. */
function casesPerDay(total: number, isWorkday: (d: string) => boolean): { day: string; n: number }[] {
  const days: { day: string; w: number }[] = [];
  const span = daysBetween(FIRST_DAY, LAST_DAY);
  for (let d = FIRST_DAY; d <= LAST_DAY; d = addDays(d, 1)) {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    const work = isWorkday(d);
    let w = work ? (dow === 0 || dow === 6 ? 0.9 : 1) : dow === 6 ? 0.5 : 0.4;
    w *= 0.85 + 0.3 * (daysBetween(FIRST_DAY, d) / span); // slow growth over the two years
    const month = Number(d.slice(5, 7));
    if (month === 11 || month === 12 || month === 1) w *= 1.15; // heating season
    days.push({ day: d, w });
  }
  const sum = days.reduce((s, x) => s + x.w, 0);
  const exact = days.map((x) => (x.w / sum) * total);
  const out = days.map((x, i) => ({ day: x.day, n: Math.floor(exact[i]) }));
  let left = total - out.reduce((s, x) => s + x.n, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) out[order[j].i].n++;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The SQL of one chunk

interface Consts {
  counts: string;
  workdays: string;
}

/** SQL fragments on the working-day arrays (k.c, k.w of the constant subquery). */
function calendarSql() {
  const cnt = (d: string) => `k.c[((${d})::date - DATE '${COUNT_BASE}') + 1]`;
  return {
    cnt,
    /** The n-th working day after d (n ≥ 1), as the hub's addWorkdays. */
    addWd: (d: string, n: string | number) => `k.w[${cnt(d)} + (${n})]`,
    /** The working day before the working day d. */
    prevWd: (d: string) => `k.w[${cnt(d)} - 1]`,
    isWd: (d: string) => `(${cnt(d)} > ${cnt(`(${d})::date - 1`)})`,
  };
}

const at = (day: string, time: string) => `(((${day})::date + (${time}))::timestamp AT TIME ZONE '${TZ}')`;
const ld = (ts: string) => `((${ts}) AT TIME ZONE '${TZ}')::date`;
const hours = (h: string) => `make_interval(secs => (${h}) * 3600)`;
const iso = (ts: string) => `to_char((${ts}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const dayText = (d: string) => `to_char(${d}, 'YYYY-MM-DD')`;

function constsFrom(k: Consts): string {
  return `(SELECT ${k.counts} AS c, ${k.workdays} AS w) k`;
}

/** Stage 1: who, where, when received, and the dice. */
function stage1(lo: number, hi: number, tod: string): string {
  const chan = textArray(weighted(CHANNELS));
  const cat = textArray(weighted(CATEGORY_WEIGHTS));
  // The position in the day (p in [0, 1)) through the intraday profile, linearly between quantiles.
  const secs = `q.t[1 + floor(a.p * 1000)::int] + (a.p * 1000 - floor(a.p * 1000)) * (q.t[2 + floor(a.p * 1000)::int] - q.t[1 + floor(a.p * 1000)::int])`;
  return `
    CREATE TEMP TABLE bench_s1 AS
    SELECT a.*, ((a.day + make_interval(secs => ${secs}))::timestamp AT TIME ZONE '${TZ}') AS recv_at
      FROM (SELECT g, d.day, (g - d.first_g)::int AS kd,
                   ((g - d.first_g) + ${R(1)}) / d.n AS p,
                   ${chan}[1 + floor(${R(3)} * 100)::int] AS channel_id,
                   floor(${R(4)} * ${TOPICS.length})::int AS topic,
                   floor(${R(5)} * ${DISTRICTS.length})::int AS district,
                   CASE WHEN ${R(6)} < 0.55 THEN ${cat}[1 + floor(${R(7)} * 100)::int] END AS citizen_category,
                   ${R(8)} < 0.3 AS is_public,
                   floor(${R(9)} * 4096)::int AS person,
                   ${R(2)} < 0.7 AS named
              FROM generate_series(${lo}::bigint, ${hi}::bigint) g
              CROSS JOIN LATERAL (SELECT day, first_g, n FROM bench_day WHERE first_g <= g ORDER BY first_g DESC LIMIT 1) d) a
      CROSS JOIN (SELECT ${tod} AS t) q`;
}

/** `CROSS JOIN LATERAL (SELECT … OFFSET 0)` steps: each may use the columns of the ones before (OFFSET 0 keeps them from being inlined). */
function chain(steps: [string, string][][]): { from: string; columns: string } {
  const from = steps.map((cols, i) => `CROSS JOIN LATERAL (SELECT ${cols.map(([name, expr]) => `${expr} AS ${name}`).join(', ')} OFFSET 0) l${i}`).join('\n      ');
  const columns = steps.map((_, i) => `l${i}.*`).join(', ');
  return { from, columns };
}

/** Stage 2: the path and the time of every step (NULL when the case does not take the step). */
function stage2(k: Consts, cutoffIso: string): string {
  const c = calendarSql();
  const units = textArray(UNITS);
  const bureauIndex = `array_position(${units}, t.bureau)`;
  // Handling unit: the district's government for 45 % of the cases from its ten districts, else the topic's bureau.
  const gov = `CASE WHEN s.district < ${DISTRICT_GOVERNMENTS} THEN ${units}[${BUREAUS.length + 1} + s.district] END`;
  const first = `CASE WHEN u_gov THEN ${gov} ELSE t.bureau END`;
  const other = `coalesce(CASE WHEN u_gov THEN t.bureau ELSE ${gov} END, ${units}[1 + ((${bureauIndex} + 2) % ${BUREAUS.length})])`;
  const R2 = (k2: number, of: string) => `(((hashint8extended(${of}, ${k2})) & 2147483647)::float8 / 2147483648.0)`;
  const { from, columns } = chain([
    // the dice
    [
      ['dup', `g > 200 AND ${R(11)} < 0.015`],
      ['orig', `g - 1 - floor(${R(12)} * 150)::bigint`],
      ['outcome', `CASE WHEN g > 200 AND ${R(11)} < 0.015 AND ${R(13)} < 0.6 THEN 'decline_dup' WHEN ${R(14)} < 0.045 THEN 'decline' WHEN ${R(14)} < 0.065 THEN 'refer' ELSE 'accept' END`],
      ['mode', `CASE WHEN ${R(15)} < CASE t.category WHEN '咨询' THEN 0.55 ELSE 0.06 END THEN 'direct' WHEN ${R(16)} < 0.03 THEN 'coordinate' ELSE 'transfer' END`],
      ['ext', `${R(18)} < 0.05`],
      ['ext_ok', `${R(19)} < 0.8`],
      ['late', `${R(20)} < 0.12`],
      ['stuck', `${R(21)} < CASE WHEN s.recv_at > '${cutoffIso}'::timestamptz - interval '75 days' THEN 0.03 ELSE 0.002 END`],
      ['rating0', `CASE WHEN ${R(25)} < 0.35 THEN CASE WHEN ${R(26)} < 0.75 THEN '满意' ELSE '基本满意' END WHEN ${R(25)} < 0.39 THEN '不满意' END`],
      ['u_gov', `s.district < ${DISTRICT_GOVERNMENTS} AND ${R(27)} < 0.45`],
      ['crit_decided', `${R(22)} < 0.6`],
      ['crit_ok', `${R(23)} < 0.7`],
      ['supervise', `${R(24)} < 0.3`],
    ],
    [
      ['returned', `outcome = 'accept' AND mode = 'transfer' AND ${R(17)} < 0.06`],
      ['rating', `CASE WHEN mode = 'direct' AND rating0 = '不满意' THEN NULL ELSE rating0 END`],
      ['person_eff', `CASE WHEN dup THEN floor(${R2(9, 'orig')} * 4096)::int ELSE s.person END`],
    ],
    [
      ['unit', `CASE WHEN returned THEN ${other} ELSE ${first} END`],
      ['unit1', `CASE WHEN returned THEN ${first} END`],
      // registration a few seconds after receipt; acceptance in office hours (same day if received on a working day before 15:30)
      ['reg_at', `s.recv_at + make_interval(secs => 1 + ${R(30)} * 20)`],
      ['acc_at', `greatest(s.recv_at + make_interval(secs => (10 + ${R(31)} * 60) * 60),
                  ${at(`CASE WHEN ${c.isWd(ld('s.recv_at'))} AND (s.recv_at AT TIME ZONE '${TZ}')::time < '15:30' THEN ${ld('s.recv_at')} ELSE ${c.addWd(ld('s.recv_at'), 1)} END`, `interval '8 hours 40 minutes' + ${hours(`${R(32)} * 7`)}`)})`],
    ],
    [['tr0_at', `CASE WHEN outcome = 'accept' AND mode <> 'direct' THEN acc_at + make_interval(secs => (5 + ${R(34)} * 120) * 60) END`]],
    // a returned case: first to unit1, returned within the day, then to unit
    [
      ['tr1_at', `CASE WHEN returned THEN tr0_at END`],
      ['ret_at', `CASE WHEN returned THEN tr0_at + ${hours(`1 + ${R(35)} * 18`)} END`],
      ['tr1_dl', `CASE WHEN returned THEN ${c.addWd(ld('tr0_at'), 3)} END`],
      ['tr1_ret_dl', `CASE WHEN returned THEN ${c.addWd(ld('tr0_at'), 1)} END`],
    ],
    [['tr_at', `CASE WHEN returned THEN ret_at + ${hours(`1 + ${R(36)} * 5`)} ELSE tr0_at END`]],
    [
      ['deadline0', `${c.addWd(ld('tr_at'), `CASE WHEN mode = 'coordinate' THEN 10 ELSE 3 END`)}`],
      ['ret_dl', `CASE WHEN mode = 'transfer' THEN ${c.addWd(ld('tr_at'), 1)} END`],
      // extension card before the deadline, decided within hours (approved: 5 more working days)
      ['req_at', `CASE WHEN ext THEN tr_at + ${hours(`3 + ${R(37)} * 20`)} END`],
    ],
    [
      ['new_dl', `CASE WHEN req_at IS NOT NULL THEN ${c.addWd('deadline0', 5)} END`],
      ['dec_at', `req_at + ${hours(`1 + ${R(38)} * 6`)}`],
    ],
    [['eff_dl', `CASE WHEN dec_at IS NOT NULL AND ext_ok THEN new_dl ELSE deadline0 END`]],
    // the sweep's reminder (08:30 the working day before the deadline) and notice (08:30 the working day after)
    [
      ['remind0', at(c.prevWd('eff_dl'), `make_interval(secs => (30 + ${R(39)} * 10) * 60) + interval '8 hours'`)],
      ['notice0', at(c.addWd('eff_dl', 1), `make_interval(secs => (30 + ${R(40)} * 5) * 60) + interval '8 hours'`)],
      // feedback: on time (up to 17:30 on the deadline), late (1–5 working days after it), or never (left open)
      ['fb_at', `CASE WHEN eff_dl IS NULL OR stuck THEN NULL
                      WHEN late THEN ${at(c.addWd('eff_dl', `1 + floor(${R(41)} * 5)::int`), `interval '9 hours' + ${hours(`${R(42)} * 8`)}`)}
                      ELSE greatest(coalesce(dec_at, tr_at) + interval '30 minutes',
                                    tr_at + (power(${R(43)}, 1.3) * extract(epoch FROM ${at('eff_dl', "interval '17 hours 30 minutes'")} - tr_at)) * interval '1 second') END`],
    ],
    [
      ['remind_at', `CASE WHEN remind0 > coalesce(dec_at, tr_at) AND remind0 < coalesce(fb_at, 'infinity') THEN remind0 END`],
      ['notice_at', `CASE WHEN notice0 < coalesce(fb_at, 'infinity') THEN notice0 END`],
      // left open: 通报批评 proposed by the sweep just after midnight 3 working days after the deadline; a leader decides
      ['prop_at', `CASE WHEN stuck AND eff_dl IS NOT NULL THEN ${at(c.addWd('eff_dl', 3), `make_interval(secs => 30 + ${R(44)} * 240)`)} END`],
      // reply: after the feedback, or directly (consultations answered by the mailbox)
      ['reply_at', `CASE WHEN outcome <> 'accept' THEN NULL WHEN mode = 'direct' THEN acc_at + ${hours(`1 + ${R(33)} * 40`)} ELSE fb_at + ${hours(`1 + ${R(47)} * 28`)} END`],
    ],
    [
      ['dcrit_at', `CASE WHEN crit_decided THEN prop_at + ${hours(`9 + ${R(45)} * 96`)} END`],
      ['rate_at', `CASE WHEN rating IS NOT NULL THEN reply_at + ${hours(`1 + ${R(48)} * 96`)} END`],
    ],
    [
      ['sup_at', `CASE WHEN crit_ok AND supervise THEN dcrit_at + ${hours(`2 + ${R(46)} * 40`)} END`],
      // 重办 after 不满意: the same unit again, fed back before the reminder, replied, closed unrated
      ['tr2_at', `CASE WHEN rating = '不满意' THEN rate_at + ${hours(`2 + ${R(49)} * 24`)} END`],
    ],
    [
      ['dl2', `CASE WHEN tr2_at IS NOT NULL THEN ${c.addWd(ld('tr2_at'), `CASE WHEN mode = 'coordinate' THEN 10 ELSE 3 END`)} END`],
      ['ret_dl2', `CASE WHEN tr2_at IS NOT NULL AND mode = 'transfer' THEN ${c.addWd(ld('tr2_at'), 1)} END`],
    ],
    [['fb2_at', `tr2_at + (${R(50)} * 0.9 * greatest(3600, extract(epoch FROM ${at(c.prevWd('dl2'), "interval '8 hours 30 minutes'")} - tr2_at))) * interval '1 second'`]],
    [['reply2_at', `fb2_at + ${hours(`1 + ${R(51)} * 28`)}`]],
    // closing (rated 满意/基本满意: by the rating; unrated: by the sweep 10 days after the reply) and archiving a day later
    [
      ['close_at', `CASE WHEN reply2_at IS NOT NULL THEN reply2_at + interval '10 days' + make_interval(secs => ${R(52)} * 300)
                         WHEN reply_at IS NOT NULL AND rating IS NULL THEN reply_at + interval '10 days' + make_interval(secs => ${R(52)} * 300) END`],
    ],
    [
      ['archive_at', `CASE WHEN outcome <> 'accept' THEN acc_at + interval '1 day' + make_interval(secs => ${R(53)} * 300)
                           ELSE coalesce(close_at, CASE WHEN rating IN ('满意', '基本满意') THEN rate_at END) + interval '1 day' + make_interval(secs => ${R(53)} * 300) END`],
    ],
  ]);
  return `
    CREATE TEMP TABLE bench_s2 AS
    SELECT s.*, t.title AS topic_title, t.content AS topic_content, t.domain, t.category AS topic_category, t.bureau, ${columns}
      FROM bench_s1 s
      JOIN bench_topic t ON t.i = s.topic
      CROSS JOIN ${constsFrom(k)}
      ${from}`;
}

/** One candidate step: SQL expressions evaluated on a bench_s2 row. */
interface Step {
  type: string;
  at: string;
  actor: string;
  role: string;
  from: string | null;
  to: string | null;
  reason?: string;
  data: string;
  visible: boolean | string;
  /** Changes to the case row (keys = column names). */
  set?: string;
  /** Whose timeline it is (default: this case). */
  caseId?: string;
}

const STAFF = `'staff0' || (1 + g % 6)::text`;
const UNIT_USER = (unit: string) => `${unit} || '经办人'`;
const CASE_NO = `'AJ' || to_char(day, 'YYYYMMDD') || '-' || lpad((kd + 1)::text, 6, '0')`;
const RECEIPT_NO = `'YC' || to_char(day, 'YYYYMMDD') || '-' || lpad((kd + 1)::text, 6, '0')`;
const doc = (prefix: string, ts: string) => `'${prefix}' || to_char(${ld(ts)}, 'YYYYMMDD') || '-' || lpad(g::text, 6, '0')`;
const TRANSFER_RESET = `'lead_unit', NULL, 'responsible_units', NULL, 'reminders_sent', 0, 'last_reminder_day', NULL, 'overdue_notice_at', NULL,
  'reason_reported', false, 'extension_request', NULL, 'feedback', NULL, 'criticism_proposed_at', NULL`;

function steps(refer: { guidance: Map<string, string>; referTo: Map<string, unknown> }): Step[] {
  const referChannel = `${textArray(REFER_TO)}[1 + (g % ${REFER_TO.length})::int]`;
  const guidance = `(${`CASE ${referChannel} ${REFER_TO.map((id) => `WHEN ${lit(id)} THEN ${lit(refer.guidance.get(id) ?? '')}`).join(' ')} END`})`;
  const referTo = `(${`CASE ${referChannel} ${REFER_TO.map((id) => `WHEN ${lit(id)} THEN ${lit(JSON.stringify(refer.referTo.get(id) ?? null))}::jsonb`).join(' ')} END`})`;
  const coordUnits = `jsonb_build_array(unit, ${textArray(BUREAUS)}[1 + ((g / 7) % ${BUREAUS.length})::int])`;
  const transferSet = (ts: string, dl: string, rdl: string) =>
    `jsonb_build_object('handling_unit', unit, 'unit_received_at', ${ts}, 'deadline', ${dl}, 'return_deadline', ${rdl}, ${TRANSFER_RESET})`;
  const assignSet = (ts: string, dl: string, rdl: string) =>
    `CASE WHEN mode = 'coordinate'
          THEN jsonb_build_object('handling_unit', unit, 'unit_received_at', ${ts}, 'deadline', ${dl}, 'return_deadline', NULL, ${TRANSFER_RESET}) || jsonb_build_object('lead_unit', unit, 'responsible_units', ${coordUnits})
          ELSE ${transferSet(ts, dl, rdl)} END`;
  const assignData = (ts: string, dl: string, rdl: string) =>
    `CASE WHEN mode = 'coordinate' THEN jsonb_build_object('leadUnit', unit, 'units', ${coordUnits}, 'deadline', ${dayText(dl)})
          ELSE jsonb_build_object('unit', unit, 'deadline', ${dayText(dl)}, 'returnDeadline', ${dayText(rdl)}, 'documents', jsonb_build_array(${doc('ZB', ts)})) END`;
  const open = `CASE WHEN mode = 'coordinate' THEN 'coordinating' ELSE 'transferred' END`;
  const replyObj = (ts: string, unit: string) =>
    `jsonb_build_object('content', '您好！关于您反映的“' || topic_title || '”问题，经' || ${unit} || '调查核实，已按照有关规定进行处理。感谢您对我市工作的关心和支持。', 'unit', ${unit}, 'at', ${iso(ts)})`;
  const feedbackObj = (ts: string) => `jsonb_build_object('result', '经核查，' || topic_title || '问题已按规定处理，并与来信人电话沟通。', 'unit', unit, 'by', ${UNIT_USER('unit')}, 'at', ${iso(ts)})`;
  const remindTotal = (which: 'remind' | 'notice') => (which === 'remind' ? '1' : `CASE WHEN remind_at IS NOT NULL THEN 2 ELSE 1 END`);
  return [
    { type: 'received', at: 'recv_at', actor: 'channel_id', role: "'channel'", from: null, to: null, data: `jsonb_build_object('receiptNo', ${RECEIPT_NO}, 'imported', false)`, visible: true },
    { type: 'registered', at: 'reg_at', actor: "'system'", role: "'system'", from: null, to: "'new'", data: `jsonb_build_object('caseNo', ${CASE_NO})`, visible: true },
    { type: 'duplicate_of', at: "CASE WHEN dup THEN reg_at + interval '50 milliseconds' END", actor: "'system'", role: "'system'", from: null, to: null, data: `jsonb_build_object('caseNo', orig_no)`, visible: false },
    { type: 'duplicate_linked', at: "CASE WHEN dup THEN reg_at + interval '50 milliseconds' END", actor: "'system'", role: "'system'", from: null, to: null, data: `jsonb_build_object('caseNo', ${CASE_NO})`, visible: false, caseId: 'orig' },
    {
      type: 'decline', at: "CASE WHEN outcome IN ('decline', 'decline_dup') THEN acc_at END", actor: STAFF, role: "'staff'", from: "'new'", to: "'declined'",
      reason: `CASE WHEN outcome = 'decline_dup' THEN '重复来信，已并入案件' || orig_no || '办理' ELSE ${textArray(DECLINE_REASONS)}[1 + (g % ${DECLINE_REASONS.length})::int] END`,
      data: `'{}'::jsonb`, visible: true,
      set: `jsonb_build_object('reply', jsonb_build_object('content', '您的留言未予受理。原因：' || CASE WHEN outcome = 'decline_dup' THEN '重复来信，已并入案件' || orig_no || '办理' ELSE ${textArray(DECLINE_REASONS)}[1 + (g % ${DECLINE_REASONS.length})::int] END, 'unit', '市长信箱', 'at', ${iso('acc_at')}))`,
    },
    {
      type: 'refer', at: "CASE WHEN outcome = 'refer' THEN acc_at END", actor: STAFF, role: "'staff'", from: "'new'", to: "'referred'",
      data: `jsonb_build_object('channel', ${referChannel}, 'referTo', ${referTo})`, visible: true,
      set: `jsonb_build_object('reply', jsonb_build_object('content', ${guidance}, 'unit', '市长信箱', 'at', ${iso('acc_at')}, 'referTo', ${referTo}))`,
    },
    {
      type: 'accept', at: "CASE WHEN outcome = 'accept' THEN acc_at END", actor: STAFF, role: "'staff'", from: "'new'", to: "'accepted'",
      data: `jsonb_build_object('category', topic_category, 'domain', domain)`, visible: true, set: `jsonb_build_object('category', topic_category, 'domain', domain)`,
    },
    // A case returned by the unit it was first sent to.
    { type: 'transfer', at: 'tr1_at', actor: STAFF, role: "'staff'", from: "'accepted'", to: "'transferred'", data: `jsonb_build_object('unit', unit1, 'deadline', ${dayText('tr1_dl')}, 'returnDeadline', ${dayText('tr1_ret_dl')}, 'documents', jsonb_build_array(${doc('ZB', 'tr1_at')}))`, visible: true, set: `jsonb_build_object('handling_unit', unit1, 'unit_received_at', tr1_at, 'deadline', tr1_dl, 'return_deadline', tr1_ret_dl, ${TRANSFER_RESET})` },
    {
      type: 'return', at: 'ret_at', actor: UNIT_USER('unit1'), role: "'unit'", from: "'transferred'", to: "'accepted'",
      reason: `'不属于本单位职责范围'`, data: `jsonb_build_object('unit', unit1, 'basis', ${textArray(RETURN_BASIS)}[1 + (g % ${RETURN_BASIS.length})::int], 'late', false)`, visible: false,
      set: `jsonb_build_object('handling_unit', NULL, 'lead_unit', NULL, 'responsible_units', NULL, 'deadline', NULL, 'return_deadline', NULL, 'unit_received_at', NULL, 'reminders_sent', 0, 'last_reminder_day', NULL, 'extension_request', NULL, 'reason_reported', false)`,
    },
    {
      type: "CASE WHEN mode = 'coordinate' THEN 'coordinate' ELSE 'transfer' END", at: 'tr_at', actor: STAFF, role: "'staff'", from: "'accepted'", to: open,
      reason: `CASE WHEN mode = 'coordinate' THEN '专题协调会议：由' || unit || '牵头办理' END`,
      data: assignData('tr_at', 'deadline0', 'ret_dl'), visible: true, set: assignSet('tr_at', 'deadline0', 'ret_dl'),
    },
    {
      type: 'request_extension', at: 'req_at', actor: UNIT_USER('unit'), role: "'unit'", from: open, to: open, reason: `'需要协调多个部门，现场核查需要时间'`,
      data: `jsonb_build_object('newDeadline', ${dayText('new_dl')}, 'documents', jsonb_build_array(${doc('YQ', 'req_at')}))`, visible: false,
      set: `jsonb_build_object('extension_request', jsonb_build_object('currentDeadline', ${dayText('deadline0')}, 'newDeadline', ${dayText('new_dl')}, 'today', ${dayText(ld('req_at'))}, 'basis', '延长办理卡', 'reason', '需要协调多个部门，现场核查需要时间', 'status', 'pending', 'docNo', ${doc('YQ', 'req_at')}, 'unit', unit, 'at', ${iso('req_at')}), 'reason_reported', true)`,
    },
    {
      type: 'decide_extension', at: 'dec_at', actor: STAFF, role: "'staff'", from: open, to: open, data: `jsonb_build_object('approved', ext_ok, 'deadline', ${dayText('eff_dl')})`, visible: 'ext_ok',
      set: `jsonb_build_object('extension_request', jsonb_build_object('currentDeadline', ${dayText('deadline0')}, 'newDeadline', ${dayText('new_dl')}, 'status', CASE WHEN ext_ok THEN 'approved' ELSE 'rejected' END, 'docNo', ${doc('YQ', 'req_at')}, 'unit', unit, 'decidedBy', ${STAFF}, 'decidedAt', ${iso('dec_at')}), 'reason_reported', false)
            || CASE WHEN ext_ok THEN jsonb_build_object('deadline', new_dl, 'reminders_sent', 0, 'overdue_notice_at', NULL) ELSE '{}'::jsonb END`,
    },
    {
      type: 'remind', at: 'remind_at', actor: "'system'", role: "'system'", from: open, to: open,
      data: `jsonb_build_object('unit', unit, 'deadline', ${dayText('eff_dl')}, 'rung', 0, 'remindersTotal', 1)`, visible: false,
      set: `jsonb_build_object('reminders_sent', 1, 'reminders_total', ${remindTotal('remind')}, 'last_reminder_day', ${ld('remind_at')})`,
    },
    {
      type: 'issue_reminder_notice', at: 'notice_at', actor: "'system'", role: "'system'", from: open, to: open,
      data: `jsonb_build_object('unit', unit, 'deadline', ${dayText('eff_dl')}, 'documents', jsonb_build_array(${doc('CB', 'notice_at')}))`, visible: false,
      set: `jsonb_build_object('reminders_sent', ${remindTotal('notice')}, 'reminders_total', ${remindTotal('notice')}, 'last_reminder_day', ${ld('notice_at')}, 'overdue_notice_at', notice_at)`,
    },
    {
      type: 'propose_criticism', at: 'prop_at', actor: "'system'", role: "'system'", from: open, to: open,
      data: `jsonb_build_object('unit', unit, 'docNo', ${doc('TB', 'prop_at')}, 'workdaysOverdue', 3, 'decision', 'pending', 'documents', jsonb_build_array(${doc('TB', 'prop_at')}))`, visible: false,
      set: `jsonb_build_object('criticism_proposed_at', prop_at)`,
    },
    {
      type: 'decide_criticism', at: 'dcrit_at', actor: "'leader01'", role: "'leader'", from: open, to: open, reason: `CASE WHEN crit_ok THEN '同意，予以通报批评' ELSE '暂缓通报，责成限期办结' END`,
      data: `jsonb_build_object('docNo', ${doc('TB', 'prop_at')}, 'approved', crit_ok, 'unit', unit)`, visible: false,
    },
    { type: 'refer_to_supervision', at: 'sup_at', actor: "'leader01'", role: "'leader'", from: open, to: open, reason: `'推诿扯皮，转督查室问责'`, data: `jsonb_build_object('unit', unit, 'office', '市政府督查室')`, visible: false },
    {
      type: 'submit_feedback', at: 'fb_at', actor: UNIT_USER('unit'), role: "'unit'", from: open, to: "'feedback'",
      data: `jsonb_build_object('unit', unit, 'onTime', ${ld('fb_at')} <= eff_dl)`, visible: true, set: `jsonb_build_object('feedback', ${feedbackObj('fb_at')}, 'reason_reported', true)`,
    },
    {
      type: 'reply', at: 'reply_at', actor: STAFF, role: "'staff'", from: "CASE WHEN mode = 'direct' THEN 'accepted' ELSE 'feedback' END", to: "'replied'",
      data: `jsonb_build_object('unit', CASE WHEN mode = 'direct' THEN '市长信箱' ELSE unit END)`, visible: true,
      set: `jsonb_build_object('reply', ${replyObj('reply_at', "CASE WHEN mode = 'direct' THEN '市长信箱' ELSE unit END")})`,
    },
    {
      type: "CASE WHEN rating = '不满意' THEN 'rate_unsatisfied' ELSE 'rate_satisfied' END", at: 'rate_at', actor: "'citizen'", role: "'citizen'", from: "'replied'",
      to: "CASE WHEN rating = '不满意' THEN 'accepted' ELSE 'closed' END", data: `jsonb_build_object('satisfaction', rating)`, visible: true,
      set: `CASE WHEN rating = '不满意'
                 THEN jsonb_build_object('satisfaction', rating, 'handling_unit', NULL, 'lead_unit', NULL, 'responsible_units', NULL, 'deadline', NULL, 'return_deadline', NULL, 'feedback', NULL, 'extension_request', NULL)
                 ELSE jsonb_build_object('satisfaction', rating, 'closed_at', rate_at) END`,
    },
    // 重办
    {
      type: "CASE WHEN mode = 'coordinate' THEN 'coordinate' ELSE 'transfer' END", at: 'tr2_at', actor: STAFF, role: "'staff'", from: "'accepted'", to: open,
      data: assignData('tr2_at', 'dl2', 'ret_dl2'), visible: true, set: assignSet('tr2_at', 'dl2', 'ret_dl2'),
    },
    {
      type: 'submit_feedback', at: 'fb2_at', actor: UNIT_USER('unit'), role: "'unit'", from: open, to: "'feedback'",
      data: `jsonb_build_object('unit', unit, 'onTime', ${ld('fb2_at')} <= dl2)`, visible: true, set: `jsonb_build_object('feedback', ${feedbackObj('fb2_at')}, 'reason_reported', true)`,
    },
    { type: 'reply', at: 'reply2_at', actor: STAFF, role: "'staff'", from: "'feedback'", to: "'replied'", data: `jsonb_build_object('unit', unit)`, visible: true, set: `jsonb_build_object('reply', ${replyObj('reply2_at', 'unit')})` },
    { type: 'close', at: 'close_at', actor: "'system'", role: "'system'", from: "'replied'", to: "'closed'", data: `'{}'::jsonb`, visible: true, set: `jsonb_build_object('closed_at', close_at)` },
    {
      type: 'archive', at: 'archive_at', actor: "'system'", role: "'system'", from: `CASE WHEN outcome = 'refer' THEN 'referred' WHEN outcome <> 'accept' THEN 'declined' ELSE 'closed' END`,
      to: "'archived'", data: `'{}'::jsonb`, visible: true, set: `jsonb_build_object('archived_at', archive_at)`,
    },
  ];
}

/** Stage 3: the steps taken before the cut-off, with their data and their change to the case row. */
function stage3(cutoffIso: string, refer: Parameters<typeof steps>[0]): string {
  const rows = steps(refer).map((s, i) => {
    const to = s.to ?? 'NULL';
    const statusSet = s.to ? `jsonb_build_object('status', ${to}, 'updated_at', ${s.at})` : `'{}'::jsonb`;
    const set = s.caseId ? `'{}'::jsonb` : `${statusSet} || coalesce(${s.set ?? `'{}'::jsonb`}, '{}'::jsonb)`;
    const type = /^[a-z_]+$/.test(s.type) ? lit(s.type) : s.type;
    return `(${i}, ${s.caseId ?? 'g'}, ${type}, ${s.at}, ${s.actor}, ${s.role}, ${s.from ?? 'NULL'}::text, ${to}::text, ${s.reason ?? 'NULL'}::text, ${s.data}, ${String(s.visible)}, ${set})`;
  });
  return `
    CREATE TEMP TABLE bench_ev AS
    SELECT v.* FROM (SELECT b.*, ${`'AJ' || to_char(o.day, 'YYYYMMDD') || '-' || lpad((o.g - o.first_g + 1)::text, 6, '0')`} AS orig_no
                       FROM bench_s2 b
                       LEFT JOIN LATERAL (SELECT b.orig AS g, day, first_g FROM bench_day WHERE first_g <= b.orig ORDER BY first_g DESC LIMIT 1) o ON b.dup) s
    CROSS JOIN LATERAL (VALUES ${rows.join(',\n      ')}) AS v(seq, case_id, type, at, actor, actor_role, from_status, to_status, reason, data, visible_to_citizen, patch)
     WHERE v.at IS NOT NULL AND v.at <= '${cutoffIso}'::timestamptz`;
}

function insertRows(): string {
  const j = (key: string) => `x.s -> '${key}'`;
  const t = (key: string) => `x.s ->> '${key}'`;
  return `
    INSERT INTO inbound_message (id, receipt_no, channel_id, external_id, idempotency_key, request_hash, raw_sealed, query_code_hash, query_code_sealed, status, attempts, received_at)
    SELECT g, 'YC' || to_char(day, 'YYYYMMDD') || '-' || lpad((kd + 1)::text, 6, '0'), channel_id,
           CASE WHEN channel_id = 'people-leaders-board' THEN 'plb-' || g END, NULL, md5('r' || g), 'bench:not-sealed:' || g,
           encode(sha256(('bench-query-code:' || g)::bytea), 'hex'), 'bench:not-sealed', 'accepted', 1, recv_at
      FROM bench_s2 ORDER BY g;
    INSERT INTO cases (id, case_no, inbound_id, receipt_no, channel_id, external_id, title, content, category, domain, status, handling_unit, deadline,
                       is_public, citizen_name_sealed, citizen_phone_sealed, phone_hash, submitted_at, received_at, created_at, updated_at,
                       duplicate_of, unit_received_at, return_deadline, lead_unit, responsible_units, extension_request, reminders_sent, reminders_total,
                       last_reminder_day, overdue_notice_at, criticism_proposed_at, reason_reported, feedback, reply, satisfaction, closed_at, archived_at)
    SELECT p.g, 'AJ' || to_char(p.day, 'YYYYMMDD') || '-' || lpad((p.kd + 1)::text, 6, '0'), p.g, 'YC' || to_char(p.day, 'YYYYMMDD') || '-' || lpad((p.kd + 1)::text, 6, '0'),
           p.channel_id, CASE WHEN p.channel_id = 'people-leaders-board' THEN 'plb-' || p.g END,
           ${textArray(DISTRICTS)}[1 + p.district] || p.topic_title,
           '我是' || ${textArray(DISTRICTS)}[1 + p.district] || '的居民。' || p.topic_content,
           coalesce(${t('category')}, p.citizen_category), ${t('domain')}, ${t('status')},
           ${t('handling_unit')}, (${t('deadline')})::date, p.is_public,
           CASE WHEN p.named THEN pe.name_sealed END, pe.phone_sealed, pe.phone_hash,
           p.recv_at - make_interval(secs => 30 + (p.g % 600)), p.recv_at, p.reg_at, (${t('updated_at')})::timestamptz,
           CASE WHEN p.dup THEN p.orig END, (${t('unit_received_at')})::timestamptz, (${t('return_deadline')})::date, ${t('lead_unit')},
           CASE WHEN jsonb_typeof(${j('responsible_units')}) = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(${j('responsible_units')})) END,
           nullif(${j('extension_request')}, 'null'::jsonb), coalesce((${t('reminders_sent')})::int, 0), coalesce((${t('reminders_total')})::int, 0),
           (${t('last_reminder_day')})::date, (${t('overdue_notice_at')})::timestamptz, (${t('criticism_proposed_at')})::timestamptz,
           coalesce((${t('reason_reported')})::boolean, false), nullif(${j('feedback')}, 'null'::jsonb), nullif(${j('reply')}, 'null'::jsonb),
           ${t('satisfaction')}, (${t('closed_at')})::timestamptz, (${t('archived_at')})::timestamptz
      FROM bench_s2 p
      JOIN bench_person pe ON pe.i = p.person_eff
      JOIN (SELECT e.case_id, jsonb_object_agg(kv.key, kv.value ORDER BY e.at, e.seq) AS s
              FROM bench_ev e CROSS JOIN LATERAL jsonb_each(e.patch) kv
             GROUP BY e.case_id) x ON x.case_id = p.g
     ORDER BY p.g;
    INSERT INTO case_event (case_id, type, at, actor, actor_role, from_status, to_status, reason, data, visible_to_citizen)
    SELECT case_id, type, at, actor, actor_role, from_status, to_status, reason, data, visible_to_citizen
      FROM bench_ev ORDER BY case_id, at, seq;
    INSERT INTO case_document (case_id, kind, doc_no, created_at, data)
    SELECT e.case_id, 'criticism', e.data ->> 'docNo', e.at,
           jsonb_build_object('unit', e.data ->> 'unit', 'deadline', c.deadline, 'remindersSent', 2, 'workdaysOverdue', 3)
           || CASE WHEN d.case_id IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('decision', CASE WHEN (d.data ->> 'approved')::boolean THEN '同意通报批评' ELSE '不同意通报批评' END,
                                           'decidedBy', d.actor, 'decidedAt', ${iso('d.at')}) END
      FROM bench_ev e
      JOIN cases c ON c.id = e.case_id
      LEFT JOIN (SELECT case_id, actor, at, data FROM bench_ev WHERE type = 'decide_criticism') d ON d.case_id = e.case_id
     WHERE e.type = 'propose_criticism'`;
}

// ---------------------------------------------------------------------------------------------

/** Runs one (possibly multi-statement) SQL text; an error quotes the text around its position. */
async function run(client: Client, what: string, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (err) {
    const pos = Number((err as { position?: string }).position);
    const excerpt = Number.isFinite(pos) ? `\n  near: …${sql.slice(Math.max(0, pos - 300), pos).replace(/\s+/g, ' ')} ⟪HERE⟫ ${sql.slice(pos, pos + 200).replace(/\s+/g, ' ')}…` : '';
    throw new Error(`seeding (${what}) failed: ${(err as Error).message}${excerpt}`);
  }
}

export interface SeedResult {
  cases: number;
  events: number;
  /** Seconds: inserting the rows, then VACUUM ANALYZE. */
  insertSeconds: number;
  vacuumAnalyzeSeconds: number;
  cutoff: string;
}

export interface SeedOptions {
  dbUrl: string;
  cases: number;
  chunk: number;
  dataKey: Buffer;
  log: (message: string) => void;
}

/** Seeds the cases (the hub must have migrated the database and be stopped). */
export async function seedStats(o: SeedOptions): Promise<SeedResult> {
  const client = new Client({ connectionString: o.dbUrl, application_name: 'bench-stats-seed' });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET jit = off`);
    await client.query(`SET TIME ZONE 'UTC'`);
    const [{ n: existing }] = (await client.query(`SELECT count(*)::int AS n FROM cases`)).rows;
    if (existing !== 0) throw new Error(`the bench database already has ${existing} cases`);
    const cutoff = new Date(Date.now() - 60_000).toISOString();

    // Reference tables of this session.
    const cal = calendarArrays();
    const k: Consts = { counts: intArray(cal.counts), workdays: dateArray(cal.workdays) };
    const perDay = casesPerDay(o.cases, cal.isWorkday);
    let first = 1;
    const dayRows = perDay.map((d) => {
      const row = { day: d.day, first, n: d.n };
      first += d.n;
      return row;
    }).filter((d) => d.n > 0);
    await client.query(`CREATE TEMP TABLE bench_day (day date PRIMARY KEY, first_g bigint NOT NULL, n int NOT NULL)`);
    await client.query(`INSERT INTO bench_day SELECT * FROM unnest($1::date[], $2::bigint[], $3::int[])`, [dayRows.map((d) => d.day), dayRows.map((d) => d.first), dayRows.map((d) => d.n)]);
    await client.query(`CREATE INDEX ON bench_day (first_g)`);
    await client.query(`CREATE TEMP TABLE bench_topic (i int PRIMARY KEY, title text, content text, domain text, category text, bureau text)`);
    await client.query(`INSERT INTO bench_topic SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`, [
      TOPICS.map((_, i) => i), TOPICS.map((t) => t.title), TOPICS.map((t) => t.content), TOPICS.map((t) => t.domain), TOPICS.map((t) => t.category), TOPICS.map((t) => t.bureau),
    ]);
    // People: names and phones sealed with the hub's key, the phone's blind index as intake computes it.
    const cipher = new PiiCipher(o.dataKey);
    const people = Array.from({ length: 4096 }, (_, i) => {
      const name = SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length] + (i % 3 === 0 ? GIVEN[(i * 13) % GIVEN.length] : '');
      const phone = `1${[3, 5, 7, 8, 9][i % 5]}${String(100_000_000 + ((i * 7_919_113) % 899_999_999)).slice(0, 9)}`;
      return { i, name: cipher.seal(name), phone: cipher.seal(phone), hash: cipher.blindIndex('phone', phone) };
    });
    await client.query(`CREATE TEMP TABLE bench_person (i int PRIMARY KEY, name_sealed text, phone_sealed text, phone_hash text)`);
    await client.query(`INSERT INTO bench_person SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])`, [
      people.map((p) => p.i), people.map((p) => p.name), people.map((p) => p.phone), people.map((p) => p.hash),
    ]);
    const channels = (await client.query<{ id: string; guidance: string; refer_to: unknown }>(`SELECT id, guidance, refer_to FROM channel`)).rows;
    const refer = { guidance: new Map(channels.map((c) => [c.id, c.guidance])), referTo: new Map(channels.map((c) => [c.id, c.refer_to])) };
    for (const [id] of CHANNELS) if (!channels.some((c) => c.id === id)) throw new Error(`channel ${id} is not in the registry`);
    const tod = intArray(timeOfDayQuantiles());

    const started = Date.now();
    let events = 0;
    for (let lo = 1; lo <= o.cases; lo += o.chunk) {
      const hi = Math.min(o.cases, lo + o.chunk - 1);
      const t0 = Date.now();
      const split: string[] = [];
      const timed = async (what: string, sql: string) => {
        const s0 = Date.now();
        await run(client, what, sql);
        split.push(`${what} ${((Date.now() - s0) / 1000).toFixed(1)}`);
      };
      await client.query('BEGIN');
      await client.query(`DROP TABLE IF EXISTS bench_s1, bench_s2, bench_ev`);
      await timed('plan', stage1(lo, hi, tod));
      await timed('steps', stage2(k, cutoff));
      await timed('events', stage3(cutoff, refer));
      const n = Number((await client.query(`SELECT count(*) AS n FROM bench_ev`)).rows[0].n);
      await timed('insert', insertRows());
      await client.query('COMMIT');
      events += n;
      const done = hi;
      const elapsed = (Date.now() - started) / 1000;
      o.log(`seeded ${done.toLocaleString('en-US')} / ${o.cases.toLocaleString('en-US')} cases (${events.toLocaleString('en-US')} events); chunk ${((Date.now() - t0) / 1000).toFixed(1)} s (${split.join(', ')}), ${Math.round(done / elapsed).toLocaleString('en-US')} cases/s`);
    }
    await client.query(`DROP TABLE IF EXISTS bench_s1, bench_s2, bench_ev`);
    await client.query(`SELECT setval('cases_id_seq', $1), setval('inbound_message_id_seq', $1)`, [o.cases]);
    const insertSeconds = (Date.now() - started) / 1000;
    o.log(`rows inserted in ${insertSeconds.toFixed(0)} s; VACUUM ANALYZE …`);
    const v0 = Date.now();
    // What autovacuum would have done by now on a store filled over two years (visibility map, hint bits, statistics).
    await client.query(`VACUUM (ANALYZE) inbound_message, cases, case_event, case_document, report, channel`);
    const vacuumAnalyzeSeconds = (Date.now() - v0) / 1000;
    return { cases: o.cases, events, insertSeconds, vacuumAnalyzeSeconds, cutoff };
  } finally {
    await client.end().catch(() => undefined);
  }
}
