/**
 * 报告与考核 › 通报批评: the proposals the sweep (or staff) made after two reminders and three
 * working days overdue, pending first. A city leader approves or rejects each, and may send a case
 * to the 督查室; staff and administrators read. Pure rendering; every value is escaped.
 */
import { csrfField, esc, when } from '../layout';
import { reportsTabs } from './reports-list';

export interface CriticismItem {
  docNo: string;
  caseNo: string;
  /** Personal data removed. */
  title: string;
  caseStatus: string;
  caseStatusLabel: string;
  unit: string | null;
  deadline: string | null;
  workdaysOverdue: number | null;
  reminders: number | null;
  proposedAt: Date;
  proposedBy: string | null;
  decision: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  supervision: { at: Date; by: string; office: string | null; reason: string | null } | null;
}

export interface CriticismsView {
  pending: CriticismItem[];
  decided: CriticismItem[];
  decidedTotal: number;
  page: number;
  pageSize: number;
  /** Only a city leader decides and refers (the workflow's table says so too). */
  isLeader: boolean;
  csrf: string;
  caseHref: (caseNo: string) => string;
}

const docHref = (c: CriticismItem) => `/console/criticisms/${encodeURIComponent(c.docNo)}`;

function facts(c: CriticismItem, caseHref: string): string {
  const row = (label: string, value: string) => `<dt>${esc(label)}</dt><dd>${value}</dd>`;
  return `<dl class="kv">
${row('案件', `<a href="${esc(caseHref)}">${esc(c.caseNo)}</a> ${esc(c.title)} <span class="badge">${esc(c.caseStatusLabel)}</span>`)}
${row('承办单位', esc(c.unit ?? '—'))}
${row('办理时限', esc(c.deadline ?? '—'))}
${row('超期', `${esc(c.workdaysOverdue ?? '—')} 个工作日（提出建议时）`)}
${row('催办', `${esc(c.reminders ?? '—')} 次`)}
${row('建议', `<a href="${esc(docHref(c))}">${esc(c.docNo)}</a>，${esc(when(c.proposedAt))}${c.proposedBy ? `（${esc(c.proposedBy === 'system' ? '系统自动' : c.proposedBy)}）` : ''}`)}
${c.decision ? row('领导批示', `<strong>${esc(c.decision)}</strong>（${esc(c.decidedBy ?? '')}，${esc(when(c.decidedAt))}）${c.comment ? `<br>意见：${esc(c.comment)}` : ''}`) : row('领导批示', '<span class="badge warn">待批示</span>')}
${c.supervision ? row('督查室', `已转交${esc(c.supervision.office ?? '督查室')}（${esc(c.supervision.by)}，${esc(when(c.supervision.at))}）${c.supervision.reason ? `<br>理由：${esc(c.supervision.reason)}` : ''}`) : ''}
</dl>`;
}

function leaderForms(c: CriticismItem, csrf: string): string {
  const id = esc(c.docNo);
  const decide = c.decision
    ? ''
    : `<form method="post" action="/console/criticisms/${encodeURIComponent(c.docNo)}/decision">${csrfField(csrf)}
<label for="comment-${id}">批示意见（可不填）</label><textarea id="comment-${id}" name="comment" maxlength="1000" style="min-height:60px"></textarea>
<button type="submit" name="approve" value="yes">同意通报批评</button>
<button type="submit" name="approve" value="no" class="secondary">不同意通报批评</button>
</form>`;
  const refer =
    c.supervision || c.caseStatus === 'archived'
      ? ''
      : `<details><summary>转交督查室问责（推诿扯皮、敷衍塞责的）</summary>
<form method="post" action="/console/criticisms/${encodeURIComponent(c.docNo)}/supervision">${csrfField(csrf)}
<label for="reason-${id}">理由</label><textarea id="reason-${id}" name="reason" required maxlength="1000" style="min-height:60px"></textarea>
<label for="office-${id}">转交至</label><input type="text" id="office-${id}" name="office" maxlength="50" value="市政府督查室">
<button type="submit" class="secondary">转交督查室</button>
</form></details>`;
  return decide + refer;
}

function item(c: CriticismItem, v: CriticismsView): string {
  return `<section class="card" id="doc-${esc(c.docNo)}"><h3>${esc(c.unit ?? '')}：${esc(c.caseNo)}</h3>
${facts(c, v.caseHref(c.caseNo))}
${v.isLeader ? leaderForms(c, v.csrf) : ''}</section>`;
}

export function renderCriticisms(v: CriticismsView): string {
  const pages = Math.max(1, Math.ceil(v.decidedTotal / v.pageSize));
  const pager =
    pages > 1
      ? `<p>${v.page > 1 ? `<a href="/console/criticisms?page=${v.page - 1}">上一页</a> ` : ''}第 ${v.page} / ${pages} 页${v.page < pages ? ` <a href="/console/criticisms?page=${v.page + 1}">下一页</a>` : ''}</p>`
      : '';
  const who = v.isLeader
    ? '请逐件批示：同意的，计入该单位考核（综合得分扣分）并通报；也可将推诿扯皮、敷衍塞责的案件转交督查室问责。'
    : '通报批评由市领导批示；此处仅供查看。';
  return `${reportsTabs('criticisms')}
<p class="hint">承办单位经两次催办仍超过办理时限 3 个工作日且未报告说明理由的，系统提出通报批评建议。${esc(who)}</p>
<h2>待批示（${esc(v.pending.length)}）</h2>
${v.pending.length ? v.pending.map((c) => item(c, v)).join('\n') : '<p class="muted">没有待批示的通报批评建议。</p>'}
<h2>已批示（${esc(v.decidedTotal)}）</h2>
${v.decided.length ? v.decided.map((c) => item(c, v)).join('\n') : '<p class="muted">暂无。</p>'}
${pager}`;
}
