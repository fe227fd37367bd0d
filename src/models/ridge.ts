/**
 * Ridge regression, scikit-learn's objective ‖y − Xw − b‖² + α‖w‖² (b unpenalised, so X and y
 * are centred): the normal equations (XᵀX + αI)w = Xᵀy solved through nb.linalg's Cholesky
 * factor, as sklearn's "cholesky" solver does.
 */
import type { TensorLike } from "../tensor/create.js";
import { add, matmul, mul, transpose } from "../ops/index.js";
import { choSolve, cholesky } from "../ops/linalg/index.js";
import { eye } from "../tensor/create.js";
import { nonNegative } from "./base.js";
import { LinearModel, centredData } from "./linear.js";
import type { StateReader } from "./serialize.js";

/** Options of Ridge. */
export interface RidgeOptions {
  /** The penalty α ≥ 0 (default 1). */
  alpha?: number;
  /** Fit an intercept (default true). */
  fitIntercept?: boolean;
  /** Accepted so that every estimator takes tol and maxIter (API contract); a closed form has no iterations, so it is unused. */
  tol?: number;
  maxIter?: number;
}

/**
 * Linear regression with an L2 penalty, in closed form.
 * @example
 * const m = new nb.models.Ridge({ alpha: 1 }).fit([[-1], [1]], [-2, 2]);
 * m.coef.toArray(); // => [4 / 3]
 */
export class Ridge extends LinearModel {
  readonly options: RidgeOptions;

  constructor(options: RidgeOptions = {}) {
    super();
    this.options = options;
  }

  protected get where(): string {
    return "Ridge";
  }

  /** Rebuilds a fitted estimator from a model file's checked fields. */
  static fromState(r: StateReader): Ridge {
    return new Ridge(r.options<RidgeOptions>(["alpha", "fitIntercept", "tol", "maxIter"])).restoreFit(r);
  }

  fit(x: TensorLike, y: TensorLike): this {
    const alpha = nonNegative(this.options.alpha ?? 1, "alpha", "Ridge");
    const data = centredData(x, y, this.options.fitIntercept ?? true, "Ridge.fit");
    const xt = transpose(data.x);
    const gram = add(matmul(xt, data.x), mul(alpha, eye(data.x.shape[1]!)));
    return this.setFit(choSolve(cholesky(gram), matmul(xt, data.y)), data);
  }
}
