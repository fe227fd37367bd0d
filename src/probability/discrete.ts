/**
 * Discrete distributions. They have no reparameterised sample: gradients of expectations
 * under them go through nb.estimators.scoreFunction.
 */
import { type TensorLike, arange, full, rand, tensor, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Shape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { randomFor } from "../tensor/random.js";
import { clip, expandDims } from "../ops/composite.js";
import { div, equal, greater, less, log, log1p, mul, neg, softplus, sub, where } from "../ops/primitives/elementwise.js";
import { sum } from "../ops/primitives/reduce.js";
import { broadcastTo } from "../ops/primitives/shape.js";
import { Distribution, type SampleOptions, type Support, parameters } from "./distribution.js";

/** Probabilities are kept in [ε, 1 − ε] before taking logits, as torch does (ε: float64's epsilon). */
const EPS = 2 ** -52;

/**
 * The Bernoulli distribution: 1 with probability `probs`, else 0.
 * @example
 * const d = new nb.distributions.Bernoulli(0.25);
 * d.logProb(1).item(); // => -1.3862943611198906
 * d.variance.item(); // => 0.1875
 */
export class Bernoulli extends Distribution {
  readonly hasRsample = false;
  readonly probs: Tensor;
  constructor(probs: TensorLike) {
    const { tensors, batchShape } = parameters("Bernoulli(probs)", probs);
    super(batchShape);
    this.probs = tensors[0]!;
  }
  /** log(p / (1 − p)). */
  get logits(): Tensor {
    const p = clip(this.probs, EPS, 1 - EPS);
    return sub(log(p), log1p(neg(p)));
  }
  logProb(x: TensorLike): Tensor {
    const l = this.logits;
    return sub(mul(x, l), softplus(l));
  }
  get mean(): Tensor {
    return broadcastTo(this.probs, this.batchShape);
  }
  get variance(): Tensor {
    return broadcastTo(mul(this.probs, sub(1, this.probs)), this.batchShape);
  }
  entropy(): Tensor {
    const l = this.logits;
    return broadcastTo(sub(softplus(l), mul(this.probs, l)), this.batchShape);
  }
  get support(): Support {
    return { lower: 0, upper: 1, discrete: true };
  }
  override sample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    const u = rand(this.extendedShape(shape), { seed: options.seed });
    return less(u, this.probs.concrete());
  }
}

/**
 * The categorical distribution over 0 … K − 1 with probabilities `probs` (last axis, K;
 * normalised to sum to 1). Its mean and variance are NaN, as in torch.
 * @example
 * const d = new nb.distributions.Categorical([0.2, 0.3, 0.5]);
 * d.logProb([0, 2]).toArray(); // => [-1.6094379124341003, -0.6931471805599453]
 */
export class Categorical extends Distribution {
  readonly hasRsample = false;
  /** The normalised probabilities, shape `[...batchShape, K]`. */
  readonly probs: Tensor;
  constructor(probs: TensorLike) {
    const p = toTensor(probs);
    if (p.ndim < 1 || p.shape[p.ndim - 1]! < 1) {
      throw new NablaError(`Categorical(probs): probs must have a last axis of K ≥ 1 categories; got shape [${p.shape.join(", ")}]`);
    }
    super(parameters("Categorical(probs)", p).batchShape.slice(0, -1));
    this.probs = div(p, sum(p, -1, true));
  }
  /** The number of categories K. */
  get categories(): number {
    return this.probs.shape[this.probs.ndim - 1]!;
  }
  /** Log-probabilities (probabilities clipped to [ε, 1 − ε] first, as torch does). */
  get logits(): Tensor {
    return log(clip(this.probs, EPS, 1 - EPS));
  }
  logProb(x: TensorLike): Tensor {
    const oneHot = equal(expandDims(toTensor(x), -1), arange(0, this.categories));
    return sum(where(oneHot, this.logits, 0), -1);
  }
  get mean(): Tensor {
    return full([...this.batchShape], NaN);
  }
  get variance(): Tensor {
    return full([...this.batchShape], NaN);
  }
  entropy(): Tensor {
    const p = this.probs;
    return neg(sum(where(greater(p, 0), mul(p, this.logits), 0), -1));
  }
  get support(): Support {
    return { lower: 0, upper: this.categories - 1, discrete: true };
  }
  /** Draws by inverting each row's cumulative probabilities. */
  override sample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    const k = this.categories;
    const probs = this.probs.values();
    const rows = probs.length / k;
    const n = shape.reduce((a, b) => a * b, 1);
    const rng = randomFor(options.seed);
    const out = new Float64Array(n * rows);
    for (let i = 0; i < out.length; i++) {
      const row = (i % rows) * k;
      let u = rng.uniform();
      let c = 0;
      while (c < k - 1 && u >= probs[row + c]!) u -= probs[row + c++]!;
      out[i] = c;
    }
    return tensor(out, { shape: this.extendedShape(shape) });
  }
}
