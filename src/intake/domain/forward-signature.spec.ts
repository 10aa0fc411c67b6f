/**
 * Signed server-to-server forwards: X-Hub-Timestamp (Unix seconds) and
 * X-Hub-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">.
 */
import { createHmac } from 'node:crypto';
import { checkForward, ForwardCheck, signForward } from './forward-signature';

const SECRET = 'portal-secret-0123456789-abcdefghij';
const NOW_S = 1_764_122_400; // 2025-11-26T02:00:00Z
const NOW_MS = NOW_S * 1000;
const BODY = Buffer.from(JSON.stringify({ 姓名: '张三', 联系电话: '13800138000', 内容: '路灯不亮' }), 'utf8');
const TS = String(NOW_S);
const SIG = signForward(SECRET, TS, BODY);

type Opts = Parameters<typeof checkForward>[0];
const base = (over: Partial<Opts> = {}): Opts => ({
  secret: SECRET,
  timestamp: TS,
  signature: SIG,
  rawBody: BODY,
  nowMs: NOW_MS,
  windowSeconds: 300,
  ...over,
});

describe('signForward', () => {
  test('is sha256= and the hex HMAC of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(Buffer.concat([Buffer.from(`${TS}.`), BODY])).digest('hex');
    expect(SIG).toBe(`sha256=${expected}`);
    expect(SIG).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  test('a Buffer and the same string sign the same', () => {
    const text = '{"内容":"路灯不亮😀"}';
    expect(signForward(SECRET, TS, Buffer.from(text, 'utf8'))).toBe(signForward(SECRET, TS, text));
  });

  test('differs with the secret, the timestamp and the body', () => {
    expect(signForward('other-secret', TS, BODY)).not.toBe(SIG);
    expect(signForward(SECRET, String(NOW_S + 1), BODY)).not.toBe(SIG);
    expect(signForward(SECRET, TS, Buffer.concat([BODY, Buffer.from(' ')]))).not.toBe(SIG);
  });

  test('the dot separates timestamp and body (no ambiguity when moving digits)', () => {
    expect(signForward(SECRET, '123456789', '0{}')).not.toBe(signForward(SECRET, '1234567890', '{}'));
  });
});

describe('checkForward', () => {
  test('ok', () => {
    expect(checkForward(base())).toBe('ok');
  });

  test('ok for an empty body', () => {
    const empty = Buffer.alloc(0);
    expect(checkForward(base({ rawBody: empty, signature: signForward(SECRET, TS, empty) }))).toBe('ok');
  });

  test.each<[string, string | undefined]>([
    ['undefined', undefined],
    ['empty', ''],
  ])('no secret (%s) → no_secret, whatever the headers', (_name, secret) => {
    expect(checkForward(base({ secret }))).toBe('no_secret');
    expect(checkForward(base({ secret, signature: undefined, timestamp: 'x' }))).toBe('no_secret');
  });

  test.each<[string, Partial<Opts>]>([
    ['timestamp missing', { timestamp: undefined }],
    ['timestamp empty', { timestamp: '' }],
    ['timestamp not digits', { timestamp: 'abcdefghij' }],
    ['timestamp in milliseconds', { timestamp: String(NOW_MS) }],
    ['timestamp with a fraction', { timestamp: `${TS}.5` }],
    ['timestamp with a space', { timestamp: ` ${TS}` }],
    ['timestamp negative', { timestamp: `-${TS}` }],
    ['timestamp too short', { timestamp: '12345678' }],
    ['signature missing', { signature: undefined }],
    ['signature empty', { signature: '' }],
    ['signature without prefix', { signature: SIG.slice('sha256='.length) }],
    ['signature with sha1= prefix', { signature: 'sha1=' + SIG.slice('sha256='.length) }],
    ['signature with SHA256= prefix', { signature: 'SHA256=' + SIG.slice('sha256='.length) }],
    ['signature one hex digit short', { signature: SIG.slice(0, -1) }],
    ['signature one hex digit long', { signature: SIG + '0' }],
    ['signature in uppercase hex', { signature: 'sha256=' + SIG.slice('sha256='.length).toUpperCase() }],
    ['signature in base64', { signature: 'sha256=' + Buffer.from(SIG.slice(7), 'hex').toString('base64') }],
    ['signature with trailing space', { signature: SIG + ' ' }],
  ])('%s → malformed', (_name, over) => {
    expect(checkForward(base(over))).toBe('malformed');
  });

  test('uppercase hex of the right signature is still malformed (not ok)', () => {
    const upper = 'sha256=' + SIG.slice(7).toUpperCase();
    expect(upper).not.toBe(SIG);
    expect(checkForward(base({ signature: upper }))).toBe('malformed');
  });

  test.each<[string, number, ForwardCheck]>([
    ['exactly the window in the past', -300, 'ok'],
    ['exactly the window in the future', 300, 'ok'],
    ['one second too old', -301, 'stale'],
    ['one second too far in the future', 301, 'stale'],
    ['an hour old', -3600, 'stale'],
    ['a day ahead', 86400, 'stale'],
  ])('timestamp %s → %s', (_name, offset, expected) => {
    const ts = String(NOW_S + offset);
    expect(checkForward(base({ timestamp: ts, signature: signForward(SECRET, ts, BODY) }))).toBe(expected);
  });

  test('the window is the configured one', () => {
    const ts = String(NOW_S - 100);
    const signature = signForward(SECRET, ts, BODY);
    expect(checkForward(base({ timestamp: ts, signature, windowSeconds: 100 }))).toBe('ok');
    expect(checkForward(base({ timestamp: ts, signature, windowSeconds: 99 }))).toBe('stale');
  });

  test('stale is decided before the signature (a stale forward with a bad signature is stale)', () => {
    const ts = String(NOW_S - 1000);
    expect(checkForward(base({ timestamp: ts, signature: 'sha256=' + '0'.repeat(64) }))).toBe('stale');
  });

  test.each<[string, Partial<Opts>]>([
    ['signed with another secret', { signature: signForward(SECRET + 'x', TS, BODY) }],
    ['checked with another secret', { secret: 'another-secret-0123456789-abcdefgh' }],
    ['body changed by one byte', { rawBody: Buffer.from(BODY.map((b, i) => (i === 5 ? b ^ 1 : b))) }],
    ['body with one byte more', { rawBody: Buffer.concat([BODY, Buffer.from('\n')]) }],
    ['body truncated', { rawBody: BODY.subarray(0, BODY.length - 1) }],
    ['timestamp changed (still fresh)', { timestamp: String(NOW_S + 1) }],
    ['signature of the body alone', { signature: 'sha256=' + createHmac('sha256', SECRET).update(BODY).digest('hex') }],
    ['all zeros', { signature: 'sha256=' + '0'.repeat(64) }],
  ])('%s → bad_signature', (_name, over) => {
    expect(checkForward(base(over))).toBe('bad_signature');
  });

  test('a signature made over the string body verifies against the Buffer body', () => {
    const text = '{"内容":"道路积水"}';
    expect(checkForward(base({ rawBody: Buffer.from(text, 'utf8'), signature: signForward(SECRET, TS, text) }))).toBe('ok');
  });
});
