import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";

// Unscrambled Sobol points from scipy 1.10: scipy.stats.qmc.Sobol(d, scramble=False).random(n).
describe("sobol", () => {
  test("the first points equal scipy's", () => {
    expect(nb.integrate.sobol(8, 5, { scramble: false }).toArray()).toEqual([
      [0, 0, 0, 0, 0], [0.5, 0.5, 0.5, 0.5, 0.5], [0.75, 0.25, 0.25, 0.25, 0.75], [0.25, 0.75, 0.75, 0.75, 0.25],
      [0.375, 0.375, 0.625, 0.875, 0.375], [0.875, 0.875, 0.125, 0.375, 0.875], [0.625, 0.125, 0.875, 0.625, 0.625],
      [0.125, 0.625, 0.375, 0.125, 0.125],
    ]);
  });
  test("later points in high dimensions equal scipy's (direction numbers beyond the first rows)", () => {
    const p = nb.integrate.sobol(1024, 64, { scramble: false }).toArray() as number[][];
    expect([0, 1, 2, 9, 30, 63].map((j) => p[1000]![j])).toEqual([0.2197265625, 0.0966796875, 0.5185546875, 0.0693359375, 0.1474609375, 0.4462890625]);
    expect([5, 17, 40].map((j) => p[777]![j])).toEqual([0.3564453125, 0.8642578125, 0.7216796875]);
  });
  test("scrambled: seeded, reproducible, still a (0, m, d)-net: each of 2^k strata holds one point", () => {
    const a = nb.integrate.sobol(256, 3, { seed: 7 });
    expect(a.toArray()).toEqual(nb.integrate.sobol(256, 3, { seed: 7 }).toArray());
    expect(a.toArray()).not.toEqual(nb.integrate.sobol(256, 3, { seed: 8 }).toArray());
    const pts = a.toArray() as number[][];
    for (let j = 0; j < 3; j++) {
      const cells = new Set(pts.map((p) => Math.floor(p[j]! * 256)));
      expect(cells.size).toBe(256);
    }
    // Each 16 × 16 box of the first two coordinates holds exactly one point.
    expect(new Set(pts.map((p) => Math.floor(p[0]! * 16) * 16 + Math.floor(p[1]! * 16))).size).toBe(256);
  });
  test("scrambled Sobol integrates a smooth function far better than the 1/√n of plain sampling", () => {
    const pts = nb.integrate.sobol(4096, 4, { seed: 1 }).toArray() as number[][];
    const mean = pts.reduce((s, p) => s + p.reduce((q, x) => q * (1 + (x - 0.5)), 1), 0) / pts.length;
    expect(Math.abs(mean - 1)).toBeLessThan(1e-4);
  });
  test("bad sizes", () => {
    expect(() => nb.integrate.sobol(4, 0)).toThrow("d must be an integer in [1, 64]");
    expect(() => nb.integrate.sobol(-1, 2)).toThrow("n must be an integer");
  });
});

describe("halton", () => {
  test("unscrambled: radical inverses in bases 2, 3, 5", () => {
    const p = nb.integrate.halton(5, 3, { scramble: false }).toArray() as number[][];
    const expected = [[0, 0, 0], [1 / 2, 1 / 3, 1 / 5], [1 / 4, 2 / 3, 2 / 5], [3 / 4, 1 / 9, 3 / 5], [1 / 8, 4 / 9, 4 / 5]];
    p.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(expected[i]![j]!, 15)));
  });
  test("scrambled points are seeded and lie in [0, 1)", () => {
    const a = nb.integrate.halton(100, 6, { seed: 3 }).values();
    expect([...a]).toEqual([...nb.integrate.halton(100, 6, { seed: 3 }).values()]);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
  });
});

describe("gaussLegendre and fixedQuad", () => {
  test("2- and 3-point rules are the textbook ones", () => {
    const two = nb.integrate.gaussLegendre(2);
    expect([...two.nodes]).toEqual([-1 / Math.sqrt(3), 1 / Math.sqrt(3)].map((x) => expect.closeTo(x, 15)));
    const three = nb.integrate.gaussLegendre(3);
    expect(three.nodes[2]).toBeCloseTo(Math.sqrt(3 / 5), 15);
    expect([...three.weights]).toEqual([5 / 9, 8 / 9, 5 / 9].map((w) => expect.closeTo(w, 15)));
  });
  test.each([1, 4, 5, 17, 64, 200])("n = %i: weights sum to 2 and the rule is exact to degree 2n − 1", (n) => {
    const { nodes, weights } = nb.integrate.gaussLegendre(n);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(2, 13);
    const degree = Math.min(2 * n - 1, 60);
    const even = degree - (degree % 2);
    const moment = nodes.reduce((s, x, i) => s + weights[i]! * x ** even, 0);
    expect(moment).toBeCloseTo(2 / (even + 1), 13);
  });
  test("fixedQuad: exact on a degree-9 polynomial with the default n = 5; differentiable in b", () => {
    const r = nb.integrate.fixedQuad((x) => nb.pow(x, 9), 0, 2);
    expect(r.value.item()).toBeCloseTo(2 ** 10 / 10, 11);
    expect(r.nfev).toBe(5);
    const dIdb = nb.grad((b) => nb.integrate.fixedQuad((x) => nb.pow(x, 9), 0, b).value)(nb.scalar(2));
    expect(dIdb.item()).toBeCloseTo(2 ** 9, 9);
  });
});
