/**
 * E_{x∼dist}[f(x)] by Monte Carlo, randomised quasi-Monte Carlo (scrambled Sobol points
 * through the quantile function) or Gauss quadrature matched to the distribution, with an
 * error estimate. Differentiable in the distribution's parameters (and anything f closes
 * over) for every method: mc through rsample, qmc and quadrature through nodes that are
 * affine in the parameters.
 *
 * f is called on all points at once (shape `[n, ...batchShape, ...eventShape]`) and returns
 * one value per point (`[n]` or `[n, ...batchShape]`); the result has f's shape without n.
 */
import { type TensorLike, tensor, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { type Shape, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { abs, add, div, exp, mul, sqrt, sub } from "../ops/primitives/elementwise.js";
import { reshape } from "../ops/primitives/shape.js";
import { sum } from "../ops/primitives/reduce.js";
import { mean, stack, variance } from "../ops/composite.js";
import { sobol, SOBOL_MAX_DIMENSION } from "../numeric/integrate/sobol.js";
import { gaussLegendre, type QuadratureRule } from "../numeric/integrate/gauss-legendre.js";
import { Exponential, Laplace, Normal, Uniform } from "./continuous.js";
import { Bernoulli, Categorical } from "./discrete.js";
import { MultivariateNormal } from "./multivariate.js";
import { normalQuantile } from "../numeric/special.js";
import type { Distribution } from "./distribution.js";
import { resolveSeed } from "./distribution.js";
import { gaussHermite, gaussLaguerre } from "./gauss-rules.js";

/** Options of expectation. */
export interface ExpectationOptions {
  /** Points: draws (mc), Sobol points in all (qmc), or quadrature nodes. Defaults 10000, 4096, 32. */
  n?: number;
  seed?: number;
  /**
   * "mc": plain Monte Carlo, error = standard error. "qmc": 8 independently scrambled Sobol
   * sets of n/8 points mapped through the quantile function (loc + L·Φ⁻¹(u) for a
   * MultivariateNormal), error = standard error of their 8 means. "quadrature": Gauss–Hermite (Normal), Gauss–Legendre (Uniform), Gauss–Laguerre
   * (Exponential, and each half of a Laplace), exact sums (Bernoulli, Categorical); error =
   * |Qₙ − Q⌈n/2⌉|, conservative for smooth f (0 for the exact sums).
   */
  method?: "mc" | "qmc" | "quadrature";
}

/** An estimate and its error, shaped like one value of f. */
export interface ExpectationResult {
  value: Tensor;
  error: Tensor;
}

/** A function of a batch of points returning one value per point. */
export type Integrand = (x: Tensor) => TensorLike;

/**
 * E[f(x)] under `dist`, with an error estimate (see ExpectationOptions.method).
 * @example
 * const d = new nb.distributions.Normal(1, 2);
 * const { value } = nb.distributions.expectation((x) => nb.square(x), d, { method: "quadrature", n: 8 });
 * Math.abs(value.item() - 5) < 1e-12; // => true
 * const mc = nb.distributions.expectation((x) => nb.square(x), d, { n: 20000, seed: 0 });
 * Math.abs(mc.value.item() - 5) < 5 * mc.error.item(); // => true
 */
export function expectation(f: Integrand, dist: Distribution, options: ExpectationOptions = {}): ExpectationResult {
  const method = options.method ?? "mc";
  if (method === "mc") return monteCarlo(f, dist, count(options.n ?? 10000, 2, "mc"), options.seed);
  if (method === "qmc") return quasiMonteCarlo(f, dist, count(options.n ?? 4096, 16, "qmc"), options.seed);
  if (method === "quadrature") return quadrature(f, dist, count(options.n ?? 32, 2, "quadrature"));
  throw new NablaError(`expectation: method must be "mc", "qmc" or "quadrature"; got "${String(method)}"`);
}

function count(n: number, least: number, method: string): number {
  if (!(Number.isInteger(n) && n >= least)) throw new NablaError(`expectation (${method}): n must be an integer ≥ ${least}; got ${n}`);
  return n;
}

function monteCarlo(f: Integrand, dist: Distribution, n: number, seed: number | undefined): ExpectationResult {
  const x = dist.hasRsample ? dist.rsample([n], { seed }) : dist.sample([n], { seed });
  const values = toTensor(f(x));
  return { value: mean(values, 0), error: sqrt(div(variance(values, 0, false, { ddof: 1 }), n)) };
}

const REPLICATES = 8;

/** Points from uniforms u [m, ...batchShape, ...eventShape]: the quantile map, or L·Φ⁻¹(u) for a MultivariateNormal. */
function fromUniform(dist: Distribution, u: Tensor): Tensor {
  if (dist instanceof MultivariateNormal) return dist.fromStandardNormal(tensor(u.values().map(normalQuantile), { shape: [...u.shape] }));
  return dist.icdf(u);
}

function quasiMonteCarlo(f: Integrand, dist: Distribution, n: number, seed: number | undefined): ExpectationResult {
  const supported = dist instanceof MultivariateNormal || dist instanceof Normal || dist instanceof Uniform || dist instanceof Exponential || dist instanceof Laplace;
  if (!supported) {
    throw new NablaError(`expectation (qmc): needs a quantile map (Normal, MultivariateNormal, Uniform, Exponential, Laplace); use "mc" for a ${dist.constructor.name}`);
  }
  const d = sizeOf([...dist.batchShape, ...dist.eventShape]);
  if (d > SOBOL_MAX_DIMENSION) throw new NablaError(`expectation (qmc): a batch of ${d} needs ${d} Sobol dimensions; at most ${SOBOL_MAX_DIMENSION}`);
  const m = Math.ceil(n / REPLICATES);
  const base = resolveSeed(seed);
  const means = Array.from({ length: REPLICATES }, (_, r) => {
    // Keep u strictly inside (0, 1): a scrambled point may be exactly 0.
    const u = sobol(m, Math.max(d, 1), { seed: (base + r * 0x9e3779b9) >>> 0 }).values().map((v) => Math.min(Math.max(v, 2 ** -40), 1 - 2 ** -40));
    const points = fromUniform(dist, tensor(u, { shape: [m, ...dist.batchShape, ...dist.eventShape] }));
    return mean(toTensor(f(points)), 0);
  });
  const replicated = stack(means, 0);
  return { value: mean(replicated, 0), error: sqrt(div(variance(replicated, 0, false, { ddof: 1 }), REPLICATES)) };
}

/** Σ wᵢ f(xᵢ) with xᵢ = shift + scale·tᵢ broadcast against the batch. */
function weighted(f: Integrand, rule: QuadratureRule, shift: TensorLike, scale: TensorLike, batch: Shape, weightScale: number): Tensor {
  const column = (a: Float64Array) => tensor(a, { shape: [a.length, ...batch.map(() => 1)] });
  const x = add(shift, mul(scale, column(rule.nodes)));
  return sum(mul(toTensor(f(x)), column(rule.weights.map((w) => w * weightScale))), 0);
}

function quadratureRule(f: Integrand, dist: Distribution, n: number): Tensor {
  const batch = dist.batchShape;
  if (dist instanceof Normal) return weighted(f, gaussHermite(n), dist.loc, mul(Math.SQRT2, dist.scale), batch, 1 / Math.sqrt(Math.PI));
  if (dist instanceof Uniform) {
    const half = mul(0.5, sub(dist.high, dist.low));
    return weighted(f, gaussLegendre(n), add(dist.low, half), half, batch, 0.5);
  }
  if (dist instanceof Exponential) return weighted(f, gaussLaguerre(n), 0, div(1, dist.rate), batch, 1);
  if (dist instanceof Laplace) {
    const rule = gaussLaguerre(n);
    return add(weighted(f, rule, dist.loc, dist.scale, batch, 0.5), weighted(f, rule, dist.loc, mul(-1, dist.scale), batch, 0.5));
  }
  throw new NablaError(
    `expectation (quadrature): no Gauss rule for a ${dist.constructor.name}; quadrature covers Normal, Uniform, Exponential, Laplace, Bernoulli and Categorical — use "mc" or "qmc"`,
  );
}

/** Exact expectation over a finite support: Σₖ p(k) f(k). */
function enumerate(f: Integrand, dist: Bernoulli | Categorical): Tensor {
  const k = dist instanceof Bernoulli ? 2 : dist.categories;
  const support = tensor(Array.from({ length: k }, (_, i) => i), { shape: [k, ...dist.batchShape.map(() => 1)] });
  const probs = reshape(exp(dist.logProb(support)), [k, ...dist.batchShape]);
  return sum(mul(toTensor(f(support)), probs), 0);
}

function quadrature(f: Integrand, dist: Distribution, n: number): ExpectationResult {
  if (dist instanceof Bernoulli || dist instanceof Categorical) {
    const value = enumerate(f, dist);
    return { value, error: mul(value, 0) };
  }
  const value = quadratureRule(f, dist, n);
  return { value, error: abs(sub(value, quadratureRule(f, dist, Math.ceil(n / 2)))) };
}
