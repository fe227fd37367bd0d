/**
 * The one primitive behind `nb.random` (../random.ts): from each key [2], new keys (split,
 * foldIn) or a draw (uniform, normal), by Threefry-2x32 (../../tensor/threefry.ts).
 */
import { type CheckCase, type Primitive, bind, definePrimitive } from "../core.js";
import { moveAxis } from "../batching.js";
import { type DType, allocate } from "../../tensor/dtype.js";
import { type Shape, sizeOf } from "../../tensor/shape.js";
import { ArrayTensor } from "../../tensor/tensor.js";
import { randomWords, seedWords, threefry2x32, uniform24, uniform53 } from "../../tensor/threefry.js";

/** What the random primitive computes from each key [2]: new keys or a draw of `shape`. */
export type RandomParams =
  | { kind: "split"; count: number }
  | { kind: "foldIn"; data: number }
  | { kind: "uniform" | "normal"; shape: Shape; dtype: DType };

/** The shape one key's result has. */
function resultShape(params: RandomParams): Shape {
  return params.kind === "split" ? [params.count, 2] : params.kind === "foldIn" ? [2] : params.shape;
}

/** Writes one key's result to out[at …]. */
function fillFromKey(k0: number, k1: number, params: RandomParams, out: Float64Array | Float32Array, at: number): void {
  if (params.kind === "foldIn") {
    const pair = new Uint32Array(2);
    // JAX: threefry_2x32(key, threefry_seed(data)), the seed of data being [0, data].
    threefry2x32(k0, k1, ...seedWords(params.data), pair);
    out.set(pair, at);
    return;
  }
  if (params.kind === "split") {
    out.set(randomWords(k0, k1, 2 * params.count), at);
    return;
  }
  const n = sizeOf(params.shape);
  // Words per element: a float64 uniform takes 53 bits (two words), a float32 one 24 (one);
  // a normal takes two uniforms (Box–Muller). Element i reads words i, n + i, 2n + i, …
  const perUniform = params.dtype === "float64" ? 2 : 1;
  const w = randomWords(k0, k1, n * perUniform * (params.kind === "normal" ? 2 : 1));
  const u = (i: number, j: number): number => (perUniform === 2 ? uniform53(w[(2 * j) * n + i]!, w[(2 * j + 1) * n + i]!) : uniform24(w[j * n + i]!));
  for (let i = 0; i < n; i++) {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    out[at + i] = params.kind === "uniform" ? u(i, 0) : Math.sqrt(-2 * Math.log(1 - u(i, 0))) * Math.cos(2 * Math.PI * u(i, 1));
  }
}

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

