/**
 * Lasso and ElasticNet against scikit-learn's coordinate descent at tol 1e-14 on diabetes:
 * coefficients within 1e-5 relative, the same zero pattern (exact zeros on both sides).
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { maxRelative, reference, referenceSplit } from "../../test/models-reference.js";

describe("coordinate descent reaches scikit-learn's optimum", () => {
  const s = referenceSplit("diabetes", { standardise: false });
  test("Lasso: coefficients, intercept and the zero pattern", () => {
    const ref = reference.lasso;
    const m = new nb.models.Lasso({ alpha: ref.params.alpha, tol: 1e-14, maxIter: 100_000 }).fit(s.xTrain, s.yTrain);
    const coef = Array.from(m.coef.values());
    expect(coef.map((v) => v === 0)).toEqual(ref.coef.map((v: number) => v === 0));
    expect(coef.filter((v) => v === 0).length).toBeGreaterThan(2);
    expect(maxRelative(coef, ref.coef, 1e-3 * Math.max(...ref.coef.map(Math.abs)))).toBeLessThan(1e-5);
    expect(Math.abs(m.intercept - ref.intercept) / Math.abs(ref.intercept)).toBeLessThan(1e-5);
    expect(m.dualityGap).toBeGreaterThanOrEqual(-1e-9);
    expect(m.dualityGap).toBeLessThan(1e-8);
  });

  test("ElasticNet", () => {
    const ref = reference.elasticNet;
    const m = new nb.models.ElasticNet({ alpha: ref.params.alpha, l1Ratio: ref.params.l1_ratio, tol: 1e-14, maxIter: 100_000 }).fit(s.xTrain, s.yTrain);
    expect(maxRelative(m.coef.values(), ref.coef, 1e-3 * Math.max(...ref.coef.map(Math.abs)))).toBeLessThan(1e-5);
    expect(Math.abs(m.intercept - ref.intercept) / Math.abs(ref.intercept)).toBeLessThan(1e-5);
    // score is R² (1 − SSres/SStot), here from sklearn's own coefficients.
    const y = Array.from(s.yTest.values());
    const predicted = Array.from(nb.matmul(s.xTest, nb.tensor(ref.coef)).add(ref.intercept).values());
    const yMean = y.reduce((a, b) => a + b, 0) / y.length;
    const r2 = 1 - y.reduce((a, v, i) => a + (v - predicted[i]!) ** 2, 0) / y.reduce((a, v) => a + (v - yMean) ** 2, 0);
    expect(m.score(s.xTest, s.yTest)).toBeCloseTo(r2, 6);
  });

  test("a large α zeroes every coefficient and leaves the mean", () => {
    const m = new nb.models.Lasso({ alpha: 1e6 }).fit(s.xTrain, s.yTrain);
    expect(Array.from(m.coef.values())).toEqual(new Array(10).fill(0));
    expect(m.intercept).toBeCloseTo(nb.mean(s.yTrain).item(), 10);
  });

  test("bad options are named", () => {
    expect(() => new nb.models.ElasticNet({ l1Ratio: 2 }).fit([[1], [2]], [1, 2])).toThrow(/l1Ratio must lie in \[0, 1\]/);
    expect(() => new nb.models.Lasso({ alpha: -1 }).fit([[1], [2]], [1, 2])).toThrow(/Lasso: alpha must be a number ≥ 0/);
  });
});
