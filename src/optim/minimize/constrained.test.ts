/**
 * Bounds and constraints against problems whose solutions and Lagrange multipliers are known
 * in closed form (worked out in the comments from the KKT conditions ∇f = Σλ∇c_E + Σμ∇c_I,
 * μ ≥ 0, μᵢc_I,i = 0).
 */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import { expectClose } from "../../../test/helpers.js";

const first = (p: nb.Tensor) => p.slice([0], [1]);
const second = (p: nb.Tensor) => p.slice([1], [1]);

function expectKkt(r: nb.MinimizeResult<number[]>): void {
  expect(r.success, r.message).toBe(true);
  expect(r.kkt!.stationarity).toBeLessThan(1e-4);
  expect(r.kkt!.primalFeasibility).toBeLessThan(1e-6);
  expect(r.kkt!.dualFeasibility).toBe(0);
  expect(r.kkt!.complementarity).toBeLessThan(1e-6);
}

describe("equality and inequality constraints (augmented Lagrangian)", () => {
  test("x² + y² on x + y = 1: (½, ½) with λ = 1 (2x = λ)", () => {
    const r = nb.minimize((p) => nb.sum(nb.square(p)), [0, 0], { constraints: [{ type: "eq", fun: (p) => nb.sub(nb.sum(p), 1) }] });
    expectKkt(r);
    expectClose(r.x, [0.5, 0.5], 0, 1e-5);
    expectClose(r.multipliers!.eq, [1], 0, 1e-4);
    expect(r.multipliers!.ineq).toEqual([]);
  });
  test("(x − 2)² + (y − 1)² with y ≥ x² and x + y ≤ 2: (1, 1), both active, μ = (⅔, ⅔)", () => {
    // ∇f(1, 1) = (−2, 0) = μ₁(−2, 1) + μ₂(−1, −1) gives μ₁ = μ₂ = 2/3.
    const r = nb.minimize((p) => nb.sum(nb.add(nb.square(nb.sub(first(p), 2)), nb.square(nb.sub(second(p), 1)))), [0, 0], {
      constraints: [
        { type: "ineq", fun: (p) => nb.sub(second(p), nb.square(first(p))) },
        { type: "ineq", fun: (p) => nb.sub(2, nb.sum(p)) },
      ],
    });
    expectKkt(r);
    expectClose(r.x, [1, 1], 0, 1e-5);
    expectClose(r.multipliers!.ineq, [2 / 3, 2 / 3], 0, 1e-4);
  });
  test("an inactive inequality gets a zero multiplier", () => {
    // min (x − 1)² with x ≤ 3: the constraint is slack at x = 1, so μ = 0.
    const r = nb.minimize((x) => nb.square(nb.sub(x, 1)), 0, { constraints: [{ type: "ineq", fun: (x) => nb.sub(3, x) }] });
    expect(r.x).toBeCloseTo(1, 6);
    expect(r.multipliers!.ineq).toEqual([0]);
  });
  test("the hard-margin SVM on a tiny separable set: support vectors carry the dual coefficients", () => {
    // Points (2,2), (3,3) labelled +1 and (0,0), (−1,−1) labelled −1; min ½‖w‖² s.t.
    // yᵢ(w·xᵢ + b) ≥ 1. The support vectors are (2,2) and (0,0): w = (½, ½), b = −1, and
    // w = Σ αᵢyᵢxᵢ with Σ αᵢyᵢ = 0 gives α = (¼, 0, ¼, 0) — the multipliers.
    const X = nb.tensor([[2, 2], [3, 3], [0, 0], [-1, -1]]);
    const y = nb.tensor([1, 1, -1, -1]);
    const w = (p: nb.Tensor) => p.slice([0], [2]);
    const b = (p: nb.Tensor) => p.slice([2], [1]);
    const r = nb.minimize((p) => nb.mul(0.5, nb.sum(nb.square(w(p)))), [0, 0, 0], {
      constraints: [{ type: "ineq", fun: (p) => nb.sub(nb.mul(y, nb.add(nb.matmul(X, w(p)), b(p))), 1) }],
    });
    expectKkt(r);
    expectClose(r.x, [0.5, 0.5, -1], 0, 1e-5);
    expectClose(r.multipliers!.ineq, [0.25, 0, 0.25, 0], 0, 1e-4);
  });
  test("constraints with another inner method", () => {
    const r = nb.minimize((p) => nb.sum(nb.square(p)), [3, -1], {
      method: "trust-ncg", constraints: [{ type: "eq", fun: (p) => nb.sub(nb.sum(p), 1) }],
    });
    expectKkt(r);
    expectClose(r.multipliers!.eq, [1], 0, 1e-4);
  });
});

describe("bounds (projected L-BFGS)", () => {
  test("Rosenbrock with x ≤ 0.5 stops on the bound at (0.5, 0.25)", () => {
    // On x = 0.5 the best y is x² = 0.25; there ∂f/∂x = −2(1 − x) = −1 < 0 pushes against the bound.
    const { f, x0 } = nb.testFunctions.rosenbrock;
    const r = nb.minimize(f, x0, { bounds: { lower: [-1.5, -1.5], upper: [0.5, 1.5] } });
    expect(r.success, r.message).toBe(true);
    expectClose(r.x, [0.5, 0.25], 0, 1e-5);
    expect(r.fun).toBeCloseTo(0.25, 8);
  });
  test("a quadratic outside the box ends at the nearest corner, and x0 is projected first", () => {
    const r = nb.minimize((p) => nb.sum(nb.square(nb.sub(p, [2, -1]))), [5, 5], { bounds: { lower: 0, upper: 1 } });
    expect(r.x).toEqual([1, 0]);
    expect(r.history[0]!.x).toEqual([1, 1]);
  });
  test("bounds and constraints together", () => {
    // min x + y on the disc x² + y² ≤ 2, with y ≥ 0: (−√2, 0) is the best point; y = 0 is a bound.
    const r = nb.minimize((p) => nb.sum(p), [0.5, 0.5], {
      bounds: { lower: [-Infinity, 0] },
      constraints: [{ type: "ineq", fun: (p) => nb.sub(2, nb.sum(nb.square(p))) }],
    });
    expectClose(r.x, [-Math.SQRT2, 0], 0, 1e-5);
    // ∂/∂x: 1 = μ·(−2x) at x = −√2 gives μ = 1/(2√2).
    expectClose(r.multipliers!.ineq, [1 / (2 * Math.SQRT2)], 0, 1e-4);
  });
  test("bounds with a method other than lbfgs is refused with a clear message", () => {
    expect(() => nb.minimize((p) => nb.sum(p), [0], { method: "bfgs", bounds: { lower: 0 } })).toThrow('bounds need method "lbfgs"');
  });
});
