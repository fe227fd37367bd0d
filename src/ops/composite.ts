/**
 * Composite ops: built from primitives, so their derivatives (of every order) come from the
 * primitives' rules with no rule of their own. Stable forms are chosen where it matters.
 */
import { type TensorLike, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { type Axis, formatShape, normalizeAxes, normalizeAxis, sizeOf } from "../tensor/shape.js";
import { ArrayTensor, type Tensor } from "../tensor/tensor.js";
import { bind } from "./core.js";
import {
  abs, add, div, equal, erf, exp, greater, less, log, mul, pow, sigmoid, sqrt, stopGradient, sub, tanh, where,
} from "./primitives/elementwise.js";
import { keptShape, max, sum } from "./primitives/reduce.js";
import { broadcastTo, concat, reshape, slice, transpose } from "./primitives/shape.js";
import { matmulP } from "./primitives/linalg.js";

/**
 * x².
 * @example
 * nb.square([-3, 2]).toArray(); // => [9, 4]
 */
export function square(x: TensorLike): Tensor {
  const t = toTensor(x);
  return mul(t, t);
}

/**
 * x for x > 0, else αx (α = 0.01 by default); the derivative at 0 is α.
 * @example
 * nb.leakyRelu([-10, 5], 0.1).toArray(); // => [-1, 5]
 */
export function leakyRelu(x: TensorLike, alpha = 0.01): Tensor {
  const t = toTensor(x);
  return where(greater(t, 0), t, mul(t, alpha));
}

/** Options for gelu. */
export interface GeluOptions {
  /** "none" (default): the exact x·Φ(x); "tanh": the tanh approximation of Hendrycks & Gimpel. */
  approximate?: "none" | "tanh";
}

/**
 * Gaussian error linear unit x·Φ(x), with Φ the standard normal CDF (exact, by erf), or its
 * tanh approximation with `{approximate: "tanh"}`.
 * @example
 * Math.abs(nb.gelu(1).item() - 0.8413447460685429) < 1e-15; // => true
 */
export function gelu(x: TensorLike, options: GeluOptions = {}): Tensor {
  const t = toTensor(x);
  if (options.approximate === "tanh") {
    const inner = mul(Math.sqrt(2 / Math.PI), add(t, mul(0.044715, mul(t, mul(t, t)))));
    return mul(mul(0.5, t), add(1, tanh(inner)));
  }
  return mul(mul(0.5, t), add(1, erf(mul(t, Math.SQRT1_2))));
}

/**
 * Sigmoid-weighted linear unit x·σ(x) (also called swish).
 * @example
 * nb.silu(0).item(); // => 0
 */
export function silu(x: TensorLike): Tensor {
  const t = toTensor(x);
  return mul(t, sigmoid(t));
}

/**
 * Limits x to [lo, hi]; the gradient is 1 inside the interval (ends included) and 0 outside.
 * @example
 * nb.clip([-5, 0.5, 5], 0, 1).toArray(); // => [0, 0.5, 1]
 */
export function clip(x: TensorLike, lo: TensorLike, hi: TensorLike): Tensor {
  const t = toTensor(x);
  const low = toTensor(lo, t.dtype);
  const high = toTensor(hi, t.dtype);
  return where(less(t, low), low, where(greater(t, high), high, t));
}

/**
 * Arithmetic mean over `axis` (all when omitted).
 * @example
 * nb.mean([[1, 2], [3, 4]]).item(); // => 2.5
 * nb.mean([[1, 2], [3, 4]], 1).toArray(); // => [1.5, 3.5]
 */
export function mean(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  const t = toTensor(x);
  const axes = normalizeAxes(axis, t.ndim, "mean");
  const count = sizeOf(axes.map((a) => t.shape[a]!));
  return div(sum(t, axes, keepdims), count);
}

/**
 * Product over `axis`, by pairwise multiplication (a composite, so every derivative,
 * including at zeros, is exact).
 * @example
 * nb.prod([1, 2, 3, 4]).item(); // => 24
 * nb.grad((x: nb.Tensor[]) => nb.prod(x))([2, 0, 5]); // => [0, 10, 0]
 */
export function prod(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  const t = toTensor(x);
  const axes = normalizeAxes(axis, t.ndim, "prod");
  const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const keptDims = kept.map((i) => t.shape[i]!);
  let r = reshape(transpose(t, [...kept, ...axes]), [...keptDims, sizeOf(axes.map((a) => t.shape[a]!))]);
  // Halve the reduced axis until one element is left: log₂(n) multiplications.
  for (let n = r.shape[r.ndim - 1]!; n > 1; n = r.shape[r.ndim - 1]!) {
    if (n % 2 === 1) r = concat([r, broadcastTo(toTensor(1, t.dtype), [...keptDims, 1])], -1);
    const half = r.shape[r.ndim - 1]! / 2;
    const begin = (start: number) => [...keptDims.map(() => 0), start];
    const size = [...keptDims, half];
    r = mul(slice(r, begin(0), size), slice(r, begin(half), size));
  }
  if (r.shape[r.ndim - 1] === 0) r = add(sum(r, -1, true), 1);
  const reduced = reshape(r, keptDims);
  return keepdims ? reshape(reduced, keptShape(t.shape, axes)) : reduced;
}

/**
 * log Σ exp(x) over `axis`, computed stably by shifting by the maximum.
 * @example
 * nb.logsumexp([1000, 1000]).item(); // => 1000.6931471805599
 */
export function logsumexp(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  const t = toTensor(x);
  const axes = normalizeAxes(axis, t.ndim, "logsumexp");
  // The shift is a constant for differentiation, so it is taken from t's value (no transform
  // records it); an all −∞ slice keeps −∞ instead of NaN.
  const m = max(stopGradient(t), axes, true);
  const shift = allFinite(m) ? m : where(equal(abs(m), Infinity), 0, m);
  const r = add(log(sum(exp(sub(t, shift)), axes, true)), shift);
  return keepdims ? r : reshape(r, t.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * True when x holds numbers now (no transform is tracing it) and all are finite: then the
 * guard against infinite maxima is the identity, and the eager path skips its three ops.
 */
function allFinite(x: Tensor): boolean {
  if (!(x instanceof ArrayTensor)) return false;
  const d = x.contiguousData(false);
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return false;
  return true;
}

/** Options for variance. */
export interface VarianceOptions {
  /** Delta degrees of freedom: the divisor is n − ddof (0 by default, NumPy's convention). */
  ddof?: number;
}

/**
 * Variance over `axis`: mean squared deviation from the mean (divisor n − ddof).
 * @example
 * nb.variance([1, 2, 3, 4]).item(); // => 1.25
 */
export function variance(x: TensorLike, axis?: Axis, keepdims = false, options: VarianceOptions = {}): Tensor {
  const t = toTensor(x);
  const axes = normalizeAxes(axis, t.ndim, "variance");
  const n = sizeOf(axes.map((a) => t.shape[a]!));
  const centered = sub(t, mean(t, axes, true));
  return div(sum(mul(centered, centered), axes, keepdims), n - (options.ddof ?? 0));
}

/**
 * Vector p-norm over `axis` (all elements when omitted): 2 by default, any p ≥ 1 or
 * Infinity. The gradient of the 2-norm at 0 is taken as 0.
 * @example
 * nb.norm([3, 4]).item(); // => 5
 * nb.norm([3, -4], undefined, false, 1).item(); // => 7
 */
export function norm(x: TensorLike, axis?: Axis, keepdims = false, ord = 2): Tensor {
  const t = toTensor(x);
  if (ord === Infinity) return max(abs(t), axis, keepdims);
  if (ord === 1) return sum(abs(t), axis, keepdims);
  if (ord === 2) return sqrt(sum(mul(t, t), axis, keepdims));
  if (!(ord >= 1)) throw new NablaError(`norm: order ${ord} is not a norm; use p ≥ 1 or Infinity`);
  return pow(sum(pow(abs(t), ord), axis, keepdims), 1 / ord);
}

/**
 * exp(x) / Σ exp(x) along `axis` (last by default), shifted by the maximum for stability.
 * @example
 * nb.softmax([0, 0]).toArray(); // => [0.5, 0.5]
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = toTensor(x);
  const e = exp(sub(t, max(stopGradient(t), axis, true)));
  return div(e, sum(e, axis, true));
}

/**
 * log softmax(x) = x − logsumexp(x) along `axis` (last by default), computed stably.
 * @example
 * nb.logSoftmax([1000, 1000]).toArray(); // => [-0.6931471805599453, -0.6931471805599453]
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = toTensor(x);
  return sub(t, logsumexp(t, axis, true));
}

/**
 * Removes axes of length 1 (all of them, or the given ones).
 * @example
 * nb.squeeze(nb.zeros([1, 3, 1])).shape; // => [3]
 */
export function squeeze(x: TensorLike, axis?: Axis): Tensor {
  const t = toTensor(x);
  const axes = axis === undefined ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axis, t.ndim, "squeeze");
  for (const a of axes) {
    if (t.shape[a] !== 1) throw new NablaError(`squeeze: axis ${a} of shape ${formatShape(t.shape)} has length ${t.shape[a]}, not 1`);
  }
  return reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * Inserts an axis of length 1 at `axis` (negative counts from the end of the result).
 * @example
 * nb.expandDims([1, 2], 0).shape; // => [1, 2]
 * nb.expandDims([1, 2], -1).shape; // => [2, 1]
 */
export function expandDims(x: TensorLike, axis: number): Tensor {
  const t = toTensor(x);
  const a = normalizeAxis(axis, t.ndim + 1, "expandDims");
  return reshape(t, [...t.shape.slice(0, a), 1, ...t.shape.slice(a)]);
}

/**
 * Joins tensors of equal shape along a new axis.
 * @example
 * nb.stack([[1, 2], [3, 4]], 1).toArray(); // => [[1, 3], [2, 4]]
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new NablaError("stack: needs at least one tensor");
  const ts = xs.map((x) => toTensor(x));
  const a = normalizeAxis(axis, ts[0]!.ndim + 1, "stack");
  return concat(ts.map((t) => expandDims(t, a)), a);
}

/**
 * Matrix product with NumPy semantics: batched and broadcasting over leading axes; a 1-D
 * operand is treated as a row (left) or column (right) vector and that axis is removed.
 * @example
 * nb.matmul([[1, 2], [3, 4]], [[5], [6]]).toArray(); // => [[17], [39]]
 * nb.matmul([[1, 2], [3, 4]], [5, 6]).toArray(); // => [17, 39]
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const ta = toTensor(a);
  const tb = toTensor(b, ta.dtype);
  if (ta.ndim === 0 || tb.ndim === 0) {
    throw new NablaError(`matmul: operands must have at least one axis, got shapes ${formatShape(ta.shape)} and ${formatShape(tb.shape)}; use mul for scalars`);
  }
  const left = ta.ndim === 1 ? reshape(ta, [1, ta.shape[0]!]) : ta;
  const right = tb.ndim === 1 ? reshape(tb, [tb.shape[0]!, 1]) : tb;
  const out = bind(matmulP, [left, right], undefined);
  const drop = [...(ta.ndim === 1 ? [out.ndim - 2] : []), ...(tb.ndim === 1 ? [out.ndim - 1] : [])];
  return drop.length ? reshape(out, out.shape.filter((_, i) => !drop.includes(i))) : out;
}

/**
 * Dot product of two vectors (sum of elementwise products); for matrices, their product.
 * @example
 * nb.dot([1, 2, 3], [4, 5, 6]).item(); // => 32
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const ta = toTensor(a);
  const tb = toTensor(b, ta.dtype);
  if (ta.ndim <= 1 && tb.ndim <= 1) return sum(mul(ta, tb));
  return matmul(ta, tb);
}

/**
 * Outer product of two vectors: out[i, j] = a[i]·b[j].
 * @example
 * nb.outer([1, 2], [3, 4]).toArray(); // => [[3, 4], [6, 8]]
 */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  const ta = toTensor(a);
  const tb = toTensor(b, ta.dtype);
  return mul(reshape(ta, [-1, 1]), reshape(tb, [1, -1]));
}
