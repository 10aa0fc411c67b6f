/**
 * The figures of the statistics API, the unit assessment (考核) and the reports (月报/专报).
 *
 * Pure types. Every figure is computed from the case timelines as they stood at the end of the
 * period (events after `asOf` are ignored), so a report regenerated later gives the same figures.
 */

/** Local dates (Asia/Shanghai), both inclusive. */
export interface Period {
  from: string;
  to: string;
}

export interface StatsFilter {
  channel?: string;
  /** Cases ever transferred to / coordinated by this unit. */
  unit?: string;
  category?: string;
  domain?: string;
  /** Title or content contains this text (专报 on a topic). */
  keyword?: string;
}

export interface Count {
  key: string;
  label: string;
  count: number;
}

export interface CityStats {
  period: Period;
  filter: StatsFilter;
  /** The instant the figures are taken at: the end of the period (exclusive). */
  asOf: string;
  /** Cases received in the period (the cohort every other count is about). */
  received: number;
  /** Of those, by the end of the period: */
  accepted: number;
  declined: number;
  /** 告知 to an excluded channel (组织人事、纪检监察、法律诉讼、信访). */
  referred: number;
  transferred: number;
  replied: number;
  closed: number;
  archived: number;
  /** 并单: later cases linked to an earlier case of the same citizen. */
  duplicates: number;
  byChannel: Count[];
  byCategory: Count[];
  byDomain: Count[];
  /** Every day of the period, zero days included. */
  byDay: { day: string; count: number }[];
  /** Working days from the day of receipt to the first reply (0 = the same day). */
  /** `outsideCalendar`: replied cases not timed because a day fell in a year the calendar does not cover. */
  replyWorkdays: { replied: number; median: number | null; p90: number | null; mean: number | null; outsideCalendar: number };
  satisfaction: { rated: number; satisfied: number; basicallySatisfied: number; unsatisfied: number };
}

export interface UnitFigures {
  unit: string;
  /** 转办: assignments (转办 or 专题协调 as lead unit) that started in the period. */
  transferred: number;
  /** 退回: of those, returned by the unit. */
  returned: number;
  /** 应办 = transferred − returned. */
  due: number;
  /** 已反馈: of the 应办, fed back by the end of the period. */
  finished: number;
  /** 按时反馈: of those, on or before the deadline in force (approved extensions honoured). */
  onTime: number;
  /** 超期未反馈: not fed back and past the deadline in force at the end of the period. */
  overdueOpen: number;
  /** Of the 应办, answered to the citizen by the end of the period. */
  replied: number;
  /** Citizens' ratings of those replies. */
  rated: number;
  satisfied: number;
  unsatisfied: number;
  /** Acts dated in the period, whichever assignment they concern. */
  extensionsRequested: number;
  extensionsApproved: number;
  reminders: number;
  reminderNotices: number;
  criticismsProposed: number;
  /** 通报批评 approved by a city leader. */
  criticisms: number;
  supervisionReferrals: number;
  /** Ratios in [0, 1], null when the denominator is 0. */
  handlingRate: number | null;
  onTimeRate: number | null;
  replyRate: number | null;
  satisfactionRate: number | null;
  /** 综合得分 (see ASSESSMENT_FORMULAS) and its rank (1 = best; equal scores share a rank). */
  score: number;
  rank: number;
}

export interface Formula {
  key: string;
  label: string;
  formula: string;
}

export interface Assessment {
  period: Period;
  asOf: string;
  units: UnitFigures[];
  formulas: Formula[];
}

export interface OverdueCase {
  caseNo: string;
  /** Personal data removed before it leaves the statistics service. */
  title: string;
  /** Internal: the citizen's sealed name, used to mask the title, never sent out. */
  nameSealed?: string | null;
  unit: string;
  deadline: string;
  workdaysOverdue: number;
  reminders: number;
  reminderNotice: boolean;
}

export interface CriticisedCase {
  caseNo: string;
  unit: string;
  docNo: string;
  /** pending, 同意通报批评, 不同意通报批评 */
  decision: string;
  at: string;
}

export interface RepresentativeCase {
  caseNo: string;
  channelLabel: string;
  category: string | null;
  title: string;
  /** Personal data removed. */
  content: string;
  reply: string | null;
  unit: string | null;
  statusLabel: string;
}

export interface MonthTrend {
  /** YYYY-MM */
  month: string;
  received: number;
  replied: number;
  onTimeRate: number | null;
}

export type ReportKind = 'monthly' | 'special';

/** Everything a report shows; the renderer turns it into HTML (and PDF) and nothing else. */
export interface ReportDocument {
  kind: ReportKind;
  /** e.g. 运城市市长信箱2026年10月工作月报 */
  title: string;
  subtitle: string;
  period: Period;
  filter: StatsFilter;
  generatedAt: string;
  stats: CityStats;
  /** The months before the period (oldest first) and the period's own month last. */
  trend: MonthTrend[];
  assessment: Assessment;
  /** The longest-overdue cases (at most 200; `overdueByUnit` and `overdueTotal` count them all). */
  overdue: OverdueCase[];
  overdueTotal: number;
  overdueByUnit: { unit: string; count: number }[];
  criticised: CriticisedCase[];
  representative: RepresentativeCase[];
}
