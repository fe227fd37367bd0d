/**
 * The iteration shared by the line-search methods (bfgs, lbfgs, newton, newton-cg): the
 * method supplies a descent direction and a first trial step; the loop searches along it
 * for a strong-Wolfe step, logs the iteration and applies the convergence tests.
 */
import { type LineSearchStep, searchAlong } from "../linesearch/index.js";
import { AT_MAX_STEP, type WolfeOptions } from "../linesearch/more-thuente.js";
import { convergence } from "./iterations.js";
import type { MethodContext, MethodOutcome } from "./types.js";
import { type Vec, dot, norm2, normInf, scale, sub } from "./vector.js";

/** What a line-search method decides; the loop does the rest. */
export interface LineSearchStrategy {
  /** A descent direction at x (the loop falls back to −∇f if it is not one). */
  direction(x: Vec, g: Vec): Vec;
  /** The first trial step along d, given f now and f before the last step. */
  initialStep(g: Vec, d: Vec, f: number, fPrevious: number): number;
  /** Constants of the Moré–Thuente search. */
  wolfe?: WolfeOptions;
  /**
   * Called when a search finds no decrease: forget the curvature model and return true to
   * retry once along −∇f, or false to stop.
   */
  reset?(): boolean;
  /** Called after each accepted step s with gradient change y. */
  accepted?(s: Vec, y: Vec): void;
  /**
   * Called after every step with the convergence test that held there ("" for none), the new
   * gradient and the gradient at the start; returning false overrules the test and goes on
   * (default: every test stops).
   */
  stopsOn?(converged: string, g: Vec, gStart: Vec): boolean;
}

/** Evaluates the start, logs it, and says whether it is already stationary. */
export function start(ctx: MethodContext): { x: Vec; f: number; g: Vec; done?: MethodOutcome } {
  const x = ctx.objective.start;
  const [f, g] = ctx.objective.valueAndGrad(x);
  ctx.record(x, f, g, 0);
  const done = normInf(g) <= ctx.settings.gtol ? { x, f, g, success: true, message: "converged: gradient norm ≤ tol" } : undefined;
  return { x, f, g, done };
}

export function lineSearchLoop(ctx: MethodContext, strategy: LineSearchStrategy): MethodOutcome {
  const { objective, settings } = ctx;
  let { x, f, g, done: atStart } = start(ctx);
  const gStart = g;
  // Before the first step, a previous value for which scipy's step rule gives 1.01/‖∇f‖.
  let fPrevious = f + norm2(g) / 2;
  if (atStart) return atStart;
  const search = (d: Vec, step: number): LineSearchStep => searchAlong(objective, x, f, g, d, step, strategy.wolfe);
  for (;;) {
    let d = strategy.direction(x, g);
    if (!(dot(d, g) < 0)) d = scale(g, -1);
    let ls = search(d, strategy.initialStep(g, d, f, fPrevious));
    if (!ls.ok && ls.f >= f && strategy.reset?.()) {
      d = scale(g, -1);
      ls = search(d, strategy.initialStep(g, d, f, fPrevious));
    }
    // A search can miss the Wolfe conditions on badly scaled problems (exp(10x) terms defeat
    // the interpolation, not the descent), so a step that still decreased f clearly is taken,
    // standing in for the second line search that scipy's BFGS and Newton-CG fall back to
    // (L-BFGS-B stops there). One that did not even decrease f beyond rounding means no
    // further progress is possible at machine precision.
    const clearDecrease = f - ls.f > 1e-10 * Math.max(1, Math.abs(f));
    const unbounded = ls.message === AT_MAX_STEP;
    if (!ls.ok && (unbounded || !clearDecrease)) {
      const message = unbounded
        ? "f still decreases at the line search's largest step: it looks unbounded below"
        : `line search failed (${ls.message}): no further progress at machine precision`;
      if (!(ls.f < f)) return { x, f, g, success: false, message };
      ctx.record(ls.x, ls.f, ls.g, norm2(sub(ls.x, x)));
      return { x: ls.x, f: ls.f, g: ls.g, success: false, message };
    }
    const s = sub(ls.x, x);
    const y = sub(ls.g, g);
    const [xOld, fOld] = [x, f];
    fPrevious = f;
    [x, f, g] = [ls.x, ls.f, ls.g];
    const stop = ctx.record(x, f, g, norm2(s));
    const converged = convergence(settings, xOld, fOld, x, f, g);
    if ((strategy.stopsOn?.(converged, g, gStart) ?? true) && converged) return { x, f, g, success: true, message: converged };
    if (stop) return { x, f, g, success: false, message: ctx.stopReason };
    strategy.accepted?.(s, y);
  }
}
