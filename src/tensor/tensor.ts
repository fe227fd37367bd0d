import { type DType, type TypedArray, dtypeOf } from "./dtype.js";
import { type Shape, contiguousStrides, sizeOf } from "./shape.js";
import { NablaError } from "./errors.js";
import { formatTensor } from "./format.js";

/** Nested JS arrays of numbers, as `toArray()` returns and `nb.tensor` accepts. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array of float64 (default) or float32 numbers.
 *
 * Inside a transform such as `nb.grad`, the value a function receives is a tracer: it
 * behaves as a Tensor and carries derivative information. Reading its numbers
 * (`values`, `item`, `toArray`) gives the current value and is fine for control flow.
 * Every op in `nb` is also a method: `a.add(b)` is `nb.add(a, b)`.
 *
 * @example
 * const t = nb.tensor([[1, 2], [3, 4]]);
 * t.shape; // => [2, 2]
 * t.dtype; // => "float64"
 * t.mul(2).toArray(); // => [[2, 4], [6, 8]]
 */
export abstract class Tensor {
  /** Length along each axis. Shared between tensors: never mutate it. */
  abstract readonly shape: Shape;
  abstract readonly dtype: DType;
  /** 0 for a concrete tensor; the nesting level of its transform for a tracer. */
  abstract readonly level: number;
  /** The concrete value (for a tracer, its primal with all derivative levels removed). */
  abstract concrete(): ArrayTensor;

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** A fresh contiguous row-major copy of the elements. */
  values(): TypedArray {
    return this.concrete().contiguousData(true);
  }

  /** The elements as nested JS arrays, or a number for a rank-0 tensor. */
  toArray(): NestedArray {
    const data = this.concrete().contiguousData(false);
    const shape = this.shape;
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === shape.length) return data[offset]!;
      const stride = sizeOf(shape.slice(axis + 1));
      return Array.from({ length: shape[axis]! }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** The single element of a tensor of size 1, as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new NablaError(`item: only a tensor with exactly one element converts to a number; this one has shape [${this.shape.join(", ")}] (${this.size} elements)`);
    }
    return this.concrete().contiguousData(false)[0]!;
  }

  toString(): string {
    return formatTensor(this.shape, this.dtype, this.concrete().contiguousData(false));
  }
}

/**
 * A tensor with storage: a typed array viewed through shape, strides and offset, so that
 * reshape, transpose and slice can share memory. Storage is never written after creation.
 */
export class ArrayTensor extends Tensor {
  readonly dtype: DType;
  readonly contiguous: boolean;

  constructor(
    readonly data: TypedArray,
    readonly shape: Shape,
    readonly strides: readonly number[] = contiguousStrides(shape),
    readonly offset = 0,
  ) {
    super();
    this.dtype = dtypeOf(data);
    this.contiguous = isContiguous(shape, strides);
  }

  get level(): number {
    return 0;
  }

  concrete(): ArrayTensor {
    return this;
  }

  /** Row-major elements; a copy when `copy` is true or the view is not contiguous. */
  contiguousData(copy: boolean): TypedArray {
    const n = sizeOf(this.shape);
    if (this.contiguous) {
      if (!copy && this.offset === 0 && this.data.length === n) return this.data;
      return this.data.slice(this.offset, this.offset + n);
    }
    const out = this.dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    stridedCopy(this, out);
    return out;
  }
}

function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

/** Copies a strided view into a contiguous row-major array (an odometer over all but the last axis). */
export function stridedCopy(x: ArrayTensor, out: TypedArray): void {
  const { data } = x;
  // Axes of length 1 move nothing: dropping them keeps the inner loop long (a batch of
  // column vectors, [k, b, 1], copies as [k, b] rather than one element per row).
  const axes = x.shape.flatMap((d, i) => (d === 1 ? [] : [i]));
  const shape = axes.map((i) => x.shape[i]!);
  const strides = axes.map((i) => x.strides[i]!);
  const nd = shape.length;
  if (nd === 0) {
    out[0] = data[x.offset]!;
    return;
  }
  const n = sizeOf(shape);
  if (n === 0) return;
  const inner = shape[nd - 1]!;
  const innerStride = strides[nd - 1]!;
  const index = new Array<number>(nd).fill(0);
  let src = x.offset;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0, s = src; j < inner; j++, s += innerStride) out[o + j] = data[s]!;
    for (let ax = nd - 2; ax >= 0; ax--) {
      index[ax]!++;
      src += strides[ax]!;
      if (index[ax]! < shape[ax]!) break;
      src -= strides[ax]! * shape[ax]!;
      index[ax] = 0;
    }
  }
}

/** True when every element of `x` is the one at its offset (all non-trivial strides 0). */
export function isSingleValue(x: ArrayTensor): boolean {
  for (let i = 0; i < x.shape.length; i++) if (x.shape[i] !== 1 && x.strides[i] !== 0) return false;
  return true;
}
