/** The mailbox's submission form and its answers: pure rendering functions. */
import { CATEGORIES, FieldError } from '../../adapters';
import { ChannelEntity } from '../channels/entities/channel.entity';
import { esc, layout } from './html';

export interface FormValues {
  title?: string;
  content?: string;
  category?: string;
  name?: string;
  phone?: string;
  email?: string;
  isPublic?: string;
}

const FIELD_NAMES: Record<string, string> = {
  title: '标题', content: '留言内容', category: '留言类别', name: '姓名', phone: '手机号码', email: '电子邮箱',
  idNumber: '身份证号码', isPublic: '是否公开', body: '留言', 'Idempotency-Key': '表单',
};

const FIELD_MESSAGES: Record<FieldError['code'], string> = {
  required: '为必填项', empty: '不能为空', too_long: '超过长度限制', invalid: '格式不正确', type: '格式不正确',
};

export function renderForm(opts: {
  from: ChannelEntity;
  formToken: string;
  values?: FormValues;
  errors?: FieldError[];
}): string {
  const v = opts.values ?? {};
  const errors = opts.errors ?? [];
  const errorOf = (f: string) => errors.find((e) => e.field === f);
  const fieldError = (f: string) => {
    const e = errorOf(f);
    return e ? `<div class="error" id="${f}-error">${esc(FIELD_NAMES[f] ?? f)}${esc(FIELD_MESSAGES[e.code])}</div>` : '';
  };
  const described = (f: string, hint?: string) =>
    ` aria-describedby="${[hint, errorOf(f) ? `${f}-error` : ''].filter(Boolean).join(' ')}"${errorOf(f) ? ' aria-invalid="true"' : ''}`;
  const phoneRequired = opts.from.config.phoneRequired !== false;
  const summary = errors.length
    ? `<div class="errors" role="alert"><p>提交未成功，请修改以下内容：</p><ul>${errors
        .map((e) => `<li>${esc(FIELD_NAMES[e.field] ?? e.field)}${esc(FIELD_MESSAGES[e.code])}</li>`)
        .join('')}</ul></div>`
    : '';
  const source = opts.from.disposition === 'own' ? '' : `<p class="hint">您从 ${esc(opts.from.unit)} 网站进入，留言将由市长信箱统一受理并转该单位办理。</p>`;
  return layout(
    '我要留言',
    `${summary}
<p>${esc(opts.from.guidance)}</p>
${source}
<form method="post" action="/mailbox" accept-charset="utf-8">
  <input type="hidden" name="from" value="${esc(opts.from.id)}">
  <input type="hidden" name="formToken" value="${esc(opts.formToken)}">
  <label for="title">标题（可不填）</label>
  <input type="text" id="title" name="title" maxlength="100" value="${esc(v.title)}"${described('title')}>
  ${fieldError('title')}
  <label for="content">留言内容（必填，不超过5000字）</label>
  <textarea id="content" name="content" required maxlength="5000"${described('content')}>${esc(v.content)}</textarea>
  ${fieldError('content')}
  <label for="category">留言类别</label>
  <select id="category" name="category"${described('category')}>
    <option value="">请选择</option>
    ${CATEGORIES.map((c) => `<option value="${c}"${v.category === c ? ' selected' : ''}>${c}</option>`).join('')}
  </select>
  ${fieldError('category')}
  <label for="name">姓名（可不填）</label>
  <input type="text" id="name" name="name" maxlength="50" autocomplete="name" value="${esc(v.name)}"${described('name')}>
  ${fieldError('name')}
  <label for="phone">手机号码${phoneRequired ? '（必填）' : '（可不填）'}</label>
  <input type="tel" id="phone" name="phone" autocomplete="tel"${phoneRequired ? ' required' : ''} value="${esc(v.phone)}"${described('phone', 'phone-hint')}>
  <div class="hint" id="phone-hint">仅用于办理单位与您联系，不会公开。</div>
  ${fieldError('phone')}
  <label for="email">电子邮箱（可不填）</label>
  <input type="email" id="email" name="email" autocomplete="email" value="${esc(v.email)}"${described('email')}>
  ${fieldError('email')}
  <label><input type="checkbox" name="isPublic" value="是"${v.isPublic ? ' checked' : ''}> 同意公开我的留言内容和答复（不公开个人信息）</label>
  <button type="submit">提交留言</button>
</form>`,
  );
}

export function renderReceipt(r: { receiptNo: string; queryCode: string }): string {
  return layout(
    '留言已提交',
    `<p role="status">您的留言已收到，市长信箱将统一受理并限时办理。</p>
<dl>
  <dt>回执编号</dt><dd>${esc(r.receiptNo)}</dd>
  <dt>查询码</dt><dd><span class="code">${esc(r.queryCode)}</span></dd>
</dl>
<p>请妥善保存查询码：凭查询码可随时在 <a href="/query">留言办理进度查询</a> 查看办理进度和答复。查询码相当于密码，请勿告诉他人。</p>
<p><a href="/mailbox">继续留言</a></p>`,
  );
}

export function renderNotice(title: string, message: string, extra = ''): string {
  return layout(title, `<p>${esc(message)}</p>${extra}<p><a href="/mailbox">前往市长信箱留言</a></p>`);
}
