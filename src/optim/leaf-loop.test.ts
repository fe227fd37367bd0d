/**
 * The eager Adam step through leafLoop (one compiled loop run over every leaf) against Adam
 * written out in scalar JS with each operation rounded to the leaf's dtype as nabla rounds it
 * (Math.fround per operation for float32), on every backend, bit for bit; and the cases that
 * must take the general path. (The Node entry, so that the native backend is among them.)
 */
import { afterEach, describe, expect, test } from "vitest";
import * as nb from "../node.js";

/** Deterministic values in (−1, 1). */
const valuesFrom = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(12.9898 * i + seed));
/** A tree's leaves in key order (the trees here are plain objects of tensors). */
const leaves = (tree: unknown): nb.Tensor[] => {
  const out: nb.Tensor[] = [];
  nb.treeMap((leaf) => out.push(leaf as nb.Tensor), tree as nb.PyTree);
  return out;
};

const [b1, b2, eps] = [0.9, 0.999, 1e-8];

/**
 * Adam's step on one element, as transforms.ts's adamArithmetic orders it (PyTorch's
 * arrangement: the bias corrections as factors), then θ + (−lr)·(u + λθ).
 */
function referenceStep(p: number, m: number, v: number, g: number, t: number, lr: number, weightDecay: number | undefined, round: (x: number) => number): [number, number, number] {
  const [invC1, invSqrtC2] = [round(1 / (1 - b1 ** t)), round(1 / Math.sqrt(1 - b2 ** t))];
  const mNext = round(round(m * round(b1)) + round(g * round(1 - b1)));
  const vNext = round(round(v * round(b2)) + round(round(g * g) * round(1 - b2)));
  const u = round(round(mNext * invC1) / round(round(round(Math.sqrt(vNext)) * invSqrtC2) + round(eps)));
  const direction = weightDecay === undefined ? u : round(u + round(p * round(weightDecay)));
  return [round(p + round(direction * round(-lr))), mNext, vNext];
}

type Tree = { a: nb.Tensor; nested: { b: nb.Tensor; c: nb.Tensor; d: nb.Tensor } };
const values = (t: nb.Tensor): number[] => Array.from(t.values());

// Leaf sizes on both sides of the native backend's thresholds (1024 elements for a call into
// C++, 2 × 16384 for a second thread); one float64 leaf among float32 ones; one a transposed view.
function problem(): { params: Tree; grads: (t: number) => Tree } {
  const leaf = (n: number, seed: number, dtype: nb.DType, shape = [n]) => nb.tensor(valuesFrom(n, seed), { dtype, shape });
  const params: Tree = {
    a: leaf(40_000, 1, "float32"),
    nested: { b: leaf(3, 2, "float32"), c: leaf(1500, 3, "float64"), d: nb.transpose(leaf(60, 4, "float32", [6, 10])) },
  };
  const grads = (t: number): Tree => nb.treeMap((x) => nb.mul(nb.sin(nb.mul(x as nb.Tensor, 3 + t)), 0.1), params) as Tree;
  return { params, grads };
}

const previous = nb.getBackend();
afterEach(() => nb.setBackend(previous));

describe.each(nb.listBackends())("the eager Adam step on backend %s", (backend) => {
  test.each([["adam", undefined], ["adamw", 0.3]] as const)("%s: three steps equal the scalar reference bit for bit", (name, weightDecay) => {
    nb.setBackend(backend);
    const lr = 0.01;
    const opt = name === "adam" ? nb.optim.adam({ lr }) : nb.optim.adamw({ lr, weightDecay });
    const { params: start, grads } = problem();
    let params = start;
    let state = opt.init(params);
    let expected = leaves(params).map((p) => ({ p: values(p), m: values(p).map(() => 0), v: values(p).map(() => 0) }));
    for (let t = 1; t <= 3; t++) {
      const g = grads(t);
      ({ params, state } = opt.step(params, g, state));
      expected = expected.map((e, i) => {
        const leaf = leaves(g)[i]!;
        const round = leaf.dtype === "float32" ? Math.fround : (x: number) => x;
        const next = values(leaf).map((gj, j) => referenceStep(e.p[j]!, e.m[j]!, e.v[j]!, gj, t, lr, weightDecay, round));
        return { p: next.map((r) => r[0]), m: next.map((r) => r[1]), v: next.map((r) => r[2]) };
      });
    }
    // The loop's path: each result's leaves of one dtype share one allocation.
    const buffers = (tree: unknown) => new Set(leaves(tree).filter((x) => x.dtype === "float32").map((x) => (x as nb.ArrayTensor).data.buffer));
    const adamState = state[0] as { count: number; mu: Tree; nu: Tree };
    expect([buffers(params).size, buffers(adamState.mu).size, buffers(adamState.nu).size]).toEqual([1, 1, 1]);
    expect(adamState.count).toBe(3);
    leaves(params).forEach((p, i) => {
      expect(p.dtype).toBe(leaves(start)[i]!.dtype);
      expect(p.shape).toEqual(leaves(start)[i]!.shape);
      expect(values(p)).toEqual(expected[i]!.p);
      expect(values(leaves(adamState.mu)[i]!)).toEqual(expected[i]!.m);
      expect(values(leaves(adamState.nu)[i]!)).toEqual(expected[i]!.v);
    });
  });
});

describe.each(nb.listBackends())("the eager Adam step with donate on backend %s", (backend) => {
  test("writes the new parameters and moments over the old arrays, with the same values as without", () => {
    nb.setBackend(backend);
    const opt = nb.optim.adamw({ lr: 0.01, weightDecay: 0.1 });
    // The same start twice: one steps with donate, the other without.
    const { params: start, grads } = problem();
    let [kept, donated] = [start, problem().params];
    let [keptState, donatedState] = [opt.init(kept), opt.init(donated)];
    const arraysOf = (...trees: unknown[]) => trees.flatMap(leaves).filter((x) => x instanceof nb.Tensor).map((x) => (x as nb.ArrayTensor).data);
    for (let t = 1; t <= 3; t++) {
      const g = grads(t);
      const arrays = arraysOf(donated, donatedState);
      ({ params: kept, state: keptState } = opt.step(kept, g, keptState));
      ({ params: donated, state: donatedState } = opt.step(donated, g, donatedState, { donate: true }));
      // Every contiguous leaf's results went over its own arrays (the transposed view d was
      // not written: it got a fresh array).
      const after = arraysOf(donated, donatedState);
      const same = after.filter((a, i) => a === arrays[i]).length;
      expect(same).toBe(after.length - (t === 1 ? 1 : 0));
    }
    const valuesOf = (...trees: unknown[]) => trees.flatMap(leaves).map((x) => (x instanceof nb.Tensor ? values(x) : x));
    expect(valuesOf(donated, donatedState)).toEqual(valuesOf(kept, keptState));
  });

  test("tied weights (one tensor at two leaves) are not written, and step as without donate", () => {
    nb.setBackend(backend);
    const opt = nb.optim.adam({ lr: 0.1 });
    const w = nb.tensor(valuesFrom(3000, 9), { dtype: "float32" });
    const before = values(w);
    const params = { a: w, b: w };
    const grads = { a: nb.mul(w, 0.5), b: nb.mul(w, -0.25) };
    const expected = opt.step(params, grads, opt.init(params)).params;
    const result = opt.step(params, grads, opt.init(params), { donate: true }).params;
    expect(values(w)).toEqual(before);
    expect([values(result.a), values(result.b)]).toEqual([values(expected.a), values(expected.b)]);
  });
});

describe("the eager Adam step takes the general path where the loop does not apply", () => {
  test("a pytree with a number leaf, under debugNans, and scaleByAdam's update agree with the loop", () => {
    const opt = nb.optim.adam({ lr: 0.05 });
    const params = { w: nb.tensor([0.5, -1, 2], { dtype: "float32" }), s: 0.25 };
    const grads = { w: nb.tensor([1, -2, 0.5], { dtype: "float32" }), s: -0.5 };
    const fast = opt.step({ w: params.w }, { w: grads.w }, opt.init({ w: params.w })).params.w;
    const general = opt.step(params, grads, opt.init(params)).params;
    expect(values(general.w)).toEqual(values(fast));
    expect(typeof general.s).toBe("number");
    nb.config({ debugNans: true });
    try {
      expect(values(opt.step({ w: params.w }, { w: grads.w }, opt.init({ w: params.w })).params.w)).toEqual(values(fast));
    } finally {
      nb.config({ debugNans: false });
    }
    const scale = nb.optim.scaleByAdam();
    const [u] = scale.update({ w: grads.w }, scale.init({ w: params.w }));
    expect(values(nb.add(params.w, nb.mul((u as { w: nb.Tensor }).w, -0.05)))).toEqual(values(fast));
  });

  test("mismatched trees and shapes still get the general path's errors; an empty tree steps to an empty tree", () => {
    const opt = nb.optim.adam();
    const params = { w: nb.tensor([1, 2]) };
    expect(() => opt.step(params, { v: nb.tensor([1, 2]) } as unknown as typeof params, opt.init(params))).toThrow(/adam/);
    // Same size, other shape: no broadcasting [2, 3] against [6] here either.
    const matrix = { w: nb.zeros([2, 3]) };
    expect(() => opt.step(matrix, { w: nb.ones([6]) }, opt.init(matrix))).toThrow(/shape|broadcast/i);
    const empty = opt.step({}, {}, opt.init({}));
    expect(empty.params).toEqual({});
    expect((empty.state[0] as { count: number }).count).toBe(1);
  });
});
