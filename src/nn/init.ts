/**
 * Weight initialisers, seeded. Fans follow Keras: for a weight of shape [..., in, out] (a
 * Linear weight is [in, out]) the receptive field is the product of the leading axes,
 * fanIn = in·field and fanOut = out·field.
 */
import { tensor } from "../tensor/create.js";
import type { DType } from "../tensor/dtype.js";
import { NablaError } from "../tensor/errors.js";
import { type Shape, formatShape, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { randomFor } from "../tensor/random.js";

/** Options shared by the initialisers. */
export interface InitOptions {
  /** The same seed gives the same weights; without one the global stream (`nb.seed`) is used. */
  seed?: number;
  dtype?: DType;
  /** Multiplies the standard deviation (orthogonal: the matrix); defaults are each scheme's own. */
  gain?: number;
}

/** An initialiser: a shape and options to a Tensor. */
export type Initializer = (shape: Shape, options?: InitOptions) => Tensor;

/** The initialisers by name, as layers accept them (`{init: "heNormal"}`) and model files record them. */
export type InitializerName = "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal" | "orthogonal" | "zeros";

function fans(shape: Shape, where: string): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new NablaError(`${where}: needs a weight of at least 2 axes ([in, out]), got ${formatShape(shape)}`);
  const field = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2]! * field, fanOut: shape[shape.length - 1]! * field };
}

function sample(shape: Shape, options: InitOptions, draw: (u: () => number, n: () => number) => number): Tensor {
  const random = randomFor(options.seed);
  const values = Array.from({ length: sizeOf(shape) }, () => draw(() => random.uniform(), () => random.normal()));
  return tensor(values, { shape: [...shape], dtype: options.dtype });
}

const uniform = (shape: Shape, bound: number, options: InitOptions): Tensor => sample(shape, options, (u) => (2 * u() - 1) * bound);
const normal = (shape: Shape, std: number, options: InitOptions): Tensor => sample(shape, options, (_, n) => n() * std);

/**
 * Glorot (Xavier) uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)), which keeps the
 * variance of activations and gradients about equal across layers (Glorot & Bengio 2010).
 * @example
 * const w = nb.nn.glorotUniform([300, 200], { seed: 0 });
 * Math.max(...w.values()) <= Math.sqrt(6 / 500); // => true
 */
export function glorotUniform(shape: Shape, options: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = fans(shape, "glorotUniform");
  return uniform(shape, (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut)), options);
}

/**
 * Glorot (Xavier) normal: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)).
 * @example
 * const w = nb.nn.glorotNormal([400, 400], { seed: 0 });
 * Math.abs(nb.variance(w).item() - 2 / 800) < 1e-4; // => true
 */
export function glorotNormal(shape: Shape, options: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = fans(shape, "glorotNormal");
  return normal(shape, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/**
 * He (Kaiming) uniform: U(−a, a) with a = gain·√(3 / fanIn), gain √2 by default (for ReLU;
 * He et al. 2015), so the variance is 2 / fanIn.
 * @example
 * const w = nb.nn.heUniform([200, 300], { seed: 0 });
 * Math.max(...w.values()) <= Math.sqrt(6 / 200); // => true
 */
export function heUniform(shape: Shape, options: InitOptions = {}): Tensor {
  const { fanIn } = fans(shape, "heUniform");
  return uniform(shape, (options.gain ?? Math.SQRT2) * Math.sqrt(3 / fanIn), options);
}

/**
 * He (Kaiming) normal: N(0, σ²) with σ = gain / √fanIn, gain √2 by default.
 * @example
 * const w = nb.nn.heNormal([400, 400], { seed: 0 });
 * Math.abs(nb.variance(w).item() - 2 / 400) < 2e-4; // => true
 */
export function heNormal(shape: Shape, options: InitOptions = {}): Tensor {
  const { fanIn } = fans(shape, "heNormal");
  return normal(shape, (options.gain ?? Math.SQRT2) / Math.sqrt(fanIn), options);
}

/**
 * A (semi-)orthogonal matrix times gain (Saxe et al. 2014): the weight, flattened to
 * [rows, out], has orthonormal columns (rows ≥ out) or rows (rows < out). Drawn as the Q
 * factor of a Gaussian matrix, with the signs fixed so that the distribution is uniform.
 * @example
 * const q = nb.nn.orthogonal([3, 3], { seed: 0 });
 * (nb.matmul(nb.transpose(q), q).toArray() as number[][]).flat().map((v) => Math.round(v * 1e12) / 1e12); // => [1, 0, 0, 0, 1, 0, 0, 0, 1]
 */
export function orthogonal(shape: Shape, options: InitOptions = {}): Tensor {
  fans(shape, "orthogonal");
  const cols = shape[shape.length - 1]!;
  const rows = sizeOf(shape) / cols;
  const [tall, wide] = rows >= cols ? [rows, cols] : [cols, rows];
  const random = randomFor(options.seed);
  // Modified Gram–Schmidt on the columns of a tall Gaussian matrix; each column's sign is
  // that of R's diagonal entry, which is what makes Q Haar-distributed (Mezzadri 2007).
  const q: number[][] = Array.from({ length: wide }, () => Array.from({ length: tall }, () => random.normal()));
  for (let j = 0; j < wide; j++) {
    const v = q[j]!;
    for (let k = 0; k < j; k++) {
      const u = q[k]!;
      const d = v.reduce((s, x, i) => s + x * u[i]!, 0);
      for (let i = 0; i < tall; i++) v[i]! -= d * u[i]!;
    }
    const n = Math.hypot(...v);
    for (let i = 0; i < tall; i++) v[i]! /= n;
  }
  const gain = options.gain ?? 1;
  // q[j] is column j of the tall matrix; a wide weight is its transpose.
  const values = rows >= cols
    ? Array.from({ length: rows * cols }, (_, f) => gain * q[f % cols]![Math.floor(f / cols)]!)
    : Array.from({ length: rows * cols }, (_, f) => gain * q[Math.floor(f / cols)]![f % cols]!);
  return tensor(values, { shape: [...shape], dtype: options.dtype });
}

/**
 * All zeros (biases; also a weight that should start as the identity of a residual branch).
 * @example
 * nb.nn.zeros([2, 2]).toArray(); // => [[0, 0], [0, 0]]
 */
export function zeros(shape: Shape, options: InitOptions = {}): Tensor {
  return tensor(new Array<number>(sizeOf(shape)).fill(0), { shape: [...shape], dtype: options.dtype });
}

const initializers: Record<InitializerName, Initializer> = { glorotUniform, glorotNormal, heUniform, heNormal, orthogonal, zeros };

/** The initialiser of a name (as a layer's `init` option gives it), with a clear error for an unknown one. */
export function initializerNamed(name: string): Initializer {
  const init = Object.hasOwn(initializers, name) ? initializers[name as InitializerName] : undefined;
  if (!init) throw new NablaError(`unknown initialiser "${name}"; use one of ${Object.keys(initializers).join(", ")}`);
  return init;
}
