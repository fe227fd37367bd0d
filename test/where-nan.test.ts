/** The NaN-through-where trap that JAX and PyTorch users keep hitting, and its absence here. */
import { describe, expect, test } from "vitest";
import * as nb from "../src/index.js";

describe("where keeps gradients finite when the unselected branch is not", () => {
  test("sqrt of negatives in the unselected branch", () => {
    const f = (x: nb.Tensor) => nb.sum(nb.where(nb.greater(x, 0), nb.sqrt(x), 0));
    expect(nb.grad(f)(nb.tensor([-1, 0, 4])).toArray()).toEqual([0, 0, 0.25]);
  });
  test("log at zero and 1/x at zero", () => {
    const f = (x: nb.Tensor) => nb.sum(nb.where(nb.greater(x, 0), nb.mul(x, nb.log(x)), 0));
    expect(nb.grad(f)(nb.tensor([0, 1])).toArray()).toEqual([0, 1]);
    const g = (x: nb.Tensor) => nb.sum(nb.where(nb.equal(x, 0), 0, nb.div(1, x)));
    expect(nb.grad(g)(nb.tensor([0, 2])).toArray()).toEqual([0, -0.25]);
  });
  test("second derivative through the same where stays finite", () => {
    const f = (x: nb.Tensor) => nb.where(nb.greater(x, 0), nb.pow(x, 1.5), 0);
    const d2 = nb.grad(nb.grad(f));
    expect(d2(-1)).toBe(0);
    expect(d2(4)).toBeCloseTo(0.75 * 0.5, 14);
  });
  test("forward mode too", () => {
    const f = (x: nb.Tensor) => nb.where(nb.greater(x, 0), nb.sqrt(x), 0);
    const [, t] = nb.jvp(f, [nb.tensor([-1, 4])], [nb.tensor([1, 1])]);
    expect(t.toArray()).toEqual([0, 0.25]);
  });
});
