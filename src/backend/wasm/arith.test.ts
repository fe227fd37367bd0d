/**
 * The wasm arithmetic and sums (arith-module.ts, arith.ts) on what the contract test
 * (test/backends.test.ts) does not reach: lengths across blocks with a partial vector at the
 * end, a repeated operand on either side, column sums wider than a block (the memory grows),
 * and bit-for-bit agreement with the reference where the order of operations is the same.
 */
import { describe, expect, test } from "vitest";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { ArrayTensor } from "../../tensor/tensor.js";
import { referenceBackend as ref } from "../reference/index.js";
import { ARITH_KERNELS, EXACT_UNARY_KERNELS, arithModuleBytes } from "./arith-module.js";
import { WasmArith } from "./arith.js";

const arith = new WasmArith();
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0];

function values(dtype: DType, n: number, seed: number): TypedArray {
  const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    out[i] = i % 31 === 4 ? SPECIALS[(i / 31) % SPECIALS.length | 0]! : (seed / 2 ** 32) * 6 - 3;
  }
  return out;
}

const bitwise = (got: ArrayLike<number>, want: ArrayLike<number>): boolean => Array.from(want).every((w, i) => Object.is(got[i], w));

test("the module validates and stays under 4 KB", () => {
  const bytes = arithModuleBytes();
  expect(WebAssembly.validate(bytes)).toBe(true);
  expect(bytes.length).toBeLessThan(4096);
});

describe.each(["float64", "float32"] as DType[])("%s", (dtype) => {
  const n = 2 * 4096 + 1001; // two blocks and a partial one, ending in a partial vector
  const a = values(dtype, n + 2, 1), b = values(dtype, n, 2);

  test.each(ARITH_KERNELS)("%s equals the reference bit for bit, contiguous and with a repeated operand", (kernel) => {
    const A = new ArrayTensor(a.subarray(2), [n]), B = new ArrayTensor(b, [n]);
    const layouts: [boolean, boolean][] = [[false, false], [true, false], [false, true]];
    for (const [ra, rb] of layouts) {
      const x = ra ? new ArrayTensor(a, [1], [0], 3) : A;
      const y = rb ? new ArrayTensor(b, [1], [0], 5) : B;
      const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
      arith.binary(kernel, dtype, { data: a, offset: ra ? 3 : 2, repeated: ra }, { data: b, offset: rb ? 5 : 0, repeated: rb }, out, n);
      expect(bitwise(out, ref.binary(kernel, x, y, [n]).data), `${kernel} ${ra ? "repeated" : "full"}, ${rb ? "repeated" : "full"}`).toBe(true);
    }
  });

  test.each(EXACT_UNARY_KERNELS)("%s equals the reference bit for bit", (kernel) => {
    const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    arith.unary(kernel, dtype, a, 2, out, n);
    expect(bitwise(out, ref.unary(kernel, new ArrayTensor(a.subarray(2), [n])).data)).toBe(true);
  });

  test("mulNoNan: a zero factor wins against ∞ and NaN, an underflowing product keeps its sign", () => {
    const Typed = dtype === "float64" ? Float64Array : Float32Array;
    const x = Typed.from([0, -0, Infinity, NaN, 2, 1e-30, -1e-30, NaN, 3]);
    const y = Typed.from([Infinity, NaN, 0, -0, -0, 1e-30, 1e-30, 1, Infinity]);
    const out = new Typed(x.length);
    arith.binary("mulNoNan", dtype, { data: x, offset: 0, repeated: false }, { data: y, offset: 0, repeated: false }, out, x.length);
    expect(bitwise(out, ref.binary("mulNoNan", new ArrayTensor(x, [x.length]), new ArrayTensor(y, [y.length]), [x.length]).data)).toBe(true);
    expect(Object.is(out[0], 0) && Object.is(out[2], 0)).toBe(true);
  });

  test("sum: within the rounding bound of any order, NaN and ±∞ propagated", () => {
    const finite = values(dtype, n, 3).map((v) => (Number.isFinite(v) ? v : 1));
    const want = ref.reduce("sum", new ArrayTensor(finite, [n]), [0]).data[0]!;
    const bound = 2 * n * (dtype === "float64" ? 2 ** -53 : 2 ** -24) * Array.from(finite).reduce((s, v) => s + Math.abs(v), 0);
    expect(Math.abs(arith.sum(dtype, finite, 0, n) - want)).toBeLessThanOrEqual(bound);
    expect(arith.sum(dtype, a, 0, n)).toBeNaN();
    const infinite = dtype === "float64" ? Float64Array.of(1, Infinity, 2) : Float32Array.of(1, Infinity, 2);
    expect(arith.sum(dtype, infinite, 0, 3)).toBe(Infinity);
  });

  test("column sums equal the reference's bit for bit, narrow and wider than a block", () => {
    for (const [rows, cols] of [[301, 7], [3, 5001], [1500, 2]] as [number, number][]) {
      const x = values(dtype, rows * cols + 1, 4);
      const out = dtype === "float64" ? new Float64Array(cols) : new Float32Array(cols);
      arith.sumColumns(dtype, x, 1, rows, cols, out);
      const want = ref.reduce("sum", new ArrayTensor(x, [rows, cols], [cols, 1], 1), [0]).data;
      expect(bitwise(out, want), `${rows}×${cols}`).toBe(true);
    }
  });
});
