import { Workbook } from 'exceljs';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service';
import { PiiCipher } from '../../src/crypto/pii-cipher';
import { drained, eventually, phoneFor, startHub, TestHub, validMessage } from '../utils/hub';

const HEADER = ['案件编号', '受理编号', '渠道', '标题', '内容', '类别', '领域', '状态', '承办单位', '办理时限', '收到时间', '是否公开', '留言人', '手机', '邮箱', '身份证号', '答复', '满意度'];
const col = (name: string) => HEADER.indexOf(name);

/** A valid 18-digit resident ID number (with its check digit) per index. */
function idFor(i: number): string {
  const body = `14080219900101${String(i).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, k) => acc + w * Number(body[k]), 0);
  return body + '10X98765432'[sum % 11];
}

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += ch;
  }
  if (field !== '' || row.length) throw new Error(`the CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}

/** supertest: keep the body as bytes whatever the content type. */
const bytes = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function readXlsx(buf: Buffer): Promise<string[][]> {
  const wb = new Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('案件');
  if (!sheet) throw new Error('no sheet 案件 in the workbook');
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (r) => rows.push(HEADER.map((_, i) => (r.getCell(i + 1).value === null ? '' : String(r.getCell(i + 1).value)))));
  return rows;
}

/** Shanghai wall-clock time of an instant, as the export writes it. */
const shanghai = (at: string | Date) => new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);

/**
 * Cases inserted straight into the tables (an inbound row each, for the foreign key), `n` of them
 * from `start` on, `stepMs` apart, every second pair sharing its instant (so the order needs the id too).
 */
async function insertCases(db: DataSource, opts: { tag: string; n: number; channel: string; start: string; stepMs?: number; phoneSealed?: string | null; title?: string }): Promise<void> {
  await db.query(
    `WITH inb AS (
       INSERT INTO inbound_message (receipt_no, channel_id, request_hash, raw_sealed, query_code_hash, query_code_sealed, received_at)
       SELECT 'YC' || $1 || '-' || lpad(g::text, 6, '0'), $2, 'bulk', 'bulk', 'bulk-' || $1 || '-' || g, 'bulk',
              $3::timestamptz + ((g / 2) * $4::int) * interval '1 millisecond'
         FROM generate_series(1, $5::int) g
       RETURNING id, receipt_no, received_at
     )
     INSERT INTO cases (case_no, inbound_id, receipt_no, channel_id, title, content, category, status, received_at, created_at, updated_at, citizen_phone_sealed)
     SELECT 'AJ' || substr(receipt_no, 3), id, receipt_no, $2, coalesce($7, '批量导入 ' || receipt_no), '批量导入的留言内容，联系电话13812345678。', '建议', 'new',
            received_at, received_at, received_at, $6
       FROM inb ORDER BY id`,
    [opts.tag, opts.channel, opts.start, opts.stepMs ?? 1000, opts.n, opts.phoneSealed ?? null, opts.title ?? null],
  );
}

describe('case exports (GET /api/v1/exports/cases.csv|.xlsx)', () => {
  let hub: TestHub;
  const tokens: Record<'admin' | 'staff' | 'leader' | 'zhujian' | 'jiaoyu', string> = { admin: '', staff: '', leader: '', zhujian: '', jiaoyu: '' };
  const as = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });
  /** The intake cases, by case number: who sent them. */
  const citizens = new Map<string, { name: string; phone: string; email: string; idNumber: string; queryCode: string }>();
  let transferredNo = '';
  let repliedNo = '';
  let formulaNo = '';

  const csv = (who: keyof typeof tokens, query: Record<string, string> = {}) =>
    hub.http().get('/api/v1/exports/cases.csv').query(query).set(as(who)).buffer(true).parse(bytes);
  const csvRows = async (who: keyof typeof tokens, query: Record<string, string> = {}) => {
    const res = await csv(who, query).expect(200);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(body.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(HEADER);
    return rows.slice(1);
  };
  const act = (caseNo: string, event: string, body: object) => hub.http().post(`/api/v1/cases/${caseNo}/actions/${event}`).set(as('staff')).send(body);

  beforeAll(async () => {
    hub = await startHub();
    const auth = hub.app.get(AuthService);
    await auth.createUser('ex-staff', 'a-long-test-password', 'staff', null);
    await auth.createUser('ex-leader', 'a-long-test-password', 'leader', null);
    await auth.createUser('ex-zhujian', 'a-long-test-password', 'unit', '市住建局');
    await auth.createUser('ex-jiaoyu', 'a-long-test-password', 'unit', '市教育局');
    tokens.staff = await hub.login('ex-staff', 'a-long-test-password');
    tokens.leader = await hub.login('ex-leader', 'a-long-test-password');
    tokens.zhujian = await hub.login('ex-zhujian', 'a-long-test-password');
    tokens.jiaoyu = await hub.login('ex-jiaoyu', 'a-long-test-password');
    tokens.admin = await hub.login('admin', 'test-admin-password');

    // Cases through the real intake: three channels, one after another (so their order is known).
    const channels = ['mailbox', 'portal-zhujian', 'portal-weijian', 'mailbox', 'portal-zhujian', 'mailbox'];
    for (const [i, channel] of channels.entries()) {
      const who = { name: `王小明${i}`, phone: phoneFor(7000 + i), email: `citizen${i}@example.com`, idNumber: idFor(i) };
      const res = await hub
        .http()
        .post(`/api/v1/channels/${channel}/messages`)
        .send(validMessage({ ...who, title: `路灯不亮 第${i}号`, content: `第${i}条留言：小区路灯坏了，电话${who.phone}，请尽快维修。`, category: i % 2 ? '投诉' : '反映' }))
        .expect(202);
      await drained(hub.db);
      const [row] = await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
      citizens.set(row.case_no, { ...who, queryCode: res.body.queryCode });
    }
    // A title a spreadsheet would run as a formula.
    const evil = await hub
      .http()
      .post('/api/v1/channels/mailbox/messages')
      .send(validMessage({ title: '=HYPERLINK("http://evil.example","点我查看")', content: '标题是公式的留言', phone: phoneFor(7100) }))
      .expect(202);
    await drained(hub.db);
    formulaNo = (await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [evil.body.receiptNo]))[0].case_no;

    const numbers = [...citizens.keys()];
    // One case transferred to 市住建局 through the workflow API.
    transferredNo = numbers[1];
    await act(transferredNo, 'accept', { category: '投诉', domain: '城建' }).expect(200);
    await act(transferredNo, 'transfer', { unit: '市住建局' }).expect(200);
    // One answered directly and rated by the citizen.
    repliedNo = numbers[2];
    await act(repliedNo, 'accept', { category: '咨询', domain: '卫生' }).expect(200);
    await act(repliedNo, 'reply', { content: '您好，已联系物业维修，如有问题请拨打13900001111。' }).expect(200);
    await hub.http().post(`/api/v1/query/${citizens.get(repliedNo)!.queryCode}/rating`).send({ satisfaction: '满意' }).expect(200);
  });
  afterAll(() => hub.close());

  it('exports the intake cases as CSV: BOM, header, one row per case, oldest first, matching the case list', async () => {
    const res = await csv('staff', { channel: 'mailbox' }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{8}-\d{4}\.csv"; filename\*=UTF-8''%E6%A1%88%E4%BB%B6%E5%AF%BC%E5%87%BA-\d{8}-\d{4}\.csv$/);

    const rows = await csvRows('staff');
    const list = (await hub.http().get('/api/v1/cases?pageSize=100').set(as('staff')).expect(200)).body;
    expect(rows).toHaveLength(list.total);
    const oldestFirst = [...list.items].reverse();
    const mailbox = (await hub.http().get('/api/v1/channels/mailbox').expect(200)).body;
    for (const [i, item] of oldestFirst.entries()) {
      const r = rows[i];
      expect(r[col('案件编号')]).toBe(item.caseNo);
      expect(r[col('受理编号')]).toBe(item.receiptNo);
      expect(r[col('渠道')]).toContain(`（${item.channelId}）`);
      expect(r[col('类别')]).toBe(item.category ?? '');
      expect(r[col('领域')]).toBe(item.domain ?? '');
      expect(r[col('状态')]).toBe(item.statusLabel);
      expect(r[col('承办单位')]).toBe(item.handlingUnit ?? '');
      expect(r[col('办理时限')]).toBe(item.deadline ?? '');
      expect(r[col('收到时间')]).toBe(shanghai(item.receivedAt));
      expect(r[col('是否公开')]).toBe(item.isPublic ? '是' : '否');
      // Masked exactly as the list masks them.
      expect(r[col('留言人')]).toBe(item.citizen.name ?? '');
      expect(r[col('手机')]).toBe(item.citizen.phone ?? '');
      expect(r[col('邮箱')]).toBe(item.citizen.email ?? '');
      expect(r[col('身份证号')]).toBe(item.citizen.idNumber ?? '');
      if (item.caseNo !== formulaNo) expect(r[col('标题')]).toBe(item.title);
    }
    const first = rows[0];
    expect(first[col('渠道')]).toBe(`${mailbox.name}（mailbox）`);
    const transferred = rows.find((r) => r[col('案件编号')] === transferredNo)!;
    expect(transferred).toEqual(expect.arrayContaining(['市住建局', '已转办，承办单位办理中', '投诉', '城建']));
  });

  it('masks contact details and phone numbers in texts by default; reveal=citizen shows them to staff, audited', async () => {
    const masked = await csvRows('staff');
    const clear = await csvRows('staff', { reveal: 'citizen' });
    expect(clear.map((r) => r[0])).toEqual(masked.map((r) => r[0]));
    for (const [caseNo, who] of citizens) {
      const m = masked.find((r) => r[0] === caseNo)!;
      const c = clear.find((r) => r[0] === caseNo)!;
      expect(m[col('手机')]).toBe(`${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`);
      expect(m[col('身份证号')]).toBe(`${who.idNumber.slice(0, 4)}**********${who.idNumber.slice(-4)}`);
      expect(m[col('留言人')]).toBe('王***');
      expect(m[col('邮箱')]).toMatch(/^c\*\*\*@example\.com$/);
      expect(m.join('|')).not.toContain(who.phone);
      expect(m.join('|')).not.toContain(who.idNumber);
      expect(c.slice(col('留言人'), col('身份证号') + 1)).toEqual([who.name, who.phone, who.email, who.idNumber]);
      expect(c[col('内容')]).toContain(who.phone);
    }
    const replied = (rows: string[][]) => rows.find((r) => r[0] === repliedNo)!;
    expect(replied(masked)[col('答复')]).toBe('您好，已联系物业维修，如有问题请拨打139****1111。');
    expect(replied(clear)[col('答复')]).toBe('您好，已联系物业维修，如有问题请拨打13900001111。');
    expect(replied(masked)[col('满意度')]).toBe('满意');
    expect(replied(masked)[col('状态')]).toBe('已办结');

    const audit: { actor: string; action: string; detail: Record<string, unknown> }[] = await hub.db.query(
      `SELECT actor, action, detail FROM audit_log WHERE action LIKE 'export.%' ORDER BY id`,
    );
    const reveals = audit.filter((a) => a.action === 'export.reveal_citizen');
    expect(reveals).toHaveLength(1);
    expect(reveals[0]).toMatchObject({ actor: 'ex-staff', detail: { format: 'csv', filter: {} } });
    expect(audit.filter((a) => a.action === 'export.cases').length).toBeGreaterThanOrEqual(3);
    const everything = JSON.stringify(audit);
    for (const who of citizens.values()) expect(everything).not.toContain(who.phone);
  });

  it('lets administrators reveal too, and refuses reveal=citizen to leaders and units (403) without exporting', async () => {
    await csv('admin', { reveal: 'citizen' }).expect(200);
    for (const who of ['leader', 'zhujian'] as const) {
      const res = await hub.http().get('/api/v1/exports/cases.csv?reveal=citizen').set(as(who)).expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.message).toMatch(/contact details/);
    }
    await hub.http().get('/api/v1/exports/cases.xlsx?reveal=citizen').set(as('leader')).expect(403);
    // Leaders read everything, masked.
    expect((await csvRows('leader')).length).toBe(citizens.size + 1);
    await hub.http().get('/api/v1/exports/cases.csv').expect(401);
  });

  it('gives a unit only the cases it handles', async () => {
    const mine = await csvRows('zhujian');
    expect(mine.map((r) => r[0])).toEqual([transferredNo]);
    expect(mine[0][col('承办单位')]).toBe('市住建局');
    expect(await csvRows('jiaoyu')).toEqual([]);
    // Asking for another unit's cases does not widen the view.
    expect(await csvRows('jiaoyu', { unit: '市住建局' })).toEqual([]);
    const audit = await hub.db.query(`SELECT detail FROM audit_log WHERE actor = 'ex-zhujian' AND action = 'export.cases'`);
    expect(audit[0].detail).toMatchObject({ unitView: '市住建局', format: 'csv' });
  });

  it('exports the same rows as XLSX, readable by exceljs', async () => {
    const res = await hub.http().get('/api/v1/exports/cases.xlsx').set(as('staff')).buffer(true).parse(bytes).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="cases-\d{8}-\d{4}\.xlsx"; filename\*=UTF-8''/);
    const sheet = await readXlsx(res.body as Buffer);
    const fromCsv = await csvRows('staff');
    expect(sheet[0]).toEqual(HEADER);
    // Line breaks inside a cell are LF in a workbook.
    expect(sheet.slice(1)).toEqual(fromCsv.map((r) => r.map((v) => v.replace(/\r\n/g, '\n'))));
  });

  it('neutralizes a citizen title that starts with "=" (formula injection) in CSV and XLSX', async () => {
    const raw = (await csv('staff', { channel: 'mailbox' }).expect(200)).body.toString('utf8');
    expect(raw).toContain(`"'=HYPERLINK(""http://evil.example"",""点我查看"")"`);
    const row = (await csvRows('staff')).find((r) => r[0] === formulaNo)!;
    expect(row[col('标题')]).toBe(`'=HYPERLINK("http://evil.example","点我查看")`);
    const sheet = await readXlsx((await hub.http().get('/api/v1/exports/cases.xlsx?channel=mailbox').set(as('staff')).buffer(true).parse(bytes).expect(200)).body);
    expect(sheet.find((r) => r[0] === formulaNo)![col('标题')]).toBe(`'=HYPERLINK("http://evil.example","点我查看")`);
  });

  it('filters by channel, status, unit, category and domain', async () => {
    const byChannel = await csvRows('staff', { channel: 'portal-zhujian' });
    expect(byChannel).toHaveLength(2);
    expect(byChannel.every((r) => r[col('渠道')].endsWith('（portal-zhujian）'))).toBe(true);
    expect((await csvRows('staff', { status: 'transferred' })).map((r) => r[0])).toEqual([transferredNo]);
    expect((await csvRows('staff', { status: 'closed' })).map((r) => r[0])).toEqual([repliedNo]);
    expect((await csvRows('staff', { unit: '市住建局' })).map((r) => r[0])).toEqual([transferredNo]);
    expect((await csvRows('staff', { domain: '城建' })).map((r) => r[0])).toEqual([transferredNo]);
    const complaints = await csvRows('staff', { category: '投诉' });
    expect(complaints.length).toBeGreaterThan(0);
    expect(complaints.every((r) => r[col('类别')] === '投诉')).toBe(true);
    expect(await csvRows('staff', { channel: 'portal-weijian', status: 'new' })).toEqual([]);
  });

  it('filters by local days (Asia/Shanghai), both inclusive', async () => {
    // Around the midnights of 2025-03-02 in Shanghai (16:00 UTC the day before).
    for (const [tag, start] of [['20250301-9', '2025-03-01T23:59:59.999+08:00'], ['20250302-1', '2025-03-02T00:00:00+08:00'], ['20250302-9', '2025-03-02T23:59:59.999+08:00'], ['20250303-1', '2025-03-03T00:00:00+08:00']]) {
      await insertCases(hub.db, { tag, n: 1, channel: 'portal-gongan', start });
    }
    const day = await csvRows('staff', { from: '2025-03-02', to: '2025-03-02' });
    expect(day.map((r) => r[0])).toEqual(['AJ20250302-1-000001', 'AJ20250302-9-000001']);
    expect(day.map((r) => r[col('收到时间')])).toEqual(['2025-03-02 00:00:00', '2025-03-02 23:59:59']);
    expect((await csvRows('staff', { from: '2025-03-03', channel: 'portal-gongan' })).map((r) => r[0])).toEqual(['AJ20250303-1-000001']);
    expect((await csvRows('staff', { to: '2025-03-01' })).map((r) => r[0])).toEqual(['AJ20250301-9-000001']);
    expect((await csvRows('staff', { from: '2025-03-01', to: '2025-03-03', channel: 'portal-gongan' })).length).toBe(4);
  });

  it('refuses bad parameters with 400 and a clear message, before any file starts', async () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ from: '2026-13-01' }, /from must be a date written YYYY-MM-DD/],
      [{ to: '2026-02-30' }, /to must be a date/],
      [{ from: '20261126' }, /from must be a date/],
      [{ from: '2026-11-27', to: '2026-11-26' }, /from \(2026-11-27\) is after to \(2026-11-26\)/],
      [{ status: 'open' }, /status must be one of new, accepted/],
      [{ category: '表扬' }, /category must be one of/],
      [{ channel: 'portal-nowhere' }, /no channel "portal-nowhere"/],
      [{ reveal: 'yes' }, /reveal must be "citizen"/],
      [{ form: '2026-11-01' }, /unknown parameter "form"/],
    ];
    for (const [query, message] of bad) {
      for (const ext of ['csv', 'xlsx']) {
        const res = await hub.http().get(`/api/v1/exports/cases.${ext}`).query(query).set(as('staff')).expect(400);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['content-disposition']).toBeUndefined();
        expect(res.body.message).toMatch(message);
      }
    }
    const twice = await hub.http().get('/api/v1/exports/cases.csv?status=new&status=closed').set(as('staff')).expect(400);
    expect(twice.body.message).toMatch(/status must be given once/);
  });

  it('streams 3,000 cases inserted directly: all of them, in order (received_at, id), CSV and XLSX', async () => {
    const sealedPhone = hub.app.get(PiiCipher).seal('13812345678');
    await insertCases(hub.db, { tag: '20250601-5', n: 3000, channel: 'portal-jiaoyu', start: '2025-06-01T08:00:00+08:00', stepMs: 1000, phoneSealed: sealedPhone });
    const expected: { case_no: string }[] = await hub.db.query(`SELECT case_no FROM cases WHERE channel_id = 'portal-jiaoyu' ORDER BY received_at, id`);
    expect(expected).toHaveLength(3000);

    const res = await csv('staff', { channel: 'portal-jiaoyu' }).expect(200);
    expect(res.headers['transfer-encoding']).toBe('chunked'); // streamed, not buffered to learn its length
    const rows = parseCsv((res.body as Buffer).subarray(3).toString('utf8')).slice(1);
    expect(rows.map((r) => r[0])).toEqual(expected.map((e) => e.case_no));
    expect(rows[0][col('手机')]).toBe('138****5678');
    expect(rows[0][col('内容')]).toBe('批量导入的留言内容，联系电话138****5678。');
    expect(rows[0][col('收到时间')]).toBe('2025-06-01 08:00:00');
    expect(rows[2999][col('收到时间')]).toBe('2025-06-01 08:25:00');

    const sheet = await readXlsx((await hub.http().get('/api/v1/exports/cases.xlsx?channel=portal-jiaoyu').set(as('staff')).buffer(true).parse(bytes).expect(200)).body);
    expect(sheet.slice(1).map((r) => r[0])).toEqual(expected.map((e) => e.case_no));
  });

  it('gives the database connection back when the client goes away mid-download', async () => {
    await insertCases(hub.db, { tag: '20250701-5', n: 20_000, channel: 'portal-fagai', start: '2025-07-01T08:00:00+08:00', stepMs: 10, title: '长'.repeat(100) });
    const { port } = hub.app.getHttpServer().address() as { port: number };
    const received = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', path: '/api/v1/exports/cases.csv?channel=portal-fagai', headers: as('staff') }, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', (chunk: Buffer) => {
          req.destroy(); // after the first chunk, long before 20,000 rows
          resolve(chunk.length);
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end();
    });
    expect(received).toBeGreaterThan(0);
    // The export's connection is back in the pool (idle), not stuck mid-query.
    await eventually(async () => {
      const busy = await hub.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT c.case_no AS "caseNo"%'`);
      return busy[0].n === 0 ? true : undefined;
    }, 10_000, 'the export connection to be released');
    // And the next export works.
    expect((await csvRows('staff', { channel: 'portal-weijian' })).length).toBe(1);
  });

  it('cuts the download off when a row fails after the file started; a failure before it is a JSON error', async () => {
    const broken = 'v1.00000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'; // sealed with a key nobody has
    await insertCases(hub.db, { tag: '20250801-5', n: 3000, channel: 'portal-minzheng', start: '2025-08-01T08:00:00+08:00' });
    await insertCases(hub.db, { tag: '20250802-5', n: 1, channel: 'portal-minzheng', start: '2025-08-02T08:00:00+08:00', phoneSealed: broken });
    const { port } = hub.app.getHttpServer().address() as { port: number };
    const outcome = await new Promise<{ status: number; bytes: number; complete: boolean }>((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', path: '/api/v1/exports/cases.csv?channel=portal-minzheng', headers: as('staff') }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, complete: res.complete }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, bytes, complete: res.complete }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(outcome.status).toBe(200);
    expect(outcome.bytes).toBeGreaterThan(32 * 1024); // the file had started
    expect(outcome.complete).toBe(false); // and the reader can tell it is not whole

    await insertCases(hub.db, { tag: '20250901-5', n: 1, channel: 'portal-yingji', start: '2025-09-01T08:00:00+08:00', phoneSealed: broken });
    const early = await hub.http().get('/api/v1/exports/cases.csv?channel=portal-yingji').set(as('staff')).expect(500);
    expect(early.headers['content-type']).toMatch(/^application\/json/);
    expect(early.headers['content-disposition']).toBeUndefined();
    // Nothing is left holding a connection.
    expect((await csvRows('staff', { channel: 'portal-weijian' })).length).toBe(1);
  });
});
