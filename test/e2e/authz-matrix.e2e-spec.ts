/**
 * The authorization matrix (issue 7): every route of the app × every role, over real HTTP.
 *
 * The routes are enumerated at run time from the app (RouteAudit, the same list the boot check
 * uses), and each must have a row in MATRIX below, written by hand: a new route without a row
 * fails the suite ("route X has no row in the authorization matrix"), and so does a row whose route
 * is gone. Each row says who may call the route; for routes about one case (or one of its
 * documents or attachments) the case belongs to unit A (市住建局), so unit A is let through and unit B
 * (市教育局) is told 404, as if the case did not exist.
 *
 * Every cell is a real request with the role's own credentials: a bearer token on /api (and on the
 * other non-console routes), the console's `hub_console` cookie and a valid CSRF token on /console.
 * Path parameters are real: a case transferred to unit A through the workflow API, its transfer
 * card and criticism proposal, an attachment unit A uploaded with its feedback, a stored report,
 * an import run, the citizen's query code. Mutating cells send bodies the route refuses (400/409,
 * or a console flash and 303) or that change nothing, so the cells do not depend on their order.
 *
 * Outcomes: `ok` = the guard let the request through (not 401/403, not the sign-in redirect, no
 * 5xx; not 404 either, except where a row says the resource itself may answer 404); `unauth` = 401
 * on /api and elsewhere, 303 to /console/login on /console; `forbidden` = 403; `notfound` = 404.
 */
import request from 'supertest';
import { AuthService } from '../../src/auth/auth.service';
import { RouteAudit } from '../../src/auth/route-audit';
import { FixedClock } from '../../src/common/clock';
import { csrfFor } from '../../src/console/session';
import { ADMIN } from '../utils/env';
import { drained, eventually, phoneFor, startHub, TestHub, validMessage } from '../utils/hub';

const ROLES = ['anonymous', 'citizen', 'unitA', 'unitB', 'staff', 'leader', 'admin'] as const;
type Role = (typeof ROLES)[number];
type SignedIn = Exclude<Role, 'anonymous' | 'citizen'>;
type Outcome = 'ok' | 'unauth' | 'forbidden' | 'notfound';

const UNIT_A = '市住建局';
const UNIT_B = '市教育局';
const PASSWORD = 'a-long-test-password';
/** A well-formed query code nobody was given: what every role but the citizen holds. */
const NOT_MY_CODE = '2345-6789-ABCD';

/** What the cells need: real ids, made in beforeAll through the hub's own routes. */
interface Fixtures {
  caseA: string; // transferred to unit A; the citizen's own message
  code: string; // the citizen's query code of caseA
  transferDoc: string; // caseA's 转办卡
  criticismDoc: string; // caseA's 通报批评 proposal
  caseF: string; // transferred to unit A, fed back by unit A with an attachment
  attachmentId: string;
  reportId: string;
  runId: string; // a finished import run
}

/** A request as a row describes it; the defaults fit most routes. */
interface Req {
  params?: Record<string, string>;
  body?: Record<string, unknown>;
  query?: string;
}

interface Row {
  /** Who may call it: 'public' (everyone), or the signed-in roles ('unit' = both units). */
  allow: 'public' | 'metrics' | ('admin' | 'staff' | 'leader' | 'unit')[];
  /** About one case of unit A's: unit B gets 404, and 404 is never "ok". */
  owned?: true;
  /** Needs the citizen's query code: the citizen gets through, everyone else (no code) gets 404. */
  code?: true;
  /** The resource itself may answer 404 to an allowed caller (not an authorization answer). */
  may404?: true;
  req?: (f: Fixtures, role: Role) => Req;
  /** Per-cell expectations that differ from the rule, with the reason (DEFECT or documented exception). */
  override?: Partial<Record<Role, Outcome>>;
  /** Signs the caller out (every token of the account stops working): the role signs in again after its cell. */
  signsOut?: true;
}

const ALL: ('admin' | 'staff' | 'leader' | 'unit')[] = ['admin', 'staff', 'leader', 'unit'];

/** A workflow step each role may take in 'transferred' and that fails on an empty body: the guard's answer, not the table's. */
const harmlessEvent = (role: Role) =>
  role === 'unitA' || role === 'unitB' ? 'request_extension' : role === 'leader' ? 'decide_criticism' : role === 'admin' || role === 'staff' ? 'decide_extension' : 'accept';

const onCaseA = (f: Fixtures): Req => ({ params: { caseNo: f.caseA } });

/** The authorization matrix, by hand. Keys are `METHOD path` exactly as RouteAudit lists them. */
const MATRIX: Record<string, Row> = {
  // ── public: citizens, portals, operations ──────────────────────────────────────────────
  'GET /health': { allow: 'public' },
  // Declared public, checks its own credentials: the scrape token or an admin/staff sign-in. A
  // signed-in role it excludes gets 401, not 403 (as test/e2e/auth.e2e-spec.ts pins).
  'GET /metrics': { allow: 'metrics' },
  'GET /api/v1/channels': { allow: 'public' },
  'GET /api/v1/channels/:id': { allow: 'public', req: () => ({ params: { id: 'portal-jiaoyu' } }) },
  'POST /api/v1/channels/:channelId/messages': { allow: 'public', req: () => ({ params: { channelId: 'mailbox' }, body: {} }) }, // 400: no fields
  'GET /go/:channelId': { allow: 'public', req: () => ({ params: { channelId: 'portal-jiaoyu' } }) },
  'GET /mailbox': { allow: 'public' },
  'POST /mailbox': { allow: 'public', req: () => ({ body: {} }) }, // the form again, with what is missing
  'GET /query': { allow: 'public' },
  'POST /query': { allow: 'public', code: true, req: (f, r) => ({ body: { code: r === 'citizen' ? f.code : NOT_MY_CODE } }) },
  // caseA is not replied yet: the citizen's rating is refused by the workflow (409), nothing changes.
  'POST /query/rating': { allow: 'public', code: true, req: (f, r) => ({ body: { code: r === 'citizen' ? f.code : NOT_MY_CODE, satisfaction: '满意' } }) },
  'GET /api/v1/query/:queryCode': { allow: 'public', code: true, req: (f, r) => ({ params: { queryCode: r === 'citizen' ? f.code : NOT_MY_CODE } }) },
  'POST /api/v1/query/:queryCode/rating': {
    allow: 'public',
    code: true,
    req: (f, r) => ({ params: { queryCode: r === 'citizen' ? f.code : NOT_MY_CODE }, body: { satisfaction: '满意' } }),
  },
  'GET /open311/v2/services.json': { allow: 'public' },
  'GET /open311/v2/requests.json': { allow: 'public' },
  'GET /open311/v2/requests/:id.json': { allow: 'public', may404: true, req: (f) => ({ params: { id: f.caseA } }) }, // not public: 404 to all
  'GET /public': { allow: 'public' },
  'GET /public/:caseNo': { allow: 'public', may404: true, req: onCaseA }, // not public: 404 to all
  'POST /api/v1/auth/login': { allow: 'public', req: () => ({ body: {} }) }, // 400
  'POST /api/v1/auth/logout': { allow: ALL, signsOut: true },
  'GET /console/login': { allow: 'public' },
  'POST /console/login': { allow: 'public', req: () => ({ body: {} }) }, // 400

  // ── cases (API) ─────────────────────────────────────────────────────────────────────────
  'GET /api/v1/cases': { allow: ALL },
  'GET /api/v1/cases/:caseNo': { allow: ALL, owned: true, req: onCaseA },
  'GET /api/v1/cases/:caseNo/raw': { allow: ['admin', 'staff'], owned: true, req: onCaseA },
  // 并单 by hand / 拆分: refused for want of fields (400) when the guard lets the caller through.
  'PUT /api/v1/cases/:caseNo/duplicate-of': { allow: ['admin', 'staff'], req: (f) => ({ params: { caseNo: f.caseA }, body: {} }) },
  'DELETE /api/v1/cases/:caseNo/duplicate-of': { allow: ['admin', 'staff'], req: onCaseA },
  'POST /api/v1/cases/:caseNo/actions/:event': { allow: ALL, owned: true, req: (f, r) => ({ params: { caseNo: f.caseA, event: harmlessEvent(r) }, body: {} }) },
  'GET /api/v1/cases/:caseNo/documents/:docNo': { allow: ALL, owned: true, req: (f) => ({ params: { caseNo: f.caseA, docNo: f.transferDoc } }) },

  // ── calendar ───────────────────────────────────────────────────────────────────────────
  'GET /api/v1/calendar/add-workdays': { allow: ALL, req: () => ({ query: 'from=2026-03-02&days=3' }) },
  'GET /api/v1/calendar/:year': { allow: ALL, req: () => ({ params: { year: '2026' } }) },
  'PUT /api/v1/admin/calendar/:year': { allow: ['admin'], req: () => ({ params: { year: '2031' }, body: {} }) }, // 400: no holidays

  // ── statistics and exports (a unit sees its own figures: scoped, not refused) ────────────
  'GET /api/v1/stats': { allow: ALL, req: () => ({ query: 'from=2026-03-01&to=2026-03-02' }) },
  'GET /api/v1/stats/units': { allow: ALL, req: () => ({ query: 'from=2026-03-01&to=2026-03-02' }) },
  'GET /api/v1/stats/units.:ext': { allow: ALL, req: () => ({ params: { ext: 'csv' }, query: 'from=2026-03-01&to=2026-03-02' }) },
  'GET /api/v1/stats/summary.:ext': { allow: ALL, req: () => ({ params: { ext: 'csv' }, query: 'from=2026-03-01&to=2026-03-02' }) },
  'GET /api/v1/exports/cases.csv': { allow: ALL },
  'GET /api/v1/exports/cases.xlsx': { allow: ALL },

  // ── reports ────────────────────────────────────────────────────────────────────────────
  'GET /api/v1/reports': { allow: ['admin', 'staff', 'leader'] },
  'POST /api/v1/reports/monthly/:month': { allow: ['admin', 'staff'], req: () => ({ params: { month: 'bogus' }, body: {} }) }, // 400
  'POST /api/v1/reports/special': { allow: ['admin', 'staff', 'leader'], req: () => ({ body: {} }) }, // 400
  'GET /api/v1/reports/:id': { allow: ['admin', 'staff', 'leader'], req: (f) => ({ params: { id: f.reportId } }) },
  'GET /api/v1/reports/:id/html': { allow: ['admin', 'staff', 'leader'], req: (f) => ({ params: { id: f.reportId } }) },
  'GET /api/v1/reports/:id/pdf': { allow: ['admin', 'staff', 'leader'], req: (f) => ({ params: { id: f.reportId } }) },

  // ── channel administration and imports ─────────────────────────────────────────────────
  'GET /api/v1/admin/channels/:id': { allow: ['admin', 'staff'], req: () => ({ params: { id: 'portal-zhujian' } }) },
  'PATCH /api/v1/admin/channels/:id': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' }, body: { bogus: 1 } }) }, // 400: not editable
  'GET /api/v1/admin/channels/:id/history': { allow: ['admin', 'staff'], req: () => ({ params: { id: 'portal-zhujian' } }) },
  'POST /api/v1/admin/channels/:id/pull': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' }, body: {} }) }, // 400: not a pulled channel
  'POST /api/v1/admin/channels/:id/import': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' }, body: { source: 'bogus' } }) }, // 400
  'GET /api/v1/admin/imports/:runId': { allow: ['admin', 'staff'], req: (f) => ({ params: { runId: f.runId } }) },
  'POST /api/v1/admin/imports/:runId/resume': { allow: ['admin'], req: (f) => ({ params: { runId: f.runId }, body: {} }) }, // 400: done

  // ── console: home, sign-out ────────────────────────────────────────────────────────────
  'GET /console': { allow: ALL },
  'POST /console/logout': { allow: ALL, req: () => ({ body: {} }), signsOut: true }, // clears the cookie and takes the account's tokens away

  // ── console: desks and the case page ───────────────────────────────────────────────────
  'GET /console/desk': { allow: ['admin', 'staff'] },
  'GET /console/supervision': { allow: ['admin', 'staff', 'leader'] }, // leaders read the board (console-desk e2e)
  'GET /console/unit': { allow: ['unit'] },
  'GET /console/cases/:caseNo': { allow: ALL, owned: true, req: onCaseA },
  'POST /console/cases/:caseNo/reveal': { allow: ['admin', 'staff'], owned: true, req: (f) => ({ params: { caseNo: f.caseA }, body: {} }) },
  'POST /console/cases/:caseNo/duplicate': { allow: ['admin', 'staff'], req: (f) => ({ params: { caseNo: f.caseA }, body: {} }) }, // a flash: fill in the fields
  'POST /console/cases/:caseNo/split': { allow: ['admin', 'staff'], req: (f) => ({ params: { caseNo: f.caseA }, body: {} }) },
  'POST /console/cases/:caseNo/actions/:event': { allow: ALL, owned: true, req: (f, r) => ({ params: { caseNo: f.caseA, event: harmlessEvent(r) }, body: {} }) }, // 303 + refusal flash
  // Not multipart: unit A gets 415 (nothing read, nothing stored); the others are refused by the table (303 + flash).
  'POST /console/cases/:caseNo/feedback': { allow: ALL, owned: true, req: (f) => ({ params: { caseNo: f.caseA }, body: { result: 'x' } }) },
  'GET /console/cases/:caseNo/documents/:docNo': { allow: ALL, owned: true, req: (f) => ({ params: { caseNo: f.caseA, docNo: f.transferDoc } }) },
  'GET /console/cases/:caseNo/attachments/:id': { allow: ALL, owned: true, req: (f) => ({ params: { caseNo: f.caseF, id: f.attachmentId } }) },

  // ── console: reports, rankings, criticisms ─────────────────────────────────────────────
  'GET /console/reports': { allow: ['admin', 'staff', 'leader'] },
  'POST /console/reports/monthly': { allow: ['admin', 'staff'], req: () => ({ body: { month: 'bogus' } }) }, // 303 + refusal flash
  'POST /console/reports/special': { allow: ['admin', 'staff', 'leader'], req: () => ({ body: {} }) }, // 303 + refusal flash
  'GET /console/reports/:id/html': { allow: ['admin', 'staff', 'leader'], req: (f) => ({ params: { id: f.reportId } }) },
  'GET /console/reports/:id/pdf': { allow: ['admin', 'staff', 'leader'], req: (f) => ({ params: { id: f.reportId } }) },
  'GET /console/rankings': { allow: ['admin', 'staff', 'leader'], req: () => ({ query: 'from=2026-03-01&to=2026-03-02' }) },
  'GET /console/rankings.:ext': { allow: ['admin', 'staff', 'leader'], req: () => ({ params: { ext: 'csv' }, query: 'from=2026-03-01&to=2026-03-02' }) },
  'GET /console/criticisms': { allow: ['admin', 'staff', 'leader'] },
  'GET /console/criticisms/:docNo': { allow: ['admin', 'staff', 'leader'], req: (f) => ({ params: { docNo: f.criticismDoc } }) },
  'POST /console/criticisms/:docNo/decision': { allow: ['leader'], req: (f) => ({ params: { docNo: f.criticismDoc }, body: {} }) }, // 303: choose 同意/不同意
  'POST /console/criticisms/:docNo/supervision': { allow: ['leader'], req: (f) => ({ params: { docNo: f.criticismDoc }, body: {} }) }, // 303: reason required

  // ── console: channels (administrators) ─────────────────────────────────────────────────
  'GET /console/channels': { allow: ['admin'] },
  'GET /console/channels/:id': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' } }) },
  'POST /console/channels/:id/preview': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' }, body: {} }) }, // renders, saves nothing
  'POST /console/channels/:id/apply': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' }, body: {} }) }, // 400: no preview
  'GET /console/channels/:id/history': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' } }) },
  'POST /console/channels/:id/restore': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' }, body: {} }) }, // 400: no version
  'POST /console/channels/:id/test': { allow: ['admin'], req: () => ({ params: { id: 'portal-zhujian' }, body: {} }) }, // not pulled: says so, no request
};

/**
 * Routes the app serves outside Nest's controllers (so RouteAudit does not list them): checked in
 * the same way, listed here by hand.
 */
const EXTRA: Record<string, Row> = {
  // The queue dashboard checks its own credentials (bearer, ?token= or its cookie): administrators
  // and mailbox staff; anyone else gets 401 (as test/e2e/auth.e2e-spec.ts pins), like /metrics.
  'GET /admin/queues': { allow: 'metrics' },
  'GET /docs': { allow: 'public' },
  'GET /docs-json': { allow: 'public' },
};

/** The expected outcome of one cell, from its row. */
function expected(row: Row, role: Role): Outcome {
  if (row.override?.[role]) return row.override[role]!;
  if (row.allow === 'public') return row.code && role !== 'citizen' ? 'notfound' : 'ok';
  if (row.allow === 'metrics') return role === 'admin' || role === 'staff' ? 'ok' : 'unauth';
  if (role === 'anonymous' || role === 'citizen') return 'unauth';
  const as = role === 'unitA' || role === 'unitB' ? 'unit' : role;
  if (!row.allow.includes(as)) return 'forbidden';
  return row.owned && role === 'unitB' ? 'notfound' : 'ok';
}

interface Answer {
  status: number;
  location?: string;
}

/** What an answer shows, as one outcome ('other' when it fits none). */
function outcomeOf(row: Row, path: string, a: Answer): Outcome | 'other' {
  // The console's guard sends a visitor to the sign-in page with ?next= (signing out goes there without it).
  const toLogin = a.status === 303 && (a.location ?? '').startsWith('/console/login?next=');
  if (path.startsWith('/console') && toLogin) return 'unauth';
  if (a.status === 401) return 'unauth';
  if (a.status === 403) return 'forbidden';
  if (a.status === 404) return row.may404 ? 'ok' : 'notfound';
  if (a.status >= 500) return 'other';
  return 'ok';
}

const show = (a: Answer) => (a.status === 303 && (a.location ?? '').startsWith('/console/login?next=') ? '303login' : String(a.status));

describe('authorization matrix: every route × every role', () => {
  const clock = new FixedClock(new Date('2026-03-02T02:00:00Z')); // Monday 10:00 in 运城
  let hub: TestHub;
  const f = {} as Fixtures;
  const bearer = {} as Record<SignedIn, string>;
  const cookie = {} as Record<SignedIn, string>;
  /** Every cell's answer, for the table printed when a cell differs. */
  const results = new Map<string, Map<Role, { answer: Answer; want: Outcome; got: Outcome | 'other' }>>();
  let startedAt = 0;

  const http = () => hub.http();
  const users: Record<SignedIn, { username: string; password: string }> = {
    admin: ADMIN,
    staff: { username: 'm-staff', password: PASSWORD },
    leader: { username: 'm-leader', password: PASSWORD },
    unitA: { username: 'm-zhujian', password: PASSWORD },
    unitB: { username: 'm-jiaoyu', password: PASSWORD },
  };

  async function act(role: SignedIn, caseNo: string, event: string, body: Record<string, unknown>): Promise<{ documents: string[] }> {
    const res = await http().post(`/api/v1/cases/${caseNo}/actions/${event}`).set('Authorization', `Bearer ${bearer[role]}`).send(body);
    if (res.status !== 200) throw new Error(`setup: ${role} ${event} on ${caseNo} answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Signs a role in: a bearer token for the API, the console's cookie for /console. */
  async function signIn(role: SignedIn): Promise<void> {
    bearer[role] = await hub.login(users[role].username, users[role].password);
    const res = await http().post('/console/login').type('form').send(users[role]).expect(303);
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('hub_console='));
    if (!set) throw new Error(`setup: no console cookie for ${role}`);
    cookie[role] = set.split(';')[0].slice('hub_console='.length);
  }

  async function intake(i: number): Promise<{ receiptNo: string; queryCode: string }> {
    const res = await http().post('/api/v1/channels/portal-zhujian/messages').send(validMessage({ phone: phoneFor(7000 + i), name: `市民${i}` })).expect(202);
    return res.body;
  }

  beforeAll(async () => {
    startedAt = Date.now();
    hub = await startHub({ clock });
    const auth = hub.app.get(AuthService);
    await auth.createUser(users.staff.username, PASSWORD, 'staff', null);
    await auth.createUser(users.leader.username, PASSWORD, 'leader', null);
    await auth.createUser(users.unitA.username, PASSWORD, 'unit', UNIT_A);
    await auth.createUser(users.unitB.username, PASSWORD, 'unit', UNIT_B);
    for (const role of Object.keys(users) as SignedIn[]) await signIn(role);

    // The citizen's message (caseA) and a second one (caseF), both transferred to unit A.
    const mine = await intake(1);
    const other = await intake(2);
    await drained(hub.db);
    const caseOf = async (receiptNo: string) => (await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [receiptNo]))[0].case_no as string;
    f.caseA = await caseOf(mine.receiptNo);
    f.code = mine.queryCode;
    f.caseF = await caseOf(other.receiptNo);
    for (const c of [f.caseA, f.caseF]) await act('staff', c, 'accept', { category: '投诉' });
    f.transferDoc = (await act('staff', f.caseA, 'transfer', { unit: UNIT_A })).documents[0];
    await act('staff', f.caseF, 'transfer', { unit: UNIT_A });
    f.criticismDoc = (await act('staff', f.caseA, 'propose_criticism', {})).documents[0];
    expect([f.transferDoc, f.criticismDoc]).toEqual([expect.stringMatching(/^ZB/), expect.any(String)]);

    // Unit A's feedback on caseF with an attachment, through the console (multipart; CSRF in the query).
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
    const csrfA = csrfFor(cookie.unitA, hub.config.jwtSecret);
    await http()
      .post(`/console/cases/${f.caseF}/feedback?_csrf=${encodeURIComponent(csrfA)}`)
      .set('Cookie', `hub_console=${cookie.unitA}`)
      .field('result', '已完成维修。')
      .attach('files', pdf, { filename: '维修记录.pdf', contentType: 'application/pdf' })
      .expect(303);
    const [att] = await hub.db.query(`SELECT a.id::text AS id FROM case_attachment a JOIN cases c ON c.id = a.case_id WHERE c.case_no = $1`, [f.caseF]);
    if (!att) throw new Error('setup: unit A’s attachment was not stored');
    f.attachmentId = att.id;

    // A stored report (a 专报 request; the worker builds it in the background) and a finished import run.
    const report = await http().post('/api/v1/reports/special').set('Authorization', `Bearer ${bearer.staff}`).send({ title: '矩阵测试专报', from: '2026-02-01', to: '2026-02-28' }).expect(202);
    f.reportId = String(report.body.id);
    const csv = 'id,title,content\r\nM1,路灯不亮,小区门口路灯已经坏了一周，请尽快维修。\r\n';
    const run = await http().post('/api/v1/admin/channels/portal-zhujian/import').set('Authorization', `Bearer ${bearer.admin}`).send({ source: 'file', format: 'csv', data: csv }).expect(202);
    f.runId = String(run.body.id);
    await eventually(
      async () => ((await http().get(`/api/v1/admin/imports/${f.runId}`).set('Authorization', `Bearer ${bearer.admin}`)).body.status === 'done' ? true : undefined),
      20_000,
      'the import run to finish',
    );
    await drained(hub.db);
  });

  afterAll(async () => {
    const differing = [...results.values()].some((cells) => [...cells.values()].some((c) => c.got !== c.want));
    if (differing) console.log(renderTable(results));
    console.log(`authorization matrix: ${results.size} routes × ${ROLES.length} roles = ${[...results.values()].reduce((n, c) => n + c.size, 0)} cells in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    await hub?.close();
  });

  it('has a row for every route of the app, and no row for a route that is gone', () => {
    const routes = hub.app.get(RouteAudit).routes().map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(50);
    const problems = [
      ...routes.filter((k) => !MATRIX[k]).map((k) => `route ${k} has no row in the authorization matrix`),
      ...Object.keys(MATRIX).filter((k) => !routes.includes(k)).map((k) => `the authorization matrix has a row for ${k}, which is no route of the app`),
      ...routes.filter((k, i) => routes.indexOf(k) !== i).map((k) => `route ${k} is declared twice`),
    ];
    if (problems.length) throw new Error(problems.join('\n'));
  });

  it('keeps the public rows in step with the routes the app declares public', () => {
    const declared = hub.app.get(RouteAudit).routes().filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`).sort();
    const ours = Object.entries(MATRIX).filter(([, r]) => r.allow === 'public' || r.allow === 'metrics').map(([k]) => k).sort();
    expect(declared).toEqual(ours);
  });

  /** One cell: the request with the role's credentials, and its answer. */
  async function cell(key: string, row: Row, role: Role): Promise<Answer> {
    const [method, template] = key.split(' ');
    const spec = row.req?.(f, role) ?? {};
    const path = template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      const v = spec.params?.[name];
      if (v === undefined) throw new Error(`${key}: no value for :${name}`);
      return encodeURIComponent(v);
    });
    const url = spec.query ? `${path}?${spec.query}` : path;
    const onConsole = path === '/console' || path.startsWith('/console/');
    let req = (http() as unknown as Record<string, (u: string) => request.Test>)[method.toLowerCase()](url);
    const signedIn = role !== 'anonymous' && role !== 'citizen';
    let body = spec.body;
    if (signedIn && onConsole) {
      req = req.set('Cookie', `hub_console=${cookie[role]}`);
      if (method !== 'GET') body = { ...(body ?? {}), _csrf: csrfFor(cookie[role], hub.config.jwtSecret) };
    } else if (signedIn) {
      req = req.set('Authorization', `Bearer ${bearer[role]}`);
    }
    if (body !== undefined) {
      // The console and the citizen's pages take HTML forms; the API takes JSON.
      const form = onConsole || !path.startsWith('/api/');
      req = form ? req.type('form').send(body as Record<string, string>) : req.send(body);
    }
    const res = await req;
    return { status: res.status, location: res.headers.location };
  }

  it.each([...Object.keys(MATRIX), ...Object.keys(EXTRA)])('%s', async (key) => {
    const row = MATRIX[key] ?? EXTRA[key];
    const cells = new Map<Role, { answer: Answer; want: Outcome; got: Outcome | 'other' }>();
    results.set(key, cells);
    for (const role of ROLES) {
      const answer = await cell(key, row, role);
      if (row.signsOut && role !== 'anonymous' && role !== 'citizen') await signIn(role);
      const path = key.split(' ')[1];
      cells.set(role, { answer, want: expected(row, role), got: outcomeOf(row, path, answer) });
    }
    const wrong = [...cells.entries()].filter(([, c]) => c.got !== c.want);
    if (wrong.length) {
      throw new Error(`${key}: ${wrong.map(([r, c]) => `${r} expected ${c.want}, got ${show(c.answer)} (${c.got})`).join('; ')}`);
    }
  });

  it('shows a unit only its own cases in lists and exports, whatever it asks for', async () => {
    const get = (role: SignedIn, path: string) => http().get(path).set('Authorization', `Bearer ${bearer[role]}`);
    const listA = await get('unitA', '/api/v1/cases?pageSize=100').expect(200);
    expect(listA.body.items.map((c: { caseNo: string }) => c.caseNo)).toEqual(expect.arrayContaining([f.caseA, f.caseF]));
    const listB = await get('unitB', `/api/v1/cases?unit=${encodeURIComponent(UNIT_A)}&pageSize=100`).expect(200);
    expect(listB.body.total).toBe(0);
    expect((await get('unitA', '/api/v1/exports/cases.csv').expect(200)).text).toContain(f.caseA);
    expect((await get('unitB', `/api/v1/exports/cases.csv?unit=${encodeURIComponent(UNIT_A)}`).expect(200)).text).not.toContain(f.caseA);
    await get('unitB', `/api/v1/cases/${f.caseA}/documents/${f.criticismDoc}`).expect(404);
    const unitPage = await http().get('/console/unit').set('Cookie', `hub_console=${cookie.unitB}`).expect(200);
    expect(unitPage.text).not.toContain(f.caseA);
    const ranking = await get('unitB', '/api/v1/stats/units?from=2026-03-01&to=2026-03-02').expect(200);
    expect(JSON.stringify(ranking.body)).not.toContain(UNIT_A);
  });

  it('opens no /api route with the console cookie alone (the cookie is honoured only under /console)', async () => {
    for (const path of ['/api/v1/cases', `/api/v1/cases/${f.caseA}`, '/api/v1/reports']) {
      const res = await http().get(path).set('Cookie', `hub_console=${cookie.admin}`);
      expect([path, res.status]).toEqual([path, 401]);
    }
  });

  it('refuses a console POST without the CSRF token even to a role the route allows (so the cells above tested the guard, not CSRF)', async () => {
    const res = await http().post('/console/reports/special').set('Cookie', `hub_console=${cookie.staff}`).type('form').send({});
    expect(res.status).toBe(403);
  });
});

/** The matrix as a compact table: expected/answer per cell, ✗ where they differ. */
function renderTable(results: Map<string, Map<Role, { answer: Answer; want: Outcome; got: Outcome | 'other' }>>): string {
  const short: Record<Outcome, string> = { ok: 'ok', unauth: 'auth', forbidden: '403', notfound: '404' };
  const width = Math.max(...[...results.keys()].map((k) => k.length));
  const head = `${'route'.padEnd(width)} | ${ROLES.map((r) => r.padEnd(13)).join(' | ')}`;
  const lines = [...results.entries()].map(([key, cells]) => {
    const mark = [...cells.values()].some((c) => c.got !== c.want) ? '✗ ' : '  ';
    const cols = ROLES.map((r) => {
      const c = cells.get(r);
      if (!c) return ''.padEnd(13);
      return `${c.got === c.want ? ' ' : '✗'}${short[c.want]}:${show(c.answer)}`.padEnd(13);
    });
    return `${mark}${key.padEnd(width)} | ${cols.join(' | ')}`;
  });
  return ['authorization matrix (expected:answer, ✗ = differs; auth = 401 or 303 to sign-in)', `  ${head}`, ...lines].join('\n');
}
