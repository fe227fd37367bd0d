/**
 * The JavaScript half of the wasm matmul: GotoBLAS blocking (as in native/src/gemm.h) around
 * the generated kernels. Each operand is copied into the module's memory as it is stored,
 * row-major or column-major (so a transposed view costs one memcpy, not a transposition); the
 * module packs B and reads A in place; C is accumulated there, padded to whole MR×NR tiles,
 * then copied out.
 */
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { type GemmKernelSpec, MR, bytesPerElement, gemmModuleBytes, tileColumns } from "./gemm-module.js";

/** Steps of the shared dimension per block (a packed B micro-panel, KC×NR, stays in L1). */
const KC = 256;
/** Rows of A per block (MC×KC stays in L2); a multiple of MR. */
const MC = 128;
/** Columns of B per packed block (KC×NC stays in L3). */
const NC = 2048;
const PAGE = 65536;
/** Addresses are i32 parameters: stay below 2 GiB so every one is a non-negative i32. */
const MAX_BYTES = 2 ** 31;

interface GemmExports {
  readonly memory: WebAssembly.Memory;
  block(pa: number, lda: number, aColumnMajor: number, pb: number, pc: number, mPanels: number, nPanels: number, kc: number, ldc: number): void;
  packRows(src: number, ldb: number, dst: number, kc: number, nPanels: number): void;
  packCols(src: number, ldb: number, dst: number, kc: number, nPanels: number): void;
}

/**
 * How a kernel reads an operand: a matrix with one unit stride. `lead` is the other stride
 * (between rows of a row-major matrix, between columns of a column-major one).
 */
interface Layout {
  readonly columnMajor: boolean;
  readonly lead: number;
}

/**
 * The layout in which the kernels can read a rows×cols matrix with strides (rs, cs) where it
 * is stored, or undefined when neither stride is 1 (the caller compacts it first).
 */
export function unitStrideLayout(rs: number, cs: number): Layout | undefined {
  if (cs === 1) return { columnMajor: false, lead: rs };
  if (rs === 1) return { columnMajor: true, lead: cs };
  return undefined;
}

/** A compiled kernel module for one dtype and its reusable memory. */
export class WasmGemm {
  readonly dtype: DType;
  private readonly exports: GemmExports;
  private readonly nr: number;
  private view: TypedArray;

  /**
   * Compiles synchronously: the module stays under the 4 KB that Chrome allows
   * `new WebAssembly.Module` on its main thread.
   */
  constructor(spec: GemmKernelSpec) {
    this.dtype = spec.dtype;
    this.nr = tileColumns(spec.dtype);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(spec)));
    this.exports = instance.exports as unknown as GemmExports;
    this.view = this.viewOfMemory();
  }

  private viewOfMemory(): TypedArray {
    const buffer = this.exports.memory.buffer;
    return this.dtype === "float64" ? new Float64Array(buffer) : new Float32Array(buffer);
  }

  /**
   * Grows the module's memory to at least `elements` of this dtype (growing detaches views);
   * undefined when that is more than the engine will give or i32 addresses reach.
   */
  private reserve(elements: number): TypedArray | undefined {
    const bytes = elements * bytesPerElement(this.dtype);
    const have = this.exports.memory.buffer.byteLength;
    if (bytes > have) {
      if (bytes > MAX_BYTES) return undefined;
      try {
        this.exports.memory.grow(Math.ceil((bytes - have) / PAGE));
      } catch {
        return undefined; // out of memory: the caller multiplies in JavaScript instead
      }
      this.view = this.viewOfMemory();
    }
    return this.view;
  }

  /**
   * out[oo + i·n + j] = Σₚ A[i, p]·B[p, j], with element (i, p) of A at a[ao + i·ars + p·acs]
   * and likewise for B; each operand must have a unit stride (see unitStrideLayout). `a`, `b`
   * and `out` have this kernel's dtype. Returns false, having done nothing, when the product
   * does not fit in the module's memory.
   */
  run(
    a: TypedArray, ao: number, ars: number, acs: number, b: TypedArray, bo: number, brs: number, bcs: number,
    out: TypedArray, oo: number, m: number, k: number, n: number,
  ): boolean {
    const la = unitStrideLayout(ars, acs);
    const lb = unitStrideLayout(brs, bcs);
    if (!la || !lb) throw new Error("WasmGemm.run: each operand needs a unit stride");
    const { nr } = this;
    const size = bytesPerElement(this.dtype);
    // Extents of the operands as stored, and the slack past them that edge tiles read.
    const aSpan = la.columnMajor ? (k - 1) * la.lead + m : (m - 1) * la.lead + k;
    const bSpan = lb.columnMajor ? (n - 1) * lb.lead + k : (k - 1) * lb.lead + n;
    const ldc = Math.ceil(n / nr) * nr;
    const mPadded = Math.ceil(m / MR) * MR;
    // Regions, in elements, each a whole number of 16-byte vectors.
    const round = (x: number): number => Math.ceil(x / 2) * 2;
    const aAt = 0;
    const bAt = round(aAt + aSpan + MR * (la.lead + 1));
    const packAt = round(bAt + bSpan + nr * (lb.lead + 1));
    const cAt = round(packAt + Math.min(KC, k) * Math.min(NC, ldc));
    const mem = this.reserve(cAt + mPadded * ldc);
    if (!mem) return false;
    mem.set(a.subarray(ao, ao + aSpan), aAt);
    mem.set(b.subarray(bo, bo + bSpan), bAt);
    mem.fill(0, cAt, cAt + mPadded * ldc);
    const pack = lb.columnMajor ? this.exports.packCols : this.exports.packRows;
    const [bRowStep, bColStep] = lb.columnMajor ? [1, lb.lead] : [lb.lead, 1];
    const [aRowStep, aColStep] = la.columnMajor ? [1, la.lead] : [la.lead, 1];
    for (let jc = 0; jc < n; jc += NC) {
      const nPanels = Math.ceil(Math.min(NC, n - jc) / nr);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        pack((bAt + pc * bRowStep + jc * bColStep) * size, lb.lead * size, packAt * size, kc, nPanels);
        for (let ic = 0; ic < m; ic += MC) {
          const mPanels = Math.ceil(Math.min(MC, m - ic) / MR);
          this.exports.block(
            (aAt + ic * aRowStep + pc * aColStep) * size, la.lead * size, la.columnMajor ? 1 : 0,
            packAt * size, (cAt + ic * ldc + jc) * size, mPanels, nPanels, kc, ldc * size,
          );
        }
      }
    }
    if (ldc === n) out.set(mem.subarray(cAt, cAt + m * n), oo);
    else for (let i = 0; i < m; i++) out.set(mem.subarray(cAt + i * ldc, cAt + i * ldc + n), oo + i * n);
    return true;
  }
}
