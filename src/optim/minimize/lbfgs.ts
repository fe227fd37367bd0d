/**
 * L-BFGS (Liu & Nocedal 1989; Nocedal & Wright Algorithms 7.4–7.5): the inverse Hessian is
 * kept implicitly as the last m pairs (s, y) and applied by the two-loop recursion, with
 * H₀ = (sᵀy/yᵀy)I from the newest pair; strong-Wolfe (Moré–Thuente) line search.
 */
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

export function lbfgs(ctx: MethodContext): MethodOutcome {
  const memory = ctx.settings.options.memory ?? 10;
  let pairs: CorrectionPair[] = [];
  return lineSearchLoop(ctx, {
    wolfe: WOLFE,
    keepClearDecrease: false,
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
