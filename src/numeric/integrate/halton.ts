/**
 * Halton points: the radical inverse of the index in the first d primes. Randomised (the
 * default) by a random permutation of the nonzero digits in each base (which breaks the
 * correlation of high dimensions) and a random shift modulo 1 (which makes every point
 * uniform, so averages are unbiased).
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { type Random, randomFor } from "../../tensor/random.js";
import type { LowDiscrepancyOptions } from "./sobol.js";

function firstPrimes(d: number): number[] {
  const primes: number[] = [];
  for (let p = 2; primes.length < d; p++) if (primes.every((q) => p % q !== 0)) primes.push(p);
  return primes;
}

/** A permutation of 0…b−1 that keeps 0 fixed (so finite expansions stay finite). */
function digitPermutation(b: number, rng: Random | undefined): number[] {
  const perm = Array.from({ length: b }, (_, i) => i);
  if (!rng) return perm;
  for (let i = b - 1; i > 1; i--) {
    const j = 1 + Math.floor(rng.uniform() * i);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return perm;
}

/**
 * The first n points of the d-dimensional Halton sequence in [0, 1)^d as a Tensor [n, d];
 * unscrambled, the sequence starts at 0 as scipy.stats.qmc.Halton's does.
 * @example
 * nb.integrate.halton(3, 2, { scramble: false }).toArray(); // => [[0, 0], [0.5, 1 / 3], [0.25, 2 / 3]]
 */
export function halton(n: number, d: number, options: LowDiscrepancyOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new NablaError(`halton: n must be a nonnegative integer, got ${n}`);
  if (!Number.isInteger(d) || d < 1 || d > 1000) throw new NablaError(`halton: d must be an integer in [1, 1000], got ${d}`);
  const rng = options.scramble ?? true ? randomFor(options.seed) : undefined;
  const out = new Float64Array(n * d);
  firstPrimes(d).forEach((b, j) => {
    const perm = digitPermutation(b, rng);
    const shift = rng ? rng.uniform() : 0;
    for (let i = 0; i < n; i++) {
      let x = 0;
      let scale = 1 / b;
      for (let k = i; k > 0; k = Math.floor(k / b), scale /= b) x += perm[k % b]! * scale;
      out[i * d + j] = (x + shift) % 1;
    }
  });
  return tensor(out, { shape: [n, d] });
}
