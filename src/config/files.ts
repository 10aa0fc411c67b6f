import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Finds a file of the top-level `config/` folder from source (ts-jest) or the build (dist/). */
export function findConfigFile(name: string): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'config', name);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`config/${name} not found above ${__dirname}`);
}
