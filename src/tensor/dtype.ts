import { NablaError } from "./errors.js";
import { type Shape, formatBytes, formatShape } from "./shape.js";

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

/** The size limit every tensor's storage is checked against (set with nb.config({ maxTensorBytes })). */
export const tensorLimits = { maxTensorBytes: 2 ** 31 };

/**
 * Throws, before allocating, when `length` elements of `dtype` would exceed maxTensorBytes
 * (a huge shape gets this message rather than a RangeError or gigabytes of memory).
 */
export function checkTensorSize(length: number, dtype: DType, where: string, shape?: Shape): void {
  const bytes = length * (dtype === "float64" ? 8 : 4);
  if (bytes <= tensorLimits.maxTensorBytes) return;
  const what = shape === undefined ? `${length.toExponential(2)} elements` : `shape ${formatShape(shape)} = ${length.toExponential(2)} elements`;
  throw new NablaError(
    `${where}: a ${dtype} tensor of ${what} would take ${formatBytes(bytes)}, over the limit of ` +
      `${formatBytes(tensorLimits.maxTensorBytes)} set by nb.config({ maxTensorBytes }); use a smaller shape or raise maxTensorBytes`,
  );
}

/** Zero-filled storage. */
export function allocate(dtype: DType, length: number, where = "allocate"): TypedArray {
  checkTensorSize(length, dtype, where);
  return dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
}

/**
 * Returns `bytes` bytes whose contents are unspecified, as a byte view that may start
 * anywhere in its buffer (Node's Buffer pool hands out 8-byte aligned slices).
 */
export type UninitializedAllocator = (bytes: number) => Uint8Array;

let uninitialized: UninitializedAllocator | undefined;

/**
 * Storage for a kernel that writes every element before anything reads it. Zero-filling a
 * 1 MB output costs more than adding two such arrays; where the environment can hand out
 * memory without clearing it (Node's Buffer.allocUnsafeSlow, installed by the Node entry)
 * this skips that pass, elsewhere it is `allocate`.
 */
export function allocateUninitialized(dtype: DType, length: number): TypedArray {
  if (uninitialized === undefined || length < 64) return allocate(dtype, length);
  checkTensorSize(length, dtype, "allocate");
  const bytes = uninitialized(length * (dtype === "float64" ? 8 : 4));
  // A typed array must start at a multiple of its element size.
  if (bytes.byteOffset % 8 !== 0) return allocate(dtype, length);
  return dtype === "float64" ? new Float64Array(bytes.buffer, bytes.byteOffset, length) : new Float32Array(bytes.buffer, bytes.byteOffset, length);
}

/** Installs the environment's allocator of uncleared memory (see allocateUninitialized). */
export function setUninitializedAllocator(allocator: UninitializedAllocator): void {
  uninitialized = allocator;
}

export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float32Array ? "float32" : "float64";
}
