/**
 * `npm run bench`: the hub against hand-written floors, on this machine, in one run, one table.
 *
 *   Floor A  express + one INSERT of the raw JSON + one BullMQ add, answers 202 (intake floor)
 *   Floor B  floor A + a BullMQ worker process that reads the raw row and INSERTs a case row
 *   Raw      PostgreSQL single-row INSERTs from 20 clients; BullMQ adds and no-op processing
 *            (bench/raw-floors.ts): what the database and the queue do with nothing in between
 *   Hub      dist/src/main.js (API process + forked worker process), fresh database
 *   Store    1,000,000 cases (bench/stats-bench.ts): query by code beside floor Q (express + one
 *            indexed SELECT), the statistics beside the same SQL streamed by plain pg, the 月报
 *   Mappers  each pull adapter's mapper over its fixtures, one core
 *
 * Intake runs are fixed-duration autocannon runs (BENCH_SECONDS, default 10) at 10, 50 and 100
 * connections, hub and floor A alike; end-to-end runs send a burst of BENCH_BURST messages
 * (default 20000) at 50 connections and time until the last case row exists. Peak RSS of every
 * server process is sampled during each run. Progress goes to stderr; the summary table to
 * stdout, to README.md (with the machine) and, with the detailed tables, to docs/benchmarks.md.
 * Every server is a child process, stopped at the end or on any error.
 *
 * Other settings: BENCH_WARMUP_SECONDS (2), BENCH_CONCURRENCIES (intake runs besides 50, "10,100"),
 * BENCH_API_ONLY=0 (skip the HUB_ROLES=api diagnostic run), BENCH_KEEP_DB=1 (keep the intake
 * databases), BENCH_DRAIN_TIMEOUT_SECONDS (120), BENCH_STORE=0 (skip the 1,000,000-case part),
 * and the store's own (bench/stats-bench.ts): BENCH_RESEED=1, BENCH_DROP_STORE=1, BENCH_STATS_REPEAT.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Child, freePort, installExitHandlers, startChild, stopAll } from './children';
import { BenchConfig, databaseUrl, loadBenchConfig, redisUrl } from './config';
import { byPid, CpuGroup, cpuGroups, CpuShares, forkedBy, formatCpu, startCpu } from './cpu';
import { forkedNodes, MemoryGroup, PeakRss, startRssSampler } from './memory';
import { RawFloors, runRawFloors } from './raw-floors';
import { cleanUpStore, runStoreBench, StoreResult } from './stats-bench';
import { createDatabase, dropDatabase, flushRedisDb, Probe, redisVersion, serverDescription, walPosition } from './db';
import { FLOOR_SCHEMA } from './floor-common';
import { LoadResult, LoadSpec, runLoad } from './load';
import { describeMachine } from './machine';
import { MessageStream } from './messages';
import { benchMappers } from './mappers';
import { generatedBlock, README_BLOCK, readmeBlock, renderSummary, renderTable, renderVerdict, Row, SummaryRow, summaryRows, writeDoc } from './report';

/** Distinct message texts (each request also gets a phone number of its own). */
const MESSAGE_TEMPLATES = 4096;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}


function distFile(cfg: BenchConfig, path: string): string {
  const file = resolve(cfg.root, 'dist', path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm run bench does)`);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** The servers under test: how to find their CPU time, and their processes for memory. */
interface Servers {
  cpu: CpuGroup[];
  memory: MemoryGroup[];
}

interface Measured {
  load: LoadResult;
  cpu: CpuShares;
  /** WAL written during the run, in bytes (whole cluster). */
  walBytes: number;
  /** Peak resident set of each server group during the run, MiB. */
  rss: PeakRss;
}

/** CPU split, WAL volume and peak RSS from now until the returned function is called. */
async function startMeters(cfg: BenchConfig, servers: Servers): Promise<() => Promise<{ cpu: CpuShares; walBytes: number; rss: PeakRss }>> {
  const wal0 = await walPosition(cfg.pgAdminUrl);
  const stopCpu = startCpu(cpuGroups(servers.cpu));
  const stopRss = startRssSampler(servers.memory);
  return async () => {
    const cpu = stopCpu();
    const rss = stopRss();
    return { cpu, rss, walBytes: Number((await walPosition(cfg.pgAdminUrl)) - wal0) };
  };
}

/** A fixed-duration load run, with the CPU split, WAL volume and peak RSS over its duration. */
async function intakeRun(cfg: BenchConfig, spec: LoadSpec, servers: Servers): Promise<Measured> {
  const stop = await startMeters(cfg, servers);
  const load = await runLoad(spec);
  return { load, ...(await stop()) };
}

/** A warning when processes outside the bench used the cores meanwhile (the figures are then low). */
function disturbance(cpu: CpuShares): string | undefined {
  const other = cpu.find((s) => s.label === 'other')?.percent ?? 0;
  return other > 10 ? `other processes used ${other} % of a core meanwhile: figures disturbed` : undefined;
}

/** `withWal`: only where the run's WAL belongs to its messages alone (no worker busy meanwhile). */
function intakeRow(measurement: string, r: Measured, withWal: boolean): Row {
  return {
    measurement,
    connections: r.load.connections,
    messages: r.load.accepted,
    rate: r.load.acceptedPerSec,
    unit: 'req/s',
    p50: r.load.p50,
    p99: r.load.p99,
    non202: r.load.non202,
    errors: r.load.errors,
    walKbPerMsg: withWal && r.load.accepted > 0 ? r.walBytes / 1024 / r.load.accepted : undefined,
    cpu: formatCpu(r.cpu),
    rss: r.rss,
    note: disturbance(r.cpu),
  };
}

/** How to count a server's case rows, find the newest, and list their creation times in order. */
interface CaseQueries {
  count: string;
  newest: string;
  /** `SELECT created_at AS t FROM … ORDER BY created_at` (the bench appends OFFSET/LIMIT). */
  ordered: string;
}

interface BurstResult extends Measured {
  /** Case rows written by the burst. */
  cases: number;
  /** From the first request to the last case row. */
  seconds: number;
  rate: number;
  /** Cases per second over the first and the second half of the burst's cases. */
  halves?: [number, number];
  complete: boolean;
}

/**
 * Sends `cfg.burst` messages and times until every accepted one is a case row. The end is the
 * newest case row's creation time (set by the worker), so polling granularity does not matter.
 */
async function burst(cfg: BenchConfig, url: string, bodies: MessageStream, probe: Probe, sql: CaseQueries, servers: Servers): Promise<BurstResult> {
  const baseline = await probe.number(sql.count);
  const stop = await startMeters(cfg, servers);
  const load = await runLoad({ url, connections: cfg.connections, amount: cfg.burst, maxSeconds: cfg.drainTimeoutMs / 1000, bodies });
  const target = baseline + load.accepted;
  const complete = await probe.waitFor(sql.count, (n) => n >= target, cfg.drainTimeoutMs);
  const meters = await stop();
  const cases = (await probe.number(sql.count)) - baseline;
  const end = complete ? ((await probe.epochMs(sql.newest)) ?? Date.now()) : Date.now();
  const seconds = (end - load.startedAt) / 1000;
  // Does registration slow down as the table grows? Compare the two halves of the burst.
  let halves: [number, number] | undefined;
  const half = Math.floor(cases / 2);
  const mid = complete && half > 0 ? await probe.epochMs(`${sql.ordered} OFFSET $1 LIMIT 1`, [baseline + half - 1]) : null;
  if (mid !== null && mid > load.startedAt && end > mid) halves = [half / ((mid - load.startedAt) / 1000), (cases - half) / ((end - mid) / 1000)];
  return { load, ...meters, cases, seconds, rate: cases / seconds, halves, complete };
}

function burstRow(measurement: string, b: BurstResult): Row {
  return {
    measurement,
    connections: b.load.connections,
    messages: b.cases,
    rate: b.rate,
    unit: 'msg/s',
    p50: b.load.p50,
    p99: b.load.p99,
    non202: b.load.non202,
    errors: b.load.errors,
    walKbPerMsg: b.cases > 0 ? b.walBytes / 1024 / b.cases : undefined,
    cpu: formatCpu(b.cpu),
    rss: b.rss,
    note: [
      `burst of ${b.load.accepted + b.load.non202 + b.load.errors}; last case ${b.seconds.toFixed(1)} s after the first request; latencies are the burst's intake`,
      b.halves ? `cases/s in the burst's 1st half ${b.halves[0].toFixed(0)}, 2nd half ${b.halves[1].toFixed(0)}` : undefined,
      b.complete ? undefined : 'INCOMPLETE (timed out)',
      disturbance(b.cpu),
    ]
      .filter(Boolean)
      .join('; '),
  };
}

// ---------------------------------------------------------------------------------------------
// Floors

interface FloorResults {
  /** Floor A at each concurrency, fewest connections first. */
  intake: { connections: number; row: Row; rate: number }[];
  endToEnd: Row;
  endToEndRate: number;
  raw: RawFloors;
}

/** The concurrencies of the intake runs: the main one, then the sweep, in increasing order. */
function concurrencies(cfg: BenchConfig): number[] {
  return [...new Set([cfg.connections, ...cfg.sweep])].sort((x, y) => x - y);
}

function pidsOf(child: Child): () => number[] {
  return () => (child.proc.pid ? [child.proc.pid] : []);
}

async function runFloors(cfg: BenchConfig, bodies: MessageStream): Promise<FloorResults> {
  const dbUrl = databaseUrl(cfg.floorDatabase);
  log(`floor: creating database ${cfg.floorDatabase}`);
  await createDatabase(cfg.pgAdminUrl, cfg.floorDatabase, FLOOR_SCHEMA, dbUrl);
  await flushRedisDb(cfg.redisHost, cfg.redisPort, cfg.floorRedisDb);

  const port = await freePort();
  const env = { PORT: String(port), DATABASE_URL: dbUrl, REDIS_URL: redisUrl(cfg, cfg.floorRedisDb) };
  const url = `http://127.0.0.1:${port}/messages`;
  const server = startChild('floor-server', distFile(cfg, 'bench/floor-server.js'), env);
  let worker: Child | undefined;
  let probe: Probe | undefined;
  try {
    await server.readyHttp(`http://127.0.0.1:${port}/health`, 20_000);
    probe = await Probe.open(dbUrl);
    const srv: Servers = { cpu: [{ label: 'srv', match: byPid(server.proc.pid) }], memory: [{ label: 'srv', pids: pidsOf(server) }] };

    if (cfg.warmupSeconds > 0) {
      log(`floor A: warm-up ${cfg.warmupSeconds} s`);
      await runLoad({ url, connections: cfg.connections, seconds: cfg.warmupSeconds, bodies });
    }
    const intake: FloorResults['intake'] = [];
    for (const c of concurrencies(cfg)) {
      log(`floor A: intake, ${c} connections, ${cfg.seconds} s`);
      const a = await intakeRun(cfg, { url, connections: c, seconds: cfg.seconds, bodies }, srv);
      intake.push({ connections: c, row: intakeRow('Floor A: intake (express + INSERT + queue.add)', a, true), rate: a.load.acceptedPerSec });
    }

    // Floor B starts from empty tables and an empty queue (floor A's jobs were never consumed).
    await probe.exec('TRUNCATE case_row, raw_message RESTART IDENTITY');
    await flushRedisDb(cfg.redisHost, cfg.redisPort, cfg.floorRedisDb);
    worker = startChild('floor-worker', distFile(cfg, 'bench/floor-worker.js'), env);
    await worker.readyMessage(20_000);
    log(`floor B: burst of ${cfg.burst} messages, ${cfg.connections} connections`);
    const b = await burst(cfg, url, bodies, probe, { count: 'SELECT count(*) AS n FROM case_row', newest: 'SELECT max(created_at) AS t FROM case_row', ordered: 'SELECT created_at AS t FROM case_row ORDER BY created_at' }, {
      cpu: [
        { label: 'srv', match: byPid(server.proc.pid) },
        { label: 'wrk', match: byPid(worker.proc.pid) },
      ],
      memory: [
        { label: 'srv', pids: pidsOf(server) },
        { label: 'wrk', pids: pidsOf(worker) },
      ],
    });
    log(`floor: A ${intake.map((i) => `${i.rate.toFixed(0)} req/s at ${i.connections}`).join(', ')}; B ${b.rate.toFixed(0)} msg/s`);
    await Promise.all([worker.stop(), server.stop()]);

    // The raw floors, with no server running: the database and the queue alone.
    await probe.exec('TRUNCATE case_row, raw_message RESTART IDENTITY');
    await flushRedisDb(cfg.redisHost, cfg.redisPort, cfg.floorRedisDb);
    log(`raw floors: PostgreSQL INSERTs for ${cfg.seconds} s; BullMQ: ${cfg.burst} adds, then processing them`);
    const raw = await runRawFloors({ dbUrl, redisUrl: redisUrl(cfg, cfg.floorRedisDb), bodies, seconds: cfg.seconds, jobs: cfg.burst, addsInFlight: cfg.connections });
    log(`raw floors: INSERT ${raw.pgInsert.rate.toFixed(0)} rows/s; BullMQ add ${raw.bullAdd.rate.toFixed(0)}/s, process ${raw.bullProcess.rate.toFixed(0)}/s`);

    return {
      intake,
      endToEnd: burstRow('Floor B: end to end (floor A + worker: SELECT + INSERT)', b),
      endToEndRate: b.rate,
      raw,
    };
  } finally {
    await probe?.close();
    await Promise.all([worker?.stop(), server.stop()]);
  }
}

// ---------------------------------------------------------------------------------------------
// Hub

const HUB_CASES: CaseQueries = {
  count: 'SELECT count(*) AS n FROM cases',
  newest: 'SELECT max(created_at) AS t FROM cases',
  ordered: 'SELECT created_at AS t FROM cases ORDER BY created_at',
};
/** Accepted messages not yet cases (every inbound row becomes exactly one case). */
const HUB_BACKLOG = 'SELECT (SELECT count(*) FROM inbound_message) - (SELECT count(*) FROM cases) AS n';

interface HubResults {
  /** At each concurrency, fewest connections first. */
  intake: { connections: number; row: Row; rate: number }[];
  /** HUB_ROLES=api at the main concurrency (diagnostic), if measured. */
  apiOnly?: Row;
  /** The same with the public rate limit on, counted in Redis (what the default configuration costs). */
  apiOnlyLimited?: Row;
  endToEnd: Row;
  endToEndRate: number;
}

/**
 * The hub with the rate limit off (one load client would be refused after 120 requests), unless
 * `limited`: then a limit no run reaches, still counted per request in Redis as by default.
 */
function startHub(cfg: BenchConfig, port: number, roles?: string, limited = false): Child {
  return startChild(roles ? `hub:${roles}` : 'hub', distFile(cfg, 'src/main.js'), {
    PORT: String(port),
    DATABASE_URL: databaseUrl(cfg.hubDatabase),
    REDIS_URL: redisUrl(cfg, cfg.hubRedisDb),
    HUB_RATE_LIMIT: limited ? '1000000' : '0',
    HUB_ACCESS_LOG: 'false',
    HUB_LOG_LEVEL: 'warn',
    ...(roles ? { HUB_ROLES: roles } : {}),
  });
}

/** Waits until the worker has registered every accepted message, so the next run starts idle. */
async function drain(cfg: BenchConfig, probe: Probe): Promise<void> {
  const t0 = Date.now();
  const ok = await probe.waitFor(HUB_BACKLOG, (n) => n <= 0, cfg.drainTimeoutMs, 250);
  log(`hub: backlog ${ok ? 'drained' : 'NOT drained'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function runHub(cfg: BenchConfig, bodies: MessageStream): Promise<HubResults> {
  log(`hub: dropping database ${cfg.hubDatabase} (the hub creates and migrates it)`);
  await dropDatabase(cfg.pgAdminUrl, cfg.hubDatabase);
  await flushRedisDb(cfg.redisHost, cfg.redisPort, cfg.hubRedisDb);

  const port = await freePort();
  const health = `http://127.0.0.1:${port}/health`;
  const url = `http://127.0.0.1:${port}/api/v1/channels/portal-zhujian/messages`;
  let hub = startHub(cfg, port);
  let probe: Probe | undefined;
  try {
    await hub.readyHttp(health, 60_000);
    probe = await Probe.open(databaseUrl(cfg.hubDatabase));
    const leader = hub.proc.pid;
    const workerPids = forkedNodes(leader); // forked at boot: known once /health answers
    if (workerPids.length === 0) throw new Error(`the hub's worker process (forked by ${leader}) was not found under /proc`);
    const servers: Servers = {
      cpu: [
        { label: 'api', match: byPid(leader) },
        { label: 'wrk', match: forkedBy(leader) },
      ],
      memory: [
        { label: 'api', pids: () => (leader ? [leader] : []) },
        { label: 'wrk', pids: () => workerPids },
      ],
    };

    if (cfg.warmupSeconds > 0) {
      log(`hub: warm-up ${cfg.warmupSeconds} s`);
      await runLoad({ url, connections: cfg.connections, seconds: cfg.warmupSeconds, bodies });
    }
    await drain(cfg, probe);

    log(`hub: end-to-end burst of ${cfg.burst} messages, ${cfg.connections} connections`);
    const e2e = await burst(cfg, url, bodies, probe, HUB_CASES, servers);
    log(`hub: end to end ${e2e.rate.toFixed(0)} msg/s`);

    const intake: HubResults['intake'] = [];
    for (const c of concurrencies(cfg)) {
      await drain(cfg, probe);
      log(`hub: intake, ${c} connections, ${cfg.seconds} s`);
      const r = await intakeRun(cfg, { url, connections: c, seconds: cfg.seconds, bodies }, servers);
      log(`hub: ${r.load.acceptedPerSec.toFixed(0)} req/s at ${c} connections; peak RSS api ${r.rss.api} MiB, worker ${r.rss.wrk} MiB`);
      intake.push({ connections: c, row: intakeRow('Hub: intake', r, false), rate: r.load.acceptedPerSec });
    }
    let apiOnly: Row | undefined;

    let apiOnlyLimited: Row | undefined;
    if (cfg.apiOnly) {
      // Diagnostic: the same intake with no worker process competing for the two cores, without
      // and then with the public rate limit (one Redis call per request).
      const apiRun = async (limited: boolean, measurement: string) => {
        await drain(cfg, probe!);
        await hub.stop();
        hub = startHub(cfg, port, 'api', limited);
        await hub.readyHttp(health, 60_000);
        if (cfg.warmupSeconds > 0) await runLoad({ url, connections: cfg.connections, seconds: cfg.warmupSeconds, bodies });
        log(`${measurement}: intake, ${cfg.connections} connections, ${cfg.seconds} s`);
        const api = hub;
        const r = await intakeRun(cfg, { url, connections: cfg.connections, seconds: cfg.seconds, bodies }, {
          cpu: [{ label: 'api', match: byPid(api.proc.pid) }],
          memory: [{ label: 'api', pids: pidsOf(api) }],
        });
        return intakeRow(measurement, r, true);
      };
      apiOnly = await apiRun(false, 'Hub: intake, HUB_ROLES=api (diagnostic: no worker process)');
      apiOnlyLimited = await apiRun(true, 'Hub: intake, HUB_ROLES=api, rate limit counted in Redis');
    }

    return { intake, apiOnly, apiOnlyLimited, endToEnd: burstRow('Hub: end to end', e2e), endToEndRate: e2e.rate };
  } finally {
    await probe?.close();
    await hub.stop();
  }
}

// ---------------------------------------------------------------------------------------------

/** The intake part's servers, Redis databases and (unless kept) databases. */
async function cleanUpIntake(cfg: BenchConfig): Promise<void> {
  await stopAll();
  await Promise.allSettled([
    flushRedisDb(cfg.redisHost, cfg.redisPort, cfg.floorRedisDb),
    flushRedisDb(cfg.redisHost, cfg.redisPort, cfg.hubRedisDb),
  ]);
  if (!cfg.keepDatabases) {
    await Promise.allSettled([dropDatabase(cfg.pgAdminUrl, cfg.floorDatabase), dropDatabase(cfg.pgAdminUrl, cfg.hubDatabase)]);
  }
}

async function cleanUp(cfg: BenchConfig): Promise<void> {
  await cleanUpIntake(cfg);
  await cleanUpStore();
}

async function main(): Promise<void> {
  const cfg = loadBenchConfig();
  installExitHandlers(() => cleanUp(cfg));
  const started = Date.now();
  const bodies = new MessageStream(MESSAGE_TEMPLATES);
  const machine = describeMachine({ postgres: await serverDescription(cfg.pgAdminUrl), redis: await redisVersion(cfg.redisHost, cfg.redisPort) });
  log(`${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}`);

  let floors: FloorResults;
  let hub: HubResults;
  let store: StoreResult | undefined;
  try {
    floors = await runFloors(cfg, bodies);
    hub = await runHub(cfg, bodies);
    await cleanUpIntake(cfg); // the intake databases go before the store is measured
    if (cfg.store) store = await runStoreBench(machine);
  } finally {
    await cleanUp(cfg);
  }
  // Mapper throughput: pure functions on one core, over each adapter's ok/ fixtures.
  const mappers = benchMappers();

  // The detailed table (docs/benchmarks.md): every run with its CPU split and WAL volume.
  const floorAt = (c: number) => floors.intake.find((f) => f.connections === c);
  const rows: Row[] = [
    ...floors.intake.map((f) => f.row),
    ...hub.intake.map((h) => ({ ...h.row, ratio: floorAt(h.connections) ? h.rate / floorAt(h.connections)!.rate : undefined })),
    ...(hub.apiOnly ? [hub.apiOnly] : []),
    ...(hub.apiOnlyLimited ? [hub.apiOnlyLimited] : []),
    floors.endToEnd,
    { ...hub.endToEnd, ratio: hub.endToEndRate / floors.endToEndRate },
  ];
  const mainIntake = hub.intake.find((h) => h.connections === cfg.connections)!;
  const intakeRatio = mainIntake.rate / floorAt(cfg.connections)!.rate;
  const endToEndRatio = hub.endToEndRate / floors.endToEndRate;
  const details = renderTable(rows);
  const verdict = renderVerdict(intakeRatio, endToEndRatio);
  const mapperTable = [
    '| Adapter mapper | Fixtures | Records/s (one core) | µs per record |',
    '|---|---:|---:|---:|',
    ...mappers.map((m) => `| ${m.adapter} | ${m.fixtures} | ${m.recordsPerSecond.toLocaleString('en-US')} | ${m.microsecondsPerRecord} |`),
  ].join('\n');

  // The one table.
  const summary: SummaryRow[] = summaryRows({ cfg: { connections: cfg.connections, burst: cfg.burst, seconds: cfg.seconds }, floors, hub, mappers, store });
  const table = renderSummary(summary);
  const seconds = Math.round((Date.now() - started) / 1000);
  const settings =
    `intake runs of ${cfg.seconds} s (after a ${cfg.warmupSeconds} s warm-up per server), bursts of ${cfg.burst} messages, ` +
    `${cfg.connections} connections unless stated; whole bench ${seconds} s` +
    (store ? ` (store part ${Math.round(store.seconds)} s${store.reused ? ', on the store an earlier run seeded' : `, seeding included`})` : '; store part skipped (BENCH_STORE=0)');
  process.stdout.write(`\n${table}\n\n${verdict}\n`);
  writeDoc(cfg.docsFile, generatedBlock({ machine, settings, summary: table, table: `${details}\n\n${mapperTable}`, verdict }));
  log(`written to ${cfg.docsFile}`);
  writeDoc(cfg.readmeFile, readmeBlock({ machine, settings, summary: table }), README_BLOCK);
  log(`written to ${cfg.readmeFile}`);
}

main().then(
  () => process.exit(0),
  async (err: Error) => {
    process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
    await stopAll();
    process.exit(1);
  },
);
