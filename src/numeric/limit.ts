/**
 * Limits by numerical extrapolation: f is sampled at a ± h, h/2, h/4, … and the samples are
 * extrapolated to h = 0 by Richardson's tableau, which assumes f(a ± h) = L + c₁h + c₂h² + …
 * (true for functions analytic in h near the point, such as sin(x)/x or (1 + x)^(1/x)).
 * The entry with the smallest change along the tableau is the estimate and that change its
 * error, so rounding at tiny h (where f often cancels) is never extrapolated. Iterated Aitken
 * Δ² covers samples that converge geometrically in other powers (√x → 0). Samples that
 * keep growing by steps that do not shrink are a divergence to ±∞ (1/x, log x).
 */
import { NablaError } from "../tensor/errors.js";
import { type ScalarResult, scalarValue } from "./diff.js";

/** Which way x approaches the point: from below, from above, or both (a two-sided limit). */
export type LimitSide = "left" | "right" | "both";

/** Options for `limit`. */
export interface LimitOptions {
  /** Default "both"; ignored for a = ±∞, which can only be approached from one side. */
  side?: LimitSide;
  /** The first (largest) step, default 2⁻³·max(1, |a|); later steps halve it. */
  h?: number;
}

/**
 * What f does as x approaches the point from one side: tends to a finite value (with an error
 * estimate), diverges to ±∞, is undefined there (NaN), or neither (it oscillates).
 */
export interface OneSidedLimit {
  kind: "finite" | "infinite" | "undefined" | "oscillating";
  /** The limit; ±Infinity when infinite, NaN when undefined or oscillating. */
  value: number;
  /** Estimated absolute error of a finite value (else NaN). */
  error: number;
}

/** The result of `limit`. */
export interface LimitResult {
  /** True when the (two-sided, if asked) limit exists and is finite. */
  exists: boolean;
  /** The limit (±Infinity when f diverges the same way from every side asked), else NaN. */
  value: number;
  left?: OneSidedLimit;
  right?: OneSidedLimit;
  /** One sentence saying what was found. */
  message: string;
}

const STEPS = 24;
/** Diagonals beyond this mostly amplify rounding. */
const MAX_ORDER = 8;
/** A finite estimate must be this good, relative to max(1, |L|), to be believed. */
const ACCEPT = 1e-6;

function oneSided(g: (h: number) => number, firstStep: number): OneSidedLimit {
  const samples = Array.from({ length: STEPS }, (_, k) => g(firstStep / 2 ** k));
  const tail = samples.slice(-8);
  if (tail.some(Number.isNaN)) return { kind: "undefined", value: NaN, error: NaN };
  const last = tail[tail.length - 1]!;
  if (!Number.isFinite(last)) return { kind: "infinite", value: last, error: NaN };
  const steps = tail.slice(1).map((y, i) => y - tail[i]!);
  const growing = steps.every((d, i) => d !== 0 && Math.sign(d) === Math.sign(steps[0]!) && (i === 0 || Math.abs(d) >= 0.9 * Math.abs(steps[i - 1]!)));
  if (growing) return { kind: "infinite", value: Math.sign(steps[0]!) * Infinity, error: NaN };
  const candidates = [richardson(samples), aitken(samples)];
  const best = candidates.reduce((a, b) => (b.error < a.error ? b : a));
  // Two equal tableau entries do not make the error zero: rounding in f is at least a few ulps.
  const error = Math.max(best.error, 4 * Number.EPSILON * Math.abs(best.value));
  if (error <= ACCEPT * Math.max(1, Math.abs(best.value))) return { kind: "finite", value: best.value, error };
  return { kind: "oscillating", value: NaN, error: NaN };
}

interface Estimate {
  value: number;
  error: number;
}

/** The tableau entry that changed least from its predecessor (samples at h, h/2, h/4, …). */
function richardson(samples: readonly number[]): Estimate {
  let best: Estimate = { value: NaN, error: Infinity };
  let previous: number[] = [];
  for (const sample of samples) {
    const row = [sample];
    for (let j = 1; j <= Math.min(previous.length, MAX_ORDER); j++) {
      row.push(row[j - 1]! + (row[j - 1]! - previous[j - 1]!) / (2 ** j - 1));
      const error = Math.abs(row[j]! - previous[j - 1]!);
      if (Number.isFinite(row[j]) && error < best.error) best = { value: row[j]!, error };
    }
    previous = row;
  }
  return best;
}

/**
 * Iterated Aitken Δ², for samples that converge geometrically but not in integer powers of h
 * (√h: each step shrinks by 1/√2), where Richardson's assumption fails.
 */
function aitken(samples: readonly number[]): Estimate {
  let best: Estimate = { value: NaN, error: Infinity };
  let sequence = samples;
  for (let pass = 0; pass < 3 && sequence.length >= 3; pass++) {
    const next: number[] = [];
    for (let k = 2; k < sequence.length; k++) {
      const [a, b, c] = [sequence[k - 2]!, sequence[k - 1]!, sequence[k]!];
      const curvature = c - 2 * b + a;
      next.push(curvature === 0 ? c : c - (c - b) ** 2 / curvature);
    }
    for (let k = 1; k < next.length; k++) {
      const error = Math.abs(next[k]! - next[k - 1]!);
      if (Number.isFinite(next[k]) && error < best.error) best = { value: next[k]!, error };
    }
    sequence = next;
  }
  return best;
}

function describeSide(s: OneSidedLimit): string {
  switch (s.kind) {
    case "finite": return String(s.value);
    case "infinite": return s.value > 0 ? "+∞" : "-∞";
    case "undefined": return "undefined (NaN)";
    case "oscillating": return "no limit (it does not settle)";
  }
}

function agree(l: OneSidedLimit, r: OneSidedLimit): boolean {
  if (l.kind === "infinite" && r.kind === "infinite") return l.value === r.value;
  if (l.kind !== "finite" || r.kind !== "finite") return false;
  return Math.abs(l.value - r.value) <= ACCEPT * Math.max(1, Math.abs(l.value), Math.abs(r.value)) + l.error + r.error;
}

/**
 * The limit of f(x) as x → a, from the left, the right or both sides (a may be ±Infinity),
 * by Richardson extrapolation of f(a ± h) as h → 0. Reports when the one-sided limits
 * disagree, diverge, or f is undefined near a.
 *
 * @example
 * Math.abs(nb.limit((x) => Math.sin(x) / x, 0).value - 1) < 1e-12; // => true
 * Math.abs(nb.limit((x) => (1 + x) ** (1 / x), 0).value - Math.E) < 1e-9; // => true
 * nb.limit((x) => 1 / x, 0).message; // => "no limit: from the left -∞, from the right +∞"
 * nb.limit((x) => 1 / x, 0, { side: "right" }).value; // => Infinity
 * Math.abs(nb.limit((x) => x * Math.sin(1 / x), Infinity).value - 1) < 1e-9; // => true
 */
export function limit(f: (x: number) => ScalarResult, a: number, options: LimitOptions = {}): LimitResult {
  const side = options.side ?? "both";
  if (!["left", "right", "both"].includes(side)) throw new NablaError(`limit: side must be "left", "right" or "both", got ${JSON.stringify(side)}`);
  if (Number.isNaN(a)) throw new NablaError("limit: the point is NaN");
  const value = (x: number): number => scalarValue(f(x), "limit");
  if (!Number.isFinite(a)) {
    // x → ±∞ is t → 0⁺ with x = ±1/t.
    const approach = oneSided((t) => value(Math.sign(a) / t), options.h ?? 1 / 8);
    const result: LimitResult = { exists: approach.kind === "finite", value: approach.value, message: "" };
    result[a > 0 ? "left" : "right"] = approach;
    result.message = approach.kind === "finite" ? `the limit is ${approach.value}` : `as x → ${a > 0 ? "+" : "-"}∞, f is ${describeSide(approach)}`;
    return result;
  }
  const h = options.h ?? 2 ** -3 * Math.max(1, Math.abs(a));
  const left = side === "right" ? undefined : oneSided((t) => value(a - t), h);
  const right = side === "left" ? undefined : oneSided((t) => value(a + t), h);
  const sides = [left, right].filter((s): s is OneSidedLimit => s !== undefined);
  const [l, r] = [left ?? right!, right ?? left!];
  if (!agree(l, r) && sides.length === 2) {
    return { exists: false, value: NaN, left, right, message: `no limit: from the left ${describeSide(l)}, from the right ${describeSide(r)}` };
  }
  const only = sides.length === 1 ? sides[0]! : l.error <= r.error ? l : r;
  const exists = only.kind === "finite";
  const where = side === "both" ? "" : ` from the ${side}`;
  const message = exists ? `the limit${where} is ${only.value}`
    : only.kind === "infinite" ? `f diverges to ${describeSide(only)}${where}` : `f is ${describeSide(only)}${where}`;
  return { exists, value: only.kind === "finite" || only.kind === "infinite" ? only.value : NaN, left, right, message };
}
