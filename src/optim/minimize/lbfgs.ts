/**
 * L-BFGS (Liu & Nocedal 1989; Nocedal & Wright Algorithms 7.4–7.5): the inverse Hessian is
 * kept implicitly as the last m pairs (s, y) and applied by the two-loop recursion, with
 * H₀ = (sᵀy/yᵀy)I from the newest pair; strong-Wolfe (Moré–Thuente) line search.
 *
 * Where it departs from L-BFGS-B (each measured on the Moré–Garbow–Hillstrom set; see
 * docs/optimization.md): 15 pairs instead of 10; a search that misses the Wolfe conditions but
 * still decreased f clearly is taken as a step instead of ending the run; and the
 * relative-reduction stop (ftol, L-BFGS-B's factr) is guarded by `reductionStopGuard`.
 */
import { RELATIVE_REDUCTION } from "./iterations.js";
import { lineSearchLoop } from "./line-search-loop.js";
import type { MethodContext, MethodOutcome } from "./types.js";
import { type Vec, axpy, dot, norm2, scale } from "./vector.js";

/** A correction pair s = xₖ₊₁ − xₖ, y = ∇fₖ₊₁ − ∇fₖ, with ρ = 1/yᵀs. */
export interface CorrectionPair {
  s: Vec;
  y: Vec;
  rho: number;
}

/** Keeps the pair (dropping the oldest beyond `memory`) when its curvature yᵀs is positive. */
export function addPair(pairs: CorrectionPair[], s: Vec, y: Vec, memory: number): void {
  const sy = dot(s, y);
  // The Wolfe conditions give yᵀs > 0; this guards against rounding on nearly flat steps.
  if (sy > 1e-10 * norm2(s) * norm2(y)) {
    pairs.push({ s, y, rho: 1 / sy });
    if (pairs.length > memory) pairs.shift();
  }
}

/** −H∇f by the two-loop recursion over the stored pairs (oldest first). */
export function direction(g: Vec, pairs: readonly CorrectionPair[]): Vec {
  let q: Vec = g.slice();
  const alphas: number[] = [];
  for (let i = pairs.length - 1; i >= 0; i--) {
    const { s, y, rho } = pairs[i]!;
    const a = rho * dot(s, q);
    alphas[i] = a;
    q = axpy(q, -a, y);
  }
  const newest = pairs[pairs.length - 1];
  let r = newest ? scale(q, 1 / (newest.rho * dot(newest.y, newest.y))) : q;
  for (let i = 0; i < pairs.length; i++) {
    const { s, y, rho } = pairs[i]!;
    const b = rho * dot(y, r);
    r = axpy(r, alphas[i]! - b, s);
  }
  return scale(r, -1);
}

/**
 * The line-search constants of L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995; lnsrlb): a looser
 * interval tolerance than BFGS's, since an approximate step costs the limited-memory model
 * little.
 */
const WOLFE = { c1: 1e-3, c2: 0.9, xtol: 0.1, maxEvaluations: 20 };

/**
 * The correction pairs kept by default (lbfgs and its projected form). L-BFGS-B keeps 10; 15
 * took 4% fewer evaluations on the Moré–Garbow–Hillstrom set, at 2·15·n numbers of memory.
 */
export const DEFAULT_MEMORY = 15;

/** The relative-reduction stop needs ‖∇f‖ to have fallen to this fraction of ‖∇f(x₀)‖ … */
const GRADIENT_FALL = 1e-3;
/** … or this many consecutive steps that each met it. */
const STALLED_STEPS = 5;

/**
 * L-BFGS-B's relative-reduction stop, (fₖ − fₖ₊₁)/max(|fₖ|, |fₖ₊₁|, 1) ≤ ftol, guarded: one
 * step of small relative reduction often comes from a curvature model that is still poor (a
 * badly scaled first pair, a tiny f), not from a minimum, so the test ends the run only when
 * ‖∇f‖ has also fallen to GRADIENT_FALL of its starting size, or when STALLED_STEPS steps in a
 * row met it. The gradient, step and iteration tests stop as before.
 */
export function reductionStopGuard(): (converged: string, g: Vec, gStart: Vec) => boolean {
  let stalled = 0;
  return (converged, g, gStart) => {
    if (converged !== RELATIVE_REDUCTION) {
      stalled = 0;
      return true;
    }
    stalled++;
    return norm2(g) <= GRADIENT_FALL * norm2(gStart) || stalled >= STALLED_STEPS;
  };
}

/** Runs L-BFGS from the context's start (the file's comment says where it departs from L-BFGS-B). */
export function lbfgs(ctx: MethodContext): MethodOutcome {
  const memory = ctx.settings.options.memory ?? DEFAULT_MEMORY;
  let pairs: CorrectionPair[] = [];
  return lineSearchLoop(ctx, {
    wolfe: WOLFE,
    stopsOn: reductionStopGuard(),
    direction: (_x, g) => direction(g, pairs),
    // Without curvature pairs the direction is −∇f, whose scale says nothing about the step:
    // try a step of unit length, as L-BFGS-B does.
    initialStep: (g) => (pairs.length > 0 ? 1 : 1 / norm2(g)),
    reset: () => {
      if (pairs.length === 0) return false;
      pairs = [];
      return true;
    },
    accepted: (s, y) => addPair(pairs, s, y, memory),
  });
}
