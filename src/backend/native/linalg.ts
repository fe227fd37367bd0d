/**
 * The native backend's Cholesky, LU, LU solve, triangular solve and condition estimate: the batch loops of
 * ../reference/linalg-kernels.ts around the addon's C++ kernels (native/src/linalg.cc), which
 * run the same blocked algorithms with the GEMM called from C++. Like the reference they
 * compute in float64 and return the input's dtype (LU factors stay float64).
 */
import type { CholeskyResult, LUResult, LinalgKernels } from "../interface.js";
import { float64Copy, matrixDims, output } from "../reference/linalg-kernels.js";
import { ArrayTensor } from "../../tensor/tensor.js";

/** The addon's linear-algebra exports. Offsets count elements; each call works on one matrix. */
export interface NativeLinalgAddon {
  /** The failing pivot, or −1; the factor (or the pivot's value) is left in place. */
  choleskyF64(a: Float64Array, offset: number, n: number): number;
  luF64(a: Float64Array, offset: number, n: number, pivots: Int32Array, pivotOffset: number): void;
  luSolveF64(lu: Float64Array, offset: number, n: number, pivots: Int32Array, pivotOffset: number, b: Float64Array, bOffset: number, k: number): void;
  triangularSolveF64(t: Float64Array, offset: number, n: number, b: Float64Array, bOffset: number, k: number, lower: boolean, transpose: boolean, unit: boolean): void;
  conditionEstimateF64(a: Float64Array, aOffset: number, lu: Float64Array, luOffset: number, n: number, pivots: Int32Array, pivotOffset: number): number;
}

/** Read-only float64 elements of x, contiguous (no copy when they already are). */
function float64Data(x: ArrayTensor): Float64Array {
  const d = x.contiguousData(false);
  return d instanceof Float64Array ? d : Float64Array.from(d);
}

/** The LinalgKernels methods the addon implements, or none when it predates them (an old build). */
export function nativeLinalgKernels(addon: Partial<NativeLinalgAddon>): Partial<LinalgKernels> {
  if (!addon.choleskyF64 || !addon.luF64 || !addon.luSolveF64 || !addon.triangularSolveF64 || !addon.conditionEstimateF64) return {};
  const kernels = addon as NativeLinalgAddon;

  function cholesky(a: ArrayTensor): CholeskyResult {
    const { batch, n } = matrixDims(a);
    const data = float64Copy(a);
    for (let t = 0; t < batch; t++) {
      const o = t * n * n;
      const pivot = kernels.choleskyF64(data, o, n);
      if (pivot >= 0) return { factor: output(data, a.shape, a.dtype), failure: { matrix: t, pivot, value: data[o + pivot * n + pivot]! } };
    }
    return { factor: output(data, a.shape, a.dtype), failure: null };
  }

  function lu(a: ArrayTensor): LUResult {
    const { batch, n } = matrixDims(a);
    const data = float64Copy(a);
    const pivots = new Int32Array(batch * n);
    for (let t = 0; t < batch; t++) kernels.luF64(data, t * n * n, n, pivots, t * n);
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

  return { cholesky, lu, luSolve, triangularSolve, conditionEstimate };
}
