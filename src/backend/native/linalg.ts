/**
 * The native backend's Cholesky, LU, LU solve, inverse, triangular solve, condition estimate
 * and bound: the batch loops of ../reference/linalg-kernels.ts around the addon's C++ kernels
 * (native/src/linalg.cc), which run the same blocked algorithms with the GEMM called from C++.
 * Like the reference they compute in float64 and return the input's dtype (LU factors stay
 * float64). Factorizations read their input where it lies and write into fresh memory that
 * is left uncleared (the kernels overwrite all of it), so no copy or zero-fill precedes them.
 */
import type { CholeskyResult, LUResult, LinalgKernels } from "../interface.js";
import { float64Copy, matrixDims, output } from "../reference/linalg-kernels.js";
import { type DType, allocateUninitialized } from "../../tensor/dtype.js";
import { ArrayTensor } from "../../tensor/tensor.js";

/** The addon's linear-algebra exports. Offsets count elements; each call works on one matrix. */
export interface NativeLinalgAddon {
  /** Factors a's matrix into out (which may be a); the failing pivot, or −1; the factor (or the pivot's value) is left in out. */
  choleskyF64(a: Float64Array, offset: number, out: Float64Array, outOffset: number, n: number): number;
  /** Factors a's matrix into out (which may be a). */
  luF64(a: Float64Array, offset: number, out: Float64Array, outOffset: number, n: number, pivots: Int32Array, pivotOffset: number): void;
  luSolveF64(lu: Float64Array, offset: number, n: number, pivots: Int32Array, pivotOffset: number, b: Float64Array, bOffset: number, k: number): void;
  luInverseF64(lu: Float64Array, offset: number, n: number, pivots: Int32Array, pivotOffset: number, out: Float64Array, outOffset: number): void;
  triangularSolveF64(t: Float64Array, offset: number, n: number, b: Float64Array, bOffset: number, k: number, lower: boolean, transpose: boolean, unit: boolean): void;
  conditionEstimateF64(a: Float64Array, aOffset: number, lu: Float64Array, luOffset: number, n: number, pivots: Int32Array, pivotOffset: number): number;
  conditionBoundF64(a: Float64Array, aOffset: number, lu: Float64Array, luOffset: number, n: number): number;
}

/** Read-only float64 elements of x, contiguous (no copy when they already are). */
function float64Data(x: ArrayTensor): Float64Array {
  const d = x.contiguousData(false);
  return d instanceof Float64Array ? d : Float64Array.from(d);
}

/** Fresh float64 memory for `length` results, not zero-filled. */
const uncleared = (length: number): Float64Array => allocateUninitialized("float64", length) as Float64Array;

/** The LinalgKernels methods the addon implements, or none when it predates them (an old build). */
export function nativeLinalgKernels(addon: Partial<NativeLinalgAddon>): Partial<LinalgKernels> {
  if (!addon.choleskyF64 || !addon.luF64 || !addon.luSolveF64 || !addon.luInverseF64 || !addon.triangularSolveF64 || !addon.conditionEstimateF64 || !addon.conditionBoundF64) return {};
  const kernels = addon as NativeLinalgAddon;

  function cholesky(a: ArrayTensor): CholeskyResult {
    const { batch, n } = matrixDims(a);
    const src = float64Data(a);
    const data = uncleared(batch * n * n);
    for (let t = 0; t < batch; t++) {
      const o = t * n * n;
      const pivot = kernels.choleskyF64(src, o, data, o, n);
      if (pivot >= 0) return { factor: output(data, a.shape, a.dtype), failure: { matrix: t, pivot, value: data[o + pivot * n + pivot]! } };
    }
    return { factor: output(data, a.shape, a.dtype), failure: null };
  }

  function lu(a: ArrayTensor): LUResult {
    const { batch, n } = matrixDims(a);
    const src = float64Data(a);
    const data = uncleared(batch * n * n);
    const pivots = new Int32Array(batch * n);
    for (let t = 0; t < batch; t++) kernels.luF64(src, t * n * n, data, t * n * n, n, pivots, t * n);
    return { lu: new ArrayTensor(data, a.shape), pivots };
  }

  function luSolve(f: LUResult, b: ArrayTensor): ArrayTensor {
    const { batch, n } = matrixDims(f.lu);
    const k = b.shape[b.ndim - 1]!;
    const factors = float64Data(f.lu);
    const x = float64Copy(b);
    for (let t = 0; t < batch; t++) kernels.luSolveF64(factors, t * n * n, n, f.pivots, t * n, x, t * n * k, k);
    return output(x, b.shape, b.dtype);
  }

  function luInverse(f: LUResult, dtype: DType): ArrayTensor {
    const { batch, n } = matrixDims(f.lu);
    const factors = float64Data(f.lu);
    const x = uncleared(batch * n * n);
    for (let t = 0; t < batch; t++) kernels.luInverseF64(factors, t * n * n, n, f.pivots, t * n, x, t * n * n);
    return output(x, f.lu.shape, dtype);
  }

  function triangularSolve(a: ArrayTensor, b: ArrayTensor, lower: boolean, transpose: boolean, unitDiagonal: boolean): ArrayTensor {
    const { batch, n } = matrixDims(a);
    const k = b.shape[b.ndim - 1]!;
    const tri = float64Data(a);
    const x = float64Copy(b);
    for (let t = 0; t < batch; t++) kernels.triangularSolveF64(tri, t * n * n, n, x, t * n * k, k, lower, transpose, unitDiagonal);
    return output(x, b.shape, b.dtype);
  }

  function conditionEstimate(a: ArrayTensor, f: LUResult): Float64Array {
    const { batch, n } = matrixDims(a);
    const src = float64Data(a);
    const factors = float64Data(f.lu);
    return Float64Array.from({ length: batch }, (_, t) => kernels.conditionEstimateF64(src, t * n * n, factors, t * n * n, n, f.pivots, t * n));
  }

  function conditionBound(a: ArrayTensor, f: LUResult): Float64Array {
    const { batch, n } = matrixDims(a);
    const src = float64Data(a);
    const factors = float64Data(f.lu);
    return Float64Array.from({ length: batch }, (_, t) => kernels.conditionBoundF64(src, t * n * n, factors, t * n * n, n));
  }

  return { cholesky, lu, luSolve, luInverse, triangularSolve, conditionEstimate, conditionBound };
}
