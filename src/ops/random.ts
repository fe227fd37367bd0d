/**
 * `nb.random`: JAX-style splittable random keys. A key is a float64 tensor [2] holding two
 * unsigned 32-bit words; `split` and `foldIn` derive new keys and `uniform`, `normal` and
 * `bernoulli` draw from one, by Threefry-2x32 (../tensor/threefry.ts). A draw depends only
 * on its key and shape, never on a hidden stream, so it is the same eagerly, under `nb.jit`
 * (where it is one primitive of the program) and under `nb.vmap` (a batch of keys [..., 2]
 * draws one sample per key). Keys carry no derivative: every draw is a constant to grad.
 * @module
 */
import { bind } from "./core.js";
import { randomP } from "./primitives/random.js";
import { add, cast, less, mul } from "./primitives/elementwise.js";
import { NablaError } from "../tensor/errors.js";
import { type DType, DEFAULT_DTYPE, checkDType } from "../tensor/dtype.js";
import { type Shape, formatShape } from "../tensor/shape.js";
import { ArrayTensor, type Tensor } from "../tensor/tensor.js";
import { toTensor } from "../tensor/create.js";
import { seedWords } from "../tensor/threefry.js";

function checkKey(key: Tensor, where: string): Tensor {
  if (key.shape[key.ndim - 1] !== 2 || key.dtype !== "float64") {
    throw new NablaError(`${where}: a key is a float64 tensor [2] (or a batch [..., 2]) from nb.random.key, split or foldIn; got ${key.dtype} ${formatShape(key.shape)}`);
  }
  return key;
}

function checkWord(value: number, what: string, where: string): number {
  if (!(Number.isInteger(value) && value >= 0 && value < 2 ** 53)) {
    throw new NablaError(`${where}: ${what} must be an integer in [0, 2^53), got ${value}`);
  }
  return value;
}

function checkShape(shape: Shape, where: string): Shape {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new NablaError(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

/**
 * The key of an integer seed, JAX's `PRNGKey(seed)`: the words [⌊seed/2³²⌋, seed mod 2³²].
 * @example
 * nb.random.key(42).toArray(); // => [0, 42]
 */
export function key(seed: number): Tensor {
  return new ArrayTensor(Float64Array.from(seedWords(checkWord(seed, "the seed", "nb.random.key"))), [2]);
}

/**
 * `n` new keys [n, 2] from a key (or [..., n, 2] from a batch of keys), independent of each
 * other and of the key itself; the same words as JAX's `split`.
 * @example
 * nb.random.split(nb.random.key(0)).toArray(); // => [[4146024105, 967050713], [2718843009, 1272950319]]
 */
export function split(key: Tensor, n = 2): Tensor {
  if (!(Number.isInteger(n) && n >= 1)) throw new NablaError(`nb.random.split: n must be an integer ≥ 1, got ${n}`);
  return bind(randomP, [checkKey(key, "nb.random.split")], { kind: "split", count: n });
}

/**
 * A new key from a key and an integer (a step count, a layer index): different data give
 * independent keys, so a loop can derive step t's key without carrying a key along.
 * @example
 * const k = nb.random.key(0);
 * nb.random.foldIn(k, 1).toArray(); // => nb.random.foldIn(k, 1).toArray()
 * nb.random.foldIn(k, 1).values()[0] === nb.random.foldIn(k, 2).values()[0]; // => false
 */
export function foldIn(key: Tensor, data: number): Tensor {
  return bind(randomP, [checkKey(key, "nb.random.foldIn")], { kind: "foldIn", data: checkWord(data, "data", "nb.random.foldIn") });
}

/** Options of the draws. */
export interface DrawOptions {
  /** float64 (default) or float32. */
  dtype?: DType;
}

/**
 * Uniform numbers in [minval, maxval) (default [0, 1)) of the given shape, from a key.
 * float64 draws have 53 random bits, float32 ones 24.
 * @example
 * const k = nb.random.key(1);
 * nb.random.uniform(k, [3]).toArray(); // => nb.random.uniform(k, [3]).toArray()
 * nb.random.uniform(k, [1000], { minval: -1, maxval: 1 }).values().every((u) => u >= -1 && u < 1); // => true
 */
export function uniform(key: Tensor, shape: Shape = [], options: DrawOptions & { minval?: number; maxval?: number } = {}): Tensor {
  const dtype = checkDType(options.dtype ?? DEFAULT_DTYPE, "nb.random.uniform");
  const { minval = 0, maxval = 1 } = options;
  if (!(Number.isFinite(minval) && Number.isFinite(maxval) && minval < maxval)) {
    throw new NablaError(`nb.random.uniform: need finite minval < maxval, got [${minval}, ${maxval})`);
  }
  const u = bind(randomP, [checkKey(key, "nb.random.uniform")], { kind: "uniform", shape: checkShape(shape, "nb.random.uniform"), dtype });
  return minval === 0 && maxval === 1 ? u : add(mul(u, toTensor(maxval - minval, dtype)), toTensor(minval, dtype));
}

/**
 * Standard normal numbers of the given shape, from a key (Box–Muller on two uniforms).
 * @example
 * const z = nb.random.normal(nb.random.key(0), [10000]);
 * Math.abs(nb.mean(z).item()) < 0.05; // => true
 */
export function normal(key: Tensor, shape: Shape = [], options: DrawOptions = {}): Tensor {
  const dtype = checkDType(options.dtype ?? DEFAULT_DTYPE, "nb.random.normal");
  return bind(randomP, [checkKey(key, "nb.random.normal")], { kind: "normal", shape: checkShape(shape, "nb.random.normal"), dtype });
}

/**
 * 1 with probability p, else 0 (in `dtype`, default float64), of the given shape; `p` a
 * number in [0, 1] or a tensor that broadcasts to the shape.
 * @example
 * nb.random.bernoulli(nb.random.key(0), 1, [3]).toArray(); // => [1, 1, 1]
 */
export function bernoulli(key: Tensor, p: number | Tensor, shape: Shape = [], options: DrawOptions = {}): Tensor {
  if (typeof p === "number" && !(p >= 0 && p <= 1)) throw new NablaError(`nb.random.bernoulli: p must be in [0, 1], got ${p}`);
  const u = uniform(key, shape, options);
  return less(u, typeof p === "number" ? toTensor(p, u.dtype) : cast(p, u.dtype));
}
