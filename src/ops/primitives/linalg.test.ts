/**
 * matmul's identity shortcut: a product with eye's identity (or a transposed view of it)
 * returns the other operand, which is what makes jacfwd and hessian skip their first GEMM.
 * Expected values are the operands themselves, sums written out by hand, and the Hessian
 * of sum(tanh(A·x)) from its closed form Aᵀ·diag(−2·tanh(Ax)·(1 − tanh²(Ax)))·A.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import { isIdentity } from "../../tensor/create.js";

const A = nb.tensor([[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.3]]);
const B = nb.tensor([[1, 2], [3, 4], [5, 6]]);

describe("matmul with an identity", () => {
  test("eye, its transpose and 2-D reshapes are identities; other matrices and views are not", () => {
    expect(isIdentity(nb.eye(3))).toBe(true);
    expect(isIdentity(nb.transpose(nb.eye(3)))).toBe(true);
    expect(isIdentity(nb.eye(1))).toBe(true);
    expect(isIdentity(nb.tensor([[1, 0], [0, 1]]))).toBe(false); // equal values, but not known to be
    expect(isIdentity(nb.slice(nb.eye(4), [1, 1], [2, 2]))).toBe(false);
    expect(isIdentity(nb.reshape(nb.eye(4), [2, 8]))).toBe(false);
    expect(isIdentity(nb.reshape(nb.eye(4), [16]))).toBe(false);
  });

  test("I·B = B and A·I = A, batched and transposed operands included", () => {
    expect(nb.matmul(nb.eye(3), B).toArray()).toEqual(B.toArray());
    expect(nb.matmul(A, nb.eye(3)).toArray()).toEqual(A.toArray());
    expect(nb.matmul(nb.transpose(A), nb.transpose(nb.eye(3))).toArray()).toEqual(nb.transpose(A).toArray());
    const batch = nb.stack([B, nb.neg(B)]);
    expect(nb.matmul(nb.eye(3), batch).toArray()).toEqual(batch.toArray());
    expect(nb.matmul(A, nb.eye(3, { dtype: "float32" })).dtype).toBe("float64"); // mixed dtypes multiply and promote
  });

  test("a slice of eye that is not the whole identity is multiplied, not skipped", () => {
    // Rows 1..2 of I₃ pick rows 1..2 of B.
    expect(nb.matmul(nb.slice(nb.eye(3), [1, 0], [2, 3]), B).toArray()).toEqual([[3, 4], [5, 6]]);
  });

  test("derivatives through a product with eye are those of the other operand", () => {
    const w = nb.tensor([[1, -1], [2, 0.5], [0, 3]]);
    const g = nb.grad((b: nb.Tensor) => nb.sum(nb.mul(nb.matmul(nb.eye(3), b), w)))(B);
    expect(g.toArray()).toEqual(w.toArray());
  });

  test("jacfwd of x ↦ A·x is A, and the Hessian of sum(tanh(A·x)) is Aᵀ·diag(−2t(1−t²))·A", () => {
    const x = nb.tensor([0.3, -0.7, 1.1]);
    expect(nb.jacfwd((v: nb.Tensor) => nb.matmul(A, v))(x).toArray()).toEqual(A.toArray());
    const a = A.toArray() as number[][];
    const xs = x.toArray() as number[];
    const t = a.map((r) => Math.tanh(r.reduce((s, aij, j) => s + aij * xs[j]!, 0)));
    const d = t.map((ti) => -2 * ti * (1 - ti * ti));
    const want = xs.map((_, j) => xs.map((__, k) => a.reduce((s, r, i) => s + r[j]! * d[i]! * r[k]!, 0)));
    const H = nb.hessian((v: nb.Tensor) => nb.sum(nb.tanh(nb.matmul(A, v))))(x).toArray() as number[][];
    H.forEach((r, j) => r.forEach((h, k) => expect(Math.abs(h - want[j]![k]!)).toBeLessThanOrEqual(1e-14)));
  });
});
