/**
 * Learning-rate schedules: functions of the step count (0 on the first update) to a rate,
 * exported as `nb.optim.schedules`. Pass one wherever an optimizer takes `lr`.
 * @module
 */
import { NablaError } from "../tensor/errors.js";
import type { Schedule } from "./base.js";

function positive(value: number, name: string, what: string): void {
  if (!(value > 0)) throw new NablaError(`schedules.${name}: ${what} must be positive, got ${value}`);
}

/**
 * The same value at every step.
 * @example
 * nb.optim.schedules.constant(0.1)(1000); // => 0.1
 */
export function constant(value: number): Schedule {
  return () => value;
}

/**
 * Step decay (PyTorch's StepLR): init · γ^⌊t / stepSize⌋.
 * @example
 * const s = nb.optim.schedules.step(1, 10, 0.5);
 * [s(0), s(9), s(10), s(25)]; // => [1, 1, 0.5, 0.25]
 */
export function step(init: number, stepSize: number, gamma: number): Schedule {
  positive(stepSize, "step", "stepSize");
  return (t) => init * gamma ** Math.floor(t / stepSize);
}

/**
 * Exponential decay: init · rate^(t / transitionSteps), with the exponent floored when
 * `staircase`.
 * @example
 * const s = nb.optim.schedules.exponential(2, 0.5, 10);
 * [s(0), s(10), s(5)]; // => [2, 1, 2 * Math.SQRT1_2]
 */
export function exponential(init: number, rate: number, transitionSteps = 1, staircase = false): Schedule {
  positive(transitionSteps, "exponential", "transitionSteps");
  return (t) => init * rate ** (staircase ? Math.floor(t / transitionSteps) : t / transitionSteps);
}

/**
 * Inverse-time decay: init / (1 + rate · t / decaySteps).
 * @example
 * const s = nb.optim.schedules.inverseTime(1, 0.5, 1);
 * [s(0), s(2), s(6)]; // => [1, 0.5, 0.25]
 */
export function inverseTime(init: number, rate: number, decaySteps = 1): Schedule {
  positive(decaySteps, "inverseTime", "decaySteps");
  return (t) => init / (1 + (rate * t) / decaySteps);
}

/**
 * Polynomial decay from init to end over `steps`, then constant:
 * (init − end)(1 − min(t, steps)/steps)^power + end.
 * @example
 * const s = nb.optim.schedules.polynomial(1, 0, 10, 2);
 * [s(0), s(5), s(10), s(20)]; // => [1, 0.25, 0, 0]
 */
export function polynomial(init: number, end: number, steps: number, power = 1): Schedule {
  positive(steps, "polynomial", "steps");
  return (t) => (init - end) * (1 - Math.min(t, steps) / steps) ** power + end;
}

/**
 * Cosine decay (Loshchilov & Hutter 2017, without restarts) from init to alpha·init over
 * `steps`, then constant: init · ((1 − α)·½(1 + cos(π·min(t, steps)/steps)) + α).
 * @example
 * const s = nb.optim.schedules.cosine(1, 10);
 * [s(0), s(5), s(10), s(11)]; // => [1, 0.5, 0, 0]
 */
export function cosine(init: number, steps: number, alpha = 0): Schedule {
  positive(steps, "cosine", "steps");
  return (t) => init * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, steps)) / steps)) + alpha);
}

/**
 * Linear interpolation from `start` to `end` over `steps`, then constant at `end`: the
 * usual warmup (start small, end at the peak).
 * @example
 * const s = nb.optim.schedules.linearWarmup(0, 1, 4);
 * [s(0), s(1), s(4), s(9)]; // => [0, 0.25, 1, 1]
 */
export function linearWarmup(start: number, end: number, steps: number): Schedule {
  positive(steps, "linearWarmup", "steps");
  return (t) => start + ((end - start) * Math.min(t, steps)) / steps;
}

/**
 * Runs each schedule in turn: schedule i+1 takes over at `boundaries[i]` and sees the count
 * from that boundary (restarted at 0), as optax's join_schedules.
 * @example
 * const s = nb.optim.schedules.join([nb.optim.schedules.constant(1), (t) => 10 + t], [5]);
 * [s(4), s(5), s(7)]; // => [1, 10, 12]
 */
export function join(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (boundaries.length !== schedules.length - 1) {
    throw new NablaError(`schedules.join: ${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${boundaries.length}`);
  }
  return (t) => {
    let i = 0;
    while (i < boundaries.length && t >= boundaries[i]!) i++;
    return schedules[i]!(t - (i > 0 ? boundaries[i - 1]! : 0));
  };
}

/**
 * Linear warmup from init to peak over `warmupSteps`, then cosine decay to `end` by step
 * `totalSteps` (optax's warmup_cosine_decay_schedule).
 * @example
 * const s = nb.optim.schedules.warmupCosine(0, 1, 10, 30, 0.1);
 * [s(0), s(5), s(10), s(20), s(30)]; // => [0, 0.5, 1, 0.55, 0.1]
 */
export function warmupCosine(init: number, peak: number, warmupSteps: number, totalSteps: number, end = 0): Schedule {
  const decaySteps = totalSteps - warmupSteps;
  positive(decaySteps, "warmupCosine", "totalSteps − warmupSteps");
  return join([linearWarmup(init, peak, warmupSteps), cosine(peak, decaySteps, end / peak)], [warmupSteps]);
}

/**
 * The one-cycle policy (Smith & Topin 2019) with cosine annealing, step for step as PyTorch's
 * OneCycleLR: from maxLr/divFactor up to maxLr at step pctStart·totalSteps − 1, then down to
 * maxLr/(divFactor·finalDivFactor) at the last step, totalSteps − 1.
 * @example
 * const s = nb.optim.schedules.oneCycle(100, 1, { pctStart: 0.25, divFactor: 10, finalDivFactor: 100 });
 * [s(0), s(12), s(24), s(99)]; // => [0.1, 0.55, 1, 0.001]
 */
export function oneCycle(totalSteps: number, maxLr: number, options: { pctStart?: number; divFactor?: number; finalDivFactor?: number } = {}): Schedule {
  const { pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = options;
  positive(totalSteps, "oneCycle", "totalSteps");
  const initial = maxLr / divFactor;
  const final = initial / finalDivFactor;
  const peak = pctStart * totalSteps - 1;
  const last = totalSteps - 1;
  // Cosine from a to b as the fraction p goes from 0 to 1: b + (a − b)·½(1 + cos πp).
  const anneal = (a: number, b: number, p: number): number => b + ((a - b) * (1 + Math.cos(Math.PI * Math.min(1, p)))) / 2;
  return (t) => (t <= peak ? anneal(initial, maxLr, t / peak) : anneal(maxLr, final, (t - peak) / (last - peak)));
}
