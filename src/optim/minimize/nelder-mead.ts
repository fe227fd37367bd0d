/**
 * Nelder–Mead (Nelder & Mead 1965, in the form of Lagarias et al. 1998): reflection 1,
 * expansion 2, contraction ½, shrink ½, derivative-free. The initial simplex perturbs each
 * coordinate of x0 by 5% (0.00025 when it is zero), as scipy does. Stops when the simplex is
 * within xtol of its best vertex in every coordinate and its values within ftol of the best.
 */
import type { MethodContext, MethodOutcome } from "./types.js";
import { type Vec, axpy, norm2, sub } from "./vector.js";

interface Vertex {
  x: Vec;
  f: number;
}

export function nelderMead(ctx: MethodContext): MethodOutcome {
  const { objective, settings } = ctx;
  const xtol = settings.options.xtol ?? 1e-4;
  const ftol = settings.options.ftol ?? 1e-4;
  const n = objective.n;
  const vertex = (x: Vec): Vertex => ({ x, f: objective.value(x) });
  const simplex: Vertex[] = [vertex(objective.start)];
  for (let i = 0; i < n; i++) {
    const x = objective.start.slice();
    x[i] = x[i] !== 0 ? 1.05 * x[i]! : 0.00025;
    simplex.push(vertex(x));
  }
  simplex.sort((a, b) => a.f - b.f);
  ctx.record(simplex[0]!.x, simplex[0]!.f, undefined, 0);
  for (;;) {
    const best = simplex[0]!;
    const spread = Math.max(...simplex.slice(1).map((v) => Math.max(...sub(v.x, best.x).map(Math.abs))));
    const fSpread = Math.max(...simplex.slice(1).map((v) => Math.abs(v.f - best.f)));
    if (spread <= xtol && fSpread <= ftol) return { x: best.x, f: best.f, success: true, message: "converged: simplex within xtol and ftol" };
    const worst = simplex[n]!;
    const centroid = new Float64Array(n);
    for (const v of simplex.slice(0, n)) for (let i = 0; i < n; i++) centroid[i] = centroid[i]! + v.x[i]! / n;
    const toward = sub(centroid, worst.x);
    const reflected = vertex(axpy(centroid, 1, toward));
    let replacement: Vertex | undefined;
    if (reflected.f < best.f) {
      const expanded = vertex(axpy(centroid, 2, toward));
      replacement = expanded.f < reflected.f ? expanded : reflected;
    } else if (reflected.f < simplex[n - 1]!.f) {
      replacement = reflected;
    } else {
      // Contract outside when the reflection beat the worst vertex, inside otherwise.
      const outside = reflected.f < worst.f;
      const contracted = vertex(axpy(centroid, outside ? 0.5 : -0.5, toward));
      if (contracted.f < (outside ? reflected.f : worst.f)) replacement = contracted;
    }
    if (replacement) {
      simplex[n] = replacement;
    } else {
      for (let i = 1; i <= n; i++) simplex[i] = vertex(axpy(best.x, 0.5, sub(simplex[i]!.x, best.x)));
    }
    const previous = best.x;
    simplex.sort((a, b) => a.f - b.f);
    if (ctx.record(simplex[0]!.x, simplex[0]!.f, undefined, norm2(sub(simplex[0]!.x, previous)))) {
      return { x: simplex[0]!.x, f: simplex[0]!.f, success: false, message: ctx.stopReason };
    }
  }
}
