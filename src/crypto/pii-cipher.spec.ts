/** PiiCipher: AES-256-GCM sealing and HMAC blind indexes. Pure, in memory. */
import { createHmac } from 'node:crypto';
import { PiiCipher } from './pii-cipher';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const KEY_OLD = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

/** Flips one bit of one base64url part of a sealed value, so the decoded bytes really change. */
function flipBit(sealed: string, part: 2 | 3 | 4): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[0] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('PiiCipher seal/open', () => {
  const cipher = new PiiCipher(KEY_A);

  test.each([
    ['ascii', 'hello'],
    ['Chinese name', '张三'],
    ['Chinese sentence with punctuation', '运城市盐湖区解放路3号楼，电话13812345678。'],
    ['emoji and rare CJK', '𠀀𪚥 😀'],
    ['single space', ' '],
    ['empty string', ''],
    ['long text', '市长信箱'.repeat(2000)],
  ])('round trip: %s', (_, plain) => {
    const sealed = cipher.seal(plain);
    expect(plain === '' || !sealed.includes(plain)).toBe(true);
    expect(cipher.open(sealed)).toBe(plain);
  });

  test('sealed format is v1.<keyId>.<iv>.<tag>.<body> with the current key id', () => {
    const parts = cipher.seal('张三').split('.');
    expect(parts).toHaveLength(5);
    expect(parts[0]).toBe('v1');
    expect(parts[1]).toBe(PiiCipher.keyId(KEY_A));
    expect(parts[1]).toMatch(/^[0-9a-f]{8}$/);
    expect(Buffer.from(parts[2], 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3], 'base64url')).toHaveLength(16);
  });

  test('two seals of the same text differ but open to the same text', () => {
    const a = cipher.seal('李四');
    const b = cipher.seal('李四');
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]); // the IV
    expect(cipher.open(a)).toBe('李四');
    expect(cipher.open(b)).toBe('李四');
  });

  test('another cipher with the same key opens the value', () => {
    expect(new PiiCipher(Buffer.from(KEY_A)).open(cipher.seal('王五'))).toBe('王五');
  });

  test.each<[string, 2 | 3 | 4]>([
    ['iv', 2],
    ['tag', 3],
    ['body', 4],
  ])('tampering with the %s makes open throw', (_, part) => {
    const sealed = cipher.seal('赵六 13812345678');
    const tampered = flipBit(sealed, part);
    expect(tampered).not.toBe(sealed);
    expect(() => cipher.open(tampered)).toThrow();
  });

  test('swapping the bodies of two sealed values makes open throw', () => {
    const a = cipher.seal('甲甲甲').split('.');
    const b = cipher.seal('乙乙乙').split('.');
    expect(() => cipher.open([a[0], a[1], a[2], a[3], b[4]].join('.'))).toThrow();
  });

  test.each([
    ['empty string', ''],
    ['plain text', '张三'],
    ['wrong version', 'v2.abcdef01.aaaa.bbbb.cccc'],
    ['missing body', 'v1.abcdef01.aaaa.bbbb'],
    ['missing key id', 'v1..aaaa.bbbb.cccc'],
  ])('open rejects a value that is not sealed: %s', (_, value) => {
    expect(() => cipher.open(value)).toThrow('not a sealed value');
  });

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['empty string', ''],
  ])('sealOptional(%s) is null and openOptional(null) is undefined', (_, value) => {
    expect(cipher.sealOptional(value)).toBeNull();
    expect(cipher.openOptional(cipher.sealOptional(value))).toBeUndefined();
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['empty string', ''],
  ])('openOptional(%s) is undefined', (_, value) => {
    expect(cipher.openOptional(value)).toBeUndefined();
  });

  test.each([' ', '张', '0'])('sealOptional/openOptional round trip of %j', (plain) => {
    const sealed = cipher.sealOptional(plain);
    expect(sealed).toMatch(/^v1\./);
    expect(cipher.openOptional(sealed)).toBe(plain);
  });
});

describe('PiiCipher key rotation', () => {
  const oldCipher = new PiiCipher(KEY_OLD);
  const sealedWithOld = oldCipher.seal('旧密钥加密的手机号13912345678');
  const oldId = PiiCipher.keyId(KEY_OLD);

  test('a value sealed with an old key opens when that key is passed as an old key', () => {
    const rotated = new PiiCipher(KEY_A, [KEY_B, KEY_OLD]);
    expect(rotated.open(sealedWithOld)).toBe('旧密钥加密的手机号13912345678');
  });

  test('new seals after rotation use the new key id', () => {
    const rotated = new PiiCipher(KEY_A, [KEY_OLD]);
    expect(rotated.seal('x').split('.')[1]).toBe(PiiCipher.keyId(KEY_A));
    expect(rotated.seal('x').split('.')[1]).not.toBe(oldId);
  });

  test.each([
    ['no old keys', new PiiCipher(KEY_A)],
    ['a different old key', new PiiCipher(KEY_A, [KEY_B])],
  ])('without the old key (%s), open fails naming the key id', (_, cipher) => {
    expect(() => cipher.open(sealedWithOld)).toThrow(`no key with id ${oldId}`);
  });

  test('a value whose key id is relabelled to the current key does not open', () => {
    const current = new PiiCipher(KEY_A, [KEY_OLD]);
    const parts = sealedWithOld.split('.');
    parts[1] = PiiCipher.keyId(KEY_A);
    expect(() => current.open(parts.join('.'))).toThrow();
  });

  test('keyId is 8 hex chars, deterministic, and differs across keys', () => {
    expect(PiiCipher.keyId(KEY_A)).toBe(PiiCipher.keyId(Buffer.from(KEY_A)));
    expect(PiiCipher.keyId(KEY_A)).toMatch(/^[0-9a-f]{8}$/);
    expect(PiiCipher.keyId(KEY_A)).not.toBe(PiiCipher.keyId(KEY_B));
  });
});

describe('PiiCipher blindIndex', () => {
  const a = new PiiCipher(KEY_A);
  const a2 = new PiiCipher(Buffer.from(KEY_A), [KEY_OLD]);
  const b = new PiiCipher(KEY_B);

  test('is 64 hex chars and deterministic for one key and purpose', () => {
    const idx = a.blindIndex('phone', '13812345678');
    expect(idx).toMatch(/^[0-9a-f]{64}$/);
    expect(a.blindIndex('phone', '13812345678')).toBe(idx);
    expect(a2.blindIndex('phone', '13812345678')).toBe(idx); // old keys do not change it
  });

  test.each<[string, () => string, () => string]>([
    ['purposes', () => a.blindIndex('phone', '13812345678'), () => a.blindIndex('query-code', '13812345678')],
    ['keys', () => a.blindIndex('phone', '13812345678'), () => b.blindIndex('phone', '13812345678')],
    ['values', () => a.blindIndex('phone', '13812345678'), () => a.blindIndex('phone', '13812345679')],
    // the separator keeps purpose and value apart
    ['purpose/value boundaries', () => a.blindIndex('ab', 'c'), () => a.blindIndex('a', 'bc')],
  ])('differs across %s', (_, x, y) => {
    expect(x()).not.toBe(y());
  });

  test('is not a plain SHA-256/HMAC of the value with the data key itself', () => {
    const direct = createHmac('sha256', KEY_A).update('phone').update('\0').update('13812345678').digest('hex');
    expect(a.blindIndex('phone', '13812345678')).not.toBe(direct);
  });
});

describe('PiiCipher refuses shortened tags and extra parts', () => {
  const cipher = new PiiCipher(KEY_A);
  const sealed = cipher.seal('13812345678');
  const [v, id, iv, tag, body] = sealed.split('.');
  test.each([4, 8, 12])('a tag cut to %i bytes', (n) => {
    const short = Buffer.from(tag, 'base64url').subarray(0, n).toString('base64url');
    expect(() => cipher.open([v, id, iv, short, body].join('.'))).toThrow();
  });
  test('an extra part', () => {
    expect(() => cipher.open(`${sealed}.zzz`)).toThrow();
  });
});
