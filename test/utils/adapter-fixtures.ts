/** The fixture folders every adapter's spec runs as table cases (fixtures/ok, fixtures/not-ok). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every JSON file of `<adapterDir>/fixtures/<folder>`, sorted by name, as [file, parsed] pairs. */
export function loadFixtures<T>(adapterDir: string, folder: 'ok' | 'not-ok'): [string, T][] {
  const dir = join(adapterDir, 'fixtures', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as T]);
}

/** Orders field errors so that expected and actual lists compare regardless of order. */
export const byFieldAndCode = (a: { field: string; code: string }, b: { field: string; code: string }) =>
  `${a.field}\u0000${a.code}`.localeCompare(`${b.field}\u0000${b.code}`);
