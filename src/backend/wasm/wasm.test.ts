/**
 * The wasm backend's parts: the emitter's encodings against the bytes the WebAssembly spec
 * gives, the generated modules (they validate, and stay under Chrome's 4 KB limit for
 * synchronous compilation on the main thread), the GEMM driver on the layouts and blockings
 * the contract test (test/backends.test.ts) does not reach, and the fallback when SIMD is
 * missing.
 */
import { describe, expect, test } from "vitest";
import type { DType } from "../../tensor/dtype.js";
import { I32, emitModule, op, signedLeb128, unsignedLeb128 } from "./emitter.js";
import { gemmModuleBytes } from "./gemm-module.js";
import { WasmGemm } from "./gemm.js";
import { detectWasmFeatures, loadWasmBackend } from "./index.js";

describe("LEB128", () => {
  // Examples from the LEB128 article and the spec's i32 encodings.
  test("unsigned", () => {
    expect(unsignedLeb128(0)).toEqual([0x00]);
    expect(unsignedLeb128(127)).toEqual([0x7f]);
    expect(unsignedLeb128(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb128(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => unsignedLeb128(-1)).toThrow(/not a u32/);
  });

  test("signed", () => {
    expect(signedLeb128(0)).toEqual([0x00]);
    expect(signedLeb128(-1)).toEqual([0x7f]);
    expect(signedLeb128(63)).toEqual([0x3f]);
    expect(signedLeb128(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb128(-64)).toEqual([0x40]);
    expect(signedLeb128(-65)).toEqual([0xbf, 0x7f]);
    expect(signedLeb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb128(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
    expect(() => signedLeb128(2 ** 31)).toThrow(/not an i32/);
  });

  test("SIMD opcodes past 127 take two bytes after the prefix", () => {
    expect(op.f32x4Mul()).toEqual([0xfd, 0xe6, 0x01]);
    expect(op.f32x4RelaxedMadd()).toEqual([0xfd, 0x85, 0x02]);
  });
});

describe("emitted modules", () => {
  test("a module with one exported function runs", () => {
    // add3(x) stores x + 3 at address 0.
    const body = [...op.i32Const(0), ...op.localGet(0), ...op.i32Const(3), ...op.i32Add(), 0x36, 2, 0]; // i32.store align=4 offset=0
    const bytes = emitModule([{ name: "add3", params: [I32], locals: [], body, exported: true }], 1);
    expect([...bytes.slice(0, 8)]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    (exports["add3"] as (x: number) => void)(39);
    expect(new Int32Array((exports["memory"] as WebAssembly.Memory).buffer)[0]).toBe(42);
  });

  test.each(["float32", "float64"] as DType[])("the %s GEMM modules validate and stay under 4 KB", (dtype) => {
    const plain = gemmModuleBytes({ dtype, fma: false });
    expect(WebAssembly.validate(plain)).toBe(true);
    expect(plain.length).toBeLessThan(4096);
    const fused = gemmModuleBytes({ dtype, fma: true });
    expect(fused.length).toBeLessThan(4096);
    // Relaxed SIMD validates exactly where feature detection says it does.
    expect(WebAssembly.validate(fused)).toBe(detectWasmFeatures().relaxedSimd);
  });
});

describe.each(["float32", "float64"] as DType[])("the %s GEMM driver against a naive product", (dtype) => {
  const gemm = new WasmGemm({ dtype, fma: false });
  const Typed = dtype === "float64" ? Float64Array : Float32Array;
  let seed = 7;
  const random = (n: number): Float64Array | Float32Array => {
    const out = new Typed(n);
    for (let i = 0; i < n; i++) out[i] = ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    return out;
  };
  const u = dtype === "float64" ? 2 ** -53 : 2 ** -24;

  // n > 2048 crosses a column block of packed B; k > 256 a block of the shared dimension.
  test.each([[5, 300, 2100], [9, 513, 13], [4, 8, 8]])("%i×%i·×%i, A and B each row- and column-major", (m, k, n) => {
    for (const aColumnMajor of [false, true]) {
      for (const bColumnMajor of [false, true]) {
        const a = random(m * k + 3), b = random(k * n + 5);
        const [ars, acs] = aColumnMajor ? [1, m] : [k, 1];
        const [brs, bcs] = bColumnMajor ? [1, k] : [n, 1];
        const out = new Typed(m * n);
        expect(gemm.run(a, 3, ars, acs, b, 5, brs, bcs, out, 0, m, k, n)).toBe(true);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let sum = 0, bound = 0;
            for (let p = 0; p < k; p++) {
              sum += a[3 + i * ars + p * acs]! * b[5 + p * brs + j * bcs]!;
              bound += Math.abs(a[3 + i * ars + p * acs]! * b[5 + p * brs + j * bcs]!);
            }
            expect(Math.abs(out[i * n + j]! - sum)).toBeLessThanOrEqual(2 * k * u * bound);
          }
        }
      }
    }
  });

  test("what an earlier product left in memory does not reach the next one", () => {
    // NaN operands fill the module's memory; the padding rows and columns of the next,
    // smaller product read it, and must keep it out of the result.
    const big = new Typed(64 * 64).fill(NaN);
    gemm.run(big, 0, 64, 1, big, 0, 64, 1, new Typed(64 * 64), 0, 64, 64, 64);
    const out = new Typed(5 * 7);
    gemm.run(new Typed(5 * 3).fill(1), 0, 3, 1, new Typed(3 * 7).fill(2), 0, 7, 1, out, 0, 5, 3, 7);
    expect([...out]).toEqual(new Array(35).fill(6));
  });
});

describe("fallback", () => {
  test("without SIMD there is no backend, and a reason for the notice", () => {
    const noSimd = { validate: (): boolean => false };
    expect(detectWasmFeatures(noSimd)).toEqual({ simd: false, relaxedSimd: false });
    expect(loadWasmBackend(noSimd)).toEqual({ unavailable: "this engine has no WebAssembly SIMD" });
  });

  test("with SIMD, a backend named wasm", () => {
    const loaded = loadWasmBackend();
    expect("backend" in loaded && loaded.backend.name).toBe("wasm");
  });
});
