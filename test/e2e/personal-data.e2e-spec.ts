/**
 * Personal data stays where it belongs (issue 7). The BUILT hub runs as a real process (as
 * `npm start` runs it: API + worker child) with debug logs and the access log on, its output
 * captured. Ten citizens with distinctive names, phones, emails and ID numbers write in (half of
 * them also type their details into the title and the text); one message is public; staff and a
 * unit move cases through the workflow; a citizen rates; staff ask for a 专报. Then every place
 * the hub publishes or reports is collected — logs, /metrics, query answers and the /query page,
 * Open311, /public, the masked case list, CSV and XLSX exports, statistics, the report's HTML and
 * document — and none may hold a citizen's phone (with or without separators), name, email or ID
 * number. The staff reveal shows them, and is audited. A raw `pg_dump --data-only` of the database
 * holds none of the contact fields in clear. Needs `npm run build` first.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Workbook } from 'exceljs';
import { Client } from 'pg';
import { hashPassword } from '../../src/auth/password';
import { eventually } from '../utils/hub';
import { dropTestStore, freePort } from '../utils/hub-process';

const MAIN = join(__dirname, '../../dist/src/main.js');
const DB = 'liuyan_test_pii';
const DB_URL = `postgres://postgres@127.0.0.1:5432/${DB}`;
const REDIS_URL = 'redis://127.0.0.1:6379/13';
const ADMIN = { username: 'admin', password: 'pii-test-admin-password' };
const PASSWORD = 'pii-test-user-password';

/** A resident ID number with a valid GB 11643 check digit. */
function idNumber(first17: string): string {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = W.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}

interface Citizen {
  name: string;
  phone: string;
  email: string;
  idNumber: string;
  /** Also typed into the title and the text of the message. */
  typed: boolean;
}

// Names no page of the hub would contain by itself (not units, not labels).
const NAMES = ['欧阳震华', '司马懿秋', '诸葛青云', '上官婉儿', '慕容复生', '皇甫嵩岳', '东方既白', '令狐冲霄', '独孤求败', '公孙胜男'];
const CITIZENS: Citizen[] = NAMES.map((name, i) => ({
  name,
  phone: `1${[3, 5, 8, 9, 7][i % 5]}${String(80000000 + 1234567 * (i + 1)).padStart(9, '0').slice(0, 9)}`,
  email: `pii.citizen${i}.${['ouyang', 'sima', 'zhuge', 'shangguan', 'murong', 'huangfu', 'dongfang', 'linghu', 'dugu', 'gongsun'][i]}@example.net`,
  idNumber: idNumber(`14080219${70 + i}0${(i % 9) + 1}1${i}${(i * 7) % 10}${(i * 3) % 10}${i}`),
  typed: i % 2 === 0,
}));

/** Every form a secret may take in a text: as given, and a phone also with separators and without. */
function secretsOf(c: Citizen): string[] {
  const p = c.phone;
  return [c.name, c.email, c.idNumber, c.idNumber.toLowerCase(), p, `${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`, `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`];
}
const ALL_SECRETS = CITIZENS.flatMap(secretsOf);

/** The secrets a text holds; the text is also searched with every separator between digits removed. */
function leaks(text: string, secrets = ALL_SECRETS): string[] {
  const squeezed = text.replace(/(?<=\d)[\s\-.()（）]+(?=\d)/g, '');
  const decoded = text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return [...new Set(secrets.filter((s) => text.includes(s) || squeezed.includes(s.replace(/[\s-]/g, '')) || decoded.includes(s)))];
}

describe('personal data in logs, public answers, exports and reports (the built hub as a process)', () => {
  let child: ChildProcess;
  let output = '';
  let exited: Promise<number | null>;
  let base: string;
  const tokens: Record<string, string> = {};
  const receipts: { citizen: Citizen; receiptNo: string; queryCode: string; caseNo?: string }[] = [];
  /** What each place answered, by name. */
  const collected = new Map<string, string>();
  let reportId = '';

  const api = async (path: string, init: RequestInit & { as?: string } = {}) => {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (init.as) headers.Authorization = `Bearer ${tokens[init.as]}`;
    if (init.body && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
    return fetch(`${base}${path}`, { ...init, headers });
  };
  const ok = async (res: Response, status = 200): Promise<Response> => {
    if (res.status !== status) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
    return res;
  };
  const act = async (caseNo: string, event: string, body: object, as = 'staff') =>
    ok(await api(`/api/v1/cases/${caseNo}/actions/${event}`, { method: 'POST', as, body: JSON.stringify(body) }));
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    await dropTestStore(DB, REDIS_URL);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        DATABASE_URL: DB_URL,
        REDIS_URL,
        HUB_LOG_LEVEL: 'debug',
        HUB_ACCESS_LOG: 'true',
        HUB_RATE_LIMIT: '0',
        HUB_MONTHLY_REPORT_AT: 'off',
        HUB_SWEEP_AFTER_MS: '2000',
        HUB_ADMIN_USERNAME: ADMIN.username,
        HUB_ADMIN_PASSWORD: ADMIN.password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    await eventually(async () => ((await fetch(`${base}/health`).catch(() => undefined))?.status === 200 ? true : undefined), 40_000, 'the hub to answer /health');

    // Staff accounts (there is no user API: written as AuthService.createUser writes them).
    const db = new Client({ connectionString: DB_URL });
    await db.connect();
    for (const [username, role, unit] of [['pii-staff', 'staff', null], ['pii-zhujian', 'unit', '市住建局'], ['pii-leader', 'leader', null]] as const) {
      await db.query(`INSERT INTO staff_user (username, password_hash, role, unit) VALUES ($1, $2, $3, $4)`, [username, await hashPassword(PASSWORD), role, unit]);
    }
    await db.end();
    const login = async (username: string, password: string) =>
      ((await (await ok(await api('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) }))).json()) as { accessToken: string }).accessToken;
    tokens.admin = await login(ADMIN.username, ADMIN.password);
    tokens.staff = await login('pii-staff', PASSWORD);
    tokens.unit = await login('pii-zhujian', PASSWORD);
    tokens.leader = await login('pii-leader', PASSWORD);

    // Ten messages; the even ones type the contact details into the title and the text.
    for (const [i, c] of CITIZENS.entries()) {
      const p = c.phone;
      const body = {
        title: c.typed ? `${c.name}反映：电话${p}` : `小区问题反映${i}`,
        content: c.typed
          ? `我是${c.name}，身份证号${c.idNumber}，电话${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}，也可打${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}，邮箱${c.email}。小区${i}号楼电梯经常停运，请督促物业维修。`
          : `小区${i}号楼门前道路破损，雨天积水严重，请尽快修复。`,
        name: c.name,
        phone: i % 3 === 0 ? `${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}` : p,
        email: c.email,
        idNumber: c.idNumber,
        category: '投诉',
        isPublic: i === 0,
      };
      const asForm = i % 4 === 3;
      const res = await ok(
        await api(`/api/v1/channels/${i % 2 ? 'mailbox' : 'portal-zhujian'}/messages`, {
          method: 'POST',
          headers: asForm ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
          body: asForm ? new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString() : JSON.stringify(body),
        }),
        202,
      );
      const { receiptNo, queryCode } = (await res.json()) as { receiptNo: string; queryCode: string };
      receipts.push({ citizen: c, receiptNo, queryCode });
    }
    for (const r of receipts) {
      r.caseNo = await eventually(async () => {
        const q = (await (await api(`/api/v1/query/${r.queryCode}`)).json()) as { caseNo: string | null };
        return q.caseNo ?? undefined;
      }, 30_000, `the worker process to register ${r.receiptNo}`);
    }

    // The workflow: the public one all the way to a rating; others part of the way.
    const [c0, c1, c2, c3] = receipts.map((r) => r.caseNo!);
    await act(c0, 'accept', { category: '投诉', domain: '城建' });
    await act(c0, 'transfer', { unit: '市住建局' });
    await act(c0, 'submit_feedback', { result: '已督促物业更换电梯控制板，恢复运行。' }, 'unit');
    await act(c0, 'reply', { content: '经市住建局核实，电梯已修复，感谢您的监督。' });
    await ok(await api(`/api/v1/query/${receipts[0].queryCode}/rating`, { method: 'POST', body: JSON.stringify({ satisfaction: '满意', comment: '处理及时' }) }));
    await act(c1, 'accept', { category: '投诉', domain: '城建' });
    await act(c1, 'transfer', { unit: '市住建局' });
    await act(c2, 'accept', { category: '反映' });
    await act(c2, 'reply', { content: '已转告相关物业公司处理。' });
    await act(c3, 'accept', { category: '投诉', domain: '城建' });

    // A 专报 covering today, built by the worker process (figures, HTML, PDF).
    const asked = await ok(await api('/api/v1/reports/special', { method: 'POST', as: 'staff', body: JSON.stringify({ title: '个人信息测试专报', from: today, to: today }) }), 202);
    reportId = ((await asked.json()) as { id: string }).id;
    const report = await eventually(async () => {
      const r = (await (await api(`/api/v1/reports/${reportId}`, { as: 'staff' })).json()) as { status: string; error: string | null; document: unknown };
      if (r.status === 'failed') throw new Error(`the report failed: ${r.error}`);
      return r.status === 'done' ? r : undefined;
    }, 90_000, 'the 专报');

    // Everything the hub shows to someone who must not see contact details.
    const text = async (name: string, path: string, init: RequestInit & { as?: string } = {}) => {
      const res = await ok(await api(path, init));
      collected.set(name, await res.text());
    };
    collected.set('report document JSON', JSON.stringify(report));
    await text('report HTML', `/api/v1/reports/${reportId}/html`, { as: 'leader' });
    await text('reports list', '/api/v1/reports', { as: 'leader' });
    await text('metrics', '/metrics', { as: 'admin' });
    for (const [i, r] of receipts.entries()) {
      await text(`query API ${i}`, `/api/v1/query/${r.queryCode}`);
      await text(`query page ${i}`, '/query', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `code=${r.queryCode}` });
    }
    await text('Open311 requests.json', '/open311/v2/requests.json');
    await text('Open311 requests/{id}.json', `/open311/v2/requests/${c0}.json`);
    await text('public list', '/public');
    await text('public detail', `/public/${c0}`);
    await text('case list (masked)', '/api/v1/cases?pageSize=100', { as: 'staff' });
    await text('CSV export', `/api/v1/exports/cases.csv?from=${today}&to=${today}`, { as: 'staff' });
    const xlsx = Buffer.from(await (await ok(await api(`/api/v1/exports/cases.xlsx?from=${today}&to=${today}`, { as: 'staff' }))).arrayBuffer());
    const book = new Workbook();
    await book.xlsx.load(xlsx as unknown as ArrayBuffer);
    const cells: string[] = [];
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text ?? cell.value)))));
    expect(cells.length).toBeGreaterThan(10 * 5);
    collected.set('XLSX export', cells.join('\n'));
    await text('stats', `/api/v1/stats?from=${today}&to=${today}`, { as: 'staff' });
    await text('stats units', `/api/v1/stats/units?from=${today}&to=${today}`, { as: 'leader' });
    await text('stats summary.csv', `/api/v1/stats/summary.csv?from=${today}&to=${today}`, { as: 'staff' });
    await text('stats units.csv', `/api/v1/stats/units.csv?from=${today}&to=${today}`, { as: 'staff' });
  }, 240_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await dropTestStore(DB, REDIS_URL);
  });

  it('collected what it meant to (the checks below are not vacuous)', () => {
    // Titles and texts really are in the public answers, masked: the typed phone of citizen 0.
    const p = CITIZENS[0].phone;
    expect(collected.get('Open311 requests/{id}.json')).toContain(`${p.slice(0, 3)}****${p.slice(7)}`);
    expect(collected.get('public detail')).toContain('电梯');
    expect(collected.get('query API 2')).toContain('已转告相关物业公司处理');
    expect(collected.get('case list (masked)')).toContain(`${p.slice(0, 3)}****${p.slice(7)}`);
    expect(collected.get('CSV export')).toContain(receipts[9].caseNo);
    expect(collected.get('XLSX export')).toContain(receipts[9].caseNo);
    expect(collected.get('report HTML')).toContain('个人信息测试专报');
    expect(collected.get('metrics')).toContain('hub_intake_total');
    expect(collected.get('stats')).toMatch(/"received":10\b/);
  });

  const PLACES = [
    'metrics', 'report document JSON', 'report HTML', 'reports list', 'public list', 'public detail',
    'CSV export', 'XLSX export', 'stats', 'stats units', 'stats summary.csv', 'stats units.csv',
  ];
  it.each(PLACES)('%s: no phone, name, email or ID number', (place) => {
    const answer = collected.get(place);
    expect(answer).toBeDefined();
    expect(leaks(answer!)).toEqual([]);
  });

  // Was a defect, fixed in the same change: Open311 shows the name the citizen typed into the text of a public message.
  // src/open311/open311.service.ts builds `description` with redactText(title + content) only,
  // which masks typed phones, IDs and emails but not the author's own name; /public (publicCase),
  // the exports and the reports also replace the author's name with maskName(). Citizen 0
  // (public) wrote "我是欧阳震华…" and titled it "欧阳震华反映：…": requests.json and
  // requests/{caseNo}.json carry "欧阳震华" in clear.
  it.each(['Open311 requests.json', 'Open311 requests/{id}.json'])('%s: no phone, name, email or ID number', (place) => {
    expect(leaks(collected.get(place)!)).toEqual([]);
  });

  // Was a defect, fixed in the same change: the masked case list (GET /api/v1/cases, no reveal) returns each case's title as
  // stored: src/cases/cases.service.ts summary() sets `title: c.title`, unredacted. A title like
  // "欧阳震华反映：电话13081234567" shows the phone and name in clear next to
  // `citizen: {phone: '130****4567', name: '欧***'}`. The console's own lists (desk, supervision)
  // pass titles through redactText; the API list should mask the same way (typed phones, IDs,
  // emails and the author's name).
  it('case list (masked): no phone, name, email or ID number', () => {
    expect(leaks(collected.get('case list (masked)')!)).toEqual([]);
  });

  // Was a defect, fixed in the same change: 一键查询 (GET /api/v1/query/{code} and the /query page) shows the citizen's own name
  // when it was typed into the title: src/query/query.service.ts progress() applies
  // redactText(row.title), which masks typed phones, ID numbers and emails but not the name
  // (which the service could open from citizen_name_sealed, as StatsService.clean() does). The
  // README promises "progress, no personal data"; the phones and IDs are masked, the names
  // 欧阳震华, 诸葛青云, 慕容复生, 东方既白, 独孤求败 (the five who typed) are not.
  it('the query API and the /query page: no phone, name, email or ID number, for any of the ten', () => {
    const found: [string, string[]][] = [];
    for (let i = 0; i < CITIZENS.length; i++) {
      for (const place of [`query API ${i}`, `query page ${i}`]) {
        const l = leaks(collected.get(place)!);
        if (l.length) found.push([place, l]);
      }
    }
    expect(found).toEqual([]);
  });

  it('the staff reveal shows the contact details, and the audit log records who looked', async () => {
    for (const r of receipts.slice(0, 3)) {
      const res = await ok(await api(`/api/v1/cases/${r.caseNo}?reveal=citizen`, { as: 'staff' }));
      const body = (await res.json()) as { citizen: Record<string, string> };
      expect(body.citizen).toEqual({ name: r.citizen.name, phone: r.citizen.phone, email: r.citizen.email, idNumber: r.citizen.idNumber });
      const masked = (await (await ok(await api(`/api/v1/cases/${r.caseNo}`, { as: 'staff' }))).json()) as { citizen: Record<string, string> };
      expect(JSON.stringify(masked.citizen)).not.toContain(r.citizen.phone);
    }
    const db = new Client({ connectionString: DB_URL });
    await db.connect();
    try {
      const rows: { actor: string; target: string }[] = (await db.query(`SELECT actor, target FROM audit_log WHERE action = 'case.reveal_citizen' ORDER BY id`)).rows;
      expect(rows.map((r) => r.target)).toEqual(receipts.slice(0, 3).map((r) => r.caseNo));
      expect(rows.every((r) => r.actor.includes('pii-staff'))).toBe(true);
      // the audit row itself holds no contact details
      const all = JSON.stringify((await db.query(`SELECT * FROM audit_log`)).rows);
      expect(leaks(all)).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('logs: nothing of it in the hub’s output (debug level, access log on), after a clean stop', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"request completed"');
    expect(output.split('\n').length).toBeGreaterThan(50);
    const lines = output.split('\n').filter((l) => leaks(l).length > 0);
    expect(lines.map((l) => [leaks(l), l.slice(0, 400)])).toEqual([]);
    for (const r of receipts) expect(output).not.toContain(r.queryCode);
  });

  it('a raw pg_dump --data-only holds no contact field in clear (sealed with AES-GCM, the phone’s index an HMAC)', () => {
    const dump = execFileSync('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '--data-only', DB], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
    expect(dump).toContain(receipts[0].receiptNo);
    // Which table each secret shows up in.
    const sections = dump.split(/\n(?=COPY )/);
    const where = (secrets: string[]) =>
      sections.flatMap((s) => {
        const l = leaks(s, secrets);
        return l.length ? [[/^COPY (\S+)/.exec(s)?.[1] ?? '(header)', l] as [string, string[]]] : [];
      });
    // The five who typed nothing into their message: nowhere at all.
    expect(where(CITIZENS.filter((c) => !c.typed).flatMap(secretsOf))).toEqual([]);
    // The five who typed their details into the title and text: only in the case's own text (what
    // the citizen wrote is kept as written, for staff), never in a contact column or anywhere else.
    const typed = where(CITIZENS.filter((c) => c.typed).flatMap(secretsOf));
    expect(typed.map(([table]) => table).filter((t) => t !== 'public.cases')).toEqual([]);
    // The contact columns are there, sealed.
    const row = execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', DB, '-At', '-c', `SELECT citizen_phone_sealed FROM cases ORDER BY id LIMIT 1`]).toString();
    expect(row).toMatch(/^v1\./);
  });
});
