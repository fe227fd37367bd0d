/** Tensors: storage and views, broadcasting, reductions, matmul, dtypes, printing. */
import { describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { ArrayTensor } from "../src/tensor/tensor.js";
import { expectClose } from "./helpers.js";

/** Naive reference: element [i, j] of a 2-D nested array. */
function naiveMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

describe("creation", () => {
  test("nested arrays, typed arrays, shapes and dtypes", () => {
    const t = nb.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.dtype).toBe("float64");
    expect(nb.tensor(Float32Array.of(1, 2)).dtype).toBe("float32");
    expect(nb.scalar(3).shape).toEqual([]);
    expect(nb.scalar(3).toArray()).toBe(3);
    expect(nb.eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(nb.arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(nb.linspace(-1, 1, 3).toArray()).toEqual([-1, 0, 1]);
    expect(nb.full([2, 2], 7, { dtype: "float32" }).values()).toEqual(Float32Array.of(7, 7, 7, 7));
  });
  test("values() is a fresh copy; tensors are never written after creation", () => {
    const t = nb.tensor([1, 2]);
    t.values()[0] = 99;
    expect(t.toArray()).toEqual([1, 2]);
  });
  test("seeded random numbers are reproducible and well distributed", () => {
    expect(nb.randn([5], { seed: 7 }).toArray()).toEqual(nb.randn([5], { seed: 7 }).toArray());
    expect(nb.randn([5], { seed: 7 }).toArray()).not.toEqual(nb.randn([5], { seed: 8 }).toArray());
    const z = nb.randn([20000], { seed: 3 });
    expect(Math.abs(nb.mean(z).item())).toBeLessThan(0.03);
    expect(Math.abs(nb.variance(z).item() - 1)).toBeLessThan(0.05);
    const u = nb.rand([20000], { seed: 3 });
    expect(Math.abs(nb.mean(u).item() - 0.5)).toBeLessThan(0.01);
  });
});

describe("views share storage", () => {
  const base = nb.arange(12) as ArrayTensor;
  test("reshape, transpose, slice and broadcastTo do not copy", () => {
    const r = nb.reshape(base, [3, 4]) as ArrayTensor;
    const t = nb.transpose(r) as ArrayTensor;
    const s = nb.slice(r, [1, 1], [2, 2]) as ArrayTensor;
    const b = nb.broadcastTo(nb.reshape(base, [1, 12]), [3, 12]) as ArrayTensor;
    for (const v of [r, t, s, b]) expect(v.data).toBe(base.data);
    expect(t.toArray()).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    expect(s.toArray()).toEqual([[5, 6], [9, 10]]);
    expect(t.contiguous).toBe(false);
  });
  test("ops on strided views give the right values", () => {
    const m = nb.reshape(nb.arange(6), [2, 3]);
    const t = nb.transpose(m);
    expect(nb.add(t, [[10, 20]]).toArray()).toEqual([[10, 23], [11, 24], [12, 25]]);
    expect(nb.exp(nb.slice(m, [0, 1], [2, 1])).toArray()).toEqual([[Math.exp(1)], [Math.exp(4)]]);
    expect(nb.sum(t, 0).toArray()).toEqual([3, 12]);
    expect(nb.reshape(t, [6]).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(nb.matmul(t, m).toArray()).toEqual(naiveMatmul(t.toArray() as number[][], m.toArray() as number[][]));
  });
});

describe("broadcasting", () => {
  test("NumPy rules for every binary op", () => {
    const a = nb.tensor([[1], [2], [3]]);
    const b = nb.tensor([10, 20]);
    expect(nb.add(a, b).toArray()).toEqual([[11, 21], [12, 22], [13, 23]]);
    expect(nb.sub(b, a).shape).toEqual([3, 2]);
    expect(nb.mul(nb.ones([2, 1, 4]), nb.ones([3, 1])).shape).toEqual([2, 3, 4]);
    expect(nb.maximum(a, b).toArray()).toEqual([[10, 20], [10, 20], [10, 20]]);
    expect(nb.where(nb.greater(a, 1), a, b).toArray()).toEqual([[10, 20], [2, 2], [3, 3]]);
    expect(nb.less(2, a).toArray()).toEqual([[0], [0], [1]]);
  });
  test("gradients are summed back to each input's shape", () => {
    const [ga, gb] = nb.grad((a: nb.Tensor, b: nb.Tensor) => nb.sum(nb.mul(a, b)), { argnums: [0, 1] })(nb.ones([3, 1]), nb.tensor([1, 2])) as nb.Tensor[];
    expect(ga!.toArray()).toEqual([[3], [3], [3]]);
    expect(gb!.toArray()).toEqual([3, 3]);
  });
  test("a JS number takes the dtype of the tensor it meets; float32 with float64 gives float64", () => {
    const f32 = nb.ones([2], { dtype: "float32" });
    expect(nb.add(f32, 1).dtype).toBe("float32");
    expect(nb.add(f32, nb.ones([2])).dtype).toBe("float64");
    expect(nb.mul(2, f32).dtype).toBe("float32");
  });
});

describe("reductions", () => {
  const x = nb.reshape(nb.arange(24), [2, 3, 4]);
  test("axis, negative axes, several axes and keepdims", () => {
    expect(nb.sum(x).item()).toBe(276);
    expect(nb.sum(x, -1).shape).toEqual([2, 3]);
    expect(nb.sum(x, [0, 2]).toArray()).toEqual([60, 92, 124]);
    expect(nb.sum(x, [0, -1], true).shape).toEqual([1, 3, 1]);
    expect(nb.max(x, 1).toArray()).toEqual([[8, 9, 10, 11], [20, 21, 22, 23]]);
    expect(nb.min(x, [1, 2]).toArray()).toEqual([0, 12]);
    expect(nb.mean(x, 0).toArray()).toEqual([[6, 7, 8, 9], [10, 11, 12, 13], [14, 15, 16, 17]]);
    expect(nb.prod(nb.tensor([[1, 2], [3, 4]]), 0).toArray()).toEqual([3, 8]);
    expect(nb.prod(nb.ones([2, 0]), 1).toArray()).toEqual([1, 1]);
  });
  test("logsumexp, softmax and variance against direct formulas", () => {
    const v = [0.5, -1, 2, 3];
    const lse = Math.log(v.reduce((s, t) => s + Math.exp(t), 0));
    expectClose(nb.logsumexp(v), lse, 1e-15);
    expectClose(nb.softmax(v), v.map((t) => Math.exp(t - lse)), 1e-15);
    expect(nb.logsumexp([-Infinity, -Infinity]).item()).toBe(-Infinity);
    // mean 1.125; squared deviations 0.390625 + 4.515625 + 0.765625 + 3.515625 = 9.1875; / (4 − 1)
    expectClose(nb.variance(v, undefined, false, { ddof: 1 }), 9.1875 / 3, 1e-15);
  });
});

describe("matmul", () => {
  test("matrix, vector and batched-broadcast products match a naive loop", () => {
    const a = nb.randn([5, 7], { seed: 1 });
    const b = nb.randn([7, 3], { seed: 2 });
    expectClose(nb.matmul(a, b), naiveMatmul(a.toArray() as number[][], b.toArray() as number[][]), 1e-14, 1e-14);
    const batch = nb.randn([4, 1, 5, 7], { seed: 3 });
    const out = nb.matmul(batch, nb.randn([3, 7, 2], { seed: 4 }));
    expect(out.shape).toEqual([4, 3, 5, 2]);
    expect(nb.matmul([1, 2], [[1], [1]]).shape).toEqual([1]);
    expect(nb.matmul([1, 2], [3, 4]).shape).toEqual([]);
    expect(nb.dot([1, 2], [3, 4]).item()).toBe(11);
  });
  test("large and odd sizes use the blocked kernel correctly (float32 too)", () => {
    for (const [m, k, n] of [[67, 130, 45], [300, 260, 9]] as const) {
      for (const dtype of ["float64", "float32"] as const) {
        const a = nb.randn([m, k], { seed: m, dtype });
        const b = nb.randn([k, n], { seed: n, dtype });
        const tol = dtype === "float64" ? 1e-12 : 1e-4;
        expectClose(nb.matmul(a, b), naiveMatmul(a.toArray() as number[][], b.toArray() as number[][]), tol, tol);
      }
    }
  });
});

describe("shape ops", () => {
  test("squeeze, expandDims, concat, stack, gather, transpose", () => {
    expect(nb.squeeze(nb.ones([1, 2, 1]), 0).shape).toEqual([2, 1]);
    expect(nb.expandDims(nb.ones([2, 3]), 1).shape).toEqual([2, 1, 3]);
    expect(nb.concat([nb.ones([2, 1]), nb.zeros([2, 2])], 1).toArray()).toEqual([[1, 0, 0], [1, 0, 0]]);
    expect(nb.stack([[1, 2], [3, 4]]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(nb.gather([[1, 2], [3, 4], [5, 6]], [[2, 0]]).shape).toEqual([1, 2, 2]);
    expect(nb.gather([10, 20, 30], [-1]).toArray()).toEqual([30]);
    expect(nb.transpose(nb.ones([2, 3, 4]), [1, 2, 0]).shape).toEqual([3, 4, 2]);
  });
  test("gather's gradient adds up repeated indices", () => {
    expect(nb.grad((x: nb.Tensor) => nb.sum(nb.gather(x, [0, 2, 0])))(nb.tensor([1, 2, 3])).toArray()).toEqual([2, 0, 1]);
  });
  test("every op is also a Tensor method", () => {
    const t = nb.tensor([[1, -2], [3, 4]]);
    expect(t.abs().sum().item()).toBe(10);
    expect(t.matmul(t).transpose().toArray()).toEqual([[-5, 15], [-10, 10]]);
    expect(t.reshape([4]).slice([1], [2]).toArray()).toEqual([-2, 3]);
    expect(t.where(t.greater(0), 0).toArray()).toEqual([[1, 0], [3, 4]]);
  });
  test("an array mixing numbers and tensors is stacked, and derivatives flow through it", () => {
    expect(nb.grad((x: nb.Tensor) => nb.sum(nb.mul(nb.tensor([x, 2, x]), [1, 1, 3])))(1)).toBe(4);
  });
});

describe("printing", () => {
  test("shape, dtype and aligned values, as NumPy prints them", () => {
    expect(String(nb.tensor([[1, 2], [3, 4.5]]))).toBe("tensor([[  1,   2],\n        [  3, 4.5]], shape=[2, 2], dtype=float64)");
    expect(String(nb.scalar(0.1, { dtype: "float32" }))).toBe("tensor(0.1, shape=[], dtype=float32)");
    expect(String(nb.tensor([1e-6, 1, 1e5]))).toBe("tensor([1e-06, 1e+00, 1e+05], shape=[3], dtype=float64)");
    expect(String(nb.tensor([NaN, Infinity, -1]))).toBe("tensor([nan, inf,  -1], shape=[3], dtype=float64)");
  });
  test("large tensors are truncated with ...", () => {
    expect(String(nb.arange(2000))).toBe("tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000], dtype=float64)");
    const m = String(nb.reshape(nb.arange(10000), [100, 100]));
    expect(m.split("\n")).toHaveLength(7);
    expect(m).toContain("...");
  });
});
