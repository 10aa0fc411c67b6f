/**
 * The store's part of `npm run bench` (and, alone, `npm run bench:stats`): the query by code, the
 * statistics and the 月报 on a store of `BENCH_STATS_CASES` cases (default 1,000,000).
 *
 *   1. The store is database `liuyan_bench_stats` (the only name this bench accepts). It is kept
 *      between runs: a run reuses it when its `bench_seed_info` says it was seeded by the same
 *      seeding code (a hash of dist/bench/stats-seed.js) with as many cases. Otherwise it is
 *      dropped and created, the built hub (`dist/src/main.js`) migrates it and seeds the channel
 *      registry and the administrator, and the cases are seeded with SQL while the hub is stopped
 *      (bench/stats-seed.ts), then VACUUM ANALYZE.
 *   2. BENCH_QUERY_CODES (20,000) cases spread over the store are given a real query code (the
 *      hub's blind index of a known code).
 *   3. The hub is started; `GET /api/v1/query/{code}` over those codes at 50 connections for
 *      BENCH_SECONDS after a warm-up, then the same against floor Q (bench/floor-query-server.ts:
 *      express, the blind index, one indexed SELECT) on the same store; peak RSS of each.
 *   4. Over HTTP, signed in as the administrator, each statistics question is asked
 *      BENCH_STATS_REPEAT (3) times: /api/v1/stats for a month, a quarter and a year,
 *      /api/v1/stats/units for the month, the month with keyword=电梯, /api/v1/stats/units for an
 *      older month (2025-03); after each, its floor: the very SQL StatsRepository builds
 *      (capturedSql), streamed through plain pg with the hub's session settings, rows only
 *      counted. Then the 月报 of 2026-10 (POST, poll until done), as often. CPU split over each
 *      measurement; peak RSS of the hub's processes from /proc.
 *   5. EXPLAIN (ANALYZE, BUFFERS) of the statistics' SQL, and independent counts in plain SQL
 *      against the hub's figures for the month.
 *   6. The detailed block of docs/benchmarks.md (between `<!-- bench-stats:begin -->` and
 *      `<!-- bench-stats:end -->`); the figures go back to bench/run.ts for the one table.
 *
 * Cleans up at the end, on error and on Ctrl-C: the hub and the floor are stopped, Redis database
 * 11 flushed; the store is dropped only with BENCH_DROP_STORE=1.
 *
 * Settings: BENCH_STATS_CASES (1000000), BENCH_STATS_CHUNK (100000), BENCH_STATS_REPEAT (3),
 * BENCH_STATS_HUB_ROLES (api,worker; empty = the default API + forked worker), BENCH_RESEED=1,
 * BENCH_DROP_STORE=1, BENCH_QUERY_CODES (20000), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2).
 */
process.env.TZ = 'Asia/Shanghai'; // as the hub: the calendar package reads dates in local time
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { StatsRepository } from '../src/stats/stats.repository';
import QueryStream from 'pg-query-stream';
import { PiiCipher } from '../src/crypto/pii-cipher';
import { Child, freePort, installExitHandlers, sleep, startChild, stopAll } from './children';
import { intEnv } from './config';
import { cpuGroups, CpuShares, formatCpu, startCpu } from './cpu';
import { LoadResult, runLoad } from './load';
import { descendants, forkedNodes, mibOfKb, startRssSampler, statusKb } from './memory';
import { createDatabase, dropDatabase, flushRedisDb, redisVersion, serverDescription, withClient } from './db';
import { describeMachine, Machine } from './machine';
import { renderMachine } from './report';
import { seedStats, SeedResult, TZ } from './stats-seed';
import type { CityStats, StatsFilter } from '../src/stats/domain/figures';

const DATABASE = 'liuyan_bench_stats';
const REDIS_DB = 11;
const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN = { username: 'bench-admin', password: 'bench-stats-admin-password' };
/** A fixed key (not secret: bench data only), so the seed's sealed names open in the hub. */
const DATA_KEY = createHash('sha256').update('liuyan bench stats data key').digest();
const JWT_SECRET = 'liuyan-bench-stats-jwt-secret-0123456789';
const BEGIN = '<!-- bench-stats:begin (written by `npm run bench:stats`; edits inside this block are overwritten) -->';
const BEGIN_PREFIX = '<!-- bench-stats:begin';
const END = '<!-- bench-stats:end -->';
const HEADING = '## Statistics and reports on 1,000,000 cases';

const MONTH = { from: '2026-10-01', to: '2026-10-31' };
const QUARTER = { from: '2026-07-01', to: '2026-09-30' };
const YEAR = { from: '2025-01-01', to: '2025-12-31' };
const REPORT_MONTH = '2026-10';
/** An older month: the assessment of a closed past period (a 月报 regenerated, or a 专报). */
const OLD_MONTH = { from: '2025-03-01', to: '2025-03-31' };
const KEYWORD = '电梯';

/** The one database this bench creates and drops. */
function benchDatabase(name: string): string {
  if (name !== DATABASE) throw new Error(`refusing to use database "${name}": the statistics bench uses ${DATABASE} only`);
  return name;
}

const root = resolve(__dirname, '..', '..');

/** The compiled files that decide what the seed writes (the seed and the calendar its deadlines follow). */
const SEED_FILES = ['bench/stats-seed.js', 'src/calendar/domain/official-years.js', 'src/calendar/domain/work-calendar.js', 'src/crypto/pii-cipher.js'];

/** Which seeding code filled a kept store: a store seeded by other code is seeded again. */
export function seedVersion(): string {
  const hash = createHash('sha256');
  for (const f of SEED_FILES) hash.update(f).update(readFileSync(resolve(__dirname, '..', f)));
  return hash.digest('hex').slice(0, 16);
}
const settings = {
  cases: intEnv('BENCH_STATS_CASES', 1_000_000, 1_000, 5_000_000),
  chunk: intEnv('BENCH_STATS_CHUNK', 100_000, 1_000, 1_000_000),
  repeat: intEnv('BENCH_STATS_REPEAT', 3, 1, 20),
  roles: process.env.BENCH_STATS_HUB_ROLES ?? 'api,worker',
  /** Seed again even when the kept store was seeded by the same code with as many cases. */
  reseed: process.env.BENCH_RESEED === '1',
  /** Drop the store at the end instead of keeping it for the next run (it takes ~4 GB). */
  dropStore: process.env.BENCH_DROP_STORE === '1',
  /** Cases given a real query code (the hub's blind index of a known code) for the query runs. */
  queryCodes: intEnv('BENCH_QUERY_CODES', 20_000, 100, 1_000_000),
  seconds: intEnv('BENCH_SECONDS', 10, 1, 600),
  warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 2, 0, 60),
  connections: 50,
  docsFile: resolve(root, 'docs', 'benchmarks.md'),
};
const dbName = benchDatabase(DATABASE);
const dbUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;

function log(message: string): void {
  process.stderr.write(`[bench:stats ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}


const withDb = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withClient(dbUrl, fn);

// ---------------------------------------------------------------------------------------------
// The hub

function startHub(port: number, phase: string): Child {
  const main = resolve(root, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm run bench:stats does)`);
  return startChild(`hub:${phase}`, main, {
    PORT: String(port),
    DATABASE_URL: dbUrl,
    REDIS_URL: `redis://127.0.0.1:6379/${REDIS_DB}`,
    ...(settings.roles ? { HUB_ROLES: settings.roles } : {}),
    HUB_ADMIN_USERNAME: ADMIN.username,
    HUB_ADMIN_PASSWORD: ADMIN.password,
    HUB_DATA_KEY: DATA_KEY.toString('base64'),
    HUB_JWT_SECRET: JWT_SECRET,
    HUB_RATE_LIMIT: '0',
    HUB_ACCESS_LOG: 'false',
    HUB_LOG_LEVEL: 'warn',
  });
}

class Api {
  private token = '';
  constructor(private readonly base: string) {}

  async login(): Promise<void> {
    const res = await fetch(`${this.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN), signal: AbortSignal.timeout(30_000) });
    const body = (await res.json()) as { accessToken?: string };
    if (res.status !== 200 && res.status !== 201) throw new Error(`login answered ${res.status}: ${JSON.stringify(body)}`);
    if (!body.accessToken) throw new Error('login gave no token');
    this.token = body.accessToken;
  }

  async request(method: string, path: string): Promise<{ status: number; bytes: number; text: string; buffer: Buffer }> {
    const res = await fetch(`${this.base}${path}`, { method, headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(15 * 60_000) });
    const buffer = Buffer.from(await res.arrayBuffer());
    return { status: res.status, bytes: buffer.length, text: buffer.toString('utf8'), buffer };
  }

  async json<T>(method: string, path: string, expect: number[] = [200]): Promise<{ body: T; bytes: number }> {
    const r = await this.request(method, path);
    if (!expect.includes(r.status)) throw new Error(`${method} ${path} answered ${r.status}: ${r.text.slice(0, 500)}`);
    return { body: JSON.parse(r.text) as T, bytes: r.bytes };
  }
}

interface Memory {
  /** Peak RSS (VmHWM) of the hub process, MiB. */
  hub: number;
  /** Peak RSS of each node process the hub forked (the worker when HUB_ROLES is unset). */
  forked: number[];
  /** Chromium (the PDF renderer): processes, sum of their current RSS and of their peaks (an upper bound: pages are shared). */
  chromium: { processes: number; rssMiB: number; peakSumMiB: number };
}

function memory(hub: Child): Memory {
  const pid = hub.proc.pid!;
  const chrome = descendants(pid).filter((k) => /chrom/i.test(k.comm));
  return {
    hub: mibOfKb(statusKb(pid, 'VmHWM')),
    forked: forkedNodes(pid).map((p) => mibOfKb(statusKb(p, 'VmHWM'))),
    chromium: {
      processes: chrome.length,
      rssMiB: mibOfKb(chrome.reduce((s, k) => s + statusKb(k.pid, 'VmRSS'), 0)),
      peakSumMiB: mibOfKb(chrome.reduce((s, k) => s + statusKb(k.pid, 'VmHWM'), 0)),
    },
  };
}

function describeMemory(m: Memory): string {
  const forked = m.forked.length ? `; forked worker ${m.forked.map((x) => `${x} MiB`).join(', ')}` : '';
  const chrome = m.chromium.processes ? `; Chromium ${m.chromium.processes} processes, RSS now ${m.chromium.rssMiB} MiB (sum of their peaks ${m.chromium.peakSumMiB} MiB)` : '';
  return `hub process ${m.hub} MiB${forked}${chrome}`;
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Timing {
  label: string;
  path: string;
  seconds: number[];
  bytes: number;
  cohort?: string;
  cpu: CpuShares;
  note?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function hubCpuGroups(hub: Child) {
  const pid = hub.proc.pid;
  return cpuGroups([
    { label: 'hub', match: (p) => p.pgrp === pid },
    { label: 'chromium', match: (p) => /chrom/i.test(p.comm) && p.pgrp !== pid },
  ]).filter((g) => g.label !== 'redis');
}

async function measure<T>(api: Api, hub: Child, label: string, path: string, describe?: (body: T) => string): Promise<{ timing: Timing; body: T }> {
  const seconds: number[] = [];
  let body: T | undefined;
  let bytes = 0;
  const stop = startCpu(hubCpuGroups(hub));
  for (let i = 0; i < settings.repeat; i++) {
    const t0 = performance.now();
    const r = await api.json<T>('GET', path);
    seconds.push((performance.now() - t0) / 1000);
    body = r.body;
    bytes = r.bytes;
  }
  const cpu = stop();
  log(`${label}: ${seconds.map((s) => s.toFixed(2)).join(' / ')} s`);
  return { timing: { label, path, seconds, bytes, cpu, cohort: describe?.(body as T) }, body: body as T };
}

interface ReportMeta {
  id: string;
  status: string;
  progress: { step?: string; cases?: number };
  startedAt: string | null;
  finishedAt: string | null;
  pdfPages: number | null;
  summary: string | null;
  error: string | null;
  attempts: number;
}

interface ReportRun {
  wallSeconds: number;
  generationSeconds: number;
  steps: { step: string; seconds: number }[];
  pages: number;
  pdfBytes: number;
  summary: string;
}

async function monthlyReport(api: Api): Promise<ReportRun> {
  const t0 = performance.now();
  const { body: row } = await api.json<ReportMeta>('POST', `/api/v1/reports/monthly/${REPORT_MONTH}`, [202]);
  const steps: { step: string; at: number }[] = [];
  let meta: ReportMeta = row;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    const { body } = await api.json<ReportMeta>('GET', `/api/v1/reports/${row.id}`);
    meta = body;
    const step = meta.progress?.step ?? meta.status;
    if (steps.length === 0 || steps[steps.length - 1].step !== step) steps.push({ step, at: performance.now() });
    if (meta.status === 'done' || meta.status === 'failed') break;
    if (Date.now() > deadline) throw new Error(`report ${row.id} not done after 30 min (status ${meta.status}, ${step})`);
    await sleep(200);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  if (meta.status !== 'done') throw new Error(`report ${row.id} failed: ${meta.error}`);
  const pdf = await api.request('GET', `/api/v1/reports/${row.id}/pdf`);
  if (pdf.status !== 200) throw new Error(`the PDF of report ${row.id} answered ${pdf.status}`);
  const generationSeconds = (Date.parse(meta.finishedAt!) - Date.parse(meta.startedAt!)) / 1000;
  const end = performance.now();
  return {
    wallSeconds,
    generationSeconds,
    // Seen by polling every 200 ms: how long each step was the current one.
    steps: steps.map((s, i) => ({ step: s.step, seconds: ((steps[i + 1]?.at ?? end) - s.at) / 1000 })).filter((s) => s.step !== 'done' && s.step !== '完成'),
    pages: meta.pdfPages ?? 0,
    pdfBytes: pdf.bytes,
    summary: meta.summary ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// The SQL the hub runs, and its plans

interface CapturedSql {
  text: string;
  values: unknown[];
}

/**
 * The statistics' SQL exactly as StatsRepository builds it today: the repository is given a
 * stand-in DataSource that records the text and parameters of the query it streams (cohort,
 * timelines) or runs (trend, representative) and returns no rows. Nothing is copied, so the
 * plans below follow any change to src/stats/stats.repository.ts.
 */
async function capturedSql(kind: 'cohort' | 'timelines' | 'trend' | 'representative', period: { from: string; to: string }, filter: StatsFilter = {}): Promise<CapturedSql> {
  let captured: CapturedSql | undefined;
  const client = {
    // Plain strings are the stream's own statements (BEGIN READ ONLY, SET LOCAL …, ROLLBACK).
    query(q: string | { cursor?: { text: string; values: unknown[] } }) {
      if (typeof q === 'string' || !q.cursor) return Promise.resolve({ rows: [], rowCount: 0 });
      captured = { text: q.cursor.text, values: q.cursor.values ?? [] };
      return { [Symbol.asyncIterator]: async function* () {}, destroy() {}, readableEnded: true };
    },
    release() {},
  };
  const db = {
    driver: { master: { connect: async () => client } },
    query: async (text: string, values: unknown[]) => {
      captured = { text, values };
      return [];
    },
  } as unknown as DataSource;
  // Loaded here, not at the top: the module the hub was just started from (others rebuild dist/ meanwhile).
  const { StatsRepository: Repository } = require('../src/stats/stats.repository') as { StatsRepository: typeof StatsRepository };
  const repo = new Repository(db);
  if (kind === 'cohort') for await (const _ of repo.cohort(period, filter, TZ)) void _;
  else if (kind === 'timelines') for await (const _ of repo.timelines(period, filter, TZ)) void _;
  else if (kind === 'trend') {
    const last = period.to.slice(0, 7); // six months ending with the period
    const d = new Date(`${last}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - 5);
    await repo.trend(d.toISOString().slice(0, 7), period, filter, TZ);
  } else await repo.representative(period, filter, TZ, 3);
  if (!captured) throw new Error(`StatsRepository.${kind} ran no query`);
  return captured;
}

interface Plan {
  label: string;
  lines: string[];
  executionMs: number;
  summary: string;
}

/** Node lines (with their actual rows and time) down to a depth, plus buffers, sorts and JIT. */
function keyPlanLines(lines: string[], maxLines = 28): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const depth = line.search(/\S/);
    const isNode = line.includes('->') || depth === 0 || /^\s*(CTE \w+|InitPlan|SubPlan)/.test(line);
    const interesting = /Sort Method|Buffers: shared|Index Cond|Filter:|Rows Removed|JIT:|Timing:|Functions:|Execution Time|Planning Time|Workers Launched|Heap Fetches|Batches/.test(line);
    if (!(isNode && depth <= 30) && !(interesting && depth <= 36)) continue;
    out.push(line.replace(/\(cost=[^)]*\)\s*/, '').replace(/\s+$/, ''));
  }
  if (out.length <= maxLines) return out;
  const tail = out.filter((l) => /Execution Time|Planning Time|JIT:|Timing:/.test(l));
  return [...out.slice(0, maxLines - tail.length - 1), '   …', ...tail];
}

function planSummary(lines: string[]): string {
  const text = lines.join('\n');
  const indexes = [...new Set([...text.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g)].map((m) => m[1]))];
  const seq = [...new Set([...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]))];
  const disk = [...text.matchAll(/Sort Method: external merge\s+Disk: (\d+)kB/g)].map((m) => Number(m[1]));
  const jit = /Timing: Generation [\d.]+ ms, Inlining [\d.]+ ms, Optimization [\d.]+ ms, Emission [\d.]+ ms, Total ([\d.]+) ms/.exec(text);
  const top = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(lines[0] ?? '');
  const parts = [
    top ? `${Number(top[1]).toLocaleString('en-US')} rows out` : undefined,
    indexes.length ? `indexes ${indexes.join(', ')}` : 'no index',
    seq.length ? `seq scan of ${seq.join(', ')}` : undefined,
    disk.length ? `sorts spilled ${Math.round(disk.reduce((s, x) => s + x, 0) / 1024)} MiB to disk` : undefined,
    jit ? `JIT ${Math.round(Number(jit[1]))} ms` : undefined,
  ];
  return parts.filter(Boolean).join('; ');
}

async function explain(label: string, q: CapturedSql): Promise<Plan> {
  return withDb(async (c) => {
    const t0 = performance.now();
    const { rows } = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values);
    const lines = rows.map((r) => r['QUERY PLAN']);
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(lines.join('\n'))?.[1] ?? performance.now() - t0);
    log(`EXPLAIN ${label}: ${(ms / 1000).toFixed(2)} s\n${lines.join('\n')}`);
    return { label, lines: keyPlanLines(lines), executionMs: ms, summary: planSummary(lines) };
  });
}

// ---------------------------------------------------------------------------------------------
// Sizes and independent counts

interface Sizes {
  database: number;
  tables: { name: string; rows: number; heap: number; indexes: number; indexList: { name: string; bytes: number }[] }[];
}

async function sizes(): Promise<Sizes> {
  return withDb(async (c) => {
    const database = Number((await c.query(`SELECT pg_database_size(current_database()) AS b`)).rows[0].b);
    const tables: Sizes['tables'] = [];
    for (const name of ['cases', 'case_event', 'inbound_message']) {
      const r = (await c.query(`SELECT pg_table_size($1::regclass) AS heap, pg_indexes_size($1::regclass) AS idx, (SELECT count(*) FROM ${name}) AS n`, [name])).rows[0];
      const list = (await c.query(
        `SELECT i.relname AS name, pg_relation_size(i.oid) AS bytes FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $1::regclass ORDER BY 2 DESC`,
        [name],
      )).rows.map((x: { name: string; bytes: string }) => ({ name: x.name, bytes: Number(x.bytes) }));
      tables.push({ name, rows: Math.round(Number(r.n)), heap: Number(r.heap), indexes: Number(r.idx), indexList: list });
    }
    return { database, tables };
  });
}

const mib = (b: number) => `${(b / 1024 / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} MiB`;

/** The month's figures counted another way (EXISTS per case / per assignment), to compare with the hub's. */
async function independentCounts(period: { from: string; to: string }): Promise<Record<string, number>> {
  return withDb(async (c) => {
    await c.query(`SET jit = off`);
    const b = `(SELECT ($1::date)::timestamp AT TIME ZONE '${TZ}' AS t0, ($2::date + 1)::timestamp AT TIME ZONE '${TZ}' AS t1)`;
    const ev = (types: string) => `EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id AND e.type IN (${types}) AND e.at < b.t1)`;
    const [city] = (await c.query(
      `SELECT count(*) AS received,
              count(*) FILTER (WHERE ${ev("'accept'")}) AS accepted,
              count(*) FILTER (WHERE ${ev("'decline'")}) AS declined,
              count(*) FILTER (WHERE ${ev("'refer'")}) AS referred,
              count(*) FILTER (WHERE ${ev("'transfer', 'coordinate'")}) AS transferred,
              count(*) FILTER (WHERE ${ev("'reply'")}) AS replied,
              count(*) FILTER (WHERE ${ev("'close', 'rate_satisfied'")}) AS closed,
              count(*) FILTER (WHERE ${ev("'archive'")}) AS archived,
              count(*) FILTER (WHERE c.duplicate_of IS NOT NULL) AS duplicates,
              count(*) FILTER (WHERE ${ev("'rate_satisfied', 'rate_unsatisfied'")}) AS rated,
              count(*) FILTER (WHERE c.title ILIKE '%${KEYWORD}%' OR c.content ILIKE '%${KEYWORD}%') AS "keywordReceived",
              count(*) FILTER (WHERE NOT ${ev("'accept'")} AND c.category IS NOT NULL) AS "neverAcceptedWithCitizenCategory"
         FROM ${b} b CROSS JOIN cases c WHERE c.received_at >= b.t0 AND c.received_at < b.t1`,
      [period.from, period.to],
    )).rows;
    // Assignments started in the period, each with the step that ended it (return, feedback) before the period's end.
    const [units] = (await c.query(
      `WITH a AS (
         SELECT e.case_id, e.at, e.id, nx.type AS ended_by, (nx.data ->> 'onTime')::boolean AS on_time,
                coalesce(dx.deadline, e.data ->> 'deadline') AS deadline
           FROM ${b} b CROSS JOIN case_event e
           LEFT JOIN LATERAL (SELECT x.type, x.data FROM case_event x
                               WHERE x.case_id = e.case_id AND (x.at, x.id) > (e.at, e.id) AND x.at < b.t1
                                 AND x.type IN ('return', 'submit_feedback', 'transfer', 'coordinate')
                               ORDER BY x.at, x.id LIMIT 1) nx ON true
           LEFT JOIN LATERAL (SELECT d.data ->> 'deadline' AS deadline FROM case_event d
                               WHERE d.case_id = e.case_id AND d.type = 'decide_extension' AND (d.data ->> 'approved')::boolean
                                 AND (d.at, d.id) > (e.at, e.id) AND d.at < b.t1
                               ORDER BY d.at DESC, d.id DESC LIMIT 1) dx ON true
          WHERE e.type IN ('transfer', 'coordinate') AND e.at >= b.t0 AND e.at < b.t1)
       SELECT count(*) AS assignments,
              count(*) FILTER (WHERE ended_by = 'return') AS returned,
              count(*) FILTER (WHERE ended_by = 'submit_feedback') AS finished,
              count(*) FILTER (WHERE ended_by = 'submit_feedback' AND on_time) AS "onTime",
              count(*) FILTER (WHERE ended_by IS NULL AND deadline::date <= $2::date) AS "overdueOpen"
         FROM a`,
      [period.from, period.to],
    )).rows;
    const [acts] = (await c.query(
      `SELECT count(*) FILTER (WHERE type = 'remind') AS reminders,
              count(*) FILTER (WHERE type = 'issue_reminder_notice') AS "reminderNotices",
              count(*) FILTER (WHERE type = 'propose_criticism') AS "criticismsProposed",
              count(*) FILTER (WHERE type = 'decide_criticism' AND (data ->> 'approved')::boolean) AS criticisms,
              count(*) FILTER (WHERE type = 'refer_to_supervision') AS "supervisionReferrals",
              count(*) FILTER (WHERE type = 'request_extension') AS "extensionsRequested",
              count(*) FILTER (WHERE type = 'decide_extension' AND (data ->> 'approved')::boolean) AS "extensionsApproved"
         FROM ${b} b CROSS JOIN case_event e WHERE e.at >= b.t0 AND e.at < b.t1`,
      [period.from, period.to],
    )).rows;
    // Open at the end of the period and past the deadline in force: every case, whenever it was transferred.
    const [open] = (await c.query(
      `WITH last AS (
         SELECT DISTINCT ON (e.case_id) e.case_id, e.at, e.id, e.data ->> 'deadline' AS deadline
           FROM ${b} b CROSS JOIN case_event e
          WHERE e.type IN ('transfer', 'coordinate') AND e.at < b.t1
          ORDER BY e.case_id, e.at DESC, e.id DESC)
       SELECT count(*) AS "overdueCases",
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM case_event w WHERE w.case_id = l.case_id
                                 AND w.type IN ('transfer', 'coordinate', 'return', 'request_extension', 'decide_extension', 'remind', 'issue_reminder_notice',
                                                'propose_criticism', 'decide_criticism', 'refer_to_supervision', 'submit_feedback')
                                 AND w.at >= b.t0 - interval '90 days' AND w.at < b.t1)) AS "overdueCasesWithoutActIn90Days"
         FROM ${b} b CROSS JOIN last l
        WHERE NOT EXISTS (SELECT 1 FROM case_event x WHERE x.case_id = l.case_id AND (x.at, x.id) > (l.at, l.id) AND x.at < b.t1 AND x.type IN ('return', 'submit_feedback'))
          AND coalesce((SELECT d.data ->> 'deadline' FROM case_event d WHERE d.case_id = l.case_id AND d.type = 'decide_extension' AND (d.data ->> 'approved')::boolean
                          AND (d.at, d.id) > (l.at, l.id) AND d.at < b.t1 ORDER BY d.at DESC, d.id DESC LIMIT 1), l.deadline)::date <= $2::date`,
      [period.from, period.to],
    )).rows;
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries({ ...city, ...units, ...acts, ...open })) out[k] = Number(v);
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Output

/** The statistics answer, as the hub types it. */
type CityBody = CityStats;

interface UnitsBody {
  assessment: { units: Record<string, number | string | null>[] };
  overdue: unknown[];
  /** The full count (the API lists the 500 longest-overdue). */
  overdueTotal?: number;
  criticised: unknown[];
}

function comparison(city: CityBody, units: UnitsBody, keywordCity: CityBody, sql: Record<string, number>): { rows: string[]; mismatches: string[] } {
  const sum = (k: string) => units.assessment.units.reduce((s, u) => s + Number(u[k] ?? 0), 0);
  const pairs: [string, number, number][] = [
    ['received', city.received, sql.received],
    ['accepted', city.accepted, sql.accepted],
    ['declined', city.declined, sql.declined],
    ['referred', city.referred, sql.referred],
    ['transferred (cases)', city.transferred, sql.transferred],
    ['replied', city.replied, sql.replied],
    ['closed', city.closed, sql.closed],
    ['archived', city.archived, sql.archived],
    ['duplicates', city.duplicates, sql.duplicates],
    ['rated', city.satisfaction.rated, sql.rated],
    [`keyword=${KEYWORD}: received`, keywordCity.received, sql.keywordReceived],
    ['units: transferred (assignments)', sum('transferred'), sql.assignments],
    ['units: returned', sum('returned'), sql.returned],
    ['units: finished', sum('finished'), sql.finished],
    ['units: on time', sum('onTime'), sql.onTime],
    ['units: overdue open (started in period)', sum('overdueOpen'), sql.overdueOpen],
    ['units: reminders', sum('reminders'), sql.reminders],
    ['units: reminder notices', sum('reminderNotices'), sql.reminderNotices],
    ['units: criticisms proposed', sum('criticismsProposed'), sql.criticismsProposed],
    ['units: criticisms', sum('criticisms'), sql.criticisms],
    ['units: supervision referrals', sum('supervisionReferrals'), sql.supervisionReferrals],
    ['units: extensions requested', sum('extensionsRequested'), sql.extensionsRequested],
    ['units: extensions approved', sum('extensionsApproved'), sql.extensionsApproved],
    ['overdue list (open, past the deadline at the end of the period)', units.overdueTotal ?? units.overdue.length, sql.overdueCases],
  ];
  const rows = ['| Figure (2026-10) | Hub | Plain SQL | |', '|---|---:|---:|---|'];
  const mismatches: string[] = [];
  for (const [name, hub, plain] of pairs) {
    const ok = hub === plain;
    if (!ok) mismatches.push(`${name}: hub ${hub}, SQL ${plain}`);
    rows.push(`| ${name} | ${hub.toLocaleString('en-US')} | ${Number.isNaN(plain) ? '' : plain.toLocaleString('en-US')} | ${ok ? '=' : '**≠**'} |`);
  }
  return { rows, mismatches };
}

function timingTable(timings: Timing[], reports: ReportRun[], floors: { seconds: number[]; rows: number }[]): string {
  const s = (x: number) => x.toFixed(2);
  const lines = [
    `| Measurement | Cohort | 1st s | min s | median s | Plain SQL median s (rows) | Response | CPU % of one core (over the ${settings.repeat} runs) |`,
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  timings.forEach((t, i) => {
    const f = floors[i];
    const floor = f ? `${s(median(f.seconds))} (${f.rows.toLocaleString('en-US')})` : '';
    lines.push(`| ${t.label} | ${t.cohort ?? ''} | ${s(t.seconds[0])} | ${s(Math.min(...t.seconds))} | ${s(median(t.seconds))} | ${floor} | ${(t.bytes / 1024).toFixed(0)} KiB | ${formatCpu(t.cpu)} |`);
  });
  if (reports.length) {
    const wall = reports.map((r) => r.wallSeconds);
    const gen = reports.map((r) => r.generationSeconds);
    const r0 = reports[reports.length - 1];
    lines.push(`| 月报 ${REPORT_MONTH}: request → done (POST, poll every 200 ms) | ${r0.summary.match(/收到留言 (\d+) 件/)?.[1] ?? '?'} cases | ${s(wall[0])} | ${s(Math.min(...wall))} | ${s(median(wall))} | | PDF ${r0.pages} pages, ${(r0.pdfBytes / 1024).toFixed(0)} KiB | |`);
    lines.push(`| 月报 ${REPORT_MONTH}: startedAt → finishedAt | | ${s(gen[0])} | ${s(Math.min(...gen))} | ${s(median(gen))} | | | |`);
  }
  return lines.join('\n');
}

function writeDoc(block: string): void {
  const file = settings.docsFile;
  mkdirSync(dirname(file), { recursive: true });
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const b = text.indexOf(BEGIN_PREFIX);
  const e = text.indexOf(END);
  if (b === -1 || e === -1 || e < b) {
    text = `${text.trimEnd()}\n\n${text.includes(HEADING) ? '' : `${HEADING}\n\n`}${BEGIN}\n${END}\n`;
  }
  const b2 = text.indexOf(BEGIN_PREFIX);
  const e2 = text.indexOf(END) + END.length;
  writeFileSync(file, text.slice(0, b2) + block + text.slice(e2));
}

// ---------------------------------------------------------------------------------------------

/** Stops the hub and the floor, flushes the bench's Redis database; drops the store only if asked. */
let sweepLock: Client | undefined;

export async function cleanUpStore(): Promise<void> {
  await stopAll();
  await sweepLock?.end().catch(() => undefined); // releases the sweep's lock
  sweepLock = undefined;
  await flushRedisDb('127.0.0.1', 6379, REDIS_DB).catch(() => undefined);
  if (settings.dropStore) await dropDatabase(PG_ADMIN_URL, dbName).catch(() => undefined);
}

interface SeedInfo extends SeedResult {
  seedVersion?: string;
}

/** The kept store's seed record, if it was seeded by this code with as many cases. */
async function reusableStore(): Promise<SeedInfo | undefined> {
  if (settings.reseed) return undefined;
  const exists = await withAdmin((c) => c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [dbName]));
  if (exists.rowCount === 0) return undefined;
  const info = await withDb(async (c) => {
    const rows = (await c.query<{ info: SeedInfo }>(`SELECT info FROM bench_seed_info ORDER BY at DESC LIMIT 1`).catch(() => ({ rows: [] as { info: SeedInfo }[] }))).rows;
    return rows[0]?.info;
  }).catch(() => undefined);
  if (!info) return undefined;
  if (info.seedVersion !== seedVersion() || info.cases !== settings.cases) {
    log(`the kept store was seeded by other code or with another size (${info.cases} cases, seed ${info.seedVersion ?? '?'}; now ${settings.cases}, ${seedVersion()}): seeding again`);
    return undefined;
  }
  // A store something wrote to after the seed (a workflow sweep of an earlier version of this
  // bench, a hand-run hub) no longer gives the same figures.
  const changed = await withDb((c) => c.query(`SELECT 1 FROM case_event WHERE at > $1 LIMIT 1`, [info.cutoff]));
  if (changed.rowCount) {
    log(`the kept store has timeline events after its seed's cut-off (${info.cutoff}): seeding again`);
    return undefined;
  }
  return info;
}

const withAdmin = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withClient(PG_ADMIN_URL, fn);

// ---------------------------------------------------------------------------------------------
// Query by code on the store

/** Letters and digits of the hub's query codes (src/intake/query-code.ts). */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * `n` cases spread over the store, each with a query code of its own. Deterministic, so a kept
 * store is given the same codes again. The seed leaves placeholder hashes; these rows get the
 * hub's real blind index of their code, so the hub and floor Q find them as they would a
 * citizen's.
 */
function sampleCodes(cases: number, n: number): { id: number; code: string }[] {
  let state = 0x9e3779b9;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: { id: number; code: string }[] = [];
  for (let i = 0; i < n; i++) {
    let code = '';
    for (let k = 0; k < 12; k++) code += CODE_ALPHABET[Math.floor(rand() * CODE_ALPHABET.length)];
    out.push({ id: 1 + Math.floor((i * cases) / n), code: `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}` });
  }
  return out;
}

async function giveQueryCodes(sample: { id: number; code: string }[]): Promise<void> {
  const cipher = new PiiCipher(DATA_KEY);
  await withDb(async (c) => {
    const r = await c.query(
      `UPDATE inbound_message i SET query_code_hash = u.h FROM unnest($1::bigint[], $2::text[]) AS u(id, h) WHERE i.id = u.id`,
      [sample.map((s) => s.id), sample.map((s) => cipher.blindIndex('query-code', s.code.replace(/-/g, '')))],
    );
    if (r.rowCount !== sample.length) throw new Error(`query codes: ${r.rowCount} of ${sample.length} sampled cases exist in the store`);
  });
}

export interface QueryRun {
  load: LoadResult;
  peakRssMiB: number;
  cpu: CpuShares;
}

/** A warm-up, then a fixed-duration GET run over the sampled codes, with the server's peak RSS. */
async function queryRun(label: string, base: string, path: (code: string) => string, codes: string[], server: Child): Promise<QueryRun> {
  let i = 0;
  const paths = () => path(codes[i++ % codes.length]);
  if (settings.warmupSeconds > 0) await runLoad({ url: base, connections: settings.connections, seconds: settings.warmupSeconds, paths });
  const pids = [server.proc.pid!, ...forkedNodes(server.proc.pid)];
  const stopRss = startRssSampler([{ label: 'server', pids: () => pids }]);
  const stopCpu = startCpu(cpuGroups([{ label: 'srv', match: (p) => p.pgrp === server.proc.pid }]).filter((g) => g.label !== 'redis'));
  const load = await runLoad({ url: base, connections: settings.connections, seconds: settings.seconds, paths });
  const cpu = stopCpu();
  const peakRssMiB = stopRss().server;
  log(`${label}: ${load.acceptedPerSec.toFixed(0)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms, ${load.non202} not 200, ${load.errors} errors; peak RSS ${peakRssMiB} MiB`);
  return { load, peakRssMiB, cpu };
}

// ---------------------------------------------------------------------------------------------
// Floors of the statistics: the same SQL, streamed by plain pg

/** Streams `q` as the hub's streamRows does (read-only, jit off, work_mem 64MB, batches of 1000) and counts the rows. */
async function streamFloor(q: CapturedSql): Promise<{ seconds: number; rows: number }> {
  return withDb(async (c) => {
    await c.query('BEGIN READ ONLY');
    await c.query(`SET LOCAL statement_timeout = '30min'`);
    await c.query('SET LOCAL jit = off');
    await c.query(`SET LOCAL work_mem = '64MB'`);
    const t0 = performance.now();
    let rows = 0;
    for await (const _ of c.query(new QueryStream(q.text, q.values, { batchSize: 1000 }))) rows++;
    const seconds = (performance.now() - t0) / 1000;
    await c.query('ROLLBACK');
    return { seconds, rows };
  });
}

async function floorTimes(label: string, q: CapturedSql): Promise<{ seconds: number[]; rows: number }> {
  const seconds: number[] = [];
  let rows = 0;
  for (let i = 0; i < settings.repeat; i++) {
    const r = await streamFloor(q);
    seconds.push(r.seconds);
    rows = r.rows;
  }
  log(`floor (plain SQL) ${label}: ${seconds.map((x) => x.toFixed(2)).join(' / ')} s, ${rows.toLocaleString('en-US')} rows`);
  return { seconds, rows };
}

// ---------------------------------------------------------------------------------------------

/** One line of the summary table: the hub's median time beside the plain SQL's. */
export interface StoreTiming {
  label: string;
  cohort?: string;
  hubSeconds: number;
  floorSeconds?: number;
  floorRows?: number;
  note?: string;
}

export interface StoreResult {
  seed: SeedInfo;
  reused: boolean;
  codes: number;
  query: { hub: QueryRun; floor: QueryRun };
  timings: StoreTiming[];
  report: { pages: number; pdfKiB: number; chromiumRssMiB: number };
  /** Peak RSS (VmHWM) of the hub's process over the whole store run. */
  hubPeakMiB: number;
  mismatches: string[];
  seconds: number;
}

/**
 * The store's part of the bench: seed (or reuse) 1,000,000 cases, then over HTTP the query by
 * code beside floor Q, the statistics beside the same SQL streamed by plain pg, the 月报; plans
 * and independent counts. Writes its detailed block into docs/benchmarks.md and answers the
 * figures for the summary table.
 */
export async function runStoreBench(machine: Machine): Promise<StoreResult> {
  const started = Date.now();
  log(`store of ${settings.cases.toLocaleString('en-US')} cases in ${dbName}`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let hub: Child;
  await flushRedisDb('127.0.0.1', 6379, REDIS_DB);
  const kept = await reusableStore();
  let seed: SeedInfo;
  if (kept) {
    seed = kept;
    log(`reusing the kept store ${dbName}: ${seed.cases.toLocaleString('en-US')} cases seeded by this code (BENCH_RESEED=1 seeds again)`);
  } else {
    // 1. A fresh database, migrated by the hub itself.
    log(`creating database ${dbName}; flushing Redis database ${REDIS_DB}`);
    await createDatabase(PG_ADMIN_URL, dbName);
    hub = startHub(port, 'migrate');
    await hub.readyHttp(`${base}/health`, 120_000);
    await hub.stop();
    log('hub migrated the database and stopped');

    // 2. Seed with SQL while the hub is stopped.
    const result = await seedStats({ dbUrl, cases: settings.cases, chunk: settings.chunk, dataKey: DATA_KEY, log });
    seed = { ...result, seedVersion: seedVersion() };
    await withDb(async (c) => {
      await c.query(`CREATE TABLE IF NOT EXISTS bench_seed_info (at timestamptz NOT NULL DEFAULT now(), info jsonb NOT NULL)`);
      await c.query(`INSERT INTO bench_seed_info (info) VALUES ($1)`, [JSON.stringify(seed)]);
    });
  }
  const sample = sampleCodes(settings.cases, Math.min(settings.queryCodes, settings.cases));
  await giveQueryCodes(sample);
  const codes = sample.map((s) => s.code);
  log(`${codes.length.toLocaleString('en-US')} cases given a query code`);
  // The scheduler requests last month's 月报 by itself a few seconds after boot (its unique row per
  // month); a placeholder row keeps it from generating one while the bench measures.
  await withDb((c) =>
    c.query(
      `INSERT INTO report (kind, month, period_from, period_to, title, filter, status, requested_by, requested_at, error)
       VALUES ('monthly', $1, $2, $3, 'bench placeholder', '{}', 'failed', 'system', now(), 'placeholder: the statistics bench requests this month itself')
       ON CONFLICT (month) WHERE kind = 'monthly' AND requested_by = 'system' DO NOTHING`,
      [REPORT_MONTH, MONTH.from, MONTH.to],
    ),
  );
  const size = await sizes();
  log(`${seed.cases.toLocaleString('en-US')} cases, ${seed.events.toLocaleString('en-US')} events (seeded in ${seed.insertSeconds.toFixed(0)} s + VACUUM ANALYZE ${seed.vacuumAnalyzeSeconds.toFixed(0)} s); database ${mib(size.database)}`);

  // 3. Measure over HTTP. The workflow sweep (every 5 minutes in the hub's worker) would send
  // reminders, close and archive cases of the kept store while it is measured; holding its
  // advisory lock makes every sweep of this run skip.
  sweepLock = new Client({ connectionString: dbUrl, application_name: 'bench-stats-sweep-lock' });
  await sweepLock.connect();
  await sweepLock.query(`SELECT pg_advisory_lock(hashtext('workflow-sweep'))`);
  hub = startHub(port, 'measure');
  await hub.readyHttp(`${base}/health`, 120_000);
  // The SQL of the plans and floors below, from the build the hub was started from.
  const sql = {
    cohortMonth: await capturedSql('cohort', MONTH),
    cohortQuarter: await capturedSql('cohort', QUARTER),
    cohortYear: await capturedSql('cohort', YEAR),
    cohortKeyword: await capturedSql('cohort', MONTH, { keyword: KEYWORD }),
    timelinesMonth: await capturedSql('timelines', MONTH),
    timelinesOld: await capturedSql('timelines', OLD_MONTH),
    trend: await capturedSql('trend', MONTH),
    representative: await capturedSql('representative', MONTH),
  };

  // 3a. Query by code: the hub, then floor Q on the same store, after one statement has read
  // every sampled code's rows through the index both use (so the first run is not the colder one).
  await withDb((c) =>
    c.query(
      `SELECT count(e.id) FROM inbound_message i LEFT JOIN cases k ON k.inbound_id = i.id LEFT JOIN case_event e ON e.case_id = k.id
        WHERE i.query_code_hash = ANY($1)`,
      [sample.map((s) => new PiiCipher(DATA_KEY).blindIndex('query-code', s.code.replace(/-/g, '')))],
    ),
  );
  const hubQuery = await queryRun('hub: GET /api/v1/query/{code}', base, (code) => `/api/v1/query/${code}`, codes, hub);
  const floorPort = await freePort();
  const floorServer = startChild('floor-query', resolve(root, 'dist', 'bench', 'floor-query-server.js'), {
    PORT: String(floorPort),
    DATABASE_URL: dbUrl,
    HUB_DATA_KEY: DATA_KEY.toString('base64'),
  });
  let floorQuery: QueryRun;
  try {
    await floorServer.readyHttp(`http://127.0.0.1:${floorPort}/health`, 20_000);
    floorQuery = await queryRun('floor Q: GET /query/{code}', `http://127.0.0.1:${floorPort}`, (code) => `/query/${code}`, codes, floorServer);
  } finally {
    await floorServer.stop();
  }

  // 3b. Statistics.
  const api = new Api(base);
  await api.login();
  const q = (p: { from: string; to: string }, extra = '') => `from=${p.from}&to=${p.to}${extra}`;
  const cohort = (b: CityBody) => `${b.received.toLocaleString('en-US')} cases`;
  const unitsCohort = (b: UnitsBody) => `${b.assessment.units.length} units, ${b.overdueTotal ?? b.overdue.length} overdue`;
  const timings: Timing[] = [];
  const floors: { seconds: number[]; rows: number }[] = [];
  const month = await measure<CityBody>(api, hub, `GET /api/v1/stats, month ${MONTH.from}…${MONTH.to}`, `/api/v1/stats?${q(MONTH)}`, cohort);
  timings.push(month.timing);
  floors.push(await floorTimes('cohort, month', sql.cohortMonth));
  timings.push((await measure<CityBody>(api, hub, `GET /api/v1/stats, quarter ${QUARTER.from}…${QUARTER.to}`, `/api/v1/stats?${q(QUARTER)}`, cohort)).timing);
  floors.push(await floorTimes('cohort, quarter', sql.cohortQuarter));
  timings.push((await measure<CityBody>(api, hub, `GET /api/v1/stats, year ${YEAR.from}…${YEAR.to}`, `/api/v1/stats?${q(YEAR)}`, cohort)).timing);
  floors.push(await floorTimes('cohort, year', sql.cohortYear));
  const units = await measure<UnitsBody>(api, hub, `GET /api/v1/stats/units, month`, `/api/v1/stats/units?${q(MONTH)}`, unitsCohort);
  timings.push(units.timing);
  floors.push(await floorTimes('timelines, month', sql.timelinesMonth));
  const keyword = await measure<CityBody>(api, hub, `GET /api/v1/stats, month, keyword=${KEYWORD}`, `/api/v1/stats?${q(MONTH, `&keyword=${encodeURIComponent(KEYWORD)}`)}`, cohort);
  timings.push(keyword.timing);
  floors.push(await floorTimes(`cohort, month, keyword=${KEYWORD}`, sql.cohortKeyword));
  timings.push((await measure<UnitsBody>(api, hub, `GET /api/v1/stats/units, older month ${OLD_MONTH.from}…${OLD_MONTH.to}`, `/api/v1/stats/units?${q(OLD_MONTH)}`, unitsCohort)).timing);
  floors.push(await floorTimes('timelines, older month', sql.timelinesOld));
  const memoryAfterStats = memory(hub);
  log(`peak RSS after the statistics: ${describeMemory(memoryAfterStats)}`);

  // 3c. The 月报.
  const reports: ReportRun[] = [];
  const reportCpu = startCpu(hubCpuGroups(hub));
  for (let i = 0; i < settings.repeat; i++) {
    const r = await monthlyReport(api);
    log(`月报 ${REPORT_MONTH}: ${r.wallSeconds.toFixed(1)} s to done (generation ${r.generationSeconds.toFixed(1)} s; ${r.steps.map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(', ')}); ${r.pages} pages, ${(r.pdfBytes / 1024).toFixed(0)} KiB`);
    reports.push(r);
  }
  const reportCpuShares = reportCpu();
  const memoryAfterReports = memory(hub);
  log(`peak RSS after the reports: ${describeMemory(memoryAfterReports)}`);

  // 4. Plans of the SQL the hub ran (the hub is idle now).
  const plans: Plan[] = [];
  plans.push(await explain('cohort, month', sql.cohortMonth));
  plans.push(await explain('timelines, month (/stats/units, 月报)', sql.timelinesMonth));
  plans.push(await explain(`timelines, older month ${OLD_MONTH.from.slice(0, 7)}`, sql.timelinesOld));
  plans.push(await explain('cohort, year', sql.cohortYear));
  plans.push(await explain('trend (6 months), 月报', sql.trend));
  plans.push(await explain('representative cases, 月报', sql.representative));

  // 5. The hub's figures against plain SQL.
  const counts = await independentCounts(MONTH);
  const compared = comparison(month.body, units.body, keyword.body, counts);
  for (const m of compared.mismatches) log(`MISMATCH ${m}`);

  await hub.stop();
  await cleanUpStore();

  // 6. The detailed block of docs/benchmarks.md.
  const table = timingTable(timings, reports, floors);
  const t = (name: string) => size.tables.find((x) => x.name === name)!;
  const sizeLines = [
    `- Database ${mib(size.database)}.`,
    ...size.tables.map((x) => `- \`${x.name}\`: ${x.rows.toLocaleString('en-US')} rows, table ${mib(x.heap)}, indexes ${mib(x.indexes)} (${x.indexList.map((i) => `${i.name} ${mib(i.bytes)}`).join(', ')}).`),
  ];
  const planBlocks = plans.map((p) => [`**${p.label}** — ${(p.executionMs / 1000).toFixed(2)} s in PostgreSQL; ${p.summary}`, '', '```', ...p.lines, '```'].join('\n'));
  const reportSteps = reports.map((r, i) => `run ${i + 1}: ${r.steps.map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(' → ')}`).join('; ');
  const queryLine = (name: string, r: QueryRun) =>
    `${name} ${Math.round(r.load.acceptedPerSec).toLocaleString('en-US')} req/s, p50 ${r.load.p50} ms, p99 ${r.load.p99} ms (${r.load.accepted.toLocaleString('en-US')} answers 200, ${r.load.non202} other, ${r.load.errors} errors; peak RSS ${r.peakRssMiB} MiB; CPU ${formatCpu(r.cpu)})`;
  const block = [
    BEGIN,
    '### Latest run',
    '',
    renderMachine(machine),
    `- Hub: \`node dist/src/main.js\`, HUB_ROLES=${settings.roles || '(unset: API + forked worker)'}, store part ${Math.round((Date.now() - started) / 1000)} s`,
    `- ${seed.cases.toLocaleString('en-US')} cases (2025-01-01 … 2026-10-31, Asia/Shanghai) and ${seed.events.toLocaleString('en-US')} timeline events (${(seed.events / seed.cases).toFixed(1)} per case) seeded with SQL in chunks of ${settings.chunk.toLocaleString('en-US')}: ` +
      `${seed.insertSeconds.toFixed(0)} s (${Math.round(seed.cases / seed.insertSeconds).toLocaleString('en-US')} cases/s, indexes maintained), then VACUUM ANALYZE ${seed.vacuumAnalyzeSeconds.toFixed(0)} s. Nothing after ${seed.cutoff}.` +
      (kept ? ' This run measured the store an earlier run seeded with the same code (kept in `liuyan_bench_stats`; `BENCH_RESEED=1` seeds again).' : ''),
    '',
    `**Query by code** (${codes.length.toLocaleString('en-US')} cases spread over the store given a real code; ${settings.connections} connections, ${settings.seconds} s after a ${settings.warmupSeconds} s warm-up): ` +
      `${queryLine('hub `GET /api/v1/query/{code}`', hubQuery)}; ${queryLine('floor Q (express, the blind index, one indexed SELECT)', floorQuery)}. ` +
      'Before the two runs one SQL statement reads every sampled code\'s rows through the same index, so neither run starts on a colder cache than the other. ' +
      'The hub also reads the case\'s citizen-visible timeline (in the same statement), opens the sealed name to redact it from the texts, validates the code, and answers more.',
    '',
    table,
    '',
    `Each statistics question asked ${settings.repeat} times in a row (1st = cold after the restart); time to the whole JSON body. The floor streams the same SQL (taken from StatsRepository) through plain pg with the hub's session settings and only counts the rows: what is left is the hub folding the rows in Node and answering. 月报 steps as seen by polling: ${reportSteps}. CPU during the 月报 runs: ${formatCpu(reportCpuShares)}.`,
    '',
    `Peak RSS (VmHWM): after the statistics ${describeMemory(memoryAfterStats)}; after the 月报 ${describeMemory(memoryAfterReports)}.`,
    '',
    '#### Sizes',
    '',
    ...sizeLines,
    `- Per case: \`cases\` ${((t('cases').heap + t('cases').indexes) / seed.cases / 1024).toFixed(2)} KiB with indexes, \`case_event\` ${((t('case_event').heap + t('case_event').indexes) / seed.cases / 1024).toFixed(2)} KiB.`,
    '',
    '#### Plans (EXPLAIN (ANALYZE, BUFFERS) of the SQL StatsRepository builds, hub idle)',
    '',
    'What each index is for: `cases_received (received_at DESC, id DESC)` finds the cohort (cases received in the period); ' +
      '`case_event_case (case_id, at, id)` reads one case\'s timeline in order; the partial `case_event_workflow_at (at) WHERE type IN (workflow types)` ' +
      'finds the assignments and acts of a period without the intake events; `cases_open_deadlines (deadline) WHERE status IN (transferred, coordinating)` ' +
      'lists the cases in a unit\'s hands. The cohort reads every event of its cases (a hash join over `case_event` once the cohort is large); the ' +
      'assessment streams whole timelines to the hub, which folds them in Node (rows out = rows sent to the hub).',
    '',
    ...planBlocks.flatMap((p) => [p, '']),
    '#### The hub\'s figures against plain SQL (2026-10)',
    '',
    ...compared.rows,
    '',
    compared.mismatches.length ? `**${compared.mismatches.length} figure(s) differ** (see the findings below).` : 'All figures agree.',
    END,
  ].join('\n');
  writeDoc(block);
  log(`written to ${settings.docsFile}`);

  const r0 = reports[reports.length - 1];
  const reportWall = reports.map((r) => r.wallSeconds);
  return {
    seed,
    reused: Boolean(kept),
    codes: codes.length,
    query: { hub: hubQuery, floor: floorQuery },
    timings: [
      ...timings.map((x, i) => ({ label: x.label, cohort: x.cohort, hubSeconds: median(x.seconds), floorSeconds: median(floors[i].seconds), floorRows: floors[i].rows })),
      { label: `月报 ${REPORT_MONTH}: request → PDF done`, cohort: `${r0.pages} pages`, hubSeconds: median(reportWall), note: `no floor: a document, not a query; PDF ${(r0.pdfBytes / 1024).toFixed(0)} KiB` },
    ],
    report: { pages: r0.pages, pdfKiB: Math.round(r0.pdfBytes / 1024), chromiumRssMiB: memoryAfterReports.chromium.rssMiB },
    hubPeakMiB: memoryAfterReports.hub,
    mismatches: compared.mismatches,
    seconds: (Date.now() - started) / 1000,
  };
}

/** `npm run bench:stats`: the store's part alone. */
async function main(): Promise<void> {
  installExitHandlers(cleanUpStore);
  const machine: Machine = describeMachine({ postgres: await serverDescription(PG_ADMIN_URL), redis: await redisVersion('127.0.0.1', 6379) });
  log(`${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}`);
  const r = await runStoreBench(machine);
  process.stdout.write(
    `\nquery by code: hub ${r.query.hub.load.acceptedPerSec.toFixed(0)} req/s p99 ${r.query.hub.load.p99} ms; floor Q ${r.query.floor.load.acceptedPerSec.toFixed(0)} req/s p99 ${r.query.floor.load.p99} ms\n` +
      r.timings.map((t) => `${t.label}: hub ${t.hubSeconds.toFixed(2)} s${t.floorSeconds !== undefined ? `, plain SQL ${t.floorSeconds.toFixed(2)} s` : ''}`).join('\n') +
      `\n${r.mismatches.length ? `${r.mismatches.length} figure(s) differ from plain SQL` : 'every figure agrees with plain SQL'}\n`,
  );
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    async (err: Error) => {
      process.stderr.write(`bench:stats failed: ${err.stack ?? err.message}\n`);
      await cleanUpStore().catch(() => undefined);
      process.exit(1);
    },
  );
}
