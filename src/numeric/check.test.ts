/**
 * checkGrad passes correct gradients and pinpoints wrong ones. A wrong gradient is made with
 * stopGradient: autodiff then treats a term as constant while finite differences still see it,
 * so the mismatch and its location are known in advance.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

describe("checkGrad", () => {
  test("a correct gradient over mixed number and tensor arguments passes", () => {
    const f = (w: nb.Tensor, x: nb.Tensor, b: nb.Tensor): nb.Tensor => nb.sum(nb.tanh(nb.add(nb.matmul(x, w), b)));
    const w = nb.randn([3, 2], { seed: 7 });
    const x = [[0.5, -1, 2], [0.1, 0.2, -0.3]];
    const result = nb.checkGrad(f, [w, x, 0.25]);
    expect(result.ok).toBe(true);
    expect(result.maxAbsError).toBeLessThan(1e-9);
    expect(result.maxRelError).toBeLessThan(1e-8);
    expect(result.analytic.map((g) => (typeof g === "number" ? "number" : g.shape))).toEqual([[3, 2], [2, 3], "number"]);
    expect(result.numeric.map((g) => (typeof g === "number" ? "number" : g.shape))).toEqual([[3, 2], [2, 3], "number"]);
    expect(result.worst).not.toBeNull();
  });

  test("Rosenbrock's gradient and the analytic one agree with the closed form", () => {
    const rosenbrock = (x: nb.Tensor, y: nb.Tensor): nb.Tensor =>
      nb.add(nb.square(nb.sub(1, x)), nb.mul(100, nb.square(nb.sub(y, nb.square(x)))));
    const result = nb.checkGrad(rosenbrock, [-1.2, 1]);
    expect(result.ok).toBe(true);
    expect(result.analytic[0]).toBeCloseTo(-215.6, 10);
    expect(result.analytic[1]).toBeCloseTo(-88, 10);
    expect(result.numeric[0]).toBeCloseTo(-215.6, 6);
  });

  test("a wrong gradient fails, naming the argument and multi-index of the worst element", () => {
    // Finite differences see the extra 5·y[1, 2]; autodiff does not.
    const f = (x: nb.Tensor, y: nb.Tensor): nb.Tensor =>
      nb.add(nb.add(nb.sum(nb.sin(x)), nb.sum(nb.square(y))), nb.mul(5, nb.sum(nb.stopGradient(nb.slice(y, [1, 2], [1, 1])))));
    const y = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]];
    const result = nb.checkGrad(f, [[1, 2], y]);
    expect(result.ok).toBe(false);
    expect(result.worst?.argument).toBe(1);
    expect(result.worst?.index).toEqual([1, 2]);
    expect(result.worst?.analytic).toBeCloseTo(1.2, 12);
    expect(result.worst?.numeric).toBeCloseTo(6.2, 8);
    expect(result.maxAbsError).toBeCloseTo(5, 8);
    expect(result.maxRelError).toBeCloseTo(5 / 6.2, 8);
  });

  test("tolerances: a gradient off by 1e-5 relative fails by default and passes with rtol 1e-3", () => {
    // The slope of x² + 1e-5·x·x is 2x + 2e-5·x, but autodiff, holding the stopped factor fixed,
    // finds 2x + 1e-5·x: wrong by 5e-6 relative, above the default rtol of 1e-6.
    const f = (x: nb.Tensor): nb.Tensor => nb.sum(nb.add(nb.square(x), nb.mul(1e-5, nb.mul(x, nb.stopGradient(x)))));
    const x = [1, -2, 3];
    const strict = nb.checkGrad(f, [x]);
    expect(strict.ok).toBe(false);
    expect(strict.maxRelError).toBeCloseTo(1e-5 / 2.00002, 9);
    expect(nb.checkGrad(f, [x], { rtol: 1e-3 }).ok).toBe(true);
    expect(nb.checkGrad(f, [x], { atol: 1e-4, rtol: 0 }).ok).toBe(true);
  });

  test("float32 arguments are checked in float64", () => {
    const x = nb.tensor([0.3, -0.8, 1.7], { dtype: "float32" });
    const result = nb.checkGrad((t) => nb.sum(nb.exp(nb.sin(t))), [x]);
    expect(result.ok).toBe(true);
    expect((result.analytic[0] as nb.Tensor).dtype).toBe("float64");
    expect((result.numeric[0] as nb.Tensor).dtype).toBe("float64");
    expect(result.maxRelError).toBeLessThan(1e-9);
  });

  test("a NaN gradient fails and is reported as the worst element", () => {
    // sqrt at 0: autodiff gives Infinity, the central difference NaN (it evaluates sqrt(−h)).
    const result = nb.checkGrad((t) => nb.sum(nb.sqrt(t)), [[1, 0]]);
    expect(result.ok).toBe(false);
    expect(result.worst?.index).toEqual([1]);
    expect(result.maxAbsError).toBe(Infinity);
  });

  test("bad input gets a clear error", () => {
    expect(() => nb.checkGrad((x) => x, [])).toThrow(/checkGrad: args must be a non-empty array/);
    expect(() => nb.checkGrad((x) => nb.sum(x), [[1]], { atol: -1 })).toThrow(/checkGrad: atol must be a finite non-negative number, got -1/);
    expect(() => nb.checkGrad((x) => x, [[1, 2]])).toThrow(/returned shape \[2\]/);
  });
});

describe("checkGrad on pytree arguments", () => {
  test("accepts a pytree argument as grad does (it used to throw 'ragged or non-numeric nested array')", () => {
    const result = nb.checkGrad((q: { w: nb.Tensor }) => nb.sum(nb.square(q.w)), [{ w: nb.tensor([1, 2]) }]);
    expect(result.ok).toBe(true);
    // d/dw Σw² = 2w, known in closed form.
    expect(((result.analytic[0] as { w: nb.Tensor }).w).toArray()).toEqual([2, 4]);
    expect((((result.numeric[0] as { w: nb.Tensor }).w).toArray() as number[])[1]).toBeCloseTo(4, 8);
  });
  test("a wrong gradient inside a pytree names the argument, the leaf and the index", () => {
    // Finite differences see the stopped 3·b[1]; autodiff does not.
    const f = (x: nb.Tensor, p: { a: number; b: nb.Tensor[] }) =>
      nb.add(nb.mul(x, p.a), nb.add(nb.sum(nb.square(p.b[0]!)), nb.mul(3, nb.sum(nb.stopGradient(nb.slice(p.b[0]!, [1], [1]))))));
    const result = nb.checkGrad(f, [0.5, { a: 2, b: [nb.tensor([1, 2, 3])] }]);
    expect(result.ok).toBe(false);
    expect(result.worst).toMatchObject({ argument: 1, leaf: 1, index: [1] });
    expect(result.worst?.analytic).toBeCloseTo(4, 12);
    expect(result.worst?.numeric).toBeCloseTo(7, 7);
  });
});
