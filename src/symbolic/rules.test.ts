/**
 * Each differentiation rule against a derivative worked out by hand (written here as a
 * formula, parsed, and compared by value at several points), plus pinned simplified forms.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const POINTS = [0.3, 0.7, 1.3, 2.1];

describe("each rule matches the hand-derived derivative", () => {
  test.each([
    ["7", "0"],
    ["x", "1"],
    ["x + x^2", "1 + 2*x"],
    ["x - 3*x^3", "1 - 9*x^2"],
    ["x*sin(x)", "sin(x) + x*cos(x)"],                  // product rule
    ["sin(x)/x", "(x*cos(x) - sin(x))/x^2"],            // quotient rule
    ["x^5", "5*x^4"],                                   // power rule
    ["x^-2", "-2/x^3"],
    ["sqrt(x)", "1/(2*sqrt(x))"],
    ["2^x", "2^x*ln(2)"],                               // exponential, constant base
    ["x^x", "x^x*(ln(x) + 1)"],                         // both vary
    ["exp(3*x)", "3*exp(3*x)"],                         // chain rule
    ["log(x^2)", "2/x"],
    ["ln(x)", "1/x"],
    ["log1p(x)", "1/(1 + x)"],
    ["expm1(x)", "exp(x)"],
    ["sin(x^2)", "2*x*cos(x^2)"],
    ["cos(x)", "-sin(x)"],
    ["tan(x)", "1/cos(x)^2"],
    ["asin(x/3)", "1/sqrt(9 - x^2)"],
    ["acos(x/3)", "-1/sqrt(9 - x^2)"],
    ["atan(x)", "1/(1 + x^2)"],
    ["sinh(x)", "cosh(x)"],
    ["cosh(x)", "sinh(x)"],
    ["tanh(x)", "1/cosh(x)^2"],
    ["abs(x - 1)", "(x - 1)/abs(x - 1)"],
    ["sigmoid(x)", "exp(-x)/(1 + exp(-x))^2"],
    ["softplus(x)", "1/(1 + exp(-x))"],
    ["relu(x - 1)", "max(x - 1, 0)/(x - 1)"],
    ["erf(x)", "2/sqrt(pi)*exp(-x^2)"],
    ["gelu(x)", "(1 + erf(x/sqrt(2)))/2 + x*exp(-x^2/2)/sqrt(2*pi)"],
    ["silu(x)", "1/(1 + exp(-x)) + x*exp(-x)/(1 + exp(-x))^2"],
    ["max(x, 1)", "(x - 1 + abs(x - 1))/(2*(x - 1))"],  // 1 where x > 1, else 0
  ])("d/dx %s = %s", (src, hand) => {
    const d = nb.parse(src).diff("x");
    const expected = nb.parse(hand);
    for (const x of POINTS) {
      const want = expected.evaluate({ x });
      expect(Math.abs(d.evaluate({ x }) - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    }
  });

  test("min: the derivative follows the smaller argument", () => {
    const d = nb.parse("min(x^2, x)").diff("x");
    expect(d.evaluate({ x: 0.5 })).toBe(1);    // x² < x: follows x² → 2x = 1
    expect(d.evaluate({ x: 2 })).toBe(1);      // x < x²: follows x
    expect(d.evaluate({ x: 0.25 })).toBe(0.5);
  });

  test("subgradient conventions: relu′(0) = abs′(0) = 0, max/min ties share ½/½", () => {
    expect(nb.parse("relu(x)").diff("x").evaluate({ x: 0 })).toBe(0);
    expect(nb.parse("abs(x)").diff("x").evaluate({ x: 0 })).toBe(0);
    expect(nb.parse("max(x, 0)").diff("x").evaluate({ x: 0 })).toBe(0.5);
    expect(nb.parse("min(x, 2*x)").diff("x").evaluate({ x: 0 })).toBe(1.5);
    // The same conventions as automatic differentiation:
    expect(nb.grad(nb.parse("max(x, 0)").compile())(0)).toBe(0.5);
    expect(nb.grad(nb.parse("abs(x)").compile())(0)).toBe(0);
  });

  test("partial derivatives, gradient and symmetric Hessian", () => {
    const f = nb.parse("x^2*y + sin(x*y)");
    expect(f.gradient().map(String)).toEqual(["2*x*y + cos(x*y)*y", "x^2 + cos(x*y)*x"]);
    const h = f.hessian();
    expect(h[0]![1]).toBe(h[1]![0]);
    // ∂²/∂x∂y = 2x + cos(xy) − xy·sin(xy), by hand.
    const [x, y] = [0.4, 1.7];
    expect(h[0]![1]!.evaluate({ x, y })).toBeCloseTo(2 * x + Math.cos(x * y) - x * y * Math.sin(x * y), 14);
    expect(f.diff("z").toString()).toBe("0");
  });

  test.each([
    ["x^2*sin(x)", "2*x*sin(x) + x^2*cos(x)"],
    ["exp(x)*cos(x)", "exp(x)*cos(x) - exp(x)*sin(x)"],
    ["1/x", "-1/x^2"],
    ["sqrt(x^2 + 1)", "x/sqrt(x^2 + 1)"],
    ["sigmoid(x)", "sigmoid(x)*(1 - sigmoid(x))"],
    ["log(cos(x))", "-sin(x)/cos(x)"],
    ["(x + 1)/(x - 1)", "-2/(x - 1)^2"],
  ])("d/dx %s prints as %s", (src, printed) => {
    expect(nb.parse(src).diff("x").toString()).toBe(printed);
  });
});

describe("expression swell", () => {
  // g₀ = x, gₖ = σ(gₖ₋₁). By the chain rule D₁₀ = Π σ(gₖ)(1 − σ(gₖ)) · 1, and each factor
  // σ(u)·(1 − σ(u)) holds two copies of gₖ₋₁ (k nodes each), so the tree grows quadratically: T₀ = 1, Tₖ = Tₖ₋₁ + 6 + 2k, T₁₀ = 1 + 60 + 110 = 171. As a DAG it is linear:
  // g₀…g₁₀ (11), the literal 1, and per level 1 − gₖ, gₖ·(1 − gₖ) and the product (30): 42.
  const tenSigmoids = nb.parse("sigmoid(".repeat(10) + "x" + ")".repeat(10));
  test("ten nested sigmoids: 171 tree nodes, 42 distinct", () => {
    const raw = tenSigmoids.diff("x", { simplify: false });
    expect(raw.size()).toBe(171);
    expect(raw.dagSize()).toBe(42);
    const simplified = raw.simplify();
    expect(simplified.size()).toBeLessThan(raw.size());
    for (const x of [-1, 0.5, 2]) expect(simplified.evaluate({ x })).toBeCloseTo(raw.evaluate({ x }), 15);
  });
  test("sizes of small trees", () => {
    expect(nb.parse("x*x").size()).toBe(3);
    expect(nb.parse("sin(x) + sin(x)").dagSize()).toBe(3);
  });
});
