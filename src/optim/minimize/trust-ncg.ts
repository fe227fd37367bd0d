/**
 * Trust-region Newton–CG (Nocedal & Wright Algorithm 4.1 with the Steihaug–Toint CG of
 * Algorithm 7.2), matrix-free: the model m(p) = f + gᵀp + ½pᵀHp is minimised inside ‖p‖ ≤ Δ
 * by CG on Hessian-vector products, stopping at the boundary on negative curvature or when
 * an iterate leaves the region. The step is taken when ρ = actual/predicted reduction
 * exceeds η = 0.15; Δ shrinks to ‖p‖/4 when ρ < 1/4 (a quarter of the failed step rather than
 * of Δ, a common practical variant that spares repeated rejections of interior steps) and
 * doubles (up to Δmax) when ρ > 3/4 at the boundary. A rejected step still counts as an iteration (and is logged with step 0).
 */
import { convergence } from "./iterations.js";
import { start } from "./line-search-loop.js";
import type { Objective } from "./objective.js";
import type { MethodContext, MethodOutcome } from "./types.js";
import { type Vec, axpy, dot, norm2, scale } from "./vector.js";

const ETA = 0.15;

/** The roots τ₋ ≤ τ₊ of ‖z + τd‖ = Δ (τ₋ ≤ 0 ≤ τ₊ while z is inside the region). */
function boundaryCrossings(z: Vec, d: Vec, radius: number): [number, number] {
  const a = dot(d, d);
  const b = 2 * dot(z, d);
  const c = dot(z, z) - radius * radius;
  const root = Math.sqrt(b * b - 4 * a * c);
  return [(-b - root) / (2 * a), (-b + root) / (2 * a)];
}

/** A step p with the model's change m(p) − f = gᵀp + ½pᵀHp, and whether p is on the boundary. */
interface SubproblemStep {
  p: Vec;
  modelChange: number;
  onBoundary: boolean;
}

/**
 * Steihaug CG: an approximate minimiser of the model in the ball. The CG residual is
 * r = Hz + g, so the model's change at z + τd is known without another product with H:
 * gᵀz + ½zᵀ(r − g) + τ(rᵀd) + ½τ²dᵀHd.
 */
function steihaug(objective: Objective, x: Vec, g: Vec, radius: number): SubproblemStep {
  const gNorm = norm2(g);
  const tolerance = Math.min(0.5, Math.sqrt(gNorm)) * gNorm;
  let z = new Float64Array(g.length);
  let r = g.slice();
  let d = scale(g, -1);
  const change = (zz: Vec, rr: Vec, tau = 0, dd: Vec = d, dHd = 0): number =>
    dot(g, zz) + 0.5 * (dot(zz, rr) - dot(zz, g)) + tau * dot(rr, dd) + 0.5 * tau * tau * dHd;
  const onBoundary = (dHd: number, both: boolean): SubproblemStep => {
    // On negative curvature either crossing may be lower; inside the region only τ₊ is ahead.
    const [lo, hi] = boundaryCrossings(z, d, radius);
    const taus = both ? [lo, hi] : [hi];
    const best = taus.map((tau) => ({ tau, value: change(z, r, tau, d, dHd) })).reduce((a, b) => (b.value < a.value ? b : a));
    return { p: axpy(z, best.tau, d), modelChange: best.value, onBoundary: true };
  };
  for (let j = 0; j < 2 * g.length + 20; j++) {
    const Hd = objective.hvp(x, d);
    const curvature = dot(d, Hd);
    if (curvature <= 0) return onBoundary(curvature, true);
    const rr = dot(r, r);
    const alpha = rr / curvature;
    const next = axpy(z, alpha, d);
    if (norm2(next) >= radius) return onBoundary(curvature, false);
    z = next;
    r = axpy(r, alpha, Hd);
    if (norm2(r) < tolerance) return { p: z, modelChange: change(z, r), onBoundary: false };
    d = axpy(scale(r, -1), dot(r, r) / rr, d);
  }
  return { p: z, modelChange: change(z, r), onBoundary: false };
}

export function trustNcg(ctx: MethodContext): MethodOutcome {
  const { objective, settings } = ctx;
  // SciPy caps the radius at 1000, which turns a far minimum (Brown's badly scaled function,
  // 10⁶ away) into a thousand capped steps; the ratio test alone keeps a large radius honest.
  const maxRadius = settings.options.maxTrustRadius ?? 1e8;
  let radius = settings.options.initialTrustRadius ?? 1;
  let { x, f, g, done: atStart } = start(ctx);
  if (atStart) return atStart;
  for (;;) {
    const { p, modelChange, onBoundary } = steihaug(objective, x, g, radius);
    const predicted = -modelChange;
    const xTrial = axpy(x, 1, p);
    const [fTrial, gTrial] = objective.valueAndGrad(xTrial);
    const rho = Number.isFinite(fTrial) && predicted > 0 ? (f - fTrial) / predicted : -1;
    if (rho < 0.25) radius = 0.25 * norm2(p);
    else if (rho > 0.75 && onBoundary) radius = Math.min(2 * radius, maxRadius);
    // Every subproblem solve is an iteration, accepted or not, as in scipy.
    const accepted = rho > ETA;
    const [xOld, fOld] = [x, f];
    if (accepted) [x, f, g] = [xTrial, fTrial, gTrial];
    const stop = ctx.record(x, f, g, accepted ? norm2(p) : 0);
    if (accepted) {
      const done = convergence(settings, xOld, fOld, x, f, g);
      if (done) return { x, f, g, success: true, message: done };
    } else if (radius < 1e-12 * Math.max(1, norm2(x))) {
      return { x, f, g, success: false, message: "trust radius collapsed: no further decrease possible at machine precision" };
    }
    if (stop) return { x, f, g, success: false, message: ctx.stopReason };
  }
}
