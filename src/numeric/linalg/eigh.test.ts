import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import { expectClose } from "../../../test/helpers.js";

describe("symmetricEigen (cyclic Jacobi) against analytic eigenvalues", () => {
  test("2×2 [[a, b], [b, c]]: (a + c)/2 ± √(((a − c)/2)² + b²)", () => {
    const [a, b, c] = [3, -2, 0.5];
    const r = Math.hypot((a - c) / 2, b);
    expectClose(nb.numeric.symmetricEigen([[a, b], [b, c]]).values, [(a + c) / 2 - r, (a + c) / 2 + r], 1e-14, 1e-15);
  });
  test("the second-difference matrix tridiag(−1, 2, −1): λₖ = 2 − 2cos(kπ/(n + 1))", () => {
    const n = 8;
    const m = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? 2 : Math.abs(i - j) === 1 ? -1 : 0)));
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    expectClose(nb.numeric.symmetricEigen(m).values, expected, 1e-13, 1e-14);
  });
  test("the all-ones matrix J₅ has eigenvalues 0 (four times) and 5", () => {
    const ones = Array.from({ length: 5 }, () => [1, 1, 1, 1, 1]);
    expectClose(nb.numeric.symmetricEigen(ones).values, [0, 0, 0, 0, 5], 1e-14, 1e-14);
  });
  test("A v = λ v with orthonormal v, on a random symmetric matrix", () => {
    const g = nb.randn([6, 6], { seed: 3 });
    const a = nb.add(g, nb.transpose(g));
    const { values, vectors } = nb.numeric.symmetricEigen(a);
    const v = nb.tensor(vectors);
    expectClose(nb.matmul(v, nb.transpose(v)), nb.eye(6), 1e-13, 1e-13);
    expectClose(nb.matmul(v, a), nb.mul(nb.expandDims(nb.tensor(values), 1), v), 1e-12, 1e-12);
    const rows = a.toArray() as number[][];
    const trace = rows.reduce((s, row, i) => s + row[i]!, 0);
    expect(values.reduce((s, x) => s + x)).toBeCloseTo(trace, 12);
  });
  test("bad input", () => {
    expect(() => nb.numeric.symmetricEigen([[1, 2], [3, 4]])).toThrow("not symmetric");
    expect(() => nb.numeric.symmetricEigen([1, 2])).toThrow("expected a square matrix");
  });
});

describe("symmetricEigen inside a transform", () => {
  test("refuses to be differentiated (its numbers carry no derivative) and names the differentiable replacement", () => {
    const f = (a: nb.Tensor): nb.Tensor => nb.scalar(nb.numeric.symmetricEigen(nb.matmul(a, nb.transpose(a))).values[1]!);
    expect(() => nb.grad(f)(nb.tensor([[1, 2], [3, 4]]))).toThrow("nb.linalg.eigvalsh");
  });
});
