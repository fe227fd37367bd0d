/** The iteration log of a minimisation: history, callback, iteration limit and progress bar. */
import { ProgressBar } from "../../util/progress.js";
import type { IterationRecord, MethodContext, Settings } from "./types.js";
import type { Objective } from "./objective.js";
import { type Vec, norm2, normInf, sub } from "./vector.js";

/** Show a progress bar only for minimisations that run longer than this. */
const PROGRESS_AFTER_MS = 1000;

const STOPPED_BY_CALLBACK = "stopped by the callback";
const MAX_ITER_REACHED = "maximum number of iterations reached";

/** Builds the context a method runs in. */
export function iterationLog(objective: Objective, settings: Settings, method: string): MethodContext & { history: IterationRecord[]; stopReason: string; finish(): void } {
  const history: IterationRecord[] = [];
  const started = Date.now();
  let bar: ProgressBar | undefined;
  let stopReason = "";
  const log = {
    objective,
    settings,
    history,
    get nit() {
      return Math.max(0, history.length - 1);
    },
    get stopReason() {
      return stopReason;
    },
    record(x: Vec, f: number, g: Vec | undefined, stepSize: number): boolean {
      const entry: IterationRecord = { iteration: history.length, x: Array.from(x), f, gradNorm: g ? norm2(g) : NaN, stepSize };
      history.push(entry);
      if (!settings.options.quiet && !bar && Date.now() - started > PROGRESS_AFTER_MS) {
        bar = new ProgressBar({ total: settings.maxIter, label: `minimize ${method}`, stream: settings.options.progressStream });
      }
      bar?.update(entry.iteration, { f });
      if (entry.iteration > 0 && settings.options.callback?.(entry) === true) stopReason = STOPPED_BY_CALLBACK;
      else if (entry.iteration >= settings.maxIter) stopReason = MAX_ITER_REACHED;
      return stopReason !== "";
    },
    finish() {
      bar?.done();
    },
  };
  return log;
}

/** The message of the relative-reduction test, which lbfgs guards (see lbfgs.ts). */
export const RELATIVE_REDUCTION = "converged: relative reduction of f ≤ ftol";

/**
 * The convergence tests shared by the gradient-based methods, after a step from (xOld, fOld)
 * to (x, f) with gradient g: gradient norm, relative function reduction, then step length.
 * Returns the message of the first that holds, or "".
 */
export function convergence(settings: Settings, xOld: Vec, fOld: number, x: Vec, f: number, g: Vec): string {
  if (normInf(g) <= settings.gtol) return "converged: gradient norm ≤ tol";
  if (fOld - f <= settings.ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) return RELATIVE_REDUCTION;
  if (normInf(sub(x, xOld)) <= settings.xtol * Math.max(1, normInf(x))) return "converged: step ≤ xtol";
  return "";
}
