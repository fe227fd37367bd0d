/**
 * The one primitive behind `nb.random` (../random.ts): from each key [2], new keys (split,
 * foldIn) or a draw (uniform, normal), by Threefry-2x32 (../../tensor/threefry.ts).
 */
import { type CheckCase, type Primitive, bind, definePrimitive } from "../core.js";
import { moveAxis } from "../batching.js";
import { allocate } from "../../tensor/dtype.js";
import { sizeOf } from "../../tensor/shape.js";
import { ArrayTensor } from "../../tensor/tensor.js";
import { type RandomParams, fillFromKey, resultShape } from "../../tensor/threefry.js";

export type { RandomParams } from "../../tensor/threefry.js";

const drawCases: CheckCase<RandomParams>[] = [
  { shapes: [[2]], params: { kind: "uniform", shape: [3], dtype: "float64" } },
  { shapes: [[2, 2]], params: { kind: "normal", shape: [2, 3], dtype: "float64" } },
  { shapes: [[2]], params: { kind: "normal", shape: [5], dtype: "float32" } },
  { shapes: [[2]], params: { kind: "split", count: 3 } },
  { shapes: [[3, 2]], params: { kind: "foldIn", data: 7 } },
];

/**
 * Keys [..., 2] → results [..., ...resultShape]: one result per key. Non-differentiable (a
 * draw is a constant to every derivative); a batch of keys is just more leading axes, so the
 * batching rule moves the mapped axis first.
 */
export const randomP: Primitive<RandomParams> = definePrimitive<RandomParams>({
  name: "random",
  impl: ([keys], params) => {
    const words = keys!.contiguousData(false);
    const per = sizeOf(resultShape(params));
    const count = words.length / 2;
    const dtype = params.kind === "uniform" || params.kind === "normal" ? params.dtype : "float64";
    const out = allocate(dtype, count * per, "random");
    for (let k = 0; k < count; k++) fillFromKey(words[2 * k]! >>> 0, words[2 * k + 1]! >>> 0, params, out, k * per);
    return new ArrayTensor(out, [...keys!.shape.slice(0, -1), ...resultShape(params)]);
  },
  nondifferentiable: true,
  batch: ([keys], [axis], params) => [bind(randomP, [moveAxis(keys!, axis!, 0)], params), 0],
  check: { domain: "real", order: 1, cases: drawCases },
});

