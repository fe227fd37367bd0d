/**
 * The WebAssembly GEMM kernels, generated at run time with the emitter. Addresses and strides
 * are in bytes.
 *
 * - `block(pa, lda, aColumnMajor, pb, pc, mPanels, nPanels, kc, ldc)`: C += A·B over one
 *   block: nPanels packed B micro-panels (outer: each is reused from L1 across every A panel)
 *   × mPanels panels of MR rows of A. A is read in place, row-major (element (i, p) at
 *   pa + i·lda + p·size) or column-major (pa + i·size + p·lda), so the common layouts and
 *   transposed views need no packing. C is row-major with row stride ldc.
 * - `packRows(src, ldb, dst, kc, nPanels)` / `packCols(...)`: packs kc rows of a row-major
 *   (element (p, j) at src + p·ldb + j·size) or column-major (src + j·ldb + p·size) B into
 *   NR-column micro-panels: within a panel, the NR values of one row are adjacent.
 *
 * The micro-kernel keeps an MR×NR tile of C in MR·NV v128 locals; per step of p it loads the
 * NV vectors of one row of the B panel and multiplies each by a load-splat of A's value in each
 * of the MR rows — the micro-kernel of native/src/gemm.h in 128-bit lanes. V8 hoists a step's
 * loads above its arithmetic, so a step's live vectors (MR·NV accumulators, NV of B, MR
 * splats, one product) must fit in the 15 xmm registers it allocates: 4×2 vectors for
 * float32 (a 4×8 tile) and float64 (4×4) does; larger tiles or an unrolled loop spill (measured).
 *
 * Edge tiles need no special case: the driver pads C to whole tiles and leaves slack after the
 * operands; the padding rows and columns of C receive garbage that is never copied out.
 */
import type { DType } from "../../tensor/dtype.js";
import { type FunctionSpec, I32, V128, type ValueType, emitModule, op } from "./emitter.js";

/** Rows of the register tile. */
export const MR = 4;
/** v128 vectors per tile row. */
const NV = 2;

export const bytesPerElement = (dtype: DType): number => (dtype === "float64" ? 8 : 4);
/** Columns of the register tile (and of a packed B micro-panel). */
export const tileColumns = (dtype: DType): number => (NV * 16) / bytesPerElement(dtype);

export interface GemmKernelSpec {
  readonly dtype: DType;
  /** Use relaxed SIMD's multiply-add (only where WebAssembly.validate accepts it). */
  readonly fma: boolean;
}

/** `local += bytes` */
const advance = (local: number, bytes: number | { local: number }): number[] => [
  ...op.localGet(local), ...(typeof bytes === "number" ? op.i32Const(bytes) : op.localGet(bytes.local)), ...op.i32Add(), ...op.localSet(local),
];
/** `--counter; if (counter != 0) continue the enclosing loop` (loops are do-while). */
const countDown = (counter: number): number[] => [...op.localGet(counter), ...op.i32Const(1), ...op.i32Sub(), ...op.localTee(counter), ...op.brIf(0)];

/** Builds the module: exports "memory", "block", "packRows", "packCols". */
export function gemmModuleBytes({ dtype, fma }: GemmKernelSpec): Uint8Array<ArrayBuffer> {
  const size = bytesPerElement(dtype);
  const nr = tileColumns(dtype);
  const f64 = dtype === "float64";
  const splat = f64 ? op.v128Load64Splat : op.v128Load32Splat;
  const add = f64 ? op.f64x2Add : op.f32x4Add;
  const mul = f64 ? op.f64x2Mul : op.f32x4Mul;
  const madd = f64 ? op.f64x2RelaxedMadd : op.f32x4RelaxedMadd;
  const load = f64 ? op.f64Load : op.f32Load;
  const store = f64 ? op.f64Store : op.f32Store;

  /** The micro-kernel, for A row-major or column-major: params pa, lda, pb, pc, kc, ldc. */
  function tile(columnMajorA: boolean): FunctionSpec {
    const [PA, LDA, PB, PC, KC, LDC] = [0, 1, 2, 3, 4, 5];
    // Row-major A walks MR row pointers (locals 6..); column-major A one pointer.
    const rowPtr = (r: number): number => 6 + r;
    const vectors = 6 + MR;
    const acc = (r: number, v: number): number => vectors + r * NV + v;
    const bVec = (v: number): number => vectors + MR * NV + v;
    const aSplat = vectors + MR * NV + NV;
    const body: number[] = [];
    if (!columnMajorA) {
      body.push(...op.localGet(PA), ...op.localSet(rowPtr(0)));
      for (let r = 1; r < MR; r++) body.push(...op.localGet(rowPtr(r - 1)), ...op.localGet(LDA), ...op.i32Add(), ...op.localSet(rowPtr(r)));
    }
    body.push(...op.loop());
    for (let v = 0; v < NV; v++) body.push(...op.localGet(PB), ...op.v128Load(v * 16), ...op.localSet(bVec(v)));
    for (let r = 0; r < MR; r++) {
      body.push(...(columnMajorA ? [...op.localGet(PA), ...splat(r * size)] : [...op.localGet(rowPtr(r)), ...splat(0)]), ...op.localSet(aSplat));
      for (let v = 0; v < NV; v++) {
        body.push(
          ...(fma
            ? [...op.localGet(aSplat), ...op.localGet(bVec(v)), ...op.localGet(acc(r, v)), ...madd()]
            : [...op.localGet(acc(r, v)), ...op.localGet(aSplat), ...op.localGet(bVec(v)), ...mul(), ...add()]),
          ...op.localSet(acc(r, v)),
        );
      }
    }
    if (columnMajorA) body.push(...advance(PA, { local: LDA }));
    else for (let r = 0; r < MR; r++) body.push(...advance(rowPtr(r), size));
    body.push(...advance(PB, nr * size), ...countDown(KC), ...op.end());
    for (let r = 0; r < MR; r++) {
      for (let v = 0; v < NV; v++) {
        body.push(...op.localGet(PC), ...op.localGet(PC), ...op.v128Load(v * 16), ...op.localGet(acc(r, v)), ...add(), ...op.v128Store(v * 16));
      }
      if (r < MR - 1) body.push(...advance(PC, { local: LDC }));
    }
    return {
      name: columnMajorA ? "tileColumnMajorA" : "tileRowMajorA",
      params: [I32, I32, I32, I32, I32, I32],
      locals: [...new Array<ValueType>(MR).fill(I32), ...new Array<ValueType>(MR * NV + NV + 1).fill(V128)],
      body,
      exported: false,
    };
  }

  // block: params pa 0, lda 1, aColumnMajor 2, pb 3, pc 4, mPanels 5, nPanels 6, kc 7, ldc 8.
  const [PA, LDA, COLUMN_MAJOR, PB, PC, M_PANELS, N_PANELS, KC, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [aAt, cAt, panelsLeft, aPanelStep, bPanelStep, cPanelStep] = [9, 10, 11, 12, 13, 14];
  const times = (local: number, k: number): number[] => [...op.localGet(local), ...op.i32Const(k), ...op.i32Mul()];
  const tileArgs = [aAt, LDA, PB, cAt, KC, LDC].flatMap((i) => op.localGet(i));
  const block: number[] = [
    // The next A panel is MR rows on: MR·lda bytes row-major, MR elements column-major.
    ...op.localGet(COLUMN_MAJOR), ...op.if(), ...op.i32Const(MR * size), ...op.localSet(aPanelStep),
    ...op.else(), ...times(LDA, MR), ...op.localSet(aPanelStep), ...op.end(),
    ...times(KC, nr * size), ...op.localSet(bPanelStep),
    ...times(LDC, MR), ...op.localSet(cPanelStep),
    ...op.loop(),
    ...op.localGet(PA), ...op.localSet(aAt),
    ...op.localGet(PC), ...op.localSet(cAt),
    ...op.localGet(M_PANELS), ...op.localSet(panelsLeft),
    ...op.loop(),
    ...op.localGet(COLUMN_MAJOR), ...op.if(), ...tileArgs, ...op.call(1), ...op.else(), ...tileArgs, ...op.call(0), ...op.end(),
    ...advance(aAt, { local: aPanelStep }),
    ...advance(cAt, { local: cPanelStep }),
    ...countDown(panelsLeft),
    ...op.end(),
    ...advance(PB, { local: bPanelStep }),
    ...advance(PC, nr * size),
    ...countDown(N_PANELS),
    ...op.end(),
  ];

  // packRows / packCols: params src 0, ldb 1, dst 2, kc 3, nPanels 4; locals below.
  const [SRC, LDB, DST, PACK_KC, PANELS] = [0, 1, 2, 3, 4];
  const [from, rowsLeft, column] = [5, 6, 7];
  const packRows: number[] = [
    ...op.loop(),
    ...op.localGet(SRC), ...op.localSet(from),
    ...op.localGet(PACK_KC), ...op.localSet(rowsLeft),
    ...op.loop(),
  ];
  for (let v = 0; v < NV; v++) packRows.push(...op.localGet(DST), ...op.localGet(from), ...op.v128Load(v * 16), ...op.v128Store(v * 16));
  packRows.push(
    ...advance(DST, nr * size),
    ...advance(from, { local: LDB }),
    ...countDown(rowsLeft),
    ...op.end(),
    ...advance(SRC, nr * size),
    ...countDown(PANELS),
    ...op.end(),
  );
  // Column-major B: each of a panel's NR columns is contiguous; copy it down the panel with
  // stride NR (the panel starts at dst, and the next panel follows its kc·NR elements).
  const [to, panelAt] = [8, 9];
  const packCols: number[] = [
    ...op.loop(),
    ...op.localGet(DST), ...op.localSet(panelAt),
    ...op.i32Const(nr), ...op.localSet(column),
    ...op.loop(),
    ...op.localGet(SRC), ...op.localSet(from),
    ...op.localGet(panelAt), ...op.localSet(to),
    ...op.localGet(PACK_KC), ...op.localSet(rowsLeft),
    ...op.loop(),
    ...op.localGet(to), ...op.localGet(from), ...load(0), ...store(0),
    ...advance(to, nr * size),
    ...advance(from, size),
    ...countDown(rowsLeft),
    ...op.end(),
    ...advance(SRC, { local: LDB }),
    ...advance(panelAt, size),
    ...countDown(column),
    ...op.end(),
    ...op.localGet(DST), ...times(PACK_KC, nr * size), ...op.i32Add(), ...op.localSet(DST),
    ...countDown(PANELS),
    ...op.end(),
  ];

  const i32s = (n: number): ValueType[] => new Array<ValueType>(n).fill(I32);
  return emitModule([
    tile(false),
    tile(true),
    { name: "block", params: i32s(9), locals: i32s(6), body: block, exported: true },
    { name: "packRows", params: i32s(5), locals: i32s(2), body: packRows, exported: true },
    { name: "packCols", params: i32s(5), locals: i32s(5), body: packCols, exported: true },
  ], 1);
}
