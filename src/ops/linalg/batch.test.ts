/**
 * The linalg primitives' batching rules (vmap) against a loop: the rule's output, with its
 * mapped axis, equals stacking the primitive's output on each slice, for a mapped axis that is
 * not the first and for an unmapped operand with batch axes of its own.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import { type Primitive, bind } from "../core.js";
import { choleskyP, detSignP, inverseP, logAbsDetP, solveP, triangularSolveP } from "./factor.js";
import { eighP, eigvalshP, qrP, svdP, svdvalsP } from "./spectral.js";
import { expmP } from "./expm.js";

const B = 3;

/** [k, k] matrices made well conditioned and symmetric positive definite, so every primitive accepts them. */
function matrices(shape: number[], seed: number): nb.Tensor {
  const k = shape[shape.length - 1]!;
  const x = nb.rand(shape, { seed });
  return nb.add(nb.mul(nb.add(x, nb.transpose(x, [...shape.keys()].map((i, _, a) => (i < a.length - 2 ? i : 2 * a.length - 3 - i)))), 0.2), nb.mul(nb.eye(k), k + 1));
}

/** Slice i of x along `axis`. */
const take = (x: nb.Tensor, axis: number, i: number): nb.Tensor => nb.squeeze(nb.slice(x, x.shape.map((_, a) => (a === axis ? i : 0)), x.shape.map((d, a) => (a === axis ? 1 : d))), axis);

function checkRule<P>(prim: Primitive<P>, inputs: nb.Tensor[], axes: (number | null)[], params: P): void {
  const [out, outAxis] = prim.batch!(inputs, axes, params);
  expect(outAxis).toBe(0);
  const loop = Array.from({ length: B }, (_, i) => bind(prim, inputs.map((x, k) => (axes[k] === null ? x : take(x, axes[k]!, i))), params));
  const expected = nb.stack(loop, 0);
  expect(out.shape).toEqual(expected.shape);
  expect(nb.max(nb.abs(nb.sub(out, expected))).item()).toBeLessThan(1e-12);
}

describe("linalg batching rules agree with a loop", () => {
  const unary: [string, Primitive<unknown>, unknown][] = [
    ["cholesky", choleskyP as Primitive<unknown>, undefined],
    ["logAbsDet", logAbsDetP as Primitive<unknown>, undefined],
    ["inverse", inverseP as Primitive<unknown>, undefined],
    ["detSign", detSignP as Primitive<unknown>, undefined],
    ["eigh", eighP as Primitive<unknown>, undefined],
    ["eigvalsh", eigvalshP as Primitive<unknown>, undefined],
    ["svd", svdP as Primitive<unknown>, { m: 3 }],
    ["svdvals", svdvalsP as Primitive<unknown>, undefined],
    ["qr", qrP as Primitive<unknown>, undefined],
    ["expm", expmP as Primitive<unknown>, undefined],
  ];
  test.each(unary)("%s (mapped axis 1 of [2, B, 3, 3])", (_, prim, params) => {
    checkRule(prim, [matrices([2, B, 3, 3], 1)], [1], params);
  });

  test.each([
    ["solve", solveP as Primitive<unknown>, undefined],
    ["triangularSolve", triangularSolveP as Primitive<unknown>, { lower: true, transpose: true }],
  ] as [string, Primitive<unknown>, unknown][])("%s with a mapped a and an unmapped batched b, and the reverse", (_, prim, params) => {
    const a = matrices([B, 3, 3], 2);
    const b = nb.rand([4, 3, 2], { seed: 3 });
    checkRule(prim, [a, b], [0, null], params);
    checkRule(prim, [matrices([4, 3, 3], 4), nb.rand([3, 2, B], { seed: 5 })], [null, 2], params);
    checkRule(prim, [matrices([3, 3, B], 6), nb.rand([B, 3, 2], { seed: 7 })], [2, 0], params);
  });
});
