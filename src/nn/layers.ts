/**
 * The basic layers: Linear, Sequential, Residual, the activations, Dropout and embeddings.
 * Features are the last axis of an input; any leading axes are batch axes.
 */
import { type Tensor, ArrayTensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { Random, randomFor } from "../tensor/random.js";
import { randn } from "../tensor/create.js";
import { add, div, mul, relu, sigmoid, softplus, tanh } from "../ops/primitives/elementwise.js";
import { gather, slice } from "../ops/primitives/shape.js";
import { gelu, leakyRelu, matmul, silu, softmax } from "../ops/composite.js";
import { bernoulli } from "../ops/random.js";
import { TracedValueError, jitTracing } from "../autodiff/jit.js";
import { type ModuleConfig, Module, reportActivation } from "./module.js";
import { nextLayerKey } from "./keys.js";
import { type InitOptions, type InitializerName, initializerNamed, zeros } from "./init.js";

/** Options of layers that create weights. */
export interface LayerOptions extends Omit<InitOptions, "gain"> {}

/** Options of Linear. */
export interface LinearOptions extends LayerOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** How the weight starts (default "glorotUniform"; "heNormal" suits ReLU nets). The bias starts at zero. */
  init?: InitializerName;
}

/**
 * y = x·W + b, with W of shape [in, out].
 * @example
 * const layer = new nb.nn.Linear(3, 2, { seed: 0 });
 * layer.forward(nb.ones([5, 3])).shape; // => [5, 2]
 * Object.keys(layer.parameters()); // => ["weight", "bias"]
 */
export class Linear extends Module {
  weight: Tensor;
  bias?: Tensor;
  readonly init: InitializerName;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    checkSize(inFeatures, "Linear", "inFeatures");
    checkSize(outFeatures, "Linear", "outFeatures");
    this.init = options.init ?? "glorotUniform";
    this.weight = initializerNamed(this.init)([inFeatures, outFeatures], options);
    if (options.bias ?? true) this.bias = zeros([outFeatures], options);
  }

  forward(x: Tensor): Tensor {
    const y = matmul(x, this.weight);
    return this.bias ? add(y, this.bias) : y;
  }

  config(): ModuleConfig {
    return { type: "Linear", inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== undefined, init: this.init };
  }
}

/**
 * Applies layers in order.
 * @example
 * const net = new nb.nn.Sequential(new nb.nn.Linear(4, 8, { seed: 0 }), new nb.nn.Tanh(), new nb.nn.Linear(8, 1, { seed: 1 }));
 * net.forward(nb.ones([2, 4])).shape; // => [2, 1]
 */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, layer) => layer.forward(h), x);
  }

  config(): ModuleConfig {
    return { type: "Sequential", layers: this.layers.map((l) => l.config()) };
  }
}

/**
 * x + inner(x): the identity path carries the gradient past the inner layers (He et al. 2016).
 * @example
 * const block = new nb.nn.Residual(new nb.nn.Linear(2, 2, { init: "zeros" }));
 * block.forward(nb.tensor([[1, 2]])).toArray(); // => [[1, 2]]
 */
export class Residual extends Module {
  constructor(readonly inner: Module) {
    super();
  }

  forward(x: Tensor): Tensor {
    return add(x, this.inner.forward(x));
  }

  config(): ModuleConfig {
    return { type: "Residual", inner: this.inner.config() };
  }
}

/** An elementwise activation; the named subclasses below are the public ones. */
abstract class Activation extends Module {
  protected abstract apply(x: Tensor): Tensor;

  forward(x: Tensor): Tensor {
    const y = this.apply(x);
    reportActivation(this, y);
    return y;
  }
}

/**
 * max(0, x); relu′(0) = 0.
 * @example
 * new nb.nn.ReLU().forward(nb.tensor([-1, 2])).toArray(); // => [0, 2]
 */
export class ReLU extends Activation {
  protected apply(x: Tensor): Tensor {
    return relu(x);
  }
  config(): ModuleConfig {
    return { type: "ReLU" };
  }
}

/**
 * x for x > 0, else αx (α = 0.01 by default).
 * @example
 * new nb.nn.LeakyReLU(0.1).forward(nb.tensor([-1, 2])).toArray(); // => [-0.1, 2]
 */
export class LeakyReLU extends Activation {
  constructor(readonly alpha = 0.01) {
    super();
  }
  protected apply(x: Tensor): Tensor {
    return leakyRelu(x, this.alpha);
  }
  config(): ModuleConfig {
    return { type: "LeakyReLU", alpha: this.alpha };
  }
}

/**
 * The logistic function 1 / (1 + e⁻ˣ), computed stably.
 * @example
 * new nb.nn.Sigmoid().forward(nb.tensor([0])).toArray(); // => [0.5]
 */
export class Sigmoid extends Activation {
  protected apply(x: Tensor): Tensor {
    return sigmoid(x);
  }
  config(): ModuleConfig {
    return { type: "Sigmoid" };
  }
}

/**
 * The hyperbolic tangent.
 * @example
 * new nb.nn.Tanh().forward(nb.tensor([0])).toArray(); // => [0]
 */
export class Tanh extends Activation {
  protected apply(x: Tensor): Tensor {
    return tanh(x);
  }
  config(): ModuleConfig {
    return { type: "Tanh" };
  }
}

/**
 * x·Φ(x), exact (by erf) or with `approximate: "tanh"`.
 * @example
 * Math.abs(new nb.nn.GELU().forward(nb.tensor([1])).item() - 0.8413447460685429) < 1e-15; // => true
 */
export class GELU extends Activation {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
  }
  protected apply(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
  config(): ModuleConfig {
    return { type: "GELU", approximate: this.approximate };
  }
}

/**
 * x·σ(x) (swish).
 * @example
 * new nb.nn.SiLU().forward(nb.tensor([0])).toArray(); // => [0]
 */
export class SiLU extends Activation {
  protected apply(x: Tensor): Tensor {
    return silu(x);
  }
  config(): ModuleConfig {
    return { type: "SiLU" };
  }
}

/**
 * log(1 + eˣ), computed stably.
 * @example
 * new nb.nn.Softplus().forward(nb.tensor([0])).toArray(); // => [Math.LN2]
 */
export class Softplus extends Activation {
  protected apply(x: Tensor): Tensor {
    return softplus(x);
  }
  config(): ModuleConfig {
    return { type: "Softplus" };
  }
}

/**
 * softmax along an axis (the last by default). For training a classifier, leave it out and
 * use `softmaxCrossEntropy` on the logits, which is more accurate.
 * @example
 * new nb.nn.Softmax().forward(nb.tensor([[0, 0]])).toArray(); // => [[0.5, 0.5]]
 */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
  config(): ModuleConfig {
    return { type: "Softmax", axis: this.axis };
  }
}

/**
 * Inverted dropout with an explicit key: each element of x is zeroed with probability `rate`
 * and the rest scaled by 1/(1 − rate); the mask depends only on (key, x's shape), so this
 * works inside `nb.jit` (pass the key as an argument of the compiled function).
 * @example
 * const y = nb.nn.dropout(nb.ones([1000]), 0.5, nb.random.key(0)).values();
 * y.every((v) => v === 0 || v === 2); // => true
 * Math.abs(y.filter((v) => v === 0).length - 500) < 80; // => true
 */
export function dropout(x: Tensor, rate: number, key: Tensor): Tensor {
  checkRate(rate);
  if (rate === 0) return x;
  const keep = 1 - rate;
  return div(mul(x, bernoulli(key, keep, [...x.shape], { dtype: x.dtype })), keep);
}

function checkRate(rate: number): void {
  if (!(rate >= 0 && rate < 1)) throw new NablaError(`Dropout: rate must be in [0, 1), got ${rate}`);
}

/**
 * Inverted dropout: in training mode each element is zeroed with probability `rate` and the
 * rest scaled by 1/(1 − rate), so evaluation mode is the identity. The mask comes from, in
 * order: the key passed as `forward(x, { key })`; the current key of `nb.nn.withKey` (how
 * `fit` and `trainingStep` feed every step its own key, so a model with dropout compiles
 * under jit); else the layer's own seeded stream, one fresh mask per call (eager only).
 * @example
 * const drop = new nb.nn.Dropout(0.5, { seed: 0 });
 * const y = drop.forward(nb.ones([1000])).values();
 * y.every((v) => v === 0 || v === 2); // => true
 * drop.forward(nb.ones([4]), { key: nb.random.key(1) }).toArray(); // => nb.nn.dropout(nb.ones([4]), 0.5, nb.random.key(1)).toArray()
 * drop.eval().forward(nb.ones([3])).toArray(); // => [1, 1, 1]
 */
export class Dropout extends Module {
  private stream: { random: Random };

  constructor(readonly rate: number, readonly options: { seed?: number } = {}) {
    super();
    checkRate(rate);
    this.stream = { random: options.seed === undefined ? randomFor(undefined) : new Random(options.seed) };
  }

  forward(x: Tensor, options: { key?: Tensor } = {}): Tensor {
    if (!this.training || this.rate === 0) return x;
    const key = options.key ?? nextLayerKey();
    if (key !== undefined) return dropout(x, this.rate, key);
    if (jitTracing()) {
      throw new TracedValueError("Dropout under jit needs a key: call forward(x, { key }) or run the model inside nb.nn.withKey(key, …) with the key an argument of the jitted function");
    }
    const keep = 1 - this.rate;
    const mask = new Float64Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.stream.random.uniform() < keep ? 1 : 0;
    return div(mul(x, new ArrayTensor(mask, x.shape)), keep);
  }

  config(): ModuleConfig {
    return { type: "Dropout", rate: this.rate, ...(this.options.seed === undefined ? {} : { seed: this.options.seed }) };
  }

  protected override detachState(): void {
    // A fork seeded from the stream: the copy's masks are reproducible and its own.
    this.stream = { random: new Random(Math.floor(this.stream.random.uniform() * 2 ** 32)) };
  }
}

/**
 * A lookup table: integer indices of any shape [...] give vectors [..., dim]. Weights start N(0, 1).
 * @example
 * const emb = new nb.nn.Embedding(10, 4, { seed: 0 });
 * emb.forward(nb.tensor([[1, 2, 3], [4, 5, 6]])).shape; // => [2, 3, 4]
 */
export class Embedding extends Module {
  weight: Tensor;

  constructor(readonly numEmbeddings: number, readonly dim: number, options: LayerOptions = {}) {
    super();
    checkSize(numEmbeddings, "Embedding", "numEmbeddings");
    checkSize(dim, "Embedding", "dim");
    this.weight = randn([numEmbeddings, dim], options);
  }

  forward(indices: Tensor): Tensor {
    return gather(this.weight, indices, 0);
  }

  config(): ModuleConfig {
    return { type: "Embedding", numEmbeddings: this.numEmbeddings, dim: this.dim };
  }
}

/**
 * Adds a learned vector per position to a sequence [..., length, dim] (length ≤ maxLength),
 * so attention, which is blind to order, can tell positions apart. Starts N(0, 0.02²) as in GPT-2.
 * @example
 * const pos = new nb.nn.PositionalEmbedding(16, 4, { seed: 0 });
 * pos.forward(nb.zeros([2, 5, 4])).shape; // => [2, 5, 4]
 */
export class PositionalEmbedding extends Module {
  weight: Tensor;

  constructor(readonly maxLength: number, readonly dim: number, options: LayerOptions = {}) {
    super();
    checkSize(maxLength, "PositionalEmbedding", "maxLength");
    checkSize(dim, "PositionalEmbedding", "dim");
    this.weight = mul(randn([maxLength, dim], options), 0.02);
  }

  forward(x: Tensor): Tensor {
    const length = x.shape[x.ndim - 2] ?? 0;
    if (x.ndim < 2 || length > this.maxLength || x.shape[x.ndim - 1] !== this.dim) {
      throw new NablaError(`PositionalEmbedding: expected [..., length ≤ ${this.maxLength}, ${this.dim}], got [${x.shape.join(", ")}]`);
    }
    return add(x, slice(this.weight, [0, 0], [length, this.dim]));
  }

  config(): ModuleConfig {
    return { type: "PositionalEmbedding", maxLength: this.maxLength, dim: this.dim };
  }
}

/** Rejects a size that is not a positive integer, naming the layer and argument. */
export function checkSize(n: number, layer: string, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new NablaError(`${layer}: ${what} must be a positive integer, got ${n}`);
}
