import { NablaError } from "./errors.js";

/** A tensor's shape: one non-negative length per axis. */
export type Shape = readonly number[];

/** The axes an op works along: one axis or several; negative counts from the end. */
export type Axis = number | readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/**
 * NumPy broadcasting: align trailing axes; each pair must match or contain a 1.
 * The single place nabla decides broadcast shapes.
 */
export function broadcastShapes(a: Shape, b: Shape, op: string): Shape {
  if (shapesEqual(a, b)) return a;
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) {
      throw new NablaError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
          `(axis ${i - n}: ${da} vs ${db}); each axis must match or be 1`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * The axes of `from` that must be summed to reduce a broadcast result back to `to`
 * (the leading extra axes and those where `to` has length 1).
 */
export function broadcastReductionAxes(from: Shape, to: Shape): number[] {
  const lead = from.length - to.length;
  const axes: number[] = [];
  for (let i = 0; i < from.length; i++) {
    if (i < lead || (to[i - lead] === 1 && from[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** Normalises axis arguments (negative allowed, several, or all when undefined) to sorted, unique, non-negative axes. */
export function normalizeAxes(axis: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof axis === "number") return [normalizeAxis(axis, ndim, op)];
  const out = axis.map((a) => normalizeAxis(a, ndim, op));
  // Most callers (reductions back to a broadcast operand's shape) pass them sorted already.
  let increasing = true;
  for (let i = 1; i < out.length && increasing; i++) increasing = out[i - 1]! < out[i]!;
  return increasing ? out : [...new Set(out)].sort((x, y) => x - y);
}

export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    const valid = ndim === 0 ? "a rank-0 tensor has no axes" : `valid: ${-ndim}..${ndim - 1}`;
    throw new NablaError(`${op}: axis ${axis} is out of range for a tensor of rank ${ndim} (${valid})`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** The most axes a tensor may have (NumPy's limit). */
export const MAX_RANK = 64;

export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new NablaError(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)?.slice(0, 200)}`);
  }
  if (shape.length > MAX_RANK) throw new NablaError(`${where}: a tensor may have at most ${MAX_RANK} axes, got ${shape.length}`);
  return shape as number[];
}

/**
 * For each element of `target` (row-major), the flat index of the element of a contiguous
 * `source` that broadcasting maps onto it. Built once per jit signature, not per call.
 */
export function broadcastIndexMap(source: Shape, target: Shape): Int32Array {
  const n = sizeOf(target);
  const map = new Int32Array(n);
  const rank = target.length;
  const lead = rank - source.length;
  const sourceStrides = contiguousStrides(source);
  const strides = target.map((_, ax) => (ax < lead || source[ax - lead] === 1 ? 0 : sourceStrides[ax - lead]!));
  const index = new Array<number>(rank).fill(0);
  let flat = 0;
  for (let i = 0; i < n; i++) {
    map[i] = flat;
    for (let ax = rank - 1; ax >= 0; ax--) {
      index[ax]!++;
      flat += strides[ax]!;
      if (index[ax]! < target[ax]!) break;
      flat -= strides[ax]! * target[ax]!;
      index[ax] = 0;
    }
  }
  return map;
}

/** Bytes as a person reads them: "1.5 GiB". */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
