/**
 * Univariate continuous distributions with torch.distributions' positional parameters.
 * Every formula is written with nabla ops, so it is differentiable in the parameters.
 */
import { type TensorLike, rand, randn, tensor, toTensor } from "../tensor/create.js";
import type { Shape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  abs, add, div, erf, expm1, greater, less, log, log1p, mul, neg, sign, sub, where,
} from "../ops/primitives/elementwise.js";
import { broadcastTo } from "../ops/primitives/shape.js";
import { clip, square } from "../ops/composite.js";
import { digamma, lbeta, lgamma } from "../ops/special.js";
import { normalQuantile } from "../numeric/special.js";
import { Distribution, type SampleOptions, type Support, parameters, resolveSeed } from "./distribution.js";
import { standardGamma } from "./gamma-sampling.js";
import { regularizedGamma } from "./gamma-cdf.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Uniform noise kept strictly inside (−1, 1), so log1p(−|u|) stays finite. */
const EDGE = 2 ** -52;

/** A univariate distribution whose parameters broadcast to its batch shape. */
abstract class Univariate extends Distribution {
  readonly hasRsample: boolean = true;
  protected expand(t: TensorLike): Tensor {
    return broadcastTo(toTensor(t), this.batchShape);
  }
}

/**
 * The normal distribution N(loc, scale²).
 * @example
 * const d = new nb.distributions.Normal(0, 2);
 * d.logProb(0).item(); // => -1.612085713764618
 * d.cdf(0).item(); // => 0.5
 */
export class Normal extends Univariate {
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike, scale: TensorLike) {
    const { tensors, batchShape } = parameters("Normal(loc, scale)", loc, scale);
    super(batchShape);
    [this.loc, this.scale] = tensors as [Tensor, Tensor];
  }
  logProb(x: TensorLike): Tensor {
    const z = div(sub(x, this.loc), this.scale);
    return sub(neg(add(mul(0.5, square(z)), log(this.scale))), HALF_LOG_2PI);
  }
  override cdf(x: TensorLike): Tensor {
    return mul(0.5, add(1, erf(div(sub(x, this.loc), mul(this.scale, Math.SQRT2)))));
  }
  override icdf(p: TensorLike): Tensor {
    return add(this.loc, mul(this.scale, quantiles(p, normalQuantile)));
  }
  get mean(): Tensor {
    return this.expand(this.loc);
  }
  get variance(): Tensor {
    return this.expand(square(this.scale));
  }
  entropy(): Tensor {
    return this.expand(add(log(this.scale), 0.5 + HALF_LOG_2PI));
  }
  get support(): Support {
    return { lower: -Infinity, upper: Infinity, discrete: false };
  }
  override rsample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    return add(this.loc, mul(this.scale, randn(this.extendedShape(shape), { seed: options.seed })));
  }
}

/** A function of concrete probabilities, elementwise (icdf's p is data, not differentiated). */
function quantiles(p: TensorLike, f: (p: number) => number): Tensor {
  const t = toTensor(p);
  return tensor(Array.from(t.values(), f), { shape: [...t.shape] });
}

/**
 * The uniform distribution on [low, high).
 * @example
 * const d = new nb.distributions.Uniform(0, 4);
 * d.logProb(1).item(); // => -1.3862943611198906
 * d.logProb(5).item(); // => -Infinity
 */
export class Uniform extends Univariate {
  readonly low: Tensor;
  readonly high: Tensor;
  constructor(low: TensorLike, high: TensorLike) {
    const { tensors, batchShape } = parameters("Uniform(low, high)", low, high);
    super(batchShape);
    [this.low, this.high] = tensors as [Tensor, Tensor];
  }
  private get width(): Tensor {
    return sub(this.high, this.low);
  }
  logProb(x: TensorLike): Tensor {
    const inside = mul(sub(1, less(x, this.low)), less(x, this.high));
    return where(inside, neg(log(this.width)), -Infinity);
  }
  override cdf(x: TensorLike): Tensor {
    return clip(div(sub(x, this.low), this.width), 0, 1);
  }
  override icdf(p: TensorLike): Tensor {
    return add(this.low, mul(p, this.width));
  }
  get mean(): Tensor {
    return this.expand(div(add(this.low, this.high), 2));
  }
  get variance(): Tensor {
    return this.expand(div(square(this.width), 12));
  }
  entropy(): Tensor {
    return this.expand(log(this.width));
  }
  get support(): Support {
    return { lower: this.low, upper: this.high, discrete: false };
  }
  override rsample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    return add(this.low, mul(this.width, rand(this.extendedShape(shape), { seed: options.seed })));
  }
}

/**
 * The exponential distribution with density rate·e^(−rate·x) on x ≥ 0.
 * @example
 * const d = new nb.distributions.Exponential(2);
 * d.mean.item(); // => 0.5
 * d.cdf(0).item(); // => 0
 */
export class Exponential extends Univariate {
  readonly rate: Tensor;
  constructor(rate: TensorLike) {
    const { tensors, batchShape } = parameters("Exponential(rate)", rate);
    super(batchShape);
    this.rate = tensors[0]!;
  }
  logProb(x: TensorLike): Tensor {
    return where(less(x, 0), -Infinity, sub(log(this.rate), mul(this.rate, x)));
  }
  override cdf(x: TensorLike): Tensor {
    return where(less(x, 0), 0, neg(expm1(neg(mul(this.rate, x)))));
  }
  override icdf(p: TensorLike): Tensor {
    return div(neg(log1p(neg(toTensor(p)))), this.rate);
  }
  get mean(): Tensor {
    return this.expand(div(1, this.rate));
  }
  get variance(): Tensor {
    return this.expand(div(1, square(this.rate)));
  }
  entropy(): Tensor {
    return this.expand(sub(1, log(this.rate)));
  }
  get support(): Support {
    return { lower: 0, upper: Infinity, discrete: false };
  }
  override rsample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    return this.icdf(rand(this.extendedShape(shape), { seed: options.seed }));
  }
}

/**
 * The Laplace distribution with density e^(−|x − loc|/scale) / (2·scale).
 * @example
 * const d = new nb.distributions.Laplace(0, 1);
 * d.variance.item(); // => 2
 * d.cdf(0).item(); // => 0.5
 */
export class Laplace extends Univariate {
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike, scale: TensorLike) {
    const { tensors, batchShape } = parameters("Laplace(loc, scale)", loc, scale);
    super(batchShape);
    [this.loc, this.scale] = tensors as [Tensor, Tensor];
  }
  logProb(x: TensorLike): Tensor {
    return neg(add(log(mul(2, this.scale)), div(abs(sub(x, this.loc)), this.scale)));
  }
  override cdf(x: TensorLike): Tensor {
    const d = sub(x, this.loc);
    return sub(0.5, mul(mul(0.5, sign(d)), expm1(neg(div(abs(d), this.scale)))));
  }
  override icdf(p: TensorLike): Tensor {
    const t = sub(p, 0.5);
    return sub(this.loc, mul(mul(this.scale, sign(t)), log1p(mul(-2, abs(t)))));
  }
  get mean(): Tensor {
    return this.expand(this.loc);
  }
  get variance(): Tensor {
    return this.expand(mul(2, square(this.scale)));
  }
  entropy(): Tensor {
    return this.expand(add(1, log(mul(2, this.scale))));
  }
  get support(): Support {
    return { lower: -Infinity, upper: Infinity, discrete: false };
  }
  override rsample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    const u = clip(sub(1, mul(2, rand(this.extendedShape(shape), { seed: options.seed }))), -1 + EDGE, 1 - EDGE);
    return sub(this.loc, mul(mul(this.scale, sign(u)), log1p(neg(abs(u)))));
  }
}

/**
 * The Gamma distribution with shape `concentration` α and `rate` β (density ∝ x^(α−1)e^(−βx)).
 * rsample is reparameterised by implicit differentiation (first derivatives; see
 * gamma-sampling.ts).
 * @example
 * const d = new nb.distributions.Gamma(3, 2);
 * d.mean.item(); // => 1.5
 * nb.grad((a) => nb.mean(new nb.distributions.Gamma(a, 1).rsample([2000], { seed: 0 })))(3) > 0.9; // => true
 */
export class Gamma extends Univariate {
  readonly concentration: Tensor;
  readonly rate: Tensor;
  constructor(concentration: TensorLike, rate: TensorLike) {
    const { tensors, batchShape } = parameters("Gamma(concentration, rate)", concentration, rate);
    super(batchShape);
    [this.concentration, this.rate] = tensors as [Tensor, Tensor];
  }
  logProb(x: TensorLike): Tensor {
    const positive = greater(x, 0);
    const safe = where(positive, x, 1);
    const a = this.concentration;
    const value = sub(add(mul(a, log(this.rate)), mul(sub(a, 1), log(safe))), add(mul(this.rate, safe), lgamma(a)));
    return where(positive, value, -Infinity);
  }
  /**
   * P(α, rate·x), the regularised incomplete gamma function (not closed-form: a series or a
   * continued fraction per element); differentiable in x and rate, and to first order in α.
   */
  override cdf(x: TensorLike): Tensor {
    return regularizedGamma(this.concentration, mul(this.rate, x));
  }
  get mean(): Tensor {
    return this.expand(div(this.concentration, this.rate));
  }
  get variance(): Tensor {
    return this.expand(div(this.concentration, square(this.rate)));
  }
  entropy(): Tensor {
    const a = this.concentration;
    return this.expand(add(sub(a, log(this.rate)), add(lgamma(a), mul(sub(1, a), digamma(a)))));
  }
  get support(): Support {
    return { lower: 0, upper: Infinity, discrete: false };
  }
  override rsample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    const alpha = broadcastTo(this.concentration, this.extendedShape(shape));
    return div(standardGamma(alpha, resolveSeed(options.seed)), this.rate);
  }
}

/**
 * The Beta distribution on (0, 1) with density ∝ x^(a−1)(1 − x)^(b−1) (torch's
 * concentration1 = a, concentration0 = b). rsample is x/(x + y) of Gamma(a), Gamma(b) draws.
 * @example
 * const d = new nb.distributions.Beta(2, 3);
 * d.mean.item(); // => 0.4
 * Math.abs(d.logProb(0.5).item() - Math.log(1.5)) < 1e-13; // => true
 */
export class Beta extends Univariate {
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  constructor(a: TensorLike, b: TensorLike) {
    const { tensors, batchShape } = parameters("Beta(a, b)", a, b);
    super(batchShape);
    [this.concentration1, this.concentration0] = tensors as [Tensor, Tensor];
  }
  logProb(x: TensorLike): Tensor {
    const inside = mul(greater(x, 0), less(x, 1));
    const safe = where(inside, x, 0.5);
    const a = this.concentration1, b = this.concentration0;
    const value = sub(add(mul(sub(a, 1), log(safe)), mul(sub(b, 1), log1p(neg(safe)))), lbeta(a, b));
    return where(inside, value, -Infinity);
  }
  get mean(): Tensor {
    return this.expand(div(this.concentration1, add(this.concentration1, this.concentration0)));
  }
  get variance(): Tensor {
    const a = this.concentration1, b = this.concentration0, s = add(a, b);
    return this.expand(div(mul(a, b), mul(square(s), add(s, 1))));
  }
  entropy(): Tensor {
    const a = this.concentration1, b = this.concentration0, s = add(a, b);
    const terms = sub(add(mul(sub(s, 2), digamma(s)), lbeta(a, b)), add(mul(sub(a, 1), digamma(a)), mul(sub(b, 1), digamma(b))));
    return this.expand(terms);
  }
  get support(): Support {
    return { lower: 0, upper: 1, discrete: false };
  }
  override rsample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    const seed = resolveSeed(options.seed);
    const full = this.extendedShape(shape);
    const x = standardGamma(broadcastTo(this.concentration1, full), seed);
    const y = standardGamma(broadcastTo(this.concentration0, full), (seed ^ 0x5bd1e995) >>> 0);
    return div(x, add(x, y));
  }
}
