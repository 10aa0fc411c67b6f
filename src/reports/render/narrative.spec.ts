/** The self-writing paragraphs: the right numbers, the right comparison words, no NaN. */
import type { MonthTrend, ReportDocument, UnitFigures } from '../../stats/domain/figures';
import { fmtInstantZh, fmtInt, fmtNumber, fmtPercent, fmtPeriodZh, fmtScore } from './format';
import { monthOnMonth, narrative, topicOf } from './narrative';
import { sampleReport } from './sample-report';

/** The sample with `received` this month and `previous` (or no previous month when null). */
function withMonths(received: number, previous: number | null, overrides: Partial<ReportDocument> = {}): ReportDocument {
  const base = sampleReport(overrides);
  const own: MonthTrend = { month: '2026-10', received, replied: 0, onTimeRate: 0.9 };
  const trend = previous === null ? [own] : [{ month: '2026-09', received: previous, replied: 0, onTimeRate: 0.8 }, own];
  return { ...base, stats: { ...base.stats, received }, trend };
}

function text(doc: ReportDocument): string {
  return narrative(doc).join('\n');
}

describe('format helpers', () => {
  test.each<[number, string]>([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-4321, '-4,321'],
  ])('fmtInt(%p) = %p', (n, s) => expect(fmtInt(n)).toBe(s));

  test.each<[number | null, string]>([
    [0.1234, '12.3%'],
    [0.12345, '12.3%'],
    [0.12355, '12.4%'],
    [1, '100.0%'],
    [0, '0.0%'],
    [12.5, '1,250.0%'],
    [null, '—'],
  ])('fmtPercent(%p) = %p', (r, s) => expect(fmtPercent(r)).toBe(s));

  test('numbers and scores drop trailing zeros', () => {
    expect(fmtNumber(4)).toBe('4');
    expect(fmtNumber(9.5)).toBe('9.5');
    expect(fmtNumber(null)).toBe('—');
    expect(fmtScore(96.4)).toBe('96.4');
    expect(fmtScore(90)).toBe('90');
  });

  test('periods and instants in Chinese, Beijing time', () => {
    expect(fmtPeriodZh({ from: '2026-10-01', to: '2026-10-31' })).toBe('2026年10月');
    expect(fmtPeriodZh({ from: '2026-02-01', to: '2026-02-28' })).toBe('2026年2月');
    expect(fmtPeriodZh({ from: '2026-10-01', to: '2026-10-15' })).toBe('2026年10月1日至10月15日');
    expect(fmtPeriodZh({ from: '2026-12-20', to: '2027-01-10' })).toBe('2026年12月20日至2027年1月10日');
    expect(fmtInstantZh('2026-10-31T16:00:00.000Z')).toBe('2026年10月31日 24:00');
    expect(fmtInstantZh('2026-11-02T01:30:00.000Z')).toBe('2026年11月2日 09:30');
  });
});

describe('narrative of the sample 月报', () => {
  const doc = sampleReport();
  const paragraphs = narrative(doc);
  const all = paragraphs.join('\n');

  test('opens with the month, the total and the month-on-month change', () => {
    const prev = doc.trend[doc.trend.length - 2].received;
    const change = (doc.stats.received - prev) / prev;
    expect(paragraphs[0]).toContain(`2026年10月，市长信箱共收到留言${fmtInt(doc.stats.received)}件`);
    expect(paragraphs[0]).toContain(`环比上升${fmtPercent(change)}（2026年9月为${fmtInt(prev)}件）`);
    expect(doc.stats.received).toBeGreaterThan(999); // so the separator is exercised
    expect(paragraphs[0]).toMatch(/\d,\d{3}件/);
  });

  test('names the top channel and category with count and share', () => {
    const top = [...doc.stats.byChannel].sort((a, b) => b.count - a.count)[0];
    expect(all).toContain(`来自${top.label}的最多（${fmtInt(top.count)}件，占${fmtPercent(top.count / doc.stats.received)}）`);
    const cat = [...doc.stats.byCategory].sort((a, b) => b.count - a.count)[0];
    expect(all).toContain(`${cat.label}类最多（${fmtInt(cat.count)}件`);
  });

  test('gives the reply time, on-time and satisfaction rates', () => {
    const s = doc.stats.satisfaction;
    expect(all).toContain('答复用时中位数为4个工作日');
    expect(all).toContain('90%的留言在9.5个工作日内答复');
    // The city's 按时办结率 is the units' formula over all units: Σ按时 ÷ Σ(已反馈 + 超期未反馈).
    const u = doc.assessment.units;
    const rate = u.reduce((n, x) => n + x.onTime, 0) / u.reduce((n, x) => n + x.finished + x.overdueOpen, 0);
    expect(all).toContain(`按时办结率${fmtPercent(rate)}`);
    expect(all).toContain(`满意率${fmtPercent((s.satisfied + s.basicallySatisfied) / s.rated)}`);
  });

  test('names the best and the worst ranked units', () => {
    const units = [...doc.assessment.units].sort((a, b) => a.rank - b.rank);
    const best = units[0];
    const worst = units[units.length - 1];
    expect(all).toContain(`${best.unit}综合得分最高（${fmtScore(best.score)}分`);
    expect(all).toContain(`${worst.unit}得分最低（${fmtScore(worst.score)}分`);
    expect(all).toContain(`超期未反馈${worst.overdueOpen}件`);
  });

  test('counts the overdue cases and the approved 通报批评', () => {
    expect(all).toContain(`超期未办结${doc.overdue.length}件`);
    expect(all).toContain('盐湖区政府2件');
    const approved = doc.criticised.filter((c) => c.decision === '同意通报批评').length;
    expect(all).toContain(`同意通报批评${approved}件（涉及盐湖区政府）`);
    expect(all).toContain('另有1件通报批评建议待审批');
  });

  test('says 本月, is deterministic and ignores the clock', () => {
    expect(all).toContain('本月');
    jest.useFakeTimers({ now: new Date('2031-01-01T00:00:00Z') });
    try {
      expect(narrative(sampleReport())).toEqual(paragraphs);
    } finally {
      jest.useRealTimers();
    }
  });

  test('no NaN, Infinity, undefined or null leaks into the text', () => {
    expect(all).not.toMatch(/NaN|Infinity|undefined|null/);
  });
});

describe('month-on-month wording', () => {
  test('rising', () => {
    expect(monthOnMonth(withMonths(1234, 1000))).toBe('环比上升23.4%（2026年9月为1,000件）');
    expect(narrative(withMonths(1234, 1000))[0]).toContain('共收到留言1,234件，环比上升23.4%');
  });

  test('falling', () => {
    expect(monthOnMonth(withMonths(1234, 1500))).toBe('环比下降17.7%（2026年9月为1,500件）');
  });

  test('flat', () => {
    expect(monthOnMonth(withMonths(1200, 1200))).toBe('与上月持平（2026年9月为1,200件）');
    expect(monthOnMonth(withMonths(20001, 20000))).toBe('与上月基本持平（2026年9月为20,000件）');
  });

  test('no previous month', () => {
    expect(monthOnMonth(withMonths(50, null))).toBe('暂无上月数据可供比较');
    expect(monthOnMonth({ ...withMonths(50, null), trend: [] })).toBe('暂无上月数据可供比较');
  });

  test('zero previous month: no division by zero', () => {
    const t = text(withMonths(50, 0));
    expect(t).toContain('共收到留言50件，上月无留言。');
    expect(t).not.toMatch(/NaN|Infinity/);
    expect(monthOnMonth(withMonths(0, 0))).toBe('与上月相同，均无留言');
  });

  test('no message this month', () => {
    const doc = withMonths(0, 30);
    expect(narrative(doc)[0]).toBe('2026年10月，市长信箱未收到留言，环比下降100.0%（2026年9月为30件）。');
  });
});

describe('null rates and thin data', () => {
  const nullUnit: UnitFigures = {
    ...sampleReport().assessment.units[0],
    unit: '市医保局',
    onTimeRate: null,
    handlingRate: null,
    replyRate: null,
    satisfactionRate: null,
    score: 0,
    rank: 1,
    overdueOpen: 0,
    onTime: 0,
    finished: 0,
  };

  test('no ratings, no replies, one unit with null rates: written as —/无', () => {
    const base = sampleReport();
    const doc: ReportDocument = {
      ...base,
      stats: {
        ...base.stats,
        replyWorkdays: { replied: 0, median: null, p90: null, mean: null, outsideCalendar: 0 },
        satisfaction: { rated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0 },
      },
      trend: [{ month: '2026-10', received: base.stats.received, replied: 0, onTimeRate: null }],
      assessment: { ...base.assessment, units: [nullUnit] },
      overdue: [],
      overdueTotal: 0,
      overdueByUnit: [],
      criticised: [],
    };
    const t = text(doc);
    expect(t).toContain('本月暂无已答复的留言，答复用时无法统计');
    expect(t).toContain('按时办结率无');
    expect(t).toContain('满意率无');
    expect(t).toContain('本期仅市医保局一个承办单位参与考核，综合得分0分，按时办结率—');
    expect(t).toContain('无超期未办结留言');
    expect(t).toContain('本期无经市政府领导同意的通报批评');
    expect(t).not.toMatch(/NaN|Infinity|undefined|null/);
  });

  test('no units at all', () => {
    const base = sampleReport();
    expect(text({ ...base, assessment: { ...base.assessment, units: [] } })).toContain('本期无承办单位考核数据');
  });

  test('tied leaders are named together', () => {
    const base = sampleReport();
    const byChannel = [
      { key: 'a', label: '市长信箱', count: 10 },
      { key: 'b', label: '今日运城', count: 10 },
      { key: 'c', label: '市住建局门户网站', count: 5 },
    ];
    const t = text({ ...base, stats: { ...base.stats, received: 25, byChannel } });
    expect(t).toContain('来自市长信箱、今日运城的最多（各10件，各占40.0%）');
  });
});

describe('专报', () => {
  function special(filter: ReportDocument['filter']): ReportDocument {
    const base = sampleReport();
    return {
      ...base,
      kind: 'special',
      title: '关于供暖问题的专报',
      filter,
      stats: { ...base.stats, filter, received: 86 },
      trend: [
        { month: '2026-09', received: 12, replied: 12, onTimeRate: 1 },
        { month: '2026-10', received: 86, replied: 70, onTimeRate: 0.9 },
      ],
    };
  }

  test('describes the topic from the filter instead of 本月', () => {
    const doc = special({ keyword: '供暖', domain: 'urban' });
    const t = text(doc);
    expect(narrative(doc)[0]).toContain(`${fmtPeriodZh(doc.period)}，市长信箱共收到涉及“供暖”、城乡建设领域的留言86件，环比上升616.7%`);
    expect(t).toContain('该专题已答复');
    expect(t).not.toContain('本月');
  });

  test('channel and category keys are shown by their labels; unknown keys as given', () => {
    const stats = sampleReport().stats;
    expect(topicOf({ channel: 'app-jinriyuncheng' }, stats)).toBe('来自今日运城');
    expect(topicOf({ category: 'complaint', unit: '市住建局' }, stats)).toBe('投诉类、转交市住建局办理');
    expect(topicOf({ channel: 'unknown-board' }, stats)).toBe('来自unknown-board');
    expect(topicOf({})).toBe('');
  });

  test('uses the as-of instant of the figures', () => {
    const doc = special({ keyword: '供暖' });
    expect(text(doc)).toContain(`截至${fmtInstantZh(doc.stats.asOf)}`);
  });
});
