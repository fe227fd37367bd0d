import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

/** Fully parenthesised structure, independent of the printer under test. */
function structure(node: nb.ExprNode): string {
  switch (node.kind) {
    case "number": return String(node.value);
    case "constant":
    case "variable": return node.name;
    case "neg": return `(neg ${structure(node.arg)})`;
    case "binary": return `(${structure(node.left)} ${node.op} ${structure(node.right)})`;
    case "call": return `${node.fn}[${node.args.map(structure).join(", ")}]`;
  }
}
const tree = (src: string): string => structure(nb.parse(src).node);

describe("parse: precedence and associativity", () => {
  test.each([
    ["1 + 2*3", "(1 + (2 * 3))"],
    ["1 - 2 - 3", "((1 - 2) - 3)"],
    ["8/4/2", "((8 / 4) / 2)"],
    ["2^3^2", "(2 ^ (3 ^ 2))"],
    ["-x^2", "(neg (x ^ 2))"],
    ["-2^2", "(neg (2 ^ 2))"],
    ["2^-x", "(2 ^ (neg x))"],
    ["-2*x", "(-2 * x)"],
    ["a*b^c/d", "((a * (b ^ c)) / d)"],
    ["(a + b)*c", "((a + b) * c)"],
    ["x**2", "(x ^ 2)"],
    ["pow(x, 2)", "(x ^ 2)"],
    ["ln(x) + log(e)", "(log[x] + log[e])"],
    ["max(x, min(y, 1))", "max[x, min[y, 1]]"],
    ["1e-3 + 2.5E+2 + .5", "((0.001 + 250) + 0.5)"],
    ["pi*x", "(pi * x)"],
    ["x_1 + alpha2", "(x_1 + alpha2)"],
  ])("%s", (src, expected) => {
    expect(tree(src)).toBe(expected);
  });

  test("values follow the usual conventions", () => {
    expect(nb.parse("2^3^2").evaluate({})).toBe(512);
    expect(nb.parse("-3^2").evaluate({})).toBe(-9);
    expect(nb.parse("2^-1").evaluate({})).toBe(0.5);
    expect(nb.parse("10 - 4 - 3").evaluate({})).toBe(3);
    expect(nb.parse("sin(pi/2) + ln(e)").evaluate({})).toBe(2);
  });
});

describe("parse: errors give one line with the column and what was expected", () => {
  test.each([
    ["2x", 1, "implicit multiplication is not supported; write 2*x"],
    ["x y", 2, "implicit multiplication is not supported; write * between them"],
    ["(x+1)(x-1)", 5, "implicit multiplication is not supported; write * between them"],
    ["x +", 3, `expected a number, a variable, a function call or "(", found the end`],
    ["x * / y", 4, `expected a number, a variable, a function call or "(", found '/'`],
    ["(x + 1", 6, "expected ')' to close the '(' at column 1, found the end"],
    ["x)", 1, "expected an operator or the end (this ')' has no matching '('), found ')'"],
    ["sin x", 4, "expected '(' after the function sin"],
    ["foo(x)", 0, "unknown function 'foo'"],
    ["max(x)", 0, "max takes 2 arguments, got 1"],
    ["x # 2", 2, "unexpected character '#'"],
    ["", 0, "expected a number, a variable, a function call or \"(\", found the end"],
  ])("%j", (src, position, detail) => {
    let error: unknown;
    try {
      nb.parse(src);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(nb.ParseError);
    const e = error as nb.ParseError;
    expect(e.position).toBe(position);
    expect(e.message).toContain(detail);
    expect(e.message).toContain(`at column ${position + 1}`);
    expect(e.message.split("\n")).toHaveLength(1);
  });
});

describe("print → parse round trip", () => {
  test.each([
    "x^2*sin(x)", "(a + b)*(c - d)", "a - (b - c)", "a/(b*c)", "(a/b)/c", "a^(b^c)", "(a^b)^c", "-x^2", "(-x)^2",
    "-(x + y)", "x*(-y)", "x - (-2)", "2^(-x)", "-(-x)", "exp(-x^2/2)/sqrt(2*pi)", "max(x, -y) + min(1e-7, x)",
    "sigmoid(relu(x) - softplus(y))*gelu(x)/silu(y)", "1e+21*x", "-2*x + 3",
  ])("%s", (src) => {
    const once = nb.parse(src);
    const twice = nb.parse(once.toString());
    expect(structure(twice.node)).toBe(structure(once.node));
    expect(twice.toString()).toBe(once.toString());
  });
});
