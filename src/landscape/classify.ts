/**
 * classify: what kind of point x is for f, from the gradient and the Hessian's spectrum.
 * Up to FULL_SPECTRUM_MAX parameters the whole spectrum is computed (Lanczos run to n steps
 * with full reorthogonalisation is exact to rounding); beyond that, the extreme eigenvalues
 * decide the kind and the Morse index counts the negative eigenvalues Lanczos resolved.
 */
import { NablaError } from "../tensor/errors.js";
import type { PyTree } from "../autodiff/pytree.js";
import { lanczosExtend, lanczosStart, ritzPairs } from "../numeric/lanczos.js";
import { flatEigs } from "./eigs.js";
import { FlatFunction, type LandscapeFunction, type Vec, norm } from "./flat.js";

/** The kinds of point classify tells apart. */
export type PointKind = "minimum" | "maximum" | "saddle" | "degenerate" | "not-critical";

/** Options of classify. */
export interface ClassifyOptions {
  /**
   * Relative to |λ|max (default 1e-6): the point is critical when ‖∇f‖ ≤ tol·|λ|max, and an
   * eigenvalue with |λ| ≤ tol·|λ|max counts as zero.
   */
  tol?: number;
  /** Seed of the Lanczos start (default 0). */
  seed?: number;
}

/** classify's verdict. */
export interface Classification {
  kind: PointKind;
  gradNorm: number;
  /** The number of negative eigenvalues (beyond the zero tolerance). */
  morseIndex: number;
  /** |λ|max / |λ|min (Infinity when an eigenvalue is zero). */
  conditionNumber: number;
  /** The spectrum, ascending: all n eigenvalues when `exact`, else the resolved extreme ones. */
  eigenvalues: number[];
  /** Whether the whole spectrum was computed (n ≤ 400) rather than its extremes. */
  exact: boolean;
  nhvp: number;
}

/** Points with at most this many parameters get their whole spectrum. */
const FULL_SPECTRUM_MAX = 400;

function spectrum<X>(fn: FlatFunction<X>, x: Vec, seed: number): { eigenvalues: number[]; exact: boolean } {
  if (fn.n <= FULL_SPECTRUM_MAX) {
    const run = lanczosStart(fn.n, { seed });
    lanczosExtend(run, fn.hessianAt(x), fn.n);
    return { eigenvalues: ritzPairs(run).values, exact: true };
  }
  const { eigenvalues } = flatEigs(fn, x, { k: 3, which: "both", tol: 1e-6, seed });
  return { eigenvalues: [...eigenvalues].sort((a, b) => a - b), exact: false };
}

/** The verdict from a gradient norm and eigenvalues, with zero meaning |λ| ≤ tol·|λ|max. */
export function verdict(gradNorm: number, eigenvalues: readonly number[], tol: number): Omit<Classification, "eigenvalues" | "exact" | "nhvp"> {
  const scale = Math.max(...eigenvalues.map(Math.abs));
  const zero = tol * scale;
  const negative = eigenvalues.filter((l) => l < -zero).length;
  const positive = eigenvalues.filter((l) => l > zero).length;
  const smallest = Math.min(...eigenvalues.map(Math.abs));
  const conditionNumber = smallest <= zero ? Infinity : scale / smallest;
  const critical = gradNorm <= zero || (scale === 0 && gradNorm === 0);
  const kind: PointKind = !critical ? "not-critical"
    : negative > 0 && positive > 0 ? "saddle"
    : positive === eigenvalues.length ? "minimum"
    : negative === eigenvalues.length ? "maximum"
    : "degenerate";
  return { kind, gradNorm, morseIndex: negative, conditionNumber };
}

/**
 * Classifies x for f: a minimum, maximum or saddle by the second-derivative test, degenerate
 * when a Hessian eigenvalue is zero to `tol`, or not critical when the gradient is not zero
 * to `tol` (both relative to |λ|max). Also gives the Morse index (how many directions go down)
 * and the condition number. Matrix-free: only Hessian-vector products.
 * @example
 * const saddle = (p: nb.Tensor) => nb.sub(nb.square(p.slice([0], [1])), nb.square(p.slice([1], [1]))).sum();
 * const c = nb.landscape.classify(saddle, nb.tensor([0, 0]));
 * [c.kind, c.morseIndex, c.conditionNumber]; // => ["saddle", 1, 1]
 */
export function classify<X>(f: LandscapeFunction<X>, x: X, options: ClassifyOptions = {}): Classification {
  const { tol = 1e-6, seed = 0 } = options;
  if (!(tol > 0 && tol < 1)) throw new NablaError(`classify: tol must be in (0, 1), got ${tol}`);
  const fn = new FlatFunction(f, x, "classify");
  const point = fn.layout.flatten(x as PyTree, "classify");
  const gradNorm = norm(fn.valueAndGrad(point)[1]);
  const { eigenvalues, exact } = spectrum(fn, point, seed);
  return { ...verdict(gradNorm, eigenvalues, tol), eigenvalues, exact, nhvp: fn.nhvp };
}
