/**
 * Slices of a loss surface: f along one direction (x + αd) or over a plane (x + αd₁ + βd₂),
 * for plots of the landscape around a point (Goodfellow et al. 2015; Li et al. 2018). Use
 * filter-normalised random directions (randomDirections) to compare networks, or the Hessian's
 * top eigenvectors (hessianEigs) to see the sharpest directions.
 */
import { NablaError } from "../tensor/errors.js";
import type { PyTree } from "../autodiff/pytree.js";
import { FlatFunction, type LandscapeFunction, type Vec } from "./flat.js";

/** Options of the slices. */
export interface SliceOptions {
  /** The coefficients' range: [a, b], or r for [−r, r] (default [−1, 1]). */
  range?: number | readonly [number, number];
  /** Points along each axis (default 51 for slice1d, 31 for slice2d). */
  n?: number;
}

/** f along a line. */
export interface Slice1d {
  alphas: number[];
  values: number[];
}

/** f over a plane: values[i][j] = f(x + alphas[i]·d₁ + betas[j]·d₂). */
export interface Slice2d {
  alphas: number[];
  betas: number[];
  values: number[][];
}

function coefficients(options: SliceOptions, defaultN: number, where: string): number[] {
  const { range = [-1, 1], n = defaultN } = options;
  const [a, b] = typeof range === "number" ? [-range, range] : range;
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) throw new NablaError(`${where}: range must be r > 0 or [a, b] with a < b`);
  if (!Number.isInteger(n) || n < 2) throw new NablaError(`${where}: n must be an integer ≥ 2, got ${n}`);
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

function along(x: Vec, terms: [number, Vec][]): Vec {
  const y = x.slice();
  for (const [c, d] of terms) for (let i = 0; i < y.length; i++) y[i] = y[i]! + c * d[i]!;
  return y;
}

/**
 * f(x + α·d) for α on a grid; d has x's structure.
 * @example
 * const s = nb.landscape.slice1d((x: nb.Tensor) => nb.sum(nb.square(x)), nb.tensor([1, 0]), nb.tensor([1, 0]), { range: [-1, 1], n: 3 });
 * s.values; // => [0, 1, 4]
 */
export function slice1d<X>(f: LandscapeFunction<X>, x: X, direction: X, options: SliceOptions = {}): Slice1d {
  const fn = new FlatFunction(f, x, "slice1d");
  const point = fn.layout.flatten(x as PyTree, "slice1d");
  const d = fn.layout.flatten(direction as PyTree, "slice1d (direction)");
  const alphas = coefficients(options, 51, "slice1d");
  return { alphas, values: alphas.map((a) => fn.value(along(point, [[a, d]]))) };
}

/**
 * f(x + α·d₁ + β·d₂) on a grid of (α, β); d₁, d₂ have x's structure.
 * @example
 * const f = (x: nb.Tensor) => nb.sum(nb.square(x));
 * const s = nb.landscape.slice2d(f, nb.tensor([0, 0]), nb.tensor([1, 0]), nb.tensor([0, 1]), { n: 3 });
 * s.values; // => [[2, 1, 2], [1, 0, 1], [2, 1, 2]]
 */
export function slice2d<X>(f: LandscapeFunction<X>, x: X, d1: X, d2: X, options: SliceOptions = {}): Slice2d {
  const fn = new FlatFunction(f, x, "slice2d");
  const point = fn.layout.flatten(x as PyTree, "slice2d");
  const [u, v] = [fn.layout.flatten(d1 as PyTree, "slice2d (d1)"), fn.layout.flatten(d2 as PyTree, "slice2d (d2)")];
  const alphas = coefficients(options, 31, "slice2d");
  return { alphas, betas: alphas, values: alphas.map((a) => alphas.map((b) => fn.value(along(point, [[a, u], [b, v]])))) };
}
