/** The printable report: structure, print CSS, escaping and self-containment. */
import type { ReportDocument } from '../../stats/domain/figures';
import { escapeHtml, fmtScore } from './format';
import { narrative } from './narrative';
import { cssString, REPORT_FOOTER_NOTE, renderReportHtml, SECTION_HEADINGS } from './report-html';
import { sampleReport } from './sample-report';

const NASTY = '<script>alert("x")</script> & \'q\'';
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;';

/** A document with hostile text in every field a citizen, an admin or a unit could write. */
function hostile(): ReportDocument {
  const base = sampleReport();
  const [first, ...units] = base.assessment.units;
  return {
    ...base,
    title: `${NASTY}</style></title>月报`,
    subtitle: NASTY,
    stats: {
      ...base.stats,
      byChannel: [{ key: 'x', label: `渠道${NASTY}`, count: base.stats.received }],
      byCategory: [{ key: 'y', label: `类别${NASTY}`, count: base.stats.received }],
      byDomain: [{ key: 'z', label: `领域${NASTY}`, count: base.stats.received }],
    },
    assessment: {
      ...base.assessment,
      units: [{ ...first, unit: `单位${NASTY}` }, ...units],
      formulas: [{ key: 'k', label: `公式${NASTY}`, formula: `a < b & c > d "${NASTY}"` }],
    },
    overdue: [{ ...base.overdue[0], title: `超期${NASTY}`, unit: `超期单位${NASTY}`, caseNo: NASTY }],
    criticised: [{ ...base.criticised[0], docNo: `文号${NASTY}`, unit: NASTY, decision: NASTY }],
    representative: [
      { ...base.representative[0], title: `案例${NASTY}`, content: `内容${NASTY}\n第二行`, reply: `答复${NASTY}`, channelLabel: NASTY, category: NASTY, unit: NASTY, statusLabel: NASTY },
    ],
  };
}

describe('renderReportHtml on the sample 月报', () => {
  const doc = sampleReport();
  const html = renderReportHtml(doc);

  test('is one HTML5 document in Chinese, UTF-8, with the title', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`<title>${doc.title}</title>`);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  test('prints on A4 with the Chinese font first, page breaks and repeated table headers', () => {
    expect(html).toMatch(/@page \{\s*size: A4;\s*margin: 18mm 15mm;/);
    expect(html).toMatch(/font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif;/);
    expect(html).toContain('.page-break { break-before: page; }');
    expect(html).toContain('thead { display: table-header-group; }');
    expect((html.match(/class="[^"]*page-break/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  test('has every section heading, in order', () => {
    const positions = SECTION_HEADINGS.map((h) => html.indexOf(`<h2>${h}</h2>`));
    positions.forEach((p) => expect(p).toBeGreaterThan(0));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('has the title block: subtitle, period, 数据截至 and generation time', () => {
    expect(html).toContain(doc.subtitle);
    expect(html).toContain('<dt>统计期间</dt><dd>2026年10月（2026-10-01 至 2026-10-31）</dd>');
    expect(html).toContain('<dt>数据截至</dt><dd>2026年10月31日 24:00</dd>');
    expect(html).toContain('<dt>生成时间</dt><dd>2026年11月2日 09:30</dd>');
  });

  test('includes the narrative and the headline figures', () => {
    for (const p of narrative(doc)) expect(html).toContain(`<p class="narrative">${escapeHtml(p)}</p>`);
    for (const label of ['收到', '受理', '转办', '答复', '办结', '归档', '不予受理', '告知', '并单', '答复用时中位数', '答复用时P90', '满意率']) {
      expect(html).toContain(`<span class="k">${label}</span>`);
    }
    expect(html).toContain('<span class="k">收到</span><span class="v">1,260</span>');
  });

  test('has a trend row per month', () => {
    for (const t of doc.trend) expect(html).toContain(`<td class="c">${Number(t.month.slice(0, 4))}年${Number(t.month.slice(5))}月</td>`);
  });

  test('has a ranking row per unit, rank first and score last, and every formula', () => {
    for (const u of doc.assessment.units) {
      expect(html).toMatch(new RegExp(`<tr><td class="c">${u.rank}</td><td>${u.unit}</td>.*?<td class="num">${fmtScore(u.score).replace('.', '\\.')}</td></tr>`));
    }
    for (const f of doc.assessment.formulas) expect(html).toContain(`<li>${escapeHtml(`${f.label}：${f.formula}`)}</li>`);
    expect(html).toContain('<th>延期申请/批准</th>');
    expect(html).toContain('<th>催办通知书</th>');
  });

  test('draws the charts: trend, days, channel, category, domain, scores', () => {
    expect(html.match(/<svg class="chart chart-(\w+)"/g)).toEqual([
      '<svg class="chart chart-line"',
      '<svg class="chart chart-column"',
      '<svg class="chart chart-bar"',
      '<svg class="chart chart-bar"',
      '<svg class="chart chart-bar"',
      '<svg class="chart chart-bar"',
    ]);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(
      doc.stats.byDay.length + doc.stats.byChannel.length + doc.stats.byCategory.length + doc.stats.byDomain.length + doc.assessment.units.length,
    );
  });

  test('lists the overdue and criticised cases and the representative cases', () => {
    for (const c of doc.overdue) expect(html).toContain(`<td class="nw">${c.caseNo}</td><td>${c.title}</td><td>${c.unit}</td>`);
    for (const c of doc.criticised) expect(html).toContain(`<td class="nw">${c.caseNo}</td>`);
    expect(html).toContain('<td class="c">待审批</td>');
    for (const c of doc.representative) {
      expect(html).toContain(c.title);
      expect(html).toContain(c.content);
      expect(html).toContain(c.caseNo);
    }
    expect(html).toContain('尚未答复'); // the third case has no reply yet
  });

  test('ends with the footer note', () => {
    expect(html).toContain(`<footer class="note"><p>${REPORT_FOOTER_NOTE}</p></footer>`);
  });

  test('is self-contained: no script, no remote resource', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|<link|<img|<iframe|<object/i);
  });
});

describe('escaping', () => {
  const html = renderReportHtml(hostile());

  test('no injected markup survives', () => {
    expect(html).not.toMatch(/<script/i);
    expect((html.match(/<\/style>/g) ?? []).length).toBe(1);
    expect(html).toContain(`<title>${ESCAPED}&lt;/style&gt;&lt;/title&gt;月报</title>`);
    expect(html).not.toContain(NASTY);
  });

  test.each([
    ['title', `<h1>${ESCAPED}&lt;/style&gt;&lt;/title&gt;月报</h1>`],
    ['subtitle', `<div class="subtitle">${ESCAPED}</div>`],
    ['unit name', `<td>单位${ESCAPED}</td>`],
    ['formula', `<li>公式${ESCAPED}：a &lt; b &amp; c &gt; d &quot;${ESCAPED}&quot;</li>`],
    ['channel label in the chart', `渠道${ESCAPED}`],
    ['overdue title', `<td>超期${ESCAPED}</td>`],
    ['criticism doc no', `<td class="nw">文号${ESCAPED}</td>`],
    ['case title', `案例${ESCAPED}</h3>`],
    ['case content', `<p class="text">内容${ESCAPED}\n第二行</p>`],
    ['case reply', `<p class="reply">答复${ESCAPED}</p>`],
  ])('%s', (_what, expected) => {
    expect(html).toContain(expected);
  });

  test('the running header (CSS) cannot break out of its string or the style element', () => {
    const css = cssString('a"b\\c</style>\n运城');
    expect(css).toBe('"a\\22 b\\5c c\\3c \\2f style\\3e \\a 运城"');
    expect(css.slice(1, -1)).not.toMatch(/["<\n]/);
  });
});

describe('edge cases', () => {
  test('empty lists say 无 and empty charts say 无数据', () => {
    const base = sampleReport();
    const html = renderReportHtml({
      ...base,
      stats: { ...base.stats, byChannel: [], byDay: [] },
      trend: [],
      overdue: [],
      overdueTotal: 0,
      overdueByUnit: [],
      criticised: [],
      representative: [],
    });
    expect(html).toContain('（一）超期未办结（0件）</h3><p class="none">无</p>');
    expect(html).toContain('（二）通报批评（经同意0件）</h3><p class="none">无</p>');
    expect(html).toMatch(/六、典型案例<\/h2><p class="none">无<\/p>/);
    expect((html.match(/无数据/g) ?? []).length).toBe(3); // trend, days, channels
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  test('a 专报 shows its scope and the filter', () => {
    const base = sampleReport();
    const filter = { keyword: '供暖', channel: 'mailbox' };
    const html = renderReportHtml({ ...base, kind: 'special', filter, stats: { ...base.stats, filter } });
    expect(html).toContain('<dt>报告类型</dt><dd>专报</dd>');
    expect(html).toContain('<dt>专报范围</dt><dd>涉及“供暖”、来自市长信箱</dd>');
    expect(html).toContain('<dt>筛选条件</dt><dd>关键词：供暖；渠道：市长信箱</dd>');
    expect(html).toContain('共收到涉及“供暖”、来自市长信箱的留言');
  });

  test('null rates in the ranking are written as —', () => {
    const base = sampleReport();
    const unit = { ...base.assessment.units[0], handlingRate: null, onTimeRate: null, replyRate: null, satisfactionRate: null };
    const html = renderReportHtml({ ...base, assessment: { ...base.assessment, units: [unit] } });
    expect(html).toContain('<td class="num">—</td><td class="num">—</td><td class="num">—</td><td class="num">—</td>');
  });

  test('the same document renders to the same HTML', () => {
    expect(renderReportHtml(sampleReport())).toBe(renderReportHtml(sampleReport()));
  });
});
