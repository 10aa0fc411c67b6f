/**
 * The one table: printed to the terminal and written, with the machine, into docs/benchmarks.md.
 * Only the block between the bench markers is rewritten, so hand-written text around it (method,
 * limits, analysis) survives the next run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Machine } from './machine';

export const GOAL = 0.8;

export interface Row {
  measurement: string;
  connections: number;
  /** Messages accepted (202) or, for a burst, cases written. */
  messages: number;
  rate: number;
  unit: 'req/s' | 'msg/s';
  p50?: number;
  p99?: number;
  non202?: number;
  errors?: number;
  /** PostgreSQL WAL written per message, KiB. */
  walKbPerMsg?: number;
  /** Hub rate / floor rate, for the rows compared with a floor. */
  ratio?: number;
  cpu?: string;
  note?: string;
}

const BEGIN = '<!-- bench:begin (written by `npm run bench`; edits inside this block are overwritten) -->';
const END = '<!-- bench:end -->';

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || Number.isNaN(n)) return '';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratioCell(r: number | undefined): string {
  if (r === undefined) return '';
  return `${r.toFixed(2)} ${r >= GOAL ? '✓' : '✗'}`;
}

export function renderTable(rows: Row[]): string {
  const header = ['Measurement', 'Conns', 'Messages', 'Rate', 'p50 ms', 'p99 ms', 'non-202', 'errors', 'WAL KiB/msg', `hub/floor (goal ≥ ${GOAL})`, 'CPU % of one core', 'Note'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i >= 1 && i <= 9 ? '---:' : '---')).join('|')}|`];
  for (const r of rows) {
    lines.push(
      `| ${[
        r.measurement,
        String(r.connections),
        fmt(r.messages),
        `${fmt(r.rate)} ${r.unit}`,
        fmt(r.p50),
        fmt(r.p99),
        fmt(r.non202),
        fmt(r.errors),
        fmt(r.walKbPerMsg, 1),
        ratioCell(r.ratio),
        r.cpu ?? '',
        r.note ?? '',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

export function renderMachine(m: Machine): string {
  return [
    `- CPU: ${m.cpuModel}, ${m.cores} cores; memory ${m.memoryGiB} GiB; ${m.os}`,
    `- Node ${m.node}; PostgreSQL ${m.postgres}; Redis ${m.redis}`,
    `- Date: ${m.date}`,
  ].join('\n');
}

export function renderVerdict(intake: number | undefined, endToEnd: number | undefined): string {
  const one = (name: string, r: number | undefined) =>
    r === undefined ? `${name}: not measured` : `${name}: ${r.toFixed(2)} (goal ≥ ${GOAL}: ${r >= GOAL ? 'met' : 'NOT met'})`;
  return `${one('Intake hub/floor A', intake)}; ${one('end-to-end hub/floor B', endToEnd)}`;
}

export function generatedBlock(parts: { machine: Machine; settings: string; table: string; verdict: string }): string {
  return [
    BEGIN,
    '### Latest run',
    '',
    renderMachine(parts.machine),
    `- Settings: ${parts.settings}`,
    '',
    parts.table,
    '',
    `**${parts.verdict}**`,
    END,
  ].join('\n');
}

const SKELETON = `# Benchmarks\n\n${BEGIN}\n${END}\n`;

/** Replaces the generated block of the doc (creating the doc if needed). */
export function writeDoc(file: string, block: string): void {
  mkdirSync(dirname(file), { recursive: true });
  let text = existsSync(file) ? readFileSync(file, 'utf8') : SKELETON;
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin === -1 || end === -1 || end < begin) text = `${text.trimEnd()}\n\n${BEGIN}\n${END}\n`;
  const b = text.indexOf(BEGIN);
  const e = text.indexOf(END) + END.length;
  writeFileSync(file, text.slice(0, b) + block + text.slice(e));
}
