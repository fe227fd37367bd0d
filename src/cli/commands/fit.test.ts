/**
 * `nabla fit`: each model fits on a bundled dataset, reports held-out scores and its calculus;
 * bad input is a UsageError (exit code 2) or a NablaError naming the option.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import { UsageError } from "../command.js";
import { fit } from "./fit.js";

const run = (model: string, options: Record<string, string | boolean> = {}) => fit.run({ args: [model], options: { quiet: true, ...options } });

describe("nabla fit", () => {
  test("svc on breast-cancer: accuracy and KKT residuals", () => {
    const r = run("svc", { data: "breast-cancer", set: "kernel=rbf,C=1,tol=1e-8" });
    expect(r.test.accuracy).toBeGreaterThan(0.9);
    const kkt = r.calculus.kkt as Record<string, number>;
    expect(kkt.stationarity).toBeLessThan(1e-6);
    expect(fit.render(r)).toMatch(/test: accuracy (0\.9\d{3}|1\.0000)[^]*kkt: stationarity/);
  });

  test("lasso: duality gap and zeros; boosting: the loss curve; gmm: the likelihood curve; pca", () => {
    const lasso = run("lasso", { data: "diabetes", set: "alpha=0.1,tol=1e-10" });
    expect(lasso.test.r2).toBeGreaterThan(0.3);
    expect(lasso.calculus.dualityGap as number).toBeLessThan(1e-6);
    const boosting = run("boosting", { data: "wine", set: "nEstimators=10,maxDepth=2" });
    expect(boosting.calculus.objective).toBe("softmax");
    expect((boosting.calculus.lossCurve as number[]).length).toBe(10);
    const gmm = run("gmm", { data: "iris", set: "nComponents=3" });
    const curve = gmm.calculus.logLikelihoodCurve as number[];
    curve.slice(1).forEach((v, i) => expect(v).toBeGreaterThanOrEqual(curve[i]! - 1e-12));
    const pca = run("pca", { data: "wine", set: "nComponents=13" });
    expect(pca.test.reconstructionRmse).toBeLessThan(1e-10);
  });

  test("linear, ridge, logistic and gp report their gradient at the solution", () => {
    expect(run("linear", { data: "diabetes" }).calculus.gradNorm as number).toBeLessThan(1e-6);
    expect(run("ridge", { data: "diabetes", set: "alpha=2" }).calculus.gradNorm as number).toBeLessThan(1e-6);
    expect(run("logistic", { data: "iris", set: "C=1,tol=1e-8" }).calculus.gradNorm as number).toBeLessThan(1e-6);
  });

  test("--save writes a model file that nb.models.loadModel reads", () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-fit-"));
    const path = join(dir, "ridge.json");
    const r = run("ridge", { data: "diabetes", save: path });
    expect(r.saved).toBe(path);
    const m = nb.models.loadModel(path) as nb.models.Ridge;
    expect(m.coef.shape).toEqual([10]);
    expect(JSON.parse(readFileSync(path, "utf8")).metadata.standardize.mean).toHaveLength(10);
    expect(() => run("ridge", { data: "diabetes", save: path })).toThrow(/exists/);
  });

  test("bad input", () => {
    expect(() => run("forest", { data: "iris" })).toThrow(UsageError);
    expect(() => run("svc", { data: "iris", set: "depth=3" })).toThrow(/svc has no option "depth"/);
    expect(() => run("svc", { data: "iris" })).toThrow(/3 classes; this SVC is binary/);
    expect(() => run("ridge", { data: "diabetes", set: "fitIntercept=maybe" })).toThrow(/expected true or false/);
  });
});
