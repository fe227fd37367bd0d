import type { TypedArray } from "../../tensor/dtype.js";

/** Below this many multiply-adds, packing costs more than it saves. */
const SMALL_WORK = 32 * 32 * 32;
const KC = 256;
const MC = 64;
const NC = 512;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);
const edgeTile = new Float64Array(16);

/**
 * C[m×n] += A[m×k] · B[k×n] for contiguous row-major operands at the given offsets,
 * accumulating into the float64 buffer `c` (offset co).
 *
 * Blocked as in GotoBLAS: panels of B (KC×NC) and A (MC×KC) are packed into contiguous
 * float64 buffers, and a 4×4 register-tiled micro-kernel streams through them.
 */
export function gemm(
  a: TypedArray, ao: number, b: TypedArray, bo: number, c: Float64Array, co: number,
  m: number, k: number, n: number,
): void {
  if (n === 1) {
    gemv(a, ao, b, bo, c, co, m, k);
    return;
  }
  if (m * n * k <= SMALL_WORK || m < 4 || n < 4) {
    gemmSimple(a, ao, b, bo, c, co, m, k, n);
    return;
  }
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      const bPanels = Math.ceil(nc / 4);
      if (packB.length < bPanels * 4 * kc) packB = new Float64Array(bPanels * 4 * kc);
      packPanelsB(b, bo, n, pc, jc, kc, nc, packB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        const aPanels = Math.ceil(mc / 4);
        if (packA.length < aPanels * 4 * kc) packA = new Float64Array(aPanels * 4 * kc);
        packPanelsA(a, ao, k, ic, pc, mc, kc, packA);
        for (let ip = 0; ip < aPanels; ip++) {
          const rows = Math.min(4, mc - ip * 4);
          for (let jp = 0; jp < bPanels; jp++) {
            const cols = Math.min(4, nc - jp * 4);
            microKernel(packA, ip * 4 * kc, packB, jp * 4 * kc, kc, c, co + (ic + ip * 4) * n + jc + jp * 4, n, rows, cols);
          }
        }
      }
    }
  }
}

/**
 * Matrix times vector as m dot products over contiguous rows. The general i-p-j loop would
 * run an inner loop of length one here, at a tenth of the speed. Two accumulators halve the
 * dependency chain of the additions.
 */
function gemv(a: TypedArray, ao: number, b: TypedArray, bo: number, c: Float64Array, co: number, m: number, k: number): void {
  for (let i = 0; i < m; i++) {
    const row = ao + i * k;
    let s0 = 0;
    let s1 = 0;
    let p = 0;
    for (; p + 1 < k; p += 2) {
      s0 += a[row + p]! * b[bo + p]!;
      s1 += a[row + p + 1]! * b[bo + p + 1]!;
    }
    if (p < k) s0 += a[row + p]! * b[bo + p]!;
    c[co + i] = c[co + i]! + s0 + s1;
  }
}

function gemmSimple(
  a: TypedArray, ao: number, b: TypedArray, bo: number, c: Float64Array, co: number,
  m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ci = co + i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[ao + i * k + p]!;
      if (aip === 0) continue;
      const bp = bo + p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + aip * b[bp + j]!;
    }
  }
}

/** Packs rows ic..ic+mc of A's columns pc..pc+kc as 4-row panels: panel[p*4 + r] = A[ic + 4q + r, pc + p]. */
function packPanelsA(a: TypedArray, ao: number, k: number, ic: number, pc: number, mc: number, kc: number, out: Float64Array): void {
  for (let i0 = 0, q = 0; i0 < mc; i0 += 4, q++) {
    const base = q * 4 * kc;
    for (let r = 0; r < 4; r++) {
      const row = i0 + r;
      if (row < mc) {
        const src = ao + (ic + row) * k + pc;
        for (let p = 0; p < kc; p++) out[base + p * 4 + r] = a[src + p]!;
      } else {
        for (let p = 0; p < kc; p++) out[base + p * 4 + r] = 0;
      }
    }
  }
}

/** Packs B's rows pc..pc+kc, columns jc..jc+nc as 4-column panels: panel[p*4 + c] = B[pc + p, jc + 4q + c]. */
function packPanelsB(b: TypedArray, bo: number, n: number, pc: number, jc: number, kc: number, nc: number, out: Float64Array): void {
  for (let j0 = 0, q = 0; j0 < nc; j0 += 4, q++) {
    const base = q * 4 * kc;
    const cols = Math.min(4, nc - j0);
    for (let p = 0; p < kc; p++) {
      const src = bo + (pc + p) * n + jc + j0;
      const dst = base + p * 4;
      for (let c = 0; c < 4; c++) out[dst + c] = c < cols ? b[src + c]! : 0;
    }
  }
}

function microKernel(
  ap: Float64Array, ai: number, bp: Float64Array, bi: number, kc: number,
  c: Float64Array, ci: number, ldc: number, rows: number, cols: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, ai += 4, bi += 4) {
    const b0 = bp[bi]!, b1 = bp[bi + 1]!, b2 = bp[bi + 2]!, b3 = bp[bi + 3]!;
    let a = ap[ai]!;
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = ap[ai + 1]!;
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = ap[ai + 2]!;
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = ap[ai + 3]!;
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
  }
  if (rows === 4 && cols === 4) {
    c[ci] = c[ci]! + c00; c[ci + 1] = c[ci + 1]! + c01; c[ci + 2] = c[ci + 2]! + c02; c[ci + 3] = c[ci + 3]! + c03;
    ci += ldc;
    c[ci] = c[ci]! + c10; c[ci + 1] = c[ci + 1]! + c11; c[ci + 2] = c[ci + 2]! + c12; c[ci + 3] = c[ci + 3]! + c13;
    ci += ldc;
    c[ci] = c[ci]! + c20; c[ci + 1] = c[ci + 1]! + c21; c[ci + 2] = c[ci + 2]! + c22; c[ci + 3] = c[ci + 3]! + c23;
    ci += ldc;
    c[ci] = c[ci]! + c30; c[ci + 1] = c[ci + 1]! + c31; c[ci + 2] = c[ci + 2]! + c32; c[ci + 3] = c[ci + 3]! + c33;
    return;
  }
  // A partial tile at the bottom or right edge: stage it in a fixed scratch (no allocation).
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) c[ci + r * ldc + q] = c[ci + r * ldc + q]! + t[r * 4 + q]!;
}
