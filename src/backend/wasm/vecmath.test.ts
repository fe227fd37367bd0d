/**
 * The wasm backend's transcendental kernels (vecmath-module.ts) against correctly rounded
 * values: float64 within 2 ulp, float32 within 1 ulp, over each function's whole domain
 * including subnormals, ±0, ±∞, NaN, over- and underflow thresholds and the doubles closest to
 * multiples of π/2 — the same references as the native kernels' test
 * (../native/vecmath-reference.json, mpmath at 1200 bits, scripts/vecmath-reference.py).
 *
 * Lanes outside a kernel's vector range run the reference's scalar formula (V8's Math
 * functions); for sin, cos and tan at |x| ≥ 1.6e6 that is V8's own argument reduction,
 * checked here to the same 16 ulp the native test allows libm there.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { ulpError } from "../../../test/ulp.js";
import type { DType } from "../../tensor/dtype.js";
import { VECMATH_KERNELS, VECMATH_MODULES, type VecmathKernel, vecmathModuleBytes } from "./vecmath-module.js";
import { WasmVectorMath } from "./vecmath.js";

interface Cases {
  x: string[];
  y: string[];
}
const referencePath = fileURLToPath(new URL("../native/vecmath-reference.json", import.meta.url));
const reference = JSON.parse(readFileSync(referencePath, "utf8")) as { functions: Record<string, Record<DType, Cases>> };


const vecmath = new WasmVectorMath();
const typed = (dtype: DType, n: number): Float64Array | Float32Array => (dtype === "float64" ? new Float64Array(n) : new Float32Array(n));

/** Where a kernel hands lanes to V8's Math functions, whose reduction is not ours to bound at 2 ulp. */
const toScalar = (name: string, x: number): boolean => ["sin", "cos", "tan"].includes(name) && Math.abs(x) >= 1.6e6;

describe("wasm vector math kernels", () => {
  test.each(VECMATH_KERNELS.flatMap((name) => (["float64", "float32"] as DType[]).map((dtype): [VecmathKernel, DType] => [name, dtype])))(
    "%s, %s: within 2 ulp (float64) or 1 ulp (float32) of the correctly rounded result", (name, dtype) => {
      const { x, y } = reference.functions[name]![dtype];
      const input = typed(dtype, x.length);
      input.set(x.map(Number));
      const out = typed(dtype, x.length);
      vecmath.run(name, dtype, input, 0, out, 0, x.length);
      let worst = 0, worstScalar = 0, at = "";
      for (let i = 0; i < x.length; i++) {
        const want = dtype === "float32" ? Math.fround(Number(y[i])) : Number(y[i]);
        const e = ulpError(out[i]!, want, dtype === "float32");
        if (toScalar(name, input[i]!)) worstScalar = Math.max(worstScalar, e);
        else if (e > worst) [worst, at] = [e, `x = ${x[i]}: ${out[i]} against ${want}`];
      }
      expect(worst, at).toBeLessThanOrEqual(dtype === "float64" ? 2 : 1);
      expect(worstScalar).toBeLessThanOrEqual(16);
    },
  );

  test("offsets, odd lengths, in place and across blocks agree with a fresh contiguous run", () => {
    const n = 9001; // two blocks of 4096 and a partial one, ending in half a vector
    for (const dtype of ["float64", "float32"] as DType[]) {
      const x = typed(dtype, n + 3);
      for (let i = 0; i < x.length; i++) x[i] = Math.sin(i) * 30; // some lanes past exp's fast range
      x[5000] = NaN;
      x[5001] = -Infinity;
      const whole = typed(dtype, n);
      vecmath.run("sigmoid", dtype, x.slice(3), 0, whole, 0, n);
      const shifted = typed(dtype, n + 5).fill(7);
      vecmath.run("sigmoid", dtype, x, 3, shifted, 5, n);
      expect(Array.from(shifted.subarray(5))).toEqual(Array.from(whole));
      expect(Array.from(shifted.subarray(0, 5))).toEqual([7, 7, 7, 7, 7]);
      const inPlace = x.slice(3);
      vecmath.run("sigmoid", dtype, inPlace, 0, inPlace, 0, n);
      expect(Array.from(inPlace)).toEqual(Array.from(whole));
      expect(Number.isNaN(whole[4997]!)).toBe(true);
      expect(whole[4998]).toBe(0);
    }
  });

  test("each module validates and stays under 4 KB (synchronous compilation on Chrome's main thread)", () => {
    for (const module of VECMATH_MODULES) {
      const bytes = vecmathModuleBytes(module);
      expect(WebAssembly.validate(bytes), module.join(", ")).toBe(true);
      expect(bytes.length, module.join(", ")).toBeLessThan(4096);
    }
  });
});
