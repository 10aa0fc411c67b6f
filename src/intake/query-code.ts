import { randomInt } from 'node:crypto';

/** Letters and digits a citizen will not confuse (no 0/O, 1/I/L). 31^12 ≈ 2^59 codes. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 12;

/** A new unguessable query code, shown as XXXX-XXXX-XXXX. */
export function newQueryCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The canonical form of what a citizen typed: upper case, no separators; undefined if impossible. */
export function canonicalQueryCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== LENGTH) return undefined;
  for (const c of code) if (!ALPHABET.includes(c)) return undefined;
  return code;
}
