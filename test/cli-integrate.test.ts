/** `nabla integrate` end to end: the built CLI run as a separate process. */
import { describe, expect, test } from "vitest";
import { runNabla, runNablaJson } from "./cli-helpers.js";

describe("nabla integrate", () => {
  test("prints the antiderivative, the value, its error and nfev", () => {
    const r = runNabla(["integrate", "x*exp(x)", "--from", "0", "--to", "1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("∫ x*exp(x) dx from 0 to 1");
    expect(r.stdout).toContain("antiderivative: x*exp(x) - exp(x)");
    expect(r.stdout).toMatch(/value: (1|0\.9999999999\d*|1\.000000000\d*) .*nfev 21 +\(quad\)/);
  });

  test("--json, an infinite range and --method tanh-sinh", () => {
    const r = runNablaJson(["integrate", "exp(-x^2)", "--from", "-inf", "--to", "inf"]);
    expect(r).toMatchObject({ antiderivative: null, success: true, from: "-Infinity", to: "Infinity", method: "quad" });
    expect(Math.abs((r.value as number) - Math.sqrt(Math.PI))).toBeLessThanOrEqual(r.error as number);
    const ts = runNablaJson(["integrate", "1/sqrt(x)", "--from", "0", "--to", "1", "--method", "tanh-sinh"]);
    expect(Math.abs((ts.value as number) - 2)).toBeLessThan(1e-8);
  });

  test("bad usage exits 2 with one line", () => {
    const r = runNabla(["integrate", "x", "--from", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--to is required");
  });
});
