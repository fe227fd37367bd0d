/**
 * A small WebAssembly binary emitter: just enough of the format (LEB128 integers, the type,
 * function, memory, export and code sections, and the scalar and SIMD instructions the GEMM
 * kernels use) to build modules at run time, so that nabla ships no prebuilt binary and needs
 * no toolchain. Instructions are plain byte arrays, concatenated into function bodies.
 *
 * Format reference: https://webassembly.github.io/spec/core/binary/
 */

/** Value types, by their binary encoding. */
export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof V128;

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

/** The instructions the kernels use; each returns its encoding. */
export const op = {
  block: (): number[] => [0x02, 0x40],
  loop: (): number[] => [0x03, 0x40],
  br: (depth: number): number[] => [0x0c, ...unsignedLeb128(depth)],
  brIf: (depth: number): number[] => [0x0d, ...unsignedLeb128(depth)],
  if: (): number[] => [0x04, 0x40],
  else: (): number[] => [0x05],
  end: (): number[] => [0x0b],
  call: (func: number): number[] => [0x10, ...unsignedLeb128(func)],
  localGet: (i: number): number[] => [0x20, ...unsignedLeb128(i)],
  localSet: (i: number): number[] => [0x21, ...unsignedLeb128(i)],
  localTee: (i: number): number[] => [0x22, ...unsignedLeb128(i)],
  i32Const: (n: number): number[] => [0x41, ...signedLeb128(n)],
  i32Eqz: (): number[] => [0x45],
  i32Add: (): number[] => [0x6a],
  i32Sub: (): number[] => [0x6b],
  i32Mul: (): number[] => [0x6c],
  /** memarg: log2 of the alignment, then the static byte offset added to the address. */
  v128Load: (offset: number): number[] => [0xfd, 0x00, 4, ...unsignedLeb128(offset)],
  v128Store: (offset: number): number[] => [0xfd, 0x0b, 4, ...unsignedLeb128(offset)],
  f32Load: (offset: number): number[] => [0x2a, 2, ...unsignedLeb128(offset)],
  f32Store: (offset: number): number[] => [0x38, 2, ...unsignedLeb128(offset)],
  f64Load: (offset: number): number[] => [0x2b, 3, ...unsignedLeb128(offset)],
  f64Store: (offset: number): number[] => [0x39, 3, ...unsignedLeb128(offset)],
  v128Load32Splat: (offset: number): number[] => [0xfd, 0x09, 2, ...unsignedLeb128(offset)],
  v128Load64Splat: (offset: number): number[] => [0xfd, 0x0a, 3, ...unsignedLeb128(offset)],
  f32x4Add: (): number[] => [0xfd, ...unsignedLeb128(0xe4)],
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
  /** The instructions, without the final `end`. */
  readonly body: readonly number[];
  /** Exported under `name` when true. */
  readonly exported: boolean;
}

/**
 * A module of functions without results over one memory of `initialPages` 64 KiB pages,
 * growable and exported as "memory". Function i is `functions[i]` (for `op.call`).
 */
export function emitModule(functions: readonly FunctionSpec[], initialPages: number): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), 0x00]);
  const funcs = functions.map((_, i) => unsignedLeb128(i));
  const memory = [0x00, ...unsignedLeb128(initialPages)]; // limits: min only
  const name = (s: string): number[] => vector([...new TextEncoder().encode(s)].map((b) => [b]));
  const exports = [
    [...name("memory"), 0x02, 0x00],
    ...functions.flatMap((f, i) => (f.exported ? [[...name(f.name), 0x00, ...unsignedLeb128(i)]] : [])),
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
    ...section(3, vector(funcs)),
    ...section(5, vector([memory])),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
