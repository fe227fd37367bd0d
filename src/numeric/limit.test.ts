import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

describe("limit", () => {
  test.each([
    ["sin(x)/x at 0", (x: number) => Math.sin(x) / x, 0, 1],
    ["(1 + x)^(1/x) at 0", (x: number) => (1 + x) ** (1 / x), 0, Math.E],
    ["(1 − cos x)/x² at 0", (x: number) => (1 - Math.cos(x)) / (x * x), 0, 0.5],
    ["(eˣ − 1)/x at 0", (x: number) => Math.expm1(x) / x, 0, 1],
    ["(x² − 4)/(x − 2) at 2", (x: number) => (x * x - 4) / (x - 2), 2, 4],
    ["x·sin(1/x) at ∞", (x: number) => x * Math.sin(1 / x), Infinity, 1],
    ["(1 + 1/x)^x at ∞", (x: number) => (1 + 1 / x) ** x, Infinity, Math.E],
  ])("%s", (_, f, a, expected) => {
    const r = nb.limit(f, a);
    expect(r.exists).toBe(true);
    expect(Math.abs(r.value - expected)).toBeLessThan(1e-9);
  });

  test("1/x has no limit at 0: the sides diverge to −∞ and +∞", () => {
    const r = nb.limit((x) => 1 / x, 0);
    expect(r.exists).toBe(false);
    expect(r.left).toMatchObject({ kind: "infinite", value: -Infinity });
    expect(r.right).toMatchObject({ kind: "infinite", value: Infinity });
    expect(nb.limit((x) => 1 / x, 0, { side: "right" }).value).toBe(Infinity);
  });
  test("one-sided limits that disagree: |x|/x at 0", () => {
    const r = nb.limit((x) => Math.abs(x) / x, 0);
    expect(r.exists).toBe(false);
    expect([r.left?.value, r.right?.value]).toEqual([-1, 1]);
    expect(r.message).toBe("no limit: from the left -1, from the right 1");
  });
  test("divergence to the same infinity, logarithmic divergence, oscillation, undefined", () => {
    expect(nb.limit((x) => 1 / (x * x), 0)).toMatchObject({ exists: false, value: Infinity });
    expect(nb.limit(Math.log, 0, { side: "right" })).toMatchObject({ value: -Infinity });
    expect(nb.limit((x) => Math.sin(1 / x), 0).right?.kind).toBe("oscillating");
    expect(nb.limit(Math.sqrt, 0).left?.kind).toBe("undefined");
    expect(Math.abs(nb.limit(Math.sqrt, 0, { side: "right" }).value)).toBeLessThan(1e-12);
  });
  test("bad options", () => {
    expect(() => nb.limit(Math.sin, NaN)).toThrow("the point is NaN");
    expect(() => nb.limit(Math.sin, 0, { side: "up" as nb.LimitSide })).toThrow('side must be "left", "right" or "both"');
  });
});
