/** Forward mode: jvp pushes tangents through f alongside the primal values. */
import type { Tensor } from "../tensor/tensor.js";
import { zeros } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { JvpTrace, JvpTracer, nextLevel, withTrace } from "./trace.js";
import { type Leaf, type PyTree, flatten, unflatten } from "./pytree.js";
import { flattenLike, leafTensor, likeLeaf, unwrap } from "./leaves.js";
import type { Inputs } from "./types.js";

/**
 * Evaluates f at `primals` and its directional derivative J·t along `tangents` (one per
 * primal, shaped like it), in one forward pass: `[f(x), J t]`.
 *
 * @example
 * const [y, dy] = nb.jvp((x) => nb.mul(x, x), [3], [1]);
 * [y.item(), dy.item()]; // => [9, 6]
 */
export function jvp<P extends unknown[] = Tensor[], Out = Tensor>(
  f: (...args: P) => Out, primals: Inputs<P>, tangents: Inputs<P>,
): [Out, Out] {
  return jvpNamed("jvp", f as (...args: unknown[]) => Out, primals, tangents);
}

/** jvp with its trace labelled `name` (as in error messages, e.g. "hessian → …"). */
export function jvpNamed<Out>(name: string, f: (...args: unknown[]) => Out, primals: unknown, tangents: unknown): [Out, Out] {
  if (!Array.isArray(primals) || !Array.isArray(tangents)) {
    throw new NablaError(`${name}: primals and tangents must be arrays, one entry per argument of f`);
  }
  const flat = flatten(primals, name);
  const tangentLeaves = flattenLike(tangents, flat.def, flat.leaves, name, "tangents");
  const trace = new JvpTrace(name, nextLevel());
  const value = withTrace(trace, () => {
    const inputs = flat.leaves.map((leaf, i) => new JvpTracer(trace, leafTensor(leaf), leafTensor(tangentLeaves[i]!)));
    return (f as (...a: unknown[]) => unknown)(...unflatten<unknown[]>(flat.def, inputs));
  });
  const out = flatten(value, `${name} (f's output)`);
  const primalsOut = out.leaves.map((leaf) => unwrap(leaf, trace.level) as Leaf);
  const tangentsOut = out.leaves.map((leaf, i) => {
    if (leaf instanceof JvpTracer && leaf.trace === trace) return leaf.tangent;
    const p = leafTensor(primalsOut[i]!);
    return likeLeaf(zeros(p.shape, { dtype: p.dtype }), primalsOut[i]!);
  });
  return [unflatten<Out>(out.def, primalsOut), unflatten<Out>(out.def, tangentsOut as PyTree[])];
}
