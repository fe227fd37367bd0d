/**
 * Gauss–Legendre rules for any n (nodes by Newton's method on Pₙ from Chebyshev-like first
 * guesses, weights 2/((1 − x²)Pₙ′(x)²)), and `fixedQuad`, which integrates with one of them.
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { type Endpoint, type Integrand, checkFinite, mappedNodes, weightedSum } from "./rule.js";

/** Nodes (ascending, in [−1, 1]) and weights of an n-point Gauss–Legendre rule. */
export interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

const cache = new Map<number, QuadratureRule>();

/** Pₙ(x) and Pₙ′(x) by the three-term recurrence. */
function legendre(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
  return [p1, (n * (x * p1 - p0)) / (x * x - 1)];
}

/**
 * The n-point Gauss–Legendre rule on [−1, 1], exact for polynomials of degree 2n − 1.
 * @example
 * const { nodes, weights } = nb.integrate.gaussLegendre(2);
 * [...nodes]; // => [-1 / Math.sqrt(3), 1 / Math.sqrt(3)]
 */
export function gaussLegendre(n: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new NablaError(`gaussLegendre: n must be an integer in [1, 100000], got ${n}`);
  const hit = cache.get(n);
  if (hit) return hit;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  if (n === 1) {
    weights[0] = 2;
  } else {
    for (let i = 0; i < Math.ceil(n / 2); i++) {
      let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
      let dp = 1;
      for (let iter = 0; iter < 100; iter++) {
        const [p, d] = legendre(n, x);
        dp = d;
        const step = p / d;
        x -= step;
        if (Math.abs(step) <= 1e-16) break;
      }
      dp = legendre(n, x)[1];
      const w = 2 / ((1 - x * x) * dp * dp);
      nodes[i] = -x;
      nodes[n - 1 - i] = x;
      weights[i] = weights[n - 1 - i] = w;
    }
    if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  }
  const rule = { nodes, weights };
  if (n <= 1000) cache.set(n, rule);
  return rule;
}

/** The result of `fixedQuad`. */
export interface FixedQuadResult {
  /** The integral, differentiable in a, b and anything f closes over. */
  value: Tensor;
  /** Function evaluations (n). */
  nfev: number;
}

/**
 * ∫ₐᵇ f by n-point Gauss–Legendre (default n = 5): exact for polynomials of degree 2n − 1, no
 * error estimate. f takes the Tensor of all n nodes at once and returns their values.
 * @example
 * nb.integrate.fixedQuad((x) => nb.mul(x, x), 0, 3).value.item(); // => 9
 */
export function fixedQuad(f: Integrand, a: Endpoint, b: Endpoint, n = 5): FixedQuadResult {
  const lo = checkFinite("fixedQuad", a, "a");
  const hi = checkFinite("fixedQuad", b, "b");
  const { nodes, weights } = gaussLegendre(n);
  const u = nodes.map((t) => (t + 1) / 2);
  const w = weights.map((v) => v / 2);
  const value = weightedSum(f, mappedNodes(a, b, lo, hi, u), tensor(w));
  return { value, nfev: n };
}
