/**
 * The secrets in a channel's configuration (the fields its adapter's manifest marks `secret`: an
 * upstream API key, a signing token, a portal's forward secret) are stored sealed, so a database
 * dump or a look at the `channel` table does not hand out the credentials of the city's channels.
 *
 * Stored form of a secret field: `{ "$sealed": "<PiiCipher.seal(JSON of the value)>" }`, an object
 * no manifest field takes, so a sealed value is never mistaken for a clear one (or the reverse).
 * In memory (the registry, the adapters, the admin service) the configuration is always clear.
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

/** The configuration as stored: every secret field with a value sealed (already sealed ones kept). */
export function sealChannelSecrets(adapterName: string | null | undefined, config: Config, cipher: PiiCipher): Config {
  const out: Config = { ...config };
  for (const k of secretFields(adapterName)) {
    const v = out[k];
    if (v === undefined || v === null || v === '' || isSealed(v)) continue;
    out[k] = { [SEALED]: cipher.seal(JSON.stringify(v)) };
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

/** Whether a stored configuration still holds a secret in clear (written before secrets were sealed). */
export function hasClearSecrets(adapterName: string | null | undefined, config: Config): boolean {
  return secretFields(adapterName).some((k) => {
    const v = config[k];
    return v !== undefined && v !== null && v !== '' && !isSealed(v);
  });
}
