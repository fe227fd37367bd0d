/**
 * The JavaScript half of the wasm arithmetic and sums (arith-module.ts): operands are copied
 * into the module's memory a block at a time (TypedArray.set), computed there and copied out,
 * so the memory stays small and each block stays in cache between the passes.
 */
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { type ArithKernel, type ExactUnaryKernel, arithModuleBytes } from "./arith-module.js";

/** Elements per block of a binary op: three blocks of float64 in 96 KiB. */
const BLOCK = 4096;
const PAGE = 65536;
/** Addresses are i32 parameters: stay below 2 GiB so every one is a non-negative i32. */
const MAX_BYTES = 2 ** 31;

interface ArithExports {
  readonly memory: WebAssembly.Memory;
  sum(src: number, quads: number, float32: number): number;
  sumColumns(src: number, rows: number, cols: number, acc: number, float32: number): void;
}
type UnaryExport = (src: number, dst: number, vectors: number, float32: number) => void;
type BinaryExport = (a: number, b: number, o: number, vectors: number, aStep: number, bStep: number, float32: number) => void;

/** An operand of a binary op: `n` elements from `offset`, or one value repeated (`repeated`). */
export interface Operand {
  readonly data: TypedArray;
  readonly offset: number;
  readonly repeated: boolean;
}

export class WasmArith {
  private readonly exports: ArithExports;
  private views!: Record<DType, TypedArray>;
  private bytes = 0;

  /** Compiles synchronously: the module is under 4 KB. */
  constructor() {
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(arithModuleBytes())).exports as unknown as ArithExports;
    if (!this.reserve(3 * BLOCK * 8 + 64)) throw new Error("wasm arithmetic: no memory for its blocks");
  }

  /**
   * Grows the memory to at least `bytes` (growing detaches the views, so they are remade);
   * false when the engine refuses, or i32 addresses would not reach.
   */
  private reserve(bytes: number): boolean {
    const memory = this.exports.memory;
    if (bytes > memory.buffer.byteLength) {
      if (bytes > MAX_BYTES) return false;
      try {
        memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
      } catch {
        return false; // out of memory: the caller sums in JavaScript instead
      }
    }
    if (this.bytes !== memory.buffer.byteLength) {
      this.bytes = memory.buffer.byteLength;
      this.views = { float64: new Float64Array(memory.buffer), float32: new Float32Array(memory.buffer) };
    }
    return true;
  }

  /** out[i] = a[i] op b[i] for i < n, all of `dtype`. */
  binary(kernel: ArithKernel, dtype: DType, a: Operand, b: Operand, out: TypedArray, n: number): void {
    const view = this.views[dtype];
    const size = dtype === "float64" ? 8 : 4;
    const run = (this.exports as unknown as Record<ArithKernel, BinaryExport>)[kernel];
    const perVector = 16 / size;
    const [aAt, bAt, oAt] = [0, BLOCK, 2 * BLOCK];
    // A repeated operand is stored once as a full vector of its value.
    if (a.repeated) view.fill(a.data[a.offset]!, aAt, aAt + perVector);
    if (b.repeated) view.fill(b.data[b.offset]!, bAt, bAt + perVector);
    for (let i = 0; i < n; i += BLOCK) {
      const len = Math.min(BLOCK, n - i);
      if (!a.repeated) view.set(a.data.subarray(a.offset + i, a.offset + i + len), aAt);
      if (!b.repeated) view.set(b.data.subarray(b.offset + i, b.offset + i + len), bAt);
      run(aAt * size, bAt * size, oAt * size, Math.ceil(len / perVector), a.repeated ? 0 : 16, b.repeated ? 0 : 16, dtype === "float32" ? 1 : 0);
      out.set(view.subarray(oAt, oAt + len), i);
    }
  }

  /** out[i] = kernel(x[offset + i]) for i < n, both of `dtype`. */
  unary(kernel: ExactUnaryKernel, dtype: DType, x: TypedArray, offset: number, out: TypedArray, n: number): void {
    const view = this.views[dtype];
    const size = dtype === "float64" ? 8 : 4;
    const run = (this.exports as unknown as Record<ExactUnaryKernel, UnaryExport>)[kernel];
    for (let i = 0; i < n; i += BLOCK) {
      const len = Math.min(BLOCK, n - i);
      view.set(x.subarray(offset + i, offset + i + len), 0);
      run(0, 0, Math.ceil((len * size) / 16), dtype === "float32" ? 1 : 0);
      out.set(view.subarray(0, len), i);
    }
  }

  /** The sum of x[offset .. offset + n), in float64 (in no particular order). */
  sum(dtype: DType, x: TypedArray, offset: number, n: number): number {
    const view = this.views[dtype];
    let total = 0;
    for (let i = 0; i < n; i += BLOCK) {
      const len = Math.min(BLOCK, n - i);
      const quads = Math.ceil(len / 4);
      view.set(x.subarray(offset + i, offset + i + len), 0);
      view.fill(0, len, quads * 4); // +0 pads change no sum
      total += this.exports.sum(0, quads, dtype === "float32" ? 1 : 0);
    }
    return total;
  }

  /**
   * out[j] = Σᵢ x[offset + i·cols + j] over `rows` rows, each column in element order and in
   * float64, rounded to out's dtype once, as the reference sums them. Returns false, having
   * done nothing, when a row's accumulators do not fit in the module's memory.
   */
  sumColumns(dtype: DType, x: TypedArray, offset: number, rows: number, cols: number, out: TypedArray): boolean {
    const size = dtype === "float64" ? 8 : 4;
    const paddedCols = cols + (cols % 2);
    const rowsPerBlock = Math.max(1, Math.floor(BLOCK / cols));
    // Rows at byte 0, the float64 accumulators after them (16-byte aligned, past the one
    // element the last vector of a row may read beyond it).
    const accAt = Math.ceil((rowsPerBlock * cols * size + 16) / 16) * 16;
    if (!this.reserve(accAt + paddedCols * 8)) return false;
    const view = this.views[dtype];
    const acc = this.views.float64.subarray(accAt / 8, accAt / 8 + paddedCols).fill(0);
    for (let r = 0; r < rows; r += rowsPerBlock) {
      const count = Math.min(rowsPerBlock, rows - r);
      view.set(x.subarray(offset + r * cols, offset + (r + count) * cols), 0);
      this.exports.sumColumns(0, count, cols, accAt, dtype === "float32" ? 1 : 0);
    }
    out.set(acc.subarray(0, cols));
    return true;
  }
}
