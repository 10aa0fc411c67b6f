/**
 * The channel edit form of the console: generated from the adapter's manifest (one typed input per
 * setting), read back into a PATCH body for ChannelAdminService, and the problems of either step in
 * Chinese next to their field. Secrets are write-only: the form says whether one is set, an empty
 * input keeps it, and its value is never written into a page.
 */
import { AdapterManifest, ConfigField } from '../../../adapters';
import { ChannelAdminView, ChannelProblem } from '../../admin/channel-admin.service';
import { DISPOSITIONS } from '../../channels/entities/channel.entity';
import { csrfField, esc } from '../layout';

export const DISPOSITION_LABELS: Record<string, string> = {
  closed: '关闭留言',
  redirected: '跳转至市长信箱',
  retained: '保留受理（定时拉取）',
  excluded: '不予整合',
  own: '市长信箱（本平台）',
};

export const DISPOSITION_HINTS: Record<string, string> = {
  closed: '不再接收留言，提示留言人改用市长信箱（410）',
  redirected: '门户网站留言链接跳转到市长信箱留言表单，并记住来源门户',
  retained: '保留自身受理，由本平台按计划拉取留言',
  excluded: '组织人事、纪检监察、法律诉讼等事项，不接收并告知正确渠道（403）',
};

/** The console's input ids, by the field a problem names. */
export function inputId(field: string): string {
  if (field.startsWith('config.')) return `cfg-${field.slice(7)}`;
  if (field === 'referTo') return 'f-referTo-unit';
  return `f-${field}`;
}

// --- problems in Chinese -----------------------------------------------------------------------

const MESSAGES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^is required$/, () => '必须填写'],
  [/^must be a string$/, () => '须为文本'],
  [/^must not be empty$/, () => '不能为空'],
  [/^must be one of (.+)$/, (m) => `须为以下之一：${m[1].split(', ').join('、')}`],
  [/^must be at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^must be an http\(s\) URL$/, () => '须为以 http:// 或 https:// 开头的网址'],
  [/^must be a cron expression/, () => '须为 cron 表达式（如 */30 * * * * 表示每 30 分钟）'],
  [/^must be true or false$/, () => '须为“是”或“否”'],
  [/^must be an integer$/, () => '须为整数'],
  [/^must be at least (-?\d+)$/, (m) => `不能小于 ${m[1]}`],
  [/^must be at most (-?\d+)$/, (m) => `不能大于 ${m[1]}`],
  [/^must be a list of non-empty strings$/, () => '须为非空文本的列表（每行一项）'],
  [/^must name at least one$/, () => '至少填写一项'],
  [/^must be a mapping$/, () => '须为 JSON 对象（形如 {"键": "值"}）'],
  [/^is not a setting of adapter (.+)$/, (m) => `不是适配器 ${m[1]} 的配置项`],
];

/** A problem of the PATCH rules (English, as the API answers) in the operator's words. */
export function problemInChinese(p: ChannelProblem): string {
  if (p.field.startsWith('config.')) {
    const rest = p.text.slice(p.field.length + 1);
    for (const [re, say] of MESSAGES) {
      const m = rest.match(re);
      if (m) return say(m);
    }
    return p.text;
  }
  if (p.field === 'disposition') return p.text.includes('own') && !p.text.includes('one of') ? '市长信箱本身的处置方式不能修改' : `须为以下之一：${DISPOSITIONS.map((d) => DISPOSITION_LABELS[d]).join('、')}`;
  if (p.field === 'name' || p.field === 'unit' || p.field === 'guidance') return p.text.includes('non-empty') ? '不能为空，且不超过 500 个字符' : p.text;
  if (p.field === 'enabled') return '须为“是”或“否”';
  if (p.field === 'referTo') {
    return p.text.includes('excluded channel') ? '不予整合的渠道必须写明转介去向（承办单位、受理渠道、事项）' : '转介去向须完整填写承办单位、受理渠道和事项三项';
  }
  if (p.field === 'adapter') return `适配器不存在：${p.text}`;
  if (p.field === 'config') return '接入配置须为 JSON 对象';
  return p.text;
}

export function fieldLabel(field: string): string {
  const labels: Record<string, string> = {
    disposition: '处置方式', name: '渠道名称', unit: '所属单位', guidance: '引导语', enabled: '启用', referTo: '转介去向', config: '接入配置', adapter: '适配器',
  };
  if (field.startsWith('config.')) return `接入配置 ${field.slice(7)}`;
  return labels[field] ?? field;
}

// --- values ------------------------------------------------------------------------------------

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A setting as the form shows it: text for inputs and text areas, a flag for checkboxes. */
export function shownValue(spec: ConfigField, value: unknown): string | boolean {
  if (spec.type === 'boolean') return value === true;
  if (value === undefined || value === null) return '';
  if (spec.type === 'string[]') return Array.isArray(value) ? value.map(String).join('\n') : JSON.stringify(value);
  if (spec.type === 'object') return JSON.stringify(value, null, 2);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

export interface FormValues {
  disposition: string;
  name: string;
  unit: string;
  guidance: string;
  enabled: boolean;
  referTo: { unit: string; channel: string; matter: string };
  reason: string;
  /** Per manifest setting, what its input shows (secrets: never their value). */
  config: Record<string, string | boolean>;
  clear: Record<string, boolean>;
}

/** The form filled with the channel as it is (a setting not stored shows its default). */
export function valuesFromView(view: ChannelAdminView, manifest: AdapterManifest | undefined): FormValues {
  const config: Record<string, string | boolean> = {};
  for (const [key, spec] of Object.entries(manifest?.config ?? {})) {
    if (spec.secret) config[key] = '';
    else config[key] = shownValue(spec, Object.hasOwn(view.config, key) ? view.config[key] : spec.default);
  }
  return {
    disposition: view.disposition,
    name: view.name,
    unit: view.unit,
    guidance: view.guidance,
    enabled: view.enabled,
    referTo: { unit: view.referTo?.unit ?? '', channel: view.referTo?.channel ?? '', matter: view.referTo?.matter ?? '' },
    reason: '',
    config,
    clear: {},
  };
}

const text = (body: Record<string, unknown>, key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '');

/** The form as submitted, to show it again with its problems (secret inputs stay empty). */
export function valuesFromBody(body: Record<string, unknown>, view: ChannelAdminView, manifest: AdapterManifest | undefined): FormValues {
  const config: Record<string, string | boolean> = {};
  const clear: Record<string, boolean> = {};
  for (const [key, spec] of Object.entries(manifest?.config ?? {})) {
    if (spec.secret) {
      config[key] = '';
      clear[key] = body[`clear.${key}`] !== undefined;
    } else config[key] = spec.type === 'boolean' ? body[`cfg.${key}`] !== undefined : text(body, `cfg.${key}`);
  }
  return {
    disposition: view.disposition === 'own' ? 'own' : text(body, 'disposition') || view.disposition,
    name: text(body, 'name'),
    unit: text(body, 'unit'),
    guidance: text(body, 'guidance'),
    enabled: body.enabled !== undefined,
    referTo: { unit: text(body, 'referTo.unit'), channel: text(body, 'referTo.channel'), matter: text(body, 'referTo.matter') },
    reason: text(body, 'reason'),
    config,
    clear,
  };
}

/**
 * The submitted form as a PATCH body: only what differs from the channel as it is, so an untouched
 * form changes nothing. Inputs that cannot even be read (a number that is not one, JSON that does
 * not parse) are problems of their own and left out of the body.
 */
export function patchFromForm(
  body: Record<string, unknown>,
  view: ChannelAdminView,
  manifest: AdapterManifest | undefined,
): { patch: Record<string, unknown>; problems: ChannelProblem[] } {
  const patch: Record<string, unknown> = {};
  const problems: ChannelProblem[] = [];
  const values = valuesFromBody(body, view, manifest);

  if (view.disposition !== 'own' && values.disposition !== view.disposition) patch.disposition = values.disposition;
  for (const field of ['name', 'unit', 'guidance'] as const) {
    const given = values[field].replace(/\r\n/g, '\n');
    if (given.trim() !== view[field]) patch[field] = given;
  }
  if (values.enabled !== view.enabled) patch.enabled = values.enabled;
  const r = values.referTo;
  const referTo = r.unit.trim() || r.channel.trim() || r.matter.trim() ? { unit: r.unit.trim(), channel: r.channel.trim(), matter: r.matter.trim() } : null;
  if (!same(referTo, view.referTo ?? null)) patch.referTo = referTo;
  if (values.reason.trim()) patch.reason = values.reason.trim().slice(0, 500);

  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(manifest?.config ?? {})) {
    const stored = Object.hasOwn(view.config, key);
    const current = view.config[key];
    const effective = stored ? current : spec.default;
    const problem = (message: string) => problems.push({ field: `config.${key}`, text: `config.${key} ${message}` });

    if (spec.secret) {
      const given = text(body, `cfg.${key}`);
      if (given !== '') config[key] = given;
      else if (values.clear[key] && stored && current) config[key] = null;
      continue;
    }
    let value: unknown;
    const raw = spec.type === 'boolean' ? '' : text(body, `cfg.${key}`).replace(/\r\n/g, '\n');
    switch (spec.type) {
      case 'boolean':
        value = values.config[key] === true;
        if (value === (effective === true)) continue;
        break;
      case 'integer': {
        const t = raw.trim();
        if (t === '') {
          if (stored) config[key] = null; // back to the default
          continue;
        }
        if (!/^-?\d{1,15}$/.test(t)) {
          problem('must be an integer');
          continue;
        }
        value = Number(t);
        break;
      }
      case 'string[]':
        value = raw.split('\n').map((l) => l.trim()).filter((l) => l !== '');
        if (!stored && same(value, spec.default ?? [])) continue;
        break;
      case 'object': {
        const t = raw.trim();
        if (t === '') {
          if (stored) config[key] = null;
          continue;
        }
        try {
          value = JSON.parse(t);
        } catch (err) {
          problems.push({ field: `config.${key}`, text: `config.${key} 不是有效的 JSON：${(err as Error).message}` });
          continue;
        }
        break;
      }
      default:
        value = raw;
        if (!stored && raw === (typeof spec.default === 'string' ? spec.default : '')) continue;
    }
    if (!same(value, effective) || (stored && !same(value, current))) config[key] = value;
  }
  if (Object.keys(config).length) patch.config = config;
  return { patch, problems };
}

// --- the form ----------------------------------------------------------------------------------

function describe(value: unknown): string {
  if (value === undefined) return '（无）';
  if (typeof value === 'string') return value === '' ? '（空）' : value;
  if (typeof value === 'boolean') return value ? '是' : '否';
  return JSON.stringify(value);
}

function hintsOf(key: string, spec: ConfigField): string[] {
  const hints = [spec.description];
  if (spec.secret) hints.push('密钥，只写不显示；留空则保持不变');
  if (spec.default !== undefined && !spec.secret) hints.push(`默认值：${describe(spec.default)}`);
  if (spec.min !== undefined || spec.max !== undefined) {
    hints.push(`取值范围：${spec.min !== undefined ? `不小于 ${spec.min}` : ''}${spec.min !== undefined && spec.max !== undefined ? '，' : ''}${spec.max !== undefined ? `不大于 ${spec.max}` : ''}`);
  }
  if (spec.minLength !== undefined) hints.push(`至少 ${spec.minLength} 个字符`);
  if (spec.type === 'string[]') hints.push('每行一项');
  if (spec.type === 'object') hints.push('JSON 对象；留空则使用默认值');
  if (spec.type === 'integer' && !spec.required) hints.push('留空则使用默认值');
  if (key === 'schedule') hints.push('北京时间');
  return hints;
}

type Errors = Map<string, string[]>;

function errorsByInput(problems: ChannelProblem[]): Errors {
  const out: Errors = new Map();
  for (const p of problems) {
    const id = inputId(p.field);
    out.set(id, [...(out.get(id) ?? []), problemInChinese(p)]);
  }
  return out;
}

const ERROR_STYLE = 'color:#9f1d1d;font-weight:600;margin:2px 0';

function errorLines(id: string, errors: Errors): string {
  const list = errors.get(id);
  return list ? `<p id="err-${esc(id)}" style="${ERROR_STYLE}">${list.map((m) => `错误：${esc(m)}`).join('<br>')}</p>` : '';
}

function described(id: string, errors: Errors, hint: boolean, status = false): string {
  const ids = [status ? `status-${id}` : '', hint ? `hint-${id}` : '', errors.has(id) ? `err-${id}` : ''].filter(Boolean);
  return `${ids.length ? ` aria-describedby="${esc(ids.join(' '))}"` : ''}${errors.has(id) ? ' aria-invalid="true"' : ''}`;
}

function configInput(key: string, spec: ConfigField, values: FormValues, secretSet: boolean, errors: Errors): string {
  const id = `cfg-${key}`;
  const name = `cfg.${key}`;
  const label = `<code>${esc(key)}</code>${spec.required ? '（必填）' : ''}`;
  const hint = `<p class="hint" id="hint-${esc(id)}">${hintsOf(key, spec).map(esc).join('；')}</p>`;
  const attrs = described(id, errors, true, Boolean(spec.secret));
  const value = values.config[key];
  if (spec.type === 'boolean') {
    return `<div><label for="${esc(id)}" style="font-weight:600"><input type="checkbox" id="${esc(id)}" name="${esc(name)}" value="on"${value === true ? ' checked' : ''}${attrs}> ${label}</label>${errorLines(id, errors)}${hint}</div>`;
  }
  let input: string;
  if (spec.secret) {
    input = `<p class="hint" id="status-${esc(id)}">当前：<strong>${secretSet ? '已设置' : '未设置'}</strong></p>
<input type="password" id="${esc(id)}" name="${esc(name)}" autocomplete="new-password" value=""${attrs}>
${secretSet && !spec.required ? `<label for="clear-${esc(key)}" style="font-weight:400"><input type="checkbox" id="clear-${esc(key)}" name="clear.${esc(key)}" value="on"${values.clear[key] ? ' checked' : ''}> 清除此密钥</label>` : ''}`;
  } else if (spec.type === 'string' && spec.enum) {
    const options = [...spec.enum];
    if (typeof value === 'string' && value !== '' && !options.includes(value)) options.push(value);
    input = `<select id="${esc(id)}" name="${esc(name)}"${attrs}>${options.map((o) => `<option value="${esc(o)}"${o === value ? ' selected' : ''}>${esc(o)}</option>`).join('')}</select>`;
  } else if (spec.type === 'integer') {
    input = `<input type="number" step="1" inputmode="numeric" id="${esc(id)}" name="${esc(name)}" value="${esc(value)}"${spec.min !== undefined ? ` min="${spec.min}"` : ''}${spec.max !== undefined ? ` max="${spec.max}"` : ''}${attrs}>`;
  } else if (spec.type === 'object' || spec.type === 'string[]') {
    const rows = Math.min(16, Math.max(3, String(value).split('\n').length + 1));
    input = `<textarea id="${esc(id)}" name="${esc(name)}" rows="${rows}" spellcheck="false" style="font-family:ui-monospace,monospace;font-size:13px"${attrs}>${esc(value)}</textarea>`;
  } else {
    input = `<input type="text" id="${esc(id)}" name="${esc(name)}" value="${esc(value)}" spellcheck="false"${attrs}>`;
  }
  return `<div><label for="${esc(id)}">${label}</label>${errorLines(id, errors)}${input}${hint}</div>`;
}

/** The whole edit form. `problems` (from reading the form and from the PATCH rules) sit next to their inputs. */
export function editForm(view: ChannelAdminView, manifest: AdapterManifest | undefined, values: FormValues, problems: ChannelProblem[], csrf: string): string {
  const errors = errorsByInput(problems);
  const summary = problems.length
    ? `<div class="flash error" role="alert" id="problems"><h2 style="font-size:16px;margin:0 0 4px">有 ${problems.length} 处需要修改，尚未保存</h2><ul>${problems
        .map((p) => `<li><a href="#${esc(inputId(p.field))}">${esc(fieldLabel(p.field))}</a>：${esc(problemInChinese(p))}</li>`)
        .join('')}</ul></div>`
    : '';
  const text = (id: string, label: string, value: string, extra = '') =>
    `<label for="f-${id}">${esc(label)}</label>${errorLines(`f-${id}`, errors)}<input type="text" id="f-${id}" name="${id}" value="${esc(value)}" maxlength="500"${described(`f-${id}`, errors, false)}${extra}>`;
  const disposition = view.disposition === 'own'
    ? `<p><strong>处置方式：</strong>${esc(DISPOSITION_LABELS.own)}（不可修改）</p>`
    : `<label for="f-disposition">处置方式</label>${errorLines('f-disposition', errors)}<select id="f-disposition" name="disposition" aria-describedby="hint-f-disposition"${errors.has('f-disposition') ? ' aria-invalid="true"' : ''}>${DISPOSITIONS.map(
        (d) => `<option value="${d}"${d === values.disposition ? ' selected' : ''}>${esc(DISPOSITION_LABELS[d])}</option>`,
      ).join('')}</select>
<p class="hint" id="hint-f-disposition">${DISPOSITIONS.map((d) => `${esc(DISPOSITION_LABELS[d])}：${esc(DISPOSITION_HINTS[d])}`).join('；')}。保存后立即对留言接收和 /go/${esc(view.id)} 生效。</p>`;
  const secrets = (key: string) => Boolean(view.config[key]);
  const configFields = manifest
    ? Object.entries(manifest.config).map(([key, spec]) => configInput(key, spec, values, spec.secret ? secrets(key) : false, errors)).join('\n')
    : `<p class="muted">此渠道没有适配器（不接收留言），无需接入配置。改为“跳转至市长信箱”并保存后，将使用门户网站适配器（portal），届时可在此填写其配置。</p>`;
  return `${summary}
<form method="post" action="/console/channels/${esc(view.id)}/preview" novalidate>
${csrfField(csrf)}
<fieldset class="card"><legend>基本信息</legend>
${text('name', '渠道名称', values.name, ' required')}
${text('unit', '所属单位', values.unit, ' required')}
${disposition}
<div><label for="f-enabled"><input type="checkbox" id="f-enabled" name="enabled" value="on"${values.enabled ? ' checked' : ''} aria-describedby="hint-f-enabled"> 启用</label>${errorLines('f-enabled', errors)}
<p class="hint" id="hint-f-enabled">停用的接收渠道按已关闭处理（410）；保留受理渠道停用后不再拉取。</p></div>
<label for="f-guidance">引导语（告知留言人的文字）</label>${errorLines('f-guidance', errors)}
<textarea id="f-guidance" name="guidance" rows="3" maxlength="500"${described('f-guidance', errors, false)}>${esc(values.guidance)}</textarea>
</fieldset>
<fieldset class="card"><legend>转介去向（不予整合的渠道必填）</legend>
${text('referTo-unit', '承办单位', values.referTo.unit).replace('name="referTo-unit"', 'name="referTo.unit"')}
${text('referTo-channel', '受理渠道', values.referTo.channel).replace('name="referTo-channel"', 'name="referTo.channel"')}
${text('referTo-matter', '事项', values.referTo.matter).replace('name="referTo-matter"', 'name="referTo.matter"')}
<p class="hint">三项都留空表示没有转介去向。</p>
</fieldset>
<fieldset class="card"><legend>接入配置${manifest ? `（适配器 ${esc(manifest.name)}：${esc(manifest.description)}）` : ''}</legend>
${errorLines('f-config', errors)}${errorLines('f-adapter', errors)}
${configFields}
</fieldset>
<div class="card">
<label for="f-reason">修改说明（可选，记入版本历史）</label>
<input type="text" id="f-reason" name="reason" value="${esc(values.reason)}" maxlength="500">
<button type="submit">预览修改</button>
<p class="hint">先预览：显示与当前版本（版本 ${view.version}）的差异，确认后才保存。</p>
</div>
</form>`;
}
