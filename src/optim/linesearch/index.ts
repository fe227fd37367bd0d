/** Line searches along a direction of the flat objective used by minimize. */
import type { Objective } from "../minimize/objective.js";
import { type Vec, axpy, dot } from "../minimize/vector.js";
import { type WolfeOptions, moreThuente } from "./more-thuente.js";

/** The point a line search stopped at, with f and ∇f there. */
export interface LineSearchStep {
  ok: boolean;
  message: string;
  step: number;
  x: Vec;
  f: number;
  g: Vec;
}

/**
 * A strong-Wolfe (Moré–Thuente) search from x along d, given f(x) and ∇f(x). Each trial step
 * costs one evaluation of f and ∇f together.
 */
export function searchAlong(objective: Objective, x: Vec, f: number, g: Vec, d: Vec, initialStep: number, options: WolfeOptions = {}): LineSearchStep {
  const trials = new Map<number, [number, Vec]>();
  const phi = (step: number): [number, number] => {
    const [value, grad] = objective.valueAndGrad(axpy(x, step, d));
    trials.set(step, [value, grad]);
    return [value, dot(grad, d)];
  };
  const r = moreThuente(phi, f, dot(g, d), initialStep, options);
  const [fNew, gNew] = trials.get(r.step) ?? [f, g];
  return { ok: r.ok, message: r.message, step: r.step, x: r.step === 0 ? x : axpy(x, r.step, d), f: fNew, g: gNew };
}
