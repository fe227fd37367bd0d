/**
 * L-BFGS under bounds lower ≤ x ≤ upper, by projection (the two-metric projection of
 * Bertsekas 1982 with an L-BFGS metric): variables at a bound whose gradient pushes them
 * outward are held fixed; the two-loop direction is taken in the others; the step follows
 * the projected path P(x + αd) with Armijo backtracking. Simpler than L-BFGS-B's Cauchy point
 * and subspace minimisation (Byrd, Lu, Nocedal & Zhu 1995), with the same stopping test on
 * the projected gradient ‖P(x − ∇f) − x‖∞.
 */
import { convergence } from "./iterations.js";
import { type CorrectionPair, DEFAULT_MEMORY, addPair, direction } from "./lbfgs.js";
import type { MethodContext, MethodOutcome } from "./types.js";
import { type Vec, axpy, dot, norm2, normInf, scale, sub } from "./vector.js";

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

/** Clamps x into the box. */
function project(x: Vec, lower: Vec, upper: Vec): Vec {
  return x.map((v, i) => Math.min(upper[i]!, Math.max(lower[i]!, v)));
}

/** P(x − g) − x: zero exactly at a stationary point of the bounded problem. */
export function projectedGradient(x: Vec, g: Vec, lower: Vec, upper: Vec): Vec {
  return sub(project(sub(x, g), lower, upper), x);
}

export function projectedLbfgs(ctx: MethodContext): MethodOutcome {
  const { objective, settings } = ctx;
  const lower = settings.lower!;
  const upper = settings.upper!;
  const memory = settings.options.memory ?? DEFAULT_MEMORY;
  let x = project(objective.start, lower, upper);
  let [f, g] = objective.valueAndGrad(x);
  ctx.record(x, f, g, 0);
  let pairs: CorrectionPair[] = [];
  for (;;) {
    if (normInf(projectedGradient(x, g, lower, upper)) <= settings.gtol) {
      return { x, f, g, success: true, message: "converged: projected gradient norm ≤ tol" };
    }
    // Held: at a bound with the gradient pushing outward.
    const held = Array.from(x, (v, i) => (v <= lower[i]! && g[i]! > 0) || (v >= upper[i]! && g[i]! < 0));
    const mask = (v: Vec): Vec => v.map((e, i) => (held[i] ? 0 : e));
    let d = mask(direction(mask(g), pairs.map((p) => ({ s: mask(p.s), y: mask(p.y), rho: p.rho }))));
    if (!(dot(d, g) < 0)) {
      pairs = [];
      d = scale(mask(g), -1);
    }
    let step = pairs.length > 0 ? 1 : 1 / norm2(d);
    let trial: { x: Vec; f: number; g: Vec } | undefined;
    for (let k = 0; k < MAX_BACKTRACKS; k++) {
      const xNew = project(axpy(x, step, d), lower, upper);
      const [fNew, gNew] = objective.valueAndGrad(xNew);
      if (fNew <= f + ARMIJO * dot(g, sub(xNew, x))) {
        trial = { x: xNew, f: fNew, g: gNew };
        break;
      }
      step /= 2;
    }
    if (!trial) return { x, f, g, success: false, message: "backtracking failed: no further progress at machine precision" };
    const s = sub(trial.x, x);
    const y = sub(trial.g, g);
    const [xOld, fOld] = [x, f];
    ({ x, f, g } = trial);
    const stop = ctx.record(x, f, g, norm2(s));
    const done = convergence(settings, xOld, fOld, x, f, projectedGradient(x, g, lower, upper));
    if (done) return { x, f, g, success: true, message: done };
    if (stop) return { x, f, g, success: false, message: ctx.stopReason };
    addPair(pairs, s, y, memory);
  }
}
