/**
 * The native backend's eigh, eigvalsh, svd and svdvals: the batch loops of
 * ../reference/linalg-kernels.ts around the addon's C++ kernels (native/src/linalg_eig.cc:
 * Householder tridiagonalisation + implicit QL; Golub–Kahan bidiagonalisation + implicit-shift
 * bidiagonal QR). They compute in float64 and return the input's dtype, with the reference's
 * conventions: eigenvalues ascending with eigenvectors as columns, the reduced SVD with
 * singular values descending.
 */
import type { LinalgKernels } from "../interface.js";
import { float64Copy, matrixDims, output } from "../reference/linalg-kernels.js";
import type { ArrayTensor } from "../../tensor/tensor.js";

/** The addon's spectral exports. Offsets count elements; each call works on one matrix, which it overwrites. */
export interface NativeSpectralAddon {
  /** Ascending eigenvalues of the symmetric part of the n×n matrix, and its eigenvectors as columns unless `vectors` is null. */
  eighF64(a: Float64Array, offset: number, n: number, values: Float64Array, valuesOffset: number, vectors: Float64Array | null, vectorsOffset: number): void;
  /** The reduced SVD of the m×n matrix: s descending, and u (m×k), vt (k×n) unless both are null. */
  svdF64(a: Float64Array, offset: number, m: number, n: number, u: Float64Array | null, uOffset: number, s: Float64Array, sOffset: number, vt: Float64Array | null, vtOffset: number): void;
}

/** The spectral LinalgKernels methods the addon implements, or none when it predates them (an old build). */
export function nativeSpectralKernels(addon: Partial<NativeSpectralAddon>): Partial<LinalgKernels> {
  if (!addon.eighF64 || !addon.svdF64) return {};
  const kernels = addon as NativeSpectralAddon;

  /** Eigenvalues of every matrix of a, and the eigenvectors when `withVectors`. */
  function decompose(a: ArrayTensor, withVectors: boolean): { values: ArrayTensor; vectors: ArrayTensor | null } {
    const { batch, n, lead } = matrixDims(a);
    const data = float64Copy(a);
    const values = new Float64Array(batch * n);
    const vectors = withVectors ? new Float64Array(batch * n * n) : null;
    for (let t = 0; t < batch; t++) kernels.eighF64(data, t * n * n, n, values, t * n, vectors, t * n * n);
    return { values: output(values, [...lead, n], a.dtype), vectors: vectors && output(vectors, a.shape, a.dtype) };
  }

  /** Singular values of every matrix of a, and the singular vectors when `withVectors`. */
  function singular(a: ArrayTensor, withVectors: boolean): { u: ArrayTensor | null; s: ArrayTensor; vt: ArrayTensor | null } {
    const { batch, m, n, lead } = matrixDims(a);
    const k = Math.min(m, n);
    const data = float64Copy(a);
    const s = new Float64Array(batch * k);
    const u = withVectors ? new Float64Array(batch * m * k) : null;
    const vt = withVectors ? new Float64Array(batch * k * n) : null;
    for (let t = 0; t < batch; t++) kernels.svdF64(data, t * m * n, m, n, u, t * m * k, s, t * k, vt, t * k * n);
    return {
      u: u && output(u, [...lead, m, k], a.dtype),
      s: output(s, [...lead, k], a.dtype),
      vt: vt && output(vt, [...lead, k, n], a.dtype),
    };
  }

  return {
    eigh: (a) => {
      const { values, vectors } = decompose(a, true);
      return { values, vectors: vectors! };
    },
    eigvalsh: (a) => decompose(a, false).values,
    svd: (a) => {
      const { u, s, vt } = singular(a, true);
      return { u: u!, s, vt: vt! };
    },
    svdvals: (a) => singular(a, false).s,
  };
}
