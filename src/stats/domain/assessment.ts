/**
 * Unit assessment (考核) from case timelines. Pure: no Nest, no SQL.
 *
 * A case's timeline is folded into its assignments: each 转办 to a unit (or 专题协调 with a lead
 * unit) starts one, which ends when the unit returns the case (退回) or feeds back (反馈). The
 * deadline in force is the transfer's, moved by every approved 延长办理卡. The reply to the
 * citizen and the first rating after it belong to the assignment that fed back. Acts (催办,
 * 催办通知书, 延长办理卡, 通报批评, 转交督查室) are counted on the day they happened for the unit
 * named in them.
 *
 * Cohorts: assignment figures (转办 … 满意) are about assignments that STARTED in the period, as they
 * stood at its end; act figures are about acts dated in the period. Events after the end of the
 * period are ignored, so a period computed again later gives the same figures.
 */
import { Assessment, CriticisedCase, Formula, OverdueCase, Period, UnitFigures } from './figures';
import { roundHalfUp } from './round';

export interface TimelineEvent {
  type: string;
  at: Date;
  /** The local (Asia/Shanghai) date of `at`. */
  day: string;
  data: Record<string, unknown>;
}

export interface CaseTimeline {
  caseNo: string;
  title: string;
  /** The citizen's name, sealed: opened only to mask it where the title repeats it. */
  nameSealed?: string | null;
  /** Ordered by time (then id). */
  events: TimelineEvent[];
}

/** Working days (a, b]: what the assessment needs of the calendar. May throw for uncovered years. */
export interface WorkdayCounter {
  workdaysBetween(a: string, b: string): number;
}

export interface Assignment {
  caseNo: string;
  unit: string;
  startDay: string;
  /** Deadline in force (approved extensions applied). */
  deadline: string | null;
  returned: boolean;
  finishedDay: string | null;
  onTime: boolean | null;
  replied: boolean;
  rating: string | null;
  reminders: number;
  reminderNotice: boolean;
}

export interface Act {
  unit: string;
  day: string;
  kind: 'extensionRequested' | 'extensionApproved' | 'reminder' | 'reminderNotice' | 'criticismProposed' | 'criticism' | 'supervision';
  caseNo: string;
  docNo?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A case's assignments and acts, from its timeline up to the end of `period`. */
export function foldTimeline(t: CaseTimeline, period: Period): { assignments: Assignment[]; acts: Act[]; criticisms: CriticisedCase[] } {
  const assignments: Assignment[] = [];
  const acts: Act[] = [];
  const criticisms = new Map<string, CriticisedCase>();
  let open: Assignment | null = null; // being handled by a unit
  let answering: Assignment | null = null; // fed back, reply or rating to come
  const act = (kind: Act['kind'], unit: string | null, day: string, docNo?: string) => {
    if (unit) acts.push({ unit, day, kind, caseNo: t.caseNo, ...(docNo ? { docNo } : {}) });
  };

  for (const e of t.events) {
    if (e.day > period.to) break;
    const unit = str(e.data.unit);
    switch (e.type) {
      case 'transfer':
      case 'coordinate': {
        const u = e.type === 'transfer' ? unit : str(e.data.leadUnit);
        if (!u) break;
        open = { caseNo: t.caseNo, unit: u, startDay: e.day, deadline: str(e.data.deadline), returned: false, finishedDay: null, onTime: null, replied: false, rating: null, reminders: 0, reminderNotice: false };
        answering = null;
        assignments.push(open);
        break;
      }
      case 'return':
        if (open) open.returned = true;
        open = null;
        break;
      case 'request_extension':
        act('extensionRequested', open?.unit ?? null, e.day);
        break;
      case 'decide_extension':
        if (e.data.approved === true) {
          if (open && str(e.data.deadline)) open.deadline = str(e.data.deadline);
          act('extensionApproved', open?.unit ?? null, e.day);
        }
        break;
      case 'remind':
        if (open) open.reminders++;
        act('reminder', unit ?? open?.unit ?? null, e.day);
        break;
      case 'issue_reminder_notice':
        if (open) {
          open.reminders++;
          open.reminderNotice = true;
        }
        act('reminderNotice', unit ?? open?.unit ?? null, e.day);
        break;
      case 'propose_criticism': {
        const docNo = str(e.data.docNo) ?? '';
        act('criticismProposed', unit, e.day, docNo);
        if (unit && e.day >= period.from) criticisms.set(docNo, { caseNo: t.caseNo, unit, docNo, decision: 'pending', at: e.at.toISOString() });
        break;
      }
      case 'decide_criticism': {
        const docNo = str(e.data.docNo) ?? '';
        const decision = e.data.approved === true ? '同意通报批评' : '不同意通报批评';
        if (e.data.approved === true) act('criticism', unit, e.day, docNo);
        const known = criticisms.get(docNo);
        if (known) known.decision = decision;
        else if (unit && e.day >= period.from) criticisms.set(docNo, { caseNo: t.caseNo, unit, docNo, decision, at: e.at.toISOString() });
        break;
      }
      case 'refer_to_supervision':
        act('supervision', unit ?? open?.unit ?? answering?.unit ?? null, e.day);
        break;
      case 'submit_feedback':
        if (open) {
          open.finishedDay = e.day;
          open.onTime = open.deadline === null || e.day <= open.deadline;
          answering = open;
          open = null;
        }
        break;
      case 'reply':
        if (answering && !answering.replied) answering.replied = true;
        break;
      case 'rate_satisfied':
      case 'rate_unsatisfied':
        if (answering?.replied && answering.rating === null) answering.rating = str(e.data.satisfaction);
        if (e.type === 'rate_unsatisfied') answering = null; // 重办: a new assignment follows
        break;
    }
  }
  return { assignments, acts, criticisms: [...criticisms.values()] };
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

/** Weights of the composite score; rates that are null (no denominator) are left out and the rest re-weighted. */
export const SCORE_WEIGHTS = { onTimeRate: 40, handlingRate: 30, satisfactionRate: 20, replyRate: 10 } as const;
export const SCORE_PENALTIES = { reminderNotices: 2, criticisms: 5 } as const;

export const ASSESSMENT_FORMULAS: Formula[] = [
  { key: 'transferred', label: '转办件数', formula: '本期内转办（或专题协调牵头）给该单位的案件次数；同一案件退回后再转办另计一次' },
  { key: 'due', label: '应办件数', formula: '转办件数 − 退回件数' },
  { key: 'handlingRate', label: '办理率', formula: '已反馈件数 ÷ 应办件数（截至期末）' },
  { key: 'onTimeRate', label: '按时办结率', formula: '按时反馈件数 ÷ （已反馈件数 + 超期未反馈件数）；时限以经批准的延长办理卡为准，到期日当天反馈为按时' },
  { key: 'replyRate', label: '回复率', formula: '已答复网民件数 ÷ 应办件数（截至期末）' },
  { key: 'satisfactionRate', label: '满意率', formula: '（满意 + 基本满意）件数 ÷ 已评价件数；评价取答复后的第一次评价' },
  { key: 'acts', label: '延期、催办、催办通知书、通报批评', formula: '按发生日期计入本期，计入文书所列承办单位' },
  {
    key: 'score',
    label: '综合得分',
    formula: `100 × （${SCORE_WEIGHTS.onTimeRate}% × 按时办结率 + ${SCORE_WEIGHTS.handlingRate}% × 办理率 + ${SCORE_WEIGHTS.satisfactionRate}% × 满意率 + ${SCORE_WEIGHTS.replyRate}% × 回复率）− ${SCORE_PENALTIES.reminderNotices} × 催办通知书份数 − ${SCORE_PENALTIES.criticisms} × 通报批评次数；无分母的比率不计入，其余按权重比例折算；保留一位小数`,
  },
  { key: 'rank', label: '排名', formula: '按综合得分从高到低；得分相同名次相同' },
];

function emptyUnit(unit: string): UnitFigures {
  return {
    unit, transferred: 0, returned: 0, due: 0, finished: 0, onTime: 0, overdueOpen: 0, replied: 0, rated: 0, satisfied: 0, unsatisfied: 0,
    extensionsRequested: 0, extensionsApproved: 0, reminders: 0, reminderNotices: 0, criticismsProposed: 0, criticisms: 0, supervisionReferrals: 0,
    handlingRate: null, onTimeRate: null, replyRate: null, satisfactionRate: null, score: 0, rank: 0,
  };
}

const ACT_FIELD: Record<Act['kind'], keyof UnitFigures> = {
  extensionRequested: 'extensionsRequested',
  extensionApproved: 'extensionsApproved',
  reminder: 'reminders',
  reminderNotice: 'reminderNotices',
  criticismProposed: 'criticismsProposed',
  criticism: 'criticisms',
  supervision: 'supervisionReferrals',
};

/** The composite score of a unit's figures (see ASSESSMENT_FORMULAS). */
export function score(u: Pick<UnitFigures, 'onTimeRate' | 'handlingRate' | 'satisfactionRate' | 'replyRate' | 'reminderNotices' | 'criticisms'>): number {
  let weighted = 0;
  let weights = 0;
  for (const [key, w] of Object.entries(SCORE_WEIGHTS) as [keyof typeof SCORE_WEIGHTS, number][]) {
    const r = u[key];
    if (r === null) continue;
    weighted += w * r;
    weights += w;
  }
  const base = weights > 0 ? (100 * weighted) / weights : 0;
  const s = base - SCORE_PENALTIES.reminderNotices * u.reminderNotices - SCORE_PENALTIES.criticisms * u.criticisms;
  return roundHalfUp(s, 1);
}

/**
 * Accumulates folded timelines into the assessment of a period. Feed it every case whose
 * timeline has an assignment or an act in the period (more is harmless: only the period counts).
 */
export class AssessmentBuilder {
  private readonly units = new Map<string, UnitFigures>();
  private readonly overdue: OverdueCase[] = [];
  private readonly criticised: CriticisedCase[] = [];

  /**
   * `overdueThrough`: the last day whose end has passed (the period's last day, or yesterday for a
   * period that has not ended): a deadline on or before it and no feedback is overdue.
   */
  constructor(
    private readonly period: Period,
    private readonly calendar: WorkdayCounter,
    private readonly overdueThrough: string = period.to,
  ) {}

  add(t: CaseTimeline): void {
    const { assignments, acts, criticisms } = foldTimeline(t, this.period);
    const inPeriod = (day: string) => day >= this.period.from && day <= this.period.to;
    for (const a of assignments) {
      const isOpen = !a.returned && a.finishedDay === null;
      const overdue = isOpen && a.deadline !== null && a.deadline <= this.overdueThrough;
      if (overdue && a === assignments[assignments.length - 1]) {
        this.overdue.push({
          caseNo: a.caseNo, title: t.title, ...(t.nameSealed !== undefined ? { nameSealed: t.nameSealed } : {}), unit: a.unit, deadline: a.deadline!, workdaysOverdue: this.overdueDays(a.deadline!),
          reminders: a.reminders, reminderNotice: a.reminderNotice,
        });
      }
      if (!inPeriod(a.startDay)) continue;
      const u = this.unit(a.unit);
      u.transferred++;
      if (a.returned) {
        u.returned++;
        continue;
      }
      u.due++;
      if (a.finishedDay !== null) {
        u.finished++;
        if (a.onTime) u.onTime++;
      } else if (overdue) u.overdueOpen++;
      if (a.replied) u.replied++;
      if (a.rating !== null) {
        u.rated++;
        if (a.rating === '不满意') u.unsatisfied++;
        else u.satisfied++;
      }
    }
    for (const act of acts) {
      if (!inPeriod(act.day)) continue;
      (this.unit(act.unit)[ACT_FIELD[act.kind]] as number)++;
    }
    this.criticised.push(...criticisms);
  }

  build(asOf: string): { assessment: Assessment; overdue: OverdueCase[]; criticised: CriticisedCase[] } {
    const units = [...this.units.values()].map((u) => {
      const r = {
        ...u,
        handlingRate: ratio(u.finished, u.due),
        onTimeRate: ratio(u.onTime, u.finished + u.overdueOpen),
        replyRate: ratio(u.replied, u.due),
        satisfactionRate: ratio(u.satisfied, u.rated),
      };
      return { ...r, score: score(r) };
    });
    units.sort((a, b) => b.score - a.score || a.unit.localeCompare(b.unit, 'zh-CN'));
    units.forEach((u, i) => (u.rank = i > 0 && units[i - 1].score === u.score ? units[i - 1].rank : i + 1));
    const overdue = [...this.overdue].sort((a, b) => b.workdaysOverdue - a.workdaysOverdue || a.caseNo.localeCompare(b.caseNo));
    const criticised = [...this.criticised].sort((a, b) => a.at.localeCompare(b.at) || a.docNo.localeCompare(b.docNo));
    return { assessment: { period: this.period, asOf, units, formulas: ASSESSMENT_FORMULAS }, overdue, criticised };
  }

  private unit(name: string): UnitFigures {
    let u = this.units.get(name);
    if (!u) this.units.set(name, (u = emptyUnit(name)));
    return u;
  }

  private overdueDays(deadline: string): number {
    try {
      return this.calendar.workdaysBetween(deadline, this.overdueThrough);
    } catch {
      return 0; // a year the calendar does not cover: the case is still listed
    }
  }
}
