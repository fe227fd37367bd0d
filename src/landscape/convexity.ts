/**
 * convexity: evidence for or against f being convex on a box, from two independent tests on
 * quasi-random samples: the Hessian's smallest eigenvalue (convex ⇔ H ⪰ 0 everywhere, for
 * twice-differentiable f) and the chord inequality f(tx + (1−t)y) ≤ t f(x) + (1−t) f(y) on
 * pairs of samples. A sample can refute convexity; no finite set of samples can prove it.
 */
import { NablaError } from "../tensor/errors.js";
import { tensor } from "../tensor/create.js";
import { Random } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { flatEigs } from "./eigs.js";
import { FlatFunction, type LandscapeFunction, type Vec } from "./flat.js";

/** Options of convexity. */
export interface ConvexityOptions {
  /** Points where the Hessian is checked, and pairs for the chord test (default 32). */
  samples?: number;
  /** A negative eigenvalue counts when below −tol·|λ|max; a chord when above by tol·(1 + |f|) (default 1e-8). */
  tol?: number;
  seed?: number;
}

/** The verdict with its worst evidence. */
export interface Convexity {
  /** False when some sample refutes convexity. */
  convex: boolean;
  /** The smallest Hessian eigenvalue seen, and where. */
  minEigenvalue: number;
  minEigenvalueAt: number[];
  /** Chord inequalities violated beyond the tolerance, of `samples` checked. */
  chordViolations: number;
  /** The largest f(tx + (1−t)y) − (t f(x) + (1−t) f(y)) seen (≤ 0 for convex f). */
  worstChordGap: number;
  nhvp: number;
}

/**
 * Checks f (a function of a vector) for convexity on lower ≤ x ≤ upper by Hessian eigenvalues
 * at sample points and chord inequalities between them.
 * @example
 * const f = (p: nb.Tensor) => nb.sum(nb.exp(p));
 * nb.landscape.convexity(f, [-1, -1], [1, 1], { samples: 8 }).convex; // => true
 * const g = (p: nb.Tensor) => nb.sum(nb.sin(p));
 * nb.landscape.convexity(g, [-3, -3], [3, 3], { samples: 8 }).convex; // => false
 */
export function convexity(f: LandscapeFunction<Tensor>, lower: readonly number[], upper: readonly number[], options: ConvexityOptions = {}): Convexity {
  const { samples = 32, tol = 1e-8, seed = 0 } = options;
  const d = lower.length;
  if (d === 0 || upper.length !== d || lower.some((l, i) => !(l < upper[i]!))) {
    throw new NablaError("convexity: lower and upper must give one bound per variable, each lower below its upper");
  }
  if (!Number.isInteger(samples) || samples < 1) throw new NablaError(`convexity: samples must be a positive integer, got ${samples}`);
  const fn = new FlatFunction(f, tensor(lower.map(Number)), "convexity");
  const random = new Random(seed);
  const sample = (): Vec => Float64Array.from(lower, (l, i) => l + random.uniform() * (upper[i]! - l));
  let minEigenvalue = Infinity;
  let minEigenvalueAt: number[] = [];
  let refuted = false;
  for (let s = 0; s < samples; s++) {
    const x = sample();
    const { eigenvalues } = flatEigs(fn, x, { k: 1, which: "both", tol: 1e-8, seed: s });
    const [largest, smallest] = [eigenvalues[0]!, eigenvalues.at(-1)!];
    if (smallest < minEigenvalue) [minEigenvalue, minEigenvalueAt] = [smallest, Array.from(x)];
    if (smallest < -tol * Math.max(Math.abs(largest), Math.abs(smallest))) refuted = true;
  }
  let chordViolations = 0;
  let worstChordGap = -Infinity;
  for (let s = 0; s < samples; s++) {
    const [x, y, t] = [sample(), sample(), random.uniform()];
    const [fx, fy] = [fn.value(x), fn.value(y)];
    const gap = fn.value(x.map((v, i) => t * v + (1 - t) * y[i]!)) - (t * fx + (1 - t) * fy);
    worstChordGap = Math.max(worstChordGap, gap);
    if (gap > tol * (1 + Math.abs(fx) + Math.abs(fy))) chordViolations++;
  }
  return { convex: !refuted && chordViolations === 0, minEigenvalue, minEigenvalueAt, chordViolations, worstChordGap, nhvp: fn.nhvp };
}
