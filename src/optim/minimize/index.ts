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
import { type Method, type MethodContext, type MethodOutcome, type MinimizeOptions, type MinimizeResult, SECOND_ORDER_METHODS, type Settings } from "./types.js";
import { optimizerNames } from "../registry.js";
import type { Vec } from "./vector.js";
import { FIRST_ORDER, firstOrder } from "./first-order.js";
import { bfgs } from "./bfgs.js";
import { lbfgs } from "./lbfgs.js";
import { newton } from "./newton.js";
import { newtonCg } from "./newton-cg.js";
import { trustNcg } from "./trust-ncg.js";
import { nelderMead } from "./nelder-mead.js";
import { projectedLbfgs } from "./projected-lbfgs.js";
import { type FlatResult, augmentedLagrangian, boundVector } from "./augmented-lagrangian.js";
import { checkBounds, checkOptions, checkStart } from "./validate.js";
import { withSaddleCheck } from "./saddle.js";

export type { ObjectiveFunction, StartPoint } from "./objective.js";
export type { Bounds, Constraint, IterationRecord, KktResiduals, Method, MinimizeOptions, MinimizeResult, Multipliers } from "./types.js";

/** A point of the kind x0 was: a number, a number[] or a Tensor of x0's shape. */
export type PointLike<X> = X extends number ? number : X extends Tensor ? Tensor : number[];

const METHODS: Record<Method, (ctx: MethodContext) => MethodOutcome> = {
  ...Object.fromEntries(Object.entries(FIRST_ORDER).map(([name, make]) => [name, (ctx: MethodContext) => firstOrder(make(ctx.settings.options), ctx)])),
  bfgs, lbfgs, newton, "newton-cg": newtonCg, "trust-ncg": trustNcg, "nelder-mead": nelderMead,
} as Record<Method, (ctx: MethodContext) => MethodOutcome>;

/**
 * Every method minimize accepts: its own (lbfgs first, the default), then each optimizer of
 * nb.optim.optimizers.
 * @example
 * nb.minimizeMethods.slice(0, 3); // => ["lbfgs", "bfgs", "newton"]
 * nb.minimizeMethods.includes("adam"); // => true
 */
export const minimizeMethods: readonly Method[] = [...SECOND_ORDER_METHODS, ...optimizerNames];

const USES_HESSIAN = new Set<Method>(["newton", "newton-cg", "trust-ncg"]);

function settingsFor(method: Method, n: number, options: MinimizeOptions): Settings {
  const firstOrderMethod = method in FIRST_ORDER;
  const settings: Settings = {
    gtol: options.tol ?? 1e-5,
    // Only L-BFGS stops on a small relative reduction of f by default, as L-BFGS-B does; on
    // the others that test ends badly scaled problems early, so they rely on ∇f and the step.
    ftol: options.ftol ?? (method === "lbfgs" ? 2.220446049250313e-9 : 0),
    xtol: options.xtol ?? 0,
    maxIter: options.maxIter ?? (firstOrderMethod ? 10_000 : 200 * n),
    options,
  };
  if (options.bounds) {
    if (method !== "lbfgs") throw new NablaError(`minimize: bounds need method "lbfgs" (a projected L-BFGS), not "${method}"`);
    settings.lower = boundVector(options.bounds.lower, n, -Infinity);
    settings.upper = boundVector(options.bounds.upper, n, Infinity);
    if (settings.lower.length !== n || settings.upper.length !== n) {
      throw new NablaError(`minimize: bounds need one value, or one per variable (${n}), on each side`);
    }
    checkBounds(settings.lower, settings.upper);
  }
  return settings;
}

/** One run of a method on an unconstrained (or bounded) problem. */
function run(f: ObjectiveFunction, x0: StartPoint, options: MinimizeOptions): FlatResult {
  const method = options.method ?? "lbfgs";
  const runMethod = options.bounds ? projectedLbfgs : Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!runMethod) throw new NablaError(`minimize: unknown method "${method}"; use one of ${Object.keys(METHODS).join(", ")}`);
  const objective = new Objective(f, x0);
  checkStart(objective.start);
  const settings = settingsFor(method, objective.n, options);
  const log = iterationLog(objective, settings, method);
  let outcome: MethodOutcome;
  try {
    // Bounded minima may lie on a face with negative curvature; elsewhere a saddle is no minimum.
    outcome = options.bounds ? runMethod(log) : withSaddleCheck(log, runMethod, USES_HESSIAN.has(method));
  } finally {
    log.finish();
  }
  return {
    x: outcome.x,
    fun: outcome.f,
    grad: outcome.g ?? objective.valueAndGrad(outcome.x)[1],
    nit: log.nit,
    nfev: objective.counts.nfev,
    ngev: objective.counts.ngev,
    ...(USES_HESSIAN.has(method) || objective.counts.nhev > 0 ? { nhev: objective.counts.nhev } : {}),
    success: outcome.success,
    message: outcome.message,
    history: log.history,
  };
}

/**
 * Minimises a scalar function f of a Tensor from the starting point x0 (a Tensor, number[]
 * or number; f receives a Tensor of x0's shape). Methods: first-order, any name of
 * `nb.optim.optimizers` (`gd momentum nesterov adagrad rmsprop adam adamw …`); quasi-Newton `bfgs lbfgs` (the default); `newton` (modified
 * Hessian, line search); matrix-free `newton-cg trust-ncg`; derivative-free `nelder-mead`.
 * `bounds` (with lbfgs) keep lower ≤ x ≤ upper; `constraints` (`{type: "eq" | "ineq", fun}`,
 * fun(x) = 0 or ≥ 0) are met by an augmented Lagrangian around the method, and the result
 * then carries the Lagrange `multipliers` and the `kkt` residuals.
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
 * // x² + y² on the line x + y = 1: the minimum (½, ½) with multiplier λ = 1.
 * const onLine = nb.minimize((p) => nb.sum(nb.square(p)), [0, 0], {
 *   constraints: [{ type: "eq", fun: (p) => nb.sub(nb.sum(p), 1) }],
 * });
 * onLine.x.map((v) => Math.round(v * 1e5) / 1e5); // => [0.5, 0.5]
 * Math.round(onLine.multipliers!.eq[0]! * 1e5) / 1e5; // => 1
 */
export function minimize<X extends StartPoint>(f: ObjectiveFunction, x0: X, options: MinimizeOptions = {}): MinimizeResult<PointLike<X>> {
  checkOptions(options);
  const start = x0 instanceof Tensor ? x0 : tensor(typeof x0 === "number" ? x0 : [...(x0 as readonly number[])]);
  const flat = options.constraints?.length
    ? augmentedLagrangian(f, start, options, run)
    : run(f, x0, options);
  const shape = (v: Vec): PointLike<X> => (x0 instanceof Tensor
    ? tensor(Array.from(v), { shape: [...x0.shape] })
    : typeof x0 === "number" ? v[0]! : Array.from(v)) as PointLike<X>;
  return { ...flat, x: shape(flat.x), grad: shape(flat.grad) };
}
