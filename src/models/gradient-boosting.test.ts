/**
 * GradientBoosting against XGBoost 1.7 (tree_method "exact", the same parameters) on the
 * bundled data: training loss within 1%, test accuracy / R² no worse by more than 0.02. Then
 * the calculus: g and h from nabla equal the closed forms, a custom loss, and the handling of
 * zero Hessians (absolute error).
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { reference, referenceSplit } from "../../test/models-reference.js";
import { derivatives } from "./gradient-boosting.js";

const OBJECTIVES: Record<string, "squared" | "logistic" | "softmax"> = { "reg:squarederror": "squared", "binary:logistic": "logistic", "multi:softprob": "softmax" };

/** The mean training loss, XGBoost's way: ½ squared error, or −log p of the true class. */
function trainLoss(m: nb.models.GradientBoosting, x: nb.Tensor, y: nb.Tensor, objective: string): number {
  const t = Array.from(y.values());
  if (objective === "squared") {
    const p = Array.from(m.predict(x).values());
    return p.reduce((s, v, i) => s + 0.5 * (v - t[i]!) ** 2, 0) / t.length;
  }
  const p = m.predictProba(x);
  const k = p.shape[1]!;
  const v = p.values();
  return -t.reduce((s, c, i) => s + Math.log(v[i * k + c]!), 0) / t.length;
}

describe("GradientBoosting matches XGBoost (exact)", () => {
  for (const name of ["squared", "logistic", "softmax", "squaredDeep"]) {
    test(name, () => {
      const ref = reference.boosting[name];
      const s = referenceSplit(ref.data, { standardise: false });
      const objective = OBJECTIVES[ref.objective]!;
      const p = ref.params;
      const m = new nb.models.GradientBoosting({
        objective, nEstimators: p.n_estimators, maxDepth: p.max_depth, learningRate: p.learning_rate, lambda: p.reg_lambda,
        gamma: p.gamma, minChildWeight: p.min_child_weight, baseScore: p.base_score,
      }).fit(s.xTrain, s.yTrain);
      const loss = trainLoss(m, s.xTrain, s.yTrain, objective);
      expect(Math.abs(loss - ref.trainLoss) / ref.trainLoss).toBeLessThan(0.01);
      expect(m.score(s.xTest, s.yTest)).toBeGreaterThanOrEqual(ref.testMetric - 0.02);
      expect(m.rounds.at(-1)!.loss).toBeCloseTo(loss, 8);
    });
  }
});

describe("GradientBoosting's calculus", () => {
  test("g and h from nabla are the closed forms (logistic: σ − y and σ(1 − σ); softmax: p − y and p(1 − p))", () => {
    const z = nb.tensor([-2, 0.5, 3]);
    const y = nb.tensor([1, 0, 1]);
    const { g, h } = derivatives((m) => nb.sum(nb.sub(nb.softplus(m), nb.mul(y, m))), z, 1);
    const s = z.values().map((v) => 1 / (1 + Math.exp(-v)));
    Array.from(g).forEach((v, i) => expect(v).toBeCloseTo(s[i]! - y.values()[i]!, 14));
    Array.from(h).forEach((v, i) => expect(v).toBeCloseTo(s[i]! * (1 - s[i]!), 14));
    const zz = nb.tensor([[1, 2, 0], [0.1, -1, 0.3]]);
    const onehot = nb.tensor([[0, 1, 0], [1, 0, 0]]);
    const soft = derivatives((m) => nb.sub(nb.sum(nb.logsumexp(m, 1)), nb.sum(nb.mul(onehot, m))), zz, 3);
    const p = nb.softmax(zz, 1).values();
    Array.from(soft.g).forEach((v, t) => expect(v).toBeCloseTo(p[t]! - onehot.values()[t]!, 14));
    Array.from(soft.h).forEach((v, t) => expect(v).toBeCloseTo(p[t]! * (1 - p[t]!), 14));
  });

  test("a loss written by the user boosts exactly like the built-in objective it restates", () => {
    const s = referenceSplit("breast-cancer", { standardise: false });
    const options = { nEstimators: 5, maxDepth: 3 };
    const builtIn = new nb.models.GradientBoosting({ ...options, objective: "logistic" }).fit(s.xTrain, s.yTrain);
    const custom = new nb.models.GradientBoosting({ ...options, baseScore: 0, objective: (p, y) => nb.sub(nb.softplus(p), nb.mul(y, p)) }).fit(s.xTrain, s.yTrain);
    const recorded = new nb.models.GradientBoosting({ ...options, nEstimators: 1, objective: "logistic", recordDerivatives: true }).fit(s.xTrain, s.yTrain);
    // Round 0 starts at margin 0: g = ½ − y and h = ¼ for every sample.
    expect(recorded.rounds[0]!.gradients).toEqual(Array.from(s.yTrain.values(), (y) => 0.5 - y));
    expect(new Set(recorded.rounds[0]!.hessians)).toEqual(new Set([0.25]));
    const a = builtIn.decisionFunction(s.xTest).values();
    const b = custom.decisionFunction(s.xTest).values();
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 12));
  });

  test("zero Hessians (absolute error): first-order rounds by default, an error on request, or a floor", () => {
    const s = referenceSplit("diabetes", { standardise: false });
    const mae = (p: nb.Tensor, y: nb.Tensor) => nb.abs(nb.sub(p, y));
    const m = new nb.models.GradientBoosting({ objective: mae, nEstimators: 30, maxDepth: 3, learningRate: 0.5, baseScore: 150 }).fit(s.xTrain, s.yTrain);
    expect(m.rounds.every((r) => r.nonPositiveHessians === s.xTrain.shape[0])).toBe(true);
    // Unit Hessians make each leaf the mean sign of the residuals shrunk by λ: small, safe steps.
    m.rounds.slice(1).forEach((r, i) => expect(r.loss).toBeLessThanOrEqual(m.rounds[i]!.loss));
    expect(m.rounds.at(-1)!.loss).toBeLessThan(0.95 * m.rounds[0]!.loss);
    expect(() => new nb.models.GradientBoosting({ objective: mae, nEstimators: 1, nonPositiveHessian: "error" }).fit(s.xTrain, s.yTrain)).toThrow(/353 of 353 Hessians are ≤ 0/);
    const floored = new nb.models.GradientBoosting({ objective: mae, nEstimators: 2, nonPositiveHessian: 1e3, minChildWeight: 0 }).fit(s.xTrain, s.yTrain);
    expect(floored.rounds[0]!.hessianSum).toBe(0);
  });

  test("hist: with as many bins as distinct values it is exact; with 16 bins close to it", () => {
    const s = referenceSplit("diabetes", { standardise: false });
    const options = { nEstimators: 10, maxDepth: 3, learningRate: 0.3 };
    const exact = new nb.models.GradientBoosting(options).fit(s.xTrain, s.yTrain);
    const wide = new nb.models.GradientBoosting({ ...options, treeMethod: "hist", maxBin: 1000 }).fit(s.xTrain, s.yTrain);
    const narrow = new nb.models.GradientBoosting({ ...options, treeMethod: "hist", maxBin: 16 }).fit(s.xTrain, s.yTrain);
    expect(wide.rounds.at(-1)!.loss).toBe(exact.rounds.at(-1)!.loss);
    expect(narrow.rounds.at(-1)!.loss / exact.rounds.at(-1)!.loss).toBeLessThan(1.1);
    expect(narrow.rounds.at(-1)!.loss).not.toBe(exact.rounds.at(-1)!.loss);
  });

  test("a loss that couples samples is refused: its Hessian is not diagonal", () => {
    const coupled = (p: nb.Tensor, y: nb.Tensor) => nb.square(nb.sum(nb.sub(p, y)));
    expect(() => new nb.models.GradientBoosting({ objective: coupled, nEstimators: 1 }).fit([[0], [1], [2]], [0, 1, 2])).toThrow(/couples samples/);
  });

  test("errors are named", () => {
    expect(() => new nb.models.GradientBoosting({ objective: "logistic" }).fit([[0], [1], [2]], [0, 1, 2])).toThrow(/needs two classes/);
    expect(() => new nb.models.GradientBoosting({ objective: "poisson" as "squared" }).fit([[0]], [0])).toThrow(/objective must be/);
    expect(() => new nb.models.GradientBoosting().predictProba([[0]])).toThrow(/not fitted/);
  });
});
