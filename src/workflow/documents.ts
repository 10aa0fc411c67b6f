/**
 * The workflow's printable documents, rendered from the case: 转办卡 (transfer card), 催办通知书
 * (reminder notice), 延长办理卡 (extension card), 通报 (criticism). Pure HTML rendering; every
 * value is escaped. Citizens' contact details are never printed on them.
 */
import { esc } from '../pages/html';

export type DocumentKind = 'transfer_card' | 'reminder_notice' | 'extension_card' | 'criticism';

export const DOCUMENT_PREFIX: Record<DocumentKind, string> = {
  transfer_card: 'ZB',
  reminder_notice: 'CB',
  extension_card: 'YQ',
  criticism: 'TB',
};

export const DOCUMENT_TITLE: Record<DocumentKind, string> = {
  transfer_card: '运城市“市长信箱”网民留言转办卡',
  reminder_notice: '运城市“市长信箱”催办通知书',
  extension_card: '运城市“市长信箱”延长办理卡',
  criticism: '关于网民留言办理情况的通报（建议稿）',
};

export interface DocumentCase {
  caseNo: string;
  title: string;
  content: string;
  category: string | null;
  channelName: string;
  receivedAt: Date;
}

const fmt = (d: Date | string | undefined | null) => (d ? new Date(d).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '');

export function renderDocument(kind: DocumentKind, docNo: string, c: DocumentCase, data: Record<string, unknown>, createdAt: Date): string {
  const row = (label: string, value: unknown) => `<tr><th>${esc(label)}</th><td>${esc(value ?? '')}</td></tr>`;
  const rows: string[] = [row('编号', docNo), row('案件编号', c.caseNo), row('留言标题', c.title), row('留言类别', c.category ?? ''), row('来源渠道', c.channelName), row('收到时间', fmt(c.receivedAt))];
  switch (kind) {
    case 'transfer_card':
      rows.push(row('承办单位', data.unit), row('办结时限', `${data.deadline}（3个工作日内办结）`), row('退回时限', `${data.returnDeadline}（不属本单位职责的，须在此前退回并说明理由和依据）`), row('留言内容', c.content));
      break;
    case 'reminder_notice':
      rows.push(row('承办单位', data.unit), row('办理时限', data.deadline), row('已催办次数', data.remindersSent), row('说明', '该留言已超过办理时限且未报告说明理由，请立即办理并反馈。'));
      break;
    case 'extension_card':
      rows.push(row('承办单位', data.unit), row('原办理时限', data.currentDeadline), row('承诺延长至', data.newDeadline), row('依据', data.basis), row('理由', data.reason), row('审核结果', data.decision ?? '待审核'));
      break;
    case 'criticism':
      rows.push(row('承办单位', data.unit), row('办理时限', data.deadline), row('催办次数', data.remindersSent), row('超期工作日', data.workdaysOverdue), row('事由', '经两次催办仍超过办理时限3个工作日且未报告说明理由'), row('领导批示', data.decision ?? '待批示'));
      break;
  }
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(DOCUMENT_TITLE[kind])} ${esc(docNo)}</title>
<style>body{font-family:"SimSun","Songti SC",serif;max-width:780px;margin:24px auto;color:#000}h1{text-align:center;font-size:22px}
table{width:100%;border-collapse:collapse}th,td{border:1px solid #000;padding:8px;vertical-align:top;text-align:left}th{width:8em;background:#f3f3f3}
.foot{margin-top:32px;text-align:right}@media print{body{margin:0}}</style></head>
<body><h1>${esc(DOCUMENT_TITLE[kind])}</h1><table>${rows.join('')}</table>
<p class="foot">运城市12345政务服务热线受理中心（市长信箱）<br>${esc(fmt(createdAt))}</p></body></html>`;
}
