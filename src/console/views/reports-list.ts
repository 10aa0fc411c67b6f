/**
 * 报告与考核 › 月报/专报: the stored reports, newest first, and the forms that ask for one.
 * Pure rendering; every value is escaped.
 */
import { ReportMeta } from '../../reports/report.repository';
import { csrfField, esc, table, when } from '../layout';

export const STATUS_NAMES: Record<ReportMeta['status'], { text: string; badge: string }> = {
  queued: { text: '排队中', badge: '' },
  running: { text: '生成中', badge: 'warn' },
  done: { text: '已完成', badge: 'ok' },
  failed: { text: '生成失败', badge: 'bad' },
};

const FILTER_NAMES: Record<string, string> = { keyword: '关键词', domain: '领域', unit: '承办单位', channel: '渠道', category: '类别' };

/** The sub-navigation of 报告与考核 (the nav item covers all three pages). */
export function reportsTabs(current: 'reports' | 'rankings' | 'criticisms'): string {
  const tabs: [typeof current, string, string][] = [
    ['reports', '/console/reports', '月报与专报'],
    ['rankings', '/console/rankings', '承办单位考核排名'],
    ['criticisms', '/console/criticisms', '通报批评'],
  ];
  return `<nav aria-label="报告与考核" class="card" style="display:flex;gap:16px;flex-wrap:wrap">${tabs
    .map(([k, href, label]) => `<a href="${href}"${k === current ? ' aria-current="page" style="font-weight:700"' : ''}>${esc(label)}</a>`)
    .join('')}</nav>`;
}

function progressText(r: ReportMeta): string {
  const p = r.progress ?? {};
  if (r.status === 'failed') return `失败：${r.error ?? '未知原因'}`;
  if (r.status === 'queued') return r.attempts > 0 && r.error ? `等待重试（第 ${r.attempts} 次未成功：${r.error}）` : '等待生成';
  if (r.status === 'done') return r.summary ?? '';
  const steps = p.total ? `（${p.done ?? 0}/${p.total}）` : '';
  const cases = p.cases ? `，已读取 ${p.cases} 件` : '';
  return `${p.step ?? '准备中'}${steps}${cases}`;
}

function filterText(r: ReportMeta, channelLabel: (id: string) => string): string {
  const parts = Object.entries(r.filter ?? {})
    .filter(([, v]) => typeof v === 'string' && v !== '')
    .map(([k, v]) => `${FILTER_NAMES[k] ?? k}：${k === 'channel' ? channelLabel(String(v)) : String(v)}`);
  return parts.join('；');
}

export interface ReportsView {
  items: ReportMeta[];
  total: number;
  page: number;
  pageSize: number;
  /** Staff and administrators may regenerate a 月报. */
  mayRegenerate: boolean;
  csrf: string;
  defaults: { month: string; from: string; to: string };
  channels: { id: string; label: string }[];
  categories: readonly string[];
  channelLabel: (id: string) => string;
}

export function renderReports(v: ReportsView): string {
  const rows = v.items.map((r) => {
    const status = STATUS_NAMES[r.status] ?? { text: r.status, badge: '' };
    const links =
      r.status === 'done'
        ? `<a href="/console/reports/${esc(r.id)}/html">阅读</a> · <a href="/console/reports/${esc(r.id)}/pdf">下载 PDF</a>${r.pdfPages ? `<span class="muted">（${esc(r.pdfPages)} 页）</span>` : ''}`
        : '<span class="muted">生成后可阅读</span>';
    const filter = filterText(r, v.channelLabel);
    return [
      esc(r.id),
      `${esc(r.kind === 'monthly' ? '月报' : '专报')}`,
      `${esc(r.title)}${filter ? `<br><span class="muted">${esc(filter)}</span>` : ''}`,
      `${esc(r.periodFrom)} 至 ${esc(r.periodTo)}`,
      `<span class="badge ${status.badge}">${esc(status.text)}</span>`,
      esc(progressText(r)),
      `${esc(r.requestedBy === 'system' ? '系统（自动）' : r.requestedBy)}<br><span class="muted">${esc(when(r.requestedAt))}</span>`,
      links,
    ];
  });
  const pages = Math.max(1, Math.ceil(v.total / v.pageSize));
  const pager =
    pages > 1
      ? `<p>${v.page > 1 ? `<a href="/console/reports?page=${v.page - 1}">上一页</a> ` : ''}第 ${v.page} / ${pages} 页${v.page < pages ? ` <a href="/console/reports?page=${v.page + 1}">下一页</a>` : ''}</p>`
      : '';
  const list = `<section class="card"><h2>已生成的报告</h2>
<p class="hint">报告先登记、再由后台生成（统计 → 网页 → PDF），生成中的报告请稍后<a href="/console/reports">刷新</a>查看进度。共 ${esc(v.total)} 份。</p>
${table('报告列表（最新在前）', ['编号', '类型', '标题', '统计期间', '状态', '进度 / 摘要', '申请人', '阅读'], rows, '还没有报告')}
${pager}</section>`;

  const monthly = v.mayRegenerate
    ? `<section class="card"><h2>重新生成月报</h2>
<p class="hint">每月第一个工作日系统自动生成上月月报；数据更正后可重新生成已结束月份的月报（统计口径为期末状态，结果一致）。</p>
<form method="post" action="/console/reports/monthly">${csrfField(v.csrf)}
<label for="month">月份（YYYY-MM）</label><input type="text" id="month" name="month" required pattern="\\d{4}-\\d{2}" maxlength="7" value="${esc(v.defaults.month)}">
<button type="submit">生成月报</button></form></section>`
    : '';

  const channelOptions = v.channels.map((c) => `<option value="${esc(c.id)}">${esc(c.label)}</option>`).join('');
  const categoryOptions = v.categories.map((c) => `<option value="${esc(c)}">${esc(c)}</option>`).join('');
  const special = `<section class="card"><h2>申请专报</h2>
<p class="hint">就某一主题生成专报：标题和期间必填，其余条件可任选（均为“并且”关系）。</p>
<form method="post" action="/console/reports/special">${csrfField(v.csrf)}
<label for="title">标题</label><input type="text" id="title" name="title" required maxlength="100" placeholder="例如：电梯安全问题专报">
<label for="from">开始日期</label><input type="date" id="from" name="from" required value="${esc(v.defaults.from)}">
<label for="to">结束日期</label><input type="date" id="to" name="to" required value="${esc(v.defaults.to)}">
<label for="keyword">关键词（标题或内容中含有）</label><input type="text" id="keyword" name="keyword" maxlength="50">
<label for="domain">领域</label><input type="text" id="domain" name="domain" maxlength="50">
<label for="unit">承办单位</label><input type="text" id="unit" name="unit" maxlength="100">
<label for="channel">渠道</label><select id="channel" name="channel"><option value="">（全部渠道）</option>${channelOptions}</select>
<label for="category">类别</label><select id="category" name="category"><option value="">（全部类别）</option>${categoryOptions}</select>
<button type="submit">申请专报</button></form></section>`;

  return `${reportsTabs('reports')}
${list}
<div class="grid">${special}${monthly}</div>`;
}
