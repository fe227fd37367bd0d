/**
 * Gradient estimators on problems with known gradients: unbiased within 5 standard errors,
 * and on the Gaussian example the reparameterisation estimator has lower variance than the
 * score function's.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

/** R independent gradient estimates (seeds 0 … R − 1): their mean and standard error per coordinate. */
function estimates(grad: (seed: number) => number[], repeats: number): { mean: number[]; se: number[]; variance: number[] } {
  const rows = Array.from({ length: repeats }, (_, s) => grad(s));
  const k = rows[0]!.length;
  const mean = Array.from({ length: k }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / repeats);
  const variance = mean.map((m, j) => rows.reduce((a, r) => a + (r[j]! - m) ** 2, 0) / (repeats - 1));
  return { mean, variance, se: variance.map((v) => Math.sqrt(v / repeats)) };
}

const expectUnbiased = (e: { mean: number[]; se: number[] }, truth: number[]) => {
  truth.forEach((t, j) => expect(Math.abs(e.mean[j]! - t), `coordinate ${j}: ${e.mean[j]} ± ${e.se[j]} vs ${t}`).toBeLessThan(5 * e.se[j]!));
};

describe("Gaussian example: ∇(μ, σ) E[x²] = (2μ, 2σ) under N(μ, σ²)", () => {
  const theta = nb.tensor([0.8, 1.3]);
  const truth = [1.6, 2.6];
  const normal = (t: nb.Tensor) => new nb.distributions.Normal(nb.slice(t, [0], [1]).reshape([]), nb.slice(t, [1], [1]).reshape([]));
  const square = (x: nb.Tensor) => nb.square(x);
  const reparam = estimates((seed) => Array.from(nb.grad((t: nb.Tensor) => nb.estimators.reparameterization(square, normal(t), { n: 8, seed }))(theta).values()), 300);
  const score = estimates((seed) => Array.from(nb.grad((t: nb.Tensor) => nb.estimators.scoreFunction(square, normal(t), { n: 8, seed }))(theta).values()), 300);
  const scoreLoo = estimates((seed) => Array.from(nb.grad((t: nb.Tensor) => nb.estimators.scoreFunction(square, normal(t), { n: 8, seed, baseline: "leaveOneOut" }))(theta).values()), 300);

  test("each estimator is unbiased within 5 standard errors", () => {
    expectUnbiased(reparam, truth);
    expectUnbiased(score, truth);
    expectUnbiased(scoreLoo, truth);
  });
  test("reparameterisation has lower variance than the score function, with or without a baseline", () => {
    for (let j = 0; j < 2; j++) {
      expect(reparam.variance[j]).toBeLessThan(scoreLoo.variance[j]!);
      expect(scoreLoo.variance[j]).toBeLessThan(score.variance[j]!);
    }
  });
  test("the surrogates' values are the Monte-Carlo estimate of E[x²] = μ² + σ²", () => {
    const v = nb.estimators.scoreFunction(square, normal(theta), { n: 20000, seed: 1, baseline: 2 }).item();
    expect(Math.abs(v - (0.64 + 1.69))).toBeLessThan(0.05);
  });
});

describe("discrete and Gamma/Beta problems", () => {
  test("Bernoulli: d/dp E[(x − 0.3)²] = 0.49 − 0.09 = 0.4 (score function)", () => {
    const e = estimates((seed) => [nb.grad((p: nb.Tensor) => nb.estimators.scoreFunction((x) => nb.square(nb.sub(x, 0.3)), new nb.distributions.Bernoulli(p), { n: 16, seed, baseline: "leaveOneOut" }))(nb.scalar(0.35)).item()], 300);
    expectUnbiased(e, [0.4]);
  });
  test("Categorical: ∇ E[x] over unnormalised probs w is (k − E[x])/Σw", () => {
    const w = nb.tensor([1, 2, 3]);
    const e = estimates((seed) => Array.from(nb.grad((t: nb.Tensor) => nb.estimators.scoreFunction((x) => x, new nb.distributions.Categorical(t), { n: 16, seed, baseline: "leaveOneOut" }))(w).values()), 300);
    const ex = (0 * 1 + 1 * 2 + 2 * 3) / 6;
    expectUnbiased(e, [0, 1, 2].map((k) => (k - ex) / 6));
  });
  test("Gamma implicit reparameterisation: ∇(α, β) E[x] = (1/β, −α/β²)", () => {
    const e = estimates((seed) => Array.from(nb.grad((t: nb.Tensor) => nb.estimators.reparameterization((x) => x, new nb.distributions.Gamma(nb.slice(t, [0], [1]).reshape([]), nb.slice(t, [1], [1]).reshape([])), { n: 16, seed }))(nb.tensor([0.7, 2])).values()), 200);
    expectUnbiased(e, [0.5, -0.175]);
  });
  test("Beta: ∇a E[x] = b/(a + b)² through two Gamma draws", () => {
    const e = estimates((seed) => [nb.grad((a: nb.Tensor) => nb.estimators.reparameterization((x) => x, new nb.distributions.Beta(a, 3), { n: 16, seed }))(nb.scalar(2)).item()], 200);
    expectUnbiased(e, [3 / 25]);
  });
  test("a discrete distribution refuses the reparameterization estimator with a pointer to scoreFunction", () => {
    expect(() => nb.estimators.reparameterization((x) => x, new nb.distributions.Bernoulli(0.5))).toThrow(/scoreFunction/);
  });
});

describe("multivariate", () => {
  test("MultivariateNormal: ∇μ E[‖x‖²] = 2μ by both estimators", () => {
    const cov = [[1, 0.5], [0.5, 2]];
    const mu = nb.tensor([0.5, -1]);
    const f = (x: nb.Tensor) => nb.sum(nb.square(x), -1);
    const both = (seed: number, score: boolean) => Array.from(nb.grad((m: nb.Tensor) => {
      const d = new nb.distributions.MultivariateNormal(m, cov);
      return score ? nb.estimators.scoreFunction(f, d, { n: 16, seed, baseline: "leaveOneOut" }) : nb.estimators.reparameterization(f, d, { n: 16, seed });
    })(mu).values());
    expectUnbiased(estimates((s) => both(s, false), 100), [1, -2]);
    expectUnbiased(estimates((s) => both(s, true), 100), [1, -2]);
  });
});

describe("f that depends on the parameters itself", () => {
  test("scoreFunction adds f's own gradient: d/dθ E[θ·x] under N(θ, 1) = 2θ", () => {
    const e = estimates((seed) => [nb.grad((t: nb.Tensor) => nb.estimators.scoreFunction((x) => nb.mul(t, x), new nb.distributions.Normal(t, 1), { n: 16, seed, baseline: "leaveOneOut" }))(nb.scalar(0.7)).item()], 300);
    expectUnbiased(e, [1.4]);
  });
  test("bad options are refused with the reason", () => {
    expect(() => nb.estimators.scoreFunction((x) => x, new nb.distributions.Normal(0, 1), { n: 1, baseline: "leaveOneOut" })).toThrow(/n must be an integer ≥ 2/);
    expect(() => new nb.distributions.Normal([0, 1], [1, 1, 1])).toThrow(/Normal\(loc, scale\)/);
    expect(() => new nb.distributions.Categorical(nb.zeros([2, 0]))).toThrow(/K ≥ 1/);
  });
});
