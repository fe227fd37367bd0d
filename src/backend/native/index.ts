/**
 * The native backend: C++ kernels (native/src) built at `npm install` into a Node addon.
 * Its Cholesky, LU, triangular solves and condition estimate come from ./linalg.ts.
 * Node-only: this module imports node:module, so only the Node entry (src/node.ts) reaches
 * it and browser bundles never do.
 *
 * It accelerates matmul (packed AVX-512/AVX2 GEMM, a second thread for large products),
 * elementwise unary and binary ops, reductions and nb.jit's fused loops (long ones split
 * across the same threads); the remaining kernels (where, cast, pad,
 * concat, gather, scatterAdd, contiguous) move memory rather than compute, and it delegates
 * them, and every op too small to repay a call into C++, to the reference backend.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type Backend, BINARY_KERNELS, type BinaryKernel, type FusedLoop, type FusedLoopSpec, REDUCE_KERNELS, type ReduceKernel, UNARY_KERNELS, type UnaryKernel } from "../interface.js";
import { fusedLoop as referenceFusedLoop } from "../reference/fused.js";
import { type TypedArray, allocateUninitialized, promote } from "../../tensor/dtype.js";
import { type Shape, shapesEqual, sizeOf } from "../../tensor/shape.js";
import { ArrayTensor, isSingleValue } from "../../tensor/tensor.js";
import { broadcastStrides, forEachMatmulBatch, forEachRow, isOne, referenceBackend } from "../reference/index.js";
import { type NativeLinalgAddon, nativeLinalgKernels } from "./linalg.js";
import { type NativeSpectralAddon, nativeSpectralKernels } from "./spectral.js";

/** The addon's exports (native/src/addon.cc). Offsets and strides count elements. */
interface NativeAddon extends Partial<NativeLinalgAddon>, Partial<NativeSpectralAddon> {
  readonly isa: string;
  readonly maxThreads: number;
  readonly unaryOps: readonly string[];
  readonly binaryOps: readonly string[];
  readonly reduceOps: readonly string[];
  gemm(
    a: TypedArray, ao: number, ars: number, acs: number, b: TypedArray, bo: number, brs: number, bcs: number,
    c: TypedArray, co: number, m: number, k: number, n: number,
  ): void;
  unary(op: number, x: TypedArray, xo: number, out: TypedArray, n: number): void;
  binary(op: number, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, out: TypedArray, oo: number, n: number): void;
  /** binary over `rows` rows of n (out contiguous from 0); each input steps by its row stride. */
  binaryRows(
    op: number, a: TypedArray, ao: number, ars: number, as: number, b: TypedArray, bo: number, brs: number, bs: number,
    out: TypedArray, rows: number, n: number,
  ): void;
  reduce(op: number, x: TypedArray, xo: number, rows: number, len: number, out: TypedArray): void;
  reduceColumns(op: number, x: TypedArray, xo: number, rows: number, cols: number, out: TypedArray): void;
  /** A fused elementwise loop; `program` encodes the spec (see encodeFused). */
  fused(
    program: Int32Array, data: readonly TypedArray[], offsets: readonly number[], maps: readonly (Int32Array | null)[],
    outputs: readonly TypedArray[], sums: Float64Array, n: number,
  ): void;
  setThreads(n: number): number;
  /** Bytes from the start of `bytes` to its first 64-byte boundary. */
  lineOffset(bytes: Uint8Array): number;
}

/**
 * Below this many elements an op stays in JavaScript: a call into the addon costs about as
 * much as a reference loop over a few hundred elements.
 */
const MIN_ELEMENTS = 1024;
/** Below this many multiply-adds a matmul stays in JavaScript, for the same reason. */
const MIN_MATMUL_WORK = 4096;

/** Where `npm install` builds the addon, relative to this module in both src/ and dist/. */
export const DEFAULT_BINARY = fileURLToPath(new URL("../../../native/build/Release/nabla.node", import.meta.url));

let loaded: NativeAddon | undefined;

/**
 * Loads the addon at `path` and wraps it as a Backend named "native". Throws (with the
 * loader's reason) when the binary is missing or does not load on this machine.
 */
export function loadNativeBackend(path: string = DEFAULT_BINARY): Backend {
  const addon = createRequire(import.meta.url)(path) as NativeAddon;
  loaded = addon;
  const threads = Number(process.env["NABLA_NUM_THREADS"]);
  if (Number.isInteger(threads) && threads > 0) addon.setThreads(threads);
  return createNativeBackend(addon);
}

/**
 * `bytes` bytes of uncleared storage (Buffer.allocUnsafeSlow) that start on a 64-byte cache
 * line once the addon is loaded (only it can see the address): malloc's 16-byte alignment left
 * most vector stores of the kernels straddling two lines, and a fused loop's blocks straddling
 * rows of a broadcast bias (each block then gathered). The Node allocator
 * (src/backend/node.ts) takes large arrays from here.
 */
export function lineAlignedBytes(bytes: number): Uint8Array {
  if (!loaded) return Buffer.allocUnsafeSlow(bytes);
  const raw = Buffer.allocUnsafeSlow(bytes + 64);
  const skip = loaded.lineOffset(raw);
  return raw.subarray(skip, skip + bytes);
}

/**
 * Threads the native matmul and long elementwise, reduction and fused loops may use (the
 * machine's cores by default, or NABLA_NUM_THREADS); returns the previous count. For
 * benchmarks at a fixed thread count.
 */
export function setNativeThreads(n: number): number {
  if (!loaded) throw new Error("setNativeThreads: the native backend is not loaded");
  return loaded.setThreads(n);
}

/** The instruction set the addon chose for this CPU ("avx512", "avx2" or "generic"), if loaded. */
export function nativeIsa(): string | undefined {
  return loaded?.isa;
}

function opCodes<K extends string>(names: readonly string[], wanted: readonly K[]): Record<K, number> {
  const codes = {} as Record<K, number>;
  for (const k of wanted) {
    const code = names.indexOf(k);
    if (code < 0) throw new Error(`native addon lacks the kernel "${k}": rebuild it (npm run build:native)`);
    codes[k] = code;
  }
  return codes;
}

function createNativeBackend(addon: NativeAddon): Backend {
  const ref = referenceBackend;
  const unaryCode = opCodes<UnaryKernel>(addon.unaryOps, UNARY_KERNELS);
  const binaryCode = opCodes<BinaryKernel>(addon.binaryOps, BINARY_KERNELS);
  const reduceCode = opCodes<ReduceKernel>(addon.reduceOps, REDUCE_KERNELS);

  function unary(op: UnaryKernel, x: ArrayTensor): ArrayTensor {
    const n = sizeOf(x.shape);
    if (n < MIN_ELEMENTS) return ref.unary(op, x);
    const src = ref.contiguous(x);
    const out = allocateUninitialized(x.dtype, n);
    addon.unary(unaryCode[op], src.data, src.offset, out, n);
    return new ArrayTensor(out, x.shape);
  }

  function binary(op: BinaryKernel, a: ArrayTensor, b: ArrayTensor, outShape: Shape): ArrayTensor {
    const n = sizeOf(outShape);
    // Mixed dtypes are rare (the ops layer promotes explicitly) and small ops cheap in JS.
    if (n < MIN_ELEMENTS || a.dtype !== b.dtype) return ref.binary(op, a, b, outShape);
    if ((op === "mul" || op === "mulNoNan") && ((isOne(a) && shapesEqual(b.shape, outShape)) || (isOne(b) && shapesEqual(a.shape, outShape)))) {
      return ref.binary(op, a, b, outShape); // the reference returns the other operand, no pass
    }
    const code = binaryCode[op];
    const ca = a.contiguous && sizeOf(a.shape) === n;
    const cb = b.contiguous && sizeOf(b.shape) === n;
    const sa = ca ? 1 : isSingleValue(a) ? 0 : -1;
    const sb = cb ? 1 : isSingleValue(b) ? 0 : -1;
    if (sa >= 0 && sb >= 0 && sa + sb > 0) {
      const out = allocateUninitialized(a.dtype, n);
      addon.binary(code, a.data, a.offset, sa, b.data, b.offset, sb, out, 0, n);
      return new ArrayTensor(out, outShape);
    }
    // Broadcasting, rows read with stride 0 or 1: one call for all rows when the leading axes
    // step each input by one stride (a [256] bias against [128, 256], a [128, 1] column against
    // [128, 10]), else one call per row when rows are long.
    const stridesA = broadcastStrides(a, outShape);
    const stridesB = broadcastStrides(b, outShape);
    const inner = outShape[outShape.length - 1] ?? 1;
    const ia = stridesA[stridesA.length - 1] ?? 0;
    const ib = stridesB[stridesB.length - 1] ?? 0;
    if (ia > 1 || ib > 1) return ref.binary(op, a, b, outShape);
    const rowA = rowStride(stridesA, outShape);
    const rowB = rowStride(stridesB, outShape);
    if (rowA !== null && rowB !== null) {
      const out = allocateUninitialized(a.dtype, n);
      addon.binaryRows(code, a.data, a.offset, rowA, ia, b.data, b.offset, rowB, ib, out, n / inner, inner);
      return new ArrayTensor(out, outShape);
    }
    if (inner < 64) return ref.binary(op, a, b, outShape);
    const out = allocateUninitialized(a.dtype, n);
    forEachRow(outShape, [stridesA, stridesB], [a.offset, b.offset], (oo, [ao, bo], len) => {
      addon.binary(code, a.data, ao!, ia, b.data, bo!, ib, out, oo, len);
    });
    return new ArrayTensor(out, outShape);
  }

  /**
   * The one stride by which an input advances from each output row to the next, when its
   * broadcast strides over the output's leading axes collapse to one (null otherwise).
   */
  function rowStride(strides: readonly number[], outShape: Shape): number | null {
    const rank = outShape.length;
    if (rank < 2) return null;
    for (let ax = rank - 3; ax >= 0; ax--) {
      if (strides[ax] !== strides[ax + 1]! * outShape[ax + 1]!) return null;
    }
    return strides[rank - 2]!;
  }

  function reduce(op: ReduceKernel, x: ArrayTensor, axes: readonly number[]): ArrayTensor {
    if (sizeOf(x.shape) < MIN_ELEMENTS) return ref.reduce(op, x, axes);
    // Leading axes of a contiguous tensor (a bias gradient: the sum over the batch) reduce
    // row by row in place, with no transposed copy.
    if (x.contiguous && axes.every((a, i) => a === i)) {
      const outShape = x.shape.slice(axes.length);
      const cols = sizeOf(outShape);
      const out = allocateUninitialized(x.dtype, cols);
      addon.reduceColumns(reduceCode[op], x.data, x.offset, sizeOf(x.shape.slice(0, axes.length)), cols, out);
      return new ArrayTensor(out, outShape);
    }
    // As the reference does: move the reduced axes last (a view), so every reduction is over
    // contiguous rows, copying only when that view is not already contiguous.
    const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outShape = kept.map((i) => x.shape[i]!);
    const perm = [...kept, ...axes];
    const src = ref.contiguous(new ArrayTensor(x.data, perm.map((i) => x.shape[i]!), perm.map((i) => x.strides[i]!), x.offset));
    const rows = sizeOf(outShape);
    const out = allocateUninitialized(x.dtype, rows);
    addon.reduce(reduceCode[op], src.data, src.offset, rows, sizeOf(axes.map((i) => x.shape[i]!)), out);
    return new ArrayTensor(out, outShape);
  }

  function matmul(a: ArrayTensor, b: ArrayTensor, outShape: Shape, lent?: TypedArray): ArrayTensor {
    const rank = outShape.length;
    const m = outShape[rank - 2]!;
    const n = outShape[rank - 1]!;
    const k = a.shape[a.ndim - 1]!;
    // Matrix-vector products are memory-bound and the reference's GEMV already streams them,
    // but only a contiguous matrix: a transposed one (Aᵀ·g in every gradient of A·x) it would
    // copy first, while the GEMM reads it through its strides (4× faster at n = 200).
    if (m * n * k < MIN_MATMUL_WORK || (n === 1 && a.contiguous)) return ref.matmul(a, b, outShape);
    const dtype = promote(a.dtype, b.dtype);
    const ca = a.dtype === dtype ? a : ref.cast(a, dtype);
    const cb = b.dtype === dtype ? b : ref.cast(b, dtype);
    const batchShape = outShape.slice(0, rank - 2);
    // The kernel stores C without reading it (k ≥ 1 here: m·n·k ≥ MIN_MATMUL_WORK).
    const out = lent ?? allocateUninitialized(dtype, sizeOf(batchShape) * m * n);
    // The kernel reads each operand through its own strides (a transposed view needs no copy).
    const [ars, acs] = [ca.strides[ca.ndim - 2]!, ca.strides[ca.ndim - 1]!];
    const [brs, bcs] = [cb.strides[cb.ndim - 2]!, cb.strides[cb.ndim - 1]!];
    forEachMatmulBatch(ca, cb, batchShape, (ao, bo, t) => addon.gemm(ca.data, ao, ars, acs, cb.data, bo, brs, bcs, out, t * m * n, m, k, n));
    return new ArrayTensor(out, outShape);
  }

  const accessCode = { full: 0, scalar: 1, indexed: 2 } as const;
  /** The spec as native/src/addon.cc's Fused reads it. */
  function encodeFused(spec: FusedLoopSpec): Int32Array {
    const words = [spec.operands.length, spec.steps.length, spec.stores.length, spec.sums.length];
    for (const o of spec.operands) words.push(accessCode[o.access]);
    for (const s of spec.steps) {
      const f32 = s.dtype === "float32" ? 1 : 0;
      if (s.op === "unary") words.push(0, unaryCode[s.kernel], s.x, 0, 0, f32);
      else if (s.op === "binary") words.push(1, binaryCode[s.kernel], s.x, s.y, 0, f32);
      else words.push(2, 0, s.cond, s.x, s.y, f32);
    }
    words.push(...spec.stores, ...spec.sums);
    return Int32Array.from(words);
  }

  // The C++ loop runs the chain a block at a time with vectorised steps; short loops stay
  // in the reference's generated JavaScript, which costs no call into the addon.
  function fusedLoop(spec: FusedLoopSpec): FusedLoop {
    const program = encodeFused(spec);
    const small = referenceFusedLoop(spec);
    return (data, offsets, maps, outputs, sums, n) => {
      if (n < MIN_ELEMENTS) small(data, offsets, maps, outputs, sums, n);
      else addon.fused(program, data, offsets, maps, outputs, sums, n);
    };
  }

  return { ...ref, name: "native", unary, binary, reduce, matmul, fusedLoop, ...nativeLinalgKernels(addon), ...nativeSpectralKernels(addon) };
}
