/** The shapes minimize and its methods share: options, results, iteration records. */
import type { Tensor } from "../../tensor/tensor.js";
import type { Scalar } from "../../autodiff/types.js";
import type { LearningRate } from "../base.js";
import type { OptimizerName } from "../registry.js";
import type { ProgressStream } from "../../util/progress.js";
import type { Objective } from "./objective.js";
import type { Vec } from "./vector.js";

/** minimize's own methods, besides the first-order ones (every optimizer of nb.optim.optimizers). */
export const SECOND_ORDER_METHODS = ["lbfgs", "bfgs", "newton", "newton-cg", "trust-ncg", "nelder-mead"] as const;

/** The methods of minimize: its own, and every registered first-order optimizer by name. */
export type Method = (typeof SECOND_ORDER_METHODS)[number] | OptimizerName;

/** One entry of a minimisation's history (entry 0 is the starting point). */
export interface IterationRecord {
  iteration: number;
  x: number[];
  f: number;
  /** ‖∇f(x)‖₂ (NaN for Nelder–Mead, which never evaluates the gradient while it runs). */
  gradNorm: number;
  /** ‖xₖ − xₖ₋₁‖₂, the length of the step that led here (0 for the start). */
  stepSize: number;
}

/** Box constraints lower ≤ x ≤ upper: one number for every variable or one per variable (±Infinity for none). */
export interface Bounds {
  lower?: number | readonly number[];
  upper?: number | readonly number[];
}

/**
 * A general constraint, as in scipy: `"eq"` requires fun(x) = 0, `"ineq"` requires
 * fun(x) ≥ 0; fun may return a scalar or a vector of constraints.
 */
export interface Constraint {
  type: "eq" | "ineq";
  fun: (x: Tensor) => Tensor | Scalar;
}

/** Options of minimize; each method reads the ones that apply to it. */
export interface MinimizeOptions {
  /** Default "lbfgs". */
  method?: Method;
  /** Stop when ‖∇f‖∞ ≤ tol (default 1e-5, as scipy's BFGS and L-BFGS-B). */
  tol?: number;
  /** Stop when (fₖ − fₖ₊₁)/max(|fₖ|, |fₖ₊₁|, 1) ≤ ftol (default 2.2e-9 for lbfgs, L-BFGS-B's factr 1e7, there also needing ‖∇f‖ ≤ 1e-3·‖∇f(x₀)‖ or 5 such steps in a row; 0 otherwise). */
  ftol?: number;
  /** Stop when ‖xₖ₊₁ − xₖ‖∞ ≤ xtol·max(1, ‖xₖ₊₁‖∞) (default 0: only a null step; Nelder–Mead: absolute, 1e-4). */
  xtol?: number;
  /** Most iterations (default 200·n for quasi-Newton and Newton methods, 10000 for first-order ones). */
  maxIter?: number;
  /** Called after every iteration; return true to stop. */
  callback?: (record: IterationRecord) => boolean | void;
  /** First-order methods: the learning rate (default: the optimizer's entry in nb.optim.optimizers). */
  lr?: LearningRate;
  /** momentum and nesterov: the momentum coefficient (default 0.9). */
  momentum?: number;
  /** lbfgs: the number of correction pairs kept (default 15; L-BFGS-B's is 10). */
  memory?: number;
  /** trust-ncg: the initial and the largest trust radius (default 1 and 1e8; SciPy's largest is 1000). */
  initialTrustRadius?: number;
  maxTrustRadius?: number;
  /** Box constraints (method lbfgs: a projected L-BFGS). */
  bounds?: Bounds;
  /** Equality and inequality constraints, handled by an augmented Lagrangian around the method. */
  constraints?: readonly Constraint[];
  /** With constraints: the largest constraint violation accepted (default 1e-6). */
  ctol?: number;
  /** No progress bar (one appears on stderr when a minimisation runs for more than a second). */
  quiet?: boolean;
  /** Where the progress bar writes (default process.stderr). */
  progressStream?: ProgressStream;
}

/** Lagrange multipliers: one per equality and one per inequality constraint, in order. */
export interface Multipliers {
  eq: number[];
  ineq: number[];
}

/** How far a point is from satisfying the KKT conditions (each 0 at a KKT point). */
export interface KktResiduals {
  /** ‖∇f − Σλ∇c_E − Σμ∇c_I‖∞ (projected onto the bounds when there are any). */
  stationarity: number;
  /** max(|c_E|, max(0, −c_I)). */
  primalFeasibility: number;
  /** max(0, −μ). */
  dualFeasibility: number;
  /** max |μᵢ c_I,i|. */
  complementarity: number;
}

/** The result of minimize, shaped like scipy's OptimizeResult. */
export interface MinimizeResult<X = number[]> {
  /** The solution, of the same kind as x0. */
  x: X;
  /** f(x). */
  fun: number;
  /** ∇f(x) (with constraints, the gradient of the Lagrangian f − λᵀc_E − μᵀc_I). */
  grad: X;
  /** Iterations: steps taken (trust-ncg also counts rejected ones; with constraints, outer iterations). */
  nit: number;
  /**
   * Evaluations of f, of ∇f, and Hessian-vector products (a dense Hessian counts n; the
   * curvature check where a method stops takes up to 30 products, so nhev appears for every
   * method that ran it).
   */
  nfev: number;
  ngev: number;
  nhev?: number;
  /** True when a convergence test was met; `message` says which, or why the run stopped. */
  success: boolean;
  message: string;
  /** One entry per iteration, the starting point first (with constraints: per outer iteration). */
  history: IterationRecord[];
  /** With constraints: the Lagrange multipliers (∇f = Σλ∇c_eq + Σμ∇c_ineq, μ ≥ 0). */
  multipliers?: Multipliers;
  /** With constraints: the KKT residuals at x. */
  kkt?: KktResiduals;
}

/** Options with every tolerance resolved. */
export interface Settings {
  gtol: number;
  ftol: number;
  xtol: number;
  maxIter: number;
  /** The bounds as one lower and one upper value per variable (±Infinity where there is none). */
  lower?: Float64Array<ArrayBuffer>;
  upper?: Float64Array<ArrayBuffer>;
  options: MinimizeOptions;
}

/** What a method hands back to minimize. */
export interface MethodOutcome {
  x: Vec;
  f: number;
  /** ∇f at x, when the method has it. */
  g?: Vec;
  success: boolean;
  message: string;
}

/** A method's view of the run: the objective, the settings, and the iteration log. */
export interface MethodContext {
  objective: Objective;
  settings: Settings;
  /** Logs an iteration; true when the callback asked to stop or maxIter is reached. */
  record(x: Vec, f: number, g: Vec | undefined, stepSize: number): boolean;
  /** Iterations logged so far. */
  readonly nit: number;
  /** Why record() asked to stop ("" while it has not). */
  readonly stopReason: string;
}
