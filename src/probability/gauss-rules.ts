/**
 * Gauss rules for the weights of the distributions' expectations, by Golub & Welsch (1969):
 * the nodes are the eigenvalues of the Jacobi matrix of the orthogonal polynomials'
 * three-term recurrence, the weights μ₀ times the squared first components of its unit
 * eigenvectors. Gauss–Legendre comes from nb.integrate (gaussLegendre).
 */
import { NablaError } from "../tensor/errors.js";
import { symmetricEigen } from "../numeric/linalg/eigh.js";
import type { QuadratureRule } from "../numeric/integrate/gauss-legendre.js";

function golubWelsch(name: string, n: number, diagonal: (k: number) => number, offDiagonal: (k: number) => number, mu0: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new NablaError(`${name}: n must be an integer in [1, 200], got ${n}`);
  const jacobi = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? diagonal(i) : Math.abs(i - j) === 1 ? offDiagonal(Math.max(i, j)) : 0)));
  const { values, vectors } = symmetricEigen(jacobi);
  return { nodes: Float64Array.from(values), weights: Float64Array.from(vectors, (v) => mu0 * v[0]! * v[0]!) };
}

/** n-point Gauss–Hermite rule for ∫ f(x) e^(−x²) dx (exact for degree 2n − 1). */
export function gaussHermite(n: number): QuadratureRule {
  return golubWelsch("gaussHermite", n, () => 0, (k) => Math.sqrt(k / 2), Math.sqrt(Math.PI));
}

/** n-point Gauss–Laguerre rule for ∫₀^∞ f(x) e^(−x) dx (exact for degree 2n − 1). */
export function gaussLaguerre(n: number): QuadratureRule {
  return golubWelsch("gaussLaguerre", n, (k) => 2 * k + 1, (k) => k, 1);
}
