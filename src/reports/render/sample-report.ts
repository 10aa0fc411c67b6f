/**
 * A realistic, deterministic 月报 document (运城市市长信箱, 2026年10月) for tests, previews and
 * the renderer's smoke runs. Every number is derived from fixed inputs, and the derived figures
 * agree with each other (channel, category, domain and day counts each add up to `received`;
 * unit rates and scores follow the assessment's own formulas), so it can stand in for a real report.
 */
import { ASSESSMENT_FORMULAS, score } from '../../stats/domain/assessment';
import type {
  Count,
  CriticisedCase,
  MonthTrend,
  OverdueCase,
  ReportDocument,
  RepresentativeCase,
  UnitFigures,
} from '../../stats/domain/figures';

const PERIOD = { from: '2026-10-01', to: '2026-10-31' };
/** Midnight 2026-11-01 in Shanghai: the end of the period (exclusive). */
const AS_OF = '2026-10-31T16:00:00.000Z';
const GENERATED_AT = '2026-11-02T01:30:00.000Z';

/** Daily volume: quieter over the 国庆 holiday (1–8 Oct) and at weekends. */
function sampleDays(): { day: string; count: number }[] {
  const days: { day: string; count: number }[] = [];
  for (let d = 1; d <= 31; d++) {
    const weekday = new Date(Date.UTC(2026, 9, d)).getUTCDay();
    const base = d <= 8 ? 18 : weekday === 0 || weekday === 6 ? 27 : 46;
    const wobble = (d * 37) % 13;
    days.push({ day: `2026-10-${d < 10 ? `0${d}` : d}`, count: base + wobble });
  }
  return days;
}

/** Splits `total` by fixed shares; the last entry takes the remainder so the counts add up. */
function split(total: number, shares: [key: string, label: string, share: number][]): Count[] {
  let left = total;
  return shares.map(([key, label, share], i) => {
    const count = i === shares.length - 1 ? left : Math.round(total * share);
    left -= count;
    return { key, label, count };
  });
}

type UnitInput = Pick<
  UnitFigures,
  | 'unit'
  | 'transferred'
  | 'returned'
  | 'finished'
  | 'onTime'
  | 'overdueOpen'
  | 'replied'
  | 'rated'
  | 'satisfied'
  | 'unsatisfied'
  | 'extensionsRequested'
  | 'extensionsApproved'
  | 'reminders'
  | 'reminderNotices'
  | 'criticismsProposed'
  | 'criticisms'
  | 'supervisionReferrals'
>;

const UNIT_INPUTS: UnitInput[] = [
  u('市住建局', 86, 3, 80, 74, 2, 78, 51, 44, 7, 4, 3, 5, 1, 0, 0, 0),
  u('市人社局', 64, 1, 62, 60, 0, 61, 40, 37, 3, 1, 1, 1, 0, 0, 0, 0),
  u('盐湖区政府', 71, 2, 60, 49, 6, 57, 33, 24, 9, 6, 3, 11, 3, 1, 1, 1),
  u('市交通运输局', 38, 0, 37, 35, 1, 36, 22, 20, 2, 2, 2, 2, 0, 0, 0, 0),
  u('市市场监管局', 45, 2, 41, 36, 2, 40, 25, 21, 4, 3, 2, 4, 1, 1, 0, 0),
  u('市教育局', 29, 1, 27, 23, 1, 26, 18, 15, 3, 2, 1, 3, 1, 1, 0, 0),
  u('市规划和自然资源局', 22, 0, 19, 16, 2, 18, 9, 7, 2, 1, 1, 3, 1, 0, 0, 0),
];

function u(
  unit: string,
  transferred: number,
  returned: number,
  finished: number,
  onTime: number,
  overdueOpen: number,
  replied: number,
  rated: number,
  satisfied: number,
  unsatisfied: number,
  extensionsRequested: number,
  extensionsApproved: number,
  reminders: number,
  reminderNotices: number,
  criticismsProposed: number,
  criticisms: number,
  supervisionReferrals: number,
): UnitInput {
  return {
    unit,
    transferred,
    returned,
    finished,
    onTime,
    overdueOpen,
    replied,
    rated,
    satisfied,
    unsatisfied,
    extensionsRequested,
    extensionsApproved,
    reminders,
    reminderNotices,
    criticismsProposed,
    criticisms,
    supervisionReferrals,
  };
}

function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * The sample units with their rates, 综合得分 and rank, computed by the assessment's own
 * definitions (ASSESSMENT_FORMULAS, `score`); equal scores share a rank.
 */
export function sampleUnits(): UnitFigures[] {
  const scored = UNIT_INPUTS.map((x) => {
    const due = x.transferred - x.returned;
    const rates = {
      handlingRate: rate(x.finished, due),
      onTimeRate: rate(x.onTime, x.finished + x.overdueOpen),
      replyRate: rate(x.replied, due),
      satisfactionRate: rate(x.satisfied, x.rated),
    };
    return { ...x, due, ...rates, score: score({ ...rates, reminderNotices: x.reminderNotices, criticisms: x.criticisms }), rank: 0 };
  });
  const sorted = [...scored].sort((a, b) => b.score - a.score || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  return sorted.map((x) => ({ ...x, rank: 1 + sorted.filter((y) => y.score > x.score).length }));
}

const OVERDUE: OverdueCase[] = [
  {
    caseNo: 'YC20261010-000214',
    title: '盐湖区某小区地下车库长期积水无人处理',
    unit: '盐湖区政府',
    deadline: '2026-10-24',
    workdaysOverdue: 5,
    reminders: 3,
    reminderNotice: true,
  },
  {
    caseNo: 'YC20261013-000266',
    title: '反映解放路与河东街交叉口路灯不亮',
    unit: '盐湖区政府',
    deadline: '2026-10-27',
    workdaysOverdue: 4,
    reminders: 2,
    reminderNotice: false,
  },
  {
    caseNo: 'YC20261014-000291',
    title: '咨询公租房申请审核进度',
    unit: '市住建局',
    deadline: '2026-10-28',
    workdaysOverdue: 3,
    reminders: 1,
    reminderNotice: false,
  },
  {
    caseNo: 'YC20261016-000330',
    title: '举报某超市销售过期食品',
    unit: '市市场监管局',
    deadline: '2026-10-29',
    workdaysOverdue: 2,
    reminders: 1,
    reminderNotice: false,
  },
];

const CRITICISED: CriticisedCase[] = [
  { caseNo: 'YC20260928-000402', unit: '盐湖区政府', docNo: '运信箱通〔2026〕7号', decision: '同意通报批评', at: '2026-10-20T02:15:00.000Z' },
  { caseNo: 'YC20261009-000176', unit: '市市场监管局', docNo: '运信箱通〔2026〕8号', decision: 'pending', at: '2026-10-29T07:40:00.000Z' },
  { caseNo: 'YC20260930-000455', unit: '市教育局', docNo: '运信箱通〔2026〕6号', decision: '不同意通报批评', at: '2026-10-12T03:05:00.000Z' },
];

const REPRESENTATIVE: RepresentativeCase[] = [
  {
    caseNo: 'YC20261009-000187',
    channelLabel: '市长信箱',
    category: '投诉',
    title: '小区供暖管道试水期间漏水，物业推诿不修',
    content:
      '我是盐湖区某小区居民，10月8日供暖试水时单元楼道内管道接口漏水，水流到地下室。多次联系物业，物业称属于热力公司管辖，热力公司又称属于小区内部管网。眼看就要正式供暖，希望有关部门协调尽快维修。',
    reply:
      '您好！经市住建局协调，热力公司与物业公司于10月11日联合现场勘查，确认漏点位于小区内部管网，已由物业公司于10月12日更换接口并完成试压，目前运行正常。感谢您对供热工作的监督。',
    unit: '市住建局',
    statusLabel: '已办结',
  },
  {
    caseNo: 'YC20261015-000342',
    channelLabel: '今日运城',
    category: '求助',
    title: '在建工地拖欠农民工工资三个月',
    content:
      '我们一行十余人在某在建项目从事钢筋作业，自7月起工资一直未发放，施工方称开发商未拨付进度款。临近年底，家里老人孩子都等着用钱，恳请政府帮助讨薪。',
    reply:
      '您好！市人社局劳动保障监察支队已于10月17日约谈施工总承包单位，责令其从农民工工资专用账户中足额支付。10月22日，所涉14名农民工工资共计21.6万元已全部发放到位。如仍有问题，可拨打12333反映。',
    unit: '市人社局',
    statusLabel: '已答复，等待评价',
  },
  {
    caseNo: 'YC20261027-000511',
    channelLabel: '市住建局门户网站',
    category: '建议',
    title: '建议老旧小区加装电梯简化审批流程',
    content:
      '我所在小区建于1998年，六层无电梯，老年住户上下楼困难。邻居们已基本达成加装意向，但审批涉及规划、住建、市场监管等多个部门，材料繁多。建议推行一窗受理、并联审批。',
    reply: null,
    unit: '盐湖区政府',
    statusLabel: '已转办，承办单位办理中',
  },
];

/**
 * A 月报 document for 2026年10月 with realistic 运城 figures: 6 channels, 5 categories,
 * 7 domains, 31 days, 7 assessed units, 6 trend months, 4 overdue and 3 通报批评 cases and
 * 3 representative cases. `overrides` replaces top-level fields (shallow).
 */
export function sampleReport(overrides: Partial<ReportDocument> = {}): ReportDocument {
  const byDay = sampleDays();
  const received = byDay.reduce((sum, d) => sum + d.count, 0);
  const declined = 23;
  const referred = 41;
  const duplicates = 57;
  const accepted = received - declined - referred - duplicates - 9;
  const transferred = accepted - 118;
  const replied = Math.round(received * 0.874);
  const closed = Math.round(received * 0.792);
  const archived = Math.round(received * 0.705);
  const rated = Math.round(replied * 0.62);
  const satisfied = Math.round(rated * 0.81);
  const basicallySatisfied = Math.round(rated * 0.11);
  const trend: MonthTrend[] = [
    { month: '2026-05', received: 1012, replied: 948, onTimeRate: 0.912 },
    { month: '2026-06', received: 1105, replied: 1031, onTimeRate: 0.905 },
    { month: '2026-07', received: 1287, replied: 1176, onTimeRate: 0.887 },
    { month: '2026-08', received: 1198, replied: 1120, onTimeRate: 0.9 },
    { month: '2026-09', received: 1143, replied: 1069, onTimeRate: 0.918 },
    { month: '2026-10', received, replied, onTimeRate: 0.9237 },
  ];
  const base: ReportDocument = {
    kind: 'monthly',
    title: '运城市市长信箱2026年10月工作月报',
    subtitle: '运城市12345政务服务热线受理中心',
    period: { ...PERIOD },
    filter: {},
    generatedAt: GENERATED_AT,
    stats: {
      period: { ...PERIOD },
      filter: {},
      asOf: AS_OF,
      received,
      accepted,
      declined,
      referred,
      transferred,
      replied,
      closed,
      archived,
      duplicates,
      byChannel: split(received, [
        ['mailbox', '市长信箱', 0.46],
        ['portal-zhujian', '市住建局门户网站', 0.17],
        ['app-jinriyuncheng', '今日运城', 0.15],
        ['people-leaders-board', '人民网领导留言板', 0.1],
        ['portal-shichang', '市市场监管局门户网站', 0.07],
        ['portal-jiaoyu', '市教育局门户网站', 0.05],
      ]),
      byCategory: split(received, [
        ['complaint', '投诉', 0.34],
        ['report', '反映', 0.27],
        ['consult', '咨询', 0.21],
        ['help', '求助', 0.11],
        ['suggestion', '建议', 0.07],
      ]),
      byDomain: split(received, [
        ['urban', '城乡建设', 0.29],
        ['labour', '劳动和社会保障', 0.16],
        ['transport', '交通运输', 0.13],
        ['market', '市场监管', 0.12],
        ['education', '教育', 0.1],
        ['land', '自然资源', 0.08],
        ['other', '其他', 0.12],
      ]),
      byDay,
      replyWorkdays: { replied, median: 4, p90: 9.5, mean: 4.6, outsideCalendar: 0 },
      satisfaction: { rated, satisfied, basicallySatisfied, unsatisfied: rated - satisfied - basicallySatisfied },
    },
    trend,
    assessment: { period: { ...PERIOD }, asOf: AS_OF, units: sampleUnits(), formulas: ASSESSMENT_FORMULAS.map((f) => ({ ...f })) },
    overdue: OVERDUE.map((c) => ({ ...c })),
    overdueTotal: OVERDUE.length,
    overdueByUnit: [...OVERDUE.reduce((m, c) => m.set(c.unit, (m.get(c.unit) ?? 0) + 1), new Map<string, number>())].map(([unit, count]) => ({ unit, count })),
    criticised: CRITICISED.map((c) => ({ ...c })),
    representative: REPRESENTATIVE.map((c) => ({ ...c })),
  };
  const doc = { ...base, ...overrides };
  // An overridden overdue list brings its own totals unless they are overridden too.
  if (overrides.overdue && overrides.overdueTotal === undefined) doc.overdueTotal = overrides.overdue.length;
  if (overrides.overdue && overrides.overdueByUnit === undefined) {
    doc.overdueByUnit = [...overrides.overdue.reduce((m, c) => m.set(c.unit, (m.get(c.unit) ?? 0) + 1), new Map<string, number>())].map(([unit, count]) => ({ unit, count }));
  }
  return doc;
}
