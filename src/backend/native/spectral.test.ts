/**
 * The native backend's eigh and svd (native/src/linalg_eig.cc) on inputs harder than the backend
 * contract's random matrices (test/backends.test.ts): exactly rank-deficient ones (the all-ones
 * matrix, whose bidiagonal ends in a run of zeros and ever tinier noise), entries near overflow
 * and underflow (1e300, 1e-300, subnormal), graded and structured matrices (Hilbert, Wilkinson's
 * W₂₁⁺ with its nearly equal pair). The expected values are analytic (A = Q·diag(λ)·Qᵀ for an
 * orthogonal Q, the all-ones matrix's n and zeros) or the decompositions' own invariants:
 * A = VΛVᵀ = UΣVᵀ to 1e-12·n·max|A|, orthonormal bases to 1e-12·n, values sorted.
 */
import { describe, expect, test } from "vitest";
import "../../node.js";
import { registeredBackends } from "../registry.js";
import { ArrayTensor } from "../../tensor/tensor.js";

const native = registeredBackends().find((b) => b.name === "native");

let seed = 7;
function random(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return (seed / 2 ** 32) * 2 - 1;
}

type Mat = Float64Array;
const entry = (x: ArrayTensor, i: number, j: number): number => x.contiguousData(false)[i * x.shape[1]! + j]!;
const largest = (a: Mat): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** max over (i, j) of |Σₖ b(i, k)·w(k)·c(k, j) − a(i, j)|, a m×n. */
function reconstructionError(a: Mat, m: number, n: number, k: number, b: (i: number, p: number) => number, w: (p: number) => number, c: (p: number, j: number) => number): number {
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += b(i, p) * w(p) * c(p, j);
      worst = Math.max(worst, Math.abs(s - a[i * n + j]!));
    }
  }
  return worst;
}

/** max |QᵀQ − I| for the k columns of the m×k matrix q(i, j). */
function orthogonalityError(q: (i: number, j: number) => number, m: number, k: number): number {
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < m; p++) s += q(p, i) * q(p, j);
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

/** eigh's invariants on the symmetric n×n a; returns the eigenvalues. */
function checkEigh(a: Mat, n: number): number[] {
  const { values, vectors } = native!.eigh(new ArrayTensor(a, [n, n]));
  const lambda = Array.from(values.contiguousData(false));
  for (let i = 1; i < n; i++) expect(lambda[i]!).toBeGreaterThanOrEqual(lambda[i - 1]!);
  const v = (i: number, j: number): number => entry(vectors, i, j);
  expect(reconstructionError(a, n, n, n, v, (p) => lambda[p]!, (p, j) => v(j, p))).toBeLessThanOrEqual(1e-12 * n * largest(a));
  expect(orthogonalityError(v, n, n)).toBeLessThanOrEqual(1e-12 * n);
  expect(Array.from(native!.eigvalsh(new ArrayTensor(a, [n, n])).contiguousData(false))).toEqual(lambda);
  return lambda;
}

/** svd's invariants on the m×n a; returns the singular values. */
function checkSvd(a: Mat, m: number, n: number): number[] {
  const k = Math.min(m, n);
  const { u, s, vt } = native!.svd(new ArrayTensor(a, [m, n]));
  const sigma = Array.from(s.contiguousData(false));
  for (let i = 0; i < k; i++) expect(sigma[i]!).toBeGreaterThanOrEqual(0);
  for (let i = 1; i < k; i++) expect(sigma[i]!).toBeLessThanOrEqual(sigma[i - 1]!);
  const tol = 1e-12 * Math.max(m, n);
  expect(reconstructionError(a, m, n, k, (i, p) => entry(u, i, p), (p) => sigma[p]!, (p, j) => entry(vt, p, j))).toBeLessThanOrEqual(tol * largest(a));
  expect(orthogonalityError((i, j) => entry(u, i, j), m, k)).toBeLessThanOrEqual(tol);
  expect(orthogonalityError((i, j) => entry(vt, j, i), n, k)).toBeLessThanOrEqual(tol);
  expect(Array.from(native!.svdvals(new ArrayTensor(a, [m, n])).contiguousData(false))).toEqual(sigma);
  return sigma;
}

/** scale·Q·diag(spectrum)·Qᵀ, Q orthogonal (the QR factor of a random matrix). */
function withSpectrum(spectrum: readonly number[], scale: number): Mat {
  const n = spectrum.length;
  const q = native!.qr(new ArrayTensor(Float64Array.from({ length: n * n }, random), [n, n])).q;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = scale * spectrum.reduce((s, l, p) => s + entry(q, i, p) * l * entry(q, j, p), 0);
  return a;
}

const expectClose = (got: readonly number[], want: readonly number[], tol: number): void => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `value ${i}: ${g} against ${want[i]}`).toBeLessThanOrEqual(tol));
};

describe.skipIf(!native)("native eigh and svd on hard inputs", () => {
  test("the all-ones matrix (rank 1), square, tall and wide", () => {
    for (const [m, n] of [[100, 100], [103, 100], [100, 103]] as const) {
      const sigma = checkSvd(new Float64Array(m * n).fill(1), m, n);
      expectClose(sigma, [Math.sqrt(m * n), ...Array<number>(Math.min(m, n) - 1).fill(0)], 1e-12 * m * n);
    }
    expectClose(checkEigh(new Float64Array(100 * 100).fill(1), 100), [...Array<number>(99).fill(0), 100], 1e-12 * 100 * 100);
  });

  test("entries near overflow, near underflow and subnormal keep their relative accuracy", () => {
    const spectrum = [-3, -1, 0.5, 2, 2, 4, 7, 7.5];
    for (const scale of [1e300, 1e-300, 1e-310]) {
      const a = withSpectrum(spectrum, scale);
      // Subnormal entries carry fewer digits: 1e-310 keeps about 2⁻³⁶ of relative precision.
      const rel = scale < 1e-307 ? 1e-9 : 1e-12 * 8;
      expectClose(checkEigh(a, 8).map((x) => x / scale), spectrum, rel * 8);
      expectClose(checkSvd(a, 8, 8).map((x) => x / scale), spectrum.map(Math.abs).sort((x, y) => y - x), rel * 8);
    }
  });

  test("NaN or infinite entries give NaN throughout, at once (nb.linalg refuses them before the kernel)", () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const a = Float64Array.from({ length: 200 * 200 }, random);
      a[777] = bad;
      const x = new ArrayTensor(a, [200, 200]);
      const started = performance.now();
      const { u, s, vt } = native!.svd(x);
      const { values, vectors } = native!.eigh(x);
      for (const t of [u, s, vt, values, vectors, native!.svdvals(x), native!.eigvalsh(x)]) expect(t.contiguousData(false).every(Number.isNaN)).toBe(true);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  test("graded and structured matrices: rows scaled 1e-10 to 1e10, Hilbert, Wilkinson's W21+", () => {
    const n = 60;
    const graded = Float64Array.from({ length: n * n }, (_, i) => random() * 10 ** ((Math.floor(i / n) - n / 2) / 3));
    checkSvd(graded, n, n);
    const symmetricGraded = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) symmetricGraded[i * n + j] = graded[Math.max(i, j) * n + Math.min(i, j)]!;
    checkEigh(symmetricGraded, n);
    const hilbert = Float64Array.from({ length: n * n }, (_, i) => 1 / (Math.floor(i / n) + (i % n) + 1));
    checkEigh(hilbert, n);
    checkSvd(hilbert, n, n);
    const w = new Float64Array(21 * 21);
    for (let i = 0; i < 21; i++) {
      w[i * 21 + i] = Math.abs(10 - i);
      if (i < 20) w[i * 21 + i + 1] = w[(i + 1) * 21 + i] = 1;
    }
    // Its two largest eigenvalues agree to 14 digits (mpmath.eigsy at 30 digits: 10.74619418290332183… and 10.74619418290339343…)
    const lambda = checkEigh(w, 21);
    expectClose(lambda.slice(-2), [10.7461941829033220, 10.7461941829033932], 1e-13 * 21 * 10);
    checkSvd(w, 21, 21);
  });
});
