/** Sampling: moments of draws, seeds, shapes, and the implicit Gamma gradient against mpmath. */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { standardGammaGradient } from "../numeric/special.js";

const ref = JSON.parse(readFileSync(new URL("./reference.json", import.meta.url), "utf8")) as {
  implicitGamma: { a: number; z: number; dzda: number }[];
};

describe("draws have the distribution's mean and variance (within 5 standard errors)", () => {
  const cases: [string, nb.distributions.Distribution][] = [
    ["Normal", new nb.distributions.Normal(1.5, 0.7)],
    ["Uniform", new nb.distributions.Uniform(-1, 3)],
    ["Exponential", new nb.distributions.Exponential(2.5)],
    ["Laplace", new nb.distributions.Laplace(-0.5, 1.2)],
    ["Gamma α < 1", new nb.distributions.Gamma(0.4, 1.5)],
    ["Gamma α > 1", new nb.distributions.Gamma(4.5, 0.5)],
    ["Beta", new nb.distributions.Beta(0.8, 2.5)],
    ["Bernoulli", new nb.distributions.Bernoulli(0.3)],
  ];
  test.each(cases)("%s", (_, d) => {
    const n = 20000;
    const x = d.sample([n], { seed: 11 });
    expect(x.shape).toEqual([n]);
    const m = d.mean.item(), v = d.variance.item();
    expect(Math.abs(nb.mean(x).item() - m)).toBeLessThan(5 * Math.sqrt(v / n));
    // The sample variance's standard error, from the fourth central moment of the draws.
    const c = nb.sub(x, m);
    const m4 = nb.mean(nb.pow(c, 4)).item();
    expect(Math.abs(nb.mean(nb.square(c)).item() - v)).toBeLessThan(5 * Math.sqrt((m4 - v * v) / n));
  });

  test("Categorical draws have the given frequencies", () => {
    const x = new nb.distributions.Categorical([0.2, 0.3, 0.5]).sample([20000], { seed: 2 });
    [0.2, 0.3, 0.5].forEach((p, k) => {
      const freq = nb.mean(nb.equal(x, k)).item();
      expect(Math.abs(freq - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 20000));
    });
  });
});

describe("seeds and shapes", () => {
  test("the same seed gives the same draws; sample shape precedes batch shape", () => {
    const d = new nb.distributions.Gamma([1, 2, 3], 1);
    const a = d.rsample([4], { seed: 5 });
    expect(a.shape).toEqual([4, 3]);
    expect(a.toArray()).toEqual(d.rsample([4], { seed: 5 }).toArray());
    expect(new nb.distributions.Categorical([[0.5, 0.5], [0.1, 0.9]]).sample([7]).shape).toEqual([7, 2]);
  });
});

describe("Gamma implicit reparameterisation", () => {
  test("∂z/∂α equals −(∂P/∂α)/p(z; α) computed by mpmath at 40 digits", () => {
    for (const { a, z, dzda } of ref.implicitGamma) {
      const got = standardGammaGradient(a, z, nb.digamma(a + 1).item());
      expect(Math.abs(got - dzda), `α = ${a}, z = ${z}`).toBeLessThan(1e-10 * Math.max(1, Math.abs(dzda)));
    }
  });
  test("the rsample's gradient is that ∂z/∂α per draw (scaled by 1/rate)", () => {
    const alpha = 2.5, rate = 2;
    const draw = (a: nb.Tensor) => new nb.distributions.Gamma(a, rate).rsample([3], { seed: 9 });
    const z = draw(nb.scalar(alpha)).values();
    const [, pullback] = nb.vjp(draw, nb.scalar(alpha));
    const g = (pullback(nb.tensor([1, 0, 0])) as nb.Tensor[])[0]!.item();
    expect(Math.abs(g - standardGammaGradient(alpha, z[0]! * rate, nb.digamma(alpha + 1).item()) / rate)).toBeLessThan(1e-12);
  });
  test("forward mode gives the same derivative as reverse mode", () => {
    const f = (a: nb.Tensor) => nb.sum(new nb.distributions.Beta(a, 1.5).rsample([5], { seed: 2 }));
    const [, tangent] = nb.jvp(f, [nb.scalar(0.8)], [nb.scalar(1)]);
    expect(Math.abs((tangent as nb.Tensor).item() - (nb.grad(f)(nb.scalar(0.8)) as nb.Tensor).item())).toBeLessThan(1e-14);
  });
  test("second derivatives through a Gamma draw raise a clear error instead of a wrong value", () => {
    const f = (a: nb.Tensor) => nb.sum(nb.square(new nb.distributions.Gamma(a, 1).rsample([2], { seed: 1 })));
    expect(() => nb.grad(nb.grad(f))(nb.scalar(2))).toThrow(/second derivatives/);
    expect(() => nb.hessian(f)(nb.scalar(2))).toThrow(/second derivatives/);
  });
});

describe("support", () => {
  test("every draw lies in the distribution's support", () => {
    const cases: nb.distributions.Distribution[] = [
      new nb.distributions.Uniform(-1, 3), new nb.distributions.Exponential(2), new nb.distributions.Gamma(0.3, 1),
      new nb.distributions.Beta(0.5, 0.5), new nb.distributions.Bernoulli(0.5), new nb.distributions.Categorical([1, 1, 1]),
    ];
    for (const d of cases) {
      const x = d.sample([2000], { seed: 8 });
      const { lower, upper } = d.support;
      expect(nb.min(x).item(), d.constructor.name).toBeGreaterThanOrEqual(nb.tensor(lower).item());
      expect(nb.max(x).item(), d.constructor.name).toBeLessThanOrEqual(nb.tensor(upper).item());
      expect(Number.isFinite(nb.sum(d.logProb(x)).item()), d.constructor.name).toBe(true);
    }
  });
});
