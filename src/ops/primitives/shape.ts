/**
 * Shape primitives. reshape, transpose, broadcastTo and slice are views (no copy); each is
 * linear (./linear.ts), so only its transpose, the VJP, is written.
 */
import { type CheckCase, type Primitive, bind, definePrimitive } from "../core.js";
import { coef } from "../series.js";
import { backend } from "../../backend/registry.js";
import { type TensorLike, toTensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { type Shape, broadcastReductionAxes, broadcastShapes, checkShape, contiguousStrides, formatShape, normalizeAxis, shapesEqual, sizeOf } from "../../tensor/shape.js";
import { ArrayTensor, Tensor } from "../../tensor/tensor.js";
import { sum } from "./reduce.js";
import { batchFirst, exampleShape, insertAt, moveAxis } from "../batching.js";
import { linear } from "./linear.js";

export const reshapeP: Primitive<{ shape: Shape }> = linear<{ shape: Shape }>({
  name: "reshape",
  impl: ([x], { shape }) => {
    const src = backend().contiguous(x!);
    return new ArrayTensor(src.data, shape, contiguousStrides(shape), src.offset);
  },
  transpose: (g, x) => reshape(g, x.shape),
  batch: ([x], [b], { shape }) => batchReshape(x!, b!, shape),
  check: { domain: "real", order: 2, cases: [{ shapes: [[2, 3]], params: { shape: [3, 2] } }, { shapes: [[]], params: { shape: [1, 1] } }] },
});

/**
 * reshape's batching rule. Where the elements before the mapped axis fill a prefix of the new
 * shape, the batch axis goes there and the data keeps its order (no copy, e.g. a batch of
 * [n, 1] columns held as [n, batch, 1] becomes [n, batch]); otherwise it moves to the front.
 */
function batchReshape(x: Tensor, b: number, shape: Shape): [Tensor, number] {
  const before = sizeOf(exampleShape(x, b).slice(0, b));
  let j = 0;
  for (let filled = 1; filled !== before && j < shape.length; j++) filled *= shape[j]!;
  if (sizeOf(shape.slice(0, j)) === before) return [reshape(x, insertAt(shape, j, x.shape[b]!)), j];
  return [reshape(moveAxis(x, b, 0), [x.shape[b]!, ...shape]), 0];
}

export const transposeP: Primitive<{ perm: readonly number[] }> = linear<{ perm: readonly number[] }>({
  name: "transpose",
  impl: ([x], { perm }) => new ArrayTensor(x!.data, perm.map((p) => x!.shape[p]!), perm.map((p) => x!.strides[p]!), x!.offset),
  transpose: (g, _, { perm }) => transpose(g, invertPermutation(perm)),
  batch: ([x], [b], { perm }) => [transpose(x!, [b!, ...perm.map((p) => (p < b! ? p : p + 1))]), 0],
  check: { domain: "real", order: 2, cases: [{ shapes: [[2, 3, 4]], params: { perm: [2, 0, 1] } }] },
});

export const broadcastToP: Primitive<{ shape: Shape }> = linear<{ shape: Shape }>({
  name: "broadcastTo",
  impl: ([x], { shape }) => {
    const lead = shape.length - x!.ndim;
    const strides = shape.map((_, i) => (i < lead || x!.shape[i - lead] === 1 ? 0 : x!.strides[i - lead]!));
    return new ArrayTensor(x!.data, shape, strides, x!.offset);
  },
  transpose: (g, x) => sumToShape(g, x.shape),
  batch: ([x], [b], { shape }) => [broadcastTo(batchFirst(x!, b!, shape.length), [x!.shape[b!]!, ...shape]), 0],
  check: { domain: "real", order: 2, cases: [{ shapes: [[3]], params: { shape: [2, 3] } }, { shapes: [[2, 1]], params: { shape: [2, 4] } }, { shapes: [[]], params: { shape: [3] } }] },
});

export const sliceP: Primitive<{ begin: readonly number[]; size: readonly number[] }> = linear<{ begin: readonly number[]; size: readonly number[] }>({
  name: "slice",
  impl: ([x], { begin, size }) => {
    let offset = x!.offset;
    for (let i = 0; i < begin.length; i++) offset += begin[i]! * x!.strides[i]!;
    return new ArrayTensor(x!.data, size, x!.strides, offset);
  },
  transpose: (g, x, { begin, size }) => bind(padP, [g], { before: begin, after: x.shape.map((d, i) => d - begin[i]! - size[i]!) }),
  batch: ([x], [b], { begin, size }) => [bind(sliceP, [x!], { begin: insertAt(begin, b!, 0), size: insertAt(size, b!, x!.shape[b!]!) }), b!],
  check: { domain: "real", order: 2, cases: [{ shapes: [[4, 5]], params: { begin: [1, 2], size: [2, 3] } }] },
});

export const padP: Primitive<{ before: readonly number[]; after: readonly number[] }> = linear<{ before: readonly number[]; after: readonly number[] }>({
  name: "pad",
  impl: ([x], { before, after }) => backend().pad(x!, before, after),
  transpose: (g, x, { before }) => bind(sliceP, [g], { begin: before, size: x.shape }),
  batch: ([x], [b], { before, after }) => [bind(padP, [x!], { before: insertAt(before, b!, 0), after: insertAt(after, b!, 0) }), b!],
  check: { domain: "real", order: 2, cases: [{ shapes: [[2, 3]], params: { before: [1, 0], after: [0, 2] } }] },
});

export const concatP: Primitive<{ axis: number }> = definePrimitive<{ axis: number }>({
  name: "concat",
  impl: (xs, { axis }) => backend().concat(xs, axis),
  jvp: (xs, ts, _, { axis }) => bind(concatP, ts.map((t, i) => t ?? zerosLike(xs[i]!)), { axis }),
  vjp: (g, xs, _, { axis }) => {
    let start = 0;
    return xs.map((x) => {
      const begin = x.shape.map((_, i) => (i === axis ? start : 0));
      start += x.shape[axis]!;
      return bind(sliceP, [g], { begin, size: x.shape });
    });
  },
  taylor: (xs, y0, n, { axis }) =>
    Array.from({ length: n + 1 }, (_, k) => {
      if (k === 0) return y0;
      if (xs.every((x) => coef(x, k) === null)) return null;
      return bind(concatP, xs.map((x) => coef(x, k) ?? zerosLike(coef(x, 0)!)), { axis });
    }),
  // Unmapped operands are repeated along the batch so that every part has it first.
  batch: (xs, axes, { axis }) => {
    const k = axes.findIndex((a) => a !== null);
    const size = xs[k]!.shape[axes[k]!]!;
    const parts = xs.map((x, i) => (axes[i] === null ? broadcastTo(x, [size, ...x.shape]) : moveAxis(x, axes[i]!, 0)));
    return [bind(concatP, parts, { axis: axis + 1 }), 0];
  },
  check: { domain: "real", order: 2, cases: [{ shapes: [[2, 3], [2, 1], [2, 2]], params: { axis: 1 } }] },
});

interface GatherParams {
  indices: Int32Array;
  indicesShape: Shape;
  axis: number;
}

export const gatherP: Primitive<GatherParams> = linear<GatherParams>({
  name: "gather",
  impl: ([x], { indices, indicesShape, axis }) => backend().gather(x!, indices, indicesShape, axis),
  transpose: (g, x, p) => bind(scatterAddP, [g], { ...p, size: x.shape[p.axis]! }),
  batch: ([x], [b], p) => [bind(gatherP, [moveAxis(x!, b!, 0)], { ...p, axis: p.axis + 1 }), 0],
  check: { domain: "real", order: 2, cases: [{ shapes: [[4, 3]], params: { indices: Int32Array.of(2, 0, 2), indicesShape: [3], axis: 0 } }] },
});

/** The transpose of gather: sums slices into the indexed positions (repeated indices add up). */
export const scatterAddP: Primitive<GatherParams & { size: number }> = linear<GatherParams & { size: number }>({
  name: "scatterAdd",
  impl: ([g], { indices, indicesShape, axis, size }) => backend().scatterAdd(g!, indices, indicesShape, axis, size),
  transpose: (g, _, p) => bind(gatherP, [g], p),
  batch: ([g], [b], p) => [bind(scatterAddP, [moveAxis(g!, b!, 0)], { ...p, axis: p.axis + 1 }), 0],
  check: { domain: "real", order: 2, cases: [{ shapes: [[3, 2]], params: { indices: Int32Array.of(1, 0, 1), indicesShape: [3], axis: 0, size: 4 } }] satisfies CheckCase<GatherParams & { size: number }>[] },
});

export function invertPermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

function zerosLike(x: Tensor): Tensor {
  return broadcastTo(toTensor(0, x.dtype), x.shape);
}

/** Sums a broadcast result back to `shape`: the engine's unbroadcast, used by every VJP. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const axes = broadcastReductionAxes(g.shape, shape);
  return reshape(sum(g, axes), shape);
}

/**
 * Gives x a new shape with the same elements; one length may be -1 (inferred).
 * @example
 * nb.reshape(nb.arange(6), [2, -1]).shape; // => [2, 3]
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x);
  const resolved = resolveShape(shape, t.size, t.shape);
  if (shapesEqual(resolved, t.shape)) return t;
  return bind(reshapeP, [t], { shape: resolved });
}

function resolveShape(shape: readonly number[], size: number, from: Shape): number[] {
  const inferred = shape.filter((d) => d === -1).length;
  const known = shape.filter((d) => d !== -1);
  if (inferred > 1 || !known.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new NablaError(`reshape: invalid target shape ${formatShape(shape)}: use non-negative integers and at most one -1`);
  }
  const knownSize = sizeOf(known);
  const fill = inferred ? size / knownSize : 1;
  if ((inferred && !Number.isInteger(fill)) || (!inferred && knownSize !== size)) {
    throw new NablaError(`reshape: cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(shape)}`);
  }
  return shape.map((d) => (d === -1 ? fill : d));
}

/**
 * Permutes the axes; with no permutation, reverses them (a view, no copy).
 * @example
 * nb.transpose(nb.tensor([[1, 2, 3]])).toArray(); // => [[1], [2], [3]]
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor(x);
  const p = perm ?? t.shape.map((_, i) => t.ndim - 1 - i);
  const normalized = p.map((a) => normalizeAxis(a, t.ndim, "transpose"));
  if (normalized.length !== t.ndim || new Set(normalized).size !== t.ndim) {
    throw new NablaError(`transpose: permutation [${p.join(", ")}] is not a permutation of the ${t.ndim} axes of a tensor of shape ${formatShape(t.shape)}`);
  }
  if (normalized.every((a, i) => a === i)) return t;
  return bind(transposeP, [t], { perm: normalized });
}

/**
 * Repeats x along new leading axes and axes of length 1 to reach `shape` (a view, no copy).
 * @example
 * nb.broadcastTo([1, 2], [2, 2]).toArray(); // => [[1, 2], [1, 2]]
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x);
  const target = checkShape(shape, "broadcastTo");
  if (shapesEqual(t.shape, target)) return t;
  const joint = broadcastShapes(t.shape, target, "broadcastTo");
  if (!shapesEqual(joint, target)) {
    throw new NablaError(`broadcastTo: shape ${formatShape(t.shape)} cannot be broadcast to ${formatShape(target)}`);
  }
  return bind(broadcastToP, [t], { shape: target });
}

/**
 * The block starting at `begin` with lengths `size` (-1 = to the end) (a view, no copy).
 * @example
 * nb.slice(nb.tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1]).toArray(); // => [[2, 3], [5, 6]]
 */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = toTensor(x);
  if (begin.length !== t.ndim || (size !== undefined && size.length !== t.ndim)) {
    throw new NablaError(`slice: begin and size need one entry per axis (${t.ndim}) for shape ${formatShape(t.shape)}`);
  }
  const sz = t.shape.map((d, i) => {
    const b = begin[i]!;
    const s = size?.[i] ?? -1;
    const len = s === -1 ? d - b : s;
    if (!Number.isInteger(b) || !Number.isInteger(len) || b < 0 || len < 0 || b + len > d) {
      throw new NablaError(`slice: axis ${i} of shape ${formatShape(t.shape)} has no elements ${b}..${b + len - 1}`);
    }
    return len;
  });
  if (shapesEqual(sz, t.shape)) return t;
  return bind(sliceP, [t], { begin: [...begin], size: sz });
}

/**
 * Joins tensors along an existing axis.
 * @example
 * nb.concat([[1, 2], [3]], 0).toArray(); // => [1, 2, 3]
 */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new NablaError("concat: needs at least one tensor");
  const ts = xs.map((x) => toTensor(x));
  const first = ts[0]!;
  const ax = normalizeAxis(axis, first.ndim, "concat");
  for (const [i, t] of ts.entries()) {
    if (t.ndim !== first.ndim || t.shape.some((d, k) => k !== ax && d !== first.shape[k])) {
      throw new NablaError(`concat: tensor ${i} has shape ${formatShape(t.shape)}, which does not match ${formatShape(first.shape)} outside axis ${ax}`);
    }
  }
  if (ts.length === 1) return first;
  return bind(concatP, ts, { axis: ax });
}

/**
 * Takes elements along `axis` at the given integer indices (negative counts from the end).
 * The result has the indices' shape in place of that axis.
 * @example
 * nb.gather([10, 20, 30], [2, 0]).toArray(); // => [30, 10]
 * nb.gather([[1, 2], [3, 4]], [1], 1).toArray(); // => [[2], [4]]
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor(x);
  const ax = normalizeAxis(axis, t.ndim, "gather");
  const idx = toTensor(indices);
  const values = idx.values();
  const len = t.shape[ax]!;
  const ints = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < -len || v >= len) {
      throw new NablaError(`gather: index ${v} at position ${i} is not an integer in [${-len}, ${len - 1}] for axis ${ax} of shape ${formatShape(t.shape)}`);
    }
    ints[i] = v < 0 ? v + len : v;
  }
  return bind(gatherP, [t], { indices: ints, indicesShape: idx.shape, axis: ax });
}

