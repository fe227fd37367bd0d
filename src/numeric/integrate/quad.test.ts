import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import type { Tensor } from "../../tensor/tensor.js";

const { quad } = nb.integrate;

describe("quad", () => {
  test("a Gaussian over the real line, and a reversed range", () => {
    const r = quad((x) => nb.exp(nb.neg(nb.square(x))), -Infinity, Infinity);
    expect(r.success).toBe(true);
    expect(Math.abs(r.value.item() - Math.sqrt(Math.PI))).toBeLessThanOrEqual(r.error);
    expect(quad((x) => nb.exp(x), 1, 0).value.item()).toBeCloseTo(1 - Math.E, 14);
    expect(quad((x) => nb.exp(x), -Infinity, 0).value.item()).toBeCloseTo(1, 12);
    expect(quad((x) => nb.exp(x), 0, -Infinity).value.item()).toBeCloseTo(-1, 12);
    expect(quad((x) => x, 2, 2)).toMatchObject({ nfev: 0, success: true });
    expect(quad(() => 2, 0, 3).value.item()).toBeCloseTo(6, 14);
  });

  test("one integrand call per round, each with a whole batch of nodes", () => {
    const sizes: number[] = [];
    const r = quad((x) => {
      sizes.push(x.size);
      return nb.mul(nb.sqrt(x), nb.log(x));
    }, 0, 1);
    expect(sizes[0]).toBe(21);
    expect(sizes.slice(1).every((n) => n === 42)).toBe(true);
    expect(sizes.reduce((s, n) => s + n, 0)).toBe(r.nfev);
  });

  test("points: a kink inside the range", () => {
    const f = (x: Tensor) => nb.abs(nb.sub(x, 0.3));
    const withPoint = quad(f, 0, 1, { points: [0.3] });
    expect(withPoint.value.item()).toBeCloseTo((0.3 ** 2 + 0.7 ** 2) / 2, 14);
    expect(withPoint.nfev).toBe(42);
  });

  test("failures are reported, never a confident wrong value", () => {
    const divergent = quad((x) => nb.reciprocal(x), 0, 1);
    expect(divergent.success).toBe(false);
    expect(divergent.message).toMatch(/divergent|limit|roundoff|bad/);
    const oscillatory = quad((x) => nb.sin(x), 0, Infinity);
    expect(oscillatory.success).toBe(false);
    const nan = quad((x) => nb.div(1, x), -1, 1);
    expect(nan.success).toBe(false);
    expect(nan.message).toContain("not finite at x = 0");
    expect(Number.isNaN(nan.value.item())).toBe(true);
    const tight = quad((x) => nb.sin(nb.div(1, x)), 0.001, 1, { limit: 3 });
    expect(tight.success).toBe(false);
    expect(tight.message).toContain("limit");
  });

  test("bad arguments", () => {
    expect(() => quad((x) => x, 0, 1, { epsabs: -1 })).toThrow("epsabs and epsrel must be ≥ 0");
    expect(() => quad((x) => x, 0, 1, { points: [2] })).toThrow("strictly inside");
    expect(() => quad((x) => x, 0, Infinity, { points: [2] })).toThrow("points need a finite range");
    expect(() => quad((x) => nb.sum(x), 0, 1)).toThrow("one value per node");
    expect(() => quad((x) => x, NaN, 1)).toThrow("a is NaN");
  });
});

describe("derivatives of quad (Leibniz rule on the final partition)", () => {
  test("d/dθ ∫₀¹ sin(θx) dx = ∫₀¹ x cos(θx) dx, and the second derivative", () => {
    const I = (t: Tensor) => quad((x) => nb.sin(nb.mul(t, x)), 0, 1).value;
    // ∫₀¹ x cos(θx) dx = (θ sin θ + cos θ − 1)/θ² at θ = 2
    const th = 2;
    const first = (th * Math.sin(th) + Math.cos(th) - 1) / th ** 2;
    expect(nb.grad(I)(nb.scalar(th)).item()).toBeCloseTo(first, 12);
    // d²/dθ² = −∫₀¹ x² sin(θx) dx, by mpmath: -0.39854267...; checked here against quad itself
    const second = -quad((x) => nb.mul(nb.square(x), nb.sin(nb.mul(th, x))), 0, 1).value.item();
    expect(nb.grad(nb.grad(I))(nb.scalar(th)).item()).toBeCloseTo(second, 11);
  });

  test("endpoints as Tensors: d/db ∫ₐᵇ f = f(b), d/da = −f(a), also with an infinite other end", () => {
    const f = (x: Tensor) => nb.exp(nb.neg(nb.square(x)));
    const db = nb.grad((b: Tensor) => quad(f, 0, b).value)(nb.scalar(0.7)).item();
    expect(db).toBeCloseTo(Math.exp(-0.49), 12);
    const da = nb.grad((a: Tensor) => quad(f, a, 2).value)(nb.scalar(0.3)).item();
    expect(da).toBeCloseTo(-Math.exp(-0.09), 12);
    const tail = nb.grad((a: Tensor) => quad(f, a, Infinity).value)(nb.scalar(0.5)).item();
    expect(tail).toBeCloseTo(-Math.exp(-0.25), 9);
    // d²/db² ∫₀ᵇ f = f′(b) = −2b·e^{−b²}
    const second = nb.grad(nb.grad((b: Tensor) => quad(f, 0, b).value))(nb.scalar(0.7)).item();
    expect(second).toBeCloseTo(-1.4 * Math.exp(-0.49), 10);
  });

  test("a parameter of an integrand on an infinite range: d/dσ ∫ e^{−x²/(2σ²)} = √(2π)", () => {
    const g = nb.grad((s: Tensor) => quad((x) => nb.exp(nb.neg(nb.div(nb.square(x), nb.mul(2, nb.square(s))))), -Infinity, Infinity).value);
    expect(g(nb.scalar(1.3)).item()).toBeCloseTo(Math.sqrt(2 * Math.PI), 8);
  });

  test("agrees with central finite differences of the value", () => {
    const I = (t: number) => quad((x) => nb.div(nb.exp(nb.mul(t, x)), nb.add(1, nb.square(x))), -1, 2).value;
    const h = 1e-5;
    const fd = (I(0.4 + h).item() - I(0.4 - h).item()) / (2 * h);
    expect(nb.grad((t: Tensor) => quad((x) => nb.div(nb.exp(nb.mul(t, x)), nb.add(1, nb.square(x))), -1, 2).value)(nb.scalar(0.4)).item()).toBeCloseTo(fd, 7);
  });
});
