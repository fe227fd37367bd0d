/**
 * Distribution quantities and KL divergences against torch.distributions (float64), and the
 * special functions against scipy, from reference.json (made by reference.py; no Python needed).
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import type { Distribution } from "./distribution.js";

interface Case {
  family: string;
  params: (number[] | number[][])[];
  points: number[];
  logProb: number[];
  mean?: number[];
  variance?: number[];
  entropy: number[];
  cdf?: number[];
  icdf?: number[];
  icdfPoints?: number[];
}
const ref = JSON.parse(readFileSync(new URL("./reference.json", import.meta.url), "utf8")) as {
  distributions: Case[];
  kl: { p: string; q: string; value: (number | "Infinity")[] }[];
  special: { x: number[]; lgamma: number[]; digamma: number[]; trigamma: number[] };
  implicitGamma: { a: number; z: number; dzda: number }[];
  klGammaLaplace: number;
};

type Family = new (...params: nb.Tensor[]) => Distribution;
const family = (name: string): Family => (nb.distributions as unknown as Record<string, Family>)[name]!;
const make = (name: string, params: (number[] | number[][])[]): Distribution => new (family(name))(...params.map((p) => nb.tensor(p)));

/** |a − b| ≤ 1e-10·max(1, |b|) elementwise; infinities must match exactly. */
function expectClose(actual: nb.Tensor, expected: (number | "Infinity")[], tol = 1e-10): void {
  const a = Array.from(actual.values());
  expect(a.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const want = e === "Infinity" ? Infinity : e;
    if (!Number.isFinite(want)) expect(a[i]).toBe(want);
    else expect(Math.abs(a[i]! - want), `index ${i}: ${a[i]} vs ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
  });
}

describe("distributions equal torch.distributions to 1e-10", () => {
  test.each(ref.distributions.map((c) => [c.family, c] as const))("%s", (_, c) => {
    const d = make(c.family, c.params);
    expectClose(d.logProb(c.points), c.logProb);
    expectClose(d.entropy(), c.entropy);
    if (c.mean) expectClose(d.mean, c.mean);
    if (c.variance) expectClose(d.variance, c.variance);
    if (c.cdf) expectClose(d.cdf(c.points), c.cdf);
    if (c.icdf) expectClose(d.icdf(c.icdfPoints!), c.icdf);
  });
});

describe("kl equals torch.distributions.kl_divergence on every pair it has", () => {
  const pParams: Record<string, (number[] | number[][])[]> = {
    Normal: [[0.3, -0.4], [1.5, 0.6]], Laplace: [[-0.2, 0.8], [0.9, 1.3]], Exponential: [[1.7, 0.6]],
    Gamma: [[2.5, 0.8], [1.5, 2.2]], Beta: [[2.0, 0.7], [3.0, 1.4]], Uniform: [[0.1, 0.3], [0.8, 0.6]],
    Bernoulli: [[0.3, 0.85]], Categorical: [[[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]],
  };
  const qParams: Record<string, (number[] | number[][])[]> = {
    Normal: [[0.1, 0.7], [2.0, 0.5]], Laplace: [[0.4, -0.3], [1.7, 0.6]], Exponential: [[0.9, 2.1]],
    Gamma: [[1.2, 3.0], [0.7, 1.9]], Beta: [[1.3, 0.6], [2.4, 1.8]], Uniform: [[-0.5, 0.2], [1.5, 0.9]],
    Bernoulli: [[0.55, 0.2]], Categorical: [[[0.5, 0.25, 0.25], [0.1, 0.6, 0.3]]],
  };
  test("reference parameters match reference.py's", () => expect(ref.kl.length).toBe(34));
  test.each(ref.kl.map((c) => [`${c.p} ‖ ${c.q}`, c] as const))("%s", (_, c) => {
    const value = nb.distributions.kl(make(c.p, pParams[c.p]!), make(c.q, qParams[c.q]!));
    expectClose(value, c.value);
  });

  test("a pair with no closed form says to use klMonteCarlo, whose estimate is within 5 standard errors", () => {
    const p = new nb.distributions.Gamma(3, 2);
    const q = new nb.distributions.Laplace(1, 1);
    expect(() => nb.distributions.kl(p, q)).toThrow(/klMonteCarlo/);
    const { value, error } = nb.distributions.klMonteCarlo(p, q, { n: 20000, seed: 3 });
    expect(Math.abs(value.item() - ref.klGammaLaplace)).toBeLessThan(5 * error.item());
    expect(error.item()).toBeLessThan(0.01);
  });

  test("kl is differentiable in both distributions' parameters (against central differences)", () => {
    const f = (theta: nb.Tensor) => {
      const [m, s, a, b] = [0, 1, 2, 3].map((i) => nb.slice(theta, [i], [1]).reshape([]));
      return nb.add(
        nb.distributions.kl(new nb.distributions.Normal(m!, s!), new nb.distributions.Laplace(0.2, 1.1)),
        nb.distributions.kl(new nb.distributions.Beta(a!, b!), new nb.distributions.Gamma(s!, 2)),
      );
    };
    expect(nb.checkGrad(f, [nb.tensor([0.3, 1.2, 2.5, 1.7])]).ok).toBe(true);
  });
});

describe("special functions equal scipy.special", () => {
  const { x } = ref.special;
  test("lgamma, digamma, and trigamma as digamma's derivative", () => {
    expectClose(nb.lgamma(x), ref.special.lgamma, 1e-13);
    expectClose(nb.digamma(x), ref.special.digamma, 1e-13);
    expectClose(nb.grad((t: nb.Tensor) => nb.sum(nb.digamma(t)))(nb.tensor(x)), ref.special.trigamma, 1e-11);
  });
});

describe("MultivariateNormal equals torch.distributions.MultivariateNormal", () => {
  const m = (JSON.parse(readFileSync(new URL("./reference.json", import.meta.url), "utf8")) as {
    mvn: { loc: number[]; covariance: number[][]; loc2: number[]; covariance2: number[][]; points: number[][]; logProb: number[]; entropy: number; variance: number[]; kl: number };
  }).mvn;
  const p = new nb.distributions.MultivariateNormal(m.loc, m.covariance);
  test("logProb, entropy, variance and kl", () => {
    expectClose(p.logProb(m.points), m.logProb);
    expectClose(p.entropy(), [m.entropy]);
    expectClose(p.variance, m.variance);
    expectClose(nb.distributions.kl(p, new nb.distributions.MultivariateNormal(m.loc2, m.covariance2)), [m.kl]);
  });
  test("batched parameters give one value per batch entry; draws have the covariance", () => {
    const batch = new nb.distributions.MultivariateNormal([m.loc, m.loc2], [m.covariance, m.covariance2]);
    expect(batch.batchShape).toEqual([2]);
    expectClose(batch.logProb(m.points[0]!).reshape([2]).slice([0], [1]), [m.logProb[0]!]);
    const x = p.sample([20000], { seed: 4 });
    expect(x.shape).toEqual([20000, 3]);
    const c = nb.sub(x, nb.mean(x, 0));
    const cov = nb.div(nb.matmul(nb.transpose(c), c), 20000).toArray() as number[][];
    m.covariance.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(cov[i]![j]! - v)).toBeLessThan(0.06)));
  });
  test("a covariance that is not positive definite is refused", () => {
    expect(() => new nb.distributions.MultivariateNormal([0, 0], [[1, 2], [2, 1]])).toThrow(/not positive definite/);
  });
});

describe("Gamma.cdf (regularised incomplete gamma) equals scipy.stats.gamma.cdf, with its derivatives", () => {
  const cases = (JSON.parse(readFileSync(new URL("./reference.json", import.meta.url), "utf8")) as {
    gammaCdf: { a: number; rate: number; x: number; cdf: number; da: number; dx: number; drate: number }[];
  }).gammaCdf;
  test.each(cases.map((c) => [`α = ${c.a}, rate = ${c.rate}, x = ${c.x}`, c] as const))("%s", (_, c) => {
    const cdf = (a: nb.Tensor, rate: nb.Tensor, x: nb.Tensor) => new nb.distributions.Gamma(a, rate).cdf(x);
    const args = [nb.scalar(c.a), nb.scalar(c.rate), nb.scalar(c.x)] as const;
    expectClose(cdf(...args), [c.cdf]);
    const [da, drate, dx] = nb.grad(cdf, { argnums: [0, 1, 2] })(...args) as nb.Tensor[];
    expectClose(da!, [c.da]);
    expectClose(drate!, [c.drate]);
    expectClose(dx!, [c.dx]);
    const [, tangent] = nb.jvp((a: nb.Tensor) => cdf(a, args[1], args[2]), [args[0]], [nb.scalar(1)]);
    expectClose(tangent as nb.Tensor, [c.da]);
  });
  test("the second derivative in x is the density's derivative; in α it refuses", () => {
    const d2 = nb.grad(nb.grad((x: nb.Tensor) => new nb.distributions.Gamma(3, 1).cdf(x)))(nb.scalar(2)) as nb.Tensor;
    // d/dx [x² e^(−x)/2] = (2x − x²)e^(−x)/2 = 0 at x = 2.
    expect(Math.abs(d2.item())).toBeLessThan(1e-14);
    expect(() => nb.grad(nb.grad((a: nb.Tensor) => new nb.distributions.Gamma(a, 1).cdf(2)))(nb.scalar(3))).toThrow(/second derivatives/);
  });
});

describe("kl at the edges of the simplex matches torch (0 where p has no mass, ∞ where only q has none)", () => {
  test("Bernoulli and Categorical", () => {
    // torch.distributions.kl_divergence on these parameters: [0.5108, 0.9163, inf, inf, 0] and [inf, 0.5108].
    const b = nb.distributions.kl(new nb.distributions.Bernoulli([0, 1, 0.3, 0.3, 0]), new nb.distributions.Bernoulli([0.4, 0.4, 0, 1, 0]));
    expectClose(b, [-Math.log(0.6), -Math.log(0.4), "Infinity", "Infinity", 0], 1e-12);
    const c = nb.distributions.kl(new nb.distributions.Categorical([[0.5, 0.5, 0], [0.5, 0.5, 0]]), new nb.distributions.Categorical([[0.2, 0, 0.8], [0.3, 0.3, 0.4]]));
    expectClose(c, ["Infinity", -Math.log(0.6)], 1e-12);
  });
});
