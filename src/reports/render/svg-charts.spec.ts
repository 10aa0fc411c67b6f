/** The report charts: one mark per datum, escaped text, placeholders and awkward data. */
import { barChart, columnChart, lineChart, niceTicks } from './svg-charts';
import { textWidth } from './format';

/** The attributes of every element of a tag with a given class, as numbers where numeric. */
function marks(svg: string, tag: string, cls: string): Record<string, string>[] {
  const re = new RegExp(`<${tag} class="${cls}"([^>]*)>`, 'g');
  return [...svg.matchAll(re)].map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

function texts(svg: string, cls: string): { x: number; text: string }[] {
  const re = new RegExp(`<text class="${cls}" x="([\\d.-]+)"[^>]*>([^<]*)`, 'g');
  return [...svg.matchAll(re)].map((m) => ({ x: Number(m[1]), text: m[2] }));
}

const days = Array.from({ length: 31 }, (_, i) => ({ label: `10/${i + 1}`, value: (i * 7) % 23 }));
const NASTY = '<script>alert("x")</script> & Co\'s';

describe('niceTicks', () => {
  test.each<[number, boolean, number[]]>([
    [58, true, [0, 20, 40, 60]],
    [7, true, [0, 2, 4, 6, 8]],
    [1234, true, [0, 250, 500, 750, 1000, 1250]],
    [2400, true, [0, 500, 1000, 1500, 2000, 2500]],
    [0, true, [0, 1]],
    [3, true, [0, 1, 2, 3]],
    [1, false, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [100, true, [0, 20, 40, 60, 80, 100]],
  ])('max %p (integer %p) → %p', (max, integer, expected) => {
    expect(niceTicks(max, 5, integer)).toEqual(expected);
  });
});

describe('columnChart', () => {
  test('one column per point, heights proportional to the values', () => {
    const svg = columnChart(days, { title: '每日收到留言数' });
    const bars = marks(svg, 'rect', 'bar');
    expect(bars).toHaveLength(31);
    const h = (i: number): number => Number(bars[i].height);
    // values 0 (i=0) and 21 (i=3): zero is drawn flat, the rest in proportion
    expect(h(0)).toBe(0);
    expect(h(3) / h(1)).toBeCloseTo(21 / 7, 1);
  });

  test('x labels are sparse enough not to collide, and start at the first point', () => {
    const svg = columnChart(days, { title: 't', width: 400 });
    const labels = texts(svg, 'xlabel');
    expect(labels.length).toBeGreaterThan(3);
    expect(labels.length).toBeLessThan(31);
    expect(labels[0].text).toBe('10/1');
    for (let i = 1; i < labels.length; i++) {
      const gap = labels[i].x - labels[i - 1].x;
      expect(gap).toBeGreaterThanOrEqual((textWidth(labels[i].text, 11) + textWidth(labels[i - 1].text, 11)) / 2);
    }
  });

  test('the y axis has a few round ticks covering the maximum', () => {
    const svg = columnChart(
      [
        { label: 'a', value: 37 },
        { label: 'b', value: 58 },
      ],
      { title: 't' },
    );
    expect(texts(svg, 'tick').map((t) => t.text)).toEqual(['0', '20', '40', '60']);
  });

  test('thousands separators on tick labels', () => {
    const svg = columnChart([{ label: 'a', value: 12345 }], { title: 't' });
    expect(texts(svg, 'tick').map((t) => t.text)).toContain('10,000');
  });

  test('all-zero data: every column is there, flat, and the axis still reads 0…1', () => {
    const svg = columnChart(
      days.map((d) => ({ ...d, value: 0 })),
      { title: 't' },
    );
    const bars = marks(svg, 'rect', 'bar');
    expect(bars).toHaveLength(31);
    expect(bars.every((b) => b.height === '0')).toBe(true);
    expect(texts(svg, 'tick').map((t) => t.text)).toEqual(['0', '1']);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  test('one point: one column of sensible width inside the chart', () => {
    const svg = columnChart([{ label: '10/1', value: 5 }], { title: 't', width: 680 });
    const [bar] = marks(svg, 'rect', 'bar');
    expect(Number(bar.width)).toBeLessThanOrEqual(40);
    expect(Number(bar.x)).toBeGreaterThan(0);
    expect(Number(bar.x) + Number(bar.width)).toBeLessThan(680);
  });

  test('empty data renders the 无数据 placeholder and no columns', () => {
    const svg = columnChart([], { title: '每日收到留言数' });
    expect(svg).toContain('无数据');
    expect(marks(svg, 'rect', 'bar')).toHaveLength(0);
    expect(svg).toContain('<title>每日收到留言数</title>');
  });
});

describe('barChart', () => {
  const items = [
    { label: '市长信箱', value: 580 },
    { label: '市住建局门户网站', value: 214 },
    { label: '今日运城', value: 189 },
  ];

  test('one bar per item, the largest spanning the room, the value printed at the bar end', () => {
    const svg = barChart(items, { title: '按来信渠道', valueFormat: (v) => `${v}件` });
    const bars = marks(svg, 'rect', 'bar');
    expect(bars).toHaveLength(3);
    expect(Number(bars[1].width) / Number(bars[0].width)).toBeCloseTo(214 / 580, 2);
    const values = texts(svg, 'value');
    expect(values.map((v) => v.text)).toEqual(['580件', '214件', '189件']);
    values.forEach((v, i) => expect(v.x).toBeCloseTo(Number(bars[i].x) + Number(bars[i].width) + 4, 0));
    expect(Number(bars[0].x) + Number(bars[0].width)).toBeLessThan(680);
  });

  test('a fixed max (scores out of 100) scales the bars to it', () => {
    const svg = barChart([{ label: '市人社局', value: 50 }], { title: '得分', max: 100, width: 680 });
    const [bar] = marks(svg, 'rect', 'bar');
    const full = barChart([{ label: '市人社局', value: 100 }], { title: '得分', max: 100, width: 680 });
    // and the same value is drawn at the same length beside a different neighbour
    const mixed = barChart(
      [
        { label: '市人社局', value: 50 },
        { label: '市住建局', value: 7 },
      ],
      { title: '得分', max: 100, width: 680 },
    );
    expect(marks(mixed, 'rect', 'bar')[0].width).toBe(bar.width);
    expect(Number(bar.width) / Number(marks(full, 'rect', 'bar')[0].width)).toBeCloseTo(0.5, 2);
  });

  test('a fixed label column lines up the bars of several charts', () => {
    const a = barChart([{ label: '投诉', value: 3 }], { title: 'a', labelWidth: 120 });
    const b = barChart([{ label: '市住建局门户网站', value: 3 }], { title: 'b', labelWidth: 120 });
    expect(marks(a, 'rect', 'bar')[0].x).toBe(marks(b, 'rect', 'bar')[0].x);
  });

  test('the height grows with the number of rows', () => {
    const h = (svg: string): number => Number(/height="([\d.]+)"/.exec(svg)?.[1]);
    expect(h(barChart(items.concat(items), { title: 't' }))).toBeGreaterThan(h(barChart(items, { title: 't' })));
  });

  test('very long labels are cut with … and kept whole in a tooltip', () => {
    const long = '运城市规划和自然资源局盐湖分局不动产登记中心第一分中心业务受理窗口';
    const svg = barChart([{ label: long, value: 3 }], { title: 't', width: 400 });
    const shown = /<text class="ylabel"[^>]*>([^<]*)</.exec(svg)?.[1] ?? '';
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeLessThan(long.length);
    expect(textWidth(shown, 11)).toBeLessThanOrEqual(400 * 0.35 + 0.01);
    expect(svg).toContain(`<title>${long}</title>`);
  });

  test('all zero: bars of width 0, no NaN', () => {
    const svg = barChart(
      items.map((i) => ({ ...i, value: 0 })),
      { title: 't' },
    );
    expect(marks(svg, 'rect', 'bar').map((b) => b.width)).toEqual(['0', '0', '0']);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  test('empty data renders the placeholder', () => {
    const svg = barChart([], { title: '按留言类别' });
    expect(svg).toContain('无数据');
    expect(marks(svg, 'rect', 'bar')).toHaveLength(0);
  });

  test('labels and titles are escaped', () => {
    const svg = barChart([{ label: NASTY, value: 1 }], { title: NASTY, maxLabelWidth: 1000 });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s');
    expect(svg).toContain(`aria-label="&lt;script&gt;`);
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
  });
});

describe('lineChart', () => {
  const months = ['2026年5月', '2026年6月', '2026年7月'];
  const series = [
    { name: '收到', points: months.map((label, i) => ({ label, value: 1000 + i * 100 })) },
    { name: '答复', points: months.map((label, i) => ({ label, value: 900 + i * 100 })) },
  ];

  test('one line per series, one dot per point, a legend entry per series', () => {
    const svg = lineChart(series, { title: '趋势' });
    expect(marks(svg, 'polyline', 'line')).toHaveLength(2);
    expect(marks(svg, 'circle', 'dot')).toHaveLength(6);
    expect(texts(svg, 'legend').map((t) => t.text)).toEqual(['收到', '答复']);
    expect(texts(svg, 'xlabel').map((t) => t.text)).toEqual(months);
  });

  test('higher values are drawn higher', () => {
    const dots = marks(lineChart(series, { title: 't' }), 'circle', 'dot');
    expect(Number(dots[2].cy)).toBeLessThan(Number(dots[0].cy)); // 1200 above 1000
    expect(Number(dots[0].cy)).toBeLessThan(Number(dots[3].cy)); // 收到 1000 above 答复 900
  });

  test('one month: a dot per series and no line', () => {
    const svg = lineChart(
      series.map((s) => ({ ...s, points: s.points.slice(0, 1) })),
      { title: 't' },
    );
    expect(marks(svg, 'polyline', 'line')).toHaveLength(0);
    expect(marks(svg, 'circle', 'dot')).toHaveLength(2);
  });

  test('no series or no points: the placeholder', () => {
    expect(lineChart([], { title: 't' })).toContain('无数据');
    expect(lineChart([{ name: '收到', points: [] }], { title: 't' })).toContain('无数据');
  });

  test('all zero: flat lines on the axis, no NaN', () => {
    const svg = lineChart([{ name: '收到', points: months.map((label) => ({ label, value: 0 })) }], { title: 't' });
    const dots = marks(svg, 'circle', 'dot');
    expect(new Set(dots.map((d) => d.cy)).size).toBe(1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  test('series names and labels are escaped', () => {
    const svg = lineChart([{ name: NASTY, points: [{ label: '<b>&', value: 1 }] }], { title: 't' });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;&amp;');
  });
});

describe('every chart', () => {
  const charts = [
    columnChart(days, { title: '每日' }),
    barChart([{ label: 'a', value: 1 }], { title: '渠道' }),
    lineChart([{ name: 's', points: [{ label: 'a', value: 1 }] }], { title: '趋势' }),
    columnChart([], { title: '空' }),
  ];

  test.each(charts.map((c, i) => [i, c]))('chart %i is accessible, self-contained inline SVG', (_i, svg) => {
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="[^"]+"/);
    expect(svg).toMatch(/<title>[^<]+<\/title>/);
    expect(svg).toMatch(/viewBox="0 0 [\d.]+ [\d.]+"/);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<script|https?:|href=|<image|url\(/);
  });
});
