/**
 * lbfgs's guarded relative-reduction stop. The expected minima are the Moré–Garbow–Hillstrom
 * paper's (nb.testFunctions), and L-BFGS-B's early stops are SciPy 1.10's, recorded in
 * bench/optim/scipy-reference.json.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import { RELATIVE_REDUCTION } from "./iterations.js";
import { reductionStopGuard } from "./lbfgs.js";
import type { Vec } from "./vector.js";
import { solved } from "../../../bench/optim.js";
import type { TestFunction } from "../test-functions/index.js";

/** The comparison's definition of solved (bench/optim.js) for a default lbfgs run. */
function lbfgsSolves(p: TestFunction): boolean {
  const r = nb.minimize(p.f, p.x0, { method: "lbfgs", quiet: true });
  const f0 = nb.sum(p.f(nb.tensor(p.x0))).item();
  return r.success && solved(r.fun, f0, p.fmin);
}

describe("reductionStopGuard", () => {
  const vec = (...v: number[]): Vec => new Float64Array(v);
  const gStart = vec(1000, 0);
  test("lets every other test stop the run", () => {
    const stops = reductionStopGuard();
    expect(stops("converged: gradient norm ≤ tol", vec(1, 1), gStart)).toBe(true);
    expect(stops("", vec(1, 1), gStart)).toBe(true);
  });
  test("a small relative reduction stops only once the gradient fell to 1e-3 of its start", () => {
    const stops = reductionStopGuard();
    expect(stops(RELATIVE_REDUCTION, vec(2, 0), gStart)).toBe(false);
    expect(stops(RELATIVE_REDUCTION, vec(0.5, 0), gStart)).toBe(true);
  });
  test("or after five such steps in a row; any other step starts the count again", () => {
    const stops = reductionStopGuard();
    const big = vec(10, 0);
    for (let i = 0; i < 4; i++) expect(stops(RELATIVE_REDUCTION, big, gStart)).toBe(false);
    expect(stops("", big, gStart)).toBe(true);
    for (let i = 0; i < 4; i++) expect(stops(RELATIVE_REDUCTION, big, gStart)).toBe(false);
    expect(stops(RELATIVE_REDUCTION, big, gStart)).toBe(true);
  });
});

describe("lbfgs where L-BFGS-B stops short", () => {
  test("Gaussian: one small step from a tiny f no longer ends the run", () => {
    // L-BFGS-B stops at f = 1.1767e-8 after 4 evaluations; the minimum is 1.12793e-8.
    expect(lbfgsSolves(nb.testFunctions.gaussian)).toBe(true);
  });
  test("Jennrich–Sampson: a search that misses the Wolfe conditions but decreases f is taken", () => {
    // L-BFGS-B's search fails at f = 253; the minimum is 124.362.
    expect(lbfgsSolves(nb.testFunctions.jennrichSampson)).toBe(true);
  });
});
