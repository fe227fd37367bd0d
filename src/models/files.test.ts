/**
 * Model files for nb.models: every estimator round-trips (the same predictions), and malformed
 * or forged files are refused with an error that names the field.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { referenceSplit } from "../../test/models-reference.js";

const iris = referenceSplit("iris");
const binary = referenceSplit("breast-cancer");
const diabetes = referenceSplit("diabetes");

const same = (a: nb.Tensor, b: nb.Tensor) => expect(Array.from(a.values())).toEqual(Array.from(b.values()));

describe("every estimator round-trips through a model file", () => {
  const cases: [string, () => nb.models.SavedEstimator, (m: nb.models.SavedEstimator) => nb.Tensor][] = [
    ["LinearRegression", () => new nb.models.LinearRegression().fit(diabetes.xTrain, diabetes.yTrain), (m) => (m as nb.models.LinearRegression).predict(diabetes.xTest)],
    ["Ridge", () => new nb.models.Ridge({ alpha: 2 }).fit(diabetes.xTrain, diabetes.yTrain), (m) => (m as nb.models.Ridge).predict(diabetes.xTest)],
    ["Lasso", () => new nb.models.Lasso({ alpha: 1 }).fit(diabetes.xTrain, diabetes.yTrain), (m) => (m as nb.models.Lasso).predict(diabetes.xTest)],
    ["ElasticNet", () => new nb.models.ElasticNet({ alpha: 0.1 }).fit(diabetes.xTrain, diabetes.yTrain), (m) => (m as nb.models.ElasticNet).predict(diabetes.xTest)],
    ["LogisticRegression", () => new nb.models.LogisticRegression({ solver: "lbfgs" }).fit(iris.xTrain, iris.yTrain), (m) => (m as nb.models.LogisticRegression).predictProba(iris.xTest)],
    ["SVC", () => new nb.models.SVC({ kernel: "poly", degree: 2 }).fit(binary.xTrain, binary.yTrain), (m) => (m as nb.models.SVC).decisionFunction(binary.xTest)],
    ["GaussianMixture", () => new nb.models.GaussianMixture({ nComponents: 3, meansInit: [[0, 0, 0, 0], [1, 1, 1, 1], [-1, -1, -1, -1]] }).fit(iris.xTrain), (m) => (m as nb.models.GaussianMixture).predictProba(iris.xTest)],
    ["GaussianProcessRegressor", () => new nb.models.GaussianProcessRegressor({ optimize: false, noise: 0.5 }).fit(nb.slice(diabetes.xTrain, [0, 0], [50, 10]), nb.slice(diabetes.yTrain, [0], [50]).div(100)),
      (m) => (m as nb.models.GaussianProcessRegressor).predictDistribution(diabetes.xTest).variance],
    ["GradientBoosting", () => new nb.models.GradientBoosting({ objective: "softmax", nEstimators: 3, maxDepth: 2 }).fit(iris.xTrain, iris.yTrain), (m) => (m as nb.models.GradientBoosting).predictProba(iris.xTest)],
    ["PCA", () => new nb.models.PCA({ nComponents: 2 }).fit(iris.xTrain), (m) => (m as nb.models.PCA).transform(iris.xTest)],
  ];
  for (const [name, make, use] of cases) {
    test(name, () => {
      const model = make();
      const text = nb.models.modelToJson(model, { note: "test" });
      expect(JSON.parse(text).type).toBe(name);
      const copy = nb.models.modelFromJson(text);
      expect(copy.constructor).toBe(model.constructor);
      same(use(copy), use(model));
    });
  }

  test("saveModel never replaces a file unless asked; loadModel reads it back", () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-models-"));
    const path = join(dir, "ridge.json");
    const m = new nb.models.Ridge().fit(diabetes.xTrain, diabetes.yTrain);
    nb.models.saveModel(m, path);
    expect(() => nb.models.saveModel(m, path)).toThrow(/exists/);
    nb.models.saveModel(m, path, { overwrite: true });
    same((nb.models.loadModel(path) as nb.models.Ridge).predict(diabetes.xTest), m.predict(diabetes.xTest));
  });
});

describe("malformed model files are refused, naming the field", () => {
  const ridge = JSON.parse(nb.models.modelToJson(new nb.models.Ridge().fit([[0], [1], [2]], [0, 1, 3])));
  const trees = JSON.parse(nb.models.modelToJson(new nb.models.GradientBoosting({ nEstimators: 2, maxDepth: 2, minChildWeight: 0 }).fit([[0], [1], [2], [3]], [0, 1, 3, 4])));
  const load = (doc: unknown) => () => nb.models.modelFromJson(typeof doc === "string" ? doc : JSON.stringify(doc));

  test("syntax, format, version, type and unknown fields", () => {
    expect(load(JSON.stringify(ridge).slice(0, 40))).toThrow(/not valid JSON \(truncated\?\)/);
    expect(load({ ...ridge, format: "nabla-model" })).toThrow(/not a nabla estimator file/);
    expect(load({ ...ridge, version: 2 })).toThrow(/version 2; this nabla reads version 1/);
    expect(load({ ...ridge, type: "__proto__" })).toThrow(/"type" must be one of/);
    expect(load({ ...ridge, fitted: { ...ridge.fitted, extra: 1 } })).toThrow(/unknown field fitted.extra/);
    expect(load({ ...ridge, options: { alpha: "x => process.exit()", solver: 1 } })).toThrow(/options.solver is not an option of Ridge/);
  });

  test("tensors: shape, length, finiteness", () => {
    expect(load({ ...ridge, fitted: { ...ridge.fitted, coef: { dtype: "float64", shape: [1, 1], data: [1] } } })).toThrow(/fitted.coef.shape must be \[n\]/);
    expect(load({ ...ridge, fitted: { ...ridge.fitted, coef: { dtype: "float64", shape: [2], data: [1] } } })).toThrow(/fitted.coef.data must hold 2 numbers/);
    expect(load({ ...ridge, fitted: { ...ridge.fitted, coef: { dtype: "float64", shape: [1], data: ["1"] } } })).toThrow(/fitted.coef.data\[0\] is "1"/);
    expect(load({ ...ridge, fitted: { ...ridge.fitted, intercept: null } })).toThrow(/fitted.intercept must be a finite number/);
  });

  test("boosting trees: features in range, children after parents", () => {
    const tree = trees.fitted.trees[0][0];
    expect(load({ ...trees, fitted: { ...trees.fitted, trees: [[{ ...tree, feature: tree.feature.map((f: number) => (f >= 0 ? 5 : f)) }]] } })).toThrow(/feature index below 1/);
    expect(load({ ...trees, fitted: { ...trees.fitted, trees: [[{ ...tree, left: tree.left.map(() => 0) }]] } })).toThrow(/children must be later nodes/);
  });

  test("what cannot be saved or checked says why", () => {
    const custom = new nb.models.GradientBoosting({ objective: (p, y) => nb.square(nb.sub(p, y)), nEstimators: 1 }).fit([[0], [1]], [0, 1]);
    expect(() => nb.models.modelToJson(custom)).toThrow(/function objective cannot be saved/);
    const svc = nb.models.modelFromJson(nb.models.modelToJson(new nb.models.SVC().fit([[0], [1]], [0, 1]))) as nb.models.SVC;
    expect(() => svc.kkt()).toThrow(/loaded from a file/);
    const gmm = JSON.parse(nb.models.modelToJson(new nb.models.GaussianMixture({ nComponents: 1 }).fit([[0], [1], [3]])));
    gmm.fitted.covariances.data = [-1];
    expect(load(gmm)).toThrow(/fitted.covariances: .*not positive definite/);
  });
});
