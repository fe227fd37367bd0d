/**
 * The optimizer protocol, after optax: a Transform turns gradients into updates with
 * `init(params) → state` and `update(updates, state, params?) → [updates, state]`; `chain`
 * threads updates through several; `applyUpdates` adds them to the parameters. State is a
 * plain pytree (numbers, tensors, arrays, objects), so it can be inspected and serialised.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { NablaError } from "../tensor/errors.js";
import { toTensor } from "../tensor/create.js";
import { add, cast, div, pow, sqrt, sub } from "../ops/primitives/elementwise.js";
import { TracedValueError } from "../autodiff/jit.js";
import { type PyTree, flatten, treeMapMany } from "../autodiff/pytree.js";
import { leafTensor, likeLeaf } from "../autodiff/leaves.js";

/** A value that changes with the step count (0 on the first update): a learning-rate schedule. */
export type Schedule = (count: number) => number;

/** A learning rate: a constant or a schedule of the step count. */
export type LearningRate = number | Schedule;

/** A gradient transformation with a parameter-updating `step` for convenience. */
export interface Transform<S extends PyTree = PyTree> {
  /** The initial state for these parameters (moments are zeros shaped like them). */
  init(params: PyTree): S;
  /** Transforms `updates` (gradients at first); `params` is needed by weight decay and penalties. */
  update(updates: PyTree, state: S, params?: PyTree): [PyTree, S];
  /** `update` on the gradients, then `applyUpdates`: one optimizer step. */
  step<P extends PyTree>(params: P, grads: P, state: S, options?: OptimizerStepOptions): { params: P; state: S };
}

/** Options of `Transform.step`. */
export interface OptimizerStepOptions {
  /**
   * The caller gives up `params` and `state` (it will use only the returned ones), so the
   * step may write the new values over their arrays, as PyTorch's in-place update does,
   * instead of into fresh ones: memory the last step used, still in cache, and less for the
   * garbage collector. adam and adamw's fused step do; other steps ignore it. Leaves that are
   * views, or share memory with another leaf (tied weights), are never written.
   */
  donate?: boolean;
}

/**
 * Builds a Transform from its init and update, adding `step`.
 * @example
 * const halve = nb.optim.transform(() => ({}), (updates, state) => [nb.treeMap((u) => nb.mul(u, 0.5).item(), updates), state]);
 * halve.step([1], [-4], halve.init([1])).params; // => [-1]
 */
export function transform<S extends PyTree>(
  init: (params: PyTree) => S,
  update: (updates: PyTree, state: S, params?: PyTree) => [PyTree, S],
): Transform<S> {
  return {
    init,
    update,
    step<P extends PyTree>(params: P, grads: P, state: S) {
      const [updates, next] = update(grads, state, params);
      return { params: applyUpdates(params, updates), state: next };
    },
  };
}

/**
 * Applies `f` leafwise across pytrees of one structure, on tensors; a leaf that is a JS number
 * in the first tree comes back as a number.
 */
export function leafwise(f: (...leaves: Tensor[]) => Tensor, trees: readonly unknown[], where: string): PyTree {
  return treeMapMany((leaves) => likeLeaf(f(...leaves.map(leafTensor)), leaves[0]!), trees, where);
}

/** The leaves of a pytree, in order (to reduce over all of them, as a global norm does). */
/**
 * `leafwise` for a leaf function with several results: result k of every leaf, gathered
 * into tree k (each shaped like the first tree).
 */
export function leafwiseMany(f: (...leaves: Tensor[]) => Tensor[], count: number, trees: readonly unknown[], where: string): PyTree[] {
  const results: Tensor[][] = [];
  const first = treeMapMany((leaves) => {
    const r = f(...leaves.map(leafTensor));
    results.push(r);
    return likeLeaf(r[0]!, leaves[0]!);
  }, trees, where);
  const rest = Array.from({ length: count - 1 }, (_, k) =>
    treeMapMany((leaves, i) => likeLeaf(results[i]![k + 1]!, leaves[0]!), [trees[0]], where));
  return [first, ...rest];
}

export function leavesOf(tree: PyTree, where: string): Tensor[] {
  return flatten(tree, where).leaves.map(leafTensor);
}

/** Refuses a learning rate that is not a finite positive number or a schedule (a function). */
export function checkLearningRate(lr: unknown, where: string): LearningRate {
  if (typeof lr === "function" || (typeof lr === "number" && Number.isFinite(lr) && lr > 0)) return lr as LearningRate;
  throw new NablaError(`${where}: lr must be a finite positive number or a schedule from nb.optim.schedules, got ${String(lr)}`);
}

/**
 * A step count in an optimizer's state: a JS number, or a rank-0 tensor when the update runs
 * inside `nb.jit` (which traces the numbers among its arguments), so one compiled training
 * step serves every step count. The helpers below compute the same formula either way.
 */
export type Count = number | Tensor;

/** count + 1. */
export function nextCount(count: Count): Count {
  return typeof count === "number" ? count + 1 : add(count, 1);
}

/** 1 − bᵗ (the Adam family's bias corrections). */
export function oneMinusPower(b: number, t: Count): Count {
  return typeof t === "number" ? 1 - b ** t : sub(1, pow(b, t));
}

/** a / c. */
export function quotient(a: number, c: Count): Count {
  return typeof c === "number" ? a / c : div(a, c);
}

/** √c. */
export function root(c: Count): Count {
  return typeof c === "number" ? Math.sqrt(c) : sqrt(c);
}

/** Casts already made by asScalar, so that every leaf of one dtype shares one (one op in a jit program, not one per leaf). */
const casts = new WeakMap<Tensor, Map<DType, Tensor>>();

/** A count-derived scalar as a rank-0 tensor of the leaves' dtype (float32 leaves stay float32). */
export function asScalar(x: Count, dtype: DType): Tensor {
  if (typeof x === "number") return toTensor(x, dtype);
  let byDtype = casts.get(x);
  if (byDtype === undefined) casts.set(x, (byDtype = new Map()));
  let out = byDtype.get(dtype);
  if (out === undefined) byDtype.set(dtype, (out = cast(x, dtype)));
  return out;
}

/**
 * The learning rate at a step count; a schedule's value must be finite and non-negative. A
 * constant rate is the same at a traced count; a schedule is a JS function of a number, so
 * it cannot be compiled into a jit program (a TracedValueError says so, and `nb.nn.fit`
 * falls back to its eager step).
 */
export function rateAt(lr: LearningRate, count: Count): number {
  if (typeof lr === "number") return lr;
  if (typeof count !== "number") {
    if (count.level > 0) throw new TracedValueError("a learning-rate schedule is a JS function of the step count and cannot be traced by jit; use a constant lr to compile the step");
    count = count.item();
  }
  const rate = lr(count);
  if (!(Number.isFinite(rate) && rate >= 0)) throw new NablaError(`learning-rate schedule: step ${count} gave ${rate}; a rate must be finite and non-negative`);
  return rate;
}

/**
 * params + updates, leafwise; the structure of `params` is kept (numbers stay numbers).
 * @example
 * nb.optim.applyUpdates({ w: 1, b: [2] }, { w: -0.5, b: [0.25] }); // => { w: 0.5, b: [2.25] }
 */
export function applyUpdates<P extends PyTree>(params: P, updates: PyTree): P {
  return leafwise((p, u) => add(p, u), [params, updates], "applyUpdates") as P;
}

/**
 * Composes transforms left to right: the updates of one are the input of the next; the
 * state is the array of their states.
 * @example
 * const opt = nb.optim.chain(nb.optim.clipByGlobalNorm(1), nb.optim.sgd({ lr: 0.1 }));
 * const state = opt.init({ w: 0 });
 * opt.step({ w: 0 }, { w: 10 }, state).params; // => { w: -0.1 }
 */
export function chain(...transforms: Transform<PyTree>[]): Transform<PyTree[]> {
  return transform(
    (params) => transforms.map((t) => t.init(params)),
    (updates, states, params) => {
      const next: PyTree[] = [];
      let u = updates;
      transforms.forEach((t, i) => {
        const [out, s] = t.update(u, states[i]!, params);
        u = out;
        next.push(s);
      });
      return [u, next];
    },
  );
}
