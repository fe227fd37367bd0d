/**
 * The base of every distribution: parameters are nabla values (numbers, Tensors or tracers),
 * so log-densities, moments, entropies and reparameterised samples are differentiable in them.
 * Shapes follow torch.distributions: a sample has shape `[...sampleShape, ...batchShape,
 * ...eventShape]`, where the batch shape is the broadcast of the parameters' shapes.
 */
import { type TensorLike, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { type Shape, broadcastShapes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { randomFor } from "../tensor/random.js";
import { sqrt, stopGradient } from "../ops/primitives/elementwise.js";

/** Options of sample and rsample: the same seed gives the same draws on every platform. */
export interface SampleOptions {
  seed?: number;
}

/** A support interval [lower, upper] (bounds may be Tensors, e.g. a Uniform's). */
export interface Support {
  lower: Tensor | number;
  upper: Tensor | number;
  /** True for distributions on the integers (Bernoulli, Categorical). */
  discrete: boolean;
}

/**
 * A probability distribution with torch.distributions' shape conventions.
 * @example
 * const d: nb.distributions.Distribution = new nb.distributions.Normal(0, 1);
 * d.batchShape; // => []
 */
export abstract class Distribution {
  /** The broadcast shape of the parameters. */
  readonly batchShape: Shape;
  /** The shape of one draw (empty for univariate distributions). */
  readonly eventShape: Shape;
  /** Whether rsample exists (a reparameterised, differentiable sample). */
  abstract readonly hasRsample: boolean;

  protected constructor(batchShape: Shape, eventShape: Shape = []) {
    this.batchShape = batchShape;
    this.eventShape = eventShape;
  }

  /** Log-density (or log-mass) of x, with shape x's batch shape broadcast to `batchShape`. */
  abstract logProb(x: TensorLike): Tensor;
  /** The mean, shape `[...batchShape, ...eventShape]`. */
  abstract get mean(): Tensor;
  /** The variance (the diagonal of the covariance for a multivariate distribution). */
  abstract get variance(): Tensor;
  /** Differential (or discrete) entropy in nats, shape `batchShape`. */
  abstract entropy(): Tensor;
  /** The support: where the density (or mass) is positive. */
  abstract get support(): Support;

  /** Standard deviation, √variance. */
  get stddev(): Tensor {
    return sqrt(this.variance);
  }

  /**
   * A reparameterised sample: a differentiable function of the parameters and of noise
   * independent of them, so ∇θ E[f(x)] = E[∇θ f(x)] can be estimated by averaging gradients.
   */
  rsample(_shape: Shape = [], _options: SampleOptions = {}): Tensor {
    throw new NablaError(
      `${this.constructor.name}.rsample: a ${this.constructor.name} has no reparameterised sample (its draws are discrete); ` +
        `use sample() and nb.estimators.scoreFunction for gradients of expectations`,
    );
  }

  /** A sample with no gradient (stopGradient of rsample for continuous distributions). */
  sample(shape: Shape = [], options: SampleOptions = {}): Tensor {
    return stopGradient(this.rsample(shape, options));
  }

  /** The cumulative distribution function, where it has a closed form. */
  cdf(_x: TensorLike): Tensor {
    throw new NablaError(`${this.constructor.name}.cdf: no closed-form CDF is implemented for this distribution`);
  }

  /**
   * The quantile function F⁻¹(p), where it has a closed form; differentiable in the
   * parameters (p is treated as data).
   */
  icdf(_p: TensorLike): Tensor {
    throw new NablaError(`${this.constructor.name}.icdf: no closed-form quantile function is implemented for this distribution`);
  }

  /** The shape of a draw of `shape` samples. */
  protected extendedShape(shape: Shape): number[] {
    return [...shape, ...this.batchShape, ...this.eventShape];
  }
}

/** Parameters as Tensors and their broadcast (batch) shape; `what` names them for errors. */
export function parameters(what: string, ...values: TensorLike[]): { tensors: Tensor[]; batchShape: Shape } {
  const tensors = values.map((v) => toTensor(v));
  let batchShape: Shape = [];
  for (const t of tensors) batchShape = broadcastShapes(batchShape, t.shape, what);
  return { tensors, batchShape };
}

/** A seed for a draw that must be repeatable within one call (e.g. replayed in a backward pass). */
export function resolveSeed(seed: number | undefined): number {
  return seed ?? Math.floor(randomFor(undefined).uniform() * 4294967296);
}
