/**
 * Field-level encryption of citizens' personal data (AES-256-GCM), plus keyed hashes (HMAC) for
 * looking a value up without decrypting it (blind indexes, query codes).
 *
 * Sealed format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is derived from
 * the key, so rotating means: set the new HUB_DATA_KEY, move the old one to HUB_OLD_DATA_KEYS.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

export class PiiCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;
  private readonly hmacKey: Buffer;

  constructor(dataKey: Buffer, oldKeys: Buffer[] = []) {
    this.currentId = PiiCipher.keyId(dataKey);
    this.keys.set(this.currentId, dataKey);
    for (const k of oldKeys) this.keys.set(PiiCipher.keyId(k), k);
    // A separate key for hashing, so a blind index never doubles as a ciphertext key.
    this.hmacKey = createHmac('sha256', dataKey).update('hub:blind-index:v1').digest();
  }

  static keyId(key: Buffer): string {
    return createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', this.currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  sealOptional(plain: string | undefined | null): string | null {
    return plain === undefined || plain === null || plain === '' ? null : this.seal(plain);
  }

  open(sealed: string): string {
    const parts = sealed.split('.');
    const [version, keyId, iv, tag, body] = parts;
    const tagBytes = Buffer.from(tag ?? '', 'base64url');
    const ivBytes = Buffer.from(iv ?? '', 'base64url');
    if (parts.length !== 5 || version !== 'v1' || !keyId || ivBytes.length !== 12 || tagBytes.length !== 16) {
      throw new Error('not a sealed value');
    }
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no key with id ${keyId} is configured (HUB_OLD_DATA_KEYS?)`);
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: 16 });
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Whether a sealed value was sealed with the current key (false: an old key, or not a sealed value). */
  sealedWithCurrentKey(sealed: string): boolean {
    return sealed.split('.')[1] === this.currentId;
  }

  openOptional(sealed: string | null | undefined): string | undefined {
    return sealed ? this.open(sealed) : undefined;
  }

  /** A keyed hash for equality look-ups (phone numbers, query codes); hex. */
  blindIndex(purpose: string, value: string): string {
    return createHmac('sha256', this.hmacKey).update(purpose).update('\0').update(value).digest('hex');
  }
}
