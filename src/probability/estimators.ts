/**
 * Gradient estimators for ∇θ E_{x∼p_θ}[f(x)]: each returns a scalar surrogate whose value is
 * the Monte-Carlo estimate of E[f] and whose gradient (by nb.grad, with respect to anything
 * the distribution or f closes over) is an unbiased estimate of ∇θ E[f].
 *
 * f is called once, on all n draws at once (shape `[n, ...batchShape, ...eventShape]`), and
 * returns one value per draw: shape `[n]` (f of the whole draw), or `[n, ...batchShape]` (one
 * value per batch entry; the surrogate is then their mean).
 */
import type { TensorLike } from "../tensor/create.js";
import { toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, mul, stopGradient, sub } from "../ops/primitives/elementwise.js";
import { sum } from "../ops/primitives/reduce.js";
import { mean } from "../ops/composite.js";
import type { Distribution } from "./distribution.js";

/** A function of a batch of draws returning one value per draw. */
export type SampleFunction = (x: Tensor) => TensorLike;

/** Options of the reparameterization estimator. */
export interface ReparameterizationOptions {
  /** Number of draws (default 1). */
  n?: number;
  seed?: number;
}

/** Options of the score-function estimator. */
export interface ScoreFunctionOptions extends ReparameterizationOptions {
  /**
   * A control variate subtracted from f before it multiplies the score: a number or Tensor
   * (held constant), or "leaveOneOut": for each draw, the mean of f over the other n − 1
   * draws, which is independent of that draw and so keeps the estimate unbiased.
   */
  baseline?: number | Tensor | "leaveOneOut";
}

function drawCount(n: number | undefined, where: string, least: number): number {
  const count = n ?? least;
  if (!(Number.isInteger(count) && count >= least)) throw new NablaError(`${where}: n must be an integer ≥ ${least}; got ${n}`);
  return count;
}

/**
 * The pathwise (reparameterisation) estimator: mean of f over n draws of dist.rsample, so
 * the gradient flows through the draws themselves. Needs a distribution with rsample.
 * @example
 * // E[x²] under N(μ, 1) is μ² + 1; its gradient in μ is 2μ.
 * const g = nb.grad((mu) => nb.estimators.reparameterization((x) => nb.square(x), new nb.distributions.Normal(mu, 1), { n: 4000, seed: 0 }))(1.5);
 * Math.abs(g - 3) < 0.1; // => true
 */
export function reparameterization(f: SampleFunction, dist: Distribution, options: ReparameterizationOptions = {}): Tensor {
  const n = drawCount(options.n, "estimators.reparameterization", 1);
  if (!dist.hasRsample) {
    throw new NablaError(
      `estimators.reparameterization: ${dist.constructor.name} has no reparameterised sample; use nb.estimators.scoreFunction`,
    );
  }
  return mean(toTensor(f(dist.rsample([n], { seed: options.seed }))));
}

/**
 * The score-function (REINFORCE, likelihood-ratio) estimator: its gradient is
 * mean((f(x) − b)·∇ log p(x)) over n draws, plus f's own gradient where f depends on the
 * parameters directly. Works for discrete distributions too. Its value is mean f(x).
 * @example
 * // E[x] under Bernoulli(p) is p: the gradient is 1.
 * const g = nb.grad((p) => nb.estimators.scoreFunction((x) => x, new nb.distributions.Bernoulli(p), { n: 4000, seed: 0, baseline: "leaveOneOut" }))(0.3);
 * Math.abs(g - 1) < 0.1; // => true
 */
export function scoreFunction(f: SampleFunction, dist: Distribution, options: ScoreFunctionOptions = {}): Tensor {
  const baseline = options.baseline ?? 0;
  const n = drawCount(options.n, "estimators.scoreFunction", baseline === "leaveOneOut" ? 2 : 1);
  const x = dist.sample([n], { seed: options.seed });
  const fx = toTensor(f(x));
  const value = stopGradient(fx);
  const b = baseline === "leaveOneOut" ? div(sub(sum(value, 0, true), value), n - 1) : stopGradient(toTensor(baseline));
  // f of a whole draw: the draw's log-probability is the sum over its independent batch entries.
  let logp = dist.logProb(x);
  if (logp.ndim > fx.ndim) logp = sum(logp, Array.from({ length: logp.ndim - fx.ndim }, (_, i) => -1 - i));
  // Zero in value, (f − b)·∇log p in gradient: the surrogate's value stays mean f.
  const score = mul(sub(value, b), sub(logp, stopGradient(logp)));
  return add(mean(fx), mean(score));
}
