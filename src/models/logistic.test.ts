/**
 * LogisticRegression against scikit-learn's (lbfgs at tol 1e-12): binary with L2 on
 * breast-cancer, unpenalised on two of its features (not separable, so a minimiser exists),
 * multinomial on wine; coefficients within 1e-5 relative, probabilities alike.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { maxRelative, reference, referenceSplit } from "../../test/models-reference.js";

describe("LogisticRegression reaches scikit-learn's optimum", () => {
  for (const [name, solver] of [["binary", "newton"], ["none", "newton-cg"], ["binary", "lbfgs"], ["multinomial", "newton-cg"]] as const) {
    test(`${name} (${solver})`, () => {
      const ref = reference.logistic[name];
      const s = referenceSplit(ref.data);
      const x = ref.features ? nb.slice(s.xTrain, [0, 0], [s.xTrain.shape[0]!, ref.features]) : s.xTrain;
      const xTest = ref.features ? nb.slice(s.xTest, [0, 0], [s.xTest.shape[0]!, ref.features]) : s.xTest;
      const m = new nb.models.LogisticRegression({ C: ref.params.C, penalty: "penalty" in ref.params ? "none" : "l2", solver, tol: 1e-9 }).fit(x, s.yTrain);
      const coef = ref.coef.flat();
      const scale = Math.max(...coef.map(Math.abs));
      expect(maxRelative(m.coef.values(), coef, 1e-3 * scale)).toBeLessThan(1e-5);
      expect(maxRelative(m.intercept.values(), ref.intercept, 1e-3 * scale)).toBeLessThan(1e-5);
      expect(maxRelative(m.predictProba(xTest).values(), ref.probaTest.flat(), 1)).toBeLessThan(1e-6);
      expect(m.info.converged).toBe(true);
    });
  }

  test("score is the accuracy of predict", () => {
    const s = referenceSplit("wine");
    const m = new nb.models.LogisticRegression({ C: 0.5 }).fit(s.xTrain, s.yTrain);
    const p = m.predict(s.xTest).values();
    const y = s.yTest.values();
    expect(m.score(s.xTest, s.yTest)).toBe(p.filter((v, i) => v === y[i]).length / y.length);
    expect(m.coef.shape).toEqual([3, 13]);
  });

  test("bad options are named", () => {
    expect(() => new nb.models.LogisticRegression({ penalty: "l1" as "l2" }).fit([[0], [1]], [0, 1])).toThrow(/penalty must be "l2" or "none"/);
    expect(() => new nb.models.LogisticRegression().fit([[0], [1]], [1, 1])).toThrow(/1 class/);
  });
});
