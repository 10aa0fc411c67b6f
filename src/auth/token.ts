/** Access tokens: compact JWTs signed with HMAC-SHA256. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { STAFF_ROLES } from './entities/staff-user.entity';
import { Principal } from './decorators';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(data: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

export function issueToken(p: Principal, secret: Buffer, nowMs: number, ttlSeconds: number): string {
  const iat = Math.floor(nowMs / 1000);
  const payload = { sub: p.userId, usr: p.username, role: p.role, unit: p.unit, gen: p.generation ?? 0, iat, exp: iat + ttlSeconds };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${sign(body, secret)}`;
}

/** The principal of a valid, unexpired token; undefined otherwise. */
export function verifyToken(token: string, secret: Buffer, nowMs: number): Principal | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
  const expected = Buffer.from(sign(`${parts[0]}.${parts[1]}`, secret));
  const actual = Buffer.from(parts[2]);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= nowMs) return undefined;
  if (!(STAFF_ROLES as readonly unknown[]).includes(payload.role)) return undefined;
  if (typeof payload.sub !== 'string' || typeof payload.usr !== 'string') return undefined;
  return {
    userId: payload.sub,
    username: payload.usr,
    role: payload.role as Principal['role'],
    unit: typeof payload.unit === 'string' ? payload.unit : null,
    generation: Number.isInteger(payload.gen) ? (payload.gen as number) : 0,
  };
}
