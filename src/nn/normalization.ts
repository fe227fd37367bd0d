/**
 * Normalisation layers: BatchNorm and LayerNorm, and spectral normalisation of a Linear
 * layer's weight.
 */
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { ones, randn, tensor } from "../tensor/create.js";
import { add, div, mul, sqrt, stopGradient, sub } from "../ops/primitives/elementwise.js";
import { sum } from "../ops/primitives/reduce.js";
import { matmul, mean, norm, variance } from "../ops/composite.js";
import { type ModuleConfig, type Params, Module } from "./module.js";
import { zeros } from "./init.js";
import { type LayerOptions, Linear, checkSize } from "./layers.js";

/** Options of BatchNorm. */
export interface BatchNormOptions extends Pick<LayerOptions, "dtype"> {
  /** Weight of the newest batch in the running statistics (default 0.1, PyTorch's). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

function checkFeatures(x: Tensor, n: number, layer: string): void {
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== n) throw new NablaError(`${layer}: expected inputs [..., ${n}], got ${formatShape(x.shape)}`);
}

/**
 * Batch normalisation (Ioffe & Szegedy 2015) over every axis but the last (the features).
 * Training mode normalises by the batch's mean and (biased) variance and updates running
 * estimates (the variance unbiased, as PyTorch does); evaluation mode uses the running
 * estimates, so it is a fixed affine map. Learned scale `weight` (ones) and shift `bias` (zeros).
 * @example
 * const bn = new nb.nn.BatchNorm(2);
 * const y = bn.forward(nb.tensor([[1, 10], [3, 30]]));
 * (y.toArray() as number[][]).flat().map((v) => Math.round(v * 1000) / 1000); // => [-1, -1, 1, 1]
 * bn.buffers().runningMean!.toArray(); // => [0.2, 2]
 */
export class BatchNorm extends Module {
  weight: Tensor;
  bias: Tensor;
  readonly momentum: number;
  readonly eps: number;
  /** Shared with withParams copies: statistics gathered while training a copy are kept. */
  private running: { mean: Tensor; variance: Tensor };

  constructor(readonly numFeatures: number, options: BatchNormOptions = {}) {
    super();
    checkSize(numFeatures, "BatchNorm", "numFeatures");
    this.momentum = options.momentum ?? 0.1;
    this.eps = options.eps ?? 1e-5;
    this.weight = ones([numFeatures], options);
    this.bias = zeros([numFeatures], options);
    this.running = { mean: zeros([numFeatures], options), variance: ones([numFeatures], options) };
  }

  forward(x: Tensor): Tensor {
    checkFeatures(x, this.numFeatures, "BatchNorm");
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let mu: Tensor, sigma2: Tensor;
    if (this.training) {
      const n = x.size / this.numFeatures;
      if (n < 2) throw new NablaError("BatchNorm: training mode needs at least 2 samples per feature; use eval() for single samples");
      mu = mean(x, axes);
      sigma2 = variance(x, axes);
      // The running estimates are statistics of the data, not functions of the parameters:
      // they are updated from concrete values, outside any derivative.
      const m = this.momentum;
      this.running.mean = add(mul(1 - m, this.running.mean), mul(m, mu.concrete()));
      this.running.variance = add(mul(1 - m, this.running.variance), mul(m * n / (n - 1), sigma2.concrete()));
    } else {
      mu = this.running.mean;
      sigma2 = this.running.variance;
    }
    return add(mul(div(sub(x, mu), sqrt(add(sigma2, this.eps))), this.weight), this.bias);
  }

  config(): ModuleConfig {
    return { type: "BatchNorm", numFeatures: this.numFeatures, momentum: this.momentum, eps: this.eps };
  }

  override buffers(): Params {
    return { runningMean: this.running.mean, runningVariance: this.running.variance };
  }

  override setBuffers(buffers: Params): void {
    this.running = { mean: buffers.runningMean!, variance: buffers.runningVariance! };
  }

  protected override detachState(): void {
    this.running = { ...this.running };
  }
}

/**
 * Layer normalisation (Ba et al. 2016) over the last axis, per sample: the same in training
 * and evaluation. Learned scale `weight` (ones) and shift `bias` (zeros).
 * @example
 * const ln = new nb.nn.LayerNorm(2, { eps: 0 });
 * ln.forward(nb.tensor([[1, 3], [10, 30]])).toArray(); // => [[-1, 1], [-1, 1]]
 */
export class LayerNorm extends Module {
  weight: Tensor;
  bias: Tensor;
  readonly eps: number;

  constructor(readonly dim: number, options: Pick<LayerOptions, "dtype"> & { eps?: number } = {}) {
    super();
    checkSize(dim, "LayerNorm", "dim");
    this.eps = options.eps ?? 1e-5;
    this.weight = ones([dim], options);
    this.bias = zeros([dim], options);
  }

  forward(x: Tensor): Tensor {
    checkFeatures(x, this.dim, "LayerNorm");
    const centered = sub(x, mean(x, -1, true));
    const normalized = div(centered, sqrt(add(variance(x, -1, true), this.eps)));
    return add(mul(normalized, this.weight), this.bias);
  }

  config(): ModuleConfig {
    return { type: "LayerNorm", dim: this.dim, eps: this.eps };
  }
}

/**
 * Fixed standardisation (x − mean) / scale of the features, e.g. from `nb.data.standardize`
 * on the training data. Mean and scale are buffers, not parameters: training leaves them
 * alone, and a saved model carries them, so it predicts from raw features.
 * @example
 * const s = nb.data.standardize(nb.tensor([[1, 10], [3, 30]]));
 * const layer = new nb.nn.Standardize(s.mean, s.scale);
 * layer.forward(nb.tensor([[2, 40]])).toArray(); // => [[0, 2]]
 * Object.keys(layer.parameters()); // => []
 */
export class Standardize extends Module {
  private stats: { mean: Tensor; scale: Tensor };

  constructor(mean: Tensor, scale: Tensor) {
    super();
    if (mean.ndim !== 1 || formatShape(mean.shape) !== formatShape(scale.shape)) {
      throw new NablaError(`Standardize: mean ${formatShape(mean.shape)} and scale ${formatShape(scale.shape)} must be vectors of one length`);
    }
    this.stats = { mean, scale };
  }

  forward(x: Tensor): Tensor {
    checkFeatures(x, this.stats.mean.shape[0]!, "Standardize");
    return div(sub(x, this.stats.mean), this.stats.scale);
  }

  config(): ModuleConfig {
    return { type: "Standardize", features: this.stats.mean.shape[0]! };
  }

  override buffers(): Params {
    return { mean: this.stats.mean, scale: this.stats.scale };
  }

  override setBuffers(buffers: Params): void {
    this.stats = { mean: buffers.mean!, scale: buffers.scale! };
  }
}

/**
 * A Linear layer whose weight is divided by its largest singular value σ, so the layer is
 * 1-Lipschitz (Miyato et al. 2018). σ comes from power iteration: the singular-vector
 * estimate `u` is a buffer refined by `powerIterations` steps per training call and treated
 * as a constant when differentiating, σ = uᵀWv, as in the paper.
 * @example
 * const sn = new nb.nn.SpectralNorm(new nb.nn.Linear(3, 3, { seed: 0 }), { powerIterations: 50 });
 * sn.forward(nb.ones([1, 3]));
 * Math.abs(nb.nn.spectralNormOf(sn.normalizedWeight()) - 1) < 1e-6; // => true
 */
export class SpectralNorm extends Module {
  readonly powerIterations: number;
  private state: { u: Tensor };

  constructor(readonly inner: Linear, options: { powerIterations?: number; seed?: number } = {}) {
    super();
    this.powerIterations = options.powerIterations ?? 1;
    this.state = { u: normalize(randn([inner.outFeatures], { seed: options.seed, dtype: inner.weight.dtype })) };
  }

  /** The weight divided by the current estimate of its spectral norm (power iteration runs in training mode). */
  normalizedWeight(): Tensor {
    const w = this.inner.weight;
    const wc = w.concrete();
    let u = this.state.u;
    let v = normalize(matmul(wc, u));
    if (this.training) {
      for (let i = 0; i < this.powerIterations; i++) {
        u = normalize(matmul(v, wc));
        v = normalize(matmul(wc, u));
      }
      this.state.u = u;
    }
    const sigma = sum(mul(stopGradient(v), matmul(w, stopGradient(u))));
    return div(w, sigma);
  }

  forward(x: Tensor): Tensor {
    const weight = this.normalizedWeight();
    return this.inner.withParams({ ...this.inner.parameters(), weight }).forward(x);
  }

  config(): ModuleConfig {
    return { type: "SpectralNorm", inner: this.inner.config(), powerIterations: this.powerIterations };
  }

  override buffers(): Params {
    return { u: this.state.u };
  }

  override setBuffers(buffers: Params): void {
    this.state = { u: buffers.u! };
  }

  protected override detachState(): void {
    this.state = { ...this.state };
  }
}

function normalize(v: Tensor): Tensor {
  return div(v, norm(v));
}

/**
 * The largest singular value of a matrix, by power iteration to convergence (a diagnostic,
 * not differentiated).
 * @example
 * nb.nn.spectralNormOf(nb.tensor([[3, 0], [0, -4]])); // => 4
 */
export function spectralNormOf(matrix: Tensor, iterations = 500): number {
  const w = tensor(matrix);
  if (w.ndim !== 2) throw new NablaError(`spectralNormOf: expected a matrix, got shape ${formatShape(w.shape)}`);
  let u = normalize(ones([w.shape[1]!]));
  for (let i = 0; i < iterations; i++) u = normalize(matmul(matmul(w, u), w));
  return norm(matmul(w, u)).item();
}
