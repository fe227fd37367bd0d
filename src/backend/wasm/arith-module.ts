/**
 * The wasm backend's arithmetic and sums, generated with the emitter (one module, under
 * 4 KB). Addresses and steps are in bytes; `float32` (0 or 1) picks f32x4 lanes, else f64x2.
 *
 * - `<op>(a, b, o, vectors, aStep, bStep, float32)` for add, sub, mul, div, maximum, minimum,
 *   mulNoNan (+0 where either factor is 0) and reluGrad (a where b > 0, +0 where a is ±0 or not):
 *   o = a op b over `vectors` 16-byte vectors; a step of 0 re-reads one vector (the caller
 *   stores a repeated operand there as a splat). float32 lanes compute in float32, which for
 *   these operations equals the reference's float64 result rounded to float32 (float64 has
 *   more than twice float32's precision, so the double rounding is innocuous), and wasm's min
 *   and max treat NaN and ±0 as Math.min and Math.max do.
 * - `<op>(src, dst, vectors, float32)` for neg, abs, sqrt, relu and step, exact in lanes.
 * - `sum(src, quads, float32) → f64`: the sum of 4·quads elements in float64 (float32 widened),
 *   two vector accumulators (so not in element order; the contract allows any order).
 * - `sumColumns(src, rows, cols, acc, float32)`: acc[j] += Σᵢ x[i·cols + j] in float64, row
 *   after row — each column in element order, as the reference sums it. acc holds cols
 *   rounded up to even (the last vector of a row may read one element past it into the pad).
 */
import { F64, type FunctionSpec, I32, V128, emitModule, op } from "./emitter.js";

export const ARITH_KERNELS = ["add", "sub", "mul", "div", "maximum", "minimum", "mulNoNan", "reluGrad"] as const;
export type ArithKernel = (typeof ARITH_KERNELS)[number];

/** Unary functions whose lanes give the reference's result exactly (IEEE sqrt is correctly rounded). */
export const EXACT_UNARY_KERNELS = ["neg", "abs", "sqrt", "relu", "step"] as const;
export type ExactUnaryKernel = (typeof EXACT_UNARY_KERNELS)[number];

/** The lane operations of one dtype: f64x2 or f32x4. */
interface Lanes {
  readonly mul: () => number[];
  readonly eq: () => number[];
  readonly gt: () => number[];
}
const LANES: readonly [Lanes, Lanes] = [
  { mul: op.f64x2Mul, eq: op.f64x2Eq, gt: op.f64x2Gt },
  { mul: op.f32x4Mul, eq: op.f32x4Eq, gt: op.f32x4Gt },
];
const ZERO = op.v128ConstBits(0n, 0n);

/** Each binary kernel on the vectors `a` and `b` (code that reads them), f64x2 then f32x4. */
const BINARY_LANES: Record<ArithKernel, (a: number[], b: number[]) => readonly [number[], number[]]> = {
  add: (a, b) => [[...a, ...b, ...op.f64x2Add()], [...a, ...b, ...op.f32x4Add()]],
  sub: (a, b) => [[...a, ...b, ...op.f64x2Sub()], [...a, ...b, ...op.f32x4Sub()]],
  mul: (a, b) => [[...a, ...b, ...op.f64x2Mul()], [...a, ...b, ...op.f32x4Mul()]],
  div: (a, b) => [[...a, ...b, ...op.f64x2Div()], [...a, ...b, ...op.f32x4Div()]],
  maximum: (a, b) => [[...a, ...b, ...op.f64x2Max()], [...a, ...b, ...op.f32x4Max()]],
  minimum: (a, b) => [[...a, ...b, ...op.f64x2Min()], [...a, ...b, ...op.f32x4Min()]],
  // +0 where either factor is 0 (even against ∞ or NaN), else the product: the reference's
  // formula, whose other branch only ever returns the product.
  mulNoNan: (a, b) => LANES.map((l) => [
    ...ZERO, ...a, ...b, ...l.mul(), ...a, ...ZERO, ...l.eq(), ...b, ...ZERO, ...l.eq(), ...op.v128Or(), ...op.v128Bitselect(),
  ]) as [number[], number[]],
  // a where b > 0 (else 0), then +0 where a is ±0: mulNoNan(a, step(b)) in two selects.
  reluGrad: (a, b) => LANES.map((l) => [
    ...ZERO, ...a, ...ZERO, ...b, ...ZERO, ...l.gt(), ...op.v128Bitselect(), ...a, ...ZERO, ...l.eq(), ...op.v128Bitselect(),
  ]) as [number[], number[]],
};

/** `local += step` (a constant, or another local). */
const advance = (local: number, step: number | { local: number }): number[] => [
  ...op.localGet(local), ...(typeof step === "number" ? op.i32Const(step) : op.localGet(step.local)), ...op.i32Add(), ...op.localSet(local),
];
/** `--counter; continue the enclosing loop while it is not 0` (loops are do-while). */
const countDown = (counter: number): number[] => [...op.localGet(counter), ...op.i32Const(1), ...op.i32Sub(), ...op.localTee(counter), ...op.brIf(0)];
/** `if (local float32) then else otherwise` */
const byDtype = (float32: number, then: number[], otherwise: number[]): number[] => [...op.localGet(float32), ...op.if(), ...then, ...op.else(), ...otherwise, ...op.end()];

function binaryLoop(kernel: ArithKernel): number[] {
  const [A, B, O, VECTORS, A_STEP, B_STEP, FLOAT32, X, Y] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [f64, f32] = BINARY_LANES[kernel](op.localGet(X), op.localGet(Y));
  const loop = (lanes: number[]): number[] => [
    ...op.loop(),
    ...op.localGet(A), ...op.v128Load(0), ...op.localSet(X), ...op.localGet(B), ...op.v128Load(0), ...op.localSet(Y),
    ...op.localGet(O), ...lanes, ...op.v128Store(0),
    ...advance(A, { local: A_STEP }), ...advance(B, { local: B_STEP }), ...advance(O, 16), ...countDown(VECTORS),
    ...op.end(),
  ];
  return byDtype(FLOAT32, loop(f32), loop(f64));
}

/** Each exact unary function of the vector `x` (code that reads it), f64x2 then f32x4. */
const UNARY_LANES: Record<ExactUnaryKernel, (x: number[]) => readonly [number[], number[]]> = {
  neg: (x) => [[...x, ...op.f64x2Neg()], [...x, ...op.f32x4Neg()]],
  abs: (x) => [[...x, ...op.f64x2Abs()], [...x, ...op.f32x4Abs()]],
  sqrt: (x) => [[...x, ...op.f64x2Sqrt()], [...x, ...op.f32x4Sqrt()]],
  // x > 0 ? x : 0·x (so −0, −∞ and NaN give what the reference's formula gives).
  relu: (x) => LANES.map((l) => [...x, ...ZERO, ...x, ...l.mul(), ...x, ...ZERO, ...l.gt(), ...op.v128Bitselect()]) as [number[], number[]],
  // x > 0 ? 1 : 0, NaN giving 0.
  step: (x) => [
    [...x, ...ZERO, ...op.f64x2Gt(), ...op.v128ConstBits(0x3ff0000000000000n, 0x3ff0000000000000n), ...op.v128And()],
    [...x, ...ZERO, ...op.f32x4Gt(), ...op.v128ConstBits(0x3f8000003f800000n, 0x3f8000003f800000n), ...op.v128And()],
  ],
};

function unaryLoop(kernel: ExactUnaryKernel): number[] {
  const [SRC, DST, VECTORS, FLOAT32, X] = [0, 1, 2, 3, 4];
  const [f64, f32] = UNARY_LANES[kernel](op.localGet(X));
  const loop = (lanes: number[]): number[] => [
    ...op.loop(),
    ...op.localGet(SRC), ...op.v128Load(0), ...op.localSet(X), ...op.localGet(DST), ...lanes, ...op.v128Store(0),
    ...advance(SRC, 16), ...advance(DST, 16), ...countDown(VECTORS),
    ...op.end(),
  ];
  return byDtype(FLOAT32, loop(f32), loop(f64));
}

function sumLoop(): number[] {
  const [SRC, QUADS, FLOAT32, ACC0, ACC1] = [0, 1, 2, 3, 4];
  const accumulate = (acc: number, load: number[]): number[] => [...op.localGet(acc), ...op.localGet(SRC), ...load, ...op.f64x2Add(), ...op.localSet(acc)];
  const widened = (offset: number): number[] => [...op.v128Load64Zero(offset), ...op.f64x2PromoteLowF32x4()];
  const loop = (float32: boolean): number[] => [
    ...op.loop(),
    ...accumulate(ACC0, float32 ? widened(0) : op.v128Load(0)),
    ...accumulate(ACC1, float32 ? widened(8) : op.v128Load(16)),
    ...advance(SRC, float32 ? 16 : 32), ...countDown(QUADS),
    ...op.end(),
  ];
  return [
    ...byDtype(FLOAT32, loop(true), loop(false)),
    ...op.localGet(ACC0), ...op.localGet(ACC1), ...op.f64x2Add(), ...op.localTee(ACC0), ...op.f64x2ExtractLane(0),
    ...op.localGet(ACC0), ...op.f64x2ExtractLane(1), ...op.f64Add(),
  ];
}

function sumColumnsLoop(): number[] {
  const [SRC, ROWS, COLS, ACC, FLOAT32, PAIRS, AT, TO] = [0, 1, 2, 3, 4, 5, 6, 7];
  const rowLoop = (float32: boolean): number[] => [
    ...op.loop(),
    ...op.localGet(SRC), ...op.localSet(AT), ...op.localGet(ACC), ...op.localSet(TO),
    ...op.localGet(COLS), ...op.i32Const(1), ...op.i32Add(), ...op.i32Const(1), ...op.i32ShrU(), ...op.localSet(PAIRS),
    ...op.loop(),
    ...op.localGet(TO), ...op.localGet(TO), ...op.v128Load(0), ...op.localGet(AT),
    ...(float32 ? [...op.v128Load64Zero(0), ...op.f64x2PromoteLowF32x4()] : op.v128Load(0)),
    ...op.f64x2Add(), ...op.v128Store(0),
    ...advance(AT, float32 ? 8 : 16), ...advance(TO, 16), ...countDown(PAIRS),
    ...op.end(),
    ...op.localGet(SRC), ...op.localGet(COLS), ...op.i32Const(float32 ? 4 : 8), ...op.i32Mul(), ...op.i32Add(), ...op.localSet(SRC),
    ...countDown(ROWS),
    ...op.end(),
  ];
  return byDtype(FLOAT32, rowLoop(true), rowLoop(false));
}

/** Builds the module; it exports its own memory as "memory". */
export function arithModuleBytes(): Uint8Array<ArrayBuffer> {
  const i32s = (n: number): (typeof I32)[] => new Array<typeof I32>(n).fill(I32);
  return emitModule([
    ...ARITH_KERNELS.map((name): FunctionSpec => ({ name, params: i32s(7), locals: [V128, V128], body: binaryLoop(name), exported: true })),
    ...EXACT_UNARY_KERNELS.map((name): FunctionSpec => ({ name, params: i32s(4), locals: [V128], body: unaryLoop(name), exported: true })),
    { name: "sum", params: i32s(3), results: [F64], locals: [V128, V128], body: sumLoop(), exported: true },
    { name: "sumColumns", params: i32s(5), locals: i32s(3), body: sumColumnsLoop(), exported: true },
  ], 1);
}
