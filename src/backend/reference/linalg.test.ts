/**
 * The linear-algebra kernels against their defining identities (L·Lᵀ = A, P·A = L·U,
 * T·X = B, A·V = V·Λ with VᵀV = I, A = U·S·Vᵀ, A = Q·R with QᵀQ = I), at sizes below and above
 * the blocking threshold so both the unblocked and the GEMM-blocked paths run.
 */
import { describe, expect, test } from "vitest";
import { referenceBackend as ref } from "./index.js";
import { ArrayTensor } from "../../tensor/tensor.js";
import { Random } from "../../tensor/random.js";

const rng = new Random(7);

function randomMatrix(m: number, n: number): Float64Array {
  return Float64Array.from({ length: m * n }, () => 2 * rng.uniform() - 1);
}

function mul(a: Float64Array, b: Float64Array, m: number, k: number, n: number, transA = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) {
    const aip = transA ? a[p * m + i]! : a[i * k + p]!;
    for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + aip * b[p * n + j]!;
  }
  return c;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

function spd(n: number): Float64Array {
  const x = randomMatrix(n, n);
  const a = mul(x, x, n, n, n, true);
  for (let i = 0; i < n; i++) a[i * n + i] = a[i * n + i]! + n;
  return a;
}

const transposed = (a: Float64Array, m: number, n: number): Float64Array => {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
};

describe.each([5, 150])("linalg kernels at n = %i", (n) => {
  test("cholesky: L·Lᵀ = A, L lower", () => {
    const a = spd(n);
    const { factor, failure } = ref.cholesky(new ArrayTensor(a, [n, n]));
    expect(failure).toBeNull();
    const l = factor.contiguousData(false) as Float64Array;
    expect(maxDiff(mul(l, transposed(l, n, n), n, n, n), a)).toBeLessThan(1e-11 * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
  });

  test("cholesky reports the failing pivot", () => {
    const a = spd(n);
    a[3 * n + 3] = -1e6;
    const { failure } = ref.cholesky(new ArrayTensor(a, [n, n]));
    expect(failure?.pivot).toBe(3);
  });

  test("conditionEstimate: exact on small cases (κ₁ of [[1, 2], [3, 4]] is 6 · 3.5 = 21)", () => {
    const a = new ArrayTensor(Float64Array.from([1, 2, 3, 4]), [2, 2]);
    expect(ref.conditionEstimate(a, ref.lu(a))[0]).toBeCloseTo(21, 12);
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) d[i * n + i] = i === 2 ? 1e-3 : 1;
    const dt = new ArrayTensor(d, [n, n]);
    expect(ref.conditionEstimate(dt, ref.lu(dt))[0]).toBeCloseTo(1e3, 6);
  });

  test("conditionBound: never below the estimate, exact where |A⁻¹| is the comparison bound", () => {
    // Diagonal: κ₁ = 1e3. U with 1 on the diagonal and −1 everywhere above it: U⁻¹ has
    // entries 2^(j−i−1) > 0, so ‖U⁻¹‖₁ = 2^(n−1), ‖U‖₁ = n, κ₁ = n·2^(n−1) (no pivoting).
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) d[i * n + i] = i === 2 ? 1e-3 : 1;
    const dt = new ArrayTensor(d, [n, n]);
    expect(ref.conditionBound(dt, ref.lu(dt))[0]).toBeCloseTo(1e3, 9);
    const m = 5;
    const u = new ArrayTensor(Float64Array.from({ length: m * m }, (_, k) => (Math.floor(k / m) === k % m ? 1 : Math.floor(k / m) < k % m ? -1 : 0)), [m, m]);
    expect(ref.conditionBound(u, ref.lu(u))[0]).toBe(5 * 16);
    for (let trial = 0; trial < 3; trial++) {
      const g = new ArrayTensor(randomMatrix(n, n), [n, n]);
      const f = ref.lu(g);
      expect(ref.conditionBound(g, f)[0]).toBeGreaterThanOrEqual(ref.conditionEstimate(g, f)[0]!);
    }
    const singular = new ArrayTensor(Float64Array.from([1, 2, 2, 4]), [2, 2]);
    expect(ref.conditionBound(singular, ref.lu(singular))[0]).toBe(Infinity);
  });

  test("lu + luSolve: A·X = B", () => {
    const a = randomMatrix(n, n);
    const b = randomMatrix(n, 3);
    const x = ref.luSolve(ref.lu(new ArrayTensor(a, [n, n])), new ArrayTensor(b, [n, 3])).contiguousData(false) as Float64Array;
    expect(maxDiff(mul(a, x, n, n, 3), b)).toBeLessThan(1e-9);
  });

  test.each([[true, false], [true, true], [false, false], [false, true]])("triangularSolve lower=%s transpose=%s", (lower, transpose) => {
    const a = randomMatrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (lower ? j > i : j < i) a[i * n + j] = 0;
      if (i === j) a[i * n + j] = 2 + rng.uniform();
    }
    const k = n > 100 ? 120 : 2;
    const b = randomMatrix(n, k);
    const x = ref.triangularSolve(new ArrayTensor(a, [n, n]), new ArrayTensor(b, [n, k]), lower, transpose, false).contiguousData(false) as Float64Array;
    const op = transpose ? transposed(a, n, n) : a;
    expect(maxDiff(mul(op, x, n, n, k), b)).toBeLessThan(1e-10);
  });

  test("eigh: A·V = V·Λ, VᵀV = I, ascending", () => {
    const a = spd(n);
    const { values, vectors } = ref.eigh(new ArrayTensor(a, [n, n]));
    const lam = values.contiguousData(false), v = vectors.contiguousData(false) as Float64Array;
    const av = mul(a, v, n, n, n);
    const vl = v.map((x, idx) => x * lam[idx % n]!);
    expect(maxDiff(av, vl)).toBeLessThan(1e-10 * n);
    const eye = Float64Array.from({ length: n * n }, (_, idx) => (idx % (n + 1) === 0 ? 1 : 0));
    expect(maxDiff(mul(v, v, n, n, n, true), eye)).toBeLessThan(1e-12 * n);
    for (let i = 1; i < n; i++) expect(lam[i]!).toBeGreaterThanOrEqual(lam[i - 1]!);
    expect(maxDiff(ref.eigvalsh(new ArrayTensor(a, [n, n])).contiguousData(false), lam)).toBeLessThan(1e-12 * n * n);
  });

  test.each([[1, 0], [0, 1]])("svd and qr of a tall (%i) or wide (%i) matrix", (tall, wide) => {
    const [m, c] = [n + 3 * tall, n + 2 * wide];
    const k = Math.min(m, c);
    const a = randomMatrix(m, c);
    const { u, s, vt } = ref.svd(new ArrayTensor(a, [m, c]));
    const ud = u.contiguousData(false) as Float64Array, sd = s.contiguousData(false), vd = vt.contiguousData(false) as Float64Array;
    const us = ud.map((x, idx) => x * sd[idx % k]!);
    expect(maxDiff(mul(us, vd, m, k, c), a)).toBeLessThan(1e-12 * n);
    for (let i = 1; i < k; i++) expect(sd[i]!).toBeLessThanOrEqual(sd[i - 1]!);
    const { q, r } = ref.qr(new ArrayTensor(a, [m, c]));
    const qd = q.contiguousData(false) as Float64Array;
    expect(maxDiff(mul(qd, r.contiguousData(false) as Float64Array, m, k, c), a)).toBeLessThan(1e-12 * n);
    const eye = Float64Array.from({ length: k * k }, (_, idx) => (idx % (k + 1) === 0 ? 1 : 0));
    expect(maxDiff(mul(qd, qd, k, m, k, true), eye)).toBeLessThan(1e-13 * n);
  });
});

describe("blocked factorizations with wide panels (n ≥ 512)", () => {
  const n = 520;
  test("cholesky and LU solve reproduce their inputs", () => {
    const a = spd(n);
    const l = ref.cholesky(new ArrayTensor(a, [n, n])).factor.contiguousData(false) as Float64Array;
    expect(maxDiff(mul(l, transposed(l, n, n), n, n, n), a)).toBeLessThan(1e-10 * n);
    const g = randomMatrix(n, n);
    const b = randomMatrix(n, 2);
    const x = ref.luSolve(ref.lu(new ArrayTensor(g, [n, n])), new ArrayTensor(b, [n, 2])).contiguousData(false) as Float64Array;
    expect(maxDiff(mul(g, x, n, n, 2), b)).toBeLessThan(1e-8);
  });
});
