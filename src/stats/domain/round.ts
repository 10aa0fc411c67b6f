/**
 * Rounds half up to `decimals` places as a person would on paper: 43.75 → 43.8, 1.025 → 1.03.
 * Plain Math.round(x * 10) / 10 gives 43.7 when the sum arrives as 43.74999999999999; the value is
 * first cut to 12 significant digits, which removes that binary noise.
 */
export function roundHalfUp(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(Number((x * f).toPrecision(12))) / f;
}
