/**
 * jit's donateArgnums: results written into the arrays of donated arguments, only where no
 * later read can see it. Every expected value is an eager evaluation on copies of the
 * arguments (eager owns and donates nothing).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as nb from "../node.js";

const initialBackend = nb.getBackend();
const dataOf = (t: unknown): unknown => (t as nb.Tensor).concrete().data;
const values = (t: unknown): number[] => Array.from((t as nb.Tensor).values());
const copy = (t: nb.Tensor): nb.Tensor => nb.tensor(Float64Array.from(t.values()), { shape: [...t.shape] });

describe.each(nb.listBackends())("jit with donated arguments (%s backend)", (backendName) => {
  beforeAll(() => nb.setBackend(backendName));
  afterAll(() => nb.setBackend(initialBackend));

  // An optimizer-like update: both outputs have the donated arguments' shapes.
  const update = (p: nb.Tensor, m: nb.Tensor, g: nb.Tensor): [nb.Tensor, nb.Tensor] => {
    const mNext = nb.add(nb.mul(m, 0.9), g);
    return [nb.sub(p, nb.mul(mNext, 0.1)), mNext];
  };

  test.each([3001, 1 << 18])("an update of %i elements writes its results into the donated arrays, with eager's values", (n) => {
    const step = nb.jit(update, { donateArgnums: [0, 1] });
    let p = nb.randn([n], { seed: 1 }), m = nb.randn([n], { seed: 2 });
    const g = nb.randn([n], { seed: 3 });
    for (let k = 0; k < 3; k++) {
      const expected = update(copy(p), copy(m), g);
      const [pData, mData] = [dataOf(p), dataOf(m)];
      [p, m] = step(p, m, g);
      expect(values(p)).toEqual(values(expected[0]));
      expect(values(m)).toEqual(values(expected[1]));
      // Each result went into one of the two donated arrays; g was not donated and is not written.
      expect(new Set([dataOf(p), dataOf(m)])).toEqual(new Set([pData, mData]));
    }
  });

  test("an argument read after the loop that could take its array keeps its values", () => {
    const w = nb.randn([64, 8], { seed: 4 });
    const f = (x: nb.Tensor): [nb.Tensor, nb.Tensor] => [nb.tanh(x), nb.matmul(x, w)];
    const x = nb.randn([32, 64], { seed: 5 });
    const before = values(x);
    const [t, y] = nb.jit(f, { donateArgnums: 0 })(x);
    expect(values(x)).toEqual(before);
    expect(values(t)).toEqual(values(f(copy(x))[0]));
    expect(values(y)).toEqual(values(f(copy(x))[1]));
  });

  test("a loop that reads the argument after the step computing an output does not write that output into it", () => {
    const f = (x: nb.Tensor): [nb.Tensor, nb.Tensor] => {
      const a = nb.mul(x, 2);
      return [a, nb.add(nb.exp(a), x)];
    };
    const x = nb.randn([5000], { seed: 6 });
    const expected = f(copy(x));
    const [a, b] = nb.jit(f, { donateArgnums: 0 })(x);
    expect(values(a)).toEqual(values(expected[0]));
    expect(values(b)).toEqual(values(expected[1]));
  });

  test("an argument passed twice, a view, or one the function returns is never written", () => {
    const f = (x: nb.Tensor, y: nb.Tensor): nb.Tensor[] => [nb.add(x, y), x];
    const x = nb.randn([40, 50], { seed: 7 });
    const before = values(x);
    const twice = nb.jit(f, { donateArgnums: [0] })(x, x);
    expect(values(x)).toEqual(before);
    expect(values(twice[0])).toEqual(before.map((v) => v + v));
    // The view and the value returned as it is are not written; y (whole, read element by
    // element by the step computing the sum) takes the sum.
    const view = nb.transpose(x);
    const y = nb.ones([50, 40]);
    const expected = values(nb.add(view, y));
    const [sum, same] = nb.jit(f, { donateArgnums: [0, 1] })(view, y);
    expect(values(x)).toEqual(before);
    expect(values(sum)).toEqual(expected);
    expect(values(same)).toEqual(values(view));
    expect(dataOf(sum)).toBe(dataOf(y));
  });

  test("an argument that shares memory with a captured constant is not written", () => {
    const c = nb.randn([3000], { seed: 8 });
    const before = values(c);
    const f = nb.jit((x: nb.Tensor) => nb.add(nb.mul(x, 3), c), { donateArgnums: 0 });
    const out = f(c);
    expect(values(c)).toEqual(before);
    expect(values(out)).toEqual(before.map((v) => v * 3 + v));
  });
});

test("donateArgnums must name argument positions that are not static", () => {
  expect(() => nb.jit((x: nb.Tensor) => x, { donateArgnums: -1 })).toThrow(/donateArgnums holds -1/);
  expect(() => nb.jit((x: nb.Tensor, n: number) => nb.mul(x, n), { staticArgnums: 1, donateArgnums: 1 })).toThrow(/both static and donated/);
});
