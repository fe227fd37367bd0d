/**
 * Kullback–Leibler divergences KL(p ‖ q) = E_p[log p(x) − log q(x)]: closed forms for every
 * pair among nabla's distributions that torch.distributions.kl_divergence has (the same
 * formulas, so the values agree), ∞ where p's support is not inside q's, and a Monte-Carlo
 * estimate with its standard error for any other pair.
 */
import { full } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { broadcastShapes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  abs, add, div, equal, erf, exp, greater, less, log, mul, neg, softplus, sqrt, sub, where,
} from "../ops/primitives/elementwise.js";
import { sum } from "../ops/primitives/reduce.js";
import { mean, square, variance } from "../ops/composite.js";
import { digamma, lgamma } from "../ops/special.js";
import { Beta, Exponential, Gamma, Laplace, Normal, Uniform } from "./continuous.js";
import { Bernoulli, Categorical } from "./discrete.js";
import { MultivariateNormal, klMultivariateNormal } from "./multivariate.js";
import type { Distribution } from "./distribution.js";

/** The Euler–Mascheroni constant γ = −ψ(1). */
const EULER_GAMMA = 0.5772156649015329;

type Family<D extends Distribution> = abstract new (...args: never[]) => D;
type Rule = (p: Distribution, q: Distribution) => Tensor;
const rules = new Map<Family<Distribution>, Map<Family<Distribution>, Rule>>();

function register<P extends Distribution, Q extends Distribution>(p: Family<P>, q: Family<Q>, rule: (p: P, q: Q) => Tensor): void {
  if (!rules.has(p)) rules.set(p, new Map());
  rules.get(p)!.set(q, rule as Rule);
}

function ruleFor(p: Distribution, q: Distribution): Rule | undefined {
  return rules.get(p.constructor as Family<Distribution>)?.get(q.constructor as Family<Distribution>);
}

/**
 * KL(p ‖ q) in closed form, shape the broadcast of both batch shapes; differentiable in both
 * distributions' parameters. For a pair without a closed form it throws, naming
 * klMonteCarlo.
 * @example
 * const p = new nb.distributions.Normal(0, 1);
 * const q = new nb.distributions.Normal(1, 2);
 * nb.distributions.kl(p, q).item(); // => 0.4431471805599453
 */
export function kl(p: Distribution, q: Distribution): Tensor {
  const rule = ruleFor(p, q);
  if (!rule) {
    throw new NablaError(
      `kl: no closed form for KL(${p.constructor.name} ‖ ${q.constructor.name}); ` +
        `estimate it with nb.distributions.klMonteCarlo(p, q, {n, seed}), which also returns its standard error`,
    );
  }
  return rule(p, q);
}

/**
 * Whether kl(p, q) has a closed form (else use klMonteCarlo).
 * @example
 * nb.distributions.hasClosedFormKl(new nb.distributions.Gamma(2, 1), new nb.distributions.Laplace(0, 1)); // => false
 */
export function hasClosedFormKl(p: Distribution, q: Distribution): boolean {
  return ruleFor(p, q) !== undefined;
}

/** Options of klMonteCarlo. */
export interface KlMonteCarloOptions {
  /** Number of draws from p (default 10000). */
  n?: number;
  seed?: number;
}

/** A Monte-Carlo estimate: its value and standard error, shape the batch shape. */
export interface MonteCarloEstimate {
  value: Tensor;
  error: Tensor;
}

/**
 * KL(p ‖ q) ≈ mean of log p(x) − log q(x) over n draws x ~ p, with its standard error
 * (sample standard deviation / √n). Uses rsample where p has one, so the estimate is
 * differentiable in p's parameters as well as q's.
 * @example
 * const p = new nb.distributions.Gamma(3, 2);
 * const q = new nb.distributions.Laplace(1, 1);
 * const { value, error } = nb.distributions.klMonteCarlo(p, q, { n: 20000, seed: 0 });
 * Math.abs(value.item() - 0.2567) < 5 * error.item(); // => true
 */
export function klMonteCarlo(p: Distribution, q: Distribution, options: KlMonteCarloOptions = {}): MonteCarloEstimate {
  const n = options.n ?? 10000;
  if (!(Number.isInteger(n) && n >= 2)) throw new NablaError(`klMonteCarlo: n must be an integer ≥ 2; got ${n}`);
  const x = p.hasRsample ? p.rsample([n], { seed: options.seed }) : p.sample([n], { seed: options.seed });
  const terms = sub(p.logProb(x), q.logProb(x));
  return { value: mean(terms, 0), error: sqrt(div(variance(terms, 0, false, { ddof: 1 }), n)) };
}

const infinite = (p: Distribution, q: Distribution): Tensor => full([...broadcastShapes(p.batchShape, q.batchShape, "kl")], Infinity);
/** x·log x, 0 at x = 0. */
const xLogX = (x: Tensor): Tensor => {
  const positive = greater(x, 0);
  return where(positive, mul(x, log(where(positive, x, 1))), 0);
};
const negEntropy = (p: Distribution): Tensor => neg(p.entropy());

register(Normal, Normal, (p, q) => {
  const ratio = square(div(p.scale, q.scale));
  const gap = square(div(sub(p.loc, q.loc), q.scale));
  return mul(0.5, sub(add(ratio, gap), add(1, log(ratio))));
});
register(Bernoulli, Bernoulli, (p, q) => {
  const lp = p.logits, lq = q.logits;
  // Each term is 0 where p puts no mass on its outcome and ∞ where q puts none but p does.
  const term = (mass: Tensor, qMass: Tensor, value: Tensor): Tensor =>
    where(equal(mass, 0), 0, where(equal(qMass, 0), Infinity, mul(mass, value)));
  const t1 = term(p.probs, q.probs, sub(softplus(neg(lq)), softplus(neg(lp))));
  const t2 = term(sub(1, p.probs), sub(1, q.probs), sub(softplus(lq), softplus(lp)));
  return add(t1, t2);
});
register(Categorical, Categorical, (p, q) => {
  const t = where(greater(p.probs, 0), where(equal(q.probs, 0), Infinity, mul(p.probs, sub(p.logits, q.logits))), 0);
  return sum(t, -1);
});
register(Beta, Beta, (p, q) => {
  const [a1, b1, a2, b2] = [p.concentration1, p.concentration0, q.concentration1, q.concentration0];
  const s1 = add(a1, b1), s2 = add(a2, b2);
  const logNorm = sub(add(add(lgamma(a2), lgamma(b2)), lgamma(s1)), add(add(lgamma(a1), lgamma(b1)), lgamma(s2)));
  const t3 = mul(sub(a1, a2), digamma(a1));
  const t4 = mul(sub(b1, b2), digamma(b1));
  const t5 = mul(sub(s2, s1), digamma(s1));
  return add(add(add(logNorm, t3), t4), t5);
});
register(Gamma, Gamma, (p, q) => {
  const t1 = mul(q.concentration, log(div(p.rate, q.rate)));
  const t2 = sub(lgamma(q.concentration), lgamma(p.concentration));
  const t3 = mul(sub(p.concentration, q.concentration), digamma(p.concentration));
  const t4 = mul(sub(q.rate, p.rate), div(p.concentration, p.rate));
  return add(add(t1, t2), add(t3, t4));
});
register(Exponential, Exponential, (p, q) => {
  const ratio = div(q.rate, p.rate);
  return sub(sub(ratio, log(ratio)), 1);
});
register(Laplace, Laplace, (p, q) => {
  const ratio = div(p.scale, q.scale);
  const gap = abs(sub(p.loc, q.loc));
  return sub(add(sub(div(gap, q.scale), log(ratio)), mul(ratio, exp(neg(div(gap, p.scale))))), 1);
});
register(Uniform, Uniform, (p, q) => {
  const value = log(div(sub(q.high, q.low), sub(p.high, p.low)));
  return where(add(greater(q.low, p.low), less(q.high, p.high)), Infinity, value);
});
register(MultivariateNormal, MultivariateNormal, klMultivariateNormal);
registerCrossFamily();
registerInfinite();

/** Pairs from different families (the formulas of torch.distributions.kl). */
function registerCrossFamily(): void {
  register(Beta, Exponential, (p, q) => add(sub(negEntropy(p), log(q.rate)), mul(q.rate, p.mean)));
  register(Beta, Gamma, (p, q) => {
    const [a, b] = [p.concentration1, p.concentration0];
    const t2 = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
    const t3 = mul(sub(q.concentration, 1), sub(digamma(a), digamma(add(a, b))));
    return add(sub(add(negEntropy(p), t2), t3), mul(q.rate, p.mean));
  });
  register(Beta, Normal, (p, q) => add(negEntropy(p), normalCrossEntropy(p.mean, add(p.variance, square(p.mean)), q)));
  register(Beta, Uniform, (p, q) => where(add(greater(q.low, 0), less(q.high, 1)), Infinity, add(negEntropy(p), log(sub(q.high, q.low)))));
  register(Exponential, Gamma, (p, q) => {
    const ratio = div(q.rate, p.rate);
    const t = add(sub(ratio, mul(q.concentration, log(ratio))), add(lgamma(q.concentration), mul(q.concentration, EULER_GAMMA)));
    return sub(t, 1 + EULER_GAMMA);
  });
  register(Exponential, Normal, (p, q) => add(negEntropy(p), normalCrossEntropy(p.mean, mul(2, square(p.mean)), q)));
  register(Gamma, Exponential, (p, q) => add(sub(negEntropy(p), log(q.rate)), mul(q.rate, p.mean)));
  register(Gamma, Normal, (p, q) => add(negEntropy(p), normalCrossEntropy(p.mean, add(p.variance, square(p.mean)), q)));
  register(Laplace, Normal, (p, q) => add(negEntropy(p), normalCrossEntropy(p.mean, add(p.variance, square(p.mean)), q)));
  register(Normal, Laplace, (p, q) => {
    const gap = sub(p.loc, q.loc);
    const z = div(gap, p.scale);
    const meanAbs = add(mul(Math.sqrt(2 / Math.PI), mul(p.scale, exp(mul(-0.5, square(z))))), mul(gap, erf(mul(Math.SQRT1_2, z))));
    return sub(sub(div(meanAbs, q.scale), log(div(p.scale, q.scale))), 0.5 * (1 + Math.log(0.5 * Math.PI)));
  });
  registerFromUniform();
}

/**
 * −E_p[log q(x)] for a normal q, from p's first two moments m1 = E[x], m2 = E[x²]:
 * ½ log(2πσ²) + (m2 − 2μ·m1 + μ²)/(2σ²).
 */
function normalCrossEntropy(m1: Tensor, m2: Tensor, q: Normal): Tensor {
  const v = square(q.scale);
  const quadratic = add(sub(m2, mul(mul(2, q.loc), m1)), square(q.loc));
  return add(mul(0.5, log(mul(2 * Math.PI, v))), div(quadratic, mul(2, v)));
}

function registerFromUniform(): void {
  const width = (p: Uniform): Tensor => sub(p.high, p.low);
  register(Uniform, Normal, (p, q) => add(negEntropy(p), normalCrossEntropy(p.mean, add(p.variance, square(p.mean)), q)));
  register(Uniform, Exponential, (p, q) => {
    const value = sub(mul(q.rate, p.mean), log(mul(width(p), q.rate)));
    return where(less(p.low, 0), Infinity, value);
  });
  // E_p[log x] = (h log h − l log l − w)/w and E_p[log(1 − x)] likewise on [1 − h, 1 − l], w = h − l.
  const meanLog = (p: Uniform): Tensor => div(sub(sub(xLogX(p.high), xLogX(p.low)), width(p)), width(p));
  const meanLog1m = (p: Uniform): Tensor => div(sub(sub(xLogX(sub(1, p.low)), xLogX(sub(1, p.high))), width(p)), width(p));
  register(Uniform, Gamma, (p, q) => {
    const logNorm = sub(lgamma(q.concentration), mul(q.concentration, log(q.rate)));
    const value = add(add(negEntropy(p), logNorm), sub(mul(q.rate, p.mean), mul(sub(q.concentration, 1), meanLog(p))));
    return where(less(p.low, 0), Infinity, value);
  });
  register(Uniform, Beta, (p, q) => {
    const [a, b] = [q.concentration1, q.concentration0];
    const logNorm = sub(add(lgamma(a), lgamma(b)), lgamma(add(a, b)));
    const value = sub(add(negEntropy(p), logNorm), add(mul(sub(a, 1), meanLog(p)), mul(sub(b, 1), meanLog1m(p))));
    return where(add(greater(p.high, 1), less(p.low, 0)), Infinity, value);
  });
}

/** p's support reaches where q has no density: the divergence is infinite. */
function registerInfinite(): void {
  for (const p of [Exponential, Gamma] as Family<Distribution>[]) for (const q of [Beta, Uniform]) register(p, q, infinite);
  for (const q of [Beta, Exponential, Gamma, Uniform]) {
    register(Laplace, q, infinite);
    register(Normal, q, infinite);
  }
}
