/** matmul: the one linear-algebra primitive this layer needs; batch axes broadcast as in NumPy. */
import { type Primitive, definePrimitive } from "../core.js";
import { seriesMul } from "../series.js";
import { backend } from "../../backend/registry.js";
import { NablaError } from "../../tensor/errors.js";
import { broadcastShapes, formatShape } from "../../tensor/shape.js";
import type { ArrayTensor, Tensor } from "../../tensor/tensor.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { isIdentity } from "../../tensor/create.js";
import { add } from "./elementwise.js";
import { reshape, transpose } from "./shape.js";
import { batchFirst, exampleShape, moveAxis } from "../batching.js";
import { bind } from "../core.js";

/** Swaps the last two axes. */
export function matrixTranspose(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[x.ndim - 2] = x.ndim - 1;
  perm[x.ndim - 1] = x.ndim - 2;
  return transpose(x, perm);
}

const product = (a: Tensor, b: Tensor): Tensor => bind(matmulP, [a, b], undefined);

/**
 * matmul's batching rule. A batch of matrices against one matrix is folded into a single
 * product (the batch stacked into the rows of the left operand, or the columns of the right),
 * so per-example products and Jacobian columns cost one GEMM; otherwise the batch becomes the
 * leading batch axis of both operands.
 */
function batchMatmul(a: Tensor, b: Tensor, da: number | null, db: number | null): [Tensor, number] {
  if (db === null && b.ndim === 2 && a.ndim === 3) {
    // Every example's rows stacked into one matrix: free when the batch axis precedes k.
    const x = da === 2 ? moveAxis(a, 2, 0) : a;
    const [p, q, k] = x.shape as [number, number, number];
    return [reshape(product(reshape(x, [p * q, k]), b), [p, q, b.shape[1]!]), da === 2 ? 0 : da!];
  }
  if (da === null && a.ndim === 2 && b.ndim === 3) {
    const [m, k] = a.shape as [number, number];
    if (db === 0 && b.shape[2] === 1) {
      // A batch of column vectors is the columns of one matrix: a transposed view, no copy.
      return [reshape(product(a, matrixTranspose(reshape(b, [b.shape[0]!, k]))), [m, b.shape[0]!, 1]), 1];
    }
    // Every example's columns side by side: free when the batch axis follows k.
    const y = db === 0 ? moveAxis(b, 0, 1) : b;
    const [, p, q] = y.shape as [number, number, number];
    return [reshape(product(a, reshape(y, [k, p * q])), [m, p, q]), db === 0 ? 1 : db!];
  }
  const rank = Math.max(exampleShape(a, da).length, exampleShape(b, db).length);
  return [product(da === null ? a : batchFirst(a, da, rank), db === null ? b : batchFirst(b, db, rank)), 0];
}

/**
 * matmulP on concrete operands. `out` is storage a jit program lends for the result (of its
 * dtype and size), which the backend may fill instead of allocating.
 */
export function matmulConcrete(a: ArrayTensor, b: ArrayTensor, out?: TypedArray): ArrayTensor {
  const k = a.shape[a.ndim - 1]!;
  if (b.shape[b.ndim - 2] !== k) {
    throw new NablaError(
      `matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} are not aligned: ` +
        `${k} (last axis of the first) ≠ ${b.shape[b.ndim - 2]} (second-to-last of the second)`,
    );
  }
  if (a.dtype === b.dtype && (isIdentity(a) || isIdentity(b))) return isIdentity(a) ? b : a;
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), "matmul (batch axes)");
  return backend().matmul(a, b, [...batch, a.shape[a.ndim - 2]!, b.shape[b.ndim - 1]!], out);
}

/** Operands of rank ≥ 2; the public `matmul` handles vectors. */
export const matmulP: Primitive<undefined> = definePrimitive<undefined>({
  name: "matmul",
  impl: ([a, b]) => matmulConcrete(a!, b!),
  jvp: ([a, b], [ta, tb]) => {
    const left = ta ? bind(matmulP, [ta, b!], undefined) : null;
    const right = tb ? bind(matmulP, [a!, tb], undefined) : null;
    return left && right ? add(left, right) : left ?? right;
  },
  vjp: (g, [a, b], _, __, needs) => [
    needs[0] ? bind(matmulP, [g, matrixTranspose(b!)], undefined) : null,
    needs[1] ? bind(matmulP, [matrixTranspose(a!), g], undefined) : null,
  ],
  taylor: ([a, b], y0, n) => seriesMul(a!, b!, n, (x, y) => bind(matmulP, [x, y], undefined), y0),
  batch: ([a, b], [da, db]) => batchMatmul(a!, b!, da ?? null, db ?? null),
  check: {
    domain: "real",
    order: 2,
    cases: [
      { shapes: [[2, 3], [3, 4]], params: undefined },
      // A column on the right: how matmul of a matrix and a vector reaches the primitive.
      { shapes: [[2, 3], [3, 1]], params: undefined },
      { shapes: [[2, 2, 3], [3, 2]], params: undefined },
      { shapes: [[1, 3, 2], [2, 2, 4]], params: undefined },
    ],
  },
});
