/**
 * The wasm backend: WebAssembly SIMD kernels, for the browser (where it is the default) and any
 * engine with WebAssembly SIMD. Its modules are generated at run time by a small emitter
 * (emitter.ts and the *-module.ts files): nothing prebuilt ships and no toolchain runs. Each
 * module is under 4 KB, so it compiles synchronously at import, even on Chrome's main thread:
 * the backend is ready as soon as nabla is imported.
 *
 * It runs in wasm: matmul (packed, register-tiled GEMM, float32 and float64; relaxed-SIMD
 * multiply-add where the engine validates it); the transcendentals exp, expm1, log, log1p,
 * sin, cos, tan, atan, tanh, sigmoid, softplus and erf (vecmath-module.ts); neg, abs, sqrt,
 * relu and step of contiguous tensors, add, sub, mul, div, maximum, minimum, mulNoNan and
 * reluGrad on contiguous operands (or one repeated value), and sums over the leading or trailing axes of a
 * contiguous tensor (arith-module.ts) — each from 1024 elements on, where the copies into and
 * out of wasm memory are repaid; and nb.jit's fused loops with a transcendental step
 * (fused.ts). Everything else (the other unary functions, pow, atan2, comparisons, broadcast
 * rows, strided views, max and min reductions, data movement) runs on the reference backend.
 */
import type { Backend, BinaryKernel, FusedLoop, FusedLoopSpec, ReduceKernel, UnaryKernel } from "../interface.js";
import { type DType, allocate, allocateUninitialized, promote } from "../../tensor/dtype.js";
import { type Shape, shapesEqual, sizeOf } from "../../tensor/shape.js";
import { ArrayTensor, isSingleValue } from "../../tensor/tensor.js";
import { forEachMatmulBatch, isOne, referenceBackend } from "../reference/index.js";
import { fusedLoop as referenceFusedLoop } from "../reference/fused.js";
import { blockedFusedLoop, hasVecmathStep } from "./fused.js";
import { WasmGemm, unitStrideLayout } from "./gemm.js";
import { V128, emitModule, op } from "./emitter.js";
import { WasmVectorMath, isVecmathKernel } from "./vecmath.js";
import { WasmArith, type Operand } from "./arith.js";
import { ARITH_KERNELS, type ArithKernel, EXACT_UNARY_KERNELS, type ExactUnaryKernel } from "./arith-module.js";

/** Below this many multiply-adds a matmul stays in JavaScript: copying in and out dominates. */
const MIN_MATMUL_WORK = 32 * 32 * 32;

/**
 * Below this many elements a transcendental stays in JavaScript: the call into wasm and the
 * copies cost about what Math.sin does on a few dozen elements, and nb.jit's fused loops
 * (which run the reference's formulas) give what the eager kernels give below it too.
 */
const MIN_VECMATH_ELEMENTS = 1024;

/**
 * Below this many elements arithmetic and sums stay in JavaScript, where a call and two
 * copies cost more than the reference's loop.
 */
const MIN_ARITH_ELEMENTS = 1024;
/** Rows shorter than this sum in JavaScript: a call into wasm per row would cost more. */
const MIN_SUM_ROW = 64;

const isArithKernel = (op: BinaryKernel): op is ArithKernel => (ARITH_KERNELS as readonly string[]).includes(op);
const isExactUnaryKernel = (op: UnaryKernel): op is ExactUnaryKernel => (EXACT_UNARY_KERNELS as readonly string[]).includes(op);

/** The WebAssembly features the backend can use, as this engine validates them. */
export interface WasmFeatures {
  readonly simd: boolean;
  readonly relaxedSimd: boolean;
}

/** The engine's WebAssembly, as far as feature detection needs it. */
export type WasmValidator = Pick<typeof WebAssembly, "validate">;

/** A one-function module whose body is `instructions` on a v128 local, for feature tests. */
function probe(instructions: number[]): Uint8Array<ArrayBuffer> {
  return emitModule([{ name: "probe", params: [], locals: [V128], body: instructions, exported: false }], 0);
}

/** Which SIMD features `wasm.validate` accepts (both false where WebAssembly is absent). */
export function detectWasmFeatures(wasm: WasmValidator | undefined = globalThis.WebAssembly): WasmFeatures {
  if (!wasm) return { simd: false, relaxedSimd: false };
  const local = [...op.localGet(0)];
  const simd = wasm.validate(probe([...local, ...local, ...op.f32x4Mul(), ...op.localSet(0)]));
  const relaxedSimd = simd && wasm.validate(probe([...local, ...local, ...local, ...op.f32x4RelaxedMadd(), ...op.localSet(0)]));
  return { simd, relaxedSimd };
}

/** The backend, or the one-line reason it cannot run here. */
export type WasmBackendResult = { readonly backend: Backend } | { readonly unavailable: string };

/**
 * Builds the wasm backend, or says why not: no WebAssembly SIMD, or compilation refused (a
 * Content-Security-Policy without 'wasm-unsafe-eval'). Never throws.
 */
export function loadWasmBackend(wasm: WasmValidator | undefined = globalThis.WebAssembly): WasmBackendResult {
  const features = detectWasmFeatures(wasm);
  if (!features.simd) return { unavailable: "this engine has no WebAssembly SIMD" };
  try {
    const gemms = {
      float32: new WasmGemm({ dtype: "float32", fma: features.relaxedSimd }),
      float64: new WasmGemm({ dtype: "float64", fma: features.relaxedSimd }),
    };
    return { backend: createWasmBackend(gemms, new WasmVectorMath(), new WasmArith()) };
  } catch (e) {
    return { unavailable: String(e instanceof Error ? e.message : e).split("\n")[0]! };
  }
}

function createWasmBackend(gemms: Record<DType, WasmGemm>, vecmath: WasmVectorMath, arith: WasmArith): Backend {
  const ref = referenceBackend;

  // Transcendentals of any layout (a view is compacted first: the kernels repay the copy);
  // neg, abs, sqrt, relu and step of contiguous tensors only (a strided copy would cost their pass).
  function unary(op: UnaryKernel, x: ArrayTensor): ArrayTensor {
    const n = sizeOf(x.shape);
    if (n < MIN_VECMATH_ELEMENTS) return ref.unary(op, x);
    if (isVecmathKernel(op)) {
      const src = ref.contiguous(x);
      const out = allocateUninitialized(x.dtype, n);
      vecmath.run(op, x.dtype, src.data, src.offset, out, 0, n);
      return new ArrayTensor(out, x.shape);
    }
    if (!isExactUnaryKernel(op) || !x.contiguous) return ref.unary(op, x);
    const out = allocateUninitialized(x.dtype, n);
    arith.unary(op, x.dtype, x.data, x.offset, out, n);
    return new ArrayTensor(out, x.shape);
  }

  // Contiguous operands of one dtype, or one repeated value beside a contiguous one; other
  // layouts (broadcast rows, strided views) and mixed dtypes stay in the reference's loops.
  function binary(op: BinaryKernel, a: ArrayTensor, b: ArrayTensor, outShape: Shape): ArrayTensor {
    const n = sizeOf(outShape);
    if (n < MIN_ARITH_ELEMENTS || a.dtype !== b.dtype || !isArithKernel(op)) return ref.binary(op, a, b, outShape);
    if ((op === "mul" || op === "mulNoNan") && ((isOne(a) && shapesEqual(b.shape, outShape)) || (isOne(b) && shapesEqual(a.shape, outShape)))) {
      return ref.binary(op, a, b, outShape); // the reference returns the other operand, no pass
    }
    const operand = (t: ArrayTensor): Operand | undefined =>
      t.contiguous && sizeOf(t.shape) === n ? { data: t.data, offset: t.offset, repeated: false }
      : isSingleValue(t) ? { data: t.data, offset: t.offset, repeated: true } : undefined;
    const [oa, ob] = [operand(a), operand(b)];
    if (!oa || !ob || (oa.repeated && ob.repeated)) return ref.binary(op, a, b, outShape);
    const out = allocateUninitialized(a.dtype, n);
    arith.binary(op, a.dtype, oa, ob, out, n);
    return new ArrayTensor(out, outShape);
  }

  // Sums of a contiguous tensor over its leading axes (a bias gradient: column sums, in the
  // reference's order) or its trailing ones (row sums); max, min and other layouts stay in
  // the reference's loops.
  function reduce(op: ReduceKernel, x: ArrayTensor, axes: readonly number[]): ArrayTensor {
    const n = sizeOf(x.shape);
    if (op !== "sum" || n < MIN_ARITH_ELEMENTS || !x.contiguous || axes.length === 0) return ref.reduce(op, x, axes);
    const leading = axes.every((axis, i) => axis === i);
    const trailing = axes.every((axis, i) => axis === x.ndim - axes.length + i);
    const outShape = x.shape.filter((_, i) => !axes.includes(i));
    const kept = sizeOf(outShape);
    const out = allocateUninitialized(x.dtype, kept);
    if (leading && kept > 1) {
      if (!arith.sumColumns(x.dtype, x.data, x.offset, n / kept, kept, out)) return ref.reduce(op, x, axes);
    } else if (trailing && n / kept >= MIN_SUM_ROW) {
      const len = n / kept;
      for (let r = 0; r < kept; r++) out[r] = arith.sum(x.dtype, x.data, x.offset + r * len, len);
    } else return ref.reduce(op, x, axes);
    return new ArrayTensor(out, outShape);
  }

  // Loops as long as the eager kernels' hand-off run their transcendentals in wasm too, so
  // that a compiled function gives what the eager one gives.
  function fusedLoop(spec: FusedLoopSpec): FusedLoop {
    const small = referenceFusedLoop(spec);
    if (!hasVecmathStep(spec)) return small;
    const blocked = blockedFusedLoop(spec, vecmath);
    return (data, offsets, maps, outputs, sums, n) => (n < MIN_VECMATH_ELEMENTS ? small : blocked)(data, offsets, maps, outputs, sums, n);
  }

  function matmul(a: ArrayTensor, b: ArrayTensor, outShape: Shape): ArrayTensor {
    const rank = outShape.length;
    const m = outShape[rank - 2]!;
    const n = outShape[rank - 1]!;
    const k = a.shape[a.ndim - 1]!;
    // Matrix-vector products are memory-bound and the reference's GEMV already streams them.
    if (m * n * k < MIN_MATMUL_WORK || n === 1) return ref.matmul(a, b, outShape);
    const dtype = promote(a.dtype, b.dtype);
    // The kernels read a matrix with one unit stride in place; anything else is compacted.
    const prepare = (t: ArrayTensor): ArrayTensor => {
      const cast = t.dtype === dtype ? t : ref.cast(t, dtype);
      return unitStrideLayout(cast.strides[cast.ndim - 2]!, cast.strides[cast.ndim - 1]!) ? cast : ref.contiguous(cast);
    };
    const ca = prepare(a);
    const cb = prepare(b);
    const batchShape = outShape.slice(0, rank - 2);
    const out = allocate(dtype, sizeOf(batchShape) * m * n);
    const [ars, acs] = [ca.strides[ca.ndim - 2]!, ca.strides[ca.ndim - 1]!];
    const [brs, bcs] = [cb.strides[cb.ndim - 2]!, cb.strides[cb.ndim - 1]!];
    const done = forEachMatmulBatch(ca, cb, batchShape, (ao, bo, t) => gemms[dtype].run(ca.data, ao, ars, acs, cb.data, bo, brs, bcs, out, t * m * n, m, k, n));
    if (!done) return ref.matmul(a, b, outShape);
    return new ArrayTensor(out, outShape);
  }

  return { ...ref, name: "wasm", unary, binary, reduce, fusedLoop, matmul };
}
