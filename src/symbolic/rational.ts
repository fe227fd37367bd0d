/**
 * Exact rational coefficients for simplification (1/3 stays 1/3, not 0.333…). A coefficient
 * whose numerator or denominator would leave the safe-integer range, or that came from a
 * decimal such as 0.1, is kept as a float with denominator 1.
 */

/** n/d in lowest terms with d > 0 when exact; a float n with d = 1 otherwise. */
export interface Ratio {
  readonly n: number;
  readonly d: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function ratio(n: number, d = 1): Ratio {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d === 0) return { n: n / d, d: 1 };
  const g = gcd(Math.abs(n), Math.abs(d)) * Math.sign(d);
  // Adding 0 turns −0 into 0, so that 0 prints as "0".
  return { n: n / g + 0, d: d / g };
}

export const ZERO = ratio(0);
export const ONE = ratio(1);

export const value = (r: Ratio): number => r.n / r.d;
export const addRatio = (a: Ratio, b: Ratio): Ratio => ratio(a.n * b.d + b.n * a.d, a.d * b.d);
export const mulRatio = (a: Ratio, b: Ratio): Ratio => ratio(a.n * b.n, a.d * b.d);
export const negRatio = (a: Ratio): Ratio => ratio(-a.n, a.d);
/** 1/a; a must be non-zero. */
export const invRatio = (a: Ratio): Ratio => ratio(a.d, a.n);

/** aᵏ for an integer k (a non-zero when k < 0). */
export function powRatio(a: Ratio, k: number): Ratio {
  return k >= 0 ? ratio(a.n ** k, a.d ** k) : ratio(a.d ** -k, a.n ** -k);
}

/**
 * The simplest fraction p/q with q ≤ maxDenominator within `tolerance` (relative) of x, by
 * continued fractions; undefined when none is that close. Used to show 0.1666… as 1/6.
 */
export function nearbyFraction(x: number, maxDenominator = 100_000, tolerance = 1e-12): Ratio | undefined {
  if (!Number.isFinite(x)) return undefined;
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let rest = Math.abs(x);
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(rest);
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (k1 > maxDenominator) return undefined;
    if (Math.abs(h1 / k1 - Math.abs(x)) <= tolerance * Math.max(1, Math.abs(x))) return ratio(Math.sign(x) * h1, k1);
    if (rest === a) return undefined;
    rest = 1 / (rest - a);
  }
  return undefined;
}
