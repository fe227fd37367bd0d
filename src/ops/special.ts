/**
 * Special functions as composites of primitives, so every derivative (digamma from lgamma,
 * trigamma from digamma, Taylor coefficients, forward and reverse mode) comes from the
 * primitives' rules with no rule of their own.
 *
 * Both use the same scheme: shift the argument up by SHIFT with the recurrence
 * Γ(x + 1) = x·Γ(x), then sum the asymptotic (Stirling) series at x + SHIFT ≥ 8, where its
 * truncation error is below 1e-16. Valid for x > 0 (the domain of the distributions' parameters);
 * x ≤ 0 gives NaN.
 */
import { type TensorLike, toTensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, log, mul, reciprocal, sub } from "./primitives/elementwise.js";

const SHIFT = 8;
/** B₂ₖ / (2k(2k − 1)) for k = 1 … 8: the coefficients of Stirling's series for log Γ. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Σₖ cₖ·z^(1−2k) by Horner's rule in 1/z². */
function oddInversePowers(z: Tensor, coefficients: readonly number[]): Tensor {
  const w = reciprocal(mul(z, z));
  let acc: Tensor | number = coefficients[coefficients.length - 1]!;
  for (let k = coefficients.length - 2; k >= 0; k--) acc = add(mul(acc, w), coefficients[k]!);
  return div(acc, z);
}

/**
 * log Γ(x) for x > 0 (a composite: its derivative is digamma, its second trigamma). Agrees
 * with scipy.special.gammaln to about 1e-15 relative (test: src/probability/reference.json).
 * @example
 * Math.abs(nb.lgamma(5).item() - Math.log(24)) < 1e-14; // => true
 * Math.abs(nb.grad((x) => nb.lgamma(x))(1) + 0.5772156649015329) < 1e-14; // => true
 */
export function lgamma(x: TensorLike): Tensor {
  const t = toTensor(x);
  const z = add(t, SHIFT);
  let logProduct = log(t);
  for (let k = 1; k < SHIFT; k++) logProduct = add(logProduct, log(add(t, k)));
  const stirling = add(sub(mul(sub(z, 0.5), log(z)), z), HALF_LOG_2PI);
  return sub(add(stirling, oddInversePowers(z, STIRLING)), logProduct);
}

/** The digamma series' coefficients B₂ₖ / (2k) for k = 1 … 8, on z^(−2k). */
const DIGAMMA = STIRLING.map((c, i) => c * (2 * i + 1));

/**
 * ψ(x) = d/dx log Γ(x) for x > 0 (a composite: its derivative is trigamma).
 * @example
 * Math.abs(nb.digamma(1).item() + 0.5772156649015329) < 1e-15; // => true
 */
export function digamma(x: TensorLike): Tensor {
  const t = toTensor(x);
  const z = add(t, SHIFT);
  let harmonic = reciprocal(t);
  for (let k = 1; k < SHIFT; k++) harmonic = add(harmonic, reciprocal(add(t, k)));
  const series = div(oddInversePowers(z, DIGAMMA), z);
  return sub(sub(sub(log(z), div(0.5, z)), series), harmonic);
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), the Beta function's logarithm.
 * @example
 * Math.abs(nb.lbeta(2, 3).item() - Math.log(1 / 12)) < 1e-14; // => true
 */
export function lbeta(a: TensorLike, b: TensorLike): Tensor {
  const ta = toTensor(a);
  const tb = toTensor(b);
  return sub(add(lgamma(ta), lgamma(tb)), lgamma(add(ta, tb)));
}
