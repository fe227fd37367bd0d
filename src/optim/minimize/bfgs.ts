/**
 * BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 6.1): a dense inverse
 * Hessian approximation H, direction −H∇f, a strong-Wolfe line search, and the update
 * H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ with ρ = 1/yᵀs, from H₀ = I. (Scaling H₀ by yᵀs/yᵀy,
 * N&W eq. 6.20, cost more evaluations in total on the Moré–Garbow–Hillstrom set.)
 */
import { lineSearchLoop } from "./line-search-loop.js";
import type { MethodContext, MethodOutcome } from "./types.js";
import { type Vec, dot, matVec, norm2, scale } from "./vector.js";

function identity(n: number): Vec {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/** The BFGS update of the inverse Hessian H in place, in O(n²). */
function updateInverseHessian(H: Vec, s: Vec, y: Vec, sy: number): void {
  const n = s.length;
  const rho = 1 / sy;
  const Hy = matVec(H, y);
  const yHy = dot(y, Hy);
  const c = rho * rho * yHy + rho;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      H[i * n + j] = H[i * n + j]! - rho * (s[i]! * Hy[j]! + Hy[i]! * s[j]!) + c * s[i]! * s[j]!;
    }
  }
}

/**
 * The Wolfe constants of scipy's BFGS; unlike scipy, steps are not capped at 50, so a search
 * that still descends at its largest step does mean f looks unbounded below.
 */
const WOLFE = { c1: 1e-4, c2: 0.9 };

export function bfgs(ctx: MethodContext): MethodOutcome {
  const n = ctx.objective.n;
  let H = identity(n);
  // Whether H holds curvature information yet (a reset is pointless before).
  let updated = false;
  return lineSearchLoop(ctx, {
    wolfe: WOLFE,
    direction: (_x, g) => scale(matVec(H, g), -1),
    // The step that would repeat the last decrease on a quadratic model (Nocedal & Wright
    // eq. 3.60), capped at the quasi-Newton step 1: scipy's BFGS rule.
    initialStep: (g, d, f, fPrevious) => {
      const step = (2.02 * (f - fPrevious)) / dot(g, d);
      return step > 0 ? Math.min(1, step) : 1;
    },
    reset: () => {
      if (!updated) return false;
      H = identity(n);
      updated = false;
      return true;
    },
    accepted: (s, y) => {
      const sy = dot(s, y);
      // The Wolfe conditions give yᵀs > 0; this guards against rounding on nearly flat steps.
      if (sy > 1e-10 * norm2(s) * norm2(y)) {
        updateInverseHessian(H, s, y, sy);
        updated = true;
      }
    },
  });
}
