/** Access tokens (HS256 JWTs): issue/verify are pure given the secret and the time. */
import { createHmac } from 'node:crypto';
import { Principal } from './decorators';
import { issueToken, verifyToken } from './token';

const SECRET = Buffer.from('a-jwt-secret-of-at-least-32-characters!!');
const OTHER_SECRET = Buffer.from('another-secret-of-at-least-32-characters');
const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);
const TTL = 3600;

const STAFF: Principal = { userId: '42', username: 'wang.wu', role: 'staff', unit: null, generation: 0 };
const UNIT_USER: Principal = { userId: '7', username: '盐湖区住建局', role: 'unit', unit: '盐湖区住房和城乡建设局', generation: 3 };

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });
/** A token signed correctly with SECRET, for any payload. */
function forge(payload: unknown, secret = SECRET): string {
  const body = `${HEADER}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
const validPayload = { sub: '42', usr: 'wang.wu', role: 'staff', unit: null, iat: NOW / 1000, exp: NOW / 1000 + TTL };

describe('issueToken / verifyToken round trip', () => {
  test.each<[string, Principal]>([
    ['staff without a unit', STAFF],
    ['unit user with a Chinese unit', UNIT_USER],
    ['admin', { userId: '1', username: 'admin', role: 'admin', unit: null, generation: 0 }],
    ['leader', { userId: '2', username: 'leader', role: 'leader', unit: null, generation: 12 }],
  ])('%s', (_, principal) => {
    const token = issueToken(principal, SECRET, NOW, TTL);
    expect(token.split('.')).toHaveLength(3);
    expect(verifyToken(token, SECRET, NOW)).toEqual(principal);
  });

  test('the payload carries iat and exp in seconds', () => {
    const payload = JSON.parse(Buffer.from(issueToken(STAFF, SECRET, NOW + 999, TTL).split('.')[1], 'base64url').toString());
    expect(payload).toEqual({ sub: '42', usr: 'wang.wu', role: 'staff', unit: null, gen: 0, iat: NOW / 1000, exp: NOW / 1000 + TTL });
  });

  test('a token from before token generations (no gen) is of generation 0', () => {
    expect(verifyToken(forge(validPayload), SECRET, NOW)?.generation).toBe(0);
    expect(verifyToken(forge({ ...validPayload, gen: 'x' }), SECRET, NOW)?.generation).toBe(0);
    expect(verifyToken(forge({ ...validPayload, gen: 4 }), SECRET, NOW)?.generation).toBe(4);
  });

  test('a correctly signed hand-made token verifies (the forge helper is faithful)', () => {
    expect(verifyToken(forge(validPayload), SECRET, NOW)).toEqual(STAFF);
  });
});

describe('verifyToken expiry', () => {
  const token = issueToken(STAFF, SECRET, NOW, TTL);

  test.each<[string, number, boolean]>([
    ['at issue', NOW, true],
    ['one ms before exp', NOW + TTL * 1000 - 1, true],
    ['exactly at exp', NOW + TTL * 1000, false],
    ['one ms past exp', NOW + TTL * 1000 + 1, false],
    ['a day later', NOW + 86_400_000, false],
  ])('%s → valid: %s', (_, nowMs, valid) => {
    const result = verifyToken(token, SECRET, nowMs);
    if (valid) expect(result).toEqual(STAFF);
    else expect(result).toBeUndefined();
  });
});

describe('verifyToken rejects', () => {
  const token = issueToken(STAFF, SECRET, NOW, TTL);
  const [h, p, s] = token.split('.');

  test.each<[string, () => string]>([
    ['a token signed with another secret', () => issueToken(STAFF, OTHER_SECRET, NOW, TTL)],
    ['a payload re-signed with another secret', () => forge(validPayload, OTHER_SECRET)],
    ['an altered payload (role raised to admin)', () => `${h}.${b64({ ...validPayload, role: 'admin' })}.${s}`],
    ['an altered payload (longer expiry)', () => `${h}.${b64({ ...validPayload, exp: validPayload.exp + 1e6 })}.${s}`],
    ['the signature of another token', () => `${h}.${p}.${issueToken(UNIT_USER, SECRET, NOW, TTL).split('.')[2]}`],
    ['a truncated signature', () => `${h}.${p}.${s.slice(0, -1)}`],
    ['an extended signature', () => `${h}.${p}.${s}A`],
    ['no signature', () => `${h}.${p}.`],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`],
    ['another header', () => `${b64({ alg: 'HS512', typ: 'JWT' })}.${p}.${s}`],
    ['an unknown role', () => forge({ ...validPayload, role: 'superuser' })],
    ['a role in the wrong case', () => forge({ ...validPayload, role: 'Admin' })],
    ['no role', () => forge({ ...validPayload, role: undefined })],
    ['no exp', () => forge({ ...validPayload, exp: undefined })],
    ['a string exp', () => forge({ ...validPayload, exp: String(validPayload.exp) })],
    ['a numeric sub', () => forge({ ...validPayload, sub: 42 })],
    ['no usr', () => forge({ ...validPayload, usr: undefined })],
    ['an extra part', () => `${token}.extra`],
    ['two parts', () => `${h}.${p}`],
  ])('%s', (_, make) => {
    expect(verifyToken(make(), SECRET, NOW)).toBeUndefined();
  });

  test('a correctly signed payload that is not JSON', () => {
    const body = `${HEADER}.${Buffer.from('not json').toString('base64url')}`;
    const token = `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    expect(verifyToken(token, SECRET, NOW)).toBeUndefined();
  });

  test.each(['', '.', '..', 'garbage', 'a.b.c', 'Bearer x.y.z', '😀.😀.😀', '\u0000'])('garbage %j', (garbage) => {
    expect(verifyToken(garbage, SECRET, NOW)).toBeUndefined();
  });

  test('a non-string unit becomes null', () => {
    expect(verifyToken(forge({ ...validPayload, unit: 5 }), SECRET, NOW)).toEqual(STAFF);
  });
});
