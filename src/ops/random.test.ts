/**
 * nb.random: Threefry-2x32-20 against Random123's known-answer vectors, keys against JAX's
 * documented split of PRNGKey(0), independence of split keys, moments of the draws within
 * bounds of their sampling error, and draws equal eagerly, under jit and under vmap.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { randomWords, threefry2x32 } from "../tensor/threefry.js";

describe("Threefry-2x32-20", () => {
  // Random123 tests/kat_vectors, "threefry2x32 20" lines: counter words, key words, output words.
  const vectors: [number[], number[], number[]][] = [
    [[0, 0], [0, 0], [0x6b200159, 0x99ba4efe]],
    [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
    [[0x243f6a88, 0x85a308d3], [0x13198a2e, 0x03707344], [0xc4923a9c, 0x483df7a0]],
  ];
  test.each(vectors)("counter %j key %j", (counter, key, expected) => {
    const out = new Uint32Array(2);
    threefry2x32(key[0]!, key[1]!, counter[0]!, counter[1]!, out);
    expect([...out]).toEqual(expected);
  });

  test("keys and splits are JAX's: PRNGKey(0) = [0, 0] splits into [4146024105, 967050713], [2718843009, 1272950319]", () => {
    // The values printed in JAX's documentation (the "Pseudorandom numbers" tutorial).
    expect(nb.random.key(0).toArray()).toEqual([0, 0]);
    expect(nb.random.split(nb.random.key(0)).toArray()).toEqual([[4146024105, 967050713], [2718843009, 1272950319]]);
    expect(nb.random.key(2 ** 32 + 5).toArray()).toEqual([1, 5]);
  });

  test("an odd number of words pads the counters with a zero, as JAX does", () => {
    const out = new Uint32Array(2);
    threefry2x32(3, 4, 1, 0, out);
    expect(randomWords(3, 4, 3)[1]).toBe(out[0]);
  });
});

describe("keys", () => {
  test("split keys are distinct, and a draw depends only on (key, shape)", () => {
    const keys = nb.random.split(nb.random.key(7), 100).values();
    const words = new Set<number>();
    for (const w of keys) words.add(w);
    expect(words.size).toBe(200);
    const k = nb.random.key(3);
    expect(nb.random.uniform(k, [4]).toArray()).toEqual(nb.random.uniform(k, [4]).toArray());
    expect(nb.random.foldIn(k, 1).toArray()).not.toEqual(nb.random.foldIn(k, 2).toArray());
  });

  test("draws from split keys are uncorrelated (|r| within 4 standard errors)", () => {
    const [a, b] = [0, 1].map((i) => nb.random.normal(nb.random.split(nb.random.key(11), 2).reshape([2, 2]).slice([i, 0], [1, 2]).reshape([2]), [20000]));
    const r = nb.mean(nb.mul(a!, b!)).item();
    expect(Math.abs(r)).toBeLessThan(4 / Math.sqrt(20000));
  });

  test("bad keys and shapes get a clear error", () => {
    expect(() => nb.random.uniform(nb.zeros([3]), [2])).toThrow(/a key is a float64 tensor \[2\]/);
    expect(() => nb.random.key(-1)).toThrow(/seed must be an integer/);
    expect(() => nb.random.normal(nb.random.key(0), [2.5])).toThrow(/shape must be an array of non-negative integers/);
    expect(() => nb.random.split(nb.random.key(0), 0)).toThrow(/n must be an integer ≥ 1/);
  });
});

describe("draws", () => {
  const n = 40000;
  for (const dtype of ["float64", "float32"] as const) {
    test(`uniform ${dtype}: in [0, 1), mean 1/2 and variance 1/12 within 5 standard errors`, () => {
      const u = nb.random.uniform(nb.random.key(1), [n], { dtype });
      expect(u.dtype).toBe(dtype);
      const v = u.values();
      expect(v.every((x) => x >= 0 && x < 1)).toBe(true);
      // sd of the mean: √(1/12 / n); of the sample variance: √((1/80 − 1/144) / n).
      expect(Math.abs(nb.mean(u).item() - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
      expect(Math.abs(nb.variance(u).item() - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / n));
    });
    test(`normal ${dtype}: mean 0, variance 1, fourth moment 3 within 5 standard errors`, () => {
      const z = nb.random.normal(nb.random.key(2), [n], { dtype });
      expect(Math.abs(nb.mean(z).item())).toBeLessThan(5 / Math.sqrt(n));
      expect(Math.abs(nb.mean(nb.square(z)).item() - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
      expect(Math.abs(nb.mean(nb.pow(z, 4)).item() - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    });
  }

  test("uniform with bounds and bernoulli's frequency", () => {
    const u = nb.random.uniform(nb.random.key(4), [1000], { minval: -3, maxval: 5 }).values();
    expect(u.every((x) => x >= -3 && x < 5)).toBe(true);
    const b = nb.random.bernoulli(nb.random.key(5), 0.3, [n]);
    expect(b.values().every((x) => x === 0 || x === 1)).toBe(true);
    expect(Math.abs(nb.mean(b).item() - 0.3)).toBeLessThan(5 * Math.sqrt(0.21 / n));
    // A tensor of probabilities broadcasts against the shape; the result keeps the dtype asked for.
    const rows = nb.random.bernoulli(nb.random.key(6), nb.tensor([[0], [1]]), [2, 50], { dtype: "float32" });
    expect(rows.dtype).toBe("float32");
    expect(rows.toArray()).toEqual([new Array(50).fill(0), new Array(50).fill(1)]);
  });

  test("jit, vmap and grad: the same numbers as eager, and no derivative through a draw", () => {
    const f = (k: nb.Tensor, x: nb.Tensor) => {
      const [k1, k2] = [0, 1].map((i) => nb.random.foldIn(k, i));
      return nb.add(nb.mul(x, nb.random.normal(k1!, [3])), nb.random.uniform(nb.random.split(k2!, 3).slice([1, 0], [1, 2]).reshape([2]), [3]));
    };
    const k = nb.random.key(9);
    const x = nb.tensor([1, 2, 3]);
    expect(nb.jit(f)(k, x).toArray()).toEqual(f(k, x).toArray());
    // A second key through the same compiled program gives that key's numbers.
    const k2 = nb.random.key(10);
    expect(nb.jit(f)(k2, x).toArray()).toEqual(f(k2, x).toArray());
    const keys = nb.random.split(k, 4);
    const batched = nb.vmap((kk: nb.Tensor) => f(kk, x))(keys);
    for (let i = 0; i < 4; i++) expect(batched.slice([i, 0], [1, 3]).reshape([3]).toArray()).toEqual(f(keys.slice([i, 0], [1, 2]).reshape([2]), x).toArray());
    const g = nb.grad((xx: nb.Tensor) => nb.sum(f(k, xx)))(x);
    expect(g.toArray()).toEqual(nb.random.normal(nb.random.foldIn(k, 0), [3]).toArray());
  });
});
