/**
 * The four-way agreement battery: random expressions at random points (seeded), each
 * differentiated symbolically, by forward mode, by reverse mode and by central differences.
 * The first three agree to float64 rounding; finite differences to their own O(h²) accuracy.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { Random } from "../tensor/random.js";

const COUNT = 60;
const random = new Random(2024);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random.uniform() * items.length)]!;

/** A random formula in x and y; arguments of log, sqrt, / and fractional powers are kept positive. */
function randomExpression(depth: number): string {
  if (depth === 0 || random.uniform() < 0.2) return pick(["x", "y", "x", "y", "2", "0.5", "-1.5", "pi"]);
  const a = () => randomExpression(depth - 1);
  const positive = () => `(1 + (${a()})^2)`;
  return pick([
    () => `${a()} + ${a()}`,
    () => `${a()} - ${a()}`,
    () => `${a()}*${a()}`,
    () => `${a()}/${positive()}`,
    () => `(${a()})^${pick([2, 3])}`,
    () => `${positive()}^${pick(["0.5", "-1.5", "(x/4)"])}`,
    () => `log(${positive()})`,
    () => `sqrt(${positive()})`,
    () => `log1p((${a()})^2)`,
    () => `${pick(["sin", "cos", "tanh", "atan", "sigmoid", "softplus", "gelu", "silu", "erf", "abs", "relu", "sinh"])}(${a()})`,
    () => `exp(sin(${a()}))`,
    () => `asin(tanh(${a()})/2)`,
    () => `${pick(["max", "min"])}(${a()}, ${a()})`,
  ])();
}

/** A random formula that depends on both x and y (constants would make the check vacuous). */
function randomFormula(): string {
  for (;;) {
    const source = randomExpression(4);
    if (nb.parse(source).variables().length === 2) return source;
  }
}

const cases = Array.from({ length: COUNT }, (_, i) => ({
  i,
  source: randomFormula(),
  point: { x: 3 * random.uniform() - 1.5, y: 3 * random.uniform() - 1.5 },
}));

const close = (a: number, b: number, rtol: number): boolean => Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b));

describe("symbolic = forward = reverse = numerical", () => {
  test("the battery has enough distinct expressions", () => {
    expect(new Set(cases.map((c) => c.source)).size).toBeGreaterThanOrEqual(50);
  });

  test.each(cases)("$i: $source", ({ source, point }) => {
    const expr = nb.parse(source);
    const names = ["x", "y"];
    const f = expr.compile(names);
    const at = [point.x, point.y];
    const symbolic = expr.gradient(names).map((g) => g.evaluate(point));
    const raw = names.map((n) => expr.diff(n, { simplify: false }).evaluate(point));
    const reverse = nb.grad(f, { argnums: [0, 1] })(...at) as number[];
    const forward = names.map((_, i) => nb.jvp(f, at, names.map((__, j) => (i === j ? 1 : 0)))[1].item());
    const numerical = names.map((_, i) => nb.numeric.derivative((t) => f(...at.map((v, j) => (i === j ? t : v))), at[i]!));
    for (let i = 0; i < names.length; i++) {
      const context = `∂/∂${names[i]} at ${JSON.stringify(point)}: symbolic ${symbolic[i]}, raw ${raw[i]}, forward ${forward[i]}, reverse ${reverse[i]}, numerical ${numerical[i]}`;
      expect(Number.isFinite(symbolic[i]), context).toBe(true);
      expect(close(raw[i]!, symbolic[i]!, 1e-10), context).toBe(true);
      expect(close(forward[i]!, symbolic[i]!, 1e-10), context).toBe(true);
      expect(close(reverse[i]!, symbolic[i]!, 1e-10), context).toBe(true);
      expect(close(numerical[i]!, symbolic[i]!, 1e-6), context).toBe(true);
    }
    // Second derivatives too: the symbolic Hessian diagonal against reverse-over-reverse.
    const dxx = expr.diff("x").diff("x").evaluate(point);
    const second = nb.grad(nb.grad(f, { argnums: 0 }), { argnums: 0 })(...at) as number;
    expect(close(second, dxx, 1e-9), `∂²/∂x²: symbolic ${dxx}, reverse² ${second}`).toBe(true);
  });
});

describe("trace", () => {
  test("a TypeScript function becomes the formula it computes", () => {
    const f = (x: nb.Tensor, y: nb.Tensor) => nb.div(nb.mul(x, nb.exp(y)), nb.add(1, nb.square(x)));
    const expr = nb.trace(f, [0.5, 2]);
    expect(expr.toString()).toBe("x*exp(y)/(1 + x*x)");
    expect(expr.simplify().toString()).toBe("x*exp(y)/(x^2 + 1)");
    expect(expr.evaluate({ x: 0.3, y: -1 })).toBe(f(nb.scalar(0.3), nb.scalar(-1)).item());
    const [gx] = nb.grad(f, { argnums: [0, 1] })(0.3, -1) as number[];
    expect(expr.diff("x").evaluate({ x: 0.3, y: -1 })).toBeCloseTo(gx!, 14);
  });
  test("constants, composites and names", () => {
    expect(nb.trace((t: nb.Tensor) => nb.mul(Math.PI, nb.silu(t)), 1).toString()).toBe("pi*(t*sigmoid(t))");
    expect(nb.trace((a: nb.Tensor) => nb.maximum(nb.reciprocal(a), nb.neg(a)), 1).toString()).toBe("max(1/a, -a)");
    expect(nb.trace((x: nb.Tensor) => nb.sum(nb.abs(x)), 1, { names: ["w"] }).toString()).toBe("abs(w)");
    expect(nb.trace(() => nb.scalar(3), []).toString()).toBe("3");
  });
  test("trace of grad shows the formula reverse mode evaluates", () => {
    const df = nb.trace((x: nb.Tensor) => nb.grad((t: nb.Tensor) => nb.mul(t, nb.sin(t)))(x), 1);
    expect(df.simplify().toString()).toBe("sin(x) + x*cos(x)");
  });
  test("unsupported ops and shapes are clear errors", () => {
    expect(() => nb.trace((x: nb.Tensor) => nb.where(nb.greater(x, 0), x, 0), 1)).toThrow("trace: 'greater' has no expression form");
    expect(() => nb.trace((x: nb.Tensor) => nb.mul(x, nb.tensor([1, 2])), 1)).toThrow("nb.trace follows functions of scalars only");
  });
});

describe("compile", () => {
  test("works elementwise on tensors and under every transform", () => {
    const f = nb.parse("x^2*y").compile(["x", "y"]);
    expect(f(nb.tensor([1, 2, 3]), 2).toArray()).toEqual([2, 8, 18]);
    expect(nb.grad(f, { argnums: 1 })(3, 5)).toBe(9);
    expect(nb.vjp(f, 2, 3)[1](1)).toEqual([12, 4]);
  });
  test("names must cover the variables; float32 is kept", () => {
    expect(() => nb.parse("x*y").compile(["x"])).toThrow("compile: the expression uses y, which is not among the argument names [x]");
    expect(nb.parse("2*x").compile()(nb.tensor([1], { dtype: "float32" })).dtype).toBe("float32");
    expect(() => nb.parse("x*y").evaluate({ x: 1 })).toThrow("evaluate: no value given for y");
  });
});
