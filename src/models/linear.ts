/**
 * Ordinary least squares, scikit-learn's LinearRegression: minimise ‖y − Xw − b‖² with the
 * intercept b unpenalised, so X and y are centred and w = argmin ‖y_c − X_c w‖² is the
 * minimum-norm least-squares solution of nb.linalg.lstsq (QR, or the pseudo-inverse when X is
 * rank-deficient). The fit is nabla ops end to end, so coef is differentiable in the data.
 */
import type { TensorLike } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { dot, mean, sub } from "../ops/index.js";
import { lstsq } from "../ops/linalg/index.js";
import { tensor } from "../tensor/create.js";
import { matrixTensor, notFitted, r2Score, readFeatures, readMatrix, readTargets, type Estimator } from "./base.js";
import type { EstimatorState, StateJson, StateReader } from "./serialize.js";

/** X and y centred (or not), with the means that centring removed. */
export interface CentredData {
  x: Tensor;
  y: Tensor;
  xMean: Tensor;
  yMean: number;
}

/** Reads (X, y) and centres both when an intercept is fitted. */
export function centredData(x: TensorLike, y: TensorLike, fitIntercept: boolean, where: string): CentredData {
  const m = readMatrix(x, where);
  const xt = matrixTensor(m);
  const yt = tensor(readTargets(y, m.rows, where));
  if (!fitIntercept) return { x: xt, y: yt, xMean: tensor(new Float64Array(m.cols)), yMean: 0 };
  const xMean = mean(xt, 0);
  const yMean = mean(yt).item();
  return { x: sub(xt, xMean), y: sub(yt, yMean), xMean, yMean };
}

/** The part LinearRegression and Ridge share: coef, intercept, predict and R². */
export abstract class LinearModel implements Estimator {
  /** The coefficients w, [features]. */
  coef!: Tensor;
  intercept!: number;

  protected abstract get where(): string;

  abstract fit(x: TensorLike, y: TensorLike): this;

  protected setFit(w: Tensor, data: CentredData): this {
    this.coef = w;
    this.intercept = data.yMean - dot(data.xMean, w).item();
    return this;
  }

  predict(x: TensorLike): Tensor {
    if (!this.coef) notFitted(`${this.where}.predict`);
    return matrixTensor(readFeatures(x, this.coef.shape[0]!, `${this.where}.predict`)).matmul(this.coef).add(this.intercept);
  }

  /** R² on (X, y). */
  score(x: TensorLike, y: TensorLike): number {
    const prediction = this.predict(x).values();
    return r2Score(readTargets(y, prediction.length, `${this.where}.score`), prediction);
  }

  /** The options and fitted coefficients, for model files (nb.models.saveModel). */
  toState(): EstimatorState {
    if (!this.coef) notFitted(`${this.where}.toState`);
    return { options: { ...(this as unknown as { options: { [key: string]: StateJson } }).options }, fitted: { coef: this.coef, intercept: this.intercept } };
  }

  protected restoreFit(r: StateReader): this {
    this.coef = r.tensor("coef", [-1]);
    this.intercept = r.number("intercept");
    return this;
  }
}

/** Options of LinearRegression. */
export interface LinearRegressionOptions {
  /** Fit an intercept (default true). */
  fitIntercept?: boolean;
  /** Accepted so that every estimator takes tol and maxIter (API contract); a closed form has no iterations, so it is unused. */
  tol?: number;
  maxIter?: number;
}

/**
 * Least-squares linear regression.
 * @example
 * const m = new nb.models.LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
 * [m.coef.values()[0]!.toFixed(10), m.intercept.toFixed(10)]; // => ["2.0000000000", "1.0000000000"]
 */
export class LinearRegression extends LinearModel {
  readonly options: LinearRegressionOptions;
  /** The rank of the centred X. */
  rank!: number;

  constructor(options: LinearRegressionOptions = {}) {
    super();
    this.options = options;
  }

  protected get where(): string {
    return "LinearRegression";
  }

  /** Rebuilds a fitted estimator from a model file's checked fields. */
  static fromState(r: StateReader): LinearRegression {
    const m = new LinearRegression(r.options<LinearRegressionOptions>(["fitIntercept", "tol", "maxIter"])).restoreFit(r);
    m.rank = r.integer("rank", 0, m.coef.shape[0]!);
    return m;
  }

  override toState(): EstimatorState {
    const state = super.toState();
    return { ...state, fitted: { ...state.fitted, rank: this.rank } };
  }

  fit(x: TensorLike, y: TensorLike): this {
    const data = centredData(x, y, this.options.fitIntercept ?? true, "LinearRegression.fit");
    const solution = lstsq(data.x, data.y);
    this.rank = solution.rank.item();
    return this.setFit(solution.solution, data);
  }
}
