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

export function allocate(dtype: DType, length: number): TypedArray {
  return dtype === "float64" ? new Float64Array(length) : new Float32Array(length);
}

export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float32Array ? "float32" : "float64";
}
