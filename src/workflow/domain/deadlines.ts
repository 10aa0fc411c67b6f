/**
 * Time limits of the workflow, in working days (工作日: Chinese public holidays and make-up
 * workdays count). Pure: dates are 'YYYY-MM-DD' strings in Asia/Shanghai, the time of day is
 * minutes since midnight there, and the working-day calendar is injected.
 *
 * The plan (运政办发〔2020〕20号, 五（三）（四）):
 * - 承办单位接到转办卡后，须在3个工作日内办结 → finishDeadline;
 * - 须在办理时限届满前通过电话或网络短信等方式进行催办 → reminderDue, kind 'reminder';
 * - 超过办理期限又未报告说明理由的，及时发出《催办通知书》 → reminderDue, kind 'overdue_notice';
 * - 不能按时办结的，须在办理时限届满前提交《延长办理卡》，注明承诺延长的时限、依据和理由
 *   → canRequestExtension, validateExtension;
 * - 不属于本辖区、本单位管辖的，须在收到督办、转办函件次日起1个工作日内退回 → returnDeadline, canReturn;
 * - 经两次催办仍超过办理时限3个工作日且不报告说明理由的 → 报请领导批示后书面通报批评 → criticismDue.
 *
 * A deadline is a day: the unit has the whole of that day, so it is overdue from the next day.
 */

/**
 * The working-day calendar (implemented elsewhere). It throws for years it does not cover; the
 * functions here let those errors propagate.
 *
 * - `addWorkdays(from, n)`: the n-th working day after `from` (`from` itself not counted).
 * - `workdaysBetween(a, b)`: for a ≤ b, the number of working days d with a < d ≤ b.
 */
export interface WorkdayCalendar {
  isWorkday(date: string): boolean;
  addWorkdays(from: string, n: number): string;
  workdaysBetween(a: string, b: string): number;
}

/** 办结: 3 working days after receiving the transfer card. */
export const FINISH_WORKDAYS = 3;
/** 退回: within 1 working day counted from the day after receipt. */
export const RETURN_WORKDAYS = 1;
/** Default cap on how far a 延长办理卡 may push the deadline, in working days after the current one. */
export const DEFAULT_MAX_EXTENSION_WORKDAYS = 20;
/** Longest 依据 / 理由 on an extension card, in characters. */
export const EXTENSION_TEXT_MAX = 1000;
/** Default reminder ladder: working days before the deadline (1 = the working day before; 0 = on the day). */
export const DEFAULT_REMINDER_LADDER: readonly number[] = [1];
/** Default working hours, minutes since midnight: 08:30 (inclusive) to 17:30 (exclusive). */
export const DEFAULT_WORKING_HOURS: Readonly<WorkingHours> = { start: 8 * 60 + 30, end: 17 * 60 + 30 };
/** 经两次催办 … */
export const CRITICISM_MIN_REMINDERS = 2;
/** … 仍超过办理时限3个工作日 */
export const CRITICISM_MIN_WORKDAYS_OVERDUE = 3;

export interface WorkingHours {
  /** Minutes since midnight, inclusive. */
  start: number;
  /** Minutes since midnight, exclusive. */
  end: number;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DAY_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function assertDay(value: string, name: string): void {
  if (!isValidDay(value)) throw new RangeError(`${name} must be a 'YYYY-MM-DD' date, got ${JSON.stringify(value)}`);
}

/** 办结时限: the 3rd working day after the day the transfer card was received. */
export function finishDeadline(receivedDay: string, cal: WorkdayCalendar): string {
  assertDay(receivedDay, 'receivedDay');
  return cal.addWorkdays(receivedDay, FINISH_WORKDAYS);
}

/** 退回时限: the first working day after the day of receipt. */
export function returnDeadline(receivedDay: string, cal: WorkdayCalendar): string {
  assertDay(receivedDay, 'receivedDay');
  return cal.addWorkdays(receivedDay, RETURN_WORKDAYS);
}

/** A unit may still return the case (退回) today: today ≤ the return deadline. */
export function canReturn(receivedDay: string, today: string, cal: WorkdayCalendar): boolean {
  assertDay(today, 'today');
  return today <= returnDeadline(receivedDay, cal);
}

/** A 延长办理卡 must be filed before the time limit expires: today ≤ deadline. */
export function canRequestExtension(deadline: string, today: string): boolean {
  assertDay(deadline, 'deadline');
  assertDay(today, 'today');
  return today <= deadline;
}

export interface ExtensionRequest {
  currentDeadline: string;
  /** 承诺延长的时限. */
  newDeadline: string;
  /** The day the card is filed. */
  today: string;
  /** 依据. */
  basis: string;
  /** 理由. */
  reason: string;
}

export type ExtensionProblemCode =
  | 'invalid_date'
  | 'late'
  | 'not_after_current'
  | 'too_far'
  | 'required'
  | 'too_long';

export interface ExtensionProblem {
  field: keyof ExtensionRequest;
  code: ExtensionProblemCode;
  message: string;
}

/**
 * The problems with an extension card; empty when it is acceptable. `currentDeadline` is trusted
 * (it comes from the case) and a malformed one throws; everything else is the unit's input.
 */
export function validateExtension(
  req: ExtensionRequest,
  cal: WorkdayCalendar,
  maxExtensionWorkdays: number = DEFAULT_MAX_EXTENSION_WORKDAYS,
): ExtensionProblem[] {
  assertDay(req.currentDeadline, 'currentDeadline');
  if (!Number.isInteger(maxExtensionWorkdays) || maxExtensionWorkdays < 1) {
    throw new RangeError(`maxExtensionWorkdays must be a positive integer, got ${maxExtensionWorkdays}`);
  }
  const problems: ExtensionProblem[] = [];

  if (!isValidDay(req.today)) {
    problems.push({ field: 'today', code: 'invalid_date', message: '提交日期无效。The filing day is not a valid date.' });
  } else if (!canRequestExtension(req.currentDeadline, req.today)) {
    problems.push({
      field: 'today',
      code: 'late',
      message: `延长办理卡须在办理时限（${req.currentDeadline}）届满前提交。An extension card must be filed by the deadline ${req.currentDeadline}.`,
    });
  }

  if (!isValidDay(req.newDeadline)) {
    problems.push({
      field: 'newDeadline',
      code: 'invalid_date',
      message: '承诺延长的时限须为有效日期（YYYY-MM-DD）。The new deadline must be a valid YYYY-MM-DD date.',
    });
  } else if (req.newDeadline <= req.currentDeadline) {
    problems.push({
      field: 'newDeadline',
      code: 'not_after_current',
      message: `承诺延长的时限须晚于当前办理时限（${req.currentDeadline}）。The new deadline must be after the current deadline ${req.currentDeadline}.`,
    });
  } else {
    const cap = cal.addWorkdays(req.currentDeadline, maxExtensionWorkdays);
    if (req.newDeadline > cap) {
      problems.push({
        field: 'newDeadline',
        code: 'too_far',
        message: `延长时限不得超过当前办理时限后${maxExtensionWorkdays}个工作日（${cap}）。The new deadline may be at most ${maxExtensionWorkdays} working days after the current deadline (${cap}).`,
      });
    }
  }

  for (const [field, zh] of [
    ['basis', '依据'],
    ['reason', '理由'],
  ] as const) {
    const text = typeof req[field] === 'string' ? req[field].trim() : '';
    if (text === '') {
      problems.push({ field, code: 'required', message: `请填写延长的${zh}。The ${field} is required.` });
    } else if ([...text].length > EXTENSION_TEXT_MAX) {
      problems.push({
        field,
        code: 'too_long',
        message: `${zh}不得超过${EXTENSION_TEXT_MAX}字。The ${field} may be at most ${EXTENSION_TEXT_MAX} characters.`,
      });
    }
  }
  return problems;
}

/** Overdue from the day after the deadline. */
export function isOverdue(deadline: string, today: string): boolean {
  assertDay(deadline, 'deadline');
  assertDay(today, 'today');
  return today > deadline;
}

/** Working days past the deadline (the deadline itself not counted, today counted); 0 when not overdue. */
export function workdaysOverdue(deadline: string, today: string, cal: WorkdayCalendar): number {
  if (!isOverdue(deadline, today)) return 0;
  return cal.workdaysBetween(deadline, today);
}

export interface ReminderInput {
  deadline: string;
  today: string;
  /** Now, minutes since midnight (Asia/Shanghai). */
  nowMinutes: number;
  /** Reminders (ladder reminders and the overdue notice) already sent against this deadline. */
  remindersSent: number;
  /** The day the last reminder of any kind was sent on this case, if any. */
  lastReminderDay?: string | null;
  /** Working days before the deadline; default [1]. Order does not matter; duplicates are ignored. */
  ladder?: readonly number[];
  workingHours?: WorkingHours;
  /** The unit has reported why it is late (报告说明理由): no 催办通知书 then. */
  reasonReported?: boolean;
}

export type ReminderDue =
  /** `rung`: index into the ladder sorted earliest first (most days before first); `daysBefore` its value. */
  | { kind: 'reminder'; rung: number; daysBefore: number }
  /** 《催办通知书》. */
  | { kind: 'overdue_notice' };

/**
 * Which reminder, if any, the mailbox should send now.
 *
 * Never on a non-working day, never outside working hours, at most one per day (lastReminderDay).
 * - Up to and including the deadline day: the ladder. Rung k (0-based, earliest first) falls on the
 *   working day `ladder[k]` working days before the deadline; it is due once today is on or after
 *   that day and `remindersSent ≤ k` (i.e. it has not been sent). A missed rung is caught up on a
 *   later day before the deadline, one per day.
 * - After the deadline: one 《催办通知书》, due on the first working day after the deadline (or the
 *   next working day the worker runs, if that one was missed), provided no reminder was sent after
 *   the deadline yet and the unit has not reported a reason. After it, nothing more: escalation is
 *   criticismDue's business.
 *
 * The notice counts as a 催办: the caller increments remindersSent and sets lastReminderDay for
 * both kinds. When an extension moves the deadline the caller resets remindersSent to 0 for the
 * new deadline (the total number of reminders, for criticismDue, is kept separately).
 */
export function reminderDue(input: ReminderInput, cal: WorkdayCalendar): ReminderDue | undefined {
  const { deadline, today, nowMinutes, remindersSent } = input;
  assertDay(deadline, 'deadline');
  assertDay(today, 'today');
  if (input.lastReminderDay != null) assertDay(input.lastReminderDay, 'lastReminderDay');
  const hours = input.workingHours ?? DEFAULT_WORKING_HOURS;
  const ladder = [...new Set(input.ladder ?? DEFAULT_REMINDER_LADDER)].sort((a, b) => b - a);
  for (const r of ladder) {
    if (!Number.isInteger(r) || r < 0) throw new RangeError(`ladder rungs must be non-negative integers, got ${r}`);
  }
  if (!Number.isInteger(remindersSent) || remindersSent < 0) {
    throw new RangeError(`remindersSent must be a non-negative integer, got ${remindersSent}`);
  }

  if (input.lastReminderDay === today) return undefined;
  if (!(nowMinutes >= hours.start && nowMinutes < hours.end)) return undefined;
  if (!cal.isWorkday(today)) return undefined;

  if (today <= deadline) {
    if (remindersSent >= ladder.length) return undefined;
    const rung = remindersSent;
    const daysBefore = ladder[rung];
    // Working days still left after today; today is on or after the rung's day when it is ≤ daysBefore.
    const left = cal.workdaysBetween(today, deadline);
    return left <= daysBefore ? { kind: 'reminder', rung, daysBefore } : undefined;
  }

  if (input.reasonReported) return undefined;
  if (input.lastReminderDay != null && input.lastReminderDay > deadline) return undefined;
  return { kind: 'overdue_notice' };
}

export interface CriticismInput {
  /** All 催办 sent to the unit on this case (ladder reminders and the 催办通知书). */
  remindersSent: number;
  deadline: string;
  today: string;
  /** 报告说明理由. */
  reasonReported: boolean;
  /** A 通报批评 proposal already exists for this case. */
  alreadyProposed: boolean;
}

/** 经两次催办仍超过办理时限3个工作日且不报告说明理由的 → propose 通报批评 (a leader then decides). */
export function criticismDue(input: CriticismInput, cal: WorkdayCalendar): boolean {
  if (input.alreadyProposed || input.reasonReported) return false;
  if (input.remindersSent < CRITICISM_MIN_REMINDERS) return false;
  return workdaysOverdue(input.deadline, input.today, cal) >= CRITICISM_MIN_WORKDAYS_OVERDUE;
}
