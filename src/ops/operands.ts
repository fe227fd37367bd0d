import { type TensorLike, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";

/** Converts two operands; a JS number (or array) takes the dtype of the tensor it meets. */
export function operands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const dtype: DType | undefined =
    typeof a === "object" && "dtype" in a && typeof a.dtype === "string" ? (a.dtype as DType)
    : typeof b === "object" && "dtype" in b && typeof b.dtype === "string" ? (b.dtype as DType)
    : undefined;
  return [toTensor(a, dtype), toTensor(b, dtype)];
}
