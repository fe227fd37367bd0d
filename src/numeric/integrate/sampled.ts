/**
 * Rules for sampled data y(x) along the last axis (scipy.integrate's trapezoid, simpson and
 * cumulative_trapezoid). Each is linear in y, so it is a fixed weight vector (from x or dx)
 * applied with nabla ops: the results are differentiable in y.
 */
import { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, tensor, toTensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { matmul, mul, sum } from "../../ops/index.js";

/** Where the samples lie: at `x` (ascending or not, one per sample), or evenly `dx` apart (default 1). */
export interface SampleOptions {
  x?: TensorLike;
  dx?: number;
}

/** The sample positions' gaps, checked against the number of samples. */
function gaps(where: string, n: number, options: SampleOptions): Float64Array {
  if (options.x !== undefined && options.dx !== undefined) throw new NablaError(`${where}: give x or dx, not both`);
  if (options.x === undefined) {
    const dx = options.dx ?? 1;
    if (!Number.isFinite(dx)) throw new NablaError(`${where}: dx must be a finite number, got ${dx}`);
    return new Float64Array(Math.max(n - 1, 0)).fill(dx);
  }
  const x = toTensor(options.x).values();
  if (x.length !== n) throw new NablaError(`${where}: x has ${x.length} values but y has ${n} samples along its last axis; they must match`);
  return Float64Array.from({ length: n - 1 }, (_, i) => x[i + 1]! - x[i]!);
}

function samples(where: string, y: TensorLike): { t: Tensor; n: number } {
  const t = toTensor(y);
  if (t.ndim === 0) throw new NablaError(`${where}: y must have at least one axis of samples, got a scalar`);
  return { t, n: t.shape[t.ndim - 1]! };
}

/**
 * ∫y dx by the trapezoidal rule along y's last axis.
 * @example
 * // Area under a ROC curve (false-positive rate on x, true-positive rate on y):
 * nb.integrate.trapezoid([0, 0.6, 0.8, 1], { x: [0, 0.2, 0.5, 1] }).item(); // => 0.72
 */
export function trapezoid(y: TensorLike, options: SampleOptions = {}): Tensor {
  const { t, n } = samples("trapezoid", y);
  const h = gaps("trapezoid", n, options);
  const w = new Float64Array(n);
  h.forEach((g, i) => {
    w[i]! += g / 2;
    w[i + 1]! += g / 2;
  });
  return sum(mul(t, tensor(w)), -1);
}

/** Weights of Simpson's rule on unequal gaps: pairs of intervals, and Cartwright's correction for an odd count. */
function simpsonWeights(h: Float64Array): Float64Array {
  const n = h.length + 1;
  const w = new Float64Array(n);
  if (n === 2) {
    w[0] = w[1] = h[0]! / 2;
    return w;
  }
  const pairs = Math.floor(h.length / 2);
  for (let k = 0; k < pairs; k++) {
    const [h0, h1] = [h[2 * k]!, h[2 * k + 1]!];
    const s = (h0 + h1) / 6;
    w[2 * k]! += s * (2 - h1 / h0);
    w[2 * k + 1]! += (s * (h0 + h1) ** 2) / (h0 * h1);
    w[2 * k + 2]! += s * (2 - h0 / h1);
  }
  if (h.length % 2 === 1) {
    // The last interval from the parabola through the last three samples.
    const [h0, h1] = [h[h.length - 2]!, h[h.length - 1]!];
    w[n - 1]! += (2 * h1 * h1 + 3 * h0 * h1) / (6 * (h0 + h1));
    w[n - 2]! += (h1 * h1 + 3 * h0 * h1) / (6 * h0);
    w[n - 3]! -= (h1 * h1 * h1) / (6 * h0 * (h0 + h1));
  }
  return w;
}

/**
 * ∫y dx by Simpson's rule along y's last axis (exact for cubics on even gaps; an even number of
 * samples gets the parabola through the last three for the last interval, as scipy ≥ 1.11).
 * @example
 * nb.integrate.simpson([0, 1, 4, 9, 16], { dx: 1 }).item(); // => 64 / 3
 */
export function simpson(y: TensorLike, options: SampleOptions = {}): Tensor {
  const { t, n } = samples("simpson", y);
  if (n < 2) return sum(mul(t, 0), -1);
  return sum(mul(t, tensor(simpsonWeights(gaps("simpson", n, options)))), -1);
}

/**
 * The running trapezoidal integral along y's last axis: N − 1 values, the k-th being ∫ from the
 * first sample to sample k + 1 (scipy's cumulative_trapezoid without `initial`).
 * @example
 * nb.integrate.cumulativeTrapezoid([1, 2, 3]).toArray(); // => [1.5, 4]
 */
export function cumulativeTrapezoid(y: TensorLike, options: SampleOptions = {}): Tensor {
  const { t, n } = samples("cumulativeTrapezoid", y);
  const h = gaps("cumulativeTrapezoid", n, options);
  if (n < 2) throw new NablaError("cumulativeTrapezoid: needs at least two samples along the last axis");
  // Column k of W holds the trapezoid weights of ∫ up to sample k + 1.
  const w = new Float64Array(n * (n - 1));
  for (let k = 0; k < n - 1; k++) {
    for (let i = 0; i <= k; i++) {
      w[i * (n - 1) + k]! += h[i]! / 2;
      w[(i + 1) * (n - 1) + k]! += h[i]! / 2;
    }
  }
  return matmul(t, tensor(w, { shape: [n, n - 1] }));
}
