/**
 * The closed-form models against scikit-learn on diabetes (LinearRegression, Ridge with its
 * Cholesky solver) and PCA on wine and digits: coefficients within 1e-5 relative (in fact
 * ~1e-12), explained variances to 1e-10, components and projections alike.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { maxRelative, reference, referenceSplit } from "../../test/models-reference.js";

describe("closed-form regression equals scikit-learn's", () => {
  const s = referenceSplit("diabetes", { standardise: false });
  test("LinearRegression", () => {
    const ref = reference.linear;
    const m = new nb.models.LinearRegression().fit(s.xTrain, s.yTrain);
    expect(maxRelative(m.coef.values(), ref.coef, 1e-6)).toBeLessThan(1e-9);
    expect(Math.abs(m.intercept - ref.intercept) / Math.abs(ref.intercept)).toBeLessThan(1e-9);
    expect(m.score(s.xTest, s.yTest)).toBeCloseTo(ref.r2Test, 10);
    expect(m.rank).toBe(10);
  });

  test("Ridge", () => {
    const ref = reference.ridge;
    const m = new nb.models.Ridge({ alpha: ref.params.alpha }).fit(s.xTrain, s.yTrain);
    expect(maxRelative(m.coef.values(), ref.coef, 1e-6)).toBeLessThan(1e-9);
    expect(Math.abs(m.intercept - ref.intercept) / Math.abs(ref.intercept)).toBeLessThan(1e-9);
    expect(m.score(s.xTest, s.yTest)).toBeCloseTo(ref.r2Test, 10);
  });

  test("the closed form is nabla ops: d Σcoef / dα by autodiff equals a central difference of Ridge fits", () => {
    const x = nb.tensor([[1, 2], [3, 1], [0, 1], [2, 2]]);
    const y = nb.tensor([1, 2, 0.5, 3]);
    const coef = (alpha: nb.Tensor) => {
      const d = nb.sub(x, nb.mean(x, 0));
      const g = nb.add(nb.matmul(nb.transpose(d), d), nb.mul(alpha, nb.eye(2)));
      return nb.linalg.choSolve(nb.linalg.cholesky(g), nb.matmul(nb.transpose(d), nb.sub(y, nb.mean(y))));
    };
    const fitSum = (alpha: number) => nb.sum(new nb.models.Ridge({ alpha }).fit(x, y).coef).item();
    const h = 1e-5;
    const numeric = (fitSum(0.5 + h) - fitSum(0.5 - h)) / (2 * h);
    expect(nb.grad((a: nb.Tensor) => nb.sum(coef(a)))(nb.scalar(0.5)).item()).toBeCloseTo(numeric, 8);
  });
});

describe("PCA equals scikit-learn's", () => {
  for (const name of ["wine", "digits"] as const) {
    test(name, () => {
      const ref = reference.pca[name];
      const s = referenceSplit(name);
      const p = new nb.models.PCA().fit(s.xTrain);
      const ev = Array.from(p.explainedVariance.values());
      const top = ref.explainedVariance[0];
      ev.forEach((v, i) => expect(Math.abs(v - ref.explainedVariance[i]), `variance ${i}`).toBeLessThanOrEqual(1e-10 * Math.max(1, top)));
      expect(maxRelative(p.explainedVarianceRatio.values(), ref.explainedVarianceRatio, 1e-3)).toBeLessThan(1e-10);
      // Components of well-separated variances are determined up to sign, and the sign rule is sklearn's.
      const k = 5;
      expect(maxRelative(p.components.values().slice(0, k * ref.components[0].length), ref.components.slice(0, k).flat())).toBeLessThan(1e-8);
      expect(maxRelative(nb.slice(p.transform(s.xTest), [0, 0], [s.xTest.shape[0]!, 3]).values(), ref.transformTest.flat())).toBeLessThan(1e-8);
    });
  }

  test("inverseTransform undoes transform with every component", () => {
    const x = nb.tensor([[1, 2, 0], [0, 1, 1], [3, 1, 2], [2, 2, 2]]);
    const p = new nb.models.PCA().fit(x);
    expect(maxRelative(p.inverseTransform(p.transform(x)).values(), x.values())).toBeLessThan(1e-12);
    expect(() => new nb.models.PCA({ nComponents: 9 }).fit(x)).toThrow(/exceeds min\(samples, features\) = 3/);
  });
});
