/**
 * The Moré–Thuente line search (Moré & Thuente, "Line search algorithms with guaranteed
 * sufficient decrease", ACM TOMS 20(3), 1994; MINPACK-2 dcsrch/dcstep): finds α with
 * φ(α) ≤ φ(0) + c₁αφ′(0) and |φ′(α)| ≤ c₂|φ′(0)| (the strong Wolfe conditions) by safeguarded
 * cubic and quadratic interpolation inside a shrinking interval of uncertainty.
 */

/** φ(α) and φ′(α) at one trial step. */
export type LineFunction = (step: number) => [value: number, slope: number];

/** Options of the strong-Wolfe search. */
export interface WolfeOptions {
  /** Sufficient-decrease constant c₁. */
  c1?: number;
  /** Curvature constant c₂ (0.9 suits quasi-Newton directions, 0.1 conjugate gradients). */
  c2?: number;
  /** Relative width of the interval of uncertainty below which the search gives up. */
  xtol?: number;
  minStep?: number;
  maxStep?: number;
  /** Trial steps allowed. */
  maxEvaluations?: number;
}

/** The outcome of a line search. */
export interface LineSearchResult {
  /** True when the strong Wolfe conditions hold at `step`. */
  ok: boolean;
  step: number;
  value: number;
  slope: number;
  /** Why the search stopped, when it did not converge. */
  message: string;
}

/** The message when φ still decreases at the largest step allowed: f looks unbounded below. */
export const AT_MAX_STEP = "step at the upper bound";

const XTRAPL = 1.1;
const XTRAPU = 4;

/**
 * Searches along φ from `initialStep`, given φ(0) and φ′(0) < 0. Returns the best step found
 * (the one of least φ) with ok = false when the conditions could not be met.
 */
export function moreThuente(phi: LineFunction, value0: number, slope0: number, initialStep: number, options: WolfeOptions = {}): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, xtol = 1e-14, minStep = 0, maxStep = 1e10, maxEvaluations = 20 } = options;
  if (!(slope0 < 0)) return { ok: false, step: 0, value: value0, slope: slope0, message: "not a descent direction" };
  let step = Math.min(Math.max(initialStep, minStep), maxStep);
  const gtest = c1 * slope0;
  let bracketed = false;
  let stage = 1;
  let width = maxStep - minStep;
  let width1 = 2 * width;
  // The interval of uncertainty: x the best step so far, y the other end.
  const x = { step: 0, value: value0, slope: slope0 };
  const y = { step: 0, value: value0, slope: slope0 };
  let lo = 0;
  let hi = step + XTRAPU * step;
  let best = { step: 0, value: value0, slope: slope0 };
  for (let evaluation = 0; evaluation < maxEvaluations; evaluation++) {
    const [value, slope] = phi(step);
    if (!Number.isFinite(value) || !Number.isFinite(slope)) {
      // Overshot into a region where f is undefined: shrink towards the best step.
      hi = step;
      bracketed = true;
      step = x.step + 0.5 * (step - x.step);
      continue;
    }
    if (value < best.value) best = { step, value, slope };
    const ftest = value0 + step * gtest;
    if (stage === 1 && value <= ftest && slope >= 0) stage = 2;
    if (value <= ftest && Math.abs(slope) <= c2 * -slope0) return { ok: true, step, value, slope, message: "" };
    const stop =
      (bracketed && (step <= lo || step >= hi)) ? "rounding errors prevent progress"
      : (bracketed && hi - lo <= xtol * hi) ? "interval of uncertainty below xtol"
      : (step === maxStep && value <= ftest && slope <= gtest) ? AT_MAX_STEP
      : (step === minStep && (value > ftest || slope >= gtest)) ? "step at the lower bound"
      : "";
    if (stop) return { ok: false, ...best, message: stop };
    const trial = { step, value, slope };
    if (stage === 1 && value <= x.value && value > ftest) {
      // The modified function ψ(α) = φ(α) − φ(0) − c₁αφ′(0) until a step with ψ ≤ 0, φ′ ≥ 0.
      const shift = (p: { step: number; value: number; slope: number }) => ({ step: p.step, value: p.value - p.step * gtest, slope: p.slope - gtest });
      const [mx, my, mt] = [shift(x), shift(y), shift(trial)];
      const r = safeguardedStep(mx, my, mt, bracketed, lo, hi);
      bracketed = r.bracketed;
      Object.assign(x, { step: mx.step, value: mx.value + mx.step * gtest, slope: mx.slope + gtest });
      Object.assign(y, { step: my.step, value: my.value + my.step * gtest, slope: my.slope + gtest });
      step = r.step;
    } else {
      const r = safeguardedStep(x, y, trial, bracketed, lo, hi);
      bracketed = r.bracketed;
      step = r.step;
    }
    if (bracketed) {
      // Force sufficient shrinkage of the interval: bisect when two steps shrank it too little.
      if (Math.abs(y.step - x.step) >= 0.66 * width1) step = x.step + 0.5 * (y.step - x.step);
      width1 = width;
      width = Math.abs(y.step - x.step);
      lo = Math.min(x.step, y.step);
      hi = Math.max(x.step, y.step);
    } else {
      lo = step + XTRAPL * (step - x.step);
      hi = step + XTRAPU * (step - x.step);
    }
    step = Math.min(Math.max(step, minStep), maxStep);
    if ((bracketed && (step <= lo || step >= hi)) || (bracketed && hi - lo <= xtol * hi)) step = x.step;
  }
  return { ok: false, ...best, message: "too many function evaluations in the line search" };
}

interface Point {
  step: number;
  value: number;
  slope: number;
}

/** Cubic minimiser of the interpolant through (a, fa, da) and (b, fb, db), as a fraction step. */
function cubicStep(a: Point, b: Point, flip: boolean): { gamma: number; theta: number } {
  const theta = (3 * (a.value - b.value)) / (b.step - a.step) + a.slope + b.slope;
  const s = Math.max(Math.abs(theta), Math.abs(a.slope), Math.abs(b.slope));
  let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (a.slope / s) * (b.slope / s)));
  if (flip) gamma = -gamma;
  return { gamma, theta };
}

/**
 * dcstep: a new trial step from the interval (x, y) and the trial t, and the updated
 * interval (x and y are changed in place). The four cases of Moré & Thuente, section 4.
 */
function safeguardedStep(x: Point, y: Point, t: Point, bracketed: boolean, lo: number, hi: number): { step: number; bracketed: boolean } {
  const sgnd = t.slope * Math.sign(x.slope);
  let next: number;
  if (t.value > x.value) {
    // Case 1: higher value; the minimum is bracketed. Take the cubic step if closer to x.
    const { gamma, theta } = cubicStep(x, t, t.step < x.step);
    const p = gamma - x.slope + theta;
    const q = gamma - x.slope + gamma + t.slope;
    const cubic = x.step + (p / q) * (t.step - x.step);
    const quadratic = x.step + (x.slope / ((x.value - t.value) / (t.step - x.step) + x.slope) / 2) * (t.step - x.step);
    next = Math.abs(cubic - x.step) < Math.abs(quadratic - x.step) ? cubic : cubic + (quadratic - cubic) / 2;
    bracketed = true;
  } else if (sgnd < 0) {
    // Case 2: lower value, slopes of opposite sign; bracketed. Take the step farther from t.
    const { gamma, theta } = cubicStep(x, t, t.step > x.step);
    const p = gamma - t.slope + theta;
    const q = gamma - t.slope + gamma + x.slope;
    const cubic = t.step + (p / q) * (x.step - t.step);
    const secant = t.step + (t.slope / (t.slope - x.slope)) * (x.step - t.step);
    next = Math.abs(cubic - t.step) > Math.abs(secant - t.step) ? cubic : secant;
    bracketed = true;
  } else if (Math.abs(t.slope) < Math.abs(x.slope)) {
    // Case 3: lower value, same slope sign, slope decreasing in magnitude.
    const { gamma, theta } = cubicStep(x, t, t.step > x.step);
    const p = gamma - t.slope + theta;
    const q = gamma + (x.slope - t.slope) + gamma;
    const r = p / q;
    const cubic = r < 0 && gamma !== 0 ? t.step + r * (x.step - t.step) : t.step > x.step ? hi : lo;
    const secant = t.step + (t.slope / (t.slope - x.slope)) * (x.step - t.step);
    if (bracketed) {
      next = Math.abs(cubic - t.step) < Math.abs(secant - t.step) ? cubic : secant;
      const limit = t.step + 0.66 * (y.step - t.step);
      next = t.step > x.step ? Math.min(limit, next) : Math.max(limit, next);
    } else {
      next = Math.abs(cubic - t.step) > Math.abs(secant - t.step) ? cubic : secant;
      next = Math.max(lo, Math.min(hi, next));
    }
  } else if (bracketed) {
    // Case 4: lower value, same slope sign, slope not decreasing: cubic through t and y.
    const { gamma, theta } = cubicStep(t, y, t.step > y.step);
    const p = gamma - t.slope + theta;
    const q = gamma - t.slope + gamma + y.slope;
    next = t.step + (p / q) * (y.step - t.step);
  } else {
    next = t.step > x.step ? hi : lo;
  }
  if (t.value > x.value) {
    Object.assign(y, t);
  } else {
    if (sgnd < 0) Object.assign(y, x);
    Object.assign(x, t);
  }
  return { step: next, bracketed };
}
