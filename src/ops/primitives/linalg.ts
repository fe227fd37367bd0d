/** matmul: the one linear-algebra primitive this layer needs; batch axes broadcast as in NumPy. */
import { type Primitive, definePrimitive } from "../core.js";
import { seriesMul } from "../series.js";
import { backend } from "../../backend/registry.js";
import { NablaError } from "../../tensor/errors.js";
import { broadcastShapes, formatShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { add } from "./elementwise.js";
import { transpose } from "./shape.js";
import { bind } from "../core.js";

/** Swaps the last two axes. */
export function matrixTranspose(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[x.ndim - 2] = x.ndim - 1;
  perm[x.ndim - 1] = x.ndim - 2;
  return transpose(x, perm);
}

/** Operands of rank ≥ 2; the public `matmul` handles vectors. */
export const matmulP: Primitive<undefined> = definePrimitive<undefined>({
  name: "matmul",
  impl: ([a, b]) => {
    const k = a!.shape[a!.ndim - 1]!;
    if (b!.shape[b!.ndim - 2] !== k) {
      throw new NablaError(
        `matmul: shapes ${formatShape(a!.shape)} and ${formatShape(b!.shape)} are not aligned: ` +
          `${k} (last axis of the first) ≠ ${b!.shape[b!.ndim - 2]} (second-to-last of the second)`,
      );
    }
    const batch = broadcastShapes(a!.shape.slice(0, -2), b!.shape.slice(0, -2), "matmul (batch axes)");
    return backend().matmul(a!, b!, [...batch, a!.shape[a!.ndim - 2]!, b!.shape[b!.ndim - 1]!]);
  },
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
  check: {
    domain: "real",
    order: 2,
    cases: [
      { shapes: [[2, 3], [3, 4]], params: undefined },
      { shapes: [[2, 2, 3], [3, 2]], params: undefined },
      { shapes: [[1, 3, 2], [2, 2, 4]], params: undefined },
    ],
  },
});
