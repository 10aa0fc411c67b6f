/**
 * Charts for the printed reports, as inline SVG strings: no script, no external resource, no
 * xmlns (they are meant to sit inside an HTML5 document). Sized for an A4 page (180 mm of text
 * width ≈ 680 CSS px); they scale down with `max-width: 100%`. Every text is escaped; labels that
 * do not fit are cut with "…" and kept whole in a `<title>` tooltip.
 */
import { escapeHtml, fmtNumber, textWidth, truncateToWidth } from './format';

/** Chart label font size in px (for callers lining up label columns with `textWidth`). */
export const CHART_LABEL_FONT = 11;

/** One labelled value (a day, a channel, a unit). */
export interface ChartPoint {
  label: string;
  value: number;
}

/** A named line of the line chart; its points are matched to the x axis by label. */
export interface LineSeries {
  name: string;
  points: ChartPoint[];
  /** Stroke colour; a palette colour by default. */
  color?: string;
}

/** What every chart needs: an accessible title, and optionally its size and look. */
export interface ChartOptions {
  /** Shown above the chart and used as its accessible name. */
  title: string;
  /** In CSS px (viewBox units). Default 680, the A4 text width. */
  width?: number;
  /** In CSS px. Column and line charts default to 240; the bar chart grows with its rows. */
  height?: number;
  /** Fill / stroke colour. */
  color?: string;
  /** Formats values printed on the chart and in tooltips (default: thousands separators). */
  valueFormat?: (value: number) => string;
}

/** Options of the horizontal bar chart. */
export interface BarChartOptions extends ChartOptions {
  /** The value a full-length bar stands for (e.g. 100 for scores); default the largest value. */
  max?: number;
  /** Height of one row in px (default 22). */
  rowHeight?: number;
  /** Widest label column in px before labels are cut with "…" (default 35% of the width). */
  maxLabelWidth?: number;
  /** A fixed label column in px (to line up the bars of several charts); labels are cut to it. */
  labelWidth?: number;
}

/** The font stack of the report, repeated on each SVG so a chart also reads well on its own. */
export const CHART_FONT = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif";

/** Colours that stay apart in greyscale print too. */
export const PALETTE = ['#1f5fa8', '#d9822b', '#2e8b57', '#b03a48', '#6b4fa0', '#5b6770'];

const DEFAULT_WIDTH = 680;
const DEFAULT_HEIGHT = 240;
const FONT = CHART_LABEL_FONT;
const TITLE_FONT = 13;
const TITLE_BAND = 24;
const AXIS = '#888';
const GRID = '#e3e3e3';
const TEXT = '#333';

/** Round coordinates to 0.1 px so the markup stays small and stable. */
function n(x: number): string {
  return String(Math.round(x * 10) / 10);
}

function defaultFormat(value: number): string {
  return fmtNumber(value, 1);
}

function svgOpen(kind: string, title: string, width: number, height: number): string {
  const t = escapeHtml(title);
  return (
    `<svg class="chart chart-${kind}" viewBox="0 0 ${n(width)} ${n(height)}" width="${n(width)}" height="${n(height)}"` +
    ` role="img" aria-label="${t}" font-family="${escapeHtml(CHART_FONT)}" font-size="${FONT}"` +
    ` style="max-width:100%;height:auto"><title>${t}</title>`
  );
}

function titleText(title: string, width: number): string {
  const shown = truncateToWidth(title, width - 8, TITLE_FONT);
  return `<text class="chart-title" x="4" y="16" font-size="${TITLE_FONT}" font-weight="bold" fill="${TEXT}">${escapeHtml(shown)}</text>`;
}

/** The chart drawn when there is nothing to draw: the title and a framed "无数据". */
export function emptyChart(opts: ChartOptions, kind = 'empty'): string {
  const width = opts.width ?? DEFAULT_WIDTH;
  const height = Math.min(opts.height ?? 120, 120);
  return (
    svgOpen(kind, opts.title, width, height) +
    titleText(opts.title, width) +
    `<rect x="4" y="${TITLE_BAND + 4}" width="${n(width - 8)}" height="${n(height - TITLE_BAND - 8)}" fill="none" stroke="${AXIS}" stroke-dasharray="4 3"/>` +
    `<text class="chart-empty" x="${n(width / 2)}" y="${n((height + TITLE_BAND) / 2 + 5)}" text-anchor="middle" font-size="14" fill="#777">无数据</text>` +
    '</svg>'
  );
}

/**
 * Round axis ticks from 0 to at least `max`: steps of 1, 2, 2.5 or 5 × 10^k, about `target`
 * of them. Integer data (counts) never gets fractional ticks. A max of 0 (all-zero data) still
 * gives an axis 0…1.
 */
export function niceTicks(max: number, target = 5, integer = true): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const raw = top / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  if (integer) step = Math.max(1, Math.ceil(step));
  const count = Math.ceil(top / step - 1e-9);
  const ticks: number[] = [];
  for (let i = 0; i <= count; i++) ticks.push(Math.round(i * step * 1e9) / 1e9);
  return ticks;
}

interface Plot {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Horizontal grid lines with their tick labels; returns the markup and the y scale. */
function yAxis(plot: Plot, ticks: number[], format: (v: number) => string): { svg: string; y: (v: number) => number } {
  const top = ticks[ticks.length - 1] || 1;
  const y = (v: number): number => plot.bottom - (Math.max(0, v) / top) * (plot.bottom - plot.top);
  const parts = ticks.map((t) => {
    const ty = y(t);
    return (
      `<line x1="${n(plot.left)}" x2="${n(plot.right)}" y1="${n(ty)}" y2="${n(ty)}" stroke="${t === 0 ? AXIS : GRID}"/>` +
      `<text class="tick" x="${n(plot.left - 6)}" y="${n(ty + 4)}" text-anchor="end" fill="${TEXT}">${escapeHtml(format(t))}</text>`
    );
  });
  return { svg: parts.join(''), y };
}

/** Which x labels to print so they do not collide: every k-th, starting with the first. */
export function labelStride(labels: string[], band: number, fontSize = FONT): number {
  if (labels.length === 0) return 1;
  const widest = Math.max(...labels.map((l) => textWidth(l, fontSize)));
  return Math.max(1, Math.ceil((widest + 6) / Math.max(band, 1)));
}

function tickFormatFor(ticks: number[]): (v: number) => string {
  const fractional = ticks.some((t) => !Number.isInteger(t));
  return (v) => fmtNumber(v, fractional ? 1 : 0);
}

/** The left margin that fits the widest tick label. */
function leftFor(ticks: number[], format: (v: number) => string): number {
  return Math.max(28, ...ticks.map((t) => textWidth(format(t), FONT) + 12));
}

/**
 * Vertical columns, one per point (the volume by day). Sparse x labels, a y axis with a few
 * round ticks. Every column is a `<rect class="bar">`, zero values included (height 0).
 */
export function columnChart(points: ChartPoint[], opts: ChartOptions): string {
  if (points.length === 0) return emptyChart(opts, 'column');
  const width = opts.width ?? DEFAULT_WIDTH;
  const height = opts.height ?? DEFAULT_HEIGHT;
  const format = opts.valueFormat ?? defaultFormat;
  const color = opts.color ?? PALETTE[0];
  const max = Math.max(0, ...points.map((p) => p.value));
  const ticks = niceTicks(max, 5, points.every((p) => Number.isInteger(p.value)));
  const tickFormat = tickFormatFor(ticks);
  const plot: Plot = { left: leftFor(ticks, tickFormat), right: width - 8, top: TITLE_BAND + 8, bottom: height - 22 };
  const axis = yAxis(plot, ticks, tickFormat);
  const band = (plot.right - plot.left) / points.length;
  const colWidth = Math.min(40, Math.max(1, band * 0.7));
  const stride = labelStride(
    points.map((p) => p.label),
    band,
  );
  const columns = points.map((p, i) => {
    const cx = plot.left + band * (i + 0.5);
    const top = axis.y(p.value);
    const tip = escapeHtml(`${p.label}：${format(p.value)}`);
    return `<rect class="bar" x="${n(cx - colWidth / 2)}" y="${n(top)}" width="${n(colWidth)}" height="${n(plot.bottom - top)}" fill="${color}"><title>${tip}</title></rect>`;
  });
  const labels = points
    .map((p, i) => {
      if (i % stride !== 0) return '';
      const cx = plot.left + band * (i + 0.5);
      const shown = truncateToWidth(p.label, Math.max(band * stride - 4, 24), FONT);
      return `<text class="xlabel" x="${n(cx)}" y="${n(plot.bottom + 15)}" text-anchor="middle" fill="${TEXT}">${escapeHtml(shown)}</text>`;
    })
    .join('');
  return svgOpen('column', opts.title, width, height) + titleText(opts.title, width) + axis.svg + columns.join('') + labels + '</svg>';
}

/**
 * Horizontal bars, one per item, largest scale at `opts.max` (or the largest value), the value
 * printed at the end of each bar. Height grows with the number of rows unless given.
 */
export function barChart(items: ChartPoint[], opts: BarChartOptions): string {
  if (items.length === 0) return emptyChart(opts, 'bar');
  const width = opts.width ?? DEFAULT_WIDTH;
  const rowHeight = opts.rowHeight ?? 22;
  const height = opts.height ?? TITLE_BAND + 8 + items.length * rowHeight + 6;
  const format = opts.valueFormat ?? defaultFormat;
  const color = opts.color ?? PALETTE[0];
  const maxLabel = opts.maxLabelWidth ?? width * 0.35;
  const labelWidth = opts.labelWidth ?? Math.min(maxLabel, Math.max(...items.map((i) => textWidth(i.label, FONT))));
  const largest = Math.max(0, ...items.map((i) => i.value));
  const scaleMax = opts.max !== undefined && opts.max > 0 ? Math.max(opts.max, largest) : largest;
  // Room for the widest value text, the full-scale one included, so a scale fixed by `max`
  // draws the same value at the same length whatever the other rows hold.
  const valueWidth = Math.max(...[scaleMax, ...items.map((i) => i.value)].map((v) => textWidth(format(v), FONT))) + 10;
  const x0 = 8 + labelWidth + 8;
  const barRoom = Math.max(10, width - x0 - valueWidth - 4);
  const thick = Math.max(4, Math.min(16, rowHeight - 6));
  const rows = items.map((item, i) => {
    const cy = TITLE_BAND + 8 + rowHeight * (i + 0.5);
    const w = scaleMax > 0 ? (Math.max(0, item.value) / scaleMax) * barRoom : 0;
    const label = truncateToWidth(item.label, labelWidth, FONT);
    const value = format(item.value);
    const tip = escapeHtml(`${item.label}：${value}`);
    return (
      `<text class="ylabel" x="${n(x0 - 8)}" y="${n(cy + 4)}" text-anchor="end" fill="${TEXT}">${escapeHtml(label)}<title>${escapeHtml(item.label)}</title></text>` +
      `<rect class="bar" x="${n(x0)}" y="${n(cy - thick / 2)}" width="${n(w)}" height="${n(thick)}" fill="${color}"><title>${tip}</title></rect>` +
      `<text class="value" x="${n(x0 + w + 4)}" y="${n(cy + 4)}" fill="${TEXT}">${escapeHtml(value)}</text>`
    );
  });
  const axis = `<line x1="${n(x0)}" x2="${n(x0)}" y1="${TITLE_BAND + 6}" y2="${n(height - 4)}" stroke="${AXIS}"/>`;
  return svgOpen('bar', opts.title, width, height) + titleText(opts.title, width) + axis + rows.join('') + '</svg>';
}

/** The x categories of several series: every label once, in first-seen order. */
function categoriesOf(series: LineSeries[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of series) {
    for (const p of s.points) {
      if (!seen.has(p.label)) {
        seen.add(p.label);
        out.push(p.label);
      }
    }
  }
  return out;
}

/**
 * One line per series over shared x categories (the monthly trend: received and replied). Each
 * point is a `<circle class="dot">`; values are printed next to the dots when there are few
 * months (first series above, the next below, so close values do not overprint).
 */
export function lineChart(series: LineSeries[], opts: ChartOptions): string {
  const categories = categoriesOf(series);
  if (categories.length === 0) return emptyChart(opts, 'line');
  const width = opts.width ?? DEFAULT_WIDTH;
  const height = opts.height ?? DEFAULT_HEIGHT;
  const format = opts.valueFormat ?? defaultFormat;
  const values = series.flatMap((s) => s.points.map((p) => p.value));
  const ticks = niceTicks(Math.max(0, ...values), 5, values.every((v) => Number.isInteger(v)));
  const tickFormat = tickFormatFor(ticks);
  const legendBand = 18;
  const plot: Plot = { left: leftFor(ticks, tickFormat), right: width - 12, top: TITLE_BAND + legendBand + 10, bottom: height - 22 };
  const axis = yAxis(plot, ticks, tickFormat);
  const band = (plot.right - plot.left) / categories.length;
  const xOf = new Map(categories.map((c, i) => [c, plot.left + band * (i + 0.5)]));
  const showValues = categories.length <= 12;

  const lines = series.map((s, si) => {
    const color = s.color ?? PALETTE[si % PALETTE.length];
    const pts = s.points.filter((p) => xOf.has(p.label)).map((p) => ({ ...p, x: xOf.get(p.label) ?? 0, y: axis.y(p.value) }));
    const path =
      pts.length > 1
        ? `<polyline class="line" fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${n(p.x)},${n(p.y)}`).join(' ')}"/>`
        : '';
    const dots = pts
      .map((p) => {
        const tip = escapeHtml(`${s.name} ${p.label}：${format(p.value)}`);
        const label = showValues
          ? `<text class="value" x="${n(p.x)}" y="${n(si % 2 === 0 ? p.y - 7 : p.y + 15)}" text-anchor="middle" fill="${color}">${escapeHtml(format(p.value))}</text>`
          : '';
        return `<circle class="dot" cx="${n(p.x)}" cy="${n(p.y)}" r="3" fill="${color}"><title>${tip}</title></circle>${label}`;
      })
      .join('');
    return path + dots;
  });

  let lx = plot.left;
  const legend = series
    .map((s, si) => {
      const color = s.color ?? PALETTE[si % PALETTE.length];
      const name = truncateToWidth(s.name, 200, FONT);
      const y = TITLE_BAND + 10;
      const item =
        `<line x1="${n(lx)}" x2="${n(lx + 18)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/>` +
        `<text class="legend" x="${n(lx + 22)}" y="${y + 4}" fill="${TEXT}">${escapeHtml(name)}</text>`;
      lx += 22 + textWidth(name, FONT) + 16;
      return item;
    })
    .join('');

  const stride = labelStride(categories, band);
  const xlabels = categories
    .map((c, i) => {
      if (i % stride !== 0) return '';
      const shown = truncateToWidth(c, Math.max(band * stride - 4, 24), FONT);
      return `<text class="xlabel" x="${n(xOf.get(c) ?? 0)}" y="${n(plot.bottom + 15)}" text-anchor="middle" fill="${TEXT}">${escapeHtml(shown)}</text>`;
    })
    .join('');

  return svgOpen('line', opts.title, width, height) + titleText(opts.title, width) + legend + axis.svg + lines.join('') + xlabels + '</svg>';
}
