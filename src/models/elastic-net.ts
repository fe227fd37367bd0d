/**
 * Elastic net by cyclic coordinate descent, scikit-learn's objective and stopping rule:
 * minimise 1/(2n)‖y − Xw − b‖² + α·ρ‖w‖₁ + ½α(1 − ρ)‖w‖² (ρ = l1Ratio; the intercept b is not
 * penalised, so X and y are centred first). Each coordinate step is the exact minimiser along
 * w_j, a soft threshold, so coefficients that should vanish are exactly 0. Sweeps stop when the
 * duality gap (from the dual point R scaled into the dual's feasible set, as in sklearn's
 * enet_coordinate_descent) is at most tol·‖y − ȳ‖².
 */
import { type TensorLike, tensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import type { EstimatorState, StateJson, StateReader } from "./serialize.js";
import { matrixTensor, nonNegative, notFitted, positive, positiveInteger, r2Score, readFeatures, readMatrix, readTargets, type Estimator } from "./base.js";

/** Options of ElasticNet (scikit-learn's names and defaults). */
export interface ElasticNetOptions {
  /** Overall penalty strength α (default 1). */
  alpha?: number;
  /** The L1 share ρ of the penalty, in [0, 1] (default 0.5; Lasso is 1). */
  l1Ratio?: number;
  /** Stop when the duality gap ≤ tol·‖y − ȳ‖² (default 1e-4). */
  tol?: number;
  /** Most sweeps over the coordinates (default 1000). */
  maxIter?: number;
  /** Fit an unpenalised intercept (default true). */
  fitIntercept?: boolean;
}

/** The option names a model file may hold. */
export const OPTION_NAMES = ["alpha", "l1Ratio", "tol", "maxIter", "fitIntercept"] as const;

/** Columns of the centred design, stored one after another, and what centring removed. */
interface Centred {
  columns: Float64Array[];
  y: Float64Array;
  xMean: Float64Array;
  yMean: number;
}

function centre(x: { data: Float64Array; rows: number; cols: number }, y: Float64Array, fitIntercept: boolean): Centred {
  const { rows, cols, data } = x;
  const xMean = new Float64Array(cols);
  let yMean = 0;
  if (fitIntercept) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) xMean[j]! += data[i * cols + j]! / rows;
    for (const v of y) yMean += v / rows;
  }
  const columns = Array.from({ length: cols }, (_, j) => Float64Array.from({ length: rows }, (_, i) => data[i * cols + j]! - xMean[j]!));
  return { columns, y: Float64Array.from(y, (v) => v - yMean), xMean, yMean };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The duality gap of ½‖R‖² + l1‖w‖₁ + ½l2‖w‖² at w with residual R (sklearn's formula). */
function dualityGap(c: Centred, w: Float64Array, r: Float64Array, l1: number, l2: number): number {
  let dualNorm = 0;
  let l1Norm = 0;
  for (let j = 0; j < w.length; j++) {
    dualNorm = Math.max(dualNorm, Math.abs(dot(c.columns[j]!, r) - l2 * w[j]!));
    l1Norm += Math.abs(w[j]!);
  }
  const rNorm2 = dot(r, r);
  const wNorm2 = dot(w, w);
  const scale = dualNorm > l1 ? l1 / dualNorm : 1;
  const gap = dualNorm > l1 ? 0.5 * rNorm2 * (1 + scale * scale) : rNorm2;
  return gap + l1 * l1Norm - scale * dot(r, c.y) + 0.5 * l2 * (1 + scale * scale) * wNorm2;
}

/** One sweep of exact coordinate minimisations; returns the largest coefficient change. */
function sweep(c: Centred, w: Float64Array, r: Float64Array, norms: Float64Array, l1: number, l2: number): number {
  let largest = 0;
  for (let j = 0; j < w.length; j++) {
    if (norms[j] === 0) continue;
    const col = c.columns[j]!;
    const old = w[j]!;
    const rho = dot(col, r) + old * norms[j]!;
    const next = Math.sign(rho) * Math.max(Math.abs(rho) - l1, 0) / (norms[j]! + l2);
    if (next !== old) {
      const d = next - old;
      for (let i = 0; i < r.length; i++) r[i]! -= d * col[i]!;
      w[j] = next;
      largest = Math.max(largest, Math.abs(d));
    }
  }
  return largest;
}

/**
 * Linear regression with a combined L1 and L2 penalty, fitted by coordinate descent.
 * @example
 * const x = nb.tensor([[1, 0], [2, 1], [3, 0], [4, 1]]);
 * const m = new nb.models.ElasticNet({ alpha: 0.01, l1Ratio: 0.5 }).fit(x, [2, 4, 6, 8]);
 * Math.abs(m.coef.values()[0]! - 2) < 0.05; // => true
 */
export class ElasticNet implements Estimator {
  readonly options: ElasticNetOptions;
  /** The coefficients w, [features]. */
  coef!: Tensor;
  intercept!: number;
  /** Sweeps taken. */
  nIter!: number;
  /** The final duality gap, in the units of the 1/(2n) objective. */
  dualityGap!: number;
  private cols?: number;

  constructor(options: ElasticNetOptions = {}) {
    this.options = options;
  }

  protected get where(): string {
    return "ElasticNet";
  }

  fit(x: TensorLike, y: TensorLike): this {
    const where = this.where;
    const m = readMatrix(x, `${where}.fit`);
    const target = readTargets(y, m.rows, `${where}.fit`);
    const alpha = nonNegative(this.options.alpha ?? 1, "alpha", where);
    const ratio = this.options.l1Ratio ?? 0.5;
    if (!(ratio >= 0 && ratio <= 1)) throw new NablaError(`${where}: l1Ratio must lie in [0, 1], got ${ratio}`);
    const tol = positive(this.options.tol ?? 1e-4, "tol", where);
    const maxIter = positiveInteger(this.options.maxIter ?? 1000, "maxIter", where);
    const c = centre(m, target, this.options.fitIntercept ?? true);
    const n = m.rows;
    const l1 = alpha * ratio * n;
    const l2 = alpha * (1 - ratio) * n;
    const w = new Float64Array(m.cols);
    const r = Float64Array.from(c.y);
    const norms = Float64Array.from(c.columns, (col) => dot(col, col));
    const threshold = tol * dot(c.y, c.y);
    let gap = Infinity;
    let iter = 0;
    while (iter < maxIter) {
      sweep(c, w, r, norms, l1, l2);
      iter++;
      gap = dualityGap(c, w, r, l1, l2);
      if (gap <= threshold) break;
    }
    this.coef = tensor(w);
    this.intercept = c.yMean - dot(c.xMean, w);
    this.nIter = iter;
    this.dualityGap = gap / n;
    this.cols = m.cols;
    return this;
  }

  /** The options and fitted state, for model files (nb.models.saveModel). */
  toState(): EstimatorState {
    if (this.cols === undefined) notFitted(`${this.where}.toState`);
    return { options: { ...this.options } as { [key: string]: StateJson }, fitted: { coef: this.coef, intercept: this.intercept, nIter: this.nIter, dualityGap: this.dualityGap } };
  }

  /** Rebuilds a fitted estimator from a model file's checked fields. */
  static fromState(r: StateReader): ElasticNet {
    return new ElasticNet(r.options<ElasticNetOptions>(OPTION_NAMES)).restoreFit(r);
  }

  protected restoreFit(r: StateReader): this {
    this.coef = r.tensor("coef", [-1]);
    this.intercept = r.number("intercept");
    this.nIter = r.integer("nIter", 0);
    this.dualityGap = r.number("dualityGap");
    this.cols = this.coef.shape[0]!;
    return this;
  }

  predict(x: TensorLike): Tensor {
    if (this.cols === undefined) notFitted(`${this.where}.predict`);
    return matrixTensor(readFeatures(x, this.cols, `${this.where}.predict`)).matmul(this.coef).add(this.intercept);
  }

  /** R² on (X, y). */
  score(x: TensorLike, y: TensorLike): number {
    const prediction = this.predict(x).values();
    return r2Score(readTargets(y, prediction.length, `${this.where}.score`), prediction);
  }
}
