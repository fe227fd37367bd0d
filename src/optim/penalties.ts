/**
 * Regularisation penalties as loss terms, summed over every leaf of a parameter pytree. Add
 * them to a loss and differentiate as usual; the transforms `addElasticNet` and
 * `proximalL1` are the same penalties applied to the updates instead.
 */
import type { Tensor } from "../tensor/tensor.js";
import { abs, add, mul } from "../ops/primitives/elementwise.js";
import { sum } from "../ops/primitives/reduce.js";
import { square } from "../ops/composite.js";
import type { PyTree } from "../autodiff/pytree.js";
import { leavesOf } from "./base.js";

function sumOverLeaves(params: PyTree, term: (leaf: Tensor) => Tensor, where: string): Tensor {
  return leavesOf(params, where).map((leaf) => sum(term(leaf))).reduce((a, b) => add(a, b));
}

/**
 * λ‖θ‖₁ = λ Σ|θᵢ|. Its gradient at θᵢ = 0 is 0 (nb.abs′(0) = 0, the minimum-norm subgradient).
 * @example
 * nb.optim.l1Penalty({ w: [1, -2], b: 3 }, 0.5).item(); // => 3
 * nb.grad((w) => nb.optim.l1Penalty(w, 0.5))(nb.tensor([-1, 0, 2])).toArray(); // => [-0.5, 0, 0.5]
 */
export function l1Penalty(params: PyTree, lambda: number): Tensor {
  return mul(sumOverLeaves(params, abs, "l1Penalty"), lambda);
}

/**
 * (λ/2)‖θ‖² = (λ/2) Σθᵢ², whose gradient is λθ.
 * @example
 * nb.optim.l2Penalty([1, -2], 0.5).item(); // => 1.25
 */
export function l2Penalty(params: PyTree, lambda: number): Tensor {
  return mul(sumOverLeaves(params, square, "l2Penalty"), lambda / 2);
}

/**
 * The elastic net λ(ρ‖θ‖₁ + (1−ρ)/2 ‖θ‖²) (Zou & Hastie 2005, in glmnet's scaling); ρ = 1 is
 * the L1 penalty, ρ = 0 the L2 penalty.
 * @example
 * nb.optim.elasticNetPenalty([1, -2], 1, 0.5).item(); // => 0.5 * 3 + 0.25 * 5
 */
export function elasticNetPenalty(params: PyTree, lambda: number, l1Ratio: number): Tensor {
  return add(l1Penalty(params, lambda * l1Ratio), l2Penalty(params, lambda * (1 - l1Ratio)));
}
