/** Channel secrets sealed at rest: pure, with an in-memory cipher. */
import { PiiCipher } from '../../crypto/pii-cipher';
import { isSealed, needsSealing, openChannelSecrets, sealChannelSecrets, SEALED } from './channel-secrets';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 9);
const cipher = new PiiCipher(KEY);

describe('sealChannelSecrets', () => {
  test.each<[string, string, Record<string, unknown>, string[]]>([
    // [what, adapter, config, fields expected sealed]
    ['the app export API key', 'app-jinriyuncheng', { baseUrl: 'http://x', apiKey: 'k-123' }, ['apiKey']],
    ['the leaders’ board token', 'people-leaders-board', { fids: ['593'], token: 't0ken' }, ['token']],
    ['a portal’s forward secret', 'portal', { forwardSecret: 'x'.repeat(40), phoneRequired: true }, ['forwardSecret']],
    ['an empty token stays empty (anonymous access)', 'people-leaders-board', { token: '' }, []],
    ['a channel without an adapter', '', { apiKey: 'not a manifest secret here' }, []],
    ['an adapter without secrets', 'web-form', { phoneRequired: true }, []],
  ])('%s', (_, adapter, config, sealedFields) => {
    const stored = sealChannelSecrets(adapter || null, config, cipher);
    for (const [k, v] of Object.entries(config)) {
      if (sealedFields.includes(k)) {
        expect(isSealed(stored[k])).toBe(true);
        expect(JSON.stringify(stored)).not.toContain(String(v));
      } else {
        expect(stored[k]).toEqual(v);
      }
    }
    expect(openChannelSecrets(stored, cipher)).toEqual({ config, unopened: [] });
    expect(needsSealing(adapter || null, stored, cipher)).toBe(false);
  });

  test('a value already sealed is kept as it is (sealing twice changes nothing)', () => {
    const once = sealChannelSecrets('app-jinriyuncheng', { apiKey: 'k-123' }, cipher);
    expect(sealChannelSecrets('app-jinriyuncheng', once, cipher)).toEqual(once);
  });

  test('does not change the configuration it was given', () => {
    const config = { apiKey: 'k-123' };
    sealChannelSecrets('app-jinriyuncheng', config, cipher);
    expect(config).toEqual({ apiKey: 'k-123' });
  });
});

describe('openChannelSecrets', () => {
  test('a secret sealed with a key this process lacks is left out and named, not passed on as ciphertext', () => {
    const stored = sealChannelSecrets('app-jinriyuncheng', { baseUrl: 'http://x', apiKey: 'k-123' }, new PiiCipher(OTHER));
    expect(openChannelSecrets(stored, cipher)).toEqual({ config: { baseUrl: 'http://x' }, unopened: ['apiKey'] });
    expect(openChannelSecrets(stored, new PiiCipher(KEY, [OTHER])).config.apiKey).toBe('k-123'); // HUB_OLD_DATA_KEYS
  });

  test.each<[string, unknown]>([
    ['a string that looks like a sealed value', 'v1.abcdef12.x.y.z'],
    ['an object with more than the marker', { [SEALED]: 'v1.x', other: 1 }],
    ['an array', ['a']],
    ['null', null],
  ])('leaves %s alone', (_, value) => {
    expect(openChannelSecrets({ field: value }, cipher)).toEqual({ config: { field: value }, unopened: [] });
  });
});

describe('needsSealing', () => {
  test.each<[string, string, Record<string, unknown>, boolean]>([
    ['a clear API key', 'app-jinriyuncheng', { apiKey: 'k' }, true],
    ['a clear token', 'people-leaders-board', { token: 't' }, true],
    ['an empty token', 'people-leaders-board', { token: '' }, false],
    ['no secret field set', 'portal', { phoneRequired: false }, false],
    ['a clear value under a field the manifest does not call secret', 'web-form', { apiKey: 'k' }, false],
    ['sealed with the current key', 'app-jinriyuncheng', sealChannelSecrets('app-jinriyuncheng', { apiKey: 'k' }, cipher), false],
    ['sealed with an old key this process still has', 'app-jinriyuncheng', sealChannelSecrets('app-jinriyuncheng', { apiKey: 'k' }, new PiiCipher(OTHER)), true],
  ])('%s → %s', (_, adapter, config, expected) => {
    expect(needsSealing(adapter, config, new PiiCipher(KEY, [OTHER]))).toBe(expected);
  });
});

describe('key rotation', () => {
  test('a secret sealed with an old key is sealed again with the current one, and still opens to the same value', () => {
    const old = sealChannelSecrets('app-jinriyuncheng', { apiKey: 'k-123' }, new PiiCipher(OTHER));
    const rotated = new PiiCipher(KEY, [OTHER]);
    const again = sealChannelSecrets('app-jinriyuncheng', old, rotated);
    expect(again.apiKey).not.toEqual(old.apiKey);
    expect(new PiiCipher(KEY).sealedWithCurrentKey((again.apiKey as { [SEALED]: string })[SEALED])).toBe(true);
    expect(openChannelSecrets(again, new PiiCipher(KEY)).config.apiKey).toBe('k-123'); // the old key is no longer needed
  });

  test('a secret no configured key opens is kept as it is, never dropped', () => {
    const foreign = sealChannelSecrets('app-jinriyuncheng', { apiKey: 'k-123' }, new PiiCipher(OTHER));
    expect(sealChannelSecrets('app-jinriyuncheng', foreign, cipher)).toEqual(foreign);
    expect(needsSealing('app-jinriyuncheng', foreign, cipher)).toBe(false);
  });
});
