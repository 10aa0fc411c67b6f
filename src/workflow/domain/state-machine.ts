/**
 * The case workflow as a table: which event may move a case from which status, by whom.
 *
 * Pure domain (no Nest, TypeORM or BullMQ). The plan (运政办发〔2020〕20号, 五、运行机制):
 * 集中受理 → 分类处置 (直接回复 a consultation, 转办 to a unit, 专题协调 for wide matters) →
 * 跟踪督办、限时办结 (催办, 催办通知书, 延长办理卡, 退回) → 及时反馈 → 快速回复 → 审核归档;
 * 通报批评 after a city leader approves. Matters of 组织人事/纪检监察/诉讼仲裁/信访 are not handled
 * by the mailbox: the case is closed as referred (告知) and kept like any other.
 *
 * Events whose `to` is 'same' record an act on the case without moving it (reminders, extension
 * cards, criticism). Nothing leaves `archived`: an archived case is immutable.
 */

export const CASE_STATUSES = [
  'new',
  'accepted',
  'transferred',
  'coordinating',
  'feedback',
  'replied',
  'closed',
  'archived',
  'declined',
  'referred',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const STATUS_LABELS: Record<CaseStatus, string> = {
  new: '已登记，等待受理',
  accepted: '已受理，正在分办',
  transferred: '已转办，承办单位办理中',
  coordinating: '专题协调办理中',
  feedback: '承办单位已反馈，等待答复',
  replied: '已答复，等待评价',
  closed: '已办结',
  archived: '已归档',
  declined: '不予受理',
  referred: '已告知其他受理渠道',
};

export const ACTOR_ROLES = ['staff', 'unit', 'leader', 'admin', 'citizen', 'system'] as const;
/** staff: 市长信箱工作人员 (12345 中心); unit: 承办单位; leader: 市政府领导; system: scheduled jobs. */
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const ROLE_LABELS: Record<ActorRole, string> = {
  staff: '市长信箱工作人员',
  unit: '承办单位',
  leader: '市政府领导',
  admin: '系统管理员',
  citizen: '网民',
  system: '系统',
};

export const CASE_EVENTS = [
  'accept',
  'decline',
  'refer',
  'reply',
  'transfer',
  'coordinate',
  'sign',
  'return',
  'request_extension',
  'decide_extension',
  'remind',
  'issue_reminder_notice',
  'propose_criticism',
  'decide_criticism',
  'refer_to_supervision',
  'submit_feedback',
  'rate_satisfied',
  'rate_unsatisfied',
  'close',
  'archive',
] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

export interface TransitionRow {
  readonly event: CaseEvent;
  readonly from: readonly CaseStatus[];
  /** 'same': the event is recorded, the status does not change. */
  readonly to: CaseStatus | 'same';
  readonly roles: readonly ActorRole[];
  readonly label: string;
}

/** One row per event. The order is the order `allowedEvents` lists them in. */
export const TRANSITIONS: readonly TransitionRow[] = [
  { event: 'accept', from: ['new'], to: 'accepted', roles: ['staff', 'admin'], label: '受理' },
  // Reason required (checked by the service, not the table).
  { event: 'decline', from: ['new', 'accepted'], to: 'declined', roles: ['staff', 'admin'], label: '不予受理' },
  // 组织人事、纪检监察、诉讼仲裁、信访: the citizen is told which channel to use.
  { event: 'refer', from: ['new', 'accepted'], to: 'referred', roles: ['staff', 'admin'], label: '告知其他受理渠道' },
  // From accepted: 直接回复 of a consultation; from feedback: the reply after the unit's feedback.
  { event: 'reply', from: ['accepted', 'feedback'], to: 'replied', roles: ['staff', 'admin'], label: '答复' },
  { event: 'transfer', from: ['accepted'], to: 'transferred', roles: ['staff', 'admin'], label: '转办' },
  { event: 'coordinate', from: ['accepted'], to: 'coordinating', roles: ['staff', 'leader', 'admin'], label: '专题协调' },
  // 签收: the unit acknowledges the transfer card (or the coordination); recorded, the status stays.
  { event: 'sign', from: ['transferred', 'coordinating'], to: 'same', roles: ['unit'], label: '签收' },
  { event: 'return', from: ['transferred'], to: 'accepted', roles: ['unit'], label: '退回' },
  { event: 'request_extension', from: ['transferred', 'coordinating'], to: 'same', roles: ['unit'], label: '提交延长办理卡' },
  { event: 'decide_extension', from: ['transferred', 'coordinating'], to: 'same', roles: ['staff', 'admin'], label: '审核延长办理卡' },
  { event: 'remind', from: ['transferred', 'coordinating'], to: 'same', roles: ['staff', 'system'], label: '催办' },
  { event: 'issue_reminder_notice', from: ['transferred', 'coordinating'], to: 'same', roles: ['staff', 'system'], label: '发出催办通知书' },
  { event: 'propose_criticism', from: ['transferred', 'coordinating'], to: 'same', roles: ['staff', 'system'], label: '提出通报批评建议' },
  {
    event: 'decide_criticism',
    from: ['transferred', 'coordinating', 'feedback', 'replied', 'closed'],
    to: 'same',
    roles: ['leader'],
    label: '领导批示通报批评',
  },
  {
    event: 'refer_to_supervision',
    from: ['transferred', 'coordinating', 'feedback', 'replied', 'closed'],
    to: 'same',
    roles: ['leader'],
    label: '转交督查室问责',
  },
  { event: 'submit_feedback', from: ['transferred', 'coordinating'], to: 'feedback', roles: ['unit'], label: '反馈办理结果' },
  { event: 'rate_satisfied', from: ['replied'], to: 'closed', roles: ['citizen'], label: '评价（满意/基本满意）' },
  { event: 'rate_unsatisfied', from: ['replied'], to: 'accepted', roles: ['citizen'], label: '重办' },
  { event: 'close', from: ['replied'], to: 'closed', roles: ['staff', 'system', 'admin'], label: '办结' },
  { event: 'archive', from: ['closed', 'declined', 'referred'], to: 'archived', roles: ['staff', 'system', 'admin'], label: '归档' },
];

export const EVENT_LABELS: Record<CaseEvent, string> = Object.fromEntries(TRANSITIONS.map((r) => [r.event, r.label])) as Record<
  CaseEvent,
  string
>;

const ROW_BY_EVENT: ReadonlyMap<string, TransitionRow> = new Map(TRANSITIONS.map((r) => [r.event, r]));

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === 'string' && (CASE_STATUSES as readonly string[]).includes(value);
}

export function isCaseEvent(value: unknown): value is CaseEvent {
  return typeof value === 'string' && ROW_BY_EVENT.has(value);
}

export function isActorRole(value: unknown): value is ActorRole {
  return typeof value === 'string' && (ACTOR_ROLES as readonly string[]).includes(value);
}

export type TransitionRefusalCode = 'unknown_event' | 'not_from_status' | 'role_not_allowed';

export type TransitionResult =
  | { ok: true; to: CaseStatus }
  | {
      ok: false;
      code: TransitionRefusalCode;
      /** Bilingual: Chinese, then English. */
      message: string;
      messageZh: string;
      messageEn: string;
    };

function refuse(code: TransitionRefusalCode, messageZh: string, messageEn: string): TransitionResult {
  return { ok: false, code, message: `${messageZh} ${messageEn}`, messageZh, messageEn };
}

function statusText(status: string): string {
  return isCaseStatus(status) ? `${status} (${STATUS_LABELS[status]})` : status;
}

function statusZh(status: string): string {
  return isCaseStatus(status) ? `“${STATUS_LABELS[status]}”（${status}）` : `“${status}”`;
}

/**
 * May `role` apply `event` to a case in status `from`? The status is checked before the role: a
 * refusal for the wrong status wins over one for the wrong role.
 */
export function transition(from: CaseStatus, event: CaseEvent, role: ActorRole): TransitionResult {
  const row = ROW_BY_EVENT.get(event);
  if (!row) {
    return refuse(
      'unknown_event',
      `未知的办理操作“${String(event)}”。`,
      `unknown event "${String(event)}": the events are ${CASE_EVENTS.join(', ')}.`,
    );
  }
  if (!row.from.includes(from)) {
    if (from === 'archived') {
      return refuse(
        'not_from_status',
        `案件已归档，不可再${row.label}（${event}）；归档案件不可更改。`,
        `cannot ${event} a case that is archived (${STATUS_LABELS.archived}): an archived case is immutable.`,
      );
    }
    return refuse(
      'not_from_status',
      `案件状态为${statusZh(from)}，不能${row.label}（${event}）；${row.label}仅适用于状态：${row.from.map(statusZh).join('、')}。`,
      `cannot ${event} a case that is ${statusText(from)}: ${event} is allowed from ${row.from.join(', ')}.`,
    );
  }
  if (!row.roles.includes(role)) {
    const roleZh = isActorRole(role) ? ROLE_LABELS[role] : String(role);
    return refuse(
      'role_not_allowed',
      `${roleZh}（${String(role)}）无权对状态为${statusZh(from)}的案件执行${row.label}（${event}）；有权执行的是：${row.roles
        .map((r) => `${ROLE_LABELS[r]}（${r}）`)
        .join('、')}。`,
      `role ${String(role)} may not ${event} a case that is ${statusText(from)}: ${event} is allowed for ${row.roles.join(', ')}.`,
    );
  }
  return { ok: true, to: row.to === 'same' ? from : row.to };
}

/** The events `role` may apply to a case in `status`, in table order. Empty for archived. */
export function allowedEvents(status: CaseStatus, role: ActorRole): CaseEvent[] {
  return TRANSITIONS.filter((r) => r.from.includes(status) && r.roles.includes(role)).map((r) => r.event);
}
