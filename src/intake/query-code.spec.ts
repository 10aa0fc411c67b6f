/** Query codes: generation and canonicalisation of what a citizen typed. */
import { canonicalQueryCode, newQueryCode } from './query-code';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

describe('newQueryCode', () => {
  const codes = Array.from({ length: 1000 }, () => newQueryCode());

  test('has the form XXXX-XXXX-XXXX over the alphabet', () => {
    for (const code of codes) expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
  });

  test('1,000 codes are all distinct', () => {
    expect(new Set(codes).size).toBe(1000);
  });

  test('uses no ambiguous characters and most of the alphabet', () => {
    const seen = new Set(codes.join('').replace(/-/g, ''));
    for (const c of '01OIL') expect(seen.has(c)).toBe(false);
    expect(seen.size).toBe(ALPHABET.length); // 12,000 draws from 31 symbols: all appear
  });

  test('every code is its own canonical form without dashes', () => {
    for (const code of codes.slice(0, 50)) expect(canonicalQueryCode(code)).toBe(code.replace(/-/g, ''));
  });
});

describe('canonicalQueryCode', () => {
  test.each<[string, string | undefined]>([
    ['ABCD-EFGH-JKMN', 'ABCDEFGHJKMN'],
    ['abcd-efgh-jkmn', 'ABCDEFGHJKMN'],
    ['AbCd-eFgH-jKmN', 'ABCDEFGHJKMN'],
    ['ABCDEFGHJKMN', 'ABCDEFGHJKMN'],
    ['abcd efgh jkmn', 'ABCDEFGHJKMN'],
    ['  abcd-efgh-jkmn\n', 'ABCDEFGHJKMN'],
    ['A-B-C-D-E-F-G-H-J-K-M-N', 'ABCDEFGHJKMN'],
    ['2345\t6789\tWXYZ', '23456789WXYZ'],
    // wrong length
    ['', undefined],
    ['ABCD-EFGH-JKM', undefined],
    ['ABCD-EFGH-JKMNP', undefined],
    ['----', undefined],
    // ambiguous characters
    ['ABCD-EFGH-JKMO', undefined],
    ['ABCD-EFGH-JKMI', undefined],
    ['ABCD-EFGH-JKML', undefined],
    ['ABCD-EFGH-JKM0', undefined],
    ['ABCD-EFGH-JKM1', undefined],
    ['abcd-efgh-jkmo', undefined],
    ['abcd-efgh-jkml', undefined],
    ['abcd-efgh-jkmi', undefined],
    // other characters
    ['ABCD_EFGH_JKMN', undefined],
    ['ABCD.EFGH.JKMN', undefined],
    ['ABCD-EFGH-JKM张', undefined],
  ])('%j → %j', (input, expected) => {
    expect(canonicalQueryCode(input)).toBe(expected);
  });
});
