/**
 * The first-order methods of minimize — every optimizer of nb.optim.optimizers, by name — are
 * the optimizer transforms of nb.optim stepping on x with the exact gradient. They stop on
 * the gradient norm only: their steps shrink with the learning rate, not with progress, so
 * small steps or small changes in f say nothing about convergence.
 */
import { tensor } from "../../tensor/create.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Transform } from "../base.js";
import type { OptimizerState } from "../aliases.js";
import { optimizers } from "../registry.js";
import type { Method, MethodContext, MethodOutcome, MinimizeOptions } from "./types.js";
import { norm2, normInf, sub } from "./vector.js";

/** The optimizers minimize's first-order methods run: the registry's, with the lr and momentum of the options. */
export const FIRST_ORDER: Partial<Record<Method, (o: MinimizeOptions) => Transform<OptimizerState>>> = Object.fromEntries(
  Object.entries(optimizers).map(([name, entry]) => [name, (o: MinimizeOptions) => entry.make({
    ...(o.lr === undefined ? {} : { lr: o.lr }), ...(o.momentum === undefined ? {} : { momentum: o.momentum }),
  })]),
);

export function firstOrder(optimizer: Transform<OptimizerState>, ctx: MethodContext): MethodOutcome {
  const { objective, settings } = ctx;
  let x = objective.start;
  let params: Tensor = tensor(Array.from(x));
  let state = optimizer.init(params);
  let lastStep = 0;
  for (;;) {
    const [f, g] = objective.valueAndGrad(x);
    if (!Number.isFinite(f)) return { x, f, g, success: false, message: "diverged: f is not finite (try a smaller lr)" };
    const stop = ctx.record(x, f, g, lastStep);
    if (normInf(g) <= settings.gtol) return { x, f, g, success: true, message: "converged: gradient norm ≤ tol" };
    if (stop) return { x, f, g, success: false, message: ctx.stopReason };
    ({ params, state } = optimizer.step(params, tensor(Array.from(g)), state));
    const next = Float64Array.from(params.values());
    lastStep = norm2(sub(next, x));
    x = next;
  }
}
