import iconv from 'iconv-lite';
import { CLOSED, EXCLUDED, REDIRECTED } from '../fixtures/channel-table';
import { countRows, drained, eventually, phoneFor, rawPost, startHub, TestHub, validMessage } from '../utils/hub';

describe('intake (POST /api/v1/channels/{id}/messages)', () => {
  let hub: TestHub;
  beforeAll(async () => (hub = await startHub()));
  afterAll(() => hub.close());

  const post = (channel: string) => hub.http().post(`/api/v1/channels/${channel}/messages`);

  it('accepts a message from each of the 12 portals and the mailbox, and each becomes one case of its channel', async () => {
    const channels = [...REDIRECTED.map(([id]) => id), 'mailbox'];
    const receipts = new Map<string, { receiptNo: string; queryCode: string }>();
    for (const [i, channel] of channels.entries()) {
      const res = await post(channel).send(validMessage({ content: `来自 ${channel} 的留言`, phone: phoneFor(i) })).expect(202);
      expect(res.body).toEqual({ receiptNo: expect.stringMatching(/^YC\d{8}-\d{6}$/), queryCode: expect.stringMatching(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/), status: 'received', channelId: channel });
      receipts.set(channel, res.body);
    }
    await drained(hub.db);
    const cases: { channel_id: string; receipt_no: string; content: string; case_no: string }[] = await hub.db.query(
      `SELECT channel_id, receipt_no, content, case_no FROM cases ORDER BY id`,
    );
    expect(cases).toHaveLength(channels.length);
    for (const c of cases) {
      expect(receipts.get(c.channel_id)?.receiptNo).toBe(c.receipt_no);
      expect(c.content).toBe(`来自 ${c.channel_id} 的留言`);
      expect(c.case_no).toMatch(/^AJ\d{8}-\d{6}$/);
    }
    // Receipt numbers are sortable by date and counted per day.
    const numbers = [...receipts.values()].map((r) => r.receiptNo);
    expect([...numbers].sort()).toEqual(numbers);
    const events = await hub.db.query(`SELECT type, count(*)::int AS n FROM case_event GROUP BY type ORDER BY type`);
    expect(events).toEqual([{ type: 'received', n: channels.length }, { type: 'registered', n: channels.length }]);
  });

  it.each(CLOSED)('refuses %s (closed) with 410 and the mailbox pointer, storing nothing', async (id) => {
    const before = await countRows(hub.db, 'inbound_message');
    const res = await post(id).send(validMessage()).expect(410);
    expect(res.body).toMatchObject({ statusCode: 410, error: 'channel_closed', mailboxUrl: '/mailbox' });
    expect(res.body.message).toContain('市长信箱');
    expect(await countRows(hub.db, 'inbound_message')).toBe(before);
  });

  it.each(EXCLUDED)('refuses %s (excluded) with 403 and the referral to %s', async (id, unit) => {
    const res = await post(id).send(validMessage()).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, error: 'channel_excluded', referTo: { unit } });
    expect(res.body.message).toContain('不属于市长信箱受理范围');
  });

  it('answers 404 for an unknown channel and 409 for a channel the hub pulls', async () => {
    await post('portal-nowhere').send(validMessage()).expect(404);
    const res = await post('people-leaders-board').send(validMessage()).expect(409);
    expect(res.body.error).toBe('channel_pulled');
  });

  it('returns the first receipt for a repeated Idempotency-Key, and creates one case', async () => {
    const first = await post('portal-weijian').set('Idempotency-Key', 'key-001').send(validMessage({ content: '医院排队太久' })).expect(202);
    const again = await post('portal-weijian').set('Idempotency-Key', 'key-001').send(validMessage({ content: '医院排队太久' })).expect(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // The same key on another channel is another message.
    const other = await post('portal-minzheng').set('Idempotency-Key', 'key-001').send(validMessage()).expect(202);
    expect(other.body.receiptNo).not.toBe(first.body.receiptNo);
    await drained(hub.db);
    const [row] = await hub.db.query(`SELECT count(*)::int AS n FROM cases WHERE receipt_no = $1`, [first.body.receiptNo]);
    expect(row.n).toBe(1);
  });

  it('returns the first receipt for a repeated Idempotency-Key even under a race, and one case', async () => {
    const body = validMessage({ content: '同一条留言', phone: phoneFor(77) });
    const answers = await Promise.all(Array.from({ length: 12 }, () => post('portal-shichang').set('Idempotency-Key', 'race-77').send(body)));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(new Set(answers.map((a) => a.body.receiptNo)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.queryCode)).size).toBe(1);
    await drained(hub.db);
    const [row] = await hub.db.query(`SELECT count(*)::int AS n FROM cases WHERE receipt_no = $1`, [answers[0].body.receiptNo]);
    expect(row.n).toBe(1);
  });

  it('never hands out a first receipt for a reused key with another message (409), and ignores an anonymous externalId', async () => {
    const first = await post('portal-shichang').set('Idempotency-Key', 'key-xyz').send(validMessage({ content: '原始留言', phone: phoneFor(78) })).expect(202);
    const other = await post('portal-shichang').set('Idempotency-Key', 'key-xyz').send(validMessage({ content: '冒用同一个键', phone: phoneFor(79) })).expect(409);
    expect(other.body.error).toBe('idempotency_key_reused');
    expect(JSON.stringify(other.body)).not.toContain(first.body.queryCode);
    // An unsigned client cannot claim an upstream id (and with it someone else's receipt).
    const a = await post('portal-shichang').send(validMessage({ externalId: 'import:/old/show.asp?id=1', content: '甲', phone: phoneFor(80) })).expect(202);
    const b = await post('portal-shichang').send(validMessage({ externalId: 'import:/old/show.asp?id=1', content: '乙', phone: phoneFor(81) })).expect(202);
    expect(b.body.receiptNo).not.toBe(a.body.receiptNo);
    expect(b.body.queryCode).not.toBe(a.body.queryCode);
    await drained(hub.db);
    const rows = await hub.db.query(`SELECT external_id FROM cases WHERE receipt_no = ANY($1)`, [[a.body.receiptNo, b.body.receiptNo]]);
    expect(rows).toEqual([{ external_id: null }, { external_id: null }]);
  });

  it('accepts an urlencoded form post', async () => {
    const res = await post('portal-shengtai')
      .type('form')
      .send({ content: '河边有人倾倒垃圾', phone: '139 1234 5678', category: '投诉', isPublic: 'on' })
      .expect(202);
    await drained(hub.db);
    const [c] = await hub.db.query(`SELECT content, category, is_public FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
    expect(c).toEqual({ content: '河边有人倾倒垃圾', category: '投诉', is_public: true });
  });

  it('decodes a form posted in GBK (charset=gbk), and one that says so in _charset_', async () => {
    const gbk = (s: string) => Array.from(iconv.encode(s, 'gbk')).map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
    const body = `content=${gbk('供暖温度不达标，家里只有十五度')}&title=${gbk('供暖问题')}&phone=13800001111&name=${gbk('李四')}`;
    const a = await post('portal-zhujian').set('Content-Type', 'application/x-www-form-urlencoded; charset=GBK').send(body).expect(202);
    const b = await post('portal-zhujian').set('Content-Type', 'application/x-www-form-urlencoded').send(`_charset_=gb2312&${body}`).expect(202);
    await drained(hub.db);
    for (const r of [a, b]) {
      const [c] = await hub.db.query(`SELECT title, content FROM cases WHERE receipt_no = $1`, [r.body.receiptNo]);
      expect(c).toEqual({ title: '供暖问题', content: '供暖温度不达标，家里只有十五度' });
    }
    // The same bytes without a charset are not valid UTF-8: a clear error, nothing stored.
    const res = await post('portal-zhujian').set('Content-Type', 'application/x-www-form-urlencoded').send(body).expect(400);
    expect(res.body.message).toMatch(/UTF-8/);
  });

  it('stores HTML as text, strips control characters and derives a title', async () => {
    const res = await post('mailbox')
      .send({ content: '\u0000<script>alert("x")</script>\u0007 路面\u200B塌陷\r\n第二行', phone: '13912345678' })
      .expect(202);
    await drained(hub.db);
    const [c] = await hub.db.query(`SELECT title, content FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
    expect(c.content).toBe('<script>alert("x")</script> 路面塌陷\n第二行');
    expect(c.title).toBe('<script>alert("x")</script> 路面…'); // the first line, cut to 30 characters
  });

  it('keeps the raw message, and the citizen’s contact only encrypted', async () => {
    const res = await post('portal-gongan').send(validMessage({ phone: '13700007777', name: '赵六', idNumber: '11010519491231002X' })).expect(202);
    await drained(hub.db);
    const [c] = await hub.db.query(`SELECT * FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
    const dump = JSON.stringify(c);
    for (const secret of ['13700007777', '赵六', '11010519491231002X', 'wxm@example.com']) expect(dump).not.toContain(secret);
    expect(c.citizen_phone_sealed).toMatch(/^v1\./);
    const [raw] = await hub.db.query(`SELECT raw_sealed FROM inbound_message WHERE receipt_no = $1`, [res.body.receiptNo]);
    expect(raw.raw_sealed).not.toContain('13700007777');
  });

  describe('bad input gets a clear error and stores nothing', () => {
    const cases: [string, (r: ReturnType<typeof post>) => ReturnType<typeof post>, number, RegExp | string][] = [
      ['malformed JSON', (r) => r.set('Content-Type', 'application/json').send('{"content": "x",'), 400, /malformed JSON/],
      ['a JSON array', (r) => r.send([1, 2]), 400, 'body'],
      ['no body', (r) => r.set('Content-Type', 'application/json'), 400, 'body'],
      ['missing content', (r) => r.send({ phone: '13912345678' }), 400, 'content'],
      ['whitespace-only content', (r) => r.send({ content: ' \n\t　 ', phone: '13912345678' }), 400, 'content'],
      ['content of the wrong type', (r) => r.send({ content: { a: 1 }, phone: '13912345678' }), 400, 'content'],
      ['content over 5000 characters', (r) => r.send({ content: '长'.repeat(5001), phone: '13912345678' }), 400, 'content'],
      ['a title over 100 characters', (r) => r.send({ content: 'x', title: 't'.repeat(101), phone: '13912345678' }), 400, 'title'],
      ['a missing phone', (r) => r.send({ content: 'x' }), 400, 'phone'],
      ['an invalid phone', (r) => r.send({ content: 'x', phone: "1'; DROP TABLE cases; --" }), 400, 'phone'],
      ['an unknown category', (r) => r.send({ content: 'x', phone: '13912345678', category: '表扬' }), 400, 'category'],
      ['an over-long Idempotency-Key', (r) => r.set('Idempotency-Key', 'k'.repeat(129)).send(validMessage()), 400, 'Idempotency-Key'],
      ['a body over the size limit', (r) => r.send({ content: 'x'.repeat(70_000), phone: '13912345678' }), 413, /limit/],
      ['an unsupported content type', (r) => r.set('Content-Type', 'text/plain').send('hello'), 415, /Content-Type/],
      ['an unknown charset', (r) => r.set('Content-Type', 'application/json; charset=klingon').send('{}'), 415, /charset/],
    ];

    it.each(cases)('%s', async (_name, build, status, mention) => {
      const before = await countRows(hub.db, 'inbound_message');
      const res = await build(post('portal-jiaoyu')).expect(status);
      expect(res.body.statusCode).toBe(status);
      const text = JSON.stringify(res.body);
      if (typeof mention === 'string') expect(text).toContain(mention);
      else expect(text).toMatch(mention);
      expect(await countRows(hub.db, 'inbound_message')).toBe(before);
    });

    it('invalid UTF-8 bytes', async () => {
      const before = await countRows(hub.db, 'inbound_message');
      // {"content":"<ff fe>","phone":"13912345678"}: bytes no UTF-8 decoder accepts.
      const body = Buffer.concat([Buffer.from('{"content":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","phone":"13912345678"}')]);
      const res = await rawPost(hub, '/api/v1/channels/portal-jiaoyu/messages', 'application/json', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/not valid UTF-8/);
      expect(await countRows(hub.db, 'inbound_message')).toBe(before);
    });

    it('lists every failing field at once', async () => {
      const res = await post('portal-jiaoyu').send({ content: '', phone: 'x', email: 'no', isPublic: 'maybe' }).expect(400);
      expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['content', 'email', 'isPublic', 'phone']);
    });
  });

  it('serves the same through the mailbox form, re-showing errors escaped and keeping what was typed', async () => {
    const bad = await hub.http().post('/mailbox').type('form').send({ from: 'portal-jiaoyu', content: '<b>学校收费</b>', phone: '123', formToken: 't-1' }).expect(400);
    expect(bad.text).toContain('手机号码格式不正确');
    expect(bad.text).toContain('&lt;b&gt;学校收费&lt;/b&gt;');
    expect(bad.text).not.toContain('<b>学校收费</b>');
    const ok = await hub.http().post('/mailbox').type('form').send({ from: 'portal-jiaoyu', content: '学校乱收费', phone: '13912345678', formToken: 't-2' }).expect(201);
    const receiptNo = /(YC\d{8}-\d{6})/.exec(ok.text)?.[1];
    const queryCode = /class="code">([2-9A-Z-]{14})</.exec(ok.text)?.[1];
    expect(receiptNo).toBeDefined();
    expect(queryCode).toBeDefined();
    // Pressing submit twice gives the same receipt.
    const twice = await hub.http().post('/mailbox').type('form').send({ from: 'portal-jiaoyu', content: '学校乱收费', phone: '13912345678', formToken: 't-2' }).expect(201);
    expect(twice.text).toContain(receiptNo!);
    await drained(hub.db);
    const rows = await hub.db.query(`SELECT channel_id FROM cases WHERE receipt_no = $1`, [receiptNo]);
    expect(rows).toEqual([{ channel_id: 'portal-jiaoyu' }]);
    await hub.http().post('/mailbox').type('form').send({ from: 'wechat-gongan', content: 'x', phone: '13912345678' }).expect(410);
  });

  it('answers the citizen’s query by code with progress and no personal data', async () => {
    const res = await post('portal-wenlv').send(validMessage({ title: '景区门票 电话13912345678', phone: '13912345678', name: '王小明', email: 'wxm@example.com' })).expect(202);
    const progress = await eventually(async () => {
      const q = await hub.http().get(`/api/v1/query/${res.body.queryCode}`).expect(200);
      return q.body.caseNo ? q.body : undefined;
    });
    expect(progress).toMatchObject({ receiptNo: res.body.receiptNo, status: 'new', statusLabel: '已登记，等待受理', reply: null });
    expect(progress.timeline.map((e: { type: string }) => e.type)).toEqual(['received', 'registered']);
    const text = JSON.stringify(progress);
    for (const secret of ['13912345678', '王小明', 'wxm@example.com']) expect(text).not.toContain(secret);
    expect(progress.title).toBe('景区门票 电话139****5678');
    // Codes are accepted as typed (lower case, without dashes); unknown ones are 404.
    await hub.http().get(`/api/v1/query/${res.body.queryCode.replace(/-/g, '').toLowerCase()}`).expect(200);
    await hub.http().get('/api/v1/query/AAAA-BBBB-CCCC').expect(404);
    await hub.http().get(`/api/v1/query/${encodeURIComponent("' OR 1=1 --")}`).expect(404);
  });
});
