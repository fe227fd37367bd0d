/**
 * Hostile but realistic inputs get the library's own error (NablaError/ParseError, one clear
 * line), never a TypeError, a RangeError, a stack overflow, a hang or a silently wrong answer.
 * One test per class of hole found by throwing ~3,800 such inputs at nabla (issue 14).
 */
import { afterEach, describe, expect, test } from "vitest";
import * as nb from "../src/index.js";

/** The message of the NablaError f throws (fails the test on any other outcome). */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(nb.NablaError);
    return (e as Error).message;
  }
  throw new Error("expected a NablaError");
}

describe("expressions", () => {
  test.each(["valueOf(x)", "toString(x)", "constructor(x)", "__proto__(x)", "hasOwnProperty(x)", "isPrototypeOf(x, y)"])(
    "a name that lives on Object.prototype is an unknown function: %s",
    (src) => expect(refusal(() => nb.parse(src))).toContain("unknown function"),
  );
  test("such names are ordinary variables when not called", () => {
    const e = nb.parse("constructor + valueOf*2");
    expect(e.variables()).toEqual(["constructor", "valueOf"]);
    expect(e.evaluate({ constructor: 1, valueOf: 3 })).toBe(7);
    expect(refusal(() => e.evaluate({}))).toContain("no value given for constructor, valueOf");
  });
  test.each([
    ["(".repeat(5000) + "x" + ")".repeat(5000), "parentheses"],
    ["-".repeat(100_000) + "x", "signs"],
    ["x^".repeat(20_000) + "x", "powers"],
    [Array(100_000).fill("x").join("+"), "a flat sum"],
    ["sin(".repeat(2000) + "x" + ")".repeat(2000), "calls"],
  ])("a tree deeper than the limit is a ParseError, not a stack overflow (%#: %s)", (src) => {
    expect(() => nb.parse(src)).toThrow(nb.ParseError);
    expect(refusal(() => nb.parse(src))).toContain(`more than ${nb.MAX_EXPRESSION_DEPTH} deep`);
  });
  test("an expression at the depth limit prints, evaluates, differentiates and simplifies", () => {
    const n = nb.MAX_EXPRESSION_DEPTH;
    const sum = nb.parse(Array(n).fill("x").join(" + "));
    expect(sum.evaluate({ x: 0.5 })).toBe(n / 2);
    expect(nb.parse(sum.toString()).toString()).toBe(sum.toString());
    expect(sum.diff("x").simplify().evaluate({ x: 3 })).toBe(n);
    const nested = nb.parse("-".repeat(n - 1) + "x");
    expect(nested.evaluate({ x: 2 })).toBe(n % 2 === 1 ? 2 : -2);
    expect(nested.toLatex().length).toBeGreaterThan(n);
  });
});

describe("tensor sizes", () => {
  afterEach(() => void nb.config({ maxTensorBytes: 2 ** 31 }));
  test("a huge shape is refused before allocating, in the maxDenseBytes style", () => {
    const m = refusal(() => nb.zeros([1e6, 1e6]));
    expect(m).toBe(
      "zeros: a float64 tensor of shape [1000000, 1000000] = 1.00e+12 elements would take 7.3 TiB, over the limit of 2.0 GiB " +
        "set by nb.config({ maxTensorBytes }); use a smaller shape or raise maxTensorBytes",
    );
    // 8 GiB would succeed in a 64-bit process (lazily zeroed pages) and then exhaust memory.
    expect(refusal(() => nb.randn([2 ** 28, 4]))).toContain("8.0 GiB");
    expect(refusal(() => nb.ones([2 ** 53, 2 ** 53]))).toContain("over the limit");
  });
  test("results of ops are checked too (broadcasting, matmul)", () => {
    expect(refusal(() => nb.add(nb.zeros([100_000, 1]), nb.zeros([1, 100_000])))).toContain("74.5 GiB");
    expect(refusal(() => nb.matmul(nb.zeros([100_000, 1]), nb.zeros([1, 100_000])))).toContain("over the limit");
  });
  test("the limit is a setting; float32 counts four bytes", () => {
    nb.config({ maxTensorBytes: 1024 });
    expect(nb.zeros([256], { dtype: "float32" }).size).toBe(256);
    expect(refusal(() => nb.zeros([129]))).toContain("1.0 KiB");
    expect(refusal(() => nb.config({ maxTensorBytes: Number.NaN }))).toContain("positive number of bytes");
  });
  test("too many axes", () => {
    expect(refusal(() => nb.zeros(new Array(65).fill(1)))).toContain("at most 64 axes");
  });
});

describe("derivatives and gradients", () => {
  test("derivatives past order 170 say why instead of returning -Infinity or NaN", () => {
    const d = nb.derivatives((x) => nb.exp(x), 0, 170);
    expect(d.every((v) => Math.abs(v - 1) < 1e-12)).toBe(true);
    expect(refusal(() => nb.derivatives((x) => nb.exp(x), 0, 171))).toContain("k! overflows float64");
    const p = nb.taylor((x) => nb.exp(x), 0, 200);
    expect(p.coefficients).toHaveLength(201);
    expect(p.derivatives).toHaveLength(171);
    expect(p.derivatives.every(Number.isFinite)).toBe(true);
  });
  test("an order that would run for hours is refused", () => {
    expect(refusal(() => nb.taylor((x) => nb.exp(x), 0, 1e9))).toContain("past the limit of 1000");
    expect(refusal(() => nb.derivatives((x) => nb.exp(x), Number.NaN, 2))).toContain("finite");
  });
  test("grad of x⁰ is 0 everywhere, at 0 included (JAX and PyTorch agree)", () => {
    expect(nb.grad((x) => nb.pow(x, 0))(0)).toBe(0);
    expect(nb.grad(nb.grad((x) => nb.pow(x, 0)))(0)).toBe(0);
    expect(nb.jvp((x) => nb.pow(x, 0), [0], [1])[1].item()).toBe(0);
    expect(nb.grad((x) => nb.pow(x, 2))(0)).toBe(0);
    expect(nb.grad(nb.grad((x) => nb.pow(x, 2)))(0)).toBe(2);
  });
  test("a __proto__ key is kept as data in pytrees", () => {
    const params = JSON.parse('{"__proto__": 2, "a": 1}') as Record<string, number>;
    const g = nb.grad((p: Record<string, nb.Tensor>) => nb.add(nb.square(p["__proto__"]!), p["a"]!))(params) as Record<string, number>;
    expect(Object.keys(g)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(g)).toBe(Object.prototype);
    expect(g["__proto__"]).toBe(4);
    expect(g["a"]).toBe(1);
  });
});
