/**
 * The quality bar of issue 5: on the Moré–Garbow–Hillstrom set, from the paper's starts,
 * each of lbfgs, bfgs, newton-cg and trust-ncg solves at least as many problems as its SciPy
 * counterpart with exact derivatives, with no more function evaluations in total, and lbfgs
 * solves more than L-BFGS-B (issue 17). SciPy's
 * side is the committed bench/optim/scipy-reference.json; the comparison is the one
 * `npm run bench` prints (bench/optim.js).
 */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import { compareOnMgh } from "../../../bench/optim.js";

describe("minimize against SciPy on the Moré–Garbow–Hillstrom set", () => {
  const { totals } = compareOnMgh(nb);
  test.each(totals.map((t) => [`${t.nabla} vs ${t.scipy}`, t] as const))("%s", (_, t) => {
    expect(t.solved.nabla).toBeGreaterThanOrEqual(t.solved.scipy);
    expect(t.nfev.nabla).toBeLessThanOrEqual(t.nfev.scipy);
  });

  // Issue 17: lbfgs's defaults (the guarded relative-reduction stop, 15 pairs) solve problems
  // L-BFGS-B stops short on (Jennrich–Sampson and Gaussian), still with fewer evaluations.
  test("lbfgs solves more than L-BFGS-B", () => {
    const t = totals.find((row) => row.nabla === "lbfgs")!;
    expect(t.solved.nabla).toBeGreaterThan(t.solved.scipy);
    expect(t.nfev.nabla).toBeLessThanOrEqual(t.nfev.scipy);
  });
});
