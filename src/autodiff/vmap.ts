/**
 * vmap: maps f over an axis of its arguments by running it once on batched values. A batch
 * trace carries each mapped value with the position of its batch axis; every primitive on
 * such values runs through the `batch` rule of its table entry, which applies the primitive
 * to the whole batch at once. Like the other transforms it is one more interpreter on the
 * engine's trace levels, so it nests inside and around grad, jvp, vjp, jit and itself.
 */
import { type Primitive, type Trace, Tracer, bind } from "../ops/core.js";
import { type BatchRule, exampleShape, moveAxis } from "../ops/batching.js";
import { broadcastTo, reshape, slice } from "../ops/primitives/shape.js";
import { stack } from "../ops/composite.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { type ArrayTensor, Tensor } from "../tensor/tensor.js";
import { nextLevel, unpack, withTrace } from "./trace.js";
import { type Leaf, flatten, isPlainObject, unflatten } from "./pytree.js";
import { leafTensor } from "./leaves.js";
import type { Inputs } from "./types.js";

/** A batched value seen by f: shaped like one example; `value` holds the whole batch along `axis`. */
class BatchTracer extends Tracer {
  private readonly example: readonly number[];
  constructor(readonly trace: BatchTrace, readonly value: Tensor, readonly axis: number) {
    super();
    this.example = exampleShape(value, axis);
  }
  get primal(): Tensor {
    return this.value;
  }
  override get shape(): readonly number[] {
    return this.example;
  }
  override concrete(): ArrayTensor {
    throw new NablaError(
      `vmap: f read the value of a batched tensor (shape ${formatShape(this.shape)} per example) with item(), toArray(), ` +
        `values(), printing or JS arithmetic; inside vmap a value differs from example to example. Use nb.where for ` +
        `data-dependent choices, or pass the argument with inAxes null if it is the same for every example.`,
    );
  }
}

const axisOf = (t: Tracer): number => (t as BatchTracer).axis;
const unmapped = (): null => null;

/** Runs each primitive once on the whole batch through its batching rule. */
class BatchTrace implements Trace {
  active = true;
  constructor(readonly name: string, readonly level: number, readonly size: number) {}

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const [values, axes] = unpack<number | null>(this, prim as Primitive<unknown>, inputs, axisOf, unmapped);
    const rule = prim.batch ?? batchByLoop(prim, this.size);
    const [out, axis] = rule(values, axes, params);
    return axis === null ? out : new BatchTracer(this, out, axis);
  }
}

/**
 * Primitives outside the table (customJvp, customVjp) carry no batching rule: they run once
 * per example and the results are stacked.
 */
function batchByLoop<P>(prim: Primitive<P>, size: number): BatchRule<P> {
  const example = (x: Tensor, axis: number, i: number): Tensor =>
    reshape(slice(x, x.shape.map((_, k) => (k === axis ? i : 0)), x.shape.map((d, k) => (k === axis ? 1 : d))), exampleShape(x, axis));
  return (xs, axes, params) => {
    const outs = Array.from({ length: size }, (_, i) => bind(prim, xs.map((x, j) => (axes[j] === null ? x : example(x, axes[j]!, i))), params));
    return [stack(outs, 0), 0];
  };
}

/**
 * Where each argument is mapped: a number (that axis of every tensor in it; negative counts
 * from the end), null (not mapped: the same value for every example), or, per argument, an
 * array or plain object of these mirroring the argument's own structure.
 */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [key: string]: AxisSpec };

/** Options for vmap. */
export interface VmapOptions {
  /** A number or null for every argument, or an array with one AxisSpec per argument (default 0). */
  inAxes?: number | null | readonly AxisSpec[];
  /** Where the batch axis goes in every output tensor (default 0; negative counts from the end). */
  outAxes?: number;
}

/** What a vmapped function returns for f's result `R`: the same structure, every leaf a Tensor. */
export type Batched<R> = [R] extends [Tensor | number] ? Tensor : { [K in keyof R]: Batched<R[K]> };

/** One axis (or null) per leaf of `arg`, in flatten's order, from a spec that is a prefix of its structure. */
function leafAxes(spec: unknown, arg: unknown, path: string): (number | null)[] {
  if (spec === null || typeof spec === "number") return flatten(arg, `vmap: argument ${path}`).leaves.map(() => spec);
  if (Array.isArray(spec)) {
    if (!Array.isArray(arg) || arg.length !== spec.length) {
      throw new NablaError(`vmap: inAxes at ${path} is an array of ${spec.length} entries, but the argument there is ${describe(arg)}; give one entry per element, or one number for all`);
    }
    return spec.flatMap((s, i) => leafAxes(s, arg[i], `${path}[${i}]`));
  }
  if (isPlainObject(spec)) {
    const keys = isPlainObject(arg) ? Object.keys(arg) : null;
    if (keys === null || keys.length !== Object.keys(spec).length || keys.some((k) => !(k in spec))) {
      throw new NablaError(`vmap: inAxes at ${path} has keys {${Object.keys(spec).join(", ")}}, but the argument there is ${describe(arg)}; give the same keys, or one number for all`);
    }
    return keys.flatMap((k) => leafAxes(spec[k], (arg as Record<string, unknown>)[k], `${path}.${k}`));
  }
  throw new NablaError(`vmap: inAxes at ${path} is ${describe(spec)}; use a number, null, or an array/object of them`);
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (isPlainObject(x)) return `an object with keys {${Object.keys(x).join(", ")}}`;
  return x instanceof Tensor ? `a tensor of shape ${formatShape(x.shape)}` : String(x);
}

/** The axis of every leaf of the arguments, normalised, and the batch size they agree on. */
function resolveAxes(inAxes: unknown, args: readonly unknown[], leaves: readonly Leaf[]): { axes: (number | null)[]; size: number } {
  if (Array.isArray(inAxes) && inAxes.length !== args.length) {
    throw new NablaError(`vmap: inAxes has ${inAxes.length} entries but f was called with ${args.length} argument(s); give one entry per argument`);
  }
  if (!Array.isArray(inAxes) && inAxes !== null && typeof inAxes !== "number") {
    throw new NablaError(`vmap: inAxes must be a number, null, or an array with one entry per argument; got ${describe(inAxes)}`);
  }
  const axes = args.flatMap((a, i) => leafAxes(Array.isArray(inAxes) ? inAxes[i] : inAxes, a, `${i}`));
  let size: number | null = null;
  let first = "";
  const normalized = axes.map((axis, i) => {
    if (axis === null) return null;
    const leaf = leaves[i]!;
    const ndim = typeof leaf === "number" ? 0 : leaf.ndim;
    if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
      const what = typeof leaf === "number" ? "a number (rank 0)" : `a tensor of shape ${formatShape(leaf.shape)}`;
      throw new NablaError(`vmap: inAxes ${axis} is out of range for leaf ${i} of the arguments, ${what}; use an axis in [${-ndim}, ${ndim - 1}] or null`);
    }
    const a = axis < 0 ? axis + ndim : axis;
    const n = (leaf as Tensor).shape[a]!;
    const here = `leaf ${i} (shape ${formatShape((leaf as Tensor).shape)}, axis ${a})`;
    if (size === null) [size, first] = [n, here];
    else if (n !== size) throw new NablaError(`vmap: mapped axes must have one length, but ${first} has ${size} and ${here} has ${n}`);
    return a;
  });
  if (size === null) throw new NablaError("vmap: inAxes maps no argument (all null); map at least one, or call f directly");
  return { axes: normalized, size };
}

/** An output leaf with the batch axis at `outAxes` (unbatched leaves are repeated along it). */
function placeOutput(leaf: Leaf, trace: BatchTrace, outAxes: number, index: number): Tensor {
  const batched = leaf instanceof BatchTracer && leaf.trace === trace;
  const example = batched ? leaf.shape : leafTensor(leaf).shape;
  const rank = example.length + 1;
  if (!Number.isInteger(outAxes) || outAxes < -rank || outAxes >= rank) {
    throw new NablaError(`vmap: outAxes ${outAxes} is out of range for output leaf ${index}, of shape ${formatShape(example)} per example; use an axis in [${-rank}, ${rank - 1}]`);
  }
  const to = outAxes < 0 ? outAxes + rank : outAxes;
  if (batched) return moveAxis(leaf.value, leaf.axis, to);
  const t = leafTensor(leaf);
  const shape = [...example.slice(0, to), trace.size, ...example.slice(to)];
  return broadcastTo(reshape(t, shape.map((d, i) => (i === to ? 1 : d))), shape);
}

/**
 * Vectorizing map: `vmap(f)(xs)` is `stack([f(xs[0]), f(xs[1]), …])`, computed in one pass on
 * the whole batch (JAX semantics). `inAxes` says where each argument is mapped: a number, null
 * (the same value for every example), or an array with one entry per argument, each a number,
 * null or a pytree of them mirroring a pytree argument. `outAxes` is where the batch axis goes
 * in every output tensor. Inside f each mapped tensor looks like one example. Composes with
 * every transform and with itself: `vmap(grad(loss), {inAxes: [null, 0, 0]})(params, X, Y)`
 * gives per-example gradients. Primitives without a batching rule (customJvp, customVjp)
 * run once per example.
 * @example
 * nb.vmap((x: nb.Tensor) => nb.sum(x))(nb.tensor([[1, 2], [3, 4]])).toArray(); // => [3, 7]
 * nb.vmap((x: nb.Tensor, y: nb.Tensor) => nb.mul(x, y), { inAxes: [1, null] })(nb.tensor([[1, 2], [3, 4]]), nb.tensor([10, 100])).toArray(); // => [[10, 300], [20, 400]]
 */
export function vmap<P extends unknown[], R>(f: (...args: P) => R, options: VmapOptions = {}): (...args: Inputs<P>) => Batched<R> {
  return vmapNamed("vmap", f, options);
}

/** vmap with its trace labelled `name` (as in error messages, e.g. "vmap in jacfwd → …"). */
export function vmapNamed<P extends unknown[], R>(name: string, f: (...args: P) => R, options: VmapOptions = {}): (...args: Inputs<P>) => Batched<R> {
  const inAxes = options.inAxes === undefined ? 0 : options.inAxes;
  const outAxes = options.outAxes ?? 0;
  if (typeof outAxes !== "number") throw new NablaError(`vmap: outAxes must be a number (one axis for every output), got ${describe(outAxes)}`);
  return (...args) => {
    const flat = flatten(args, "vmap");
    const { axes, size } = resolveAxes(inAxes, args, flat.leaves);
    const trace = new BatchTrace(name, nextLevel(), size);
    const out = withTrace(trace, () => {
      const inputs = flat.leaves.map((leaf, i) => (axes[i] === null ? leaf : new BatchTracer(trace, leafTensor(leaf), axes[i]!)));
      return (f as (...a: unknown[]) => unknown)(...unflatten<unknown[]>(flat.def, inputs));
    });
    const outFlat = flatten(out, "vmap (f's output; outAxes places the batch axis in its tensors)");
    return unflatten<Batched<R>>(outFlat.def, outFlat.leaves.map((leaf, i) => placeOutput(leaf, trace, outAxes, i)));
  };
}
