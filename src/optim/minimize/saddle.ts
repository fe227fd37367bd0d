/**
 * The curvature check where a minimisation stops. A small gradient does not make a minimum:
 * gradient methods converge to saddle points whenever they start on a saddle's stable
 * manifold (x² − y² + y⁴/4 from (0.001, 0)). A few Lanczos steps on Hessian-vector products
 * find the most negative curvature; at a strict saddle the second-order methods (newton,
 * newton-cg, trust-ncg) step along that direction and start again, and every other method
 * reports the saddle (success: false) instead of a minimum.
 */
import { lanczosExtend, lanczosStart, ritzPairs, ritzVector } from "../../numeric/lanczos.js";
import type { Objective } from "./objective.js";
import type { MethodContext, MethodOutcome } from "./types.js";
import { type Vec, axpy, dot } from "./vector.js";

/** Lanczos steps of the check: exact for up to this many variables, the extremes beyond. */
const CHECK_STEPS = 30;
/** Curvature below −NEGATIVE·|λ|max is negative; anything above is zero to rounding and tolerance. */
const NEGATIVE = 1e-6;
/** Escapes from saddles before a second-order method gives up. */
const MAX_ESCAPES = 10;

/** What the check found: the lowest curvature, its direction, and the count of negative directions. */
export interface SaddleCheck {
  lowest: number;
  direction: Vec;
  /** Negative eigenvalues found (exact up to CHECK_STEPS variables, a lower bound beyond). */
  morseIndex: number;
}

/** The most negative curvature of f at x, or undefined when there is none beyond the tolerance. */
export function negativeCurvature(objective: Objective, x: Vec): SaddleCheck | undefined {
  const run = lanczosStart(objective.n, { seed: 0 });
  lanczosExtend(run, (v) => objective.hvp(x, v), CHECK_STEPS);
  // A Hessian that is not finite there (a kink, an overflow) gives no verdict.
  if (![...run.alpha, ...run.beta].every(Number.isFinite)) return undefined;
  const { values, vectors } = ritzPairs(run);
  const scale = Math.max(...values.map(Math.abs));
  const negative = values.filter((l) => l < -NEGATIVE * scale).length;
  if (negative === 0 || !Number.isFinite(scale)) return undefined;
  return { lowest: values[0]!, direction: ritzVector(run, vectors[0]!), morseIndex: negative };
}

/** A point below f(x) along ±d (d of negative curvature), or undefined when none is found. */
function escapeStep(objective: Objective, x: Vec, f: number, g: Vec, d: Vec): Vec | undefined {
  const sign = dot(g, d) > 0 ? -1 : 1;
  const at = (step: number) => {
    const y = axpy(x, sign * step, d);
    return { y, f: objective.value(y) };
  };
  const below = (p: { f: number }, bound: number) => Number.isFinite(p.f) && p.f < bound - 1e-12 * Math.max(1, Math.abs(bound));
  let step = 1;
  let best = at(step);
  // Shrink until f decreases; the saddle's scale is unknown, so expand while it goes on decreasing.
  while (!below(best, f) && step > 1e-12) best = at((step /= 2));
  if (!below(best, f)) return undefined;
  for (let i = 0; i < 20 && step >= 1; i++) {
    const next = at((step *= 2));
    if (!below(next, best.f)) break;
    best = next;
  }
  return best.y;
}

/** The message at a saddle point. */
export function saddleMessage(check: SaddleCheck): string {
  return `stopped at a saddle point (Morse index ${check.morseIndex}): the gradient is zero to tol but the Hessian has a negative eigenvalue ${check.lowest.toPrecision(3)}`;
}

/**
 * Runs a method and checks the curvature where it converged. Second-order methods escape a
 * saddle along its most negative direction and run again; others report it.
 */
export function withSaddleCheck(ctx: MethodContext, method: (ctx: MethodContext) => MethodOutcome, escapes: boolean): MethodOutcome {
  const { objective } = ctx;
  let outcome = method(ctx);
  for (let escape = 0; outcome.success; escape++) {
    let check: SaddleCheck | undefined;
    try {
      check = negativeCurvature(objective, outcome.x);
    } catch (e) {
      // f without second derivatives (a custom rule with no JVP) still gets its first-order verdict.
      return { ...outcome, message: `${outcome.message} (curvature not checked: ${e instanceof Error ? e.message : String(e)})` };
    }
    if (!check) return outcome;
    const g = outcome.g ?? objective.valueAndGrad(outcome.x)[1];
    const next = escapes && escape < MAX_ESCAPES ? escapeStep(objective, outcome.x, outcome.f, g, check.direction) : undefined;
    if (!next) return { ...outcome, success: false, message: saddleMessage(check) };
    objective.start = next;
    outcome = method(ctx);
  }
  return outcome;
}
