/**
 * No method calls a saddle a minimum. f = x² − y² + y⁴/4 has a strict saddle at the origin
 * (Hessian diag(2, −2)) and its minima f = −1 at (0, ±√2) (∂f/∂y = y³ − 2y = 0); from
 * (0.001, 0) the gradient never leaves the y = 0 line, so gradient methods converge to the
 * saddle.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import type { Method } from "./types.js";

const f = (p: nb.Tensor) => {
  const [x, y] = [p.slice([0], [1]), p.slice([1], [1])];
  return nb.sum(nb.add(nb.sub(nb.square(x), nb.square(y)), nb.div(nb.pow(y, 4), 4)));
};

describe("minimize at a strict saddle", () => {
  test.each(["newton", "newton-cg", "trust-ncg"] as Method[])("%s escapes along the negative curvature to a minimum", (method) => {
    const r = nb.minimize(f, [0.001, 0], { method, quiet: true });
    expect(r.success).toBe(true);
    expect(r.fun).toBeCloseTo(-1, 10);
    expect(Math.abs(r.x[1]!)).toBeCloseTo(Math.SQRT2, 5);
  });
  test.each(["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "bfgs", "lbfgs"] as Method[])("%s reports the saddle, not success", (method) => {
    const r = nb.minimize(f, [0.001, 0], { method, quiet: true });
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/^stopped at a saddle point \(Morse index 1\)/);
  });
  test("f without second derivatives (a customVjp) still converges, and says the curvature was not checked", () => {
    const square = nb.customVjp((x: nb.Tensor) => nb.mul(x, x), (x: nb.Tensor) => [nb.mul(x, x), x], (x: nb.Tensor, g: nb.Tensor) => [nb.mul(nb.mul(2, x), g)]);
    const r = nb.minimize((p) => nb.sum(square(nb.sub(p, 1))), [0, 0], { method: "bfgs" });
    expect(r.success).toBe(true);
    expect(r.message).toMatch(/^converged: gradient norm ≤ tol \(curvature not checked: .*no JVP rule/);
  });
  test("a degenerate minimum (x⁴ + y²) is not taken for a saddle", () => {
    const r = nb.minimize((p) => nb.sum(nb.mul([1, 0], nb.pow(p, 4))).add(nb.square(p.slice([1], [1])).sum()), [0.5, 0.5], { method: "bfgs", quiet: true });
    expect(r.success).toBe(true);
  });
});
