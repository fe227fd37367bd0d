/**
 * The wasm backend's blocked fused loop against the wasm backend's own eager kernels, step
 * by step: a chain with transcendentals on every kind of operand (full, scalar, indexed),
 * mixed dtypes, `where`, stores and sums must give the same bits, over a length that crosses
 * blocks and ends in a partial one.
 */
import { expect, test } from "vitest";
import type { Backend, FusedLoopSpec } from "../interface.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { ArrayTensor } from "../../tensor/tensor.js";
import { loadWasmBackend } from "./index.js";

const loaded = loadWasmBackend();
const wasm = "backend" in loaded ? loaded.backend : undefined;

function values(dtype: DType, n: number, seed: number): TypedArray {
  const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    out[i] = i % 97 === 5 ? [NaN, Infinity, -0, 800][(i / 97) % 4 | 0]! : (seed / 2 ** 32) * 8 - 4;
  }
  return out;
}

test.runIf(wasm !== undefined).each(["float64", "float32"] as DType[])("a blocked chain equals the eager kernels bit for bit, %s", (dtype) => {
  const be = wasm as Backend;
  const other: DType = dtype === "float64" ? "float32" : "float64";
  const n = 2 * 1024 + 333;
  const x = values(dtype, n, 1), y = values(other, n, 2), s = values(dtype, 1, 3), row = values(dtype, 7, 4);
  const map = Int32Array.from({ length: n }, (_, i) => (i * 5) % 7);
  const spec: FusedLoopSpec = {
    operands: [{ dtype, access: "full" }, { dtype: other, access: "full" }, { dtype, access: "scalar" }, { dtype, access: "indexed" }],
    steps: [
      { op: "unary", kernel: "sin", x: 0, dtype }, // 4
      { op: "binary", kernel: "mul", x: 4, y: 1, dtype: "float64" }, // 5
      { op: "binary", kernel: "greater", x: 0, y: 3, dtype }, // 6
      { op: "where", cond: 6, x: 5, y: 2, dtype: "float64" }, // 7
      { op: "unary", kernel: "exp", x: 7, dtype: "float64" }, // 8
      { op: "unary", kernel: "tanh", x: 3, dtype }, // 9
      { op: "binary", kernel: "add", x: 9, y: 2, dtype }, // 10
      { op: "unary", kernel: "log1p", x: 0, dtype }, // 11
    ],
    stores: [8, 10, 11],
    sums: [5, 9],
  };
  const outputs = spec.stores.map((v) => (spec.steps[v - 4]!.dtype === "float64" ? new Float64Array(n) : new Float32Array(n)));
  const sums = new Float64Array(2);
  be.fusedLoop(spec)([x, y, s, row], [0, 0, 0, 0], [null, null, null, map], outputs, sums, n);

  // The same chain, one eager kernel after another over whole tensors.
  const X = new ArrayTensor(x, [n]), Y = new ArrayTensor(y, [n]), S = new ArrayTensor(s, [1]);
  const R = new ArrayTensor(Float64Array.from(map, (j) => row[j]!), [n]);
  const Rd = be.cast(R, dtype);
  const v4 = be.unary("sin", X);
  const v5 = be.binary("mul", v4, Y, [n]);
  const v7 = be.where(be.binary("greater", X, Rd, [n]), v5, S, [n]);
  const v8 = be.unary("exp", v7);
  const v9 = be.unary("tanh", Rd);
  const v10 = be.binary("add", v9, S, [n]);
  const v11 = be.unary("log1p", X);
  const same = (got: ArrayLike<number>, want: ArrayLike<number>): boolean => Array.from(want).every((w, i) => Object.is(got[i], w));
  [v8, v10, v11].forEach((want, j) => expect(same(outputs[j]!, want.data), `store ${j}`).toBe(true));
  const inOrder = (t: ArrayTensor): number => Array.from(t.data).reduce((a, b) => a + b, 0);
  expect([...sums]).toEqual([inOrder(v5), inOrder(v9)]);
});
