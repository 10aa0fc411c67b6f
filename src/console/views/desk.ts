/**
 * The desks of the console: the mailbox staff's queue of new cases (受理台), the supervision board
 * (督办), and a handling unit's own cases (本单位案件). Pure rendering: the controller brings rows.
 */
import { esc, table, when } from '../layout';
import { caseLink } from './case';
import { decideExtensionForm } from './case-forms';

export interface DeskRow {
  caseNo: string;
  channelName: string;
  title: string;
  category: string | null;
  receivedAt: Date;
  duplicateOf: string | null;
  duplicates: string[];
}

export function deskBody(rows: DeskRow[], page: number, pageSize: number, total: number): string {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const marker = (r: DeskRow) =>
    [
      r.duplicateOf ? `<span class="badge warn">并单</span> 重复 ${caseLink(r.duplicateOf)}` : '',
      r.duplicates.length ? `<span class="badge">有重复</span> ${r.duplicates.map(caseLink).join('、')}` : '',
    ]
      .filter(Boolean)
      .join('<br>');
  const body = table(
    `待受理的留言（共 ${total} 件，先到先办）`,
    ['案件编号', '来源渠道', '标题', '留言人所选类别', '收到时间', '并单', ''],
    rows.map((r) => [
      caseLink(r.caseNo),
      esc(r.channelName),
      esc(r.title),
      esc(r.category ?? ''),
      esc(when(r.receivedAt)),
      marker(r),
      `<a href="/console/cases/${esc(encodeURIComponent(r.caseNo))}">受理 / 处置</a>`,
    ]),
    '没有待受理的留言',
  );
  const nav: string[] = [];
  if (page > 1) nav.push(`<a href="/console/desk?page=${page - 1}" rel="prev">上一页</a>`);
  nav.push(`<span class="muted">第 ${page} / ${pages} 页</span>`);
  if (page < pages) nav.push(`<a href="/console/desk?page=${page + 1}" rel="next">下一页</a>`);
  return `<section class="card">${body}<nav aria-label="分页" style="display:flex;gap:16px;margin-top:8px">${nav.join('')}</nav></section>`;
}

export interface OpenCaseRow {
  caseNo: string;
  title: string;
  unit: string | null;
  deadline: string | null;
  remindersTotal: number;
  /** Working days past the deadline (overdue list). */
  workdaysOverdue?: number;
}

export interface ExtensionRow {
  caseNo: string;
  title: string;
  unit: string | null;
  currentDeadline: string;
  newDeadline: string;
  basis: string;
  reason: string;
  docNo: string;
}

export interface ReturnedRow {
  caseNo: string;
  title: string;
  unit: string | null;
  at: Date;
  reason: string | null;
}

export interface DuplicateRow {
  caseNo: string;
  title: string;
  duplicateOf: string;
  at: Date;
}

export interface SupervisionData {
  today: string;
  nextWorkday: string | null;
  calendarProblem?: string;
  dueToday: OpenCaseRow[];
  dueNext: OpenCaseRow[];
  overdue: OpenCaseRow[];
  remindedTwice: OpenCaseRow[];
  extensions: ExtensionRow[];
  returned: ReturnedRow[];
  duplicates: DuplicateRow[];
  mayDecide: boolean;
  csrf: string;
}

const open = (caption: string, rows: OpenCaseRow[], extra?: { head: string; cell: (r: OpenCaseRow) => string }) =>
  table(
    caption,
    ['案件编号', '标题', '承办单位', '办理时限', '催办次数', ...(extra ? [extra.head] : [])],
    rows.map((r) => [caseLink(r.caseNo), esc(r.title), esc(r.unit ?? ''), esc(r.deadline ?? ''), esc(r.remindersTotal), ...(extra ? [extra.cell(r)] : [])]),
  );

export function supervisionBody(d: SupervisionData): string {
  const extensions = d.extensions.length
    ? d.extensions
        .map(
          (x) => `<section class="card"><h3>${caseLink(x.caseNo)} ${esc(x.title)}</h3>
<dl class="kv"><dt>承办单位</dt><dd>${esc(x.unit ?? '')}</dd><dt>延长办理卡</dt><dd><a href="/console/cases/${esc(encodeURIComponent(x.caseNo))}/documents/${esc(encodeURIComponent(x.docNo))}">${esc(x.docNo)}</a></dd>
<dt>原办理时限</dt><dd>${esc(x.currentDeadline)}</dd><dt>承诺延长至</dt><dd>${esc(x.newDeadline)}</dd><dt>依据</dt><dd>${esc(x.basis)}</dd><dt>理由</dt><dd>${esc(x.reason)}</dd></dl>
${d.mayDecide ? decideExtensionForm(x.caseNo, d.csrf, '/console/supervision') : ''}</section>`,
        )
        .join('')
    : '<p class="muted">没有待审核的延长办理卡。</p>';
  return `${d.calendarProblem ? `<p class="flash error" role="alert">${esc(d.calendarProblem)}</p>` : ''}
<p class="muted">今天 ${esc(d.today)}${d.nextWorkday ? `，下一个工作日 ${esc(d.nextWorkday)}` : ''}（按法定工作日历计算）。</p>
<div class="grid">
<section class="card"><h2>今日到期（${d.dueToday.length}）</h2>${open('今日到期', d.dueToday)}</section>
<section class="card"><h2>下一个工作日到期（${d.dueNext.length}）</h2>${open('下一个工作日到期', d.dueNext)}</section>
</div>
<section class="card"><h2>已超期（${d.overdue.length}）</h2>${open('已超期', d.overdue, { head: '超期工作日', cell: (r) => `<span class="badge bad">超期 ${esc(r.workdaysOverdue ?? 0)} 个工作日</span>` })}</section>
<section class="card"><h2>已催办两次及以上（${d.remindedTwice.length}）</h2>${open('已催办两次及以上', d.remindedTwice)}</section>
<section class="card"><h2>待审核的延长办理卡（${d.extensions.length}）</h2><div class="grid">${extensions}</div></section>
<section class="card"><h2>承办单位退回、待重新分办（${d.returned.length}）</h2>${table(
    '退回待重新分办',
    ['案件编号', '标题', '退回单位', '退回时间', '理由'],
    d.returned.map((r) => [caseLink(r.caseNo), esc(r.title), esc(r.unit ?? ''), esc(when(r.at)), esc(r.reason ?? '')]),
  )}</section>
<section class="card"><h2>近 30 天并单（${d.duplicates.length}）</h2>${table(
    '近 30 天并单',
    ['案件编号', '标题', '重复的先前留言', '并单时间'],
    d.duplicates.map((r) => [caseLink(r.caseNo), esc(r.title), caseLink(r.duplicateOf), esc(when(r.at))]),
  )}</section>`;
}

export interface UnitCaseRow {
  caseNo: string;
  title: string;
  status: string;
  statusLabel: string;
  lead: boolean;
  unitReceivedAt: Date | null;
  deadline: string | null;
  returnDeadline: string | null;
  /** Still inside the 退回 window today. */
  mayReturn: boolean;
  extensionTo?: string | null;
  feedbackAt?: string | null;
}

export interface UnitDeskData {
  unit: string;
  toSign: UnitCaseRow[];
  inHand: UnitCaseRow[];
  extensionPending: UnitCaseRow[];
  fedBack: UnitCaseRow[];
}

const role = (r: UnitCaseRow) => (r.status === 'coordinating' ? (r.lead ? '牵头单位' : '责任单位') : '承办单位');

export function unitDeskBody(d: UnitDeskData): string {
  const window = (r: UnitCaseRow) => (r.mayReturn && r.returnDeadline ? `可于 ${esc(r.returnDeadline)} 前退回` : '');
  return `<p class="muted">${esc(d.unit)}的案件。请先签收，再按时限办理并反馈；不属本单位职责的，在退回时限内退回并说明理由和依据。</p>
<section class="card"><h2>待签收（${d.toSign.length}）</h2>${table(
    '待签收',
    ['案件编号', '标题', '本单位', '转办时间', '办理时限', '退回'],
    d.toSign.map((r) => [caseLink(r.caseNo), esc(r.title), esc(role(r)), esc(when(r.unitReceivedAt)), esc(r.deadline ?? ''), window(r)]),
  )}</section>
<section class="card"><h2>办理中（${d.inHand.length}）</h2>${table(
    '办理中',
    ['案件编号', '标题', '本单位', '办理时限', '退回'],
    d.inHand.map((r) => [caseLink(r.caseNo), esc(r.title), esc(role(r)), esc(r.deadline ?? ''), window(r)]),
  )}</section>
<section class="card"><h2>延期待审（${d.extensionPending.length}）</h2>${table(
    '延期待审',
    ['案件编号', '标题', '原办理时限', '申请延长至'],
    d.extensionPending.map((r) => [caseLink(r.caseNo), esc(r.title), esc(r.deadline ?? ''), esc(r.extensionTo ?? '')]),
  )}</section>
<section class="card"><h2>已反馈（${d.fedBack.length}）</h2>${table(
    '已反馈，等待市长信箱答复',
    ['案件编号', '标题', '反馈时间'],
    d.fedBack.map((r) => [caseLink(r.caseNo), esc(r.title), esc(when(r.feedbackAt))]),
  )}</section>`;
}
