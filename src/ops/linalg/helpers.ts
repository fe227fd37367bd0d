/** Small matrix helpers shared by the linalg primitives' kernels and rules (all nabla ops). */
import { backend } from "../../backend/registry.js";
import type { DType } from "../../tensor/dtype.js";
import { NablaError } from "../../tensor/errors.js";
import { type Shape, formatShape } from "../../tensor/shape.js";
import { ArrayTensor, type Tensor } from "../../tensor/tensor.js";
import { bind } from "../core.js";
import { add, mul } from "../primitives/elementwise.js";
import { matmulP, matrixTranspose } from "../primitives/linalg.js";
import { sum } from "../primitives/reduce.js";
import { reshape, slice, transpose } from "../primitives/shape.js";

export { matrixTranspose as mT };

/** Batched matrix product of rank ≥ 2 operands. */
export const mm = (a: Tensor, b: Tensor): Tensor => bind(matmulP, [a, b], undefined);

/** The symmetric part (X + Xᵀ)/2. */
export const sym = (x: Tensor): Tensor => mul(add(x, matrixTranspose(x)), 0.5);

/** An n×n constant matrix with entries f(i, j). */
export function constantMatrix(n: number, m: number, f: (i: number, j: number) => number, dtype: DType = "float64"): Tensor {
  const data = dtype === "float32" ? new Float32Array(n * m) : new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) data[i * m + j] = f(i, j);
  return new ArrayTensor(data, [n, m]);
}

export const identity = (n: number, dtype: DType = "float64"): Tensor => constantMatrix(n, n, (i, j) => (i === j ? 1 : 0), dtype);

/** The last axis' length of x (its matrices' column count). */
export const cols = (x: Tensor): number => x.shape[x.ndim - 1]!;
export const rows = (x: Tensor): number => x.shape[x.ndim - 2]!;

/** Keeps the lower (or upper) triangle, diagonal included, with the diagonal scaled by `diagonal`. */
export function triangle(x: Tensor, lower: boolean, diagonal = 1): Tensor {
  const n = cols(x);
  return mul(x, constantMatrix(n, n, (i, j) => (i === j ? diagonal : (lower ? j < i : j > i) ? 1 : 0)));
}

/** Strictly lower triangle. */
export const strictLower = (x: Tensor): Tensor => triangle(x, true, 0);

/** The diagonals [..., n] of a batch of n×n matrices. */
export const diagPart = (x: Tensor): Tensor => sum(mul(x, identity(cols(x))), -1);

/** Diagonal matrices [..., n, n] from [..., n]. */
export function diagEmbed(v: Tensor): Tensor {
  const n = cols(v);
  return mul(reshape(v, [...v.shape.slice(0, -1), 1, n]), identity(n));
}

/** Rows [start, start + count) of each matrix. */
export function rowBlock(x: Tensor, start: number, count: number): Tensor {
  return slice(x, x.shape.map((_, i) => (i === x.ndim - 2 ? start : 0)), x.shape.map((d, i) => (i === x.ndim - 2 ? count : d)));
}

/** Columns [start, start + count) of each matrix. */
export function colBlock(x: Tensor, start: number, count: number): Tensor {
  return slice(x, x.shape.map((_, i) => (i === x.ndim - 1 ? start : 0)), x.shape.map((d, i) => (i === x.ndim - 1 ? count : d)));
}

/** Scales column j of each matrix by v[..., j]. */
export const scaleColumns = (x: Tensor, v: Tensor): Tensor => mul(x, reshape(v, [...v.shape.slice(0, -1), 1, cols(v)]));

/** Throws unless x is a batch of square matrices. */
export function requireSquare(op: string, x: Tensor): number {
  if (x.ndim < 2 || rows(x) !== cols(x)) {
    throw new NablaError(`${op}: expected a square matrix or a batch of them ([..., n, n]), got shape ${formatShape(x.shape)}`);
  }
  return cols(x);
}

/** Throws unless x has at least two axes. */
export function requireMatrix(op: string, x: Tensor): void {
  if (x.ndim < 2) throw new NablaError(`${op}: expected a matrix or a batch of them ([..., m, n]), got shape ${formatShape(x.shape)}`);
}

/** Throws a NablaError naming the first NaN or infinite entry of a concrete input. */
export function requireFinite(op: string, x: ArrayTensor): void {
  // A NaN or ±∞ entry makes its row's sum NaN or infinite, so finite row sums (one pass of the
  // backend's vectorised row reduction) clear the input; the entry-by-entry scan only runs to
  // name the culprit, or to find none when finite entries merely overflowed a sum.
  if (x.ndim > 0 && backend().reduce("sum", x, [x.ndim - 1]).contiguousData(false).every(Number.isFinite)) return;
  const d = x.contiguousData(false);
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const at = unravel(i, x.shape);
      throw new NablaError(`${op}: entry [${at.join(", ")}] of the input ${formatShape(x.shape)} is ${d[i]}; linear algebra needs finite entries`);
    }
  }
}

function unravel(flat: number, shape: Shape): number[] {
  const out = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = flat % shape[i]!;
    flat = Math.floor(flat / shape[i]!);
  }
  return out;
}

/** Which matrix of a batch the flat index `matrix` is, for messages ("" for a single matrix). */
export function batchLabel(shape: Shape, matrix: number): string {
  const lead = shape.slice(0, -2);
  return lead.length === 0 ? "" : ` (matrix [${unravel(matrix, lead).join(", ")}] of the batch)`;
}

/** A concrete tensor seen with shape `shape` by numpy broadcasting (stride-0 views, no copy). */
export function broadcastView(x: ArrayTensor, shape: Shape): ArrayTensor {
  const lead = shape.length - x.ndim;
  const strides = shape.map((_, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.strides[i - lead]!));
  return new ArrayTensor(x.data, shape, strides, x.offset);
}

/**
 * A batching rule for primitives that already batch over (broadcast) leading axes: moves each
 * mapped axis to the front, gives every operand the same number of batch axes (an unmapped one
 * gets a leading 1, so it broadcasts over the mapped axis), applies the primitive, and reports
 * the output's mapped axis as 0. `coreRanks[i]` is how many trailing axes input i's core has.
 */
export function leadingAxisBatch<P>(coreRanks: readonly number[], apply: (xs: readonly Tensor[], params: P) => Tensor) {
  return (inputs: readonly Tensor[], axes: readonly (number | null)[], params: P): readonly [Tensor, number | null] => {
    const batchRank = (i: number): number => inputs[i]!.ndim - coreRanks[i]! - (axes[i] === null ? 0 : 1);
    const rank = Math.max(...inputs.map((_, i) => batchRank(i)));
    const aligned = inputs.map((x, i) => {
      const ax = axes[i];
      const pad = new Array<number>(rank - batchRank(i)).fill(1);
      if (ax === null || ax === undefined) return reshape(x, [1, ...pad, ...x.shape]);
      const perm = [ax, ...x.shape.map((_, k) => k).filter((k) => k !== ax)];
      const moved = transpose(x, perm);
      return reshape(moved, [moved.shape[0]!, ...pad, ...moved.shape.slice(1)]);
    });
    return [apply(aligned, params), 0];
  };
}
