/**
 * Case statuses and timeline events as a citizen sees them: the workflow's statuses plus the two
 * states of a message that is not a case yet.
 */
import { CASE_STATUSES, EVENT_LABELS as WORKFLOW_EVENT_LABELS, STATUS_LABELS } from '../../workflow/domain/state-machine';

export { CASE_STATUSES };

const PRE_CASE_LABELS: Record<string, string> = {
  /** The inbound row exists, the case does not yet (a few milliseconds, or while Redis is away). */
  received: '已收到，正在登记',
  /** The inbound row could not become a case; staff are alerted. */
  intake_failed: '登记遇到问题，工作人员正在处理',
};

export const EVENT_LABELS: Record<string, string> = {
  ...WORKFLOW_EVENT_LABELS,
  received: '留言已收到',
  registered: '已登记，等待市长信箱受理',
  accept: '市长信箱已受理',
  transfer: '已转交承办单位办理',
  coordinate: '已召开专题协调会议，明确牵头单位和责任单位',
  decide_extension: '办理时限已延长',
  submit_feedback: '承办单位已反馈办理结果',
  reply: '已答复',
  decline: '不予受理',
  refer: '已告知其他受理渠道',
  rate_satisfied: '您已评价',
  rate_unsatisfied: '您已评价（不满意），重新办理',
  close: '已办结',
  refer_to_supervision: '已转交督查室',
  archive: '已归档',
  upstream_state: '原渠道办理状态更新',
  upstream_reply: '原渠道已答复',
};

export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? PRE_CASE_LABELS[status] ?? status;
}
