/**
 * "Reports that write themselves": the 总体情况 paragraphs of a 月报 / 专报, written from the
 * figures alone. Pure and deterministic (no clock, no locale): the same document always reads
 * the same, so a regenerated report can be compared word for word.
 */
import type { CityStats, Count, ReportDocument, StatsFilter, UnitFigures } from '../../stats/domain/figures';
import {
  cityOnTimeRate,
  citySatisfactionRate,
  fmtDayZh,
  fmtInstantZh,
  fmtInt,
  fmtMonthZh,
  fmtNumber,
  fmtPercent,
  fmtPeriodZh,
  fmtScore,
  ratio,
} from './format';

/** The 审批结果 of a 通报批评 that was approved by a city leader. */
export const CRITICISM_APPROVED = '同意通报批评';
/** The 审批结果 of a 通报批评 proposal still waiting for a leader. */
export const CRITICISM_PENDING = 'pending';

/** The Chinese paragraphs of the report's 总体情况, from the figures of `doc` only. */
export function narrative(doc: ReportDocument): string[] {
  const paragraphs = [overview(doc)];
  if (doc.stats.received > 0) paragraphs.push(distribution(doc));
  paragraphs.push(handling(doc), units(doc), overdueAndCriticism(doc));
  return paragraphs.filter((p) => p.length > 0);
}

/**
 * What a 专报 is about, from its filter: 涉及“供暖”的、城乡建设领域… (empty for no filter).
 * Channel, category and domain keys are shown by their labels when `stats` lists them.
 */
export function topicOf(filter: StatsFilter, stats?: Pick<CityStats, 'byChannel' | 'byCategory' | 'byDomain'>): string {
  const parts: string[] = [];
  if (filter.keyword) parts.push(`涉及“${filter.keyword}”`);
  if (filter.domain) parts.push(`${labelOf(filter.domain, stats?.byDomain)}领域`);
  if (filter.category) parts.push(`${labelOf(filter.category, stats?.byCategory)}类`);
  if (filter.channel) parts.push(`来自${labelOf(filter.channel, stats?.byChannel)}`);
  if (filter.unit) parts.push(`转交${filter.unit}办理`);
  return parts.join('、');
}

/** The label of a key in a count list (the key itself when it is not listed). */
export function labelOf(key: string, counts: Count[] = []): string {
  return counts.find((c) => c.key === key)?.label ?? key;
}

/** "本月" in a 月报, "该专题" in a 专报: how later sentences refer to the cohort. */
function scope(doc: ReportDocument): string {
  return doc.kind === 'special' ? '该专题' : '本月';
}

/** Whether a period is exactly one calendar month (only then is a month-on-month comparison fair). */
export function isOneCalendarMonth(p: { from: string; to: string }): boolean {
  if (!p.from.endsWith('-01') || p.from.slice(0, 7) !== p.to.slice(0, 7)) return false;
  const [y, m] = p.from.split('-').map(Number);
  return Number(p.to.slice(8, 10)) === new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * The month-on-month comparison: the period's own month is the trend's last element, the month
 * before it the previous one. Says so when there is no previous month or it had no message.
 */
export function monthOnMonth(doc: ReportDocument): string {
  if (!isOneCalendarMonth(doc.period)) return '（统计期间不是一个完整自然月，不作环比）';
  const previous = doc.trend[doc.trend.length - 2];
  if (!previous) return '暂无上月数据可供比较';
  const current = doc.stats.received;
  const before = `（${fmtMonthZh(previous.month)}为${fmtInt(previous.received)}件）`;
  if (previous.received === 0) return current === 0 ? '与上月相同，均无留言' : '上月无留言';
  const change = (current - previous.received) / previous.received;
  if (current === previous.received) return `与上月持平${before}`;
  if (Math.abs(change) < 0.0005) return `与上月基本持平${before}`;
  const word = change > 0 ? '上升' : '下降';
  return `环比${word}${fmtPercent(Math.abs(change))}${before}`;
}

function overview(doc: ReportDocument): string {
  const s = doc.stats;
  const when = fmtPeriodZh(doc.period);
  const topic = doc.kind === 'special' ? topicOf(doc.filter, doc.stats) : '';
  const what = topic ? `${topic}的留言` : '留言';
  const asOf = fmtInstantZh(s.asOf);
  if (s.received === 0) {
    return `${when}，市长信箱未收到${what}，${monthOnMonth(doc)}。`;
  }
  const head = `${when}，市长信箱共收到${what}${fmtInt(s.received)}件，${monthOnMonth(doc)}。`;
  const flow =
    `其中受理${fmtInt(s.accepted)}件、转办${fmtInt(s.transferred)}件、不予受理${fmtInt(s.declined)}件、` +
    `告知其他受理渠道${fmtInt(s.referred)}件、并单${fmtInt(s.duplicates)}件；` +
    `截至${asOf}，已答复${fmtInt(s.replied)}件（答复率${fmtPercent(ratio(s.replied, s.received))}）、` +
    `办结${fmtInt(s.closed)}件、归档${fmtInt(s.archived)}件。`;
  return head + flow;
}

/** The counts with the largest count (ties share the top), largest first, original order kept. */
function leaders(counts: Count[]): Count[] {
  const max = Math.max(0, ...counts.map((c) => c.count));
  return max > 0 ? counts.filter((c) => c.count === max) : [];
}

function names(counts: Count[], quote: boolean): string {
  return counts.map((c) => (quote ? `“${c.label}”` : c.label)).join('、');
}

function share(count: number, total: number): string {
  return fmtPercent(ratio(count, total));
}

function topSentence(counts: Count[], total: number, lead: string, render: (who: string) => string): string {
  const top = leaders(counts);
  if (top.length === 0) return '';
  const first = top[0];
  const each = top.length > 1 ? '各' : '';
  const who = render(names(top.slice(0, 3), false) + (top.length > 3 ? `等${top.length}个` : ''));
  return `${lead}，${who}（${each}${fmtInt(first.count)}件，${each}占${share(first.count, total)}）`;
}

function runnerUp(counts: Count[], total: number, suffix = ''): string {
  const top = leaders(counts);
  if (top.length !== 1) return '';
  const rest = counts.filter((c) => c.count > 0 && c !== top[0]).sort((a, b) => b.count - a.count);
  const next = rest[0];
  return next ? `，其次是${next.label}${suffix}（${fmtInt(next.count)}件，占${share(next.count, total)}）` : '';
}

function distribution(doc: ReportDocument): string {
  const s = doc.stats;
  const total = s.received;
  const sentences: string[] = [];
  const channel = topSentence(s.byChannel, total, '从来信渠道看', (who) => `来自${who}的最多`);
  if (channel) sentences.push(channel + runnerUp(s.byChannel, total));
  const category = topSentence(s.byCategory, total, '从留言类别看', (who) => `${who}类最多`);
  if (category) sentences.push(category + runnerUp(s.byCategory, total, '类'));
  const domain = topSentence(s.byDomain, total, '从涉及领域看', (who) => `${who}方面最多`);
  if (domain) sentences.push(domain);
  const busiest = s.byDay.reduce<{ day: string; count: number } | null>((best, d) => (best === null || d.count > best.count ? d : best), null);
  if (busiest && busiest.count > 0 && s.byDay.length > 1) {
    sentences.push(`单日来信最多的是${fmtDayZh(busiest.day).replace(/^\d+年/, '')}（${fmtInt(busiest.count)}件）`);
  }
  return sentences.length ? `${sentences.join('；')}。` : '';
}

function handling(doc: ReportDocument): string {
  const s = doc.stats;
  const w = s.replyWorkdays;
  const who = scope(doc);
  const parts: string[] = [];
  if (w.replied > 0 && w.median !== null) {
    const p90 = w.p90 !== null ? `，90%的留言在${fmtNumber(w.p90)}个工作日内答复` : '';
    parts.push(`${who}已答复的${fmtInt(w.replied)}件留言，答复用时中位数为${fmtNumber(w.median)}个工作日${p90}`);
  } else {
    parts.push(`${who}暂无已答复的留言，答复用时无法统计`);
  }
  parts.push(`按时办结率${fmtPercent(cityOnTimeRate(doc.trend, doc.assessment.units), '无（无已反馈案件）')}`);
  const r = s.satisfaction;
  if (r.rated > 0) {
    parts.push(
      `留言人参与评价${fmtInt(r.rated)}件，其中满意${fmtInt(r.satisfied)}件、基本满意${fmtInt(r.basicallySatisfied)}件、` +
        `不满意${fmtInt(r.unsatisfied)}件，满意率${fmtPercent(citySatisfactionRate(s))}`,
    );
  } else {
    parts.push('暂无留言人评价，满意率无');
  }
  return `${parts.join('；')}。`;
}

function unitList(list: UnitFigures[]): string {
  return list.map((u) => u.unit).join('、');
}

function units(doc: ReportDocument): string {
  const list = doc.assessment.units;
  if (list.length === 0) return '本期无承办单位考核数据。';
  if (list.length === 1) {
    const only = list[0];
    return `本期仅${only.unit}一个承办单位参与考核，综合得分${fmtScore(only.score)}分，按时办结率${fmtPercent(only.onTimeRate)}。`;
  }
  const bestRank = Math.min(...list.map((u) => u.rank));
  const worstRank = Math.max(...list.map((u) => u.rank));
  const best = list.filter((u) => u.rank === bestRank);
  const worst = list.filter((u) => u.rank === worstRank);
  const head = `本期共有${fmtInt(list.length)}个承办单位参与考核`;
  if (bestRank === worstRank) return `${head}，各单位综合得分相同（${fmtScore(best[0].score)}分）。`;
  const top = `${unitList(best)}综合得分最高（${fmtScore(best[0].score)}分，按时办结率${fmtPercent(best[0].onTimeRate)}）`;
  const low = worst[0];
  const lowDetail = low.overdueOpen > 0 ? `，超期未反馈${fmtInt(low.overdueOpen)}件` : '';
  const bottom = `${unitList(worst)}得分最低（${fmtScore(low.score)}分，按时办结率${fmtPercent(low.onTimeRate)}${lowDetail}）`;
  return `${head}，${top}，${bottom}。`;
}

function overdueAndCriticism(doc: ReportDocument): string {
  const asOf = fmtInstantZh(doc.stats.asOf);
  const total = doc.overdueTotal ?? doc.overdue.length;
  let first: string;
  if (total === 0) {
    first = `截至${asOf}，无超期未办结留言`;
  } else {
    const byUnit = doc.overdueByUnit ?? [...doc.overdue.reduce((m, c) => m.set(c.unit, (m.get(c.unit) ?? 0) + 1), new Map<string, number>())].map(([unit, count]) => ({ unit, count }));
    const detail = [...byUnit]
      .sort((a, b) => b.count - a.count)
      .map(({ unit, count }) => `${unit}${fmtInt(count)}件`)
      .join('、');
    first = `截至${asOf}，超期未办结${fmtInt(total)}件（${detail}）`;
  }
  const approved = doc.criticised.filter((c) => c.decision === CRITICISM_APPROVED);
  const pending = doc.criticised.filter((c) => c.decision === CRITICISM_PENDING);
  let second: string;
  if (approved.length === 0) {
    second = '本期无经市政府领导同意的通报批评';
  } else {
    second = `经市政府领导同意通报批评${fmtInt(approved.length)}件（涉及${[...new Set(approved.map((c) => c.unit))].join('、')}）`;
  }
  const third = pending.length > 0 ? `，另有${fmtInt(pending.length)}件通报批评建议待审批` : '';
  return `${first}；${second}${third}。`;
}
