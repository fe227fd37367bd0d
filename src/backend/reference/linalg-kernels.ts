/**
 * The Backend's linear-algebra kernels: batch loops over the single-matrix routines of
 * ./linalg.ts. The wasm backend inherits them all (their speed comes from the GEMM the blocked
 * routines call through `this.matmul`, the running backend's own); the native backend replaces
 * Cholesky, LU, the solves and the condition estimate (../native/linalg.ts) and eigh, eigvalsh,
 * svd and svdvals (../native/spectral.ts) with C++, and inherits QR.
 */
import type { Backend, CholeskyResult, LUResult, LinalgKernels } from "../interface.js";
import type { DType } from "../../tensor/dtype.js";
import { sizeOf } from "../../tensor/shape.js";
import { ArrayTensor } from "../../tensor/tensor.js";
import {
  type Matmul, choleskyInPlace, conditionBound, conditionEstimate, householderQR, jacobiSVD, luInPlace, luSolveInPlace, symmetricEigenInPlace, symmetricEigenvaluesInPlace, triangularSolveInPlace,
} from "./linalg.js";

/** A fresh float64 row-major copy of x's elements. */
export function float64Copy(x: ArrayTensor): Float64Array {
  const d = x.contiguousData(false);
  return d instanceof Float64Array ? d.slice() : Float64Array.from(d);
}

/** A tensor of `dtype` holding the float64 results (rounded when dtype is float32). */
export function output(data: Float64Array, shape: readonly number[], dtype: DType): ArrayTensor {
  return new ArrayTensor(dtype === "float64" ? data : Float32Array.from(data), shape);
}

/** The batch size, matrix rows and columns, and the batch axes of a [..., m, n] tensor. */
export function matrixDims(x: ArrayTensor): { batch: number; m: number; n: number; lead: readonly number[] } {
  const m = x.shape[x.ndim - 2]!, n = x.shape[x.ndim - 1]!;
  const lead = x.shape.slice(0, -2);
  return { batch: sizeOf(lead), m, n, lead };
}

function cholesky(this: Backend, a: ArrayTensor): CholeskyResult {
  const { batch, n } = matrixDims(a);
  const data = float64Copy(a);
  for (let t = 0; t < batch; t++) {
    const o = t * n * n;
    // Symmetric part, written into both triangles.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const s = 0.5 * (data[o + i * n + j]! + data[o + j * n + i]!);
        data[o + i * n + j] = s;
        data[o + j * n + i] = s;
      }
    }
    const pivot = choleskyInPlace(this.matmul, data, o, n);
    if (pivot >= 0) return { factor: output(data, a.shape, a.dtype), failure: { matrix: t, pivot, value: data[o + pivot * n + pivot]! } };
  }
  return { factor: output(data, a.shape, a.dtype), failure: null };
}

function lu(this: Backend, a: ArrayTensor): LUResult {
  const { batch, n } = matrixDims(a);
  const data = float64Copy(a);
  const pivots = new Int32Array(batch * n);
  for (let t = 0; t < batch; t++) luInPlace(this.matmul, data, t * n * n, n, pivots, t * n);
  return { lu: new ArrayTensor(data, a.shape), pivots };
}

function conditionEstimates(a: ArrayTensor, f: LUResult): Float64Array {
  const { batch, n } = matrixDims(a);
  const src = float64Copy(a);
  const lu = f.lu.contiguousData(false) as Float64Array;
  return Float64Array.from({ length: batch }, (_, t) => conditionEstimate(src, t * n * n, lu, t * n * n, n, f.pivots, t * n));
}

function conditionBounds(a: ArrayTensor, f: LUResult): Float64Array {
  const { batch, n } = matrixDims(a);
  const src = float64Copy(a);
  const lu = f.lu.contiguousData(false) as Float64Array;
  return Float64Array.from({ length: batch }, (_, t) => conditionBound(src, t * n * n, lu, t * n * n, n));
}

function luSolve(this: Backend, f: LUResult, b: ArrayTensor): ArrayTensor {
  const { batch, n } = matrixDims(f.lu);
  const k = b.shape[b.ndim - 1]!;
  const lu = f.lu.contiguousData(false) as Float64Array;
  const x = float64Copy(b);
  for (let t = 0; t < batch; t++) luSolveInPlace(this.matmul, lu, t * n * n, n, f.pivots, t * n, x, t * n * k, k);
  return output(x, b.shape, b.dtype);
}

function luInverse(this: Backend, f: LUResult, dtype: DType): ArrayTensor {
  const { batch, n } = matrixDims(f.lu);
  const lu = f.lu.contiguousData(false) as Float64Array;
  const x = new Float64Array(batch * n * n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < n; i++) x[t * n * n + i * n + i] = 1;
    luSolveInPlace(this.matmul, lu, t * n * n, n, f.pivots, t * n, x, t * n * n, n);
  }
  return output(x, f.lu.shape, dtype);
}

function triangularSolve(this: Backend, a: ArrayTensor, b: ArrayTensor, lower: boolean, transpose: boolean, unitDiagonal: boolean): ArrayTensor {
  const { batch, n } = matrixDims(a);
  const k = b.shape[b.ndim - 1]!;
  const t64 = a.contiguousData(false);
  const tri = t64 instanceof Float64Array ? t64 : Float64Array.from(t64);
  const x = float64Copy(b);
  for (let t = 0; t < batch; t++) triangularSolveInPlace(this.matmul, tri, t * n * n, n, x, t * n * k, k, lower, transpose, unitDiagonal);
  return output(x, b.shape, b.dtype);
}

function eigh(a: ArrayTensor): { values: ArrayTensor; vectors: ArrayTensor } {
  const { batch, n, lead } = matrixDims(a);
  const src = float64Copy(a);
  const values = new Float64Array(batch * n);
  const vectors = new Float64Array(batch * n * n);
  for (let t = 0; t < batch; t++) symmetricEigenInPlace(src, t * n * n, n, values, t * n, vectors, t * n * n);
  return { values: output(values, [...lead, n], a.dtype), vectors: output(vectors, a.shape, a.dtype) };
}

/** Below this many columns Jacobi sweeps from the identity are cheap enough. */
const PRECONDITION_SVD = 24;

/**
 * One-sided Jacobi from a good start: V0 = the eigenvectors of AᵀA (cheap, through GEMM and
 * eigh, but only accurate to ε·σ₁²/σᵢ), then Jacobi on A·V0, whose columns are already nearly
 * orthogonal, so one or two sweeps restore Jacobi's full relative accuracy.
 */
function jacobiFromGram(mm: Matmul, src: Float64Array, offset: number, m: number, n: number, u: Float64Array, uo: number, s: Float64Array, so: number, vt: Float64Array, vto: number): void {
  if (n < PRECONDITION_SVD) {
    jacobiSVD(src, offset, m, n, u, uo, s, so, vt, vto);
    return;
  }
  const at = new ArrayTensor(src, [m, n], [n, 1], offset);
  const gram = mm(new ArrayTensor(src, [n, m], [1, n], offset), at, [n, n]).contiguousData(false) as Float64Array;
  const v0 = new Float64Array(n * n);
  symmetricEigenInPlace(gram, 0, n, new Float64Array(n), 0, v0, 0);
  const w = mm(at, new ArrayTensor(v0, [n, n]), [m, n]).contiguousData(false) as Float64Array;
  jacobiSVD(w, 0, m, n, u, uo, s, so, vt, vto, v0);
}

function eigvalsh(a: ArrayTensor): ArrayTensor {
  const { batch, n, lead } = matrixDims(a);
  const src = float64Copy(a);
  const values = new Float64Array(batch * n);
  for (let t = 0; t < batch; t++) symmetricEigenvaluesInPlace(src, t * n * n, n, values, t * n);
  return output(values, [...lead, n], a.dtype);
}

function svd(this: Backend, a: ArrayTensor): { u: ArrayTensor; s: ArrayTensor; vt: ArrayTensor } {
  const { batch, m, n, lead } = matrixDims(a);
  const k = Math.min(m, n);
  const src = float64Copy(a);
  const u = new Float64Array(batch * m * k), s = new Float64Array(batch * k), vt = new Float64Array(batch * k * n);
  // One-sided Jacobi wants m ≥ n: a wide matrix is decomposed through its transpose.
  const wide = m < n;
  const tmp = wide ? new Float64Array(m * n) : src;
  for (let t = 0; t < batch; t++) {
    if (!wide) {
      jacobiFromGram(this.matmul, src, t * m * n, m, n, u, t * m * k, s, t * k, vt, t * k * n);
      continue;
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) tmp[j * m + i] = src[t * m * n + i * n + j]!;
    // Aᵀ = U' S V'ᵀ ⇒ A = V' S U'ᵀ: u = V' (m×k), vt = U'ᵀ (k×n).
    const u2 = new Float64Array(n * k), vt2 = new Float64Array(k * m);
    jacobiFromGram(this.matmul, tmp, 0, n, m, u2, 0, s, t * k, vt2, 0);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) u[t * m * k + i * k + j] = vt2[j * m + i]!;
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) vt[t * k * n + i * n + j] = u2[j * k + i]!;
  }
  return { u: output(u, [...lead, m, k], a.dtype), s: output(s, [...lead, k], a.dtype), vt: output(vt, [...lead, k, n], a.dtype) };
}

/** The reference's Jacobi SVD gets the values only together with the vectors. */
function svdvals(this: Backend, a: ArrayTensor): ArrayTensor {
  return this.svd(a).s;
}

function qr(a: ArrayTensor): { q: ArrayTensor; r: ArrayTensor } {
  const { batch, m, n, lead } = matrixDims(a);
  const k = Math.min(m, n);
  const src = float64Copy(a);
  const q = new Float64Array(batch * m * k), r = new Float64Array(batch * k * n);
  for (let t = 0; t < batch; t++) householderQR(src, t * m * n, m, n, q, t * m * k, r, t * k * n);
  return { q: output(q, [...lead, m, k], a.dtype), r: output(r, [...lead, k, n], a.dtype) };
}

/** The linear-algebra block of the reference backend. */
export const linalgKernels: LinalgKernels = { cholesky, lu, conditionEstimate: conditionEstimates, conditionBound: conditionBounds, luSolve, luInverse, triangularSolve, eigh, eigvalsh, svd, svdvals, qr };
