/**
 * What every estimator of `nb.models` shares: scikit-learn's shape (`fit(X, y)` returns the
 * fitted estimator; `predict`, `score`), reading inputs as row-major matrices, label
 * encoding for classifiers, option checks and the two scores (R² and accuracy).
 *
 * The solvers (SMO, coordinate descent, tree growing) walk rows and coordinates one at a time,
 * which no tensor kernel expresses; they run on the Float64Arrays these helpers hand out, and
 * the calculus (gradients, Hessians, marginal likelihoods) runs on nabla's tensors.
 */
import { type TensorLike, tensor, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** A dense matrix, row-major: element (i, j) at `data[i * cols + j]`. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Reads X as an [n, d] matrix of finite numbers (a vector counts as one feature). */
export function readMatrix(x: TensorLike, where: string): Matrix {
  const t = toTensor(x);
  if (t.ndim !== 1 && t.ndim !== 2) throw new NablaError(`${where}: X must be [samples, features], got shape ${formatShape(t.shape)}`);
  const rows = t.shape[0]!;
  const cols = t.ndim === 2 ? t.shape[1]! : 1;
  if (rows === 0 || cols === 0) throw new NablaError(`${where}: X is empty (shape ${formatShape(t.shape)})`);
  const data = Float64Array.from(t.values());
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NablaError(`${where}: X[${Math.floor(bad / cols)}, ${bad % cols}] is ${data[bad]}; inputs must be finite`);
  return { data, rows, cols };
}

/** Reads y as n finite numbers, one per row of X. */
export function readTargets(y: TensorLike, rows: number, where: string): Float64Array {
  const t = toTensor(y);
  if (t.size !== rows || (t.ndim > 1 && !(t.ndim === 2 && t.shape[1] === 1))) {
    throw new NablaError(`${where}: y must hold one target per sample (${rows}), got shape ${formatShape(t.shape)}`);
  }
  const data = Float64Array.from(t.values());
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NablaError(`${where}: y[${bad}] is ${data[bad]}; targets must be finite`);
  return data;
}

/** Checks that X has the number of features the estimator was fitted on. */
export function readFeatures(x: TensorLike, cols: number, where: string): Matrix {
  const m = readMatrix(x, where);
  if (m.cols !== cols) throw new NablaError(`${where}: the estimator was fitted on ${cols} features, X has ${m.cols}`);
  return m;
}

/** A Matrix as an [n, d] Tensor. */
export function matrixTensor(m: Matrix): Tensor {
  return tensor(m.data, { shape: [m.rows, m.cols] });
}

/** Classes found in y (sorted) and each sample's class index. */
export interface Labels {
  classes: number[];
  index: Int32Array;
}

/** Encodes class labels as indices 0..k−1 into the sorted distinct labels. */
export function encodeLabels(y: Float64Array, where: string, minClasses = 2): Labels {
  const classes = [...new Set(y)].sort((a, b) => a - b);
  if (classes.length < minClasses) throw new NablaError(`${where}: y holds ${classes.length} class(es); a classifier needs at least ${minClasses}`);
  const position = new Map(classes.map((c, k) => [c, k]));
  return { classes, index: Int32Array.from(y, (v) => position.get(v)!) };
}

/** Option checks that name the estimator and the option. */
export function positive(value: number, name: string, where: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new NablaError(`${where}: ${name} must be a positive number, got ${value}`);
  return value;
}

export function finite(value: number, name: string, where: string): number {
  if (!Number.isFinite(value)) throw new NablaError(`${where}: ${name} must be a finite number, got ${value}`);
  return value;
}

export function nonNegative(value: number, name: string, where: string): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new NablaError(`${where}: ${name} must be a number ≥ 0, got ${value}`);
  return value;
}

export function positiveInteger(value: number, name: string, where: string): number {
  if (!(Number.isInteger(value) && value > 0)) throw new NablaError(`${where}: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** Throws the error every estimator gives when used before `fit`. */
export function notFitted(where: string): never {
  throw new NablaError(`${where}: the estimator is not fitted yet; call fit(X, y) first`);
}

/** The coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (scikit-learn's r2_score). */
export function r2Score(y: ArrayLike<number>, prediction: ArrayLike<number>): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    residual += (y[i]! - prediction[i]!) ** 2;
    total += (y[i]! - mean) ** 2;
  }
  return total === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / total;
}

/** The fraction of predictions equal to the labels. */
export function accuracy(y: ArrayLike<number>, prediction: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === prediction[i]) hits++;
  return hits / y.length;
}

/** Dot product of row i of a with row j of b (both with `cols` columns). */
export function rowDot(a: Float64Array, i: number, b: Float64Array, j: number, cols: number): number {
  let s = 0;
  const oa = i * cols;
  const ob = j * cols;
  for (let k = 0; k < cols; k++) s += a[oa + k]! * b[ob + k]!;
  return s;
}

/**
 * The shape every supervised estimator has (scikit-learn's): fit returns the estimator itself,
 * fitted; predict gives labels or values; score is accuracy or R². PCA and GaussianMixture are
 * unsupervised: fit(X), and GaussianMixture's score(X) is the mean log-likelihood.
 */
export interface Estimator {
  fit(x: TensorLike, y: TensorLike): this;
  predict(x: TensorLike): Tensor;
  score(x: TensorLike, y: TensorLike): number;
}
