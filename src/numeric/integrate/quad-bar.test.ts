/**
 * The quality bar of issue 15 for quad: on the 15 integrals of Bailey, Jeyabalan & Li (2005),
 * GSL's QAGS/QAGI/QAGP problems and members of the QUADPACK book's table 4.1 families, at
 * scipy's default tolerances, nabla solves at least as many as scipy.integrate.quad, with at
 * most 1.5× the points scipy evaluated, and its error estimate is never below the true error.
 * The integrands, scipy's results and the exact values are committed in quad-reference.json
 * (scripts/quad-reference.py); the integrand text is compiled by nb.parse here and evaluated by
 * Python there.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import reference from "./quad-reference.json" with { type: "json" };

interface Problem {
  name: string;
  /** The integrand in nabla's expression syntax (scipy evaluated the same text). */
  f: string;
  a: number | string;
  b: number | string;
  points: number[] | null;
  exact: number;
  value: number;
  abserr: number;
  calls: number;
  warning: string | null;
}

const end = (v: number | string) => (typeof v === "number" ? v : v === "inf" ? Infinity : -Infinity);
const TOL = 1.49e-8;
const solved = (value: number, exact: number, ok: boolean) => ok && Math.abs(value - exact) <= Math.max(TOL, TOL * Math.abs(exact));

describe("quad against scipy.integrate.quad on the Bailey–Jeyabalan–Li, GSL and QUADPACK test integrals", () => {
  const problems = reference.problems as Problem[];
  const runs = problems.map((p) => {
    const f = nb.parse(p.f).compile(["x"]);
    const r = nb.integrate.quad(f, end(p.a), end(p.b), p.points ? { points: p.points } : {});
    return { p, r, value: r.value.item() };
  });

  test.each(runs.map((run) => [run.p.name, run] as const))("%s: the error estimate is at least the true error", (_, { p, r, value }) => {
    const trueError = Math.abs(value - p.exact);
    expect(r.error).toBeGreaterThanOrEqual(trueError);
    if (r.success) expect(trueError).toBeLessThanOrEqual(Math.max(TOL, TOL * Math.abs(p.exact)));
  });

  test("solves at least as many as scipy with at most 1.5× its evaluations in total", () => {
    const ours = runs.filter(({ p, r, value }) => solved(value, p.exact, r.success)).length;
    const theirs = problems.filter((p) => solved(p.value, p.exact, p.warning === null)).length;
    const ourEvals = runs.reduce((s, { r }) => s + r.nfev, 0);
    const theirEvals = problems.reduce((s, p) => s + p.calls, 0);
    expect(ours).toBeGreaterThanOrEqual(theirs);
    expect(ourEvals).toBeLessThanOrEqual(1.5 * theirEvals);
  });

  test("the oscillatory infinite integral (sin t / t) is reported as not solved, not as a confident value", () => {
    const { r } = runs.find((run) => run.p.name === "bjl15")!;
    expect(r.success).toBe(false);
    expect(r.message.length).toBeGreaterThan(20);
  });
});
