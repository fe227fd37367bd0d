/**
 * The SVM kernels, libsvm's definitions (which scikit-learn's SVC uses): linear ⟨x, x'⟩,
 * RBF exp(−γ‖x − x'‖²) and polynomial (γ⟨x, x'⟩ + coef0)^degree. Built from nabla ops, so a
 * kernel matrix is a Tensor that autodiff can differentiate in γ, coef0 or the inputs.
 */
import type { Tensor } from "../tensor/tensor.js";
import { add, exp, matmul, maximum, mul, pow, sub, sum, transpose, square, expandDims } from "../ops/index.js";

/** An SVM kernel and its parameters (γ already resolved to a number). */
export interface KernelSpec {
  type: "linear" | "rbf" | "poly";
  gamma: number;
  degree: number;
  coef0: number;
}

/** Squared Euclidean distances between the rows of a [n, d] and b [m, d], clamped at 0 (rounding). */
export function squaredDistances(a: Tensor, b: Tensor): Tensor {
  const aa = expandDims(sum(square(a), 1), 1);
  const bb = expandDims(sum(square(b), 1), 0);
  return maximum(sub(add(aa, bb), mul(2, matmul(a, transpose(b)))), 0);
}

/** The kernel matrix K[i, j] = k(a_i, b_j), [n, m]. */
export function kernelMatrix(a: Tensor, b: Tensor, k: KernelSpec): Tensor {
  if (k.type === "rbf") return exp(mul(-k.gamma, squaredDistances(a, b)));
  const inner = matmul(a, transpose(b));
  if (k.type === "linear") return inner;
  return pow(add(mul(k.gamma, inner), k.coef0), k.degree);
}

/**
 * Squared distances Σₖ(aᵢₖ − bⱼₖ)² by differences ([n, m, d] in between): exact zeros for equal
 * rows, which the √ of a Matérn kernel needs (‖a‖² + ‖b‖² − 2a·b leaves ~1e-16 there).
 */
export function pairwiseSquaredDistances(a: Tensor, b: Tensor): Tensor {
  return sum(square(sub(expandDims(a, 1), expandDims(b, 0))), 2);
}
