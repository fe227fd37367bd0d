/**
 * minimize: one entry point from gradient descent to trust-region Newton, with the result
 * shaped like scipy.optimize.minimize's. Gradients and Hessian-vector products come from
 * nabla; the user writes only f.
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { type ObjectiveFunction, Objective, type StartPoint } from "./objective.js";
import { iterationLog } from "./iterations.js";
import type { IterationRecord, Method, MethodContext, MethodOutcome, MinimizeOptions, Settings } from "./types.js";
import type { Vec } from "./vector.js";
import { FIRST_ORDER, firstOrder } from "./first-order.js";
import { bfgs } from "./bfgs.js";
import { lbfgs } from "./lbfgs.js";
import { newton } from "./newton.js";
import { newtonCg } from "./newton-cg.js";
import { trustNcg } from "./trust-ncg.js";
import { nelderMead } from "./nelder-mead.js";

export type { ObjectiveFunction, StartPoint } from "./objective.js";
export type { IterationRecord, Method, MinimizeOptions } from "./types.js";

/** A point of the kind x0 was: a number, a number[] or a Tensor of x0's shape. */
export type PointLike<X> = X extends number ? number : X extends Tensor ? Tensor : number[];

/** The result of minimize, shaped like scipy's OptimizeResult. */
export interface MinimizeResult<X = number[]> {
  /** The solution, of the same kind as x0. */
  x: X;
  /** f(x). */
  fun: number;
  /** ∇f(x). */
  grad: X;
  /** Iterations (accepted steps). */
  nit: number;
  /** Evaluations of f, of ∇f, and Hessian-vector products (a dense Hessian counts n). */
  nfev: number;
  ngev: number;
  nhev?: number;
  /** True when a convergence test was met; `message` says which, or why the run stopped. */
  success: boolean;
  message: string;
  /** One entry per iteration, the starting point first. */
  history: IterationRecord[];
}

const METHODS: Record<Method, (ctx: MethodContext) => MethodOutcome> = {
  ...Object.fromEntries(Object.entries(FIRST_ORDER).map(([name, make]) => [name, (ctx: MethodContext) => firstOrder(make(ctx.settings.options), ctx)])),
  bfgs, lbfgs, newton, "newton-cg": newtonCg, "trust-ncg": trustNcg, "nelder-mead": nelderMead,
} as Record<Method, (ctx: MethodContext) => MethodOutcome>;

const USES_HESSIAN = new Set<Method>(["newton", "newton-cg", "trust-ncg"]);

function settingsFor(method: Method, n: number, options: MinimizeOptions): Settings {
  const firstOrderMethod = method in FIRST_ORDER;
  return {
    gtol: options.tol ?? 1e-5,
    // Only L-BFGS stops on a small relative reduction of f by default, as L-BFGS-B does; on
    // the others that test ends badly scaled problems early, so they rely on ∇f and the step.
    ftol: options.ftol ?? (method === "lbfgs" ? 2.220446049250313e-9 : 0),
    xtol: options.xtol ?? 0,
    maxIter: options.maxIter ?? (firstOrderMethod ? 10_000 : 200 * n),
    options,
  };
}

/**
 * Minimises a scalar function f of a Tensor from the starting point x0 (a Tensor, number[]
 * or number; f receives a Tensor of x0's shape). Methods: first-order `gd momentum nesterov
 * adagrad rmsprop adam`; quasi-Newton `bfgs lbfgs` (the default); `newton` (modified
 * Hessian, line search); matrix-free `newton-cg trust-ncg`; derivative-free `nelder-mead`.
 * Returns `{x, fun, grad, nit, nfev, ngev, nhev?, success, message, history}`.
 * @example
 * const rosenbrock = (p: nb.Tensor) => {
 *   const [x, y] = [p.slice([0], [1]), p.slice([1], [1])];
 *   return nb.sum(nb.add(nb.square(nb.sub(1, x)), nb.mul(100, nb.square(nb.sub(y, nb.square(x))))));
 * };
 * const result = nb.minimize(rosenbrock, [-1.2, 1], { method: "bfgs" });
 * result.success; // => true
 * result.x.map((v) => Math.round(v * 1e4) / 1e4); // => [1, 1]
 * nb.minimize((x) => nb.square(nb.sub(x, 3)), 0, { method: "newton" }).x; // => 3
 */
export function minimize<X extends StartPoint>(f: ObjectiveFunction, x0: X, options: MinimizeOptions = {}): MinimizeResult<PointLike<X>> {
  const method = options.method ?? "lbfgs";
  const run = METHODS[method];
  if (!run) throw new NablaError(`minimize: unknown method "${method}"; use one of ${Object.keys(METHODS).join(", ")}`);
  const objective = new Objective(f, x0);
  const settings = settingsFor(method, objective.n, options);
  const log = iterationLog(objective, settings, method);
  let outcome: MethodOutcome;
  try {
    outcome = run(log);
  } finally {
    log.finish();
  }
  const g = outcome.g ?? objective.valueAndGrad(outcome.x)[1];
  const shape = (v: Vec): PointLike<X> => (x0 instanceof Tensor
    ? tensor(Array.from(v), { shape: [...x0.shape] })
    : typeof x0 === "number" ? v[0]! : Array.from(v)) as PointLike<X>;
  return {
    x: shape(outcome.x),
    fun: outcome.f,
    grad: shape(g),
    nit: log.nit,
    nfev: objective.counts.nfev,
    ngev: objective.counts.ngev,
    ...(USES_HESSIAN.has(method) ? { nhev: objective.counts.nhev } : {}),
    success: outcome.success,
    message: outcome.message,
    history: log.history,
  };
}
