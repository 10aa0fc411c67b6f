/**
 * The administrators' channel pages (渠道接入): the table by disposition with the pulled channels'
 * health, a channel's details and edit form, the preview of a change, the version history and the
 * result of a connection test. Everything user-given or upstream-given goes through `esc`; secret
 * settings appear only as 已设置 / 未设置 / （已更改）.
 */
import { AdapterManifest, ConfigField, findAdapter } from '../../../adapters';
import { ChangePreview, ChannelAdminView, ChannelChange, ChannelProblem, ChannelVersion, ConnectionTest, SECRET_PLACEHOLDER } from '../../admin/channel-admin.service';
import { csrfField, esc, when } from '../layout';
import { DISPOSITION_HINTS, DISPOSITION_LABELS, editForm, fieldLabel, FormValues, problemInChinese } from './channels-form';

const GROUPS: { disposition: string; title: string; about: string }[] = [
  { disposition: 'closed', title: '关闭留言', about: '实施方案附件中的微信公众号自 2020 年 5 月 11 日起关闭或隐藏留言功能；本平台不接收这些渠道的留言，提示留言人改用市长信箱。' },
  { disposition: 'redirected', title: '跳转至市长信箱', about: '部门门户网站的留言版块直接链接到市长信箱，留言记住来源门户。' },
  { disposition: 'retained', title: '保留受理（定时拉取）', about: '保留自身受理渠道，本平台按计划拉取其留言并统一督办。' },
  { disposition: 'excluded', title: '不予整合', about: '组织人事、纪检监察、法律诉讼事项不由市长信箱受理，告知正确渠道。' },
  { disposition: 'own', title: '市长信箱（本平台）', about: '本平台自己的留言表单。' },
];

export function dispositionLabel(d: string): string {
  return DISPOSITION_LABELS[d] ?? d;
}

/** A duration in words: 45 秒, 12 分钟, 3 小时 5 分, 2 天. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} 秒`;
  if (s < 3600) return `${Math.floor(s / 60)} 分钟`;
  if (s < 86400) return `${Math.floor(s / 3600)} 小时 ${Math.floor((s % 3600) / 60)} 分`;
  return `${Math.floor(s / 86400)} 天`;
}

const ERROR_KINDS: Record<string, string> = {
  transient: '暂时性故障（网络、限流或上游故障）',
  auth: '认证或签名被拒绝',
  shape: '上游数据格式与适配器不符',
  config: '配置有误',
  not_found: '上游找不到所请求的内容',
  internal: '平台内部错误',
};

export function errorKind(kind: string | null | undefined): string {
  return kind ? (ERROR_KINDS[kind] ?? kind) : '';
}

type Health = NonNullable<ChannelAdminView['health']>;

function cursorText(cursor: Record<string, string>): string {
  const entries = Object.entries(cursor);
  return entries.length ? entries.map(([scope, c]) => `${esc(scope)}：<code>${esc(c)}</code>`).join('<br>') : '<span class="muted">尚无（首次拉取将从头开始）</span>';
}

function lastPull(h: Health): string {
  if (!h.lastAttemptAt && !h.lastSuccessAt) return '<span class="muted">从未拉取</span>';
  const ok = h.lastSuccessAt ? `成功：${esc(when(h.lastSuccessAt))}` : '<span class="badge bad">从未成功</span>';
  const tried = h.lastAttemptAt && (!h.lastSuccessAt || new Date(h.lastAttemptAt) > new Date(h.lastSuccessAt)) ? `<br><span class="muted">最近尝试：${esc(when(h.lastAttemptAt))}</span>` : '';
  return `${ok}${tried}<br><span class="muted">累计 ${h.pulled} 条；上次新增 ${h.lastPull.created}、更新 ${h.lastPull.updated}</span>`;
}

function lastError(h: Health): string {
  if (!h.lastError) return '<span class="muted">无</span>';
  const stale = h.lastSuccessAt && h.lastErrorAt && new Date(h.lastSuccessAt) > new Date(h.lastErrorAt);
  return `${stale ? '<span class="badge">已恢复</span> ' : '<span class="badge bad">未恢复</span> '}${esc(when(h.lastErrorAt))}（${esc(errorKind(h.lastErrorKind))}）<br>${esc(h.lastError)}`;
}

function circuit(h: Health, now: Date): string {
  const open = h.circuitOpenUntil && new Date(h.circuitOpenUntil) > now;
  const failures = h.consecutiveFailures ? `<span class="badge warn">连续失败 ${h.consecutiveFailures} 次</span>` : '<span class="badge ok">连续失败 0 次</span>';
  return `${failures}${open ? `<br><span class="badge bad">熔断中</span> 至 ${esc(when(h.circuitOpenUntil))}（计划拉取暂停，手动拉取仍可进行）` : ''}`;
}

function lag(h: Health): string {
  return h.lagSeconds === null ? '<span class="muted">—</span>' : esc(duration(h.lagSeconds));
}

function enabledBadge(v: ChannelAdminView): string {
  return v.enabled ? '<span class="badge ok">启用</span>' : '<span class="badge warn">停用</span>';
}

/** GET /console/channels: the table by disposition, with counts and the pulled channels' health. */
export function channelListBody(views: ChannelAdminView[], now: Date): string {
  const plan = views.filter((v) => v.disposition !== 'own');
  const count = (d: string) => views.filter((v) => v.disposition === d).length;
  const summary = `<p>实施方案附件所列渠道共 ${plan.length} 个：${GROUPS.filter((g) => g.disposition !== 'own')
    .map((g) => `<a href="#group-${g.disposition}">${esc(g.title)} ${count(g.disposition)} 个</a>`)
    .join('、')}。点击渠道编号查看详情、修改配置和版本历史。</p>`;
  const sections = GROUPS.map((g) => {
    const rows = views.filter((v) => v.disposition === g.disposition);
    if (g.disposition === 'own' && rows.length === 0) return '';
    const pulled = g.disposition === 'retained';
    const headers = ['渠道编号', '单位', '名称', '处置', '生效日期', '状态', '适配器', ...(pulled ? ['上次拉取', '滞后', '最近错误', '连续失败 / 熔断', '游标'] : [])];
    const body = rows
      .map((v) => {
        const cells = [
          esc(v.unit),
          esc(v.name),
          esc(dispositionLabel(v.disposition)),
          esc(v.effectiveFrom),
          enabledBadge(v),
          v.adapter ? `<code>${esc(v.adapter)}</code>` : '<span class="muted">无</span>',
        ];
        if (pulled) {
          const h = v.health;
          cells.push(...(h ? [lastPull(h), lag(h), lastError(h), circuit(h, now), cursorText(h.cursor)] : ['', '', '', '', '']));
        }
        return `<tr><th scope="row"><a href="/console/channels/${esc(v.id)}">${esc(v.id)}</a></th>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
      })
      .join('\n');
    return `<section class="card" aria-labelledby="group-${g.disposition}">
<h2 id="group-${g.disposition}">${esc(g.title)}（${rows.length} 个）</h2>
<p class="hint">${esc(g.about)}</p>
${rows.length ? `<div class="scroll"><table><thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>` : '<p class="muted">暂无</p>'}
</section>`;
  }).join('\n');
  return `${summary}\n${sections}`;
}

/** The channel's details and health, above its edit form. */
export function channelDetailBody(view: ChannelAdminView, manifest: AdapterManifest | undefined, values: FormValues, problems: ChannelProblem[], csrf: string, now: Date): string {
  const h = view.health;
  const pulled = Boolean(manifest && findAdapter(manifest.name)?.puller);
  const health = h
    ? `<section class="card" aria-labelledby="health"><h2 id="health">拉取健康状况</h2>
<dl class="kv">
<dt>上次拉取</dt><dd>${lastPull(h)}</dd>
<dt>滞后</dt><dd>${lag(h)}${h.lagSeconds !== null ? '（距上次成功拉取）' : ''}</dd>
<dt>最近错误</dt><dd>${lastError(h)}</dd>
<dt>连续失败 / 熔断</dt><dd>${circuit(h, now)}</dd>
<dt>游标</dt><dd>${cursorText(h.cursor)}</dd>
</dl></section>`
    : '';
  const test = pulled
    ? `<section class="card" aria-labelledby="test"><h2 id="test">测试连接</h2>
<p class="hint">用当前保存的配置取上游列表的第一页，显示取回的条数、前几条标题和用时。测试不保存任何留言、不移动游标、不影响健康状况记录。</p>
<form method="post" action="/console/channels/${esc(view.id)}/test">${csrfField(csrf)}<button type="submit" class="secondary">测试连接</button></form>
</section>`
    : '';
  return `<p><a href="/console/channels">← 返回渠道列表</a> · <a href="/console/channels/${esc(view.id)}/history">版本历史</a></p>
<section class="card" aria-labelledby="about"><h2 id="about">渠道概况</h2>
<dl class="kv">
<dt>渠道编号</dt><dd><code>${esc(view.id)}</code></dd>
<dt>所属单位</dt><dd>${esc(view.unit)}</dd>
<dt>名称</dt><dd>${esc(view.name)}</dd>
<dt>处置方式</dt><dd>${esc(dispositionLabel(view.disposition))}${DISPOSITION_HINTS[view.disposition] ? `<span class="muted">（${esc(DISPOSITION_HINTS[view.disposition])}）</span>` : ''}</dd>
<dt>生效日期</dt><dd>${esc(view.effectiveFrom)}</dd>
<dt>状态</dt><dd>${enabledBadge(view)}</dd>
<dt>适配器</dt><dd>${view.adapter ? `<code>${esc(view.adapter)}</code>` : '无'}</dd>
<dt>版本</dt><dd>版本 ${view.version}（${esc(when(view.updatedAt))} 更新）</dd>
<dt>公开链接</dt><dd><a href="${esc(view.goUrl)}">${esc(view.goUrl)}</a></dd>
${view.referTo ? `<dt>转介去向</dt><dd>${esc(referText(view.referTo))}</dd>` : ''}
</dl></section>
${health}
${test}
<section aria-labelledby="edit"><h2 id="edit">修改</h2>
${editForm(view, manifest, values, problems, csrf)}
</section>`;
}

function referText(r: ChannelAdminView['referTo']): string {
  return r ? `${r.unit} · ${r.channel} · ${r.matter}` : '（无）';
}

// --- diffs -------------------------------------------------------------------------------------

function describe(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '（空）' : value;
  if (typeof value === 'boolean') return value ? '是' : '否';
  return JSON.stringify(value);
}

function configValue(value: unknown, spec: ConfigField | undefined): string {
  if (value === undefined || value === null) {
    return `<span class="muted">（未设置${spec?.default !== undefined && !spec.secret ? `，使用默认值 ${esc(describe(spec.default))}` : ''}）</span>`;
  }
  if (typeof value === 'object') return `<code style="white-space:pre-wrap">${esc(JSON.stringify(value))}</code>`;
  return esc(describe(value));
}

interface DiffRow {
  label: string;
  from: string;
  to: string;
}

/** Field-by-field rows of changes; config setting by setting; secrets only as set / changed. */
export function diffRows(changes: ChannelChange[], adapterName: string | null, secretsChanged: string[] | null): DiffRow[] {
  const manifest = adapterName ? findAdapter(adapterName)?.manifest : undefined;
  const rows: DiffRow[] = [];
  for (const c of changes) {
    switch (c.field) {
      case 'config': {
        const from = (c.from ?? {}) as Record<string, unknown>;
        const to = (c.to ?? {}) as Record<string, unknown>;
        const keys = [...new Set([...Object.keys(manifest?.config ?? {}), ...Object.keys(from), ...Object.keys(to)])];
        let shown = 0;
        for (const k of keys) {
          const spec = manifest?.config[k];
          const a = from[k];
          const b = to[k];
          if (spec?.secret) {
            const changed = secretsChanged ? secretsChanged.includes(k) : JSON.stringify(a) !== JSON.stringify(b);
            if (!changed) continue;
            rows.push({ label: `接入配置 ${k}（密钥）`, from: a ? '已设置' : '未设置', to: b ? '（已更改）' : '（已清除）' });
            shown++;
          } else if (JSON.stringify(a) !== JSON.stringify(b)) {
            rows.push({ label: `接入配置 ${k}`, from: configValue(a, spec), to: configValue(b, spec) });
            shown++;
          }
        }
        if (!shown) rows.push({ label: '接入配置中的密钥', from: '—', to: '（已更改）' });
        break;
      }
      case 'disposition':
        rows.push({ label: '处置方式', from: esc(dispositionLabel(String(c.from))), to: esc(dispositionLabel(String(c.to))) });
        break;
      case 'enabled':
        rows.push({ label: '启用', from: c.from ? '是' : '否', to: c.to ? '是' : '否' });
        break;
      case 'referTo':
        rows.push({ label: '转介去向', from: esc(referText(c.from as ChannelAdminView['referTo'])), to: esc(referText(c.to as ChannelAdminView['referTo'])) });
        break;
      default:
        rows.push({ label: fieldLabel(c.field), from: esc(c.from), to: esc(c.to) });
    }
  }
  return rows;
}

function diffTable(caption: string, rows: DiffRow[]): string {
  return `<div class="scroll"><table class="diff"><caption class="muted" style="text-align:left">${esc(caption)}</caption>
<thead><tr><th scope="col">项目</th><th scope="col">原值</th><th scope="col">新值</th></tr></thead>
<tbody>${rows.map((r) => `<tr><th scope="row">${esc(r.label)}</th><td><del>${r.from}</del></td><td><ins>${r.to}</ins></td></tr>`).join('\n')}</tbody></table></div>`;
}

/** POST /console/channels/:id/preview with a valid change: the diff and the confirm form. */
export function previewBody(preview: ChangePreview, proposal: string, csrf: string): string {
  const id = preview.current.id;
  const rows = diffRows(preview.changes, preview.proposed.adapter ?? preview.current.adapter, preview.secretsChanged);
  if (preview.current.adapter !== preview.proposed.adapter) {
    rows.push({ label: '适配器', from: esc(preview.current.adapter ?? '无'), to: esc(preview.proposed.adapter ?? '无') });
  }
  const pulled = Boolean(preview.proposed.adapter && findAdapter(preview.proposed.adapter)?.puller);
  const dispositionChanged = preview.changes.some((c) => c.field === 'disposition' || c.field === 'enabled');
  return `<p><a href="/console/channels/${esc(id)}">← 放弃并返回编辑页</a>（或用浏览器的“后退”回到刚才填写的表单）</p>
<section class="card" aria-labelledby="diff"><h2 id="diff">改动预览：${esc(preview.current.name)}</h2>
<p>以下是与当前版本（版本 ${preview.current.version}）相比的全部改动，尚未保存。</p>
${diffTable(`渠道 ${id}：版本 ${preview.current.version} → 版本 ${preview.current.version + 1}`, rows)}
${dispositionChanged ? `<p class="flash" role="note">处置方式或启用状态的改动保存后立即生效：留言接收和 <code>/go/${esc(id)}</code> 会马上按新设置回应。</p>` : ''}
<form method="post" action="/console/channels/${esc(id)}/apply">
${csrfField(csrf)}
<input type="hidden" name="proposal" value="${esc(proposal)}">
<button type="submit">确认保存</button>
</form>
<p class="hint">若在此期间有人修改了这个渠道，保存会被拒绝，以免覆盖他人的修改。</p>
</section>
${pulled ? `<section class="card" aria-labelledby="try"><h2 id="try">先用新配置测试连接</h2>
<p class="hint">用上面的新配置取上游列表的第一页，不保存配置、不保存留言、不移动游标。</p>
<form method="post" action="/console/channels/${esc(id)}/test">${csrfField(csrf)}<input type="hidden" name="proposal" value="${esc(proposal)}"><button type="submit" class="secondary">用新配置测试连接</button></form>
</section>` : ''}`;
}

/** A preview of a form that changes nothing. */
export function noChangeBody(id: string): string {
  return `<p class="flash" role="status">表单与当前版本相同，没有需要保存的改动。</p><p><a href="/console/channels/${esc(id)}">返回渠道详情</a></p>`;
}

/** GET /console/channels/:id/history: every version, its diff against the one before, and restore. */
export function historyBody(view: ChannelAdminView, versions: ChannelVersion[], csrf: string): string {
  const cards = versions.map((v) => {
    const current = v.version === view.version;
    const adapterName = v.state?.adapter ?? view.adapter;
    const title = `版本 ${v.version}${current ? '（当前）' : ''}${v.version === 1 && !current ? '（初始配置）' : ''}`;
    const rows = diffRows(v.changes, adapterName, v.secretsChanged);
    const diff = v.derived
      ? `<p class="muted">${current ? '这个渠道自初始配置以来没有修改过。' : `此版本未单独存档，其内容由版本 ${v.version + 1} 的变更记录推出。`}</p>`
      : rows.length
        ? diffTable(`与版本 ${v.version - 1} 相比的改动`, rows)
        : `<p class="muted">${v.version === 1 ? '初始配置（来自 config/channels.yaml），没有更早的版本。' : '没有记录改动。'}</p>`;
    const manifest = adapterName ? findAdapter(adapterName)?.manifest : undefined;
    const unknownSecrets = v.state
      ? Object.entries(v.state.config).filter(([k, value]) => manifest?.config[k]?.secret && value === SECRET_PLACEHOLDER && !v.state?.sealedSecrets?.[k]).map(([k]) => k)
      : [];
    const restore = !current && v.state
      ? `<form method="post" action="/console/channels/${esc(view.id)}/restore">
${csrfField(csrf)}
<input type="hidden" name="version" value="${v.version}">
<input type="hidden" name="current" value="${view.version}">
<button type="submit" class="secondary" aria-describedby="v-${v.version}">恢复此版本</button>
<p class="hint">恢复会新建版本 ${view.version + 1}，内容与版本 ${v.version} 相同（密钥按当时保存的值恢复，不显示）。${unknownSecrets.length ? `该版本未存档密钥 ${unknownSecrets.map(esc).join('、')} 的原值，恢复后沿用当前值。` : ''}</p>
</form>`
      : '';
    const meta = v.derived
      ? ''
      : `<dl class="kv"><dt>时间</dt><dd>${esc(when(v.at))}</dd><dt>修改人</dt><dd>${esc(v.actor)}</dd>${v.reason ? `<dt>说明</dt><dd>${esc(v.reason)}</dd>` : ''}</dl>`;
    return `<section class="card" aria-labelledby="v-${v.version}"><h2 id="v-${v.version}">${esc(title)}</h2>
${meta}
${diff}
${restore}
</section>`;
  });
  return `<p><a href="/console/channels/${esc(view.id)}">← 返回渠道详情</a></p>
<p>渠道 <code>${esc(view.id)}</code>（${esc(view.name)}）的全部版本，最新的在前。每次修改都记入审计日志。</p>
${cards.join('\n')}`;
}

/** POST /console/channels/:id/test: what came back, or what went wrong, in an operator's words. */
export function testBody(view: ChannelAdminView, result: ConnectionTest): string {
  const back = `<p><a href="/console/channels/${esc(view.id)}">← 返回渠道详情</a></p>`;
  const basis = result.proposed ? '使用预览中的新配置（尚未保存）' : `使用当前保存的配置（版本 ${view.version}）`;
  const untouched = '<p class="hint">测试没有保存任何留言，没有移动游标，也没有改变渠道的健康状况记录。</p>';
  if (result.configProblems?.length) {
    return `${back}<div class="flash error" role="alert"><h2 style="font-size:16px;margin:0 0 4px">配置有误，无法测试连接</h2><ul>${result.configProblems
      .map((p) => `<li>${esc(fieldLabel(p.field))}：${esc(problemInChinese(p))}</li>`)
      .join('')}</ul></div><p>${esc(basis)}。</p>${untouched}`;
  }
  const timing = `用时 ${(result.durationMs / 1000).toFixed(1)} 秒，共发出 ${result.requests} 次请求`;
  if (!result.ok) {
    const e = result.error!;
    return `${back}<section class="card" aria-labelledby="r"><h2 id="r">连接失败：${esc(errorKind(e.kind))}</h2>
<p role="alert">${esc(e.hint ?? e.message)}</p>
<details><summary>技术细节</summary><p><code>${esc(e.message)}</code></p></details>
<p>${esc(basis)}；${esc(timing)}。</p>${untouched}</section>`;
  }
  const samples = result.samples.length
    ? `<div class="scroll"><table><caption class="muted" style="text-align:left">前 ${result.samples.length} 条（标题中的电话、证件号等已遮盖）</caption>
<thead><tr><th scope="col">上游编号</th><th scope="col">标题</th></tr></thead>
<tbody>${result.samples.map((s) => `<tr><th scope="row"><code>${esc(s.externalId)}</code></th><td>${s.title !== null ? esc(s.title) : `<span class="badge bad">无法转换</span> ${esc(s.problem ?? '')}`}</td></tr>`).join('')}</tbody></table></div>`
    : '';
  return `${back}<section class="card" aria-labelledby="r"><h2 id="r">连接正常</h2>
<p role="status">上游列表第一页${result.scope ? `（范围 ${esc(result.scope)}）` : ''}取回 <strong>${result.records} 条记录</strong>；${esc(timing)}。</p>
${result.unmapped ? `<p class="flash error">其中 ${result.unmapped} 条无法按本渠道的字段映射转换，正式拉取会在第一条这样的记录处停止：请检查字段映射配置。</p>` : ''}
${samples}
<p>${esc(basis)}。</p>${untouched}</section>`;
}
