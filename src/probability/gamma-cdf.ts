/**
 * The Gamma CDF as an op: P(α, y), the regularised lower incomplete gamma function, with
 * derivatives ∂P/∂y = the Gamma(α, 1) density (a composite, differentiable again) and
 * ∂P/∂α from numeric/special.ts (first order: its own derivative refuses with a clear error).
 */
import { type CustomFn, customJvp } from "../autodiff/custom.js";
import { NablaError } from "../tensor/errors.js";
import { tensor } from "../tensor/create.js";
import { broadcastShapes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, exp, greater, log, mul, sub, where } from "../ops/primitives/elementwise.js";
import { broadcastTo } from "../ops/primitives/shape.js";
import { digamma, lgamma } from "../ops/special.js";
import { type DualSum, regularizedGammaP } from "../numeric/special.js";

/** P(α, y) and ∂P/∂α elementwise for concrete, equally shaped α and y. */
function evaluate(alpha: Tensor, y: Tensor): DualSum[] {
  const a = alpha.values(), ys = y.values();
  const shifted = tensor(Array.from(a, (v) => v + 1));
  const lg = lgamma(shifted).values(), psi = digamma(shifted).values();
  return Array.from(a, (ai, i) => regularizedGammaP(ai, ys[i]!, lg[i]!, psi[i]!));
}

const dPdAlpha: CustomFn = customJvp(
  (alpha: Tensor, y: Tensor) => tensor(evaluate(alpha, y).map((r) => r.da), { shape: [...alpha.shape] }),
  () => {
    throw new NablaError("Gamma.cdf: second derivatives with respect to the concentration are not implemented (∂P/∂α is first-order only)");
  },
);

/** The Gamma(α, 1) density at y (0 for y ≤ 0). */
function density(alpha: Tensor, y: Tensor): Tensor {
  const positive = greater(y, 0);
  const safe = where(positive, y, 1);
  return where(positive, exp(sub(mul(sub(alpha, 1), log(safe)), add(safe, lgamma(alpha)))), 0);
}

const gammaP: CustomFn = customJvp(
  (alpha: Tensor, y: Tensor) => tensor(evaluate(alpha, y).map((r) => r.value), { shape: [...alpha.shape] }),
  ([alpha, y], [ta, ty]) => [gammaP(alpha, y!), add(mul(ta, dPdAlpha(alpha, y!)), mul(ty!, density(alpha, y!)))],
);

/** P(α, y) with α and y broadcast together; differentiable in both (first order in α). */
export function regularizedGamma(alpha: Tensor, y: Tensor): Tensor {
  const shape = broadcastShapes(alpha.shape, y.shape, "Gamma.cdf");
  return gammaP(broadcastTo(alpha, shape), broadcastTo(y, shape));
}
