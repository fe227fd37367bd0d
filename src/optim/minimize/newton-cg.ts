/**
 * Line-search Newton–CG (Nocedal & Wright Algorithm 7.1), matrix-free: the Newton system
 * H d = −∇f is solved inexactly by conjugate gradients on Hessian-vector products, to the
 * forcing tolerance min(0.5, √‖∇f‖)·‖∇f‖ (superlinear convergence); at the first direction of
 * non-positive curvature CG stops with the last iterate (or −∇f on its first step), so d
 * always descends. The step comes from a strong-Wolfe search starting at 1.
 */
import { lineSearchLoop } from "./line-search-loop.js";
import type { Objective } from "./objective.js";
import type { MethodContext, MethodOutcome } from "./types.js";
import { type Vec, axpy, dot, norm2, scale } from "./vector.js";

function truncatedNewtonDirection(objective: Objective, x: Vec, g: Vec): Vec {
  const gNorm = norm2(g);
  const tolerance = Math.min(0.5, Math.sqrt(gNorm)) * gNorm;
  let z = new Float64Array(g.length);
  let r = g.slice();
  let d = scale(g, -1);
  for (let j = 0; j < 2 * g.length + 20; j++) {
    const Hd = objective.hvp(x, d);
    const curvature = dot(d, Hd);
    if (curvature <= 1e-12 * dot(d, d)) return j === 0 ? scale(g, -1) : z;
    const rr = dot(r, r);
    const alpha = rr / curvature;
    z = axpy(z, alpha, d);
    r = axpy(r, alpha, Hd);
    if (norm2(r) < tolerance) return z;
    d = axpy(scale(r, -1), dot(r, r) / rr, d);
  }
  return z;
}

export function newtonCg(ctx: MethodContext): MethodOutcome {
  return lineSearchLoop(ctx, {
    direction: (x, g) => truncatedNewtonDirection(ctx.objective, x, g),
    initialStep: () => 1,
  });
}
