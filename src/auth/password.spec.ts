/** scrypt password hashes. Each hash or verify costs ~100 ms, so the cases are few. */
import { hashPassword, verifyPassword } from './password';

describe('hashPassword / verifyPassword', () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword('正确的密码 Correct-horse-1');
  });

  test('the stored form is scrypt$N$r$p$salt$hash', () => {
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  });

  test('the right password verifies', async () => {
    await expect(verifyPassword('正确的密码 Correct-horse-1', stored)).resolves.toBe(true);
  });

  test.each(['正确的密码 correct-horse-1', '', '正确的密码 Correct-horse-1 '])('a wrong password %j is false', async (wrong) => {
    await expect(verifyPassword(wrong, stored)).resolves.toBe(false);
  });

  test('two hashes of one password differ (random salt)', async () => {
    const again = await hashPassword('正确的密码 Correct-horse-1');
    expect(again).not.toBe(stored);
    expect(again.split('$')[4]).not.toBe(stored.split('$')[4]);
  });

  test.each<[string, () => string]>([
    ['empty', () => ''],
    ['not a hash', () => 'garbage'],
    ['a bcrypt hash', () => '$2b$10$abcdefghijklmnopqrstuu1234567890abcdefghijklmnopqrstu'],
    ['another algorithm name', () => stored.replace(/^scrypt/, 'argon2')],
    ['no hash part', () => stored.split('$').slice(0, 5).join('$')],
    ['an empty salt', () => stored.split('$').map((x, i) => (i === 4 ? '' : x)).join('$')],
  ])('a malformed stored string (%s) is false', async (_, make) => {
    await expect(verifyPassword('正确的密码 Correct-horse-1', make())).resolves.toBe(false);
  });
});

describe('verifyPassword refuses stored values it did not write', () => {
  test.each([
    ['an empty hash part', 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$'],
    ['a hash that decodes to nothing', 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$!!!'],
    ['padding only', 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$===='],
    ['N not a number', 'scrypt$x$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g='],
    ['N not a power of two', 'scrypt$3$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g='],
    ['too few parts', 'scrypt$32768$8$1'],
  ])('%s → false, never true, never a throw', async (_, stored) => {
    await expect(verifyPassword('anything', stored)).resolves.toBe(false);
  });
});
