/**
 * The forms of the case page: one per workflow step the signed-in user may take on the case in
 * its current status (the transition table decides; the controller also drops steps whose own
 * rule already rules them out, e.g. 签收 twice or 退回 after the window). Plain HTML forms that
 * POST to /console/cases/{caseNo}/actions/{event}; the feedback form is multipart (attachments).
 */
import { CATEGORIES } from '../../../adapters';
import { ACCEPT_ATTRIBUTE, MAX_FILE_BYTES, MAX_FILES } from '../../cases/attachments';
import { CaseEvent } from '../../workflow/domain/state-machine';
import { csrfField, esc } from '../layout';

export interface FormContext {
  caseNo: string;
  status: string;
  csrf: string;
  today: string;
  /** Units known to the hub (accounts and earlier assignments), for the datalist. */
  units: string[];
  /** Excluded channels (组织人事、纪检监察、法律诉讼、信访) a case may be referred to. */
  excludedChannels: { id: string; name: string; referTo: string | null }[];
  /** A pending 延长办理卡, if any. */
  extension: { newDeadline: string; currentDeadline: string; basis: string; reason: string; docNo: string; unit?: string } | null;
  /** 通报批评 proposals waiting for a leader. */
  pendingCriticisms: string[];
  returnDeadline: string | null;
  deadline: string | null;
}

const action = (c: FormContext, event: string) => `/console/cases/${encodeURIComponent(c.caseNo)}/actions/${encodeURIComponent(event)}`;

function form(c: FormContext, event: CaseEvent, title: string, inner: string, button: string, hint = ''): string {
  const id = `f-${event}`;
  return `<section class="card" aria-labelledby="${id}">
<h3 id="${id}">${esc(title)}</h3>${hint ? `<p class="hint">${esc(hint)}</p>` : ''}
<form method="post" action="${esc(action(c, event))}">${csrfField(c.csrf)}${inner}
<button type="submit">${esc(button)}</button></form></section>`;
}

const field = (id: string, label: string, input: string, hint = '') =>
  `<label for="${id}">${esc(label)}</label>${input}${hint ? `<span class="hint">${esc(hint)}</span>` : ''}`;
const textarea = (event: string, name: string, label: string, required: boolean, max: number, hint = '') =>
  field(`${event}-${name}`, `${label}${required ? '' : '（选填）'}`, `<textarea id="${event}-${name}" name="${name}" maxlength="${max}"${required ? ' required' : ''}></textarea>`, hint);
const text = (event: string, name: string, label: string, required: boolean, max: number, extra = '') =>
  field(`${event}-${name}`, `${label}${required ? '' : '（选填）'}`, `<input type="text" id="${event}-${name}" name="${name}" maxlength="${max}"${required ? ' required' : ''}${extra}>`);
const date = (event: string, name: string, label: string, min: string) =>
  field(`${event}-${name}`, label, `<input type="date" id="${event}-${name}" name="${name}" required min="${esc(min)}">`);

/** The datalist the unit inputs share. */
export function unitsDatalist(units: string[]): string {
  return `<datalist id="known-units">${units.map((u) => `<option value="${esc(u)}">`).join('')}</datalist>`;
}

/** The form of one step, or '' when the step has no form here. */
export function stepForm(event: CaseEvent, c: FormContext): string {
  switch (event) {
    case 'accept':
      return form(
        c,
        event,
        '受理',
        field('accept-category', '类别', `<select id="accept-category" name="category" required><option value="">请选择</option>${CATEGORIES.map((k) => `<option value="${esc(k)}">${esc(k)}</option>`).join('')}</select>`) +
          text(event, 'domain', '领域（如 城建、教育、交通）', false, 50),
        '受理',
      );
    case 'decline':
      return form(c, event, '不予受理', textarea(event, 'reason', '不予受理的原因', true, 1000, '原因将通过一键查询告知留言人。'), '不予受理');
    case 'refer':
      return form(
        c,
        event,
        '告知其他受理渠道',
        field(
          'refer-channel',
          '应向其反映的渠道',
          `<select id="refer-channel" name="channel" required><option value="">请选择</option>${c.excludedChannels
            .map((ch) => `<option value="${esc(ch.id)}">${esc(ch.name)}${ch.referTo ? `（${esc(ch.referTo)}）` : ''}</option>`)
            .join('')}</select>`,
        ) + textarea(event, 'reason', '说明', false, 1000),
        '告知',
        '组织人事、纪检监察、法律诉讼、信访等事项不由市长信箱办理，告知留言人应向何处反映。',
      );
    case 'reply':
      return form(
        c,
        event,
        c.status === 'accepted' ? '直接回复' : '答复',
        textarea(event, 'content', '答复内容', true, 5000, '答复将通过一键查询送达留言人，请勿写入留言人的个人信息。'),
        c.status === 'accepted' ? '直接回复' : '答复',
      );
    case 'transfer':
      return form(
        c,
        event,
        '转办',
        text(event, 'unit', '承办单位', true, 100, ' list="known-units" autocomplete="off"'),
        '转办',
        '生成转办卡；承办单位须在 3 个工作日内办结，不属本单位职责的须在收到次日起 1 个工作日内退回。',
      );
    case 'coordinate':
      return form(
        c,
        event,
        '专题协调',
        text(event, 'leadUnit', '牵头单位', true, 100, ' list="known-units" autocomplete="off"') +
          textarea(event, 'units', '责任单位', true, 3000, '每行一个，或用顿号、逗号分隔。') +
          date(event, 'deadline', '办理时限', c.today) +
          textarea(event, 'meeting', '协调会议情况', false, 1000),
        '专题协调',
      );
    case 'sign':
      return form(c, event, '签收', '', '签收', '确认已收到转办卡（或专题协调任务），开始办理。');
    case 'return':
      return form(
        c,
        event,
        '退回',
        textarea(event, 'reason', '退回理由', true, 1000) + textarea(event, 'basis', '依据（如“三定”方案、法规条款）', true, 1000),
        '退回',
        c.returnDeadline ? `不属于本单位职责的，可于 ${c.returnDeadline} 前退回，须说明理由和依据。` : '须说明理由和依据。',
      );
    case 'request_extension':
      return form(
        c,
        event,
        '延长办理卡',
        date(event, 'newDeadline', '承诺延长至', c.today) + textarea(event, 'basis', '依据', true, 1000) + textarea(event, 'reason', '理由', true, 1000),
        '提交延长办理卡',
        c.deadline ? `须在办理时限（${c.deadline}）届满前提交；经市长信箱审核同意后，时限才延长。` : '',
      );
    case 'decide_extension': {
      const x = c.extension;
      if (!x) return '';
      return `<section class="card" aria-labelledby="f-decide_extension">
<h3 id="f-decide_extension">审核延长办理卡</h3>
<dl class="kv"><dt>编号</dt><dd><a href="/console/cases/${esc(encodeURIComponent(c.caseNo))}/documents/${esc(encodeURIComponent(x.docNo))}">${esc(x.docNo)}</a></dd>
<dt>承办单位</dt><dd>${esc(x.unit ?? '')}</dd><dt>原办理时限</dt><dd>${esc(x.currentDeadline)}</dd><dt>承诺延长至</dt><dd>${esc(x.newDeadline)}</dd>
<dt>依据</dt><dd>${esc(x.basis)}</dd><dt>理由</dt><dd>${esc(x.reason)}</dd></dl>
${decideExtensionForm(c.caseNo, c.csrf)}</section>`;
    }
    case 'remind':
      return form(c, event, '催办', '', '催办', '通知承办单位按时办结（短信）。');
    case 'issue_reminder_notice':
      return form(c, event, '催办通知书', '', '发出催办通知书', '超过办理时限又未报告说明理由的，发出《催办通知书》。');
    case 'propose_criticism':
      return form(c, event, '通报批评建议', '', '提出通报批评建议', '经两次催办仍超过办理时限 3 个工作日且未报告说明理由的，报请市领导批示。');
    case 'decide_criticism':
      if (!c.pendingCriticisms.length) return '';
      return `<section class="card" aria-labelledby="f-decide_criticism"><h3 id="f-decide_criticism">批示通报批评</h3>
<form method="post" action="${esc(action(c, event))}">${csrfField(c.csrf)}
${field('decide_criticism-docNo', '通报建议', `<select id="decide_criticism-docNo" name="docNo" required>${c.pendingCriticisms.map((d) => `<option value="${esc(d)}">${esc(d)}</option>`).join('')}</select>`)}
${textarea('decide_criticism', 'comment', '批示意见', false, 1000)}
<button type="submit" name="approve" value="true">同意通报批评</button> <button type="submit" name="approve" value="false" class="secondary">不同意</button></form></section>`;
    case 'refer_to_supervision':
      return form(c, event, '转交督查室', textarea(event, 'reason', '事由', true, 1000) + text(event, 'office', '转交机构', false, 50, ' placeholder="市政府督查室"'), '转交督查室问责');
    case 'submit_feedback':
      return feedbackForm(c);
    case 'close':
      return form(c, event, '办结', '', '办结', '已答复的案件，不待评价即办结。');
    case 'archive':
      return form(c, event, '归档', '', '归档', '归档后案件不可再更改。');
    default:
      return ''; // the citizen's steps (评价) are taken on the 一键查询 page
  }
}

/** Approve / reject buttons of a pending 延长办理卡 (also on the supervision board). */
export function decideExtensionForm(caseNo: string, csrf: string, next?: string): string {
  return `<form method="post" action="/console/cases/${esc(encodeURIComponent(caseNo))}/actions/decide_extension">${csrfField(csrf)}
${next ? `<input type="hidden" name="next" value="${esc(next)}">` : ''}
<label for="decide-comment-${esc(caseNo)}">审核意见（选填）</label><input type="text" id="decide-comment-${esc(caseNo)}" name="comment" maxlength="1000">
<button type="submit" name="approve" value="true">同意延期</button> <button type="submit" name="approve" value="false" class="secondary">不同意</button></form>`;
}

function feedbackForm(c: FormContext): string {
  // multipart: the body is read by the handler, after the guard, so the CSRF token rides in the URL too.
  const url = `/console/cases/${encodeURIComponent(c.caseNo)}/feedback?_csrf=${encodeURIComponent(c.csrf)}`;
  const files = Array.from({ length: MAX_FILES }, (_, i) => `<input type="file" id="feedback-file-${i + 1}" name="files" accept="${esc(ACCEPT_ATTRIBUTE)}" aria-label="附件 ${i + 1}">`).join('<br>');
  return `<section class="card" aria-labelledby="f-submit_feedback"><h3 id="f-submit_feedback">反馈办理结果</h3>
<form method="post" action="${esc(url)}" enctype="multipart/form-data">${csrfField(c.csrf)}
${textarea('submit_feedback', 'result', '办理结果', true, 5000)}
<label for="feedback-file-1">附件（选填）</label>${files}
<span class="hint">最多 ${MAX_FILES} 个，每个不超过 ${MAX_FILE_BYTES / 1024 / 1024} MiB；只接受 PDF、JPG、PNG、Word（docx）、Excel（xlsx）文件。</span>
<button type="submit">提交反馈</button></form></section>`;
}
