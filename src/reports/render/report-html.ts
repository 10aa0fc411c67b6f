/**
 * A report document as one self-contained, printable HTML5 page: inline style and SVG charts,
 * no script, no font or image to fetch. Laid out for A4 (headers of long tables repeat on every
 * page, big sections start on a new page). Every text taken from the document is escaped.
 */
import type {
  CityStats,
  Count,
  CriticisedCase,
  OverdueCase,
  ReportDocument,
  RepresentativeCase,
  StatsFilter,
  UnitFigures,
} from '../../stats/domain/figures';
import {
  cityOnTimeRate,
  citySatisfactionRate,
  escapeHtml,
  fmtDayShort,
  fmtInstantZh,
  fmtInt,
  fmtMonthZh,
  fmtNumber,
  fmtPercent,
  fmtPeriodZh,
  fmtScore,
  ratio,
  textWidth,
} from './format';
import { CRITICISM_APPROVED, CRITICISM_PENDING, labelOf, narrative, topicOf } from './narrative';
import { barChart, CHART_LABEL_FONT, columnChart, lineChart, PALETTE } from './svg-charts';

/** The note printed at the end of every report. */
export const REPORT_FOOTER_NOTE =
  '本报告由市长信箱集中受理平台根据案件办理记录自动生成，所有数据均可按案件时间线复核；报告不含留言人个人信息。';

/** The section headings, in order (tests and the table of contents rely on them). */
export const SECTION_HEADINGS = [
  '一、总体情况',
  '二、趋势',
  '三、来信分布',
  '四、承办单位考核',
  '五、超期及通报批评',
  '六、典型案例',
] as const;

const esc = escapeHtml;

/** Renders `doc` as a complete HTML5 document, ready for a browser's print-to-PDF. */
export function renderReportHtml(doc: ReportDocument): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(doc.title)}</title>`,
    `<style>${reportCss(doc.title)}</style>`,
    '</head>',
    `<body class="report report-${doc.kind === 'special' ? 'special' : 'monthly'}">`,
    titleBlock(doc),
    overviewSection(doc),
    trendSection(doc),
    distributionSection(doc),
    unitsSection(doc),
    overdueSection(doc),
    casesSection(doc),
    `<footer class="note"><p>${esc(REPORT_FOOTER_NOTE)}</p></footer>`,
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * A CSS string literal that cannot end the string or the `<style>` element: everything but
 * letters, digits and spaces becomes a CSS hex escape.
 */
export function cssString(text: string): string {
  let out = '';
  for (const ch of text) {
    out += /[\p{L}\p{N} ]/u.test(ch) ? ch : `\\${(ch.codePointAt(0) ?? 0).toString(16)} `;
  }
  return `"${out}"`;
}

function reportCss(title: string): string {
  return `
@page {
  size: A4;
  margin: 18mm 15mm;
  @top-right { content: ${cssString(title)}; font-size: 8pt; color: #888; }
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 8pt; color: #888; }
}
@page :first { @top-right { content: none; } }
* { box-sizing: border-box; }
html {
  font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif;
  font-size: 10.5pt;
  line-height: 1.65;
  color: #222;
  -webkit-print-color-adjust: exact;
  print-color-adjust: exact;
}
body { margin: 0; }
h1 { font-size: 20pt; text-align: center; margin: 8mm 0 2mm; color: #a11; letter-spacing: 1px; }
h2 { font-size: 14pt; margin: 7mm 0 3mm; padding-bottom: 1mm; border-bottom: 2px solid ${PALETTE[0]}; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2.5mm; text-align: justify; }
.overview p.narrative { text-indent: 2em; }
.page-break { break-before: page; }
.title-block { border-bottom: 3px double #a11; padding-bottom: 4mm; margin-bottom: 4mm; }
.title-block .subtitle { text-align: center; font-size: 12pt; margin-bottom: 4mm; }
.title-block dl { display: grid; grid-template-columns: 22mm 1fr; gap: 1mm 3mm; margin: 0 auto; width: 130mm; font-size: 9.5pt; }
.title-block dt { color: #555; }
.title-block dd { margin: 0; }
.figures { display: grid; grid-template-columns: repeat(6, 1fr); border: 1px solid #bbb; border-width: 1px 0 0 1px; margin: 4mm 0; break-inside: avoid; }
.figures div { border: 1px solid #bbb; border-width: 0 1px 1px 0; padding: 1.5mm 1mm; text-align: center; }
.figures .k { display: block; font-size: 8pt; color: #555; line-height: 1.3; }
.figures .v { display: block; font-size: 13pt; font-weight: bold; color: ${PALETTE[0]}; line-height: 1.4; white-space: nowrap; }
.figures .v small { font-size: 7.5pt; font-weight: normal; color: #555; margin-left: 0.5mm; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; margin: 2mm 0 4mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; vertical-align: top; }
th { background: #e9f0f8; font-weight: bold; text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c { text-align: center; }
td.nw { white-space: nowrap; }
table.ranking { font-size: 7.5pt; table-layout: fixed; }
table.ranking th, table.ranking td { padding: 0.8mm 0.6mm; }
table.ranking th { line-height: 1.25; }
table.ranking col.unit { width: 24mm; }
table.ranking col.rank { width: 7mm; }
.chart-box { margin: 2mm 0 5mm; break-inside: avoid; }
.chart-box svg { display: block; }
ul.formulas { margin: 0 0 4mm; padding-left: 5mm; font-size: 8.5pt; color: #333; }
ul.formulas li { margin: 0.5mm 0; }
.none { color: #555; }
.case { border: 1px solid #ccc; border-left: 3px solid ${PALETTE[0]}; padding: 2mm 3mm; margin: 0 0 4mm; }
.case h3 { margin-top: 0; }
.case .meta { font-size: 8.5pt; color: #444; margin: 0 0 1mm; text-indent: 0; }
.case .meta span { display: inline-block; margin-right: 4mm; white-space: nowrap; }
.case .meta b { font-weight: normal; color: #777; margin-right: 1mm; }
.case .label { font-weight: bold; color: #555; margin: 1.5mm 0 0.5mm; text-indent: 0; }
.case .text { white-space: pre-wrap; text-indent: 2em; }
.case .reply { background: #f4f7fb; padding: 1.5mm 2mm; text-indent: 2em; white-space: pre-wrap; }
footer.note { margin-top: 8mm; padding-top: 2mm; border-top: 1px solid #bbb; font-size: 8.5pt; color: #555; break-inside: avoid; }
`;
}

function filterLines(filter: StatsFilter, stats: CityStats): string {
  const rows: [string, string | undefined][] = [
    ['关键词', filter.keyword],
    ['领域', filter.domain && labelOf(filter.domain, stats.byDomain)],
    ['类别', filter.category && labelOf(filter.category, stats.byCategory)],
    ['渠道', filter.channel && labelOf(filter.channel, stats.byChannel)],
    ['承办单位', filter.unit],
  ];
  return rows
    .filter((r): r is [string, string] => typeof r[1] === 'string' && r[1].length > 0)
    .map(([k, v]) => `${k}：${v}`)
    .join('；');
}

function titleBlock(doc: ReportDocument): string {
  const meta: [string, string][] = [
    ['报告类型', doc.kind === 'special' ? '专报' : '月报'],
    ['统计期间', `${fmtPeriodZh(doc.period)}（${doc.period.from} 至 ${doc.period.to}）`],
  ];
  if (doc.kind === 'special') meta.push(['专报范围', topicOf(doc.filter, doc.stats) || '全部留言'], ['筛选条件', filterLines(doc.filter, doc.stats) || '无']);
  meta.push(['数据截至', fmtInstantZh(doc.stats.asOf)], ['生成时间', fmtInstantZh(doc.generatedAt)]);
  return (
    '<header class="title-block">' +
    `<h1>${esc(doc.title)}</h1>` +
    (doc.subtitle ? `<div class="subtitle">${esc(doc.subtitle)}</div>` : '') +
    `<dl>${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>` +
    '</header>'
  );
}

function figure(label: string, value: string, unit = ''): string {
  const u = unit ? `<small>${esc(unit)}</small>` : '';
  return `<div><span class="k">${esc(label)}</span><span class="v">${esc(value)}${u}</span></div>`;
}

function overviewSection(doc: ReportDocument): string {
  const s = doc.stats;
  const w = s.replyWorkdays;
  const cells = [
    figure('收到', fmtInt(s.received)),
    figure('受理', fmtInt(s.accepted)),
    figure('转办', fmtInt(s.transferred)),
    figure('答复', fmtInt(s.replied)),
    figure('办结', fmtInt(s.closed)),
    figure('归档', fmtInt(s.archived)),
    figure('不予受理', fmtInt(s.declined)),
    figure('告知', fmtInt(s.referred)),
    figure('并单', fmtInt(s.duplicates)),
    figure('答复用时中位数', fmtNumber(w.median), w.median === null ? '' : '工作日'),
    figure('答复用时P90', fmtNumber(w.p90), w.p90 === null ? '' : '工作日'),
    figure('满意率', fmtPercent(citySatisfactionRate(s))),
  ];
  const paragraphs = narrative(doc)
    .map((p) => `<p class="narrative">${esc(p)}</p>`)
    .join('');
  return `<section class="overview" id="overview"><h2>${SECTION_HEADINGS[0]}</h2>${paragraphs}<div class="figures">${cells.join('')}</div></section>`;
}

/** A table with a repeating header row; cells are escaped here, numbers right-aligned. */
interface Column<T> {
  head: string;
  cell: (row: T, index: number) => string;
  num?: boolean;
  center?: boolean;
  /** Keep on one line (case numbers, dates). */
  nowrap?: boolean;
}

function table<T>(cls: string, columns: Column<T>[], rows: T[], colgroup = ''): string {
  const head = `<thead><tr>${columns.map((c) => `<th>${esc(c.head)}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map((row, i) => {
      const tds = columns.map((c) => {
        const classes = [c.num ? 'num' : c.center ? 'c' : '', c.nowrap ? 'nw' : ''].filter(Boolean).join(' ');
        const attr = classes ? ` class="${classes}"` : '';
        return `<td${attr}>${esc(c.cell(row, i))}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('');
  return `<table class="${esc(cls)}">${colgroup}${head}<tbody>${body}</tbody></table>`;
}

function chartBox(svg: string): string {
  return `<div class="chart-box">${svg}</div>`;
}

function none(text = '无'): string {
  return `<p class="none">${esc(text)}</p>`;
}

function trendSection(doc: ReportDocument): string {
  const rows = doc.trend.map((t, i) => ({ ...t, previous: i > 0 ? doc.trend[i - 1].received : null }));
  const body =
    rows.length === 0
      ? none()
      : table(
          'trend',
          [
            { head: '月份', cell: (r) => fmtMonthZh(r.month), center: true },
            { head: '收到（件）', cell: (r) => fmtInt(r.received), num: true },
            { head: '答复（件）', cell: (r) => fmtInt(r.replied), num: true },
            { head: '答复率', cell: (r) => fmtPercent(ratio(r.replied, r.received)), num: true },
            { head: '按时办结率', cell: (r) => fmtPercent(r.onTimeRate), num: true },
            { head: '收到环比', cell: (r) => change(r.received, r.previous), num: true },
          ],
          rows,
        );
  const chart = lineChart(
    [
      { name: '收到', points: doc.trend.map((t) => ({ label: fmtMonthZh(t.month), value: t.received })) },
      { name: '答复', points: doc.trend.map((t) => ({ label: fmtMonthZh(t.month), value: t.replied })) },
    ],
    { title: '近期各月收到与答复留言数（件）' },
  );
  return `<section class="trend page-break" id="trend"><h2>${SECTION_HEADINGS[1]}</h2>${body}${chartBox(chart)}</section>`;
}

function change(current: number, previous: number | null): string {
  if (previous === null) return '—';
  if (previous === 0) return current === 0 ? '0.0%' : '上月无留言';
  const c = (current - previous) / previous;
  return `${c > 0 ? '+' : c < 0 ? '−' : ''}${fmtPercent(Math.abs(c))}`;
}

function sortedCounts(counts: Count[]): Count[] {
  return counts.map((c, i) => ({ c, i })).sort((a, b) => b.c.count - a.c.count || a.i - b.i).map((x) => x.c);
}

function countBars(counts: Count[], total: number, title: string, color: string, labelWidth: number): string {
  return barChart(
    sortedCounts(counts).map((c) => ({ label: c.label, value: c.count })),
    { title, color, labelWidth, valueFormat: (v) => `${fmtInt(v)}件（${fmtPercent(ratio(v, total))}）` },
  );
}

/** One label column for the distribution charts, so their bars start at the same x. */
function sharedLabelWidth(lists: Count[][]): number {
  const widest = Math.max(0, ...lists.flat().map((c) => textWidth(c.label, CHART_LABEL_FONT)));
  return Math.min(widest, 680 * 0.35);
}

function distributionSection(doc: ReportDocument): string {
  const s = doc.stats;
  const labels = sharedLabelWidth([s.byChannel, s.byCategory, s.byDomain]);
  const days = columnChart(
    s.byDay.map((d) => ({ label: fmtDayShort(d.day), value: d.count })),
    { title: '每日收到留言数（件）', valueFormat: (v) => `${fmtInt(v)}件` },
  );
  return (
    `<section class="distribution" id="distribution"><h2>${SECTION_HEADINGS[2]}</h2>` +
    chartBox(days) +
    chartBox(countBars(s.byChannel, s.received, '按来信渠道', PALETTE[0], labels)) +
    chartBox(countBars(s.byCategory, s.received, '按留言类别', PALETTE[1], labels)) +
    chartBox(countBars(s.byDomain, s.received, '按涉及领域', PALETTE[2], labels)) +
    '</section>'
  );
}

function unitColumns(): Column<UnitFigures>[] {
  return [
    { head: '排名', cell: (u) => String(u.rank), center: true },
    { head: '承办单位', cell: (u) => u.unit },
    { head: '转办', cell: (u) => fmtInt(u.transferred), num: true },
    { head: '退回', cell: (u) => fmtInt(u.returned), num: true },
    { head: '应办', cell: (u) => fmtInt(u.due), num: true },
    { head: '已反馈', cell: (u) => fmtInt(u.finished), num: true },
    { head: '按时', cell: (u) => fmtInt(u.onTime), num: true },
    { head: '超期未反馈', cell: (u) => fmtInt(u.overdueOpen), num: true },
    { head: '办理率', cell: (u) => fmtPercent(u.handlingRate), num: true },
    { head: '按时办结率', cell: (u) => fmtPercent(u.onTimeRate), num: true },
    { head: '回复率', cell: (u) => fmtPercent(u.replyRate), num: true },
    { head: '满意率', cell: (u) => fmtPercent(u.satisfactionRate), num: true },
    { head: '延期申请/批准', cell: (u) => `${fmtInt(u.extensionsRequested)}/${fmtInt(u.extensionsApproved)}`, center: true },
    { head: '催办', cell: (u) => fmtInt(u.reminders), num: true },
    { head: '催办通知书', cell: (u) => fmtInt(u.reminderNotices), num: true },
    { head: '通报批评', cell: (u) => fmtInt(u.criticisms), num: true },
    { head: '得分', cell: (u) => fmtScore(u.score), num: true },
  ];
}

function byRank(units: UnitFigures[]): UnitFigures[] {
  return units.map((u, i) => ({ u, i })).sort((a, b) => a.u.rank - b.u.rank || a.i - b.i).map((x) => x.u);
}

function unitsSection(doc: ReportDocument): string {
  const a = doc.assessment;
  const units = byRank(a.units);
  const colgroup = `<colgroup><col class="rank"><col class="unit">${'<col>'.repeat(15)}</colgroup>`;
  const ranking = units.length === 0 ? none('本期无承办单位考核数据') : table('ranking', unitColumns(), units, colgroup);
  const formulas =
    a.formulas.length === 0
      ? ''
      : `<h3>指标说明</h3><ul class="formulas">${a.formulas.map((f) => `<li>${esc(`${f.label}：${f.formula}`)}</li>`).join('')}</ul>`;
  const scores = barChart(
    units.map((u) => ({ label: u.unit, value: u.score })),
    { title: '承办单位综合得分', max: 100, color: PALETTE[4], valueFormat: (v) => `${fmtScore(v)}分` },
  );
  return (
    `<section class="units page-break" id="units"><h2>${SECTION_HEADINGS[3]}</h2>` +
    `<p>考核期间：${esc(fmtPeriodZh(a.period))}，数据截至${esc(fmtInstantZh(a.asOf))}。比率分母为 0 时记为“—”。</p>` +
    ranking +
    formulas +
    chartBox(scores) +
    '</section>'
  );
}

function decisionLabel(decision: string): string {
  if (decision === CRITICISM_PENDING) return '待审批';
  return decision;
}

function overdueSection(doc: ReportDocument): string {
  const overdue =
    doc.overdue.length === 0
      ? none()
      : table<OverdueCase>(
          'overdue',
          [
            { head: '序号', cell: (_c, i) => String(i + 1), center: true },
            { head: '案件编号', cell: (c) => c.caseNo, nowrap: true },
            { head: '标题', cell: (c) => c.title },
            { head: '承办单位', cell: (c) => c.unit },
            { head: '办理时限', cell: (c) => c.deadline, center: true, nowrap: true },
            { head: '超期工作日', cell: (c) => fmtInt(c.workdaysOverdue), num: true },
            { head: '催办', cell: (c) => fmtInt(c.reminders), num: true },
            { head: '催办通知书', cell: (c) => (c.reminderNotice ? '已发' : '未发'), center: true },
          ],
          doc.overdue,
        );
  const approved = doc.criticised.filter((c) => c.decision === CRITICISM_APPROVED).length;
  const criticised =
    doc.criticised.length === 0
      ? none()
      : table<CriticisedCase>(
          'criticised',
          [
            { head: '序号', cell: (_c, i) => String(i + 1), center: true },
            { head: '案件编号', cell: (c) => c.caseNo, nowrap: true },
            { head: '承办单位', cell: (c) => c.unit },
            { head: '文号', cell: (c) => c.docNo, nowrap: true },
            { head: '审批结果', cell: (c) => decisionLabel(c.decision), center: true },
            { head: '时间', cell: (c) => fmtInstantZh(c.at), center: true },
          ],
          doc.criticised,
        );
  return (
    `<section class="overdue" id="overdue"><h2>${SECTION_HEADINGS[4]}</h2>` +
    `<h3>（一）超期未办结（${esc(fmtInt(doc.overdueTotal ?? doc.overdue.length))}件${(doc.overdueTotal ?? 0) > doc.overdue.length ? `，下表列出超期最久的${esc(fmtInt(doc.overdue.length))}件` : ''}）</h3>${overdue}` +
    `<h3>（二）通报批评（经同意${esc(fmtInt(approved))}件）</h3>${criticised}` +
    '</section>'
  );
}

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function ordinal(i: number): string {
  return ORDINALS[i] ?? String(i + 1);
}

function caseBlock(c: RepresentativeCase, i: number): string {
  const fields: [string, string][] = [
    ['案件编号', c.caseNo],
    ['来信渠道', c.channelLabel],
    ['类别', c.category ?? '—'],
    ['承办单位', c.unit ?? '—'],
    ['办理状态', c.statusLabel],
  ];
  const meta = `<p class="meta">${fields.map(([k, v]) => `<span><b>${esc(k)}</b>${esc(v)}</span>`).join('')}</p>`;
  const reply = c.reply ? `<p class="reply">${esc(c.reply)}</p>` : none('尚未答复');
  return (
    '<article class="case">' +
    `<h3>（${ordinal(i)}）${esc(c.title)}</h3>` +
    meta +
    `<p class="label">留言内容</p><p class="text">${esc(c.content)}</p>` +
    `<p class="label">答复</p>${reply}` +
    '</article>'
  );
}

function casesSection(doc: ReportDocument): string {
  const body = doc.representative.length === 0 ? none() : doc.representative.map(caseBlock).join('');
  return `<section class="cases page-break" id="cases"><h2>${SECTION_HEADINGS[5]}</h2>${body}</section>`;
}
