/**
 * A small WebAssembly binary emitter: just enough of the format (LEB128 integers, the type,
 * import, function, memory, export and code sections, and the scalar and SIMD instructions the
 * kernels use) to build modules at run time, so that nabla ships no prebuilt binary and needs
 * no toolchain. Instructions are plain byte arrays, concatenated into function bodies.
 *
 * Format reference: https://webassembly.github.io/spec/core/binary/
 */

/** Value types, by their binary encoding. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F64 | typeof V128;

/** Unsigned LEB128: 7 bits a byte, low first, the high bit set on every byte but the last. */
export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`unsignedLeb128: ${value} is not a u32`);
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 (two's complement), as i32.const takes its immediate. */
export function signedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) throw new RangeError(`signedLeb128: ${value} is not an i32`);
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A length-prefixed vector of already-encoded items. */
function vector(items: readonly number[][]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb128(content.length), ...content];
}

/** A SIMD instruction: the 0xfd prefix and its opcode as an unsigned LEB128. */
const simd = (code: number): number[] => [0xfd, ...unsignedLeb128(code)];

/** The eight bytes of a double, little-endian, as f64.const takes its immediate. */
function f64Bytes(value: number): number[] {
  return [...new Uint8Array(Float64Array.of(value).buffer)];
}

/** The instructions the kernels use; each returns its encoding. */
export const op = {
  block: (): number[] => [0x02, 0x40],
  loop: (): number[] => [0x03, 0x40],
  br: (depth: number): number[] => [0x0c, ...unsignedLeb128(depth)],
  brIf: (depth: number): number[] => [0x0d, ...unsignedLeb128(depth)],
  if: (): number[] => [0x04, 0x40],
  /** An `if` whose branches each leave one value of `type`. */
  ifResult: (type: ValueType): number[] => [0x04, type],
  else: (): number[] => [0x05],
  end: (): number[] => [0x0b],
  call: (func: number): number[] => [0x10, ...unsignedLeb128(func)],
  localGet: (i: number): number[] => [0x20, ...unsignedLeb128(i)],
  localSet: (i: number): number[] => [0x21, ...unsignedLeb128(i)],
  localTee: (i: number): number[] => [0x22, ...unsignedLeb128(i)],
  i32Const: (n: number): number[] => [0x41, ...signedLeb128(n)],
  i32Eqz: (): number[] => [0x45],
  i64Eqz: (): number[] => [0x50],
  i32Add: (): number[] => [0x6a],
  i32Sub: (): number[] => [0x6b],
  i32Mul: (): number[] => [0x6c],
  i32ShrU: (): number[] => [0x76],
  /** memarg: log2 of the alignment, then the static byte offset added to the address. */
  v128Load: (offset: number): number[] => [0xfd, 0x00, 4, ...unsignedLeb128(offset)],
  v128Store: (offset: number): number[] => [0xfd, 0x0b, 4, ...unsignedLeb128(offset)],
  f32Load: (offset: number): number[] => [0x2a, 2, ...unsignedLeb128(offset)],
  f32Store: (offset: number): number[] => [0x38, 2, ...unsignedLeb128(offset)],
  f64Load: (offset: number): number[] => [0x2b, 3, ...unsignedLeb128(offset)],
  f64Store: (offset: number): number[] => [0x39, 3, ...unsignedLeb128(offset)],
  f64Const: (value: number): number[] => [0x44, ...f64Bytes(value)],
  f32DemoteF64: (): number[] => [0xb6],
  /** v128.const from two 64-bit lanes given as doubles' bit patterns (any bits: NaN payloads too). */
  v128ConstBits: (lo: bigint, hi: bigint): number[] => [
    ...simd(0x0c), ...[lo, hi].flatMap((v) => [...new Uint8Array(BigUint64Array.of(BigInt.asUintN(64, v)).buffer)]),
  ],
  /** Loads 8 bytes into the low half, zeroing the high half. */
  v128Load64Zero: (offset: number): number[] => [...simd(0x5d), 3, ...unsignedLeb128(offset)],
  /** Stores 64-bit lane `lane` of the vector. */
  v128Store64Lane: (offset: number, lane: number): number[] => [...simd(0x5b), 3, ...unsignedLeb128(offset), lane],
  f64x2Splat: (): number[] => simd(0x14),
  i64x2ExtractLane: (lane: number): number[] => [...simd(0x1d), lane],
  f64x2ExtractLane: (lane: number): number[] => [...simd(0x21), lane],
  f64x2Eq: (): number[] => simd(0x47),
  f64x2Lt: (): number[] => simd(0x49),
  f64x2Gt: (): number[] => simd(0x4a),
  f64x2Le: (): number[] => simd(0x4b),
  f64x2Ge: (): number[] => simd(0x4c),
  v128And: (): number[] => simd(0x4e),
  v128Or: (): number[] => simd(0x50),
  v128Xor: (): number[] => simd(0x51),
  /** (v1 & mask) | (v2 & ~mask), operands in that order. */
  v128Bitselect: (): number[] => simd(0x52),
  f32x4DemoteF64x2Zero: (): number[] => simd(0x5e),
  f64x2PromoteLowF32x4: (): number[] => simd(0x5f),
  i64x2AllTrue: (): number[] => simd(0xc3),
  i64x2Shl: (): number[] => simd(0xcb),
  i64x2ShrS: (): number[] => simd(0xcc),
  i64x2Add: (): number[] => simd(0xce),
  i64x2Sub: (): number[] => simd(0xd1),
  f64x2Abs: (): number[] => simd(0xec),
  f64x2Neg: (): number[] => simd(0xed),
  f64x2Sub: (): number[] => simd(0xf1),
  f64x2Div: (): number[] => simd(0xf3),
  v128Load32Splat: (offset: number): number[] => [0xfd, 0x09, 2, ...unsignedLeb128(offset)],
  v128Load64Splat: (offset: number): number[] => [0xfd, 0x0a, 3, ...unsignedLeb128(offset)],
  f32x4Add: (): number[] => [0xfd, ...unsignedLeb128(0xe4)],
  f32x4Sub: (): number[] => simd(0xe5),
  f32x4Eq: (): number[] => simd(0x41),
  f32x4Gt: (): number[] => simd(0x44),
  f32x4Abs: (): number[] => simd(0xe0),
  f32x4Neg: (): number[] => simd(0xe1),
  f32x4Sqrt: (): number[] => simd(0xe3),
  f64x2Sqrt: (): number[] => simd(0xef),
  f32x4Div: (): number[] => simd(0xe7),
  f32x4Min: (): number[] => simd(0xe8),
  f32x4Max: (): number[] => simd(0xe9),
  f64x2Min: (): number[] => simd(0xf4),
  f64x2Max: (): number[] => simd(0xf5),
  f64Add: (): number[] => [0xa0],
  f32x4Mul: (): number[] => [0xfd, ...unsignedLeb128(0xe6)],
  f64x2Add: (): number[] => [0xfd, ...unsignedLeb128(0xf0)],
  f64x2Mul: (): number[] => [0xfd, ...unsignedLeb128(0xf2)],
  /** Relaxed SIMD: a·b + c, fused or not as the hardware prefers. */
  f32x4RelaxedMadd: (): number[] => [0xfd, ...unsignedLeb128(0x105)],
  f64x2RelaxedMadd: (): number[] => [0xfd, ...unsignedLeb128(0x107)],
} as const;

/** One function of a module: its signature, extra locals (after the params) and body. */
export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly locals: readonly ValueType[];
  /** Its results (none when omitted). */
  readonly results?: readonly ValueType[];
  /** The instructions, without the final `end`. */
  readonly body: readonly number[];
  /** Exported under `name` when true. */
  readonly exported: boolean;
}

/** A function the module imports from "env" (a JavaScript function, for instance). */
export interface FunctionImport {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

/**
 * What a module takes from its instantiation's imports object, all under "env": functions
 * (numbered before the module's own) and, when `memory` is set, the memory the module uses
 * instead of one of its own, so several modules can work on the same operands.
 */
export interface ModuleImports {
  readonly functions: readonly FunctionImport[];
  readonly memory: boolean;
}

const signature = (params: readonly ValueType[], results: readonly ValueType[]): number[] => [
  0x60, ...vector(params.map((t) => [t])), ...vector(results.map((t) => [t])),
];

/**
 * A module over one memory of `initialPages` 64 KiB pages: its own, growable and exported as
 * "memory", or the one imported as "env"."memory" when `imports.memory` is set. Function i
 * is `functions[i - imports.functions.length]` (for `op.call`): imported functions come first.
 */
export function emitModule(
  functions: readonly FunctionSpec[], initialPages: number, imports: ModuleImports = { functions: [], memory: false },
): Uint8Array<ArrayBuffer> {
  const imported = imports.functions.length;
  const types = [...imports.functions, ...functions].map((f) => signature(f.params, f.results ?? []));
  const funcs = functions.map((_, i) => unsignedLeb128(imported + i));
  const memory = [0x00, ...unsignedLeb128(initialPages)]; // limits: min only
  const name = (s: string): number[] => vector([...new TextEncoder().encode(s)].map((b) => [b]));
  const importEntries = [
    ...imports.functions.map((f, i) => [...name("env"), ...name(f.name), 0x00, ...unsignedLeb128(i)]),
    ...(imports.memory ? [[...name("env"), ...name("memory"), 0x02, ...memory]] : []),
  ];
  const exports = [
    ...(imports.memory ? [] : [[...name("memory"), 0x02, 0x00]]),
    ...functions.flatMap((f, i) => (f.exported ? [[...name(f.name), 0x00, ...unsignedLeb128(imported + i)]] : [])),
  ];
  const bodies = functions.map((f) => {
    // Locals as runs of one type: count, type.
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]!++;
      else runs.push([1, t]);
    }
    const code = [...vector(runs.map(([count, t]) => [...unsignedLeb128(count!), t!])), ...f.body, ...op.end()];
    return [...unsignedLeb128(code.length), ...code];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vector(types)),
    ...(importEntries.length > 0 ? section(2, vector(importEntries)) : []),
    ...section(3, vector(funcs)),
    ...(imports.memory ? [] : section(5, vector([memory]))),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
