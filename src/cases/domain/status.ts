/**
 * Case statuses and timeline events as a citizen sees them. The workflow (issue 4) adds the
 * steps after registration; the spine knows intake only.
 */
export const CASE_STATUS_LABELS = {
  /** The inbound row exists, the case does not yet (a few milliseconds, or while Redis is away). */
  received: '已收到，正在登记',
  new: '已登记，等待受理',
  /** The inbound row could not become a case; staff are alerted. */
  intake_failed: '登记遇到问题，工作人员正在处理',
} as const;

export type CaseStatus = Exclude<keyof typeof CASE_STATUS_LABELS, 'received' | 'intake_failed'>;
export type PublicStatus = keyof typeof CASE_STATUS_LABELS;

export const CASE_STATUSES = ['new'] as const satisfies readonly CaseStatus[];

export const EVENT_LABELS: Record<string, string> = {
  received: '留言已收到',
  registered: '已登记，等待市长信箱受理',
};

export function statusLabel(status: string): string {
  return (CASE_STATUS_LABELS as Record<string, string>)[status] ?? status;
}
