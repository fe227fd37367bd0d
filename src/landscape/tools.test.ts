/** criticalPoints, sharpness, slices, directions, trajectory PCA and convexity against analytic and published values. */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const himmelblau = (p: nb.Tensor) => {
  const [x, y] = [p.slice([0], [1]), p.slice([1], [1])];
  return nb.sum(nb.add(nb.square(nb.sub(nb.add(nb.square(x), y), 11)), nb.square(nb.sub(nb.add(x, nb.square(y)), 7))));
};

describe("criticalPoints", () => {
  // Himmelblau (1972): minima f = 0 at (3, 2), (−2.805118, 3.131312), (−3.779310, −3.283186),
  // (3.584428, −1.848126); the local maximum f = 181.617 at (−0.270845, −0.923039); four saddles.
  const points = nb.landscape.criticalPoints(himmelblau, [-5, -5], [5, 5], { starts: 60 });
  test("Himmelblau's nine: 4 minima, 1 maximum, 4 saddles, with Morse indices 0, 2, 1", () => {
    const count = (kind: string) => points.filter((p) => p.kind === kind).length;
    expect([points.length, count("minimum"), count("maximum"), count("saddle")]).toEqual([9, 4, 1, 4]);
    for (const p of points) expect(p.morseIndex).toBe({ minimum: 0, saddle: 1, maximum: 2 }[p.kind as "minimum"]);
  });
  test("at the published coordinates", () => {
    const published = [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126]];
    const minima = points.filter((p) => p.kind === "minimum");
    for (const q of published) expect(minima.some((p) => Math.hypot(p.x[0]! - q[0]!, p.x[1]! - q[1]!) < 1e-5)).toBe(true);
    const max = points.find((p) => p.kind === "maximum")!;
    expect(max.x[0]).toBeCloseTo(-0.270845, 5);
    expect(max.x[1]).toBeCloseTo(-0.923039, 5);
    expect(max.value).toBeCloseTo(181.617, 3);
    for (const p of points) expect(p.gradNorm).toBeLessThan(1e-8);
  });
  test("bad boxes are refused with a message", () => {
    expect(() => nb.landscape.criticalPoints(himmelblau, [0, 0], [1])).toThrow(/same number/);
    expect(() => nb.landscape.criticalPoints(himmelblau, [1, 0], [0, 1])).toThrow(/below its upper/);
  });
});

describe("classify", () => {
  test("x² − y² + y⁴/4: a saddle at 0 with condition number 1, minima at (0, ±√2), not critical elsewhere", () => {
    const f = (p: nb.Tensor) => {
      const [x, y] = [p.slice([0], [1]), p.slice([1], [1])];
      return nb.sum(nb.add(nb.sub(nb.square(x), nb.square(y)), nb.div(nb.pow(y, 4), 4)));
    };
    const saddle = nb.landscape.classify(f, nb.tensor([0, 0]));
    expect(saddle).toMatchObject({ kind: "saddle", morseIndex: 1 });
    expect(saddle.conditionNumber).toBeCloseTo(1, 12);
    // At (0, √2) the Hessian is diag(2, 3y² − 2) = diag(2, 4).
    expect(nb.landscape.classify(f, nb.tensor([0, Math.SQRT2]))).toMatchObject({ kind: "minimum", morseIndex: 0 });
    expect(nb.landscape.classify(f, nb.tensor([0, Math.SQRT2])).conditionNumber).toBeCloseTo(2, 10);
    expect(nb.landscape.classify(f, nb.tensor([1, 1])).kind).toBe("not-critical");
    // x⁴ + y² at 0: a zero eigenvalue leaves the second-derivative test inconclusive.
    expect(nb.landscape.classify((p: nb.Tensor) => nb.sum(nb.mul([1, 0], nb.pow(p, 4))).add(nb.square(p.slice([1], [1])).sum()), nb.tensor([0, 0])).kind).toBe("degenerate");
  });
});

describe("sharpness", () => {
  const f = (p: nb.Tensor) => nb.sum(nb.mul([50, 2], nb.square(p)));
  test("Keskar's ε-sharpness: the box's corner, relative to 1 + f, in percent", () => {
    // At x = (1, 0), f = 50; the box is |y₁| ≤ 2ε, |y₂| ≤ ε; the max is at y = (2ε, ±ε).
    const eps = 1e-3;
    const expected = (100 * (50 * (1 + 2 * eps) ** 2 + 2 * eps ** 2 - 50)) / 51;
    const s = nb.landscape.sharpness(f, nb.tensor([1, 0]), { epsilon: eps });
    expect(s.sharpness).toBeCloseTo(expected, 9);
  });
  test("max-eigenvalue is λmax = 100; doubling the parameterisation's scale quarters it", () => {
    expect(nb.landscape.sharpness(f, nb.tensor([1, 0]), { method: "max-eigenvalue" }).sharpness).toBeCloseTo(100, 8);
    // g(u) = f(2u) is the same function of x = 2u: its Hessian is 4× f's, so λmax is 4× too.
    const g = (u: nb.Tensor) => f(nb.mul(2, u));
    expect(nb.landscape.sharpness(g, nb.tensor([0.5, 0]), { method: "max-eigenvalue" }).sharpness).toBeCloseTo(400, 8);
  });
});

describe("slices and directions", () => {
  test("slice1d and slice2d evaluate f on the grid", () => {
    const f = (x: nb.Tensor) => nb.sum(nb.square(x));
    const s = nb.landscape.slice1d(f, nb.tensor([1, 1]), nb.tensor([1, 0]), { range: 2, n: 5 });
    expect(s.alphas).toEqual([-2, -1, 0, 1, 2]);
    expect(s.values).toEqual([2, 1, 2, 5, 10]);
    const p = nb.landscape.slice2d(f, nb.tensor([0, 0]), nb.tensor([1, 0]), nb.tensor([0, 2]), { range: [0, 1], n: 2 });
    expect(p.values).toEqual([[0, 4], [1, 5]]);
  });
  test("filter normalisation: each output unit's direction has its weights' norm, biases none", () => {
    const params = { w: nb.randn([5, 3], { seed: 1 }), b: nb.ones([3]), conv: nb.randn([2, 2, 3, 4], { seed: 2 }) };
    const [d1, d2] = nb.landscape.randomDirections(params, { seed: 3 });
    for (const [key, units] of [["w", 3], ["conv", 4]] as const) {
      const w = params[key].reshape([-1, units]);
      const d = d1![key].reshape([-1, units]);
      expect(nb.norm(d, 0).toArray()).toEqual((nb.norm(w, 0).toArray() as number[]).map((v) => expect.closeTo(v, 12)));
    }
    expect(d1!.b.toArray()).toEqual([0, 0, 0]);
    expect(nb.sub(d1!.w, d2!.w).abs().max().item()).toBeGreaterThan(0);
    const [raw] = nb.landscape.randomDirections(params, { filterNormalize: false, count: 1, seed: 3 });
    expect(raw!.b.abs().sum().item()).toBeGreaterThan(0);
  });
  test("trajectoryPCA: a path in a plane has two components explaining all of it", () => {
    const path = [0, 1, 2, 3, 4].map((t) => nb.tensor([t * t, t, 0, 2 * t]));
    const pca = nb.landscape.trajectoryPCA(path);
    expect(pca.explained.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Coordinates reproduce each difference from the final point exactly.
    path.forEach((p, t) => {
      const back = pca.directions.reduce((acc, d, k) => nb.add(acc, nb.mul(pca.coordinates[t]![k]!, d)), nb.zeros([4]));
      expect(nb.sub(back, nb.sub(p, path[4]!)).abs().max().item()).toBeLessThan(1e-10);
    });
  });
});

describe("convexity", () => {
  test("log-sum-exp is convex; Himmelblau is not, by both tests", () => {
    const lse = (p: nb.Tensor) => nb.logsumexp(p);
    expect(nb.landscape.convexity(lse, [-2, -2, -2], [2, 2, 2], { samples: 10 }).convex).toBe(true);
    const h = nb.landscape.convexity(himmelblau, [-5, -5], [5, 5], { samples: 20 });
    expect(h.convex).toBe(false);
    expect(h.minEigenvalue).toBeLessThan(0);
    expect(h.chordViolations).toBeGreaterThan(0);
  });
});
