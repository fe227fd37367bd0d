/**
 * SVC against scikit-learn's (libsvm) on the bundled data at tol 1e-8: the same support
 * vectors, dual coefficients and intercept, decision values within 1e-3 (in fact far closer),
 * and KKT residuals of at most 1e-6.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { maxRelative, reference, referenceSplit } from "../../test/models-reference.js";

describe("SVC matches libsvm", () => {
  for (const name of ["linear", "rbf", "poly", "irisRbf"]) {
    test(name, () => {
      const ref = reference.svc[name];
      const s = referenceSplit(ref.data, { classes: ref.classes ?? undefined });
      const model = new nb.models.SVC({ ...ref.params, tol: 1e-8 }).fit(s.xTrain, s.yTrain);
      expect(model.supportIndices).toEqual(ref.supportIndices);
      // Both solvers stop once the maximal violating pair's gap is below 1e-8; where K is badly
      // conditioned on the free vectors (iris, γ = 0.5) the multipliers can still differ by
      // ~1e-5·C while the decision values agree to ~1e-6.
      expect(maxRelative(model.dualCoef.values(), ref.dualCoef, 1) / ref.params.C).toBeLessThan(1e-4);
      expect(Math.abs(model.intercept - ref.intercept)).toBeLessThan(1e-5);
      expect(maxRelative(model.decisionFunction(s.xTest).values(), ref.decisionTest)).toBeLessThan(1e-5);
      const kkt = model.kkt();
      for (const key of ["stationarity", "complementarySlackness", "box", "equality"] as const) expect(kkt[key], key).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(kkt.dualityGap)).toBeLessThan(1e-6 * Math.max(1, ref.dualCoef.length));
    });
  }
});

describe("SVC", () => {
  test("a separable pair of points: the hard-margin solution by hand", () => {
    // Points (0, 0) and (2, 0): w = (1, 0), b = −1, α = ½ each (‖w‖² = αᵀQα = 2α² · 2).
    const m = new nb.models.SVC({ kernel: "linear", C: 100, tol: 1e-10 }).fit([[0, 0], [2, 0]], [0, 1]);
    expect(m.dualCoef.toArray()).toEqual([-0.5, 0.5]);
    expect(m.intercept).toBeCloseTo(-1, 12);
    expect(m.predict([[-1, 3], [3, -3]]).toArray()).toEqual([0, 1]);
    expect(m.score([[-1, 3], [3, -3]], [0, 1])).toBe(1);
  });

  test("errors say what is wrong", () => {
    expect(() => new nb.models.SVC().fit([[0], [1], [2]], [0, 1, 2])).toThrow(/3 classes; this SVC is binary/);
    expect(() => new nb.models.SVC({ C: -1 }).fit([[0], [1]], [0, 1])).toThrow(/C must be a positive number/);
    expect(() => new nb.models.SVC().predict([[0]])).toThrow(/not fitted/);
    expect(() => new nb.models.SVC().fit([[0], [1]], [0])).toThrow(/one target per sample/);
  });
});
