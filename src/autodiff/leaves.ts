import { Tensor } from "../tensor/tensor.js";
import { toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import { Tracer } from "../ops/core.js";
import { type Leaf, type TreeDef, flatten, sameStructure } from "./pytree.js";

/** A leaf as a tensor: numbers become rank-0 float64 tensors. */
export function leafTensor(leaf: Leaf): Tensor {
  return typeof leaf === "number" ? toTensor(leaf) : leaf;
}

/**
 * Gives a result leaf the kind of the leaf it answers for: a number for a number. A value
 * still traced by an enclosing transform stays a Tensor, or the outer derivative would be lost.
 */
export function likeLeaf(value: Tensor, template: Leaf): Leaf {
  return typeof template === "number" && value.level === 0 ? value.item() : value;
}

/** Strips this trace's tracers from a result, leaving lower-level values. */
export function unwrap(x: unknown, level: number): unknown {
  return x instanceof Tracer && x.level === level ? x.primal : x;
}

/** Flattens `tree` and checks it has the structure and shapes of `like` (e.g. tangents vs primals). */
export function flattenLike(tree: unknown, def: TreeDef, like: readonly Leaf[], where: string, what: string): Leaf[] {
  const flat = flatten(tree, where);
  if (!sameStructure(flat.def, def)) {
    throw new NablaError(`${where}: the ${what} must have the same structure (nesting, lengths, keys) as the values they belong to`);
  }
  flat.leaves.forEach((leaf, i) => {
    const a = leafTensor(leaf).shape;
    const b = leafTensor(like[i]!).shape;
    if (!shapesEqual(a, b)) {
      throw new NablaError(`${where}: ${what} leaf ${i} has shape ${formatShape(a)} but its value has shape ${formatShape(b)}`);
    }
  });
  return flat.leaves;
}
