/** Lasso: the elastic net with only the L1 penalty (l1Ratio = 1), scikit-learn's objective 1/(2n)‖y − Xw − b‖² + α‖w‖₁. */
import { ElasticNet, type ElasticNetOptions, OPTION_NAMES } from "./elastic-net.js";
import type { EstimatorState, StateJson, StateReader } from "./serialize.js";

/** Options of Lasso: those of ElasticNet without l1Ratio. */
export type LassoOptions = Omit<ElasticNetOptions, "l1Ratio">;

/**
 * Linear regression with an L1 penalty, by coordinate descent: coefficients that the penalty
 * removes are exactly 0.
 * @example
 * const x = nb.tensor([[1, 0.3], [2, -0.1], [3, 0.2], [4, -0.4]]);
 * new nb.models.Lasso({ alpha: 0.2 }).fit(x, [1, 2, 3, 4]).coef.values()[1]; // => 0
 */
export class Lasso extends ElasticNet {
  constructor(options: LassoOptions = {}) {
    super({ ...options, l1Ratio: 1 });
  }

  /** Rebuilds a fitted estimator from a model file's checked fields. */
  static override fromState(r: StateReader): Lasso {
    return new Lasso(r.options<LassoOptions>(OPTION_NAMES.filter((n) => n !== "l1Ratio"))).restoreFit(r);
  }

  override toState(): EstimatorState {
    const { l1Ratio: _, ...options } = super.toState().options;
    return { ...super.toState(), options: options as { [key: string]: StateJson } };
  }

  protected override get where(): string {
    return "Lasso";
  }
}
