import { drained, phoneFor, startHub, TestHub, validMessage } from '../utils/hub';

describe('Open311 GeoReport v2 (read)', () => {
  let hub: TestHub;
  let publicNo: string, privateNo: string;
  beforeAll(async () => {
    hub = await startHub();
    const pub = await hub.http().post('/api/v1/channels/portal-shengtai/messages')
      .send(validMessage({ isPublic: true, category: '投诉', phone: phoneFor(901), name: '公开者', content: '河道有人排污，我的电话13700009999，身份证11010519491231002X。' })).expect(202);
    const priv = await hub.http().post('/api/v1/channels/portal-shengtai/messages')
      .send(validMessage({ isPublic: false, phone: phoneFor(902), content: '不愿公开的留言内容' })).expect(202);
    await drained(hub.db);
    [{ case_no: publicNo }] = await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [pub.body.receiptNo]);
    [{ case_no: privateNo }] = await hub.db.query(`SELECT case_no FROM cases WHERE receipt_no = $1`, [priv.body.receiptNo]);
  });
  afterAll(() => hub.close());

  it('lists the five categories as services', async () => {
    const res = await hub.http().get('/open311/v2/services.json').expect(200);
    expect(res.body.map((s: { service_code: string }) => s.service_code)).toEqual(['zixun', 'fanying', 'tousu', 'jianyi', 'qiuzhu']);
  });

  it('lists only public cases, with texts masked and no personal data', async () => {
    const res = await hub.http().get('/open311/v2/requests.json').expect(200);
    expect(res.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([publicNo]);
    const [r] = res.body;
    expect(r).toMatchObject({ status: 'open', service_code: 'tousu', service_name: '投诉', agency_responsible: null, status_notes: null });
    const text = JSON.stringify(res.body);
    for (const secret of ['13700009999', '11010519491231002X', phoneFor(901), '公开者', '不愿公开']) expect(text).not.toContain(secret);
    expect(r.description).toContain('137****9999');
    const filtered = await hub.http().get('/open311/v2/requests.json?service_code=zixun').expect(200);
    expect(filtered.body).toEqual([]);
    await hub.http().get('/open311/v2/requests.json?service_code=nope').expect(400);
    await hub.http().get('/open311/v2/requests.json?status=maybe').expect(400);
  });

  it('shows one public case by its number, and nothing of a private one', async () => {
    const res = await hub.http().get(`/open311/v2/requests/${publicNo}.json`).expect(200);
    expect(res.body[0].service_request_id).toBe(publicNo);
    await hub.http().get(`/open311/v2/requests/${privateNo}.json`).expect(404);
    await hub.http().get(`/open311/v2/requests/${encodeURIComponent("x' OR 1=1")}.json`).expect(404);
  });
});
