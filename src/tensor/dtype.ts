import { NablaError } from "./errors.js";

/** The element types nabla stores: float64 (the default) or float32 (opt-in). */
export type DType = "float64" | "float32";

/** Row-major storage for a tensor's elements. */
export type TypedArray = Float64Array | Float32Array;

export const DEFAULT_DTYPE: DType = "float64";

/** Validates a user-supplied dtype name. */
export function checkDType(dtype: unknown, where: string): DType {
  if (dtype === "float64" || dtype === "float32") return dtype;
  throw new NablaError(
    `${where}: unknown dtype ${JSON.stringify(dtype)}; nabla supports "float64" (default) and "float32"`,
  );
}

/** float32 with float64 gives float64, as NumPy and PyTorch promote. */
export function promote(a: DType, b: DType): DType {
  return a === b ? a : "float64";
}

/** Zero-filled storage. */
export function allocate(dtype: DType, length: number): TypedArray {
  return dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
}

/** Returns storage of `bytes` bytes whose contents are unspecified. */
export type UninitializedAllocator = (bytes: number) => ArrayBuffer;

let uninitialized: UninitializedAllocator | undefined;

/**
 * Storage for a kernel that writes every element before anything reads it. Zero-filling a
 * 1 MB output costs more than adding two such arrays; where the environment can hand out
 * memory without clearing it (Node's Buffer.allocUnsafeSlow, installed by the Node entry)
 * this skips that pass, elsewhere it is `allocate`.
 */
export function allocateUninitialized(dtype: DType, length: number): TypedArray {
  if (uninitialized === undefined || length < 64) return allocate(dtype, length);
  return dtype === "float64" ? new Float64Array(uninitialized(length * 8), 0, length) : new Float32Array(uninitialized(length * 4), 0, length);
}

/** Installs the environment's allocator of uncleared memory (see allocateUninitialized). */
export function setUninitializedAllocator(allocator: UninitializedAllocator): void {
  uninitialized = allocator;
}

export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float32Array ? "float32" : "float64";
}
