/** The citizen's 一键查询 page: pure rendering. Works without JavaScript; every value is escaped. */
import { PublicProgress } from '../query/query.service';
import { esc, layout } from './html';

const fmt = (d: Date | string) => new Date(d).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

export function renderQueryForm(error?: string): string {
  return layout(
    '留言办理进度查询',
    `${error ? `<div class="errors" role="alert"><p>${esc(error)}</p></div>` : ''}
<form method="post" action="/query" accept-charset="utf-8">
  <label for="code">查询码（提交留言后获得，形如 ABCD-EFGH-JKMN）</label>
  <input type="text" id="code" name="code" required autocomplete="off" maxlength="20" aria-describedby="code-hint">
  <div class="hint" id="code-hint">查询码相当于密码，请勿告诉他人。</div>
  <button type="submit">查询</button>
</form>`,
  );
}

export function renderProgress(code: string, p: PublicProgress, notice?: string): string {
  const timeline = p.timeline.map((e) => `<li><time>${esc(fmt(e.at))}</time> ${esc(e.label)}</li>`).join('');
  const reply = p.reply
    ? `<h2>答复</h2><p>${esc(p.reply.content)}</p><p class="hint">${esc(p.reply.unit ?? '')} ${esc(fmt(p.reply.at))}</p>`
    : '';
  const rating = p.canRate
    ? `<h2>评价本次答复</h2>
<form method="post" action="/query/rating" accept-charset="utf-8">
  <input type="hidden" name="code" value="${esc(code)}">
  <fieldset><legend>您对答复是否满意？</legend>
    ${['满意', '基本满意', '不满意'].map((s, i) => `<label><input type="radio" name="satisfaction" value="${s}"${i === 0 ? ' required' : ''}> ${s}</label>`).join('\n    ')}
  </fieldset>
  <label for="comment">意见（可不填）</label>
  <textarea id="comment" name="comment" maxlength="500"></textarea>
  <button type="submit">提交评价</button>
</form>`
    : p.satisfaction
      ? `<p>您的评价：${esc(p.satisfaction)}</p>`
      : '';
  return layout(
    '留言办理进度',
    `${notice ? `<p role="status">${esc(notice)}</p>` : ''}
<dl>
  <dt>回执编号</dt><dd>${esc(p.receiptNo)}</dd>
  ${p.caseNo ? `<dt>案件编号</dt><dd>${esc(p.caseNo)}</dd>` : ''}
  ${p.title ? `<dt>标题</dt><dd>${esc(p.title)}</dd>` : ''}
  <dt>当前状态</dt><dd>${esc(p.statusLabel)}</dd>
</dl>
<h2>办理过程</h2><ol>${timeline}</ol>
${reply}
${rating}
<p><a href="/query">查询其他留言</a></p>`,
  );
}
