/**
 * Dense linear-algebra kernels in TypeScript: blocked Cholesky, LU with partial pivoting and
 * triangular solves whose O(n³) work runs in the active backend's GEMM (so the native and wasm
 * backends' fast matmul speeds them up), Householder QR, a symmetric eigensolver (Householder
 * tridiagonalisation + implicit QL, as in EISPACK's tred2/tql2) and an SVD by one-sided Jacobi.
 * Each works on one n×n (or m×n) float64 row-major matrix; index.ts loops over the batch.
 */
import { ArrayTensor } from "../../tensor/tensor.js";
import type { Shape } from "../../tensor/shape.js";

/** The matmul of the backend running a kernel: the blocked routines spend their time in it. */
export type Matmul = (a: ArrayTensor, b: ArrayTensor, outShape: Shape) => ArrayTensor;

/**
 * Panel width of the blocked factorizations for an n×n matrix: wider panels for large n make
 * fewer, larger GEMMs (the scalar work inside a panel grows only as n·width²).
 */
const blockFor = (n: number): number => (n >= 512 ? 128 : 64);

/** A row-major matrix view: element (i, j) is data[offset + i·ld + j]. */
interface View {
  data: Float64Array;
  offset: number;
  ld: number;
}

const view = (data: Float64Array, offset: number, ld: number): View => ({ data, offset, ld });

/**
 * C[m×n] −= op(A)[m×k] · B[k×n] through the backend's matmul (op(A) = Aᵀ when `transA`).
 * Tiny products stay in a plain loop: a backend call costs more than it saves there.
 */
function gemmSubtract(mm: Matmul, c: View, a: View, transA: boolean, b: View, m: number, k: number, n: number): void {
  if (m === 0 || n === 0 || k === 0) return;
  if (n === 1 && !transA) {
    // A matrix-vector product: one dot product per row.
    for (let i = 0; i < m; i++) {
      let dot = 0;
      const ao = a.offset + i * a.ld;
      for (let p = 0; p < k; p++) dot += a.data[ao + p]! * b.data[b.offset + p * b.ld]!;
      c.data[c.offset + i * c.ld] = c.data[c.offset + i * c.ld]! - dot;
    }
    return;
  }
  if (m * n * k < 32 * 32 * 32) {
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const aip = transA ? a.data[a.offset + p * a.ld + i]! : a.data[a.offset + i * a.ld + p]!;
        if (aip === 0) continue;
        const bo = b.offset + p * b.ld, co = c.offset + i * c.ld;
        for (let j = 0; j < n; j++) c.data[co + j] = c.data[co + j]! - aip * b.data[bo + j]!;
      }
    }
    return;
  }
  const at = transA ? new ArrayTensor(a.data, [m, k], [1, a.ld], a.offset) : new ArrayTensor(a.data, [m, k], [a.ld, 1], a.offset);
  const bt = new ArrayTensor(b.data, [k, n], [b.ld, 1], b.offset);
  const prod = mm(at, bt, [m, n]).contiguousData(false);
  for (let i = 0; i < m; i++) {
    const co = c.offset + i * c.ld;
    for (let j = 0; j < n; j++) c.data[co + j] = c.data[co + j]! - prod[i * n + j]!;
  }
}

/** C[m×n] = A[m×k] · B[k×n] (a fresh product through the backend), written into c. */
function gemmInto(mm: Matmul, c: View, a: View, b: View, m: number, k: number, n: number): void {
  const at = new ArrayTensor(a.data, [m, k], [a.ld, 1], a.offset);
  const bt = new ArrayTensor(b.data, [k, n], [b.ld, 1], b.offset);
  const prod = mm(at, bt, [m, n]).contiguousData(false);
  for (let i = 0; i < m; i++) c.data.set(prod.subarray(i * n, i * n + n), c.offset + i * c.ld);
}

/**
 * In-place lower Cholesky factor of the n×n block at `a` (upper triangle left as is).
 * Returns −1 on success, else the index of the first pivot that is not positive
 * (its value is left in the diagonal entry).
 */
function choleskyUnblocked(a: View, n: number): number {
  const { data, offset, ld } = a;
  for (let j = 0; j < n; j++) {
    const rj = offset + j * ld;
    let d = data[rj + j]!;
    for (let p = 0; p < j; p++) d -= data[rj + p]! * data[rj + p]!;
    if (!(d > 0)) {
      data[rj + j] = d;
      return j;
    }
    const ljj = Math.sqrt(d);
    data[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = offset + i * ld;
      let s = data[ri + j]!;
      for (let p = 0; p < j; p++) s -= data[ri + p]! * data[rj + p]!;
      data[ri + j] = s / ljj;
    }
  }
  return -1;
}

/** The inverse of the n×n lower-triangular block at `l` (unit diagonal when `unit`), into a fresh array. */
function lowerInverse(l: View, n: number, unit: boolean): Float64Array {
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    inv[j * n + j] = unit ? 1 : 1 / l.data[l.offset + j * l.ld + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      const ri = l.offset + i * l.ld;
      for (let p = j; p < i; p++) s += l.data[ri + p]! * inv[p * n + j]!;
      inv[i * n + j] = unit ? -s : -s / l.data[ri + i]!;
    }
  }
  return inv;
}

/**
 * Blocked left-looking Cholesky of the row-major n×n matrix in `a` (in place; the upper
 * triangle is zeroed; only the lower triangle is read). Each block column first receives the
 * update from all columns to its left in one GEMM (n³/3 multiply-adds in all, none wasted on the
 * upper triangle), then its diagonal block is factored and the panel below it is solved against
 * the inverse of that small factor, also by GEMM. Returns the failing pivot as
 * choleskyUnblocked does.
 */
export function choleskyInPlace(mm: Matmul, a: Float64Array, offset: number, n: number): number {
  const block = blockFor(n);
  for (let k = 0; k < n; k += block) {
    const b = Math.min(block, n - k);
    const column = view(a, offset + k * n + k, n);
    // A[k:, k:k+b] −= L[k:, :k] · L[k:k+b, :k]ᵀ.
    if (k > 0) gemmSubtract(mm, column, view(a, offset + k * n, n), false, transposeOf(view(a, offset + k * n, n), b, k), n - k, k, b);
    const failed = choleskyUnblocked(column, b);
    if (failed >= 0) return k + failed;
    const rest = n - k - b;
    if (rest === 0) break;
    // L21 = A21 · L11⁻ᵀ.
    const inv = lowerInverse(column, b, false);
    const panel = view(a, offset + (k + b) * n + k, n);
    const copy = new Float64Array(rest * b);
    for (let i = 0; i < rest; i++) copy.set(a.subarray(panel.offset + i * n, panel.offset + i * n + b), i * b);
    const invT = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) invT[i * b + j] = inv[j * b + i]!;
    gemmInto(mm, panel, view(copy, 0, b), view(invT, 0, b), rest, b, b);
  }
  for (let i = 0; i < n; i++) a.fill(0, offset + i * n + i + 1, offset + (i + 1) * n);
  return -1;
}

/** A contiguous copy of the transpose of the m×n block at `v`, as a view. */
function transposeOf(v: View, m: number, n: number): View {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = v.data[v.offset + i * v.ld + j]!;
  return view(t, 0, m);
}

function swapRows(a: Float64Array, offset: number, ld: number, r1: number, r2: number, c0: number, c1: number): void {
  if (r1 === r2) return;
  const o1 = offset + r1 * ld, o2 = offset + r2 * ld;
  for (let j = c0; j < c1; j++) {
    const t = a[o1 + j]!;
    a[o1 + j] = a[o2 + j]!;
    a[o2 + j] = t;
  }
}

/**
 * Blocked LU with partial pivoting of the n×n matrix at `a` (in place: unit-lower L below the
 * diagonal, U on and above). `pivots[i]` is the row swapped with row i at step i. A zero pivot
 * leaves its column unscaled, so the factorization always completes; callers check U's diagonal.
 */
export function luInPlace(mm: Matmul, a: Float64Array, offset: number, n: number, pivots: Int32Array, po: number): void {
  const block = blockFor(n);
  for (let k = 0; k < n; k += block) {
    const b = Math.min(block, n - k);
    luPanel(mm, a, offset, n, pivots, po, k, k + b);
    const rest = n - k - b;
    if (rest === 0) break;
    // U12 = L11⁻¹ A12, then A22 −= L21 · U12.
    const a12 = view(a, offset + k * n + k + b, n);
    unitLowerSolve(mm, view(a, offset + k * n + k, n), a12, b, rest);
    gemmSubtract(mm, view(a, offset + (k + b) * n + k + b, n), view(a, offset + (k + b) * n + k, n), false, a12, rest, b, rest);
  }
}

/**
 * Factors columns j0..j1 of the rows j0..n recursively (Toledo 1997): the left half, then the
 * right half updated by GEMM, so only panels of PANEL_BASE columns run the scalar loop. Row
 * swaps are applied to whole rows.
 */
function luPanel(mm: Matmul, a: Float64Array, offset: number, n: number, pivots: Int32Array, po: number, j0: number, j1: number): void {
  const width = j1 - j0;
  if (width <= PANEL_BASE) {
    luScalar(a, offset, n, pivots, po, j0, j1);
    return;
  }
  const h = width >> 1;
  luPanel(mm, a, offset, n, pivots, po, j0, j0 + h);
  const a12 = view(a, offset + j0 * n + j0 + h, n);
  unitLowerSolve(mm, view(a, offset + j0 * n + j0, n), a12, h, width - h);
  gemmSubtract(mm, view(a, offset + (j0 + h) * n + j0 + h, n), view(a, offset + (j0 + h) * n + j0, n), false, a12, n - j0 - h, h, width - h);
  luPanel(mm, a, offset, n, pivots, po, j0 + h, j1);
}

/** Columns below which the panel factorization runs the scalar loop. */
const PANEL_BASE = 16;

/** Unblocked right-looking LU with partial pivoting of columns j0..j1 (rows j0..n). */
function luScalar(a: Float64Array, offset: number, n: number, pivots: Int32Array, po: number, j0: number, j1: number): void {
  for (let j = j0; j < j1; j++) {
    let p = j;
    let best = Math.abs(a[offset + j * n + j]!);
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(a[offset + i * n + j]!);
      if (v > best) (best = v), (p = i);
    }
    pivots[po + j] = p;
    swapRows(a, offset, n, j, p, 0, n);
    const pivot = a[offset + j * n + j]!;
    if (pivot === 0) continue;
    const rj = offset + j * n;
    for (let i = j + 1; i < n; i++) {
      const ri = offset + i * n;
      const l = (a[ri + j] = a[ri + j]! / pivot);
      if (l === 0) continue;
      for (let c = j + 1; c < j1; c++) a[ri + c] = a[ri + c]! - l * a[rj + c]!;
    }
  }
}

/** X ← L⁻¹X for the b×b unit-lower block at `l` and the b×k block at `x` (through its inverse and GEMM). */
function unitLowerSolve(mm: Matmul, l: View, x: View, b: number, k: number): void {
  const inv = lowerInverse(l, b, true);
  const copy = new Float64Array(b * k);
  for (let i = 0; i < b; i++) copy.set(x.data.subarray(x.offset + i * x.ld, x.offset + i * x.ld + k), i * k);
  gemmInto(mm, x, view(inv, 0, b), view(copy, 0, k), b, b, k);
}

/**
 * Solves op(T)·X = B in place in B (n×k), T the n×n triangle at `t` (lower or upper, unit
 * diagonal or not; op(T) = Tᵀ when `transpose`). Blocked: each diagonal block is inverted and
 * the updates from solved blocks go through GEMM.
 */
export function triangularSolveInPlace(
  mm: Matmul, t: Float64Array, to: number, n: number, b: Float64Array, bo: number, k: number,
  lower: boolean, transpose: boolean, unit: boolean,
): void {
  // op(T) is lower triangular when exactly one of (lower, transpose) holds: solve forwards.
  const effLower = lower !== transpose;
  // Materialise op(T) as a lower triangle (reversing rows and columns of an upper one) so one
  // forward-substitution routine serves all four cases.
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const r = effLower ? i : n - 1 - i;
    for (let j = 0; j <= i; j++) {
      const c = effLower ? j : n - 1 - j;
      m[i * n + j] = transpose ? t[to + c * n + r]! : t[to + r * n + c]!;
    }
    if (unit) m[i * n + i] = 1;
  }
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const src = bo + (effLower ? i : n - 1 - i) * k;
    x.set(b.subarray(src, src + k), i * k);
  }
  forwardSubstitute(mm, m, n, x, k);
  for (let i = 0; i < n; i++) {
    const dst = bo + (effLower ? i : n - 1 - i) * k;
    b.set(x.subarray(i * k, i * k + k), dst);
  }
}

/** Solves L·X = X in place for the n×n lower-triangular L (row-major) and X n×k. */
function forwardSubstitute(mm: Matmul, l: Float64Array, n: number, x: Float64Array, k: number): void {
  const block = blockFor(n);
  for (let s = 0; s < n; s += block) {
    const b = Math.min(block, n - s);
    // X_s −= L[s, :s] · X[:s], then X_s = L_ss⁻¹ · X_s.
    gemmSubtract(mm, view(x, s * k, k), view(l, s * n, n), false, view(x, 0, k), b, s, k);
    if (b * k >= 32 * 32 * 8) {
      const inv = lowerInverse(view(l, s * n + s, n), b, false);
      const rows = x.slice(s * k, (s + b) * k);
      gemmInto(mm, view(x, s * k, k), view(inv, 0, b), view(rows, 0, k), b, b, k);
      continue;
    }
    for (let i = s; i < s + b; i++) {
      const ri = i * k;
      for (let p = s; p < i; p++) {
        const lip = l[i * n + p]!;
        if (lip === 0) continue;
        const rp = p * k;
        for (let j = 0; j < k; j++) x[ri + j] = x[ri + j]! - lip * x[rp + j]!;
      }
      const d = l[i * n + i]!;
      for (let j = 0; j < k; j++) x[ri + j] = x[ri + j]! / d;
    }
  }
}

/** Applies the LU factors (from luInPlace) to solve A·X = B in place in B (n×k). */
export function luSolveInPlace(mm: Matmul, lu: Float64Array, lo: number, n: number, pivots: Int32Array, po: number, b: Float64Array, bo: number, k: number): void {
  for (let i = 0; i < n; i++) swapRows(b, bo, k, i, pivots[po + i]!, 0, k);
  triangularSolveInPlace(mm, lu, lo, n, b, bo, k, true, false, true);
  triangularSolveInPlace(mm, lu, lo, n, b, bo, k, false, false, false);
}

/**
 * Symmetric eigen-decomposition of the n×n matrix at `a` (its symmetric part is used):
 * Householder reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson-style
 * shifts, accumulating the transformations. Writes ascending eigenvalues to `values` and the
 * eigenvectors as columns of `vectors` (row-major n×n).
 */
export function symmetricEigenInPlace(a: Float64Array, ao: number, n: number, values: Float64Array, vo: number, vectors: Float64Array, vco: number): void {
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) z[i * n + j] = 0.5 * (a[ao + i * n + j]! + a[ao + j * n + i]!);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(z, n, d, e);
  // tred2 leaves Qᵀ, whose rows the QL rotations combine; transpose once at the end.
  tridiagonalQL(z, n, d, e);
  z.set(transposeSquare(z, n));
  // Sort ascending (selection sort on indices: n swaps at most).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (d[j]! < d[k]!) k = j;
    if (k === i) continue;
    [d[i], d[k]] = [d[k]!, d[i]!];
    for (let r = 0; r < n; r++) [z[r * n + i], z[r * n + k]] = [z[r * n + k]!, z[r * n + i]!];
  }
  values.set(d, vo);
  vectors.set(z, vco);
}

/** Ascending eigenvalues of the symmetric part of the n×n matrix at `a`, without eigenvectors (O(n²) after the reduction). */
export function symmetricEigenvaluesInPlace(a: Float64Array, ao: number, n: number, values: Float64Array, vo: number): void {
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) z[i * n + j] = 0.5 * (a[ao + i * n + j]! + a[ao + j * n + i]!);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(z, n, d, e, false);
  tridiagonalQL(null, n, d, e);
  values.set(d.sort(), vo);
}

/**
 * Householder tridiagonalisation (tred2), on transposed storage so that its inner loops run
 * along rows: on return z holds Qᵀ (unless `accumulate` is false), d the diagonal, e[1..] the
 * subdiagonal.
 */
function tridiagonalize(z: Float64Array, n: number, d: Float64Array, e: Float64Array, accumulate = true): void {
  for (let j = 0; j < n; j++) d[j] = z[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = z[j * n + i - 1]!;
        z[j * n + i] = 0;
        z[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        z[i * n + j] = f;
        g = e[j]! + z[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += z[j * n + k]! * d[k]!;
          e[k] = e[k]! + z[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) z[j * n + k] = z[j * n + k]! - (f * e[k]! + g * d[k]!);
        d[j] = z[j * n + i - 1]!;
        z[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  if (!accumulate) {
    // The reduced matrix's diagonal is z's; Q is not needed.
    for (let j = 0; j < n; j++) d[j] = z[j * n + j]!;
    e[0] = 0;
    return;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    z[i * n + n - 1] = z[i * n + i]!;
    z[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = z[(i + 1) * n + k]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += z[(i + 1) * n + k]! * z[j * n + k]!;
        for (let k = 0; k <= i; k++) z[j * n + k] = z[j * n + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) z[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = z[j * n + n - 1]!;
    z[j * n + n - 1] = 0;
  }
  z[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function transposeSquare(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}

/** Implicit QL iterations (tql2) on the tridiagonal (d, e), rotating the rows of zt (= Qᵀ) unless it is null. */
function tridiagonalQL(zt: Float64Array | null, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      for (let iter = 0; ; iter++) {
        if (iter > 60 * n) throw new Error("eigh: the QL iteration did not converge");
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1]!;
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (zt === null) continue;
          const r0 = i * n, r1 = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            h = zt[r1 + k]!;
            zt[r1 + k] = s * zt[r0 + k]! + c * h;
            zt[r0 + k] = c * zt[r0 + k]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(Math.abs(e[l]!) > eps * tst1)) break;
      }
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/**
 * Householder QR of the m×n matrix at `a` (reduced: q is m×kk, r is kk×n, kk = min(m, n)).
 * Signs follow LAPACK's geqrf (r's diagonal may be negative), as torch.linalg.qr's do.
 */
export function householderQR(a: Float64Array, ao: number, m: number, n: number, q: Float64Array, qo: number, r: Float64Array, ro: number): void {
  const kk = Math.min(m, n);
  const w = a.slice(ao, ao + m * n);
  const tau = new Float64Array(kk);
  for (let j = 0; j < kk; j++) {
    let norm = 0;
    for (let i = j; i < m; i++) norm = Math.hypot(norm, w[i * n + j]!);
    const alpha = w[j * n + j]!;
    if (norm === 0 || (norm === Math.abs(alpha) && m - j === 1)) {
      tau[j] = 0;
      continue;
    }
    const beta = alpha >= 0 ? -norm : norm;
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) w[i * n + j] = w[i * n + j]! * scale;
    w[j * n + j] = beta;
    // Apply H = I − τ v vᵀ (v = [1, w[j+1.., j]]) to the remaining columns.
    for (let c = j + 1; c < n; c++) {
      let s = w[j * n + c]!;
      for (let i = j + 1; i < m; i++) s += w[i * n + j]! * w[i * n + c]!;
      s *= tau[j]!;
      w[j * n + c] = w[j * n + c]! - s;
      for (let i = j + 1; i < m; i++) w[i * n + c] = w[i * n + c]! - s * w[i * n + j]!;
    }
  }
  for (let i = 0; i < kk; i++) for (let j = 0; j < n; j++) r[ro + i * n + j] = j >= i ? w[i * n + j]! : 0;
  // Q = H₀ H₁ … applied to the first kk columns of the identity, from the last reflector back.
  for (let i = 0; i < m; i++) for (let j = 0; j < kk; j++) q[qo + i * kk + j] = i === j ? 1 : 0;
  for (let j = kk - 1; j >= 0; j--) {
    if (tau[j] === 0) continue;
    for (let c = j; c < kk; c++) {
      let s = q[qo + j * kk + c]!;
      for (let i = j + 1; i < m; i++) s += w[i * n + j]! * q[qo + i * kk + c]!;
      s *= tau[j]!;
      q[qo + j * kk + c] = q[qo + j * kk + c]! - s;
      for (let i = j + 1; i < m; i++) q[qo + i * kk + c] = q[qo + i * kk + c]! - s * w[i * n + j]!;
    }
  }
}

/**
 * Reduced SVD of the m×n matrix at `a` with m ≥ n by one-sided Jacobi (Hestenes): plane
 * rotations orthogonalise the columns of a working copy W = A·V until every pair is orthogonal
 * to working precision; then s = column norms (descending), U = W / s. Accurate to high relative
 * precision in the singular values. u is m×n, s has n entries, vt is n×n. With `v0` (n×n),
 * `a` is taken to be A·V0 and the rotations continue from V0.
 */
export function jacobiSVD(
  a: Float64Array, ao: number, m: number, n: number, u: Float64Array, uo: number, s: Float64Array, so: number, vt: Float64Array, vto: number,
  v0?: Float64Array,
): void {
  // Column-major working copies make the column rotations stride-1.
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[ao + i * n + j]!;
  // v holds the columns of V as rows; A·V = W on entry when a starting V0 is given (a = A·V0).
  const v = v0 ? transposeSquare(v0, n) : new Float64Array(n * n);
  if (!v0) for (let j = 0; j < n; j++) v[j * n + j] = 1;
  const tol = Number.EPSILON * m;
  // Squared column norms, recomputed each sweep and updated by each rotation (α − tγ, β + tγ),
  // so a pair costs one dot product instead of three.
  const sq = new Float64Array(n);
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let i = 0; i < m; i++) t += w[j * m + i]! * w[j * m + i]!;
      sq[j] = t;
    }
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let gamma = 0;
        const po = p * m, qo = q * m;
        for (let i = 0; i < m; i++) gamma += w[po + i]! * w[qo + i]!;
        const alpha = sq[p]!, beta = sq[q]!;
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        sq[p] = alpha - t * gamma;
        sq[q] = beta + t * gamma;
        for (let i = 0; i < m; i++) {
          const x = w[po + i]!, y = w[qo + i]!;
          w[po + i] = c * x - sn * y;
          w[qo + i] = sn * x + c * y;
        }
        const pv = p * n, qv = q * n;
        for (let i = 0; i < n; i++) {
          const x = v[pv + i]!, y = v[qv + i]!;
          v[pv + i] = c * x - sn * y;
          v[qv + i] = sn * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let t = 0;
    for (let i = 0; i < m; i++) t = Math.hypot(t, w[j * m + i]!);
    return t;
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  order.forEach((j, k) => {
    const sj = norms[j]!;
    s[so + k] = sj;
    for (let i = 0; i < m; i++) u[uo + i * n + k] = sj === 0 ? (i === k ? 1 : 0) : w[j * m + i]! / sj;
    for (let i = 0; i < n; i++) vt[vto + k * n + i] = v[j * n + i]!;
  });
}

/**
 * An estimate of the 1-norm condition number ‖A‖₁·‖A⁻¹‖₁ of the n×n matrix `a` from its LU
 * factors, by Hager's method (Higham, "Accuracy and Stability of Numerical Algorithms", Alg.
 * 15.3): a few solves with A and Aᵀ (O(n²) each) find a vector that nearly attains ‖A⁻¹‖₁.
 * A lower bound, usually within a factor of 3; Infinity when a pivot is zero.
 */
export function conditionEstimate(a: Float64Array, ao: number, lu: Float64Array, lo: number, n: number, pivots: Int32Array, po: number): number {
  const norm = oneNorm(a, ao, n);
  for (let i = 0; i < n; i++) if (lu[lo + i * n + i] === 0) return Infinity;
  let x = new Float64Array(n).fill(1 / n);
  let estimate = 0;
  for (let iter = 0; iter < 5; iter++) {
    const y = luApply(lu, lo, n, pivots, po, x, false);
    estimate = y.reduce((s, v) => s + Math.abs(v), 0);
    const z = luApply(lu, lo, n, pivots, po, y.map((v) => (v >= 0 ? 1 : -1)), true);
    let j = 0, zx = 0;
    for (let i = 0; i < n; i++) {
      if (Math.abs(z[i]!) > Math.abs(z[j]!)) j = i;
      zx += z[i]! * x[i]!;
    }
    if (Math.abs(z[j]!) <= zx) break;
    x = new Float64Array(n);
    x[j] = 1;
  }
  return norm * estimate;
}

/**
 * An upper bound on the 1-norm condition number of the n×n matrix `a` from its LU factors, in
 * one O(n²) pass: |A⁻¹| = |U⁻¹L⁻¹P| ≤ M(U)⁻¹M(L)⁻¹P elementwise, M(T) being T's comparison
 * matrix (|diagonal|, −|off-diagonal|; Higham, "Accuracy and Stability", Thm. 8.12), and that
 * product is non-negative, so ‖A⁻¹‖₁ ≤ ‖M(L)⁻ᵀM(U)⁻ᵀe‖∞: one solve with each transposed
 * comparison matrix, free of cancellation. Never below κ₁ (so never below conditionEstimate);
 * tight for diagonally dominant factors, far above κ₁ when L's multipliers compound; Infinity
 * for a zero pivot or on overflow, and NaN or infinite when an entry of `a` is (‖A‖₁ is).
 */
export function conditionBound(a: Float64Array, ao: number, lu: Float64Array, lo: number, n: number): number {
  for (let i = 0; i < n; i++) if (lu[lo + i * n + i] === 0) return Infinity;
  const y = new Float64Array(n).fill(1);
  // M(U)ᵀ·y = e forwards, by rows of U.
  for (let j = 0; j < n; j++) {
    const r = lo + j * n;
    const yj = (y[j] = y[j]! / Math.abs(lu[r + j]!));
    for (let i = j + 1; i < n; i++) y[i] = y[i]! + Math.abs(lu[r + i]!) * yj;
  }
  // M(L)ᵀ·z = y backwards, by rows of L (unit diagonal), in place.
  for (let j = n - 1; j >= 0; j--) {
    const r = lo + j * n;
    const yj = y[j]!;
    for (let i = 0; i < j; i++) y[i] = y[i]! + Math.abs(lu[r + i]!) * yj;
  }
  return oneNorm(a, ao, n) * y.reduce((m, v) => Math.max(m, v), 0);
}

/** ‖A‖₁, the largest column sum of |A|. */
function oneNorm(a: Float64Array, ao: number, n: number): number {
  const columnSums = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) columnSums[j] = columnSums[j]! + Math.abs(a[ao + i * n + j]!);
  return columnSums.reduce((m, v) => Math.max(m, v), 0);
}

/** A⁻¹v (or A⁻ᵀv) for one vector from the LU factors, by substitution along rows of the factors. */
function luApply(lu: Float64Array, lo: number, n: number, pivots: Int32Array, po: number, v: Float64Array, transpose: boolean): Float64Array {
  const x = Float64Array.from(v);
  const swap = (i: number): void => {
    const p = pivots[po + i]!;
    const t = x[i]!;
    x[i] = x[p]!;
    x[p] = t;
  };
  if (!transpose) {
    for (let i = 0; i < n; i++) swap(i);
    for (let i = 0; i < n; i++) {
      let s = x[i]!;
      for (let j = 0, r = lo + i * n; j < i; j++) s -= lu[r + j]! * x[j]!;
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i]!;
      const r = lo + i * n;
      for (let j = i + 1; j < n; j++) s -= lu[r + j]! * x[j]!;
      x[i] = s / lu[r + i]!;
    }
    return x;
  }
  // Aᵀ = Uᵀ Lᵀ P: solve with Uᵀ (forward), then Lᵀ (backward), each as updates by rows of U and
  // L; then undo the swaps in reverse order.
  for (let j = 0; j < n; j++) {
    const r = lo + j * n;
    const xj = (x[j] = x[j]! / lu[r + j]!);
    for (let i = j + 1; i < n; i++) x[i] = x[i]! - lu[r + i]! * xj;
  }
  for (let j = n - 1; j >= 0; j--) {
    const r = lo + j * n;
    const xj = x[j]!;
    for (let i = 0; i < j; i++) x[i] = x[i]! - lu[r + i]! * xj;
  }
  for (let i = n - 1; i >= 0; i--) swap(i);
  return x;
}
