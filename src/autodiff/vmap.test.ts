/**
 * vmap against the loop it replaces: every result is compared with f applied to each example
 * separately and stacked (the per-primitive rules are checked in test/rules.test.ts).
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const X = nb.tensor([[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.3], [0.1, 0.2, 0.3]]);

function row(x: nb.Tensor, i: number): nb.Tensor {
  return nb.reshape(nb.slice(x, [i, 0], [1, -1]), [x.shape[1]!]);
}

function expectClose(a: nb.Tensor, b: nb.Tensor, tol = 1e-12): void {
  expect(a.shape).toEqual(b.shape);
  expect(nb.max(nb.abs(nb.sub(a, b))).item()).toBeLessThanOrEqual(tol);
}

const loop = (f: (x: nb.Tensor) => nb.Tensor, x: nb.Tensor): nb.Tensor => nb.stack(Array.from({ length: x.shape[0]! }, (_, i) => f(row(x, i))));

describe("vmap", () => {
  const mlp = (w: nb.Tensor, x: nb.Tensor): nb.Tensor => nb.sum(nb.tanh(nb.matmul(x, w)));
  const W = nb.tensor([[0.3, -0.2], [0.1, 0.5], [-0.4, 0.2]]);

  test("maps a function over axis 0 like a loop", () => {
    const f = (x: nb.Tensor) => nb.softmax(nb.mul(x, nb.sum(x)));
    expectClose(nb.vmap(f)(X), loop(f, X));
  });

  test("per-example gradients: vmap(grad(loss), {inAxes: [null, 0, 0]})", () => {
    const Y = nb.tensor([1, 0, -1, 2]);
    const loss = (w: nb.Tensor, x: nb.Tensor, y: nb.Tensor) => nb.square(nb.sub(mlp(w, x), y));
    const g = nb.vmap(nb.grad(loss), { inAxes: [null, 0, 0] })(W, X, Y);
    const expected = nb.stack([0, 1, 2, 3].map((i) => nb.grad(loss)(W, row(X, i), nb.reshape(nb.slice(Y, [i], [1]), []))));
    expectClose(g, expected);
  });

  test("grad of a vmapped function, jvp and vjp through vmap", () => {
    const batched = nb.vmap((x: nb.Tensor, w: nb.Tensor) => mlp(w, x), { inAxes: [0, null] });
    const gw = nb.grad((w: nb.Tensor) => nb.sum(batched(X, w)))(W);
    expectClose(gw, nb.grad((w: nb.Tensor) => nb.sum(nb.tanh(nb.matmul(X, w))))(W));
    const V = nb.onesLike(X);
    const [, t] = nb.jvp((x: nb.Tensor) => batched(x, W), [X], [V]);
    expectClose(t, nb.stack([0, 1, 2, 3].map((i) => nb.jvp((x: nb.Tensor) => mlp(W, x), [row(X, i)], [row(V, i)])[1])));
    const [, pullback] = nb.vjp((x: nb.Tensor) => batched(x, W), X);
    expectClose(pullback(nb.ones([4]))[0] as nb.Tensor, nb.grad((x: nb.Tensor) => nb.sum(nb.tanh(nb.matmul(x, W))))(X));
  });

  test("composes with jit (both ways) and with jacobian", () => {
    const f = (x: nb.Tensor) => nb.mul(nb.sin(x), nb.sum(x));
    expectClose(nb.jit(nb.vmap(f))(X), loop(f, X));
    expectClose(nb.vmap(nb.jit(f))(X), loop(f, X));
    expectClose(nb.vmap(nb.jacrev(f))(X), loop((x) => nb.jacfwd(f)(x), X));
    expectClose(nb.jacfwd(nb.vmap(f))(X), nb.jacrev((x: nb.Tensor) => nb.mul(nb.sin(x), nb.sum(x, 1, true)))(X));
  });

  test("per-example Hessians: vmap(hessian(f)) and hessian inside grad", () => {
    const f = (x: nb.Tensor) => nb.sum(nb.tanh(nb.matmul(x, W)));
    expectClose(nb.vmap(nb.hessian(f))(X), loop((x) => nb.hessian(f)(x) as nb.Tensor, X));
    // d/dW of trace(H(x₀)) against the same derivative through a loop of hvps.
    const traceH = (w: nb.Tensor) => nb.sum(nb.mul(nb.hessian((x: nb.Tensor) => nb.sum(nb.tanh(nb.matmul(x, w))))(row(X, 0)), nb.eye(3)));
    const viaHvp = (w: nb.Tensor) => nb.sum(nb.stack([0, 1, 2].map((i) => {
      const e = nb.reshape(nb.slice(nb.eye(3), [i, 0], [1, -1]), [3]);
      return nb.dot(e, nb.hvp((x: nb.Tensor) => nb.sum(nb.tanh(nb.matmul(x, w))), row(X, 0), e));
    })));
    expectClose(nb.grad(traceH)(W), nb.grad(viaHvp)(W), 1e-12);
  });

  test("nested vmap gives the outer-product batch", () => {
    const a = nb.tensor([1, 2, 3]);
    const b = nb.tensor([10, 20]);
    const table = nb.vmap(nb.vmap((x: nb.Tensor, y: nb.Tensor) => nb.mul(x, y), { inAxes: [null, 0] }), { inAxes: [0, null] })(a, b);
    expect(table.toArray()).toEqual([[10, 20], [20, 40], [30, 60]]);
    const rowSums = nb.vmap(nb.vmap((x: nb.Tensor) => nb.sum(x)))(nb.reshape(nb.arange(12), [2, 3, 2]));
    expect(rowSums.toArray()).toEqual([[1, 5, 9], [13, 17, 21]]);
  });

  test("pytree arguments with per-leaf axes, negative axes and outAxes", () => {
    const params = { w: nb.tensor([[1, 2], [3, 4], [5, 6]]), b: nb.tensor([1, 1]) };
    const f = (p: { w: nb.Tensor; b: nb.Tensor }, x: nb.Tensor) => nb.add(nb.mul(p.w, x), p.b);
    const out = nb.vmap(f, { inAxes: [{ w: 0, b: null }, -1], outAxes: 1 })(params, nb.tensor([[1, 10, 100], [2, 20, 200]]));
    // Example i: w[i] * x[:, i] + b, placed at column i.
    expect(out.toArray()).toEqual([[2, 31, 501], [5, 81, 1201]]);
    const tree = nb.vmap((p: { a: nb.Tensor; c: nb.Tensor[] }) => ({ s: nb.add(p.a, p.c[0]!), n: 3 }))({ a: nb.tensor([1, 2]), c: [nb.tensor([5, 6])] });
    expect(tree.s.toArray()).toEqual([6, 8]);
    expect(tree.n.toArray()).toEqual([3, 3]);
  });

  test("customJvp and customVjp functions run once per example", () => {
    const softplus = nb.customJvp((x) => nb.log(nb.add(1, nb.exp(x))), ([x], [t]) => [nb.softplus(x), nb.mul(t, nb.sigmoid(x))]);
    const f = (x: nb.Tensor) => nb.sum(softplus(x));
    expectClose(nb.vmap(f)(X), loop(f, X));
    expectClose(nb.vmap(nb.grad(f))(X), nb.sigmoid(X));
  });

  test("clear errors for mismatched sizes, axes out of range, bad outAxes and reading values", () => {
    const f = (x: nb.Tensor, y: nb.Tensor) => nb.add(x, y);
    expect(() => nb.vmap(f)(nb.zeros([3]), nb.zeros([4]))).toThrow(/mapped axes must have one length.*has 3.*has 4/);
    expect(() => nb.vmap(f, { inAxes: [2, null] })(nb.zeros([3, 2]), 1)).toThrow(/inAxes 2 is out of range.*\[-2, 1\]/);
    expect(() => nb.vmap(f, { inAxes: [0] })(nb.zeros([3]), 1)).toThrow(/inAxes has 1 entries but f was called with 2/);
    expect(() => nb.vmap(f, { inAxes: null })(nb.zeros([3]), 1)).toThrow(/maps no argument/);
    expect(() => nb.vmap((x: nb.Tensor) => x, { outAxes: 2 })(nb.zeros([3]))).toThrow(/outAxes 2 is out of range/);
    expect(() => nb.vmap((x: nb.Tensor) => [x, "label"] as unknown as nb.Tensor)(nb.zeros([3]))).toThrow(/vmap \(f's output.*\[1\] is string/);
    expect(() => nb.vmap((x: nb.Tensor) => nb.scalar(x.item()))(nb.zeros([3]))).toThrow(/vmap: f read the value of a batched tensor/);
    expect(() => nb.vmap(f, { inAxes: [{ a: 0 }, null] })(nb.zeros([3]), 1)).toThrow(/inAxes at 0 has keys \{a\}/);
  });
});
