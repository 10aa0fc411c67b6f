/**
 * The seed channel table (config/channels.yaml): parsed and checked before it touches the
 * registry. Pure: text in, rows out, or an error that says which row and field is wrong.
 */
import { parse } from 'yaml';

export interface SeedChannel {
  id: string;
  unit: string;
  name: string;
  disposition: 'closed' | 'redirected' | 'retained' | 'excluded' | 'own';
  effectiveFrom: string;
  guidance: string;
  referTo: { unit: string; channel: string; matter: string } | null;
  adapter: string | null;
  enabled: boolean;
  config: Record<string, unknown>;
  position: number;
}

/** The adapter a disposition gets unless the row names one; closed and excluded channels take nothing in. */
const SEED_ADAPTER: Record<SeedChannel['disposition'], string | null> = {
  own: 'web-form',
  redirected: 'portal',
  retained: null,
  closed: null,
  excluded: null,
};

export class SeedError extends Error {}

function str(row: Record<string, unknown>, field: string, where: string): string {
  const value = row[field];
  if (typeof value !== 'string' || value.trim() === '') throw new SeedError(`${where}: "${field}" must be a non-empty string`);
  return value.trim();
}

export function parseChannelSeed(text: string): SeedChannel[] {
  const doc = parse(text) as Record<string, unknown>;
  if (!doc || typeof doc !== 'object') throw new SeedError('channels.yaml: not a mapping');
  const effectiveFrom = String(doc.effectiveFrom ?? '');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom)) throw new SeedError('channels.yaml: effectiveFrom must be YYYY-MM-DD');
  const rows = [...((doc.own as unknown[]) ?? []), ...((doc.channels as unknown[]) ?? [])];
  const seen = new Set<string>();
  return rows.map((r, index) => {
    if (!r || typeof r !== 'object') throw new SeedError(`channels.yaml row ${index + 1}: not a mapping`);
    const row = r as Record<string, unknown>;
    const where = `channels.yaml row ${index + 1} (${String(row.id ?? '?')})`;
    const id = str(row, 'id', where);
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(id)) throw new SeedError(`${where}: id must be lower-case letters, digits and dashes`);
    if (seen.has(id)) throw new SeedError(`${where}: duplicate id`);
    seen.add(id);
    const disposition = str(row, 'disposition', where) as SeedChannel['disposition'];
    if (!Object.hasOwn(SEED_ADAPTER, disposition)) throw new SeedError(`${where}: unknown disposition "${disposition}"`);
    let referTo: SeedChannel['referTo'] = null;
    if (disposition === 'excluded') {
      const ref = row.referTo as Record<string, unknown> | undefined;
      if (!ref || typeof ref !== 'object') throw new SeedError(`${where}: an excluded channel needs referTo`);
      referTo = { unit: str(ref, 'unit', where), channel: str(ref, 'channel', where), matter: str(ref, 'matter', where) };
    }
    const config = row.config ?? {};
    if (typeof config !== 'object' || Array.isArray(config)) throw new SeedError(`${where}: config must be a mapping`);
    const adapter = row.adapter === undefined ? SEED_ADAPTER[disposition] : row.adapter === null ? null : str(row, 'adapter', where);
    if (disposition === 'retained' && !adapter) throw new SeedError(`${where}: a retained channel needs its pull adapter`);
    if (row.enabled !== undefined && typeof row.enabled !== 'boolean') throw new SeedError(`${where}: enabled must be true or false`);
    return {
      id,
      unit: str(row, 'unit', where),
      name: str(row, 'name', where),
      disposition,
      effectiveFrom: typeof row.effectiveFrom === 'string' ? row.effectiveFrom : effectiveFrom,
      guidance: str(row, 'guidance', where),
      referTo,
      adapter,
      enabled: row.enabled !== false,
      config: config as Record<string, unknown>,
      position: index,
    };
  });
}
