/**
 * sharpness: how sharp the minimum at x is. "keskar" is Keskar et al.'s (2017) ε-sharpness,
 * the largest rise of f in the box |yᵢ| ≤ ε(|xᵢ| + 1) around x, relative to 1 + f(x) and in
 * percent, found by L-BFGS with bounds (as the paper's L-BFGS-B) from a seeded random point
 * of the box; "max-eigenvalue" is the Hessian's largest eigenvalue, by Lanczos.
 *
 * Neither is invariant under reparameterisation. Rescaling a ReLU layer's weights by α and the
 * next layer's by 1/α leaves the function unchanged but multiplies the curvature along the
 * first layer by 1/α² and along the second by α², so λmax can be made as large as one likes at
 * the same minimum (Dinh et al. 2017). Keskar's box scales with |xᵢ| + 1, which tracks such
 * rescalings only for weights well above 1 in size; compare sharpness between models of one
 * parameterisation, or normalise (filter-normalised slices) before comparing.
 */
import { NablaError } from "../tensor/errors.js";
import { tensor } from "../tensor/create.js";
import { Random } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import type { PyTree } from "../autodiff/pytree.js";
import { add, neg } from "../ops/index.js";
import { minimize } from "../optim/minimize/index.js";
import { flatEigs } from "./eigs.js";
import { FlatFunction, type LandscapeFunction } from "./flat.js";

/** Options of sharpness. */
export interface SharpnessOptions {
  /** The box's relative size (default 1e-3, the paper's smaller setting). */
  epsilon?: number;
  /** "keskar" (default) or "max-eigenvalue". */
  method?: "keskar" | "max-eigenvalue";
  /** L-BFGS iterations of the maximisation (default 20). */
  maxIter?: number;
  /** Seed of the maximisation's start in the box, or of Lanczos's start vector (default 0). */
  seed?: number;
}

/** The sharpness and how it was measured. */
export interface Sharpness {
  /** Keskar: 100·(max f(x + y) − f(x)) / (1 + f(x)); max-eigenvalue: λmax. */
  sharpness: number;
  method: "keskar" | "max-eigenvalue";
  /** Keskar: ε and the largest f found in the box. */
  epsilon?: number;
  maxValue?: number;
  /** Function evaluations (Keskar) or Hessian-vector products (max-eigenvalue). */
  evaluations: number;
}

/**
 * The sharpness of f at x (a minimum, typically): Keskar et al.'s ε-sharpness or the largest
 * Hessian eigenvalue. f may take a Tensor or a pytree of parameters.
 * @example
 * // f = 50x²: the largest rise in |y| ≤ 1e-3·(|x| + 1) at x = 0 is 50·1e-6, i.e. 5e-3 %.
 * const f = (x: nb.Tensor) => nb.sum(nb.mul(50, nb.square(x)));
 * Math.round(nb.landscape.sharpness(f, nb.tensor([0])).sharpness * 1e6) / 1e6; // => 0.005
 * nb.landscape.sharpness(f, nb.tensor([0]), { method: "max-eigenvalue" }).sharpness; // => 100
 */
export function sharpness<X>(f: LandscapeFunction<X>, x: X, options: SharpnessOptions = {}): Sharpness {
  const { epsilon = 1e-3, method = "keskar", maxIter = 20, seed = 0 } = options;
  if (!(epsilon > 0)) throw new NablaError(`sharpness: epsilon must be positive, got ${epsilon}`);
  const fn = new FlatFunction(f, x, "sharpness");
  const point = fn.layout.flatten(x as PyTree, "sharpness");
  if (method === "max-eigenvalue") {
    const { eigenvalues, nhvp } = flatEigs(fn, point, { k: 1, which: "largest", seed, tol: 1e-6 });
    return { sharpness: eigenvalues[0]!, method, evaluations: nhvp };
  }
  if (method !== "keskar") throw new NablaError(`sharpness: method must be "keskar" or "max-eigenvalue", got "${method}"`);
  const f0 = fn.value(point);
  const radius = Array.from(point, (v) => epsilon * (Math.abs(v) + 1));
  const random = new Random(seed);
  const y0 = radius.map((r) => r * (2 * random.uniform() - 1));
  const base = tensor(point);
  const rise = (y: Tensor) => neg(f(fn.layout.split(add(base, y))) as Tensor);
  const r = minimize(rise, y0, { method: "lbfgs", bounds: { lower: radius.map((v) => -v), upper: radius }, maxIter, quiet: true });
  const maxValue = Math.max(f0, -r.fun);
  return { sharpness: (100 * (maxValue - f0)) / (1 + f0), method, epsilon, maxValue, evaluations: r.nfev + 1 };
}
