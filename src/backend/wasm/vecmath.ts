/**
 * The JavaScript half of the wasm transcendentals: compiles the modules of vecmath-module.ts
 * over one shared memory and maps arrays through them a block at a time — copy a block in
 * (TypedArray.set), map it in place, copy it out — so the memory never grows and each block
 * stays in cache between the three passes.
 */
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { compile, unaryExpression } from "../reference/elementwise.js";
import { VECMATH_KERNELS, VECMATH_MODULES, type VecmathKernel, vecmathModuleBytes } from "./vecmath-module.js";

/** Elements per pass: 32 KiB of float64, within L1 or L2 on every machine that runs nabla. */
const BLOCK = 4096;
const PAGE = 65536;

/** A generated loop: maps `pairs` two-element vectors from byte address src to dst. */
type VecmathLoop = (src: number, dst: number, pairs: number, float32: number) => void;

/** The scalar formula of a kernel, for the lanes its vector path does not cover. */
export type ScalarKernel = (x: number) => number;

/** Whether a unary kernel has a SIMD implementation in the wasm backend. */
export function isVecmathKernel(op: string): op is VecmathKernel {
  return (VECMATH_KERNELS as readonly string[]).includes(op);
}

/** The reference backend's formula of each kernel, as a function of one number. */
export function referenceScalars(): Record<VecmathKernel, ScalarKernel> {
  const scalars = {} as Record<VecmathKernel, ScalarKernel>;
  for (const name of VECMATH_KERNELS) scalars[name] = compile<ScalarKernel>("x", `return ${unaryExpression(name, "x")};`);
  return scalars;
}

/** The compiled transcendental kernels and the one memory they work in. */
export class WasmVectorMath {
  private readonly loops = new Map<VecmathKernel, VecmathLoop>();
  private readonly views: Record<DType, TypedArray>;

  /** Compiles synchronously (each module is under 4 KB); `scalars` supplies the fallbacks. */
  constructor(scalars: Record<VecmathKernel, ScalarKernel> = referenceScalars()) {
    const memory = new WebAssembly.Memory({ initial: Math.ceil((BLOCK * 8 + 16) / PAGE) });
    this.views = { float64: new Float64Array(memory.buffer), float32: new Float32Array(memory.buffer) };
    for (const module of VECMATH_MODULES) {
      const env: Record<string, WebAssembly.ImportValue> = { memory };
      for (const name of module) env[name] = scalars[name];
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(vecmathModuleBytes(module)), { env });
      for (const name of module) this.loops.set(name, exports[name] as VecmathLoop);
    }
  }

  /** out[oo + i] = kernel(x[xo + i]) for i < n; `x` and `out` are arrays of `dtype`. */
  run(kernel: VecmathKernel, dtype: DType, x: TypedArray, xo: number, out: TypedArray, oo: number, n: number): void {
    const loop = this.loops.get(kernel)!;
    const view = this.views[dtype];
    const float32 = dtype === "float32" ? 1 : 0;
    for (let i = 0; i < n; i += BLOCK) {
      const len = Math.min(BLOCK, n - i);
      view.set(x.subarray(xo + i, xo + i + len), 0);
      loop(0, 0, (len + 1) >> 1, float32);
      out.set(view.subarray(0, len), oo + i);
    }
  }
}
