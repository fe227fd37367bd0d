/**
 * hessianEigs: the extreme eigenvalues of ∇²f(x) by Lanczos with full reorthogonalisation on
 * Hessian-vector products. Extreme eigenvalues converge first, typically in tens of products
 * regardless of the number of parameters; the Ritz residual ‖Hy − θy‖ = |β_m s_m| says when
 * each one is accurate, so the run stops as soon as the requested ones are.
 */
import { NablaError } from "../tensor/errors.js";
import type { PyTree } from "../autodiff/pytree.js";
import { type LanczosRun, type RitzPairs, lanczosExtend, lanczosStart, ritzPairs, ritzVector } from "../numeric/lanczos.js";
import { FlatFunction, type LandscapeFunction, type Vec } from "./flat.js";

/** Which end of the spectrum hessianEigs computes. */
export type EigenEnd = "largest" | "smallest" | "both";

/** Options of hessianEigs. */
export interface HessianEigsOptions {
  /** How many eigenvalues at each requested end (default 1). */
  k?: number;
  /** "largest" (default), "smallest" (algebraically smallest, i.e. most negative) or "both". */
  which?: EigenEnd;
  /** Stop when every requested Ritz residual ≤ tol·|λ|max (default 1e-9). */
  tol?: number;
  /** Most Hessian-vector products (Lanczos steps; default min(n, 300)). */
  maxIter?: number;
  /** Seed of the random start vector (default 0). */
  seed?: number;
}

/** Eigenvalues with unit eigenvectors in the point's structure. */
export interface HessianEigs<X = PyTree> {
  /** Descending for "largest" and "both" (the k largest, then the k smallest), ascending for "smallest". */
  eigenvalues: number[];
  /** One unit eigenvector per eigenvalue, shaped like x. */
  eigenvectors: X[];
  /** ‖H y − λ y‖ for each pair (an error bound on λ). */
  residuals: number[];
  /** Whether every residual met the tolerance within maxIter products. */
  converged: boolean;
  /** Hessian-vector products taken. */
  nhvp: number;
}

/** Indices into the ascending Ritz values of the wanted ones, in the result's order. */
function wantedIndices(m: number, k: number, which: EigenEnd): number[] {
  const top = Array.from({ length: Math.min(k, m) }, (_, i) => m - 1 - i);
  const bottom = Array.from({ length: Math.min(k, m) }, (_, i) => i);
  if (which === "largest") return top;
  if (which === "smallest") return bottom;
  const both = [...top, ...bottom.reverse()];
  return [...new Set(both)];
}

/** The Lanczos run and its Ritz pairs, stepped until the wanted pairs converge. */
export interface ConvergedLanczos {
  run: LanczosRun;
  ritz: RitzPairs;
  wanted: number[];
  converged: boolean;
}

/** Runs Lanczos on `apply` (size n) until the wanted extreme Ritz pairs meet tol. */
export function extremeRitz(apply: (v: Vec) => Vec, n: number, options: Required<Pick<HessianEigsOptions, "k" | "which" | "tol" | "maxIter" | "seed">>): ConvergedLanczos {
  const run = lanczosStart(n, { seed: options.seed });
  const limit = Math.min(n, options.maxIter);
  let steps = Math.min(limit, Math.max(2 * options.k + 8, 12));
  for (;;) {
    lanczosExtend(run, apply, steps);
    const ritz = ritzPairs(run);
    const m = ritz.values.length;
    const wanted = wantedIndices(m, options.k, options.which);
    const scale = Math.max(...ritz.values.map(Math.abs), Number.MIN_VALUE);
    const converged = wanted.every((i) => ritz.residuals[i]! <= options.tol * scale) && m >= Math.min(options.k, n);
    if (converged || run.exhausted || m >= limit) return { run, ritz, wanted, converged: converged || run.exhausted };
    steps = Math.min(limit, m + Math.max(5, Math.ceil(m / 4)));
  }
}

function checkOptions(options: HessianEigsOptions, where: string): void {
  const { k = 1, which = "largest" } = options;
  if (!Number.isInteger(k) || k < 1) throw new NablaError(`${where}: k must be a positive integer, got ${k}`);
  if (!["largest", "smallest", "both"].includes(which)) throw new NablaError(`${where}: which must be "largest", "smallest" or "both", got "${which}"`);
  if (options.tol !== undefined && !(options.tol > 0)) throw new NablaError(`${where}: tol must be positive, got ${options.tol}`);
  if (options.maxIter !== undefined && !(Number.isInteger(options.maxIter) && options.maxIter >= 1)) {
    throw new NablaError(`${where}: maxIter must be a positive integer, got ${options.maxIter}`);
  }
}

/** hessianEigs on a flat function at a flat point (shared by the other landscape tools). */
export function flatEigs<X>(fn: FlatFunction<X>, x: Vec, options: HessianEigsOptions = {}): HessianEigs<X> & { vectors: Vec[] } {
  checkOptions(options, "hessianEigs");
  const start = fn.nhvp;
  const settings = { k: options.k ?? 1, which: options.which ?? "largest", tol: options.tol ?? 1e-9, maxIter: options.maxIter ?? Math.min(fn.n, 300), seed: options.seed ?? 0 };
  const { run, ritz, wanted, converged } = extremeRitz(fn.hessianAt(x), fn.n, settings);
  const vectors = wanted.map((i) => ritzVector(run, ritz.vectors[i]!));
  return {
    eigenvalues: wanted.map((i) => ritz.values[i]!),
    vectors,
    eigenvectors: vectors.map((v) => fn.layout.unflatten(v)),
    residuals: wanted.map((i) => ritz.residuals[i]!),
    converged,
    nhvp: fn.nhvp - start,
  };
}

/**
 * The extreme eigenvalues and eigenvectors of the Hessian of f at x, matrix-free (Lanczos on
 * nb.hvp products, fully reorthogonalised). f takes a Tensor, a number or a pytree such as a
 * network's parameters; the eigenvectors come back in x's structure.
 * @example
 * // f = x² + 3y² − 2z²: eigenvalues 6, 2, −4.
 * const f = (p: nb.Tensor) => nb.sum(nb.mul([1, 3, -2], nb.square(p)));
 * const top = nb.landscape.hessianEigs(f, nb.tensor([1, 1, 1]), { k: 1, which: "both" });
 * top.eigenvalues.map((v) => Math.round(v * 1e9) / 1e9); // => [6, -4]
 */
export function hessianEigs<X>(f: LandscapeFunction<X>, x: X, options: HessianEigsOptions = {}): HessianEigs<X> {
  const fn = new FlatFunction(f, x, "hessianEigs");
  const { eigenvalues, eigenvectors, residuals, converged, nhvp } = flatEigs(fn, fn.layout.flatten(x as PyTree, "hessianEigs"), options);
  return { eigenvalues, eigenvectors, residuals, converged, nhvp };
}
