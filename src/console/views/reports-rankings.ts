/**
 * 报告与考核 › 承办单位考核排名: the city's headline figures of a period, the unit assessment with
 * every rate shown as its fraction and every figure's formula beside the table, the overdue and
 * the criticised lists. Pure rendering; every value is escaped.
 */
import { redactText } from '../../crypto/masking';
import { fmtDayZh, fmtNumber, fmtPercent, fmtPeriodZh, fmtScore } from '../../reports/render/format';
import { Assessment, CityStats, CriticisedCase, Formula, OverdueCase, Period, UnitFigures } from '../../stats/domain/figures';
import { esc, table } from '../layout';
import { reportsTabs } from './reports-list';

export interface RankingsView {
  period: Period;
  /** The period as typed, when it could not be used. */
  asked: { from: string; to: string };
  error?: string;
  figures?: { city: CityStats; assessment: Assessment; overdue: OverdueCase[]; criticised: CriticisedCase[] };
  caseHref: (caseNo: string) => string;
}

/** A rate with the fraction it is made of: "71.4%" over "5 ÷ 7". */
function rate(value: number | null, part: number, whole: number): string {
  return `${esc(fmtPercent(value))}<br><span class="muted">${esc(part)} ÷ ${esc(whole)}</span>`;
}

/** A column header that points to the formula of its figure. */
function head(label: string, formulaKey?: string): string {
  return formulaKey ? `${label}（式 ${formulaKey}）` : label;
}

/** Formulas are numbered in the order the assessment states them. */
function formulaNumbers(formulas: Formula[]): Map<string, number> {
  return new Map(formulas.map((f, i) => [f.key, i + 1]));
}

function unitRow(u: UnitFigures): string[] {
  return [
    esc(u.rank),
    esc(u.unit),
    esc(u.transferred),
    esc(u.returned),
    esc(u.due),
    esc(u.finished),
    esc(u.onTime),
    esc(u.overdueOpen),
    esc(u.replied),
    rate(u.handlingRate, u.finished, u.due),
    rate(u.onTimeRate, u.onTime, u.finished + u.overdueOpen),
    rate(u.replyRate, u.replied, u.due),
    rate(u.satisfactionRate, u.satisfied, u.rated),
    `${esc(u.extensionsRequested)} / ${esc(u.extensionsApproved)}`,
    esc(u.reminders),
    esc(u.reminderNotices),
    `${esc(u.criticismsProposed)} / ${esc(u.criticisms)}`,
    esc(u.supervisionReferrals),
    `<strong>${esc(fmtScore(u.score))}</strong>`,
  ];
}

function cityCard(s: CityStats): string {
  const item = (label: string, value: string) => `<dt>${esc(label)}</dt><dd>${esc(value)}</dd>`;
  const sat = s.satisfaction;
  const satRate = sat.rated ? (sat.satisfied + sat.basicallySatisfied) / sat.rated : null;
  const rw = s.replyWorkdays;
  return `<section class="card"><h2>全市概况</h2>
<p class="hint">本期收到的留言，及其截至期末的办理情况。</p>
<dl class="kv">
${item('收到留言', `${s.received} 件`)}
${item('受理', `${s.accepted} 件`)}
${item('不予受理', `${s.declined} 件`)}
${item('告知其他渠道', `${s.referred} 件`)}
${item('转办', `${s.transferred} 件`)}
${item('已答复', `${s.replied} 件（答复率 ${fmtPercent(s.received ? s.replied / s.received : null)}，${s.replied} ÷ ${s.received}）`)}
${item('办结', `${s.closed} 件`)}
${item('归档', `${s.archived} 件`)}
${item('并单（重复留言）', `${s.duplicates} 件`)}
${item('答复用时（工作日）', `中位数 ${fmtNumber(rw.median)}，90% 分位 ${fmtNumber(rw.p90)}，平均 ${fmtNumber(rw.mean, 2)}（自收到之日起至首次答复）`)}
${item('满意率', `${fmtPercent(satRate)}（满意 ${sat.satisfied} + 基本满意 ${sat.basicallySatisfied}）÷ 参评 ${sat.rated}；不满意 ${sat.unsatisfied}`)}
</dl></section>`;
}

export function renderRankings(v: RankingsView): string {
  const q = `from=${encodeURIComponent(v.period.from)}&to=${encodeURIComponent(v.period.to)}`;
  const form = `<section class="card"><h2>统计期间</h2>
<form method="get" action="/console/rankings" style="display:flex;gap:12px;flex-wrap:wrap;align-items:flex-end">
<div><label for="from">开始日期</label><input type="date" id="from" name="from" required value="${esc(v.asked.from)}"></div>
<div><label for="to">结束日期</label><input type="date" id="to" name="to" required value="${esc(v.asked.to)}"></div>
<div><button type="submit">查询</button></div></form>
${v.error ? `<p class="flash error" role="alert">${esc(v.error)}</p>` : ''}</section>`;
  if (!v.figures) return `${reportsTabs('rankings')}${form}`;

  const { city, assessment, overdue, criticised } = v.figures;
  const n = formulaNumbers(assessment.formulas);
  const ref = (key: string) => (n.has(key) ? String(n.get(key)) : undefined);
  const headers = [
    head('排名', ref('rank')), '承办单位', head('转办', ref('transferred')), '退回', head('应办', ref('due')), '已反馈', '按时反馈', '超期未反馈', '已答复',
    head('办理率', ref('handlingRate')), head('按时办结率', ref('onTimeRate')), head('回复率', ref('replyRate')), head('满意率', ref('satisfactionRate')),
    head('延期 申请/批准', ref('acts')), head('催办', ref('acts')), head('催办通知书', ref('acts')), head('通报批评 建议/批准', ref('acts')), '转交督查室',
    head('综合得分', ref('score')),
  ];
  const formulas = `<h3 id="formulas">计算公式</h3><ol class="formulas">${assessment.formulas
    .map((f) => `<li id="f-${esc(f.key)}"><strong>${esc(f.label)}</strong>：${esc(f.formula)}</li>`)
    .join('')}</ol>`;
  const ranking = `<section class="card"><h2>承办单位考核排名（${esc(fmtPeriodZh(v.period))}）</h2>
<p class="hint">转办至应办为本期开始的办理任务截至期末的情况；延期、催办、通报批评按发生日期计入本期。比率下方为其分子 ÷ 分母，“—”表示分母为 0（不计入综合得分）。表头“式 N”对应下方第 N 条公式。</p>
<p><a class="button secondary" href="${esc(`/console/rankings.csv?${q}`)}">下载 CSV</a> <a class="button secondary" href="${esc(`/console/rankings.xlsx?${q}`)}">下载 Excel</a></p>
${table('承办单位考核', headers, [...assessment.units].sort((a, b) => a.rank - b.rank || a.unit.localeCompare(b.unit)).map(unitRow), '本期没有转办给承办单位的留言')}
${formulas}</section>`;

  const overdueRows = overdue.map((o) => [
    `<a href="${esc(v.caseHref(o.caseNo))}">${esc(o.caseNo)}</a>`,
    esc(redactText(o.title)),
    esc(o.unit),
    esc(fmtDayZh(o.deadline)),
    esc(o.workdaysOverdue),
    esc(o.reminders),
    o.reminderNotice ? '已发' : '未发',
  ]);
  const overdueCard = `<section class="card"><h2>超期未反馈</h2>
<p class="hint">截至期末已过办理时限仍未反馈的案件（含期前 90 天内转办、仍未办结的）；超期天数按工作日计算。</p>
${table('超期未反馈案件', ['案件编号', '标题', '承办单位', '办理时限', '超期（工作日）', '催办次数', '催办通知书'], overdueRows, '无')}</section>`;

  const criticisedRows = criticised.map((c) => [
    `<a href="${esc(v.caseHref(c.caseNo))}">${esc(c.caseNo)}</a>`,
    esc(c.unit),
    esc(c.docNo),
    esc(c.decision === 'pending' ? '待领导批示' : c.decision),
    esc(c.at.slice(0, 10)),
  ]);
  const criticisedCard = `<section class="card"><h2>通报批评</h2>
${table('本期的通报批评建议及批示', ['案件编号', '承办单位', '文书编号', '批示', '日期'], criticisedRows, '无')}
<p><a href="/console/criticisms">查看和批示通报批评建议</a></p></section>`;

  return `${reportsTabs('rankings')}${form}${cityCard(city)}${ranking}${overdueCard}${criticisedCard}`;
}
