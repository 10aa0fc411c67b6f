/**
 * The secrets in a channel's configuration (the fields its adapter's manifest marks `secret`: an
 * upstream API key, a signing token, a portal's forward secret) are stored sealed, so a database
 * dump or a look at the `channel` table does not hand out the credentials of the city's channels.
 *
 * Stored form of a secret field: `{ "$sealed": "<PiiCipher.seal(JSON of the value)>" }`, an object
 * no manifest field takes, so a sealed value is never mistaken for a clear one (or the reverse).
 * In memory (the registry, the adapters, the admin service) the configuration is always clear;
 * a secret no configured key opens is left out of it and kept aside (`unopenedSecrets`), so that
 * saving the channel does not lose it.
 */
import { findAdapter } from '../../../adapters';
import { PiiCipher } from '../../crypto/pii-cipher';

export const SEALED = '$sealed';

type Config = Record<string, unknown>;

export function isSealed(v: unknown): v is { [SEALED]: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Record<string, unknown>)[SEALED] === 'string' && Object.keys(v).length === 1;
}

function secretFields(adapterName: string | null | undefined): string[] {
  const adapter = adapterName ? findAdapter(adapterName) : undefined;
  return adapter ? Object.entries(adapter.manifest.config).filter(([, spec]) => spec.secret).map(([k]) => k) : [];
}

/**
 * The configuration as stored: every secret field with a value sealed with the current key. A
 * value sealed with an old key (HUB_OLD_DATA_KEYS) is sealed again with the current one, so the old
 * key can be retired; one no configured key opens is kept as it is (never lost).
 */
export function sealChannelSecrets(adapterName: string | null | undefined, config: Config, cipher: PiiCipher): Config {
  const out: Config = { ...config };
  for (const k of secretFields(adapterName)) {
    const v = out[k];
    if (v === undefined || v === null || v === '') continue;
    if (!isSealed(v)) out[k] = { [SEALED]: cipher.seal(JSON.stringify(v)) };
    else if (!cipher.sealedWithCurrentKey(v[SEALED])) {
      try {
        out[k] = { [SEALED]: cipher.seal(cipher.open(v[SEALED])) };
      } catch {
        // no configured key opens it: kept, so it is there again when the key is
      }
    }
  }
  return out;
}

/**
 * The configuration in clear. A sealed value no configured key opens (HUB_DATA_KEY changed
 * without HUB_OLD_DATA_KEYS) is left out, so the manifest's validation names the field as missing
 * instead of an adapter signing with ciphertext; `unopened` lists such fields.
 */
export function openChannelSecrets(config: Config, cipher: PiiCipher): { config: Config; unopened: string[] } {
  const out: Config = { ...config };
  const unopened: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (!isSealed(v)) continue;
    try {
      out[k] = JSON.parse(cipher.open(v[SEALED]));
    } catch {
      delete out[k];
      unopened.push(k);
    }
  }
  return { config: out, unopened };
}

/**
 * Whether a stored configuration needs sealing: a secret in clear (written before secrets were
 * sealed, or by hand in SQL), or one sealed with an old key that a configured key still opens.
 */
export function needsSealing(adapterName: string | null | undefined, config: Config, cipher: PiiCipher): boolean {
  return JSON.stringify(sealChannelSecrets(adapterName, config, cipher)) !== JSON.stringify(config);
}

const unopened = new WeakMap<object, Config>();

/** Keeps aside the sealed values of a loaded row that no key opened (see ChannelSecretsSubscriber). */
export function keepUnopened(row: object, stored: Config, fields: string[]): void {
  if (fields.length) unopened.set(row, Object.fromEntries(fields.map((k) => [k, stored[k]])));
}

/** The sealed values of a loaded row that no configured key opened (left out of its config). */
export function unopenedSecrets(row: object): Config {
  return unopened.get(row) ?? {};
}
