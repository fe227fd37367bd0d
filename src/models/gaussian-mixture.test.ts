/**
 * GaussianMixture against scikit-learn's EM from the same initial parameters (means, uniform
 * weights, the data's covariance): the same final log-likelihood to 1e-6 and the same means,
 * on iris and wine; and EM's log-likelihood never decreases.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { maxRelative, reference, referenceSplit } from "../../test/models-reference.js";

describe("GaussianMixture matches scikit-learn's EM", () => {
  for (const name of ["iris", "wine"] as const) {
    test(name, () => {
      const ref = reference.mixture[name];
      const s = referenceSplit(name, { standardise: false });
      const g = new nb.models.GaussianMixture({ nComponents: ref.meansInit.length, meansInit: ref.meansInit, regCovar: ref.regCovar, tol: 0, maxIter: ref.maxIter }).fit(s.xTrain);
      expect(Math.abs(g.score(s.xTrain) - ref.score)).toBeLessThan(1e-6);
      expect(Math.abs(g.logLikelihood.at(-1)! - ref.lowerBound)).toBeLessThan(1e-6);
      expect(maxRelative(g.means.values(), ref.means.flat())).toBeLessThan(1e-6);
      expect(maxRelative(g.weights.values(), ref.weights)).toBeLessThan(1e-6);
      expect(g.nIter).toBe(ref.maxIter);
      g.logLikelihood.slice(1).forEach((v, i) => expect(v, `iteration ${i + 1}`).toBeGreaterThanOrEqual(g.logLikelihood[i]! - 1e-12));
    });
  }

  test("stops when the log-likelihood settles, and says so", () => {
    const s = referenceSplit("iris", { standardise: false });
    const g = new nb.models.GaussianMixture({ nComponents: 3, tol: 1e-3, seed: 1 }).fit(s.xTrain);
    expect(g.converged).toBe(true);
    expect(g.nIter).toBeLessThan(100);
    expect(nb.sum(g.weights).item()).toBeCloseTo(1, 12);
    expect(g.predict(s.xTest).shape).toEqual([30]);
    expect(() => new nb.models.GaussianMixture({ nComponents: 2, meansInit: [[0, 0]] }).fit(s.xTrain)).toThrow(/meansInit must be \[2, 4\]/);
  });
});
