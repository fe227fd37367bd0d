/** Reduction primitives. Each reduces over sorted unique axes and drops them; keepdims is a reshape. */
import { type Primitive, bind, definePrimitive } from "../core.js";
import { coef, mapLinear } from "../series.js";
import { backend } from "../../backend/registry.js";
import type { ReduceKernel } from "../../backend/interface.js";
import { type TensorLike, toTensor } from "../../tensor/create.js";
import { type Axis, type Shape, normalizeAxes } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { div, equal, mul } from "./elementwise.js";
import { broadcastTo, reshape } from "./shape.js";
import type { BatchRule } from "../batching.js";
import { linear } from "./linear.js";

interface Axes {
  axes: readonly number[];
}

/** The shape of a reduction's result with the reduced axes kept as length 1. */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Re-expands a reduced tensor over the input's shape. */
function expandBack(r: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return broadcastTo(reshape(r, keptShape(x.shape, axes)), x.shape);
}

/**
 * Batching for a reduction: the example's axes shift past the mapped axis, which survives
 * and moves left by the number of reduced axes before it.
 */
function batchReduce(prim: () => Primitive<Axes>): BatchRule<Axes> {
  return ([x], [b], { axes }) => {
    const mapped = b!;
    const full = axes.map((a) => (a < mapped ? a : a + 1));
    return [bind(prim(), [x!], { axes: full }), mapped - axes.filter((a) => a < mapped).length];
  };
}

const reduceCases = [
  { shapes: [[2, 3]], params: { axes: [1] } },
  { shapes: [[2, 3, 4]], params: { axes: [0, 2] } },
  { shapes: [[5]], params: { axes: [0] } },
  { shapes: [[]], params: { axes: [] } },
];

export const sumP: Primitive<Axes> = linear<Axes>({
  name: "sum",
  impl: ([x], { axes }) => backend().reduce("sum", x!, axes),
  transpose: (g, x, { axes }) => expandBack(g, x, axes),
  batch: batchReduce(() => sumP),
  check: { domain: "real", order: 3, cases: reduceCases },
});

/**
 * max and min: ties share the gradient equally (each of k tied maxima gets 1/k),
 * the convention of DESIGN.md.
 */
function extremum(kernel: Extract<ReduceKernel, "max" | "min">) {
  const tieShare = (x: Tensor, out: Tensor, axes: readonly number[]): [Tensor, Tensor] => {
    const mask = equal(x, expandBack(out, x, axes));
    return [mask, bind(sumP, [mask], { axes })];
  };
  const prim: Primitive<Axes> = definePrimitive<Axes>({
    name: kernel,
    impl: ([x], { axes }) => backend().reduce(kernel, x!, axes),
    jvp: ([x], [t], out, { axes }) => {
      const [mask, count] = tieShare(x!, out, axes);
      return div(bind(sumP, [mul(t!, mask)], { axes }), count);
    },
    vjp: (g, [x], out, { axes }) => {
      const [mask, count] = tieShare(x!, out, axes);
      return [mul(mask, expandBack(div(g, count), x!, axes))];
    },
    taylor: ([x], y0, _, { axes }) => {
      const [mask, count] = tieShare(coef(x!, 0)!, y0, axes);
      return [y0, ...mapLinear(x!.slice(1), (c) => div(bind(sumP, [mul(c, mask)], { axes }), count))];
    },
    batch: batchReduce(() => prim),
    check: { domain: "distinct", order: 2, cases: reduceCases },
  });
  return prim;
}
export const maxP = extremum("max");
export const minP = extremum("min");

/** Shared front end of every reduction: normalises axes and applies keepdims. */
export function reduceWith(prim: typeof sumP, x: TensorLike, axis: Axis | undefined, keepdims: boolean, op: string): Tensor {
  const t = toTensor(x);
  const axes = normalizeAxes(axis, t.ndim, op);
  const r = bind(prim, [t], { axes });
  return keepdims ? reshape(r, keptShape(t.shape, axes)) : r;
}

/**
 * Sum over `axis` (all axes when omitted; negative and several allowed).
 * @example
 * nb.sum([[1, 2], [3, 4]]).item(); // => 10
 * nb.sum([[1, 2], [3, 4]], 0).toArray(); // => [4, 6]
 * nb.sum([[1, 2], [3, 4]], -1, true).toArray(); // => [[3], [7]]
 */
export function sum(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  return reduceWith(sumP, x, axis, keepdims, "sum");
}

/**
 * Maximum over `axis`; tied maxima share the gradient equally.
 * @example
 * nb.max([[1, 5], [3, 2]], 1).toArray(); // => [5, 3]
 */
export function max(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  return reduceWith(maxP, x, axis, keepdims, "max");
}

/**
 * Minimum over `axis`; tied minima share the gradient equally.
 * @example
 * nb.min([[1, 5], [3, 2]], 0).toArray(); // => [1, 2]
 */
export function min(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  return reduceWith(minP, x, axis, keepdims, "min");
}
