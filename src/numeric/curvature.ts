/** The second-derivative test: what a symmetric Hessian's eigenvalues say about the point. */

/** The kind of point a Hessian describes (at a critical point, the kind of critical point). */
export type Curvature = "minimum" | "maximum" | "saddle" | "degenerate";

/**
 * Eigenvalues within this of zero, relative to max(1, |λ|max), count as zero: far above the
 * rounding of a Hessian computed exactly (AD or symbolic), far below any real curvature.
 */
const ZERO_EIGENVALUE = 1e-10;

/**
 * Classifies a symmetric Hessian by its eigenvalues: all positive is a local minimum, all
 * negative a local maximum, both signs a saddle; an eigenvalue that is zero to rounding leaves
 * the second-derivative test inconclusive (degenerate).
 * @example
 * nb.numeric.classifyCurvature([2, 6]); // => "minimum"
 * nb.numeric.classifyCurvature([-1, -3]); // => "maximum"
 * nb.numeric.classifyCurvature([-2, 2]); // => "saddle"
 * nb.numeric.classifyCurvature([0, 2]); // => "degenerate"
 */
export function classifyCurvature(eigenvalues: readonly number[]): Curvature {
  const tol = ZERO_EIGENVALUE * Math.max(1, ...eigenvalues.map(Math.abs));
  const positive = eigenvalues.filter((l) => l > tol).length;
  const negative = eigenvalues.filter((l) => l < -tol).length;
  if (positive > 0 && negative > 0) return "saddle";
  if (positive === eigenvalues.length) return "minimum";
  if (negative === eigenvalues.length) return "maximum";
  return "degenerate";
}
