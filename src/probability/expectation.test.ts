/** expectation: the three methods against closed-form moments, with honest errors and gradients. */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { gaussHermite, gaussLaguerre } from "./gauss-rules.js";

const { expectation } = nb.distributions;
const D = nb.distributions;

describe("Gauss rules (Golub–Welsch)", () => {
  test("Hermite and Laguerre integrate their weight's moments exactly", () => {
    const h = gaussHermite(6), l = gaussLaguerre(6);
    // ∫ x⁴ e^(−x²) = 3√π/4; ∫₀^∞ x⁵ e^(−x) = 5! = 120.
    const m = (r: typeof h, p: number) => r.nodes.reduce((acc, x, i) => acc + r.weights[i]! * x ** p, 0);
    expect(m(h, 4)).toBeCloseTo((3 * Math.sqrt(Math.PI)) / 4, 13);
    expect(m(l, 5)).toBeCloseTo(120, 10);
  });
});

describe("E[x²] = variance + mean² by every method", () => {
  const cases: [string, nb.distributions.Distribution][] = [
    ["Normal", new D.Normal(0.7, 1.3)], ["Uniform", new D.Uniform(-1, 2)], ["Exponential", new D.Exponential(1.5)], ["Laplace", new D.Laplace(0.4, 0.8)],
  ];
  test.each(cases)("%s", (_, d) => {
    const truth = d.variance.item() + d.mean.item() ** 2;
    const f = (x: nb.Tensor) => nb.square(x);
    const q = expectation(f, d, { method: "quadrature", n: 12 });
    expect(Math.abs(q.value.item() - truth)).toBeLessThan(1e-12 * Math.max(1, truth));
    for (const method of ["mc", "qmc"] as const) {
      const r = expectation(f, d, { method, n: 8192, seed: 3 });
      expect(Math.abs(r.value.item() - truth), method).toBeLessThan(5 * r.error.item());
    }
    // Randomised QMC beats plain MC's error on a smooth integrand.
    expect(expectation(f, d, { method: "qmc", n: 8192, seed: 3 }).error.item()).toBeLessThan(expectation(f, d, { method: "mc", n: 8192, seed: 3 }).error.item());
  });

  test("MultivariateNormal by qmc: E[x·y] = cov + mean product", () => {
    const d = new D.MultivariateNormal([0.5, -1], [[1, 0.3], [0.3, 2]]);
    const f = (x: nb.Tensor) => nb.prod(x, -1);
    const q = expectation(f, d, { method: "qmc", n: 8192, seed: 2 });
    const m = expectation(f, d, { method: "mc", n: 8192, seed: 2 });
    expect(Math.abs(q.value.item() - (0.3 - 0.5))).toBeLessThan(5 * q.error.item());
    expect(q.error.item()).toBeLessThan(m.error.item());
  });

  test("discrete distributions are summed exactly; Gamma/Beta quadrature refuses with a pointer", () => {
    expect(expectation((x) => nb.square(x), new D.Categorical([0.2, 0.3, 0.5]), { method: "quadrature" }).value.item()).toBeCloseTo(2.3, 14);
    const b = expectation((x) => x, new D.Bernoulli([0.1, 0.6]), { method: "quadrature" }).value.values();
    [0.1, 0.6].forEach((p, i) => expect(b[i]).toBeCloseTo(p, 15));
    expect(() => expectation((x) => x, new D.Gamma(2, 1), { method: "quadrature" })).toThrow(/use "mc"/);
    const g = expectation((x) => x, new D.Gamma(2, 1), { method: "mc", n: 20000, seed: 1 });
    expect(Math.abs(g.value.item() - 2)).toBeLessThan(5 * g.error.item());
  });

  test("the quadrature error bounds the true error on a non-polynomial integrand", () => {
    // E[cos x] under N(μ, σ²) = cos μ · e^(−σ²/2).
    const d = new D.Normal(0.3, 2);
    const truth = Math.cos(0.3) * Math.exp(-2);
    for (const n of [4, 8, 16]) {
      const r = expectation((x) => nb.cos(x), d, { method: "quadrature", n });
      expect(Math.abs(r.value.item() - truth)).toBeLessThanOrEqual(r.error.item());
    }
  });

  test("values are differentiable in the parameters: d/dσ E[cos x] = −σ cos μ e^(−σ²/2)", () => {
    const f = (s: number) => expectation((x) => nb.cos(x), new D.Normal(0.3, s), { method: "quadrature", n: 30 }).value;
    expect(nb.grad(f)(2)).toBeCloseTo(-2 * Math.cos(0.3) * Math.exp(-2), 10);
    const g = nb.grad((s: number) => expectation((x) => nb.cos(x), new D.Normal(0.3, s), { method: "qmc", n: 4096, seed: 0 }).value)(2);
    expect(g).toBeCloseTo(-2 * Math.cos(0.3) * Math.exp(-2), 2);
  });
});

test("expectation is reachable as nb.integrate.expectation, API.md's name", () => {
  expect(nb.integrate.expectation).toBe(nb.distributions.expectation);
  const r = nb.integrate.expectation((x) => nb.square(x), new nb.distributions.Normal(1, 2), { method: "quadrature", n: 10 });
  expect(r.value.item()).toBeCloseTo(5, 12);
});
