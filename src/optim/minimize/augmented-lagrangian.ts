/**
 * Equality and inequality constraints by the augmented Lagrangian (method of multipliers;
 * Nocedal & Wright §17.3–17.4, with the Powell–Hestenes–Rockafellar term for inequalities):
 * each outer iteration minimises, with the chosen unconstrained (or bounded) method,
 *   L_A(x) = f(x) − λᵀc_E(x) + (ρ/2)‖c_E(x)‖² + Σᵢ ψ(c_I,i(x), μᵢ),
 *   ψ(c, μ) = −μc + (ρ/2)c²  if c ≤ μ/ρ,  else −μ²/(2ρ),
 * then updates λ ← λ − ρc_E and μ ← max(μ − ρc_I, 0), and multiplies ρ by 10 when the
 * violation did not fall to a quarter. At a solution ∇f = Σλᵢ∇c_E,i + Σμᵢ∇c_I,i with μ ≥ 0
 * (constraints c_E = 0, c_I ≥ 0), so λ and μ are the Lagrange multipliers.
 */
import { Tensor } from "../../tensor/tensor.js";
import { toTensor } from "../../tensor/create.js";
import { add, greater, mul, sub, where } from "../../ops/primitives/elementwise.js";
import { sum } from "../../ops/primitives/reduce.js";
import { concat, reshape } from "../../ops/primitives/shape.js";
import { square } from "../../ops/composite.js";
import { grad } from "../../autodiff/reverse.js";
import type { Scalar } from "../../autodiff/types.js";
import { projectedGradient } from "./projected-lbfgs.js";
import type { ObjectiveFunction } from "./objective.js";
import type { Constraint, IterationRecord, KktResiduals, MinimizeOptions, MinimizeResult } from "./types.js";
import { type Vec, norm2, normInf, sub as subVec } from "./vector.js";

/** A flat-vector result, before minimize gives x the kind of x0. */
export type FlatResult = MinimizeResult<Vec>;

/** Runs one subproblem: minimize without general constraints, from a start of x0's shape. */
export type InnerMinimize = (f: ObjectiveFunction, x0: Tensor, options: MinimizeOptions) => FlatResult;

const MAX_OUTER = 50;

/** All constraints of one type, as one 1-D tensor. */
function stacked(constraints: readonly Constraint[], type: Constraint["type"], x: Tensor): Tensor | undefined {
  const parts = constraints.filter((c) => c.type === type).map((c) => {
    const value: Scalar = c.fun(x);
    const t = typeof value === "number" ? toTensor(value) : value;
    return reshape(t, [t.size]);
  });
  return parts.length ? concat(parts) : undefined;
}

const values = (t: Tensor | undefined): number[] => (t ? Array.from(t.values()) : []);

export function augmentedLagrangian(f: ObjectiveFunction, x0: Tensor, options: MinimizeOptions, inner: InnerMinimize): FlatResult {
  const constraints = options.constraints ?? [];
  const gtol = options.tol ?? 1e-5;
  const ctol = options.ctol ?? 1e-6;
  const shape = [...x0.shape];
  const asTensor = (x: Vec): Tensor => toTensor(Array.from(x)).reshape(shape);
  const c0 = { eq: values(stacked(constraints, "eq", x0)), ineq: values(stacked(constraints, "ineq", x0)) };
  let lambda = c0.eq.map(() => 0);
  let mu = c0.ineq.map(() => 0);
  let rho = 10;
  let x = Float64Array.from(x0.values());
  let previousViolation = Infinity;
  const counts = { nfev: 0, ngev: 0, nhev: 0 };
  const history: IterationRecord[] = [];

  /** The Lagrangian f − λᵀc_E − μᵀc_I with fixed multipliers (its gradient is the stationarity residual). */
  const lagrangian = (lam: number[], m: number[]) => (p: Tensor): Tensor => {
    let L = toTensor(f(p));
    const cE = stacked(constraints, "eq", p);
    const cI = stacked(constraints, "ineq", p);
    if (cE) L = sub(L, sum(mul(cE, lam)));
    if (cI) L = sub(L, sum(mul(cI, m)));
    return L;
  };
  const kktAt = (point: Vec, lam: number[], m: number[]): { kkt: KktResiduals; fun: number; g: Vec } => {
    const p = asTensor(point);
    const g = Float64Array.from((grad(lagrangian(lam, m))(p) as Tensor).values());
    counts.nfev++;
    counts.ngev++;
    const lower = options.bounds ? boundVector(options.bounds.lower, point.length, -Infinity) : undefined;
    const upper = options.bounds ? boundVector(options.bounds.upper, point.length, Infinity) : undefined;
    const cE = values(stacked(constraints, "eq", p));
    const cI = values(stacked(constraints, "ineq", p));
    return {
      fun: toTensor(f(p)).item(),
      g,
      kkt: {
        stationarity: normInf(lower && upper ? projectedGradient(point, g, lower, upper) : g),
        primalFeasibility: Math.max(0, ...cE.map(Math.abs), ...cI.map((c) => -c)),
        dualFeasibility: Math.max(0, ...m.map((v) => -v)),
        complementarity: Math.max(0, ...cI.map((c, i) => Math.abs(m[i]! * c))),
      },
    };
  };

  const start = kktAt(x, lambda, mu);
  history.push({ iteration: 0, x: Array.from(x), f: start.fun, gradNorm: start.kkt.stationarity, stepSize: 0 });
  let message = "maximum number of augmented-Lagrangian iterations reached";
  let success = false;
  let last = start;
  for (let k = 1; k <= MAX_OUTER; k++) {
    const [lam, m, r] = [lambda, mu, rho];
    const augmented = (p: Tensor): Tensor => {
      let L = toTensor(f(p));
      const cE = stacked(constraints, "eq", p);
      const cI = stacked(constraints, "ineq", p);
      if (cE) L = add(sub(L, sum(mul(cE, lam))), mul(r / 2, sum(square(cE))));
      if (cI) {
        const active = greater(m.map((v) => v / r), cI);
        const psi = where(active, sub(mul(r / 2, square(cI)), mul(cI, m)), m.map((v) => (-v * v) / (2 * r)));
        L = add(L, sum(psi));
      }
      return L;
    };
    // The subproblems stop on the gradient only: as ρ grows, a small change in L_A no longer
    // means a small gradient, and inexact subproblems spoil the multiplier estimates.
    const subproblem = inner(augmented, asTensor(x), { ...options, constraints: undefined, quiet: true, tol: gtol, ftol: options.ftol ?? 0, callback: undefined });
    counts.nfev += subproblem.nfev;
    counts.ngev += subproblem.ngev;
    counts.nhev += subproblem.nhev ?? 0;
    const step = norm2(subVec(subproblem.x, x));
    x = subproblem.x;
    const p = asTensor(x);
    const cE = values(stacked(constraints, "eq", p));
    const cI = values(stacked(constraints, "ineq", p));
    lambda = lambda.map((l, i) => l - rho * cE[i]!);
    mu = mu.map((v, i) => Math.max(v - rho * cI[i]!, 0));
    last = kktAt(x, lambda, mu);
    history.push({ iteration: k, x: Array.from(x), f: last.fun, gradNorm: last.kkt.stationarity, stepSize: step });
    options.callback?.(history[k]!);
    const { stationarity, primalFeasibility, complementarity } = last.kkt;
    if (primalFeasibility <= ctol && complementarity <= ctol && stationarity <= 10 * gtol) {
      success = true;
      message = "converged: KKT residuals within tol (stationarity) and ctol (feasibility, complementarity)";
      break;
    }
    // The violation the multiplier update is driving to zero: |c_E| and |min(c_I, μ/ρ)|.
    const violation = Math.max(0, ...cE.map(Math.abs), ...cI.map((c, i) => Math.abs(Math.min(c, mu[i]! / rho))));
    if (violation > 0.25 * previousViolation) rho *= 10;
    previousViolation = violation;
  }
  return {
    x, fun: last.fun, grad: last.g, nit: history.length - 1, ...counts, success, message, history,
    multipliers: { eq: lambda, ineq: mu }, kkt: last.kkt,
  };
}

/** A bound given as one number or one per variable, as a vector. */
export function boundVector(bound: number | readonly number[] | undefined, n: number, missing: number): Vec {
  if (bound === undefined) return new Float64Array(n).fill(missing);
  return typeof bound === "number" ? new Float64Array(n).fill(bound) : Float64Array.from(bound);
}
