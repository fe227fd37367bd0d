/**
 * The `nabla` command end to end: the built dist/cli/main.js (npm test builds first) run as a
 * separate process, as a user's shell runs it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { pkg, root, runNabla, runNablaJson } from "./cli-helpers.js";

const nabla = (...args: string[]) => runNabla(args);
const json = (...args: string[]) => runNablaJson(args);

describe("nabla commands", () => {
  test("package.json names the bin once, as a node script", () => {
    expect(readFileSync(`${root}/package.json`, "utf8").match(/"bin"/g)).toHaveLength(1);
    expect(readFileSync(`${root}/${pkg.bin.nabla}`, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  test("diff prints the derivative, its swell and (with --compare) four agreeing values", () => {
    const r = nabla("diff", "x^2*sin(x)", "--at", "x=1", "--compare");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("d/dx x^2*sin(x) = 2*x*sin(x) + x^2*cos(x)");
    const result = json("diff", "x^2*sin(x)", "--at", "x=1", "--compare", "--latex");
    expect(result.latex).toBe("2 x \\sin\\left(x\\right) + x^{2} \\cos\\left(x\\right)");
    const exact = 2 * Math.sin(1) + Math.cos(1);
    for (const c of result.compare as { method: string; value: number }[]) {
      expect(Math.abs(c.value - exact), c.method).toBeLessThan(c.method === "numerical" ? 1e-9 : 1e-14);
    }
  });

  test("grad at a point", () => {
    const r = json("grad", "x*y + sin(x)", "--at", "x=1,y=2");
    expect(r.gradient).toEqual(["y + cos(x)", "x"]);
    expect(r.values).toEqual([2 + Math.cos(1), 1]);
  });

  test.each([
    ["x^2 + y^2 + x*y", "minimum", [1, 3]],
    ["-x^2 - y^2", "maximum", [-2, -2]],
    ["x^2 - y^2", "saddle", [-2, 2]],
    ["x^4 + y^2", "degenerate", [0, 2]],
    ["x^2 + y", "not a critical point", [0, 2]],
  ])("hessian %s at the origin: %s", (expr, verdict, eigenvalues) => {
    const r = json("hessian", expr, "--at", "x=0,y=0");
    expect(r.verdict).toBe(verdict);
    (r.eigenvalues as number[]).forEach((l, i) => expect(l).toBeCloseTo(eigenvalues[i]!, 14));
  });

  test("jacobian of polar coordinates: [[cos t, −r sin t], [sin t, r cos t]]", () => {
    const result = json("jacobian", "r*cos(t)", "r*sin(t)", "--wrt", "r,t", "--at", "r=2,t=pi/6");
    expect(result.entries).toEqual([["cos(t)", "-r*sin(t)"], ["sin(t)", "r*cos(t)"]]);
    const [[a, b], [c, d]] = result.values as number[][] as [[number, number], [number, number]];
    const t = Math.PI / 6;
    for (const [got, want] of [[a, Math.cos(t)], [b, -2 * Math.sin(t)], [c, Math.sin(t)], [d, 2 * Math.cos(t)]] as const) {
      expect(Math.abs(got - want)).toBeLessThan(1e-15);
    }
    const text = nabla("jacobian", "x*y", "x+y", "--at", "x=1,y=2");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("[2, 1]");
    const missing = nabla("jacobian");
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('nabla jacobian: missing the expressions, e.g. "x*y" "sin(x) + y" (see nabla jacobian --help)');
  });

  test("taylor: exp at 0 has coefficients 1/k!", () => {
    const r = nabla("taylor", "exp(x)", "--at", "0", "--order", "5");
    expect(r.stdout).toContain("exp(x) ≈ 1 + x + x^2/2 + x^3/6 + x^4/24 + x^5/120");
    const c = json("taylor", "exp(x)", "--order", "5").coefficients as number[];
    expect(c).toEqual([1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120]);
  });

  test("limit: sin(x)/x → 1, (1+x)^(1/x) → e, 1/x has none", () => {
    expect(nabla("limit", "sin(x)/x", "--to", "0").stdout).toContain("lim x→0 sin(x)/x = 1 ");
    expect(Math.abs((json("limit", "(1+x)^(1/x)", "--to", "0").value as number) - Math.E)).toBeLessThan(1e-12);
    const none = json("limit", "1/x", "--to", "0");
    expect(none).toMatchObject({ exists: false, value: "NaN", left: { value: "-Infinity" }, right: { value: "Infinity" } });
    expect(json("limit", "1/x", "--to", "0", "--side", "left").value).toBe("-Infinity");
  });

  test("eval, with constants and expressions as values", () => {
    expect(nabla("eval", "x*y + sin(x)", "--at", "x=pi/2,y=2").stdout.trim()).toBe(`x*y + sin(x) at x = ${Math.PI / 2}, y = 2 = ${Math.PI + 1}`);
    expect(json("eval", "sqrt(2)^2").value).toBeCloseTo(2, 15);
  });

  test("--help for every command shows examples", () => {
    for (const c of ["diff", "grad", "hessian", "taylor", "limit", "eval"]) {
      const r = nabla(c, "--help");
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain(`examples:\n  nabla ${c} `);
    }
    expect(nabla("--help").stdout).toContain("commands:");
  });
});

describe("bad input: exit code 2, one line on stderr, no stack trace", () => {
  test.each([
    [["diff", "2x"], 'nabla diff: cannot parse "2x" at column 2: implicit multiplication is not supported; write 2*x'],
    [["diff", "sin(x"], "at column 6"],
    [["diff", "x*y"], "say which with --wrt"],
    [["diff", "x^2", "--compare"], "--compare needs a point"],
    [["grad", "x*y", "--at", "x=1"], "--at gives no value for y"],
    [["grad", "x", "--at", "x"], "--at: expected name=value pairs"],
    [["hessian", "x^2", "--at", "x=foo"], "--at x: expected a number"],
    [["taylor", "exp(x)", "--order", "1.5"], "--order: expected an integer"],
    [["limit", "sin(x)/x"], "--to is required"],
    [["limit", "1/x", "--to", "0", "--side", "up"], "--side: expected left, right or both"],
    [["diff", "x", "--bogus"], "unknown option --bogus"],
    [["diff", "x", "--at"], "--at needs a value"],
    [["diff"], "missing the expression"],
    [["frobnicate"], "unknown command 'frobnicate'"],
    [[], "usage: nabla <command>"],
  ])("%j", (args, message) => {
    const r = nabla(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    if (args.length) expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a job that cannot produce a number exits 1 with one line", () => {
    const r = nabla("eval", "log(x)", "--at", "x=-1");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("nabla eval: log(x) is not a real number at x = -1 (NaN)\n");
  });
});
