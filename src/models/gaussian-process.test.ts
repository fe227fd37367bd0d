/**
 * GaussianProcessRegressor against scikit-learn's (ConstantKernel·RBF/Matérn + WhiteKernel,
 * alpha 0, normalize_y off) on 100 diabetes rows: the log marginal likelihood at the same
 * hyperparameters to 1e-9, its gradient (nabla's reverse mode through the Cholesky factor)
 * against sklearn's analytic one, the predictive mean and variance, and the optimised
 * likelihood at least sklearn's best of 10 starts.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { maxRelative, reference, referenceSplit } from "../../test/models-reference.js";

function gpData() {
  const s = referenceSplit("diabetes");
  const x = nb.slice(s.xTrain, [0, 0], [100, 10]);
  const y = Array.from(s.yTrain.values()).slice(0, 100);
  const mean = y.reduce((a, v) => a + v, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / y.length);
  return { x, y: y.map((v) => (v - mean) / sd), xTest: nb.slice(s.xTest, [0, 0], [40, 10]) };
}

const KERNELS = { rbf: { type: "rbf" }, matern: { type: "matern", nu: 2.5 }, matern15: { type: "matern", nu: 1.5 } } as const;

describe("GaussianProcessRegressor matches scikit-learn's", () => {
  const data = gpData();
  for (const name of ["rbf", "matern", "matern15"] as const) {
    test(`${name}: log marginal likelihood, its gradient, predictions`, () => {
      const ref = reference.gp[name];
      const gp = new nb.models.GaussianProcessRegressor({
        kernel: { ...KERNELS[name], variance: ref.variance, lengthscale: ref.lengthscale }, noise: ref.noise, optimize: false,
      }).fit(data.x, data.y);
      expect(gp.theta.map((v, i) => v - ref.theta[i])).toEqual([0, 0, 0].map(() => expect.closeTo(0, 14)));
      expect(Math.abs(gp.logMarginalLikelihood() - ref.lml)).toBeLessThan(1e-9);
      expect(maxRelative(gp.info.gradient, ref.gradient)).toBeLessThan(1e-8);
      const at = gp.logMarginalLikelihoodGradient(ref.theta);
      expect(at.value).toBe(gp.logMarginalLikelihood(ref.theta));
      expect(maxRelative(at.gradient, ref.gradient)).toBeLessThan(1e-8);
      const { mean, variance } = gp.predictDistribution(data.xTest);
      expect(maxRelative(mean.values(), ref.meanTest)).toBeLessThan(1e-9);
      expect(maxRelative(variance.values(), ref.varianceTest)).toBeLessThan(1e-8);
    });
  }

  // Three starts (the given hyperparameters and two draws) already reach sklearn's best of ten.
  for (const [name, restarts] of [["rbf", 2], ["matern", 2]] as const) {
    test(`${name}: the optimised log marginal likelihood reaches sklearn's best of 10 starts`, () => {
      const ref = reference.gp[name];
      const gp = new nb.models.GaussianProcessRegressor({
        kernel: { ...KERNELS[name], variance: ref.variance, lengthscale: ref.lengthscale }, noise: ref.noise, restarts, seed: 0,
      }).fit(data.x, data.y);
      expect(gp.logMarginalLikelihood()).toBeGreaterThanOrEqual(ref.bestLml - 1e-9);
      expect(gp.info.starts.length).toBe(restarts + 1);
      expect(Math.max(...gp.info.gradient.map(Math.abs))).toBeLessThan(1e-3);
    });
  }

  test("errors are named", () => {
    expect(() => new nb.models.GaussianProcessRegressor({ kernel: { type: "matern", nu: 2 as 1.5 } }).fit([[0], [1]], [0, 1])).toThrow(/nu must be 0.5, 1.5 or 2.5/);
    expect(() => new nb.models.GaussianProcessRegressor().logMarginalLikelihood()).toThrow(/not fitted/);
  });
});
