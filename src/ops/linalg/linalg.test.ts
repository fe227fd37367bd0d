/**
 * nb.linalg against PyTorch float64 (reference.json, made by reference.py with torch.linalg and
 * autograd): values, gradients of a weighted sum of the outputs, and Hessian-vector products of
 * that sum, on batched inputs, to 1e-9 relative. Eigen- and singular vectors enter through
 * sign-invariant squares, so they are compared up to sign. Then the error messages.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";

interface Case {
  inputs: nb.NestedArray[];
  values: nb.NestedArray[];
  weights: nb.NestedArray[];
  grads: nb.NestedArray[];
  direction: nb.NestedArray[];
  hvp: nb.NestedArray[];
}

const reference = JSON.parse(readFileSync(new URL("./reference.json", import.meta.url), "utf8")) as { cases: Record<string, Case> };

type Fn = (...xs: nb.Tensor[]) => nb.Tensor[];

const L = nb.linalg;
const eye = (n: number): nb.Tensor => nb.eye(n);
const mT = (x: nb.Tensor): nb.Tensor => nb.transpose(x, [...x.shape.keys()].map((i, _, a) => (i < a.length - 2 ? i : 2 * a.length - 3 - i)));
const spd = (x: nb.Tensor): nb.Tensor => nb.add(nb.matmul(x, mT(x)), nb.mul(eye(x.shape[x.ndim - 1]!), 3));
const sym = (x: nb.Tensor): nb.Tensor => nb.mul(nb.add(x, mT(x)), 0.5);
const invertible = (x: nb.Tensor): nb.Tensor => nb.add(x, nb.mul(eye(x.shape[x.ndim - 1]!), 3));
const lowerOf = (x: nb.Tensor): nb.Tensor => {
  const n = x.shape[x.ndim - 1]!;
  const mask = nb.tensor(Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) >= k % n ? 1 : 0)), { shape: [n, n] });
  return nb.add(nb.mul(x, mask), nb.mul(eye(n), 2));
};
const sq = (x: nb.Tensor): nb.Tensor => nb.square(x);

const functions: Record<string, Fn> = {
  cholesky: (x) => [L.cholesky(spd(x))],
  solve: (a, b) => [L.solve(invertible(a!), b!)],
  solveVector: (a, b) => [L.solve(invertible(a!), b!)],
  inv: (a) => [L.inv(invertible(a!))],
  det: (a) => [L.det(invertible(a!))],
  slogdet: (a) => [L.slogdet(nb.sub(invertible(a!), nb.mul(eye(3), 2.5))).logabsdet],
  triangularSolve: (a, b) => [L.triangularSolve(lowerOf(a!), b!)],
  triangularSolveT: (a, b) => [L.triangularSolve(mT(lowerOf(a!)), b!, { lower: false })],
  choSolve: (x, b) => [L.choSolve(L.cholesky(spd(x!)), b!)],
  eigh: (x) => {
    const { eigenvalues, eigenvectors } = L.eigh(nb.add(sym(x!), nb.mul(eye(4), nb.tensor([0, 2, 4, 6]))));
    return [eigenvalues, sq(eigenvectors)];
  },
  eigvalsh: (x) => [L.eigvalsh(sym(x!))],
  svd: (a) => svdOutputs(a!),
  svdWide: (a) => svdOutputs(a!),
  svdvals: (a) => [L.svdvals(a!)],
  qr: (a) => {
    const { q, r } = L.qr(a!);
    return [q, r];
  },
  qrWide: (a) => {
    const { q, r } = L.qr(a!);
    return [q, r];
  },
  lstsq: (a, b) => [L.lstsq(a!, b!).solution],
  pinv: (a) => [L.pinv(a!)],
  expm: (a) => [L.expm(a!)],
  expmLarge: (a) => [L.expm(nb.mul(a!, 4))],
  normVector: (x) => [L.norm(x!, 2, -1)],
  normFro: (a) => [L.norm(a!, "fro", [-2, -1])],
  normNuc: (a) => [L.norm(a!, "nuc", [-2, -1])],
  norm2: (a) => [L.norm(a!, 2, [-2, -1])],
  norm1: (a) => [L.norm(a!, 1, [-2, -1])],
  normInf: (a) => [L.norm(a!, Infinity, [-2, -1])],
};

function svdOutputs(a: nb.Tensor): nb.Tensor[] {
  const { u, s, vt } = L.svd(a);
  return [sq(u), s, sq(vt)];
}

function expectClose(actual: nb.Tensor, expected: nb.NestedArray, what: string): void {
  const e = nb.tensor(expected);
  expect(actual.shape, `${what}: shape`).toEqual(e.shape);
  const scale = Math.max(1, nb.max(nb.abs(e)).item());
  const err = nb.max(nb.abs(nb.sub(actual, e))).item();
  expect(err, `${what}: max |nabla − torch| = ${err} (scale ${scale})`).toBeLessThanOrEqual(1e-9 * scale);
}

describe("nb.linalg agrees with torch.linalg (float64): values, gradients, Hessian-vector products", () => {
  test.each(Object.keys(functions))("%s", (name) => {
    const c = reference.cases[name]!;
    const f = functions[name]!;
    const xs = c.inputs.map((x) => nb.tensor(x));
    const weights = c.weights.map((w) => nb.tensor(w));
    const direction = c.direction.map((v) => nb.tensor(v));
    f(...xs).forEach((out, i) => expectClose(out, c.values[i]!, `${name} value ${i}`));
    const argnums = xs.map((_, i) => i);
    const loss = (...ys: nb.Tensor[]): nb.Tensor => f(...ys).reduce<nb.Tensor>((s, o, i) => nb.add(s, nb.sum(nb.mul(weights[i]!, o))), nb.scalar(0));
    const gradFn = nb.grad(loss, { argnums }) as (...ys: nb.Tensor[]) => nb.Tensor[];
    gradFn(...xs).forEach((g, i) => expectClose(g, c.grads[i]!, `${name} gradient ${i}`));
    const directional = (...ys: nb.Tensor[]): nb.Tensor => gradFn(...ys).reduce<nb.Tensor>((s, g, i) => nb.add(s, nb.sum(nb.mul(g, direction[i]!))), nb.scalar(0));
    const hvp = nb.grad(directional, { argnums }) as (...ys: nb.Tensor[]) => nb.Tensor[];
    // The 1- and ∞-norms are piecewise linear: their Hessian is 0 (torch 1.13's double backward
    // through amax reports non-zero values there, so the analytic value is the reference).
    const piecewiseLinear = name === "norm1" || name === "normInf";
    hvp(...xs).forEach((h, i) => expectClose(h, piecewiseLinear ? nb.zerosLike(h).toArray() : c.hvp[i]!, `${name} Hessian-vector product ${i}`));
  });
});

describe("nb.linalg errors", () => {
  test("cholesky of a non-positive-definite matrix names the pivot", () => {
    expect(() => L.cholesky([[1, 2], [2, 1]])).toThrow(/not positive definite: pivot 1/);
    expect(() => L.cholesky([[[4, 0], [0, 1]], [[1, 0], [0, -1]]])).toThrow(/not positive definite \(matrix \[1\] of the batch\): pivot 1/);
  });
  test("solve and inv of a singular matrix say so, with a condition estimate", () => {
    expect(() => L.solve([[1, 2], [2, 4]], [1, 1])).toThrow(/singular .*estimated condition number ∞/);
    expect(() => L.solve([[1, 1], [1, 1 + 4e-16]], [1, 1])).toThrow(/estimated condition number \d\.\d+e\+\d+ \(1-norm\)/);
    expect(L.solve([[1, 1], [1, 1 + 1e-14]], [2, 2]).toArray()).toEqual([2, 0]);
    expect(() => L.inv([[1, 1], [1, 1 + 1e-17]])).toThrow(/singular/);
    expect(() => L.inv([[1, 1], [1, 1]])).toThrow(nb.NablaError);
    expect(() => L.triangularSolve([[1, 0], [1, 0]], [1, 1])).toThrow("triangularSolve: the triangular matrix is singular: diagonal entry 1 is 0");
  });
  test("non-square matrices are refused", () => {
    expect(() => L.inv([[1, 2, 3], [4, 5, 6]])).toThrow("inv: expected a square matrix or a batch of them ([..., n, n]), got shape [2, 3]");
    expect(() => L.eigh([1, 2, 3])).toThrow("eigh: expected a square matrix");
    expect(() => L.solve(nb.eye(3), [1, 2])).toThrow("b must be [..., 3] or [..., 3, k]");
  });
  test("NaN and Infinity entries are named", () => {
    expect(() => L.det([[1, NaN], [0, 1]])).toThrow("det: entry [0, 1] of the input [2, 2] is NaN");
    expect(() => L.inv([[1, 0], [-Infinity, 1]])).toThrow("inv: entry [1, 0] of the input [2, 2] is -Infinity");
    expect(() => L.svd([[1, Infinity]])).toThrow("svd: entry [0, 1] of the input [1, 2] is Infinity");
    // Past the kernels' size thresholds, in the second matrix of a batch: solve and inv factor
    // first and scan only when the condition bound (NaN here) does not clear the input.
    const batch = nb.add(nb.mul(nb.eye(40), 40), nb.zeros([2, 40, 40])).toArray() as number[][][];
    batch[1]![5]![7] = NaN;
    expect(() => L.solve(batch, nb.ones([2, 40, 1]))).toThrow("solve: entry [1, 5, 7] of the input [2, 40, 40] is NaN");
    batch[1]![5]![7] = -Infinity;
    expect(() => L.inv(batch)).toThrow("inv: entry [1, 5, 7] of the input [2, 40, 40] is -Infinity");
  });
  test("Taylor mode through svd says which function lacks the rule", () => {
    expect(() => nb.jet((x: nb.Tensor) => L.svdvals(x), [nb.eye(2)], [[nb.eye(2)]])).toThrow(/svdvals/);
  });
});

describe("conventions", () => {
  test("float32 in, float32 out", () => {
    const a = nb.tensor([[4, 1], [1, 3]], { dtype: "float32" });
    const outs = [L.cholesky(a), L.solve(a, nb.tensor([1, 2], { dtype: "float32" })), L.inv(a), L.det(a), L.eigh(a).eigenvectors, L.svd(a).u, L.qr(a).r, L.expm(a), L.pinv(a)];
    expect(outs.map((t) => t.dtype)).toEqual(outs.map(() => "float32"));
    expect(L.det(a).item()).toBeCloseTo(11, 5);
  });
  test("rules read no values, so nb.jit traces gradients through eigh, expm and cholesky", () => {
    const f = (x: nb.Tensor): nb.Tensor => {
      const a = nb.reshape(x, [2, 2]);
      const { eigenvectors } = L.eigh(a);
      return nb.add(nb.sum(nb.mul(eigenvectors, nb.tensor([[1, 2], [3, 4]]))), nb.add(nb.sum(L.expm(a)), nb.sum(L.cholesky(a))));
    };
    const x = nb.tensor([2, 0.2, 0.2, 3]);
    expectClose(nb.jit(nb.grad(f))(x), nb.grad(f)(x).toArray(), "jit(grad) vs grad");
  });
  test("norm's gradient at 0 is 0, not NaN", () => {
    expect(nb.grad((x: nb.Tensor) => L.norm(x))(nb.zeros([3])).toArray()).toEqual([0, 0, 0]);
    expect(nb.grad((x: nb.Tensor) => L.norm(x, "fro"))(nb.zeros([2, 2])).toArray()).toEqual([[0, 0], [0, 0]]);
  });
  test("eigvalsh of A·Aᵀ at A = [[1, 2], [3, 4]]: gradient of the larger eigenvalue (issue 12's finite differences)", () => {
    const g = nb.grad((a: nb.Tensor) => nb.sum(nb.slice(L.eigvalsh(nb.matmul(a, mT(a))), [1], [1])))(nb.tensor([[1, 2], [3, 4]]));
    const fd = [[2.547, 3.614], [5.758, 8.171]];
    (g.toArray() as number[][]).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(fd[i]![j]!, 3)));
  });
  test("eigenvectors: a degenerate pair contributes no 1/(λi − λj) term, so invariant functions stay finite", () => {
    // f = Σ λᵢ (vᵢ ⊙ vᵢ)·w is basis-dependent, but the projector onto a repeated eigenspace is not:
    // at A = I the eigenvector gradient of trace(V diag(λ) Vᵀ) is finite (= the identity).
    const g = nb.grad((a: nb.Tensor) => {
      const { eigenvalues, eigenvectors } = L.eigh(a);
      return nb.sum(nb.mul(nb.matmul(nb.mul(eigenvectors, nb.reshape(eigenvalues, [1, 3])), mT(eigenvectors)), eye(3)));
    })(nb.eye(3));
    expect(g.toArray()).toEqual(nb.eye(3).toArray());
  });
});
