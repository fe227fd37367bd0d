/** The shapes minimize and its methods share: options, results, iteration records. */
import type { LearningRate } from "../base.js";
import type { ProgressStream } from "../../util/progress.js";
import type { Objective } from "./objective.js";
import type { Vec } from "./vector.js";

/** The methods of minimize. */
export type Method =
  | "gd" | "momentum" | "nesterov" | "adagrad" | "rmsprop" | "adam"
  | "newton" | "bfgs" | "lbfgs" | "newton-cg" | "trust-ncg" | "nelder-mead";

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

/** Options of minimize; each method reads the ones that apply to it. */
export interface MinimizeOptions {
  /** Default "lbfgs". */
  method?: Method;
  /** Stop when ‖∇f‖∞ ≤ tol (default 1e-5, as scipy's BFGS and L-BFGS-B). */
  tol?: number;
  /** Stop when (fₖ − fₖ₊₁)/max(|fₖ|, |fₖ₊₁|, 1) ≤ ftol (default 2.2e-9 for lbfgs, L-BFGS-B's factr 1e7; 0 otherwise). */
  ftol?: number;
  /** Stop when ‖xₖ₊₁ − xₖ‖∞ ≤ xtol·max(1, ‖xₖ₊₁‖∞) (default 0: only a null step; Nelder–Mead: absolute, 1e-4). */
  xtol?: number;
  /** Most iterations (default 200·n for quasi-Newton and Newton methods, 10000 for first-order ones). */
  maxIter?: number;
  /** Called after every iteration; return true to stop. */
  callback?: (record: IterationRecord) => boolean | void;
  /** First-order methods: the learning rate (default 0.01 for gd, momentum, nesterov; the optimizer's otherwise). */
  lr?: LearningRate;
  /** momentum and nesterov: the momentum coefficient (default 0.9). */
  momentum?: number;
  /** lbfgs: the number of correction pairs kept (default 10). */
  memory?: number;
  /** trust-ncg: the initial and the largest trust radius (default 1 and 1000). */
  initialTrustRadius?: number;
  maxTrustRadius?: number;
  /** No progress bar (one appears on stderr when a minimisation runs for more than a second). */
  quiet?: boolean;
  /** Where the progress bar writes (default process.stderr). */
  progressStream?: ProgressStream;
}

/** Options with every tolerance resolved. */
export interface Settings {
  gtol: number;
  ftol: number;
  xtol: number;
  maxIter: number;
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
