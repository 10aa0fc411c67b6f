/**
 * The case page of the console: the matter, the citizen's contact details (masked unless an
 * administrator or staff member asked to see them, which is audited), where the case stands,
 * its timeline, documents, attachments, duplicates, reply and rating, and the forms of the steps
 * the user may take now.
 */
import { CitizenContact } from '../../../adapters';
import { EVENT_LABELS } from '../../cases/domain/status';
import { DOCUMENT_TITLE, DocumentKind } from '../../workflow/documents';
import { ROLE_LABELS, isActorRole } from '../../workflow/domain/state-machine';
import { csrfField, esc, when } from '../layout';
import type { AttachmentRow } from '../../cases/attachments';

export interface CaseTimelineItem {
  type: string;
  at: Date;
  actor: string;
  actorRole: string;
  reason: string | null;
  data: Record<string, unknown>;
}

/** An attachment as the case page lists it: the stored row without its links. */
export type CaseAttachmentItem = Omit<AttachmentRow, 'caseId' | 'eventId'>;

export interface CaseView {
  caseNo: string;
  receiptNo: string;
  channelName: string;
  title: string;
  content: string;
  status: string;
  statusLabel: string;
  category: string | null;
  domain: string | null;
  isPublic: boolean;
  receivedAt: Date;
  handlingUnit: string | null;
  leadUnit: string | null;
  responsibleUnits: string[] | null;
  deadline: string | null;
  returnDeadline: string | null;
  unitReceivedAt: Date | null;
  remindersTotal: number;
  extension: Record<string, unknown> | null;
  feedback: Record<string, unknown> | null;
  reply: Record<string, unknown> | null;
  satisfaction: string | null;
  citizen: CitizenContact;
  revealed: boolean;
  mayReveal: boolean;
  /** Mailbox staff and administrators may link (并单) and split (拆分) by hand. */
  mayLinkDuplicates: boolean;
  duplicateOf: string | null;
  duplicates: string[];
  documents: { docNo: string; kind: string; createdAt: Date }[];
  attachments: CaseAttachmentItem[];
  timeline: CaseTimelineItem[];
  /** Dates the unit signed (签收) the current assignment, by unit. */
  signed: { unit: string; at: Date }[];
  csrf: string;
}

/** Labels the workflow and status tables do not carry (intake's own events). */
const MORE_LABELS: Record<string, string> = {
  duplicate_of: '并单：与先前留言重复',
  duplicate_linked: '并单：后续重复留言已关联',
  duplicate_unlinked: '拆分：取消并单',
  anonymized: '个人信息已按期匿名化',
};

export const eventLabel = (type: string) => EVENT_LABELS[type] ?? MORE_LABELS[type] ?? type;

export const DOCUMENT_SHORT: Record<DocumentKind, string> = {
  transfer_card: '转办卡',
  reminder_notice: '催办通知书',
  extension_card: '延长办理卡',
  criticism: '通报（建议稿）',
};

export const caseLink = (caseNo: string) => `<a href="/console/cases/${esc(encodeURIComponent(caseNo))}">${esc(caseNo)}</a>`;

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(n / 1024))} KiB`);

/** What a timeline row says beyond its label, for people. */
function eventDetail(e: CaseTimelineItem): string {
  const d = e.data ?? {};
  const parts: string[] = [];
  const put = (label: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') parts.push(`${label}：${Array.isArray(v) ? v.join('、') : String(v)}`);
  };
  switch (e.type) {
    case 'accept':
      put('类别', d.category);
      put('领域', d.domain);
      break;
    case 'transfer':
      put('承办单位', d.unit);
      put('办结时限', d.deadline);
      put('退回时限', d.returnDeadline);
      break;
    case 'coordinate':
      put('牵头单位', d.leadUnit);
      put('责任单位', d.units);
      put('办理时限', d.deadline);
      break;
    case 'return':
      put('单位', d.unit);
      put('依据', d.basis);
      if (d.late) parts.push('逾期退回');
      break;
    case 'sign':
    case 'remind':
    case 'issue_reminder_notice':
    case 'reply':
      put('单位', d.unit);
      break;
    case 'request_extension':
      put('申请延长至', d.newDeadline);
      break;
    case 'decide_extension':
      parts.push(d.approved ? '同意' : '不同意');
      put('办理时限', d.deadline);
      break;
    case 'submit_feedback':
      put('单位', d.unit);
      if (d.onTime !== undefined) parts.push(d.onTime ? '按时' : '超期');
      break;
    case 'propose_criticism':
      put('单位', d.unit);
      put('超期工作日', d.workdaysOverdue);
      break;
    case 'decide_criticism':
      put('通报', d.docNo);
      parts.push(d.approved ? '同意' : '不同意');
      break;
    case 'refer':
      put('渠道', d.channel);
      break;
    case 'rate_satisfied':
    case 'rate_unsatisfied':
      put('评价', d.satisfaction);
      break;
    case 'duplicate_of':
    case 'duplicate_linked':
    case 'duplicate_unlinked':
      put('案件', d.caseNo);
      if (d.byHand) parts.push('人工并单');
      break;
  }
  if (e.reason) parts.push(`说明：${e.reason}`);
  const docs = Array.isArray(d.documents) ? (d.documents as string[]) : [];
  if (docs.length) parts.push(`文书：${docs.join('、')}`);
  return parts.join('；');
}

function who(e: CaseTimelineItem): string {
  const role = isActorRole(e.actorRole) ? ROLE_LABELS[e.actorRole] : e.actorRole === 'channel' ? '来源渠道' : e.actorRole;
  return `${e.actor}（${role}）`;
}

export function caseBody(v: CaseView, forms: string[], datalist: string): string {
  const enc = encodeURIComponent(v.caseNo);
  const contact = (label: string, value: string | undefined) => (value ? `<dt>${esc(label)}</dt><dd>${esc(value)}</dd>` : '');
  const citizen = [contact('姓名', v.citizen.name), contact('电话', v.citizen.phone), contact('邮箱', v.citizen.email), contact('身份证号', v.citizen.idNumber)].join('');
  const reveal = v.revealed
    ? `<p class="flash" role="status">联系方式已显示（本次查看已记录）。离开本页后将重新隐藏。</p>`
    : v.mayReveal
      ? `<form method="post" action="/console/cases/${esc(enc)}/reveal">${csrfField(v.csrf)}<button type="submit" class="secondary">显示联系方式</button>
<span class="hint">查看将被记录。</span></form>`
      : '';

  const assignment: string[] = [];
  if (v.handlingUnit) assignment.push(`<dt>承办单位</dt><dd>${esc(v.handlingUnit)}</dd>`);
  if (v.leadUnit) assignment.push(`<dt>牵头单位</dt><dd>${esc(v.leadUnit)}</dd>`);
  if (v.responsibleUnits?.length) assignment.push(`<dt>责任单位</dt><dd>${esc(v.responsibleUnits.join('、'))}</dd>`);
  if (v.unitReceivedAt) assignment.push(`<dt>转办时间</dt><dd>${esc(when(v.unitReceivedAt))}</dd>`);
  if (v.signed.length) assignment.push(`<dt>签收</dt><dd>${v.signed.map((s) => `${esc(s.unit)} ${esc(when(s.at))}`).join('<br>')}</dd>`);
  if (v.deadline) assignment.push(`<dt>办理时限</dt><dd>${esc(v.deadline)}</dd>`);
  if (v.returnDeadline && v.status === 'transferred') assignment.push(`<dt>退回时限</dt><dd>${esc(v.returnDeadline)} 前</dd>`);
  if (v.remindersTotal) assignment.push(`<dt>催办次数</dt><dd>${esc(v.remindersTotal)}</dd>`);
  if (v.extension) {
    const x = v.extension;
    const st = x.status === 'pending' ? '待审核' : x.status === 'approved' ? '已同意' : '未同意';
    assignment.push(`<dt>延长办理卡</dt><dd>申请延长至 ${esc(x.newDeadline)}（${esc(st)}）</dd>`);
  }

  const docs = v.documents.length
    ? `<ul>${v.documents
        .map(
          (d) =>
            `<li><a href="/console/cases/${esc(enc)}/documents/${esc(encodeURIComponent(d.docNo))}">${esc(DOCUMENT_SHORT[d.kind as DocumentKind] ?? d.kind)} ${esc(d.docNo)}</a>
<span class="muted">${esc(DOCUMENT_TITLE[d.kind as DocumentKind] ?? '')} · ${esc(when(d.createdAt))}</span></li>`,
        )
        .join('')}</ul>`
    : '<p class="muted">暂无文书。</p>';

  const files = v.attachments.length
    ? `<ul>${v.attachments
        .map(
          (a) =>
            `<li><a href="/console/cases/${esc(enc)}/attachments/${esc(a.id)}">${esc(a.filename)}</a>
<span class="muted">${esc(size(a.sizeBytes))} · ${esc(a.uploadedBy)} · ${esc(when(a.uploadedAt))} · SHA-256 ${esc(a.sha256.slice(0, 12))}…</span></li>`,
        )
        .join('')}</ul>`
    : '<p class="muted">暂无附件。</p>';

  const reasonField = (id: string) =>
    `<label for="${id}">理由</label><input id="${id}" name="reason" required minlength="2" maxlength="500" autocomplete="off">`;
  const dupForms = !v.mayLinkDuplicates
    ? ''
    : v.duplicateOf
      ? `<form method="post" action="/console/cases/${esc(enc)}/split">${csrfField(v.csrf)}
<p class="hint">两件留言说的不是同一件事时，拆分后本件单独办理。</p>${reasonField('split-reason')}
<button type="submit" class="secondary">拆分（取消并单）</button></form>`
      : v.duplicates.length
        ? ''
        : `<form method="post" action="/console/cases/${esc(enc)}/duplicate">${csrfField(v.csrf)}
<p class="hint">同一位市民换了号码或渠道再次反映同一事项时，人工并入先前的留言。</p>
<label for="dup-of">并入案件编号</label><input id="dup-of" name="of" required pattern="AJ\\d{8}-\\d{6,}" placeholder="AJ20261126-000123" autocomplete="off">
${reasonField('dup-reason')}<button type="submit" class="secondary">并单</button></form>`;
  const dups =
    v.duplicateOf || v.duplicates.length || dupForms
      ? `<section class="card"><h2>并单</h2>
${v.duplicateOf ? `<p><span class="badge warn">并单</span> 本件与先前留言 ${caseLink(v.duplicateOf)} 重复。</p>` : ''}
${v.duplicates.length ? `<p>重复留言：${v.duplicates.map(caseLink).join('、')}</p>` : ''}${dupForms}</section>`
      : '';

  const answer: string[] = [];
  if (v.feedback) {
    answer.push(`<h3>承办单位反馈</h3><p>${esc(v.feedback.unit ?? '')} · ${esc(when(v.feedback.at as string))}</p><p style="white-space:pre-wrap">${esc(v.feedback.result)}</p>`);
  }
  if (v.reply) {
    answer.push(`<h3>答复</h3><p>${esc(v.reply.unit ?? '')} · ${esc(when(v.reply.at as string))}</p><p style="white-space:pre-wrap">${esc(v.reply.content)}</p>`);
  }
  if (v.satisfaction) answer.push(`<h3>评价</h3><p>${esc(v.satisfaction)}</p>`);

  const timeline = `<ol class="timeline">${v.timeline
    .map((e) => {
      const detail = eventDetail(e);
      return `<li><strong>${esc(eventLabel(e.type))}</strong> <span class="muted">${esc(when(e.at))} · ${esc(who(e))}</span>${detail ? `<br>${esc(detail)}` : ''}</li>`;
    })
    .join('')}</ol>`;

  return `<p><span class="badge">${esc(v.statusLabel)}</span> <span class="muted">回执号 ${esc(v.receiptNo)} · ${esc(v.channelName)} · 收到于 ${esc(when(v.receivedAt))}</span></p>
<div class="grid">
<section class="card"><h2>留言</h2>
<dl class="kv"><dt>标题</dt><dd>${esc(v.title)}</dd><dt>类别</dt><dd>${esc(v.category ?? '未分类')}${v.domain ? ` · ${esc(v.domain)}` : ''}</dd>
<dt>公开</dt><dd>${v.isPublic ? '同意公开' : '不公开'}</dd></dl>
<p style="white-space:pre-wrap">${esc(v.content)}</p></section>
<section class="card"><h2>留言人</h2>${citizen ? `<dl class="kv">${citizen}</dl>` : '<p class="muted">未留联系方式（或已匿名化）。</p>'}
${v.revealed ? '' : '<p class="hint">联系方式已隐藏部分内容。</p>'}${reveal}</section>
<section class="card"><h2>办理</h2>${assignment.length ? `<dl class="kv">${assignment.join('')}</dl>` : '<p class="muted">尚未分办。</p>'}</section>
</div>
${dups}
${answer.length ? `<section class="card"><h2>反馈、答复与评价</h2>${answer.join('')}</section>` : ''}
<div class="grid">
<section class="card"><h2>文书</h2>${docs}</section>
<section class="card"><h2>附件</h2>${files}</section>
</div>
<section class="card"><h2>办理过程</h2>${timeline}</section>
<h2>可进行的操作</h2>
${forms.length ? `${datalist}<div class="grid">${forms.join('\n')}</div>` : '<p class="muted">当前状态下您没有可进行的操作。</p>'}`;
}
