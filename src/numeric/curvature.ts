/** The second-derivative test: what a symmetric Hessian's eigenvalues say about the point. */
import { NablaError } from "../tensor/errors.js";

/** The kind of point a Hessian describes (at a critical point, the kind of critical point). */
export type Curvature = "minimum" | "maximum" | "saddle" | "degenerate";

/**
 * By default, eigenvalues within this of zero, relative to max(1, |λ|max), count as zero: far
 * above the rounding of a Hessian computed exactly (AD or symbolic), far below any real curvature.
 */
const ZERO_EIGENVALUE = 1e-10;

/** Options for classifyCurvature. */
export interface CurvatureOptions {
  /**
   * Eigenvalues with |λ| ≤ tol·|λ|max count as zero (flat directions). The default is strict,
   * 1e-10 relative to max(1, |λ|max), for Hessians computed exactly; the Hessian of a trained
   * network at a converged minimum can show λmin = −7e-5 against λmax ≈ 1 (flat directions seen
   * through the optimiser's tolerance) and needs a looser one, such as 1e-3.
   */
  tol?: number;
}

/**
 * Classifies a symmetric Hessian by its eigenvalues: all positive is a local minimum, all
 * negative a local maximum, both signs a saddle; an eigenvalue that is zero to the tolerance
 * leaves the second-derivative test inconclusive (degenerate).
 * @example
 * nb.numeric.classifyCurvature([2, 6]); // => "minimum"
 * nb.numeric.classifyCurvature([-1, -3]); // => "maximum"
 * nb.numeric.classifyCurvature([-2, 2]); // => "saddle"
 * nb.numeric.classifyCurvature([0, 2]); // => "degenerate"
 * // A tiny negative eigenvalue next to λmax ≈ 1: a saddle to the strict default, flat with a tolerance.
 * nb.numeric.classifyCurvature([-7e-5, 0.3, 1.02]); // => "saddle"
 * nb.numeric.classifyCurvature([-7e-5, 0.3, 1.02], { tol: 1e-3 }); // => "degenerate"
 */
export function classifyCurvature(eigenvalues: readonly number[], options: CurvatureOptions = {}): Curvature {
  const largest = Math.max(0, ...eigenvalues.map(Math.abs));
  const tol = options.tol === undefined ? ZERO_EIGENVALUE * Math.max(1, largest) : checkTolerance(options.tol) * largest;
  const positive = eigenvalues.filter((l) => l > tol).length;
  const negative = eigenvalues.filter((l) => l < -tol).length;
  if (positive > 0 && negative > 0) return "saddle";
  if (positive === eigenvalues.length) return "minimum";
  if (negative === eigenvalues.length) return "maximum";
  return "degenerate";
}

function checkTolerance(tol: number): number {
  if (typeof tol !== "number" || !(tol >= 0) || !Number.isFinite(tol)) {
    throw new NablaError(`classifyCurvature: tol must be a finite non-negative number (relative to the largest |eigenvalue|), got ${String(tol)}`);
  }
  return tol;
}
