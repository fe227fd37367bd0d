/**
 * minimize's options checked before any work: a NaN tolerance, a negative iteration count or
 * crossed bounds would otherwise run and report a meaningless "success".
 */
import { NablaError } from "../../tensor/errors.js";
import { checkLearningRate } from "../base.js";
import type { MinimizeOptions } from "./types.js";
import type { Vec } from "./vector.js";

function fail(detail: string): never {
  throw new NablaError(`minimize: ${detail}`);
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) fail(`${name} must be an integer ≥ 1, got ${value}`);
}

function checkNonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && !(typeof value === "number" && value >= 0 && value < Infinity)) fail(`${name} must be a finite number ≥ 0, got ${value}`);
}

function checkPositive(name: string, value: number | undefined): void {
  if (value !== undefined && !(typeof value === "number" && value > 0 && value < Infinity)) fail(`${name} must be a finite number > 0, got ${value}`);
}

/** Throws a NablaError naming the first option that makes no sense. */
export function checkOptions(options: MinimizeOptions): void {
  for (const name of ["tol", "ftol", "xtol", "ctol"] as const) checkNonNegative(name, options[name]);
  for (const name of ["maxIter", "memory"] as const) checkCount(name, options[name]);
  for (const name of ["initialTrustRadius", "maxTrustRadius"] as const) checkPositive(name, options[name]);
  if (options.lr !== undefined) checkLearningRate(options.lr, "minimize");
  if (options.momentum !== undefined && !(options.momentum >= 0 && options.momentum < 1)) fail(`momentum must be in [0, 1), got ${options.momentum}`);
}

/** x0 must be finite: a NaN start makes every method stop at once with a NaN "answer". */
export function checkStart(start: Vec): void {
  const bad = start.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`x0[${bad}] is ${start[bad]}; the starting point must be finite`);
}

/** Each lower bound ≤ its upper bound, and neither is NaN. */
export function checkBounds(lower: Vec, upper: Vec): void {
  for (let i = 0; i < lower.length; i++) {
    if (Number.isNaN(lower[i]) || Number.isNaN(upper[i]) || lower[i]! > upper[i]!) {
      fail(`bounds for x[${i}] are lower = ${lower[i]} > upper = ${upper[i]} (or NaN); no point satisfies them`);
    }
  }
}
