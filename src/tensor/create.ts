import { type DType, type TypedArray, DEFAULT_DTYPE, allocate, checkDType, checkTensorSize, dtypeOf } from "./dtype.js";
import { NablaError } from "./errors.js";
import { type Shape, checkShape, formatShape, sizeOf } from "./shape.js";
import { ArrayTensor, type NestedArray, Tensor } from "./tensor.js";
import { randomFor } from "./random.js";

/** Anything nabla accepts where a tensor is expected: a Tensor, a number, nested arrays or a typed array. */
export type TensorLike = Tensor | NestedArray | TypedArray | readonly NestedTensors[];

/** Options for creating a tensor. */
export interface CreateOptions {
  /** Element type; float64 unless given. */
  dtype?: DType;
}

/** Options for random tensors. */
export interface RandomOptions extends CreateOptions {
  /** The same seed gives the same numbers on every run; without one, a global stream is used. */
  seed?: number;
}

/**
 * Creates a tensor from a number, nested arrays, a typed array or another tensor (copied).
 *
 * @example
 * nb.tensor([[1, 2, 3], [4, 5, 6]]).shape; // => [2, 3]
 * nb.tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray(); // => [[1, 2], [3, 4]]
 * nb.tensor([0.5], { dtype: "float32" }).dtype; // => "float32"
 */
export function tensor(data: TensorLike, options: CreateOptions & { shape?: number[] } = {}): Tensor {
  const dtype = options.dtype === undefined ? undefined : checkDType(options.dtype, "tensor");
  let t: ArrayTensor;
  if (data instanceof Tensor) {
    const c = data.concrete();
    t = new ArrayTensor(toDType(c.contiguousData(true), dtype ?? c.dtype), c.shape);
  } else if (data instanceof Float64Array || data instanceof Float32Array) {
    t = new ArrayTensor(toDType(data.slice(), dtype ?? dtypeOf(data)), [data.length]);
  } else if (Array.isArray(data) && containsTensor(data)) {
    const stacked = stackNested(data as readonly NestedTensors[], dtype ?? DEFAULT_DTYPE);
    if (options.shape !== undefined) throw new NablaError("tensor: shape cannot be given for an array of Tensors; reshape the result");
    return stacked;
  } else {
    const shape = inferShape(data);
    const out = allocate(dtype ?? DEFAULT_DTYPE, sizeOf(shape));
    fillFlat(data as NestedArray, out);
    t = new ArrayTensor(out, shape);
  }
  if (options.shape === undefined) return t;
  const shape = checkShape(options.shape, "tensor");
  if (sizeOf(shape) !== t.size) {
    throw new NablaError(`tensor: ${t.size} values cannot fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
  return new ArrayTensor(t.data, shape);
}

/**
 * Converts a TensorLike to a Tensor without copying a Tensor; numbers become rank-0
 * tensors of `dtype` (so a JS number takes the dtype of the tensor it meets).
 */
export function toTensor(x: TensorLike, dtype: DType = DEFAULT_DTYPE): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return new ArrayTensor(dtype === "float64" ? Float64Array.of(x) : Float32Array.of(x), []);
  if (Array.isArray(x) && containsTensor(x)) return stackNested(x, dtype);
  return tensor(x, { dtype: Array.isArray(x) ? dtype : undefined });
}

/** Arrays that mix numbers and Tensors (tracers, say) are stacked by the ops layer, so derivatives flow through them. */
export type NestedTensors = Tensor | number | readonly NestedTensors[];

let stackNested: (x: readonly NestedTensors[], dtype: DType) => Tensor = () => {
  throw new NablaError("tensor: arrays of Tensors need the ops layer; import nabla from its package root");
};

/** Installed by the ops layer: how an array holding Tensors becomes one Tensor. */
export function setStackNested(f: typeof stackNested): void {
  stackNested = f;
}

function containsTensor(x: unknown): boolean {
  return x instanceof Tensor || (Array.isArray(x) && x.some(containsTensor));
}

function toDType(data: TypedArray, dtype: DType): TypedArray {
  if (dtypeOf(data) === dtype) return data;
  return dtype === "float64" ? Float64Array.from(data) : Float32Array.from(data);
}

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let probe = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  checkShape(shape, "tensor");
  validate(data, shape, 0, []);
  return shape;
}

function validate(node: unknown, shape: number[], depth: number, path: number[]): void {
  const where = path.length ? `at index [${path.join("][")}]` : "at the top level";
  if (depth === shape.length) {
    if (typeof node !== "number") {
      const got = Array.isArray(node) ? "an array" : node === null ? "null" : typeof node;
      throw new NablaError(`tensor: ragged or non-numeric nested array: expected a number ${where}, got ${got}`);
    }
    return;
  }
  if (!Array.isArray(node) || node.length !== shape[depth]) {
    const got = Array.isArray(node) ? `length ${node.length}` : `a ${node === null ? "null" : typeof node}`;
    throw new NablaError(
      `tensor: ragged nested array: expected an array of length ${shape[depth]} (as the first one at this depth) ${where}, got ${got}`,
    );
  }
  for (let i = 0; i < node.length; i++) validate(node[i], shape, depth + 1, [...path, i]);
}

function fillFlat(data: NestedArray, out: TypedArray): void {
  let k = 0;
  const walk = (node: NestedArray): void => {
    if (typeof node === "number") out[k++] = node;
    else for (const child of node) walk(child);
  };
  walk(data);
}

function filled(shape: Shape, value: number, options: CreateOptions, where: string): Tensor {
  const s = checkShape(shape, where);
  const dtype = options.dtype === undefined ? DEFAULT_DTYPE : checkDType(options.dtype, where);
  checkTensorSize(sizeOf(s), dtype, where, s);
  const data = allocate(dtype, sizeOf(s), where);
  if (value !== 0) data.fill(value);
  return new ArrayTensor(data, s);
}

/**
 * A rank-0 tensor holding one number.
 *
 * @example
 * nb.scalar(2.5).shape; // => []
 * nb.scalar(2.5).item(); // => 2.5
 */
export function scalar(value: number, options: CreateOptions = {}): Tensor {
  return filled([], value, options, "scalar");
}

/**
 * A tensor of zeros.
 *
 * @example
 * nb.zeros([2, 3]).toArray(); // => [[0, 0, 0], [0, 0, 0]]
 */
export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled(shape, 0, options, "zeros");
}

/**
 * A tensor of ones.
 *
 * @example
 * nb.ones([3]).toArray(); // => [1, 1, 1]
 */
export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled(shape, 1, options, "ones");
}

/**
 * A tensor filled with one value.
 *
 * @example
 * nb.full([2], 7).toArray(); // => [7, 7]
 */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  return filled(shape, value, options, "full");
}

/**
 * The n×n identity matrix.
 *
 * @example
 * nb.eye(2).toArray(); // => [[1, 0], [0, 1]]
 */
export function eye(n: number, options: CreateOptions = {}): Tensor {
  const t = filled([n, n], 0, options, "eye") as ArrayTensor;
  for (let i = 0; i < n; i++) t.data[i * n + i] = 1;
  identityStorage.add(t.data);
  return t;
}

/** Storage that eye filled (storage is never written after creation, so it stays an identity). */
const identityStorage = new WeakSet<TypedArray>();

/**
 * True when x is an identity matrix made by eye, or a transposed view or 2-D reshape of
 * one: matmul returns the other operand instead of multiplying by it (jacfwd and hessian
 * seed their tangents with eye, and the first product A·I would cost a whole GEMM).
 */
export function isIdentity(x: Tensor): boolean {
  if (!(x instanceof ArrayTensor) || x.ndim !== 2 || !identityStorage.has(x.data)) return false;
  const [n, m] = x.shape as [number, number];
  const [r, c] = x.strides as [number, number];
  return n === m && x.offset === 0 && x.data.length === n * n && ((r === n && c === 1) || (r === 1 && c === n) || n === 1);
}

/**
 * Evenly spaced values in [start, stop) with the given step; `arange(n)` is 0..n-1.
 *
 * @example
 * nb.arange(4).toArray(); // => [0, 1, 2, 3]
 * nb.arange(1, 2, 0.25).toArray(); // => [1, 1.25, 1.5, 1.75]
 */
export function arange(start: number, stop?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new NablaError(`arange: step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const t = filled([n], 0, options, "arange") as ArrayTensor;
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return t;
}

/**
 * n evenly spaced values from a to b, both ends included.
 *
 * @example
 * nb.linspace(0, 1, 5).toArray(); // => [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(a: number, b: number, n: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new NablaError(`linspace: n must be a non-negative integer, got ${n}`);
  const t = filled([n], 0, options, "linspace") as ArrayTensor;
  for (let i = 0; i < n; i++) t.data[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  return t;
}

/**
 * Standard normal samples; the same seed gives the same numbers everywhere.
 *
 * @example
 * const a = nb.randn([3], { seed: 42 });
 * const b = nb.randn([3], { seed: 42 });
 * nb.equal(a, b).toArray(); // => [1, 1, 1]
 */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  const t = filled(shape, 0, options, "randn") as ArrayTensor;
  const rng = randomFor(options.seed);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
}

/**
 * Uniform samples in [0, 1); the same seed gives the same numbers everywhere.
 *
 * @example
 * const u = nb.rand([1000], { seed: 1 });
 * u.min().item() >= 0 && u.max().item() < 1; // => true
 */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  const t = filled(shape, 0, options, "rand") as ArrayTensor;
  const rng = randomFor(options.seed);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform();
  return t;
}

/**
 * Zeros with the shape and dtype of x.
 *
 * @example
 * nb.zerosLike(nb.ones([2], { dtype: "float32" })).dtype; // => "float32"
 */
export function zerosLike(x: TensorLike): Tensor {
  const t = toTensor(x);
  return zeros(t.shape, { dtype: t.dtype });
}

/**
 * Ones with the shape and dtype of x.
 *
 * @example
 * nb.onesLike([[1, 2]]).toArray(); // => [[1, 1]]
 */
export function onesLike(x: TensorLike): Tensor {
  const t = toTensor(x);
  return ones(t.shape, { dtype: t.dtype });
}

/** The standard basis tensor: zeros of `shape` with a 1 at row-major position `index`. */
export function basisTensor(shape: Shape, index: number, dtype: DType = DEFAULT_DTYPE): Tensor {
  const t = filled(shape, 0, { dtype }, "basisTensor") as ArrayTensor;
  t.data[index] = 1;
  return t;
}
