import { signForward } from '../../src/intake/domain/forward-signature';
import { ADMIN } from '../utils/env';
import { drained, startHub, TestHub, validMessage } from '../utils/hub';

const SECRET = 'zhujian-forward-secret-0123456789abcdef';

describe('server-to-server forwards from a portal that keeps its own form', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
    const admin = await hub.login(ADMIN.username, ADMIN.password);
    await hub.http().patch('/api/v1/admin/channels/portal-zhujian').set('Authorization', `Bearer ${admin}`)
      .send({ config: { forwardSecret: SECRET, fieldMap: { 姓名: 'name', 联系电话: 'phone', 标题: 'title', 内容: 'content' } } })
      .expect(200);
  });
  afterAll(() => hub.close());

  const body = JSON.stringify({ 姓名: '周九', 联系电话: '13800009999', 标题: '物业乱收费', 内容: '小区物业每月多收二十元公摊费。' });
  const now = () => String(Math.floor(Date.now() / 1000));
  const send = (ts: string, signature: string, payload = body) =>
    hub.http().post('/api/v1/channels/portal-zhujian/messages').set('Content-Type', 'application/json')
      .set('X-Hub-Timestamp', ts).set('X-Hub-Signature', signature).send(payload);

  it('accepts a signed forward in the portal’s own field names, and refuses its replay', async () => {
    const ts = now();
    const sig = signForward(SECRET, ts, body);
    const res = await send(ts, sig).expect(202);
    await drained(hub.db);
    const [c] = await hub.db.query(`SELECT title, content, channel_id FROM cases WHERE receipt_no = $1`, [res.body.receiptNo]);
    expect(c).toEqual({ title: '物业乱收费', content: '小区物业每月多收二十元公摊费。', channel_id: 'portal-zhujian' });
    const replay = await send(ts, sig).expect(409);
    expect(replay.body.error).toBe('forward_replayed');
  });

  it('refuses a forged, a stale and a half-signed forward, storing nothing', async () => {
    const [{ n: before }] = await hub.db.query(`SELECT count(*)::int AS n FROM inbound_message`);
    const ts = now();
    expect((await send(ts, signForward('some-other-secret', ts, body)).expect(401)).body.error).toBe('forward_signature_invalid');
    expect((await send(ts, signForward(SECRET, ts, body), body.replace('二十', '两百')).expect(401)).body.message).toContain('does not match');
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await send(old, signForward(SECRET, old, body)).expect(401)).body.message).toContain('replay window');
    await hub.http().post('/api/v1/channels/portal-zhujian/messages').set('X-Hub-Signature', signForward(SECRET, ts, body)).send(JSON.parse(body)).expect(401);
    // A portal without a secret takes no signed forwards.
    await hub.http().post('/api/v1/channels/portal-jiaoyu/messages').set('X-Hub-Timestamp', ts).set('X-Hub-Signature', signForward(SECRET, ts, body)).send(JSON.parse(body)).expect(401);
    const [{ n: after }] = await hub.db.query(`SELECT count(*)::int AS n FROM inbound_message`);
    expect(after).toBe(before);
  });

  it('still takes the citizen’s own form posts for that portal', async () => {
    await hub.http().post('/api/v1/channels/portal-zhujian/messages').send(validMessage()).expect(202);
  });

  it('refuses to boot when an enabled channel’s configuration is invalid, naming channel and field', async () => {
    await hub.db.query(`UPDATE channel SET config = config || '{"replayWindowSeconds": 5}' WHERE id = 'portal-gongxin'`);
    const { createApiApp } = await import('../../src/app');
    await expect(createApiApp(hub.config, ['api'])).rejects.toThrow(/portal-gongxin.*replayWindowSeconds must be at least 30/);
    await hub.db.query(`UPDATE channel SET config = config - 'replayWindowSeconds' WHERE id = 'portal-gongxin'`);
  });
});
