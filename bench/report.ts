/**
 * The one table: printed to the terminal and written, with the machine, into README.md and (with
 * the detailed tables of every run) into docs/benchmarks.md. Only the blocks between the bench
 * markers are rewritten, so hand-written text around them (method, limits, analysis) survives
 * the next run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Machine } from './machine';
import type { MapperFigure } from './mappers';
import type { PeakRss } from './memory';
import type { RawFloors } from './raw-floors';
import type { StoreResult } from './stats-bench';

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
  /** Peak RSS of each server group during the run, MiB. */
  rss?: PeakRss;
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

// ---------------------------------------------------------------------------------------------
// The summary: every figure beside its floor

export interface SummaryRow {
  measurement: string;
  hub: string;
  floor: string;
  /** Hub rate ÷ floor rate, or floor time ÷ hub time: 1 = as fast as the floor. */
  ratio?: number;
  /** Mark the ratio against GOAL (the rows issue 2's goal is about). */
  goal?: boolean;
  latency?: string;
  memory?: string;
}

export interface SummaryInput {
  cfg: { connections: number; burst: number; seconds: number };
  floors: { intake: { connections: number; row: Row; rate: number }[]; endToEnd: Row; endToEndRate: number; raw: RawFloors };
  hub: { intake: { connections: number; row: Row; rate: number }[]; apiOnly?: Row; apiOnlyLimited?: Row; endToEnd: Row; endToEndRate: number };
  mappers: MapperFigure[];
  store?: StoreResult;
}

const n0 = (x: number) => fmt(x);
const latency = (p50: number | undefined, p99: number | undefined) => (p50 === undefined ? '—' : `${fmt(p50, p50 < 10 ? 1 : 0)} / ${fmt(p99, (p99 ?? 0) < 10 ? 1 : 0)}`);
const seconds = (x: number) => `${x.toFixed(2)} s`;

export function summaryRows({ cfg, floors, hub, mappers, store }: SummaryInput): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const floorAt = (c: number) => floors.intake.find((f) => f.connections === c);
  for (const h of hub.intake) {
    const f = floorAt(h.connections);
    rows.push({
      measurement: `Intake: \`202\`s per second, ${h.connections} connections`,
      hub: `${n0(h.rate)} req/s`,
      floor: f ? `${n0(f.rate)} req/s (floor A)` : '—',
      ratio: f ? h.rate / f.rate : undefined,
      goal: h.connections === cfg.connections,
      latency: `${latency(h.row.p50, h.row.p99)} · ${f ? latency(f.row.p50, f.row.p99) : '—'}`,
      memory: `API ${h.row.rss?.api ?? '?'} · worker ${h.row.rss?.wrk ?? '?'} · floor ${f?.row.rss?.srv ?? '?'}`,
    });
  }
  const main = hub.intake.find((h) => h.connections === cfg.connections)!;
  const mainFloor = floorAt(cfg.connections)!;
  if (hub.apiOnly) {
    rows.push({
      measurement: `Intake, API process alone (\`HUB_ROLES=api\`, no worker on the cores), ${cfg.connections} connections`,
      hub: `${n0(hub.apiOnly.rate)} req/s`,
      floor: `${n0(mainFloor.rate)} req/s (floor A)`,
      ratio: hub.apiOnly.rate / mainFloor.rate,
      latency: `${latency(hub.apiOnly.p50, hub.apiOnly.p99)} · ${latency(mainFloor.row.p50, mainFloor.row.p99)}`,
      memory: `API ${hub.apiOnly.rss?.api ?? '?'}`,
    });
    if (hub.apiOnlyLimited) {
      rows.push({
        measurement: `The same with the public rate limit on (counted in Redis across API processes, the default store)`,
        hub: `${n0(hub.apiOnlyLimited.rate)} req/s`,
        floor: `${n0(hub.apiOnly.rate)} req/s (the same without the limit)`,
        ratio: hub.apiOnlyLimited.rate / hub.apiOnly.rate,
        latency: `${latency(hub.apiOnlyLimited.p50, hub.apiOnlyLimited.p99)} · ${latency(hub.apiOnly.p50, hub.apiOnly.p99)}`,
        memory: `API ${hub.apiOnlyLimited.rss?.api ?? '?'}`,
      });
    }
  }
  const raw = floors.raw;
  rows.push({
    measurement: `Intake (${cfg.connections} connections) beside raw PostgreSQL: single-row INSERTs of the message, ${raw.pgClients} clients`,
    hub: `${n0(main.rate)} req/s`,
    floor: `${n0(raw.pgInsert.rate)} INSERTs/s`,
    ratio: main.rate / raw.pgInsert.rate,
    latency: `${latency(main.row.p50, main.row.p99)} · ${latency(raw.pgInsert.p50, raw.pgInsert.p99)} (statement)`,
  });
  rows.push({
    measurement: `Intake (${cfg.connections} connections) beside raw BullMQ: \`queue.add\`, ${raw.addsInFlight} in flight`,
    hub: `${n0(main.rate)} req/s`,
    floor: `${n0(raw.bullAdd.rate)} adds/s`,
    ratio: main.rate / raw.bullAdd.rate,
    latency: `${latency(main.row.p50, main.row.p99)} · ${latency(raw.bullAdd.p50, raw.bullAdd.p99)} (add)`,
  });
  rows.push({
    measurement: `End to end: messages/s until the case row exists (burst of ${n0(cfg.burst)})`,
    hub: `${n0(hub.endToEndRate)} msg/s`,
    floor: `${n0(floors.endToEndRate)} msg/s (floor B)`,
    ratio: hub.endToEndRate / floors.endToEndRate,
    goal: true,
    latency: `${latency(hub.endToEnd.p50, hub.endToEnd.p99)} · ${latency(floors.endToEnd.p50, floors.endToEnd.p99)} (intake during the burst)`,
    memory: `API ${hub.endToEnd.rss?.api ?? '?'} · worker ${hub.endToEnd.rss?.wrk ?? '?'} · floor ${floors.endToEnd.rss?.srv ?? '?'} + ${floors.endToEnd.rss?.wrk ?? '?'}`,
  });
  rows.push({
    measurement: `End to end beside raw BullMQ: a no-op worker (concurrency ${raw.workerConcurrency}) draining ${n0(raw.bullProcess.count)} jobs`,
    hub: `${n0(hub.endToEndRate)} msg/s`,
    floor: `${n0(raw.bullProcess.rate)} jobs/s`,
    ratio: hub.endToEndRate / raw.bullProcess.rate,
  });
  if (mappers.length > 0) {
    const sorted = [...mappers].sort((x, y) => x.recordsPerSecond - y.recordsPerSecond);
    rows.push({
      measurement: `Pull mappers: records/s on one core, slowest … fastest of ${mappers.length} adapters (${sorted[0].adapter} … ${sorted[sorted.length - 1].adapter})`,
      hub: `${n0(sorted[0].recordsPerSecond)} … ${n0(sorted[sorted.length - 1].recordsPerSecond)} records/s`,
      floor: '— (the mapper is the floor: a pure function over parsed records)',
      latency: `${sorted[sorted.length - 1].microsecondsPerRecord} … ${sorted[0].microsecondsPerRecord} µs per record`,
    });
  }
  if (store) {
    const q = store.query;
    rows.push({
      measurement: `Query by code with ${n0(store.seed.cases)} cases stored, ${cfg.connections} connections (${n0(store.codes)} codes)`,
      hub: `${n0(q.hub.load.acceptedPerSec)} req/s`,
      floor: `${n0(q.floor.load.acceptedPerSec)} req/s (floor Q)`,
      ratio: q.hub.load.acceptedPerSec / q.floor.load.acceptedPerSec,
      latency: `${latency(q.hub.load.p50, q.hub.load.p99)} · ${latency(q.floor.load.p50, q.floor.load.p99)}`,
      memory: `hub ${q.hub.peakRssMiB} · floor ${q.floor.peakRssMiB}`,
    });
    for (const t of store.timings) {
      rows.push({
        measurement: `${t.label}${t.cohort ? ` (${t.cohort})` : ''}, median`,
        hub: seconds(t.hubSeconds),
        floor: t.floorSeconds !== undefined ? `${seconds(t.floorSeconds)} (its SQL in plain pg, ${n0(t.floorRows ?? 0)} rows)` : `—${t.note ? ` (${t.note})` : ''}`,
        ratio: t.floorSeconds !== undefined ? t.floorSeconds / t.hubSeconds : undefined,
      });
    }
    rows.push({
      measurement: `Peak memory of the hub on the store (query, statistics, 月报; \`HUB_ROLES=api,worker\` in one process)`,
      hub: `${n0(store.hubPeakMiB)} MiB`,
      floor: '—',
      memory: `hub ${store.hubPeakMiB} · Chromium ${store.report.chromiumRssMiB}`,
    });
  }
  return rows;
}

export function renderSummary(rows: SummaryRow[]): string {
  const cell = (r: SummaryRow) => (r.ratio === undefined ? '' : r.goal ? `${r.ratio.toFixed(2)} ${r.ratio >= GOAL ? '✓' : '✗'}` : r.ratio.toFixed(2));
  return [
    `| Measurement | Hub | Floor (same machine, same run) | Hub ÷ floor | p50 / p99 ms: hub · floor | Peak RSS MiB |`,
    '|---|---:|---|---:|---|---|',
    ...rows.map((r) => `| ${r.measurement} | ${r.hub} | ${r.floor} | ${cell(r)} | ${r.latency ?? ''} | ${r.memory ?? ''} |`),
  ].join('\n');
}

const RATIO_NOTE =
  `Hub ÷ floor: the hub's rate over the floor's, or for times the floor's time over the hub's — 1.00 is as fast as the floor. ` +
  `✓/✗ mark the goal of ≥ ${GOAL} for the intake and end-to-end rows. Peak RSS: resident memory sampled every 100 ms during the run.`;

export function generatedBlock(parts: { machine: Machine; settings: string; summary: string; table: string; verdict: string }): string {
  return [
    BEGIN,
    '### Latest run',
    '',
    renderMachine(parts.machine),
    `- Settings: ${parts.settings}`,
    '',
    parts.summary,
    '',
    RATIO_NOTE,
    '',
    `**${parts.verdict}**`,
    '',
    '#### Every run: CPU split and WAL volume',
    '',
    parts.table,
    END,
  ].join('\n');
}

export const README_BLOCK = {
  begin: '<!-- bench-summary:begin (written by `npm run bench`; edits inside this block are overwritten) -->',
  end: '<!-- bench-summary:end -->',
};

export function readmeBlock(parts: { machine: Machine; settings: string; summary: string }): string {
  return [
    README_BLOCK.begin,
    `Latest \`npm run bench\`. Machine: ${renderMachine(parts.machine).replace(/^- /gm, '').split('\n').join('; ')}. Settings: ${parts.settings}.`,
    '',
    parts.summary,
    '',
    RATIO_NOTE,
    README_BLOCK.end,
  ].join('\n');
}

const SKELETON = `# Benchmarks\n\n${BEGIN}\n${END}\n`;

/** Replaces the generated block between `markers` in `file` (creating the file or the block if needed). */
export function writeDoc(file: string, block: string, markers: { begin: string; end: string } = { begin: BEGIN, end: END }): void {
  mkdirSync(dirname(file), { recursive: true });
  let text = existsSync(file) ? readFileSync(file, 'utf8') : SKELETON;
  const begin = text.indexOf(markers.begin);
  const end = text.indexOf(markers.end);
  if (begin === -1 || end === -1 || end < begin) text = `${text.trimEnd()}\n\n${markers.begin}\n${markers.end}\n`;
  const b = text.indexOf(markers.begin);
  const e = text.indexOf(markers.end) + markers.end.length;
  writeFileSync(file, text.slice(0, b) + block + text.slice(e));
}
