/**
 * What the batching rules (vmap) share: moving a mapped axis, lining a mapped operand up for
 * broadcasting, and the one rule every elementwise primitive uses. A rule receives the
 * batched values (each mapped input carries an extra axis of the batch's length) and the
 * position of that axis, or null for an input that is the same for every example.
 */
import { type Primitive, bind } from "./core.js";
import { broadcastShapes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { reshape, transpose } from "./primitives/shape.js";

/** A primitive's batching rule (the `batch` field of its table entry). */
export type BatchRule<P> = NonNullable<Primitive<P>["batch"]>;

/** Moves axis `from` of x to position `to`, keeping the others in order (a view). */
export function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return transpose(x, perm);
}

/** The shape one example sees: x's shape without its mapped axis. */
export function exampleShape(x: Tensor, axis: number | null): number[] {
  return axis === null ? [...x.shape] : x.shape.filter((_, i) => i !== axis);
}

/** `values` with `value` inserted at `index` (a parameter list gaining the mapped axis). */
export function insertAt<T>(values: readonly T[], index: number, value: T): T[] {
  return [...values.slice(0, index), value, ...values.slice(index)];
}

/**
 * A mapped operand with its batch axis first and length-1 axes after it, so that one example
 * has `rank` axes: then it broadcasts against unmapped operands (which align with the
 * trailing axes) exactly as each example would.
 */
export function batchFirst(x: Tensor, axis: number, rank: number): Tensor {
  const first = moveAxis(x, axis, 0);
  const example = first.shape.slice(1);
  if (example.length >= rank) return first;
  return reshape(first, [first.shape[0]!, ...new Array<number>(rank - example.length).fill(1), ...example]);
}

/**
 * The batching rule of every elementwise primitive (unary, binary, where, cast): operands
 * broadcast per example, so the batch axes are aligned and the primitive applied once. When
 * every mapped operand already has the full rank with its batch axis at the same place, and
 * the unmapped ones only reach the axes after it, nothing moves.
 */
export function batchElementwise<P>(prim: () => Primitive<P>): BatchRule<P> {
  return (xs, axes, params) => {
    const p = prim();
    const rank = xs.reduce<readonly number[]>((s, x, i) => broadcastShapes(s, exampleShape(x, axes[i] ?? null), p.name), []).length;
    const b = axes.find((a): a is number => a !== null)!;
    const inPlace = xs.every((x, i) => (axes[i] === null ? x.ndim <= rank - b : axes[i] === b && x.ndim === rank + 1));
    if (inPlace) return [bind(p, xs, params), b];
    return [bind(p, xs.map((x, i) => (axes[i] === null ? x : batchFirst(x, axes[i]!, rank))), params), 0];
  };
}
