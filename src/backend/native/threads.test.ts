/**
 * The native backend splits long loops across its worker pool (native/src/elementwise.cc):
 * every result must be the same bits whatever the thread count — elementwise ops because each
 * element is computed alone, sums because they add fixed chunks in a fixed order. Each kernel
 * runs on one thread and on three (more shares than this machine may have cores, so uneven
 * and queued shares run too), on odd sizes above the splitting thresholds (2¹⁴ elements for
 * transcendentals, 2¹⁷ for cheap ops and reductions). Agreement with the reference backend is
 * test/backends.test.ts's job; this file checks only that threads change nothing, and that a
 * fused loop's sum is the eager sum's bits.
 */
import { afterAll, describe, expect, test } from "vitest";
import "../../node.js";
import { registeredBackends } from "../registry.js";
import { BINARY_KERNELS, type Backend, type FusedLoopSpec, REDUCE_KERNELS, UNARY_KERNELS } from "../interface.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { ArrayTensor } from "../../tensor/tensor.js";
import { setNativeThreads } from "./index.js";

const native = registeredBackends().find((b) => b.name === "native");

/** Values in (−4, 4) from a fixed linear congruential sequence, every 31st a special value. */
function data(shape: Shape, dtype: DType, seed: number): ArrayTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  const specials = [0, -0, NaN, Infinity, -Infinity, 1, -1];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 31 === 5 ? specials[(i / 31) % specials.length | 0]! : (s / 2 ** 32) * 8 - 4;
  }
  return new ArrayTensor(out, shape);
}

/** The raw bytes, so that NaN payloads and signed zeros count too. */
const bytes = (x: ArrayTensor | TypedArray): Buffer => {
  const a = x instanceof ArrayTensor ? x.contiguousData(false) : x;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
};

/** f's result on one thread and on three, as raw bytes. */
function oneAndThree(f: () => ArrayTensor | TypedArray): [Buffer, Buffer] {
  setNativeThreads(1);
  const one = Buffer.from(bytes(f()));
  setNativeThreads(3);
  return [one, Buffer.from(bytes(f()))];
}

describe.runIf(native !== undefined)("native loops give the same bits on any number of threads", () => {
  const be = native as Backend;
  const previous = native ? setNativeThreads(1) : 1;
  afterAll(() => {
    setNativeThreads(previous);
  });

  test.each(["float64", "float32"] as DType[])("unary and binary kernels, %s", (dtype) => {
    const x = data([140001], dtype, 1), y = data([140001], dtype, 2), s = data([1], dtype, 3);
    for (const op of UNARY_KERNELS) {
      const [one, three] = oneAndThree(() => be.unary(op, x));
      expect(one.equals(three), `unary ${op}`).toBe(true);
    }
    for (const op of BINARY_KERNELS) {
      for (const [layout, a, b] of [["full", x, y], ["scalar right", x, s], ["scalar left", s, y]] as const) {
        const [one, three] = oneAndThree(() => be.binary(op, a, b, [140001]));
        expect(one.equals(three), `binary ${op}, ${layout}`).toBe(true);
      }
    }
  });

  test.each(["float64", "float32"] as DType[])("reductions over rows, columns and everything, %s", (dtype) => {
    for (const shape of [[300007], [3, 70001], [70001, 3], [1031, 257]] as Shape[]) {
      const x = data(shape, dtype, 4);
      const axesSets = shape.length === 1 ? [[0]] : [[0], [1], [0, 1]];
      for (const op of REDUCE_KERNELS) {
        for (const axes of axesSets) {
          const [one, three] = oneAndThree(() => be.reduce(op, x, axes));
          expect(one.equals(three), `${op} over [${axes}] of [${shape}]`).toBe(true);
        }
      }
    }
  });

  test("many short threaded loops in a row, with more threads than cores", () => {
    // Shares that no worker has started when the caller finishes are withdrawn (addon.cc's
    // pool): run that path thousands of times, where a race would crash, hang or corrupt.
    const x = data([20011], "float64", 7);
    setNativeThreads(1);
    const want = Buffer.from(bytes(be.unary("exp", x)));
    setNativeThreads(4);
    for (let i = 0; i < 2000; i++) {
      const got = bytes(be.unary("exp", x));
      if (!got.equals(want)) expect.fail(`call ${i} differs from the one-thread result`);
    }
  });

  test.each(["float64", "float32"] as DType[])("a fused loop with stores and a sum, %s", (dtype) => {
    const n = 100003;
    const x = data([n], dtype, 5), y = data([n], dtype, 6);
    // tanh(x)·y + x, stored, and summed along with exp(y).
    const spec: FusedLoopSpec = {
      operands: [{ dtype, access: "full" }, { dtype, access: "full" }],
      steps: [
        { op: "unary", kernel: "tanh", x: 0, dtype }, { op: "binary", kernel: "mul", x: 2, y: 1, dtype },
        { op: "binary", kernel: "add", x: 3, y: 0, dtype }, { op: "unary", kernel: "exp", x: 1, dtype },
      ],
      stores: [4],
      sums: [4, 5],
    };
    const loop = be.fusedLoop(spec);
    const run = (): Float64Array => {
      const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
      const sums = new Float64Array(2);
      loop([x.data, y.data], [0, 0], [null, null], [out], sums, n);
      return Float64Array.from([...out, ...sums]);
    };
    const [one, three] = oneAndThree(run);
    expect(one.equals(three)).toBe(true);
    // And a fused sum adds as the eager sum does, so nb.jit does not change it.
    const all = run();
    const stored = new ArrayTensor(dtype === "float64" ? all.slice(0, n) : Float32Array.from(all.slice(0, n)), [n]);
    const eager = be.reduce("sum", stored, [0]).contiguousData(false)[0]!;
    expect(dtype === "float64" ? all[n]! : Math.fround(all[n]!)).toBe(eager);
  });
});
