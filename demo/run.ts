/**
 * `npm run demo`: the hub with its upstreams on this machine, filled with a few days of traffic.
 *
 *  1. checks PostgreSQL, Redis and the port (3000, or HUB_DEMO_PORT);
 *  2. drops and recreates the database liuyan_demo (its name is checked) and flushes Redis db 10;
 *  3. starts the local stand-ins of the People's Daily leaders' board, the 今日运城 app's export
 *     API and 市民政局's old GBK board (the e2e tests' servers, test/servers/, compiled with the demo);
 *  4. starts the hub as `npm start` does (node dist/src/main.js: API + worker child process),
 *     with the bootstrap admin, and waits for /health;
 *  5. creates the demo users with the hub's AuthService;
 *  6. loads the traffic through the hub's HTTP interfaces (demo/traffic.ts);
 *  7. prints where to click, and keeps running until Ctrl-C; then stops the hub (its worker first)
 *     and the stand-ins, and leaves liuyan_demo for inspection.
 *
 * Any failure names the step and what failed, stops what was started, and exits 1.
 */
process.env.TZ = 'Asia/Shanghai';
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppExportServer, startAppExport } from '../test/servers/app-export';
import { LeadersBoard, startLeadersBoard } from '../test/servers/leaders-board';
import { OldPortalBoard, startOldPortalBoard } from '../test/servers/old-portal-board';
import { DemoError, HubClient } from './client';
import { checkPortFree, checkServices, createUsers, HubProcess, resetDemoStore, startHubProcess, waitHealthy } from './hub-process';
import { ADMIN, DEMO_DATABASE, DEMO_REDIS_DB, demoSettings, USERS } from './settings';
import { loadTraffic, oldBoardMessages, TrafficResult } from './traffic';

const started = Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const out = (line = '') => process.stdout.write(`${line}\n`);

let hub: HubProcess | undefined;
let board: LeadersBoard | undefined;
let app: AppExportServer | undefined;
let oldBoard: OldPortalBoard | undefined;
let stopping = false;
let databaseMade = false;
let currentStep = 'reading the settings (HUB_DEMO_*)';

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  currentStep = name;
  const t0 = Date.now();
  out(`▶ ${name}`);
  const value = await fn();
  out(`  ✓ ${secs(Date.now() - t0)}`);
  return value;
}

/** Stops the hub (SIGINT, as Ctrl-C: it finishes its requests and stops its worker first), then the stand-ins. */
async function stopAll(): Promise<void> {
  if (hub) {
    out('  stopping the hub (API process and its worker child)…');
    await hub.stop();
  }
  for (const [name, s] of [['leaders’ board stand-in', board], ['app export stand-in', app], ['old portal board stand-in', oldBoard]] as const) {
    if (s) await s.close().catch((err: Error) => out(`  (could not close the ${name}: ${err.message})`));
  }
}

async function shutdown(code: number, why: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    out(`\n${why}`);
    await stopAll().catch((err: Error) => out(`  stopping failed: ${err.message}`));
    out('Stopped.');
    if (databaseMade) {
      out(`The demo database ${DEMO_DATABASE} is left for inspection: psql ${demoSettings().databaseUrl}`);
      out(`(Redis db ${DEMO_REDIS_DB} too; the next \`npm run demo\` drops and flushes both.)`);
    }
  }
  process.exit(code);
}

function printLinks(base: string, r: TrafficResult, adminToken: string): void {
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(1, n - [...s].length));
  out('');
  out('══════════════════════════════════════════════════════════════════════════════════════');
  out(` 运城市长信箱集中受理平台 — demo running at ${base}   (ready in ${secs(Date.now() - started)})`);
  out('══════════════════════════════════════════════════════════════════════════════════════');
  out(` Console         ${base}/console        (sign in at ${base}/console/login)`);
  for (const u of USERS) out(`   ${pad(u.username, 10)} password ${pad(u.password, 24)} ${u.label}`);
  out(` Mailbox form    ${base}/mailbox`);
  out(` A portal's link ${base}/go/portal-jiaoyu   (lands on the form attributed to 市教育局)`);
  out(` 一键查询        ${base}/query   query code ${r.queryCode}  (case ${r.queryCase}: replied, can be rated)`);
  out(` Public list     ${base}/public`);
  out(` API docs        ${base}/docs`);
  out(` Queue board     ${base}/admin/queues?token=${adminToken}`);
  out('                 (the admin’s access token, valid 8 h; the board keeps it in a cookie)');
  out(` 专报            report #${r.reportId}: ${base}/console/reports  (API: /api/v1/reports/${r.reportId}/html, /pdf)`);
  out(' Cases to open   (console: /console/cases/{caseNo}; API: /api/v1/cases/{caseNo})');
  for (const c of r.showcase) out(`   ${c.caseNo}  ${c.label}`);
  out(`   zhujian (市住建局) may open ${r.zhujianCase}; it gets 未找到 for 市教育局's ${r.jiaoyuCase}`);
  out(` Cases by status ${Object.entries(r.statusCounts).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
  out(` Cases by channel ${Object.entries(r.channelCounts).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
  out(` Stand-ins       leaders' board ${board?.url} · app export ${app?.url} · old 市民政局 board ${oldBoard?.url}/hdjl/index.html`);
  out(` Hub log         ${hub?.logFile}`);
  out(` Database        ${demoSettings().databaseUrl} (kept after Ctrl-C) · Redis db ${DEMO_REDIS_DB}`);
  out('');
  out('Press Ctrl-C to stop the demo.');
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0, 'Ctrl-C: stopping the demo.'));
  process.on('SIGTERM', () => void shutdown(0, 'SIGTERM: stopping the demo.'));
  // Should the demo itself die, never leave the hub running on the port.
  process.on('exit', () => hub?.child.exitCode === null && hub.child.kill('SIGINT'));

  const s = demoSettings();
  const client = new HubClient(s.baseUrl);
  await step('check PostgreSQL, Redis and the port', async () => {
    await checkServices(s);
    await checkPortFree(s.port);
  });
  await step(`drop and recreate the database ${DEMO_DATABASE}, flush Redis db ${DEMO_REDIS_DB}`, async () => {
    await resetDemoStore(s);
    databaseMade = true;
  });
  await step('start the stand-ins: leaders’ board, app export API, 市民政局’s old board', async () => {
    board = await startLeadersBoard({ firstTid: 18730001 });
    app = await startAppExport({ apiKey: 'demo-app-export-key' });
    oldBoard = await startOldPortalBoard(oldBoardMessages(), 4);
    out(`  ${board.url} · ${app.url} · ${oldBoard.url}`);
  });
  await step(`start the hub on port ${s.port} (node dist/src/main.js: API + worker process)`, async () => {
    hub = await startHubProcess(s, join(__dirname, '..'));
    out(`  log: ${hub.logFile}`);
    await waitHealthy(hub, client);
  });
  hub!.child.once('exit', (code, signal) => {
    if (!stopping) void shutdown(1, `The hub exited unexpectedly (${signal ?? code}) during “${currentStep}”; its log ends with:\n${hub!.logTail()}`);
  });
  await step('create the demo users (AuthService)', () => createUsers(s, USERS.filter((u) => u !== ADMIN)));
  const result = await step('load a few days of traffic through the hub', () =>
    loadTraffic(client, { board: board!, app: app!, oldBoard: oldBoard! }, s.databaseUrl, (line) => out(`  · ${line}`)),
  );
  currentStep = 'running';
  const adminToken = await client.login(ADMIN.username, ADMIN.password);
  // For tools (demo/screenshots.ts) and for copying: what the printout says, as JSON.
  writeFileSync(join(hub!.logFile, '..', 'links.json'), JSON.stringify({ baseUrl: s.baseUrl, users: USERS, ...result }, null, 2));
  printLinks(s.baseUrl, result, adminToken);
}

main().catch(async (err: unknown) => {
  const e = err as Error;
  out('');
  out(`✗ the demo failed at “${currentStep}”:`);
  out(`  ${e instanceof DemoError ? e.message : (e.stack ?? String(e))}`);
  if (e instanceof DemoError && e.hint) out(`  hint: ${e.hint}`);
  if (hub && !(e instanceof DemoError && e.message.includes('log ('))) out(`  the hub's log (${hub.logFile}, access lines left out) ends with:\n${hub.logTail(12)}`);
  await shutdown(1, 'Stopping what was started.');
});
