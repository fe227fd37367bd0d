/**
 * The Lab's URL parameters (lab/src/params.ts): what a permalink reads back as, including
 * hand-edited or truncated addresses, which must fall back to defaults rather than break a page.
 */
import { describe, expect, it } from "vitest";
import { param, readParam } from "../lab/src/params.js";

describe("Lab URL parameters", () => {
  it("read what they wrote, and fall back to the default when absent or unacceptable", () => {
    const steps = param.number(6, { min: 1, max: 30, integer: true });
    expect(readParam(steps, steps.write(12))).toBe(12);
    expect(readParam(steps, "7.6")).toBe(8);
    for (const raw of [null, "", "  ", "abc", "0", "31", "Infinity"]) expect(readParam(steps, raw)).toBe(6);
    const unset = param.number(NaN);
    expect(unset.write(NaN)).toBe("");
    expect(readParam(param.choice(["a", "b"] as const, "a"), "b")).toBe("b");
    expect(readParam(param.choice(["a", "b"] as const, "a"), "c")).toBe("a");
    expect([readParam(param.flag(false), "true"), readParam(param.flag(true), "false"), readParam(param.flag(true), null)]).toEqual([true, false, true]);
    expect(readParam(param.text("x^2"), null)).toBe("x^2");
  });

  it("keep lists in the choices' order and number maps over their defaults", () => {
    const opt = param.list(["gd", "adam", "lbfgs"] as const, ["gd"]);
    expect(readParam(opt, "lbfgs,nope,gd")).toEqual(["gd", "lbfgs"]);
    expect(opt.write(["gd", "adam"])).toBe("gd,adam");
    const lrs = param.numbers({ gd: 0.01 });
    expect(readParam(lrs, "adam:0.1,bad,x:y,gd:0.5")).toEqual({ gd: 0.5, adam: 0.1 });
    expect(readParam(lrs, null)).toEqual({ gd: 0.01 });
    expect(readParam(lrs, lrs.write({ w: -1.5, x: 2 }))).toEqual({ gd: 0.01, w: -1.5, x: 2 });
  });
});
