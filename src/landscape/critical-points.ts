/**
 * criticalPoints: every critical point of f in a box, found by Levenberg–Marquardt on
 * ∇f(x) = 0 (Gauss–Newton on ‖∇f‖² with J = H) from quasi-random starts. Unlike minimising
 * f, this converges to saddles and maxima as readily as to minima; the results are
 * deduplicated and each is classified by its Hessian's spectrum.
 */
import { NablaError } from "../tensor/errors.js";
import { tensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { symmetricEigen } from "../numeric/linalg/eigh.js";
import { type PointKind, verdict } from "./classify.js";
import { FlatFunction, type LandscapeFunction, type Vec, axpy, norm } from "./flat.js";

/** Options of criticalPoints. */
export interface CriticalPointsOptions {
  /** Starting points, quasi-random (Halton) in the box (default 100). */
  starts?: number;
  /** Offset into the Halton sequence, so other seeds give other starts (default 0). */
  seed?: number;
  /** Zero-eigenvalue tolerance of the classification, relative to |λ|max (default 1e-6). */
  tol?: number;
  /** Levenberg–Marquardt iterations per start (default 100). */
  maxIter?: number;
  /** Called after each start with the number done and the number of distinct points found so far (e.g. for a progress bar). */
  onProgress?: (done: number, found: number) => void;
}

/** One critical point with its classification. */
export interface CriticalPoint {
  x: number[];
  value: number;
  kind: PointKind;
  gradNorm: number;
  morseIndex: number;
  conditionNumber: number;
  /** The Hessian's eigenvalues, ascending. */
  eigenvalues: number[];
}

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];

/** The i-th point of the Halton sequence in d dimensions, in [0, 1)ᵈ. */
function halton(i: number, d: number): number[] {
  return Array.from({ length: d }, (_, k) => {
    const base = PRIMES[k % PRIMES.length]!;
    let [f, r, j] = [1, 0, i];
    while (j > 0) {
      f /= base;
      r += f * (j % base);
      j = Math.floor(j / base);
    }
    return r;
  });
}

/** The dense symmetric Hessian from n Hessian-vector products with unit vectors. */
function denseHessian(fn: FlatFunction<Tensor>, x: Vec): number[][] {
  const rows = Array.from({ length: fn.n }, (_, i) => {
    const e = new Float64Array(fn.n);
    e[i] = 1;
    return Array.from(fn.hvp(x, e));
  });
  return rows.map((row, i) => row.map((v, j) => (v + rows[j]![i]!) / 2));
}

/** Levenberg–Marquardt on ∇f = 0 from x; the point reached when ‖∇f‖ stopped decreasing. */
function solveGradient(fn: FlatFunction<Tensor>, start: Vec, maxIter: number): Vec {
  let x = start;
  let g = fn.valueAndGrad(x)[1];
  let mu = NaN;
  for (let it = 0; it < maxIter && norm(g) > 0; it++) {
    const { values, vectors } = symmetricEigen(denseHessian(fn, x));
    // The damping starts small against the curvature's scale: LM then begins as Newton.
    if (Number.isNaN(mu)) mu = 1e-6 * Math.max(Number.MIN_VALUE, ...values.map((l) => l * l));
    // Step −V diag(λ/(λ² + μ)) Vᵀ g: Newton's step where |λ| ≫ √μ, a gradient-like one elsewhere.
    let accepted = false;
    for (let tries = 0; tries < 30 && !accepted; tries++) {
      const step = new Float64Array(fn.n);
      values.forEach((l, k) => {
        const v = vectors[k]!;
        const c = (l / (l * l + mu)) * v.reduce((s, vi, i) => s + vi * g[i]!, 0);
        v.forEach((vi, i) => (step[i] = step[i]! - c * vi));
      });
      const next = axpy(x, 1, step);
      const gNext = fn.valueAndGrad(next)[1];
      if (norm(gNext) < norm(g)) {
        const small = norm(step) <= 1e-15 * Math.max(1, norm(x));
        [x, g, mu, accepted] = [next, gNext, Math.max(mu / 10, 1e-300), true];
        if (small) return x;
      } else mu = Math.max(mu * 10, Number.MIN_VALUE);
    }
    if (!accepted) return x;
  }
  return x;
}

/**
 * The critical points of f (a function of a vector) inside the box lower ≤ x ≤ upper: minima,
 * maxima, saddles and degenerate points alike, each classified by the Hessian's eigenvalues.
 * Levenberg–Marquardt on ∇f = 0 runs from `starts` quasi-random points; points closer than
 * 1e-6 of the box's diagonal count as one. Sorted by f.
 * @example
 * // Himmelblau's function: 4 minima, 1 maximum, 4 saddles in [−5, 5]².
 * const himmelblau = (p: nb.Tensor) => {
 *   const [x, y] = [p.slice([0], [1]), p.slice([1], [1])];
 *   return nb.sum(nb.add(nb.square(nb.sub(nb.add(nb.square(x), y), 11)), nb.square(nb.sub(nb.add(x, nb.square(y)), 7))));
 * };
 * const points = nb.landscape.criticalPoints(himmelblau, [-5, -5], [5, 5]);
 * points.map((p) => p.kind).sort().join(" "); // => "maximum minimum minimum minimum minimum saddle saddle saddle saddle"
 */
export function criticalPoints(f: LandscapeFunction<Tensor>, lower: readonly number[], upper: readonly number[], options: CriticalPointsOptions = {}): CriticalPoint[] {
  const { starts = 100, seed = 0, tol = 1e-6, maxIter = 100 } = options;
  const d = lower.length;
  if (d === 0 || upper.length !== d) throw new NablaError(`criticalPoints: lower and upper must give the same number (≥ 1) of bounds, got ${lower.length} and ${upper.length}`);
  if (lower.some((l, i) => !(l < upper[i]!))) throw new NablaError("criticalPoints: every lower bound must be below its upper bound");
  if (!Number.isInteger(starts) || starts < 1) throw new NablaError(`criticalPoints: starts must be a positive integer, got ${starts}`);
  const fn = new FlatFunction(f, tensor(lower.map(Number)), "criticalPoints");
  const diagonal = Math.hypot(...lower.map((l, i) => upper[i]! - l));
  const found: CriticalPoint[] = [];
  for (let s = 0; s < starts; s++) {
    options.onProgress?.(s, found.length);
    const start = Float64Array.from(halton(s + 1 + seed, d).map((u, i) => lower[i]! + u * (upper[i]! - lower[i]!)));
    const x = solveGradient(fn, start, maxIter);
    if (Array.from(x).some((v, i) => !(v >= lower[i]! - 1e-9 * diagonal && v <= upper[i]! + 1e-9 * diagonal))) continue;
    if (found.some((p) => Math.hypot(...p.x.map((v, i) => v - x[i]!)) <= 1e-6 * diagonal)) continue;
    const [value, g] = fn.valueAndGrad(x);
    const eigenvalues = symmetricEigen(denseHessian(fn, x)).values;
    const v = verdict(norm(g), eigenvalues, tol);
    if (v.kind === "not-critical") continue;
    found.push({ x: Array.from(x), value, ...v, eigenvalues });
  }
  options.onProgress?.(starts, found.length);
  return found.sort((a, b) => a.value - b.value);
}
