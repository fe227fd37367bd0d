import { describe, expect, test } from "vitest";
import { integrate } from "./integrate.js";
import type { CommandInput } from "../command.js";

const input = (expression: string, options: Record<string, string>): CommandInput => ({ args: [expression], options });

describe("integrate command (run returns data, render prints it)", () => {
  test("antiderivative, exact value and quad's value agree", () => {
    const r = integrate.run(input("x^2*sin(x)", { from: "0", to: "pi" }));
    expect(r.antiderivative).not.toBeNull();
    expect(r.exact).toBeCloseTo(Math.PI ** 2 - 4, 12);
    expect(Math.abs(r.value - (Math.PI ** 2 - 4))).toBeLessThanOrEqual(r.error);
    expect(r).toMatchObject({ method: "quad", success: true, nfev: 21 });
    const text = integrate.render(r);
    expect(text).toContain("∫ x^2*sin(x) dx from 0 to 3.141592653589793");
    expect(text).toContain("antiderivative: ");
    expect(text).toContain("nfev 21");
  });

  test.each(["quad", "tanh-sinh", "gauss", "simpson", "mc"])("--method %s", (method) => {
    const r = integrate.run(input("exp(x)", { from: "0", to: "1", method, n: method === "gauss" ? "8" : method === "simpson" ? "201" : "4096" }));
    expect(Math.abs(r.value - (Math.E - 1))).toBeLessThan(method === "mc" ? 1e-4 : 1e-8);
    expect(r.error).toBeGreaterThanOrEqual(0);
  });

  test("an infinite range, no antiderivative found, and a failure said in words", () => {
    const gauss = integrate.run(input("exp(-x^2)", { from: "-inf", to: "inf" }));
    expect(gauss.antiderivative).toBeNull();
    expect(gauss.value).toBeCloseTo(Math.sqrt(Math.PI), 12);
    expect(integrate.render(gauss)).toContain("none found");
    const divergent = integrate.run(input("1/x", { from: "0", to: "1" }));
    expect(divergent.success).toBe(false);
    expect(integrate.render(divergent)).toContain("not converged: ");
  });

  test.each([
    [input("x", { to: "1" }), "--from is required"],
    [input("x", { from: "0", to: "1", method: "romberg" }), "--method: expected one of quad, tanh-sinh, gauss, simpson, mc"],
    [input("x", { from: "0", to: "inf", method: "gauss" }), "needs a finite range"],
    [input("x*y", { from: "0", to: "1", wrt: "x" }), "also depends on y"],
    [input("x", { from: "0", to: "1", method: "simpson", n: "4" }), "odd number of samples"],
  ])("usage errors %#", (bad, message) => {
    expect(() => integrate.run(bad)).toThrow(message);
  });
});
