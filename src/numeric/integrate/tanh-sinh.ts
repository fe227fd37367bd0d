/**
 * Double-exponential quadrature (Takahasi–Mori): the substitution x = φ(t) makes the integrand
 * decay like exp(−c·e^|t|), so the trapezoidal rule in t converges geometrically even with
 * endpoint singularities. tanh-sinh on finite ranges, exp-sinh on half-lines, sinh-sinh on the
 * whole line. Each level halves the step and evaluates only the new nodes, in one call.
 */
import { Tensor } from "../../tensor/tensor.js";
import { scalar, tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { add, concat, mul, neg, sub } from "../../ops/index.js";
import { type Endpoint, type Integrand, endpointValue, evaluateAt, isTraced, weightedSum } from "./rule.js";

/** Options for `tanhSinh`. */
export interface TanhSinhOptions {
  /** Absolute tolerance, default 1.49e-8. */
  epsabs?: number;
  /** Relative tolerance, default 1.49e-8. */
  epsrel?: number;
  /** Most step halvings (level 0 has step 1/2), default 8. */
  maxLevel?: number;
}

/** The result of `tanhSinh` (as `quad`'s, without the partition). */
export interface TanhSinhResult {
  value: Tensor;
  /** |I(h) − I(2h)| plus the outermost terms (for what lies beyond them): generous, as the rule converges much faster. */
  error: number;
  nfev: number;
  success: boolean;
  message: string;
}

const HALF_PI = Math.PI / 2;

interface Node {
  t: number;
  x: number;
  /** dx/dt, multiplied by the step later. */
  w: number;
  /** For finite ranges: the distance to the nearer end as a fraction of b − a, and which end. */
  u: number;
  right: boolean;
}

type Kind = "finite" | "upper" | "lower" | "both";

function node(kind: Kind, t: number, lo: number, hi: number): Node | null {
  const s = HALF_PI * Math.sinh(t);
  const ds = HALF_PI * Math.cosh(t);
  if (kind === "finite") {
    const half = (hi - lo) / 2;
    // Distance to the nearer end, computed without cancellation: 1 − tanh|s| = 2/(e^{2|s|} + 1).
    const gap = 2 / (Math.exp(2 * Math.abs(s)) + 1);
    const x = s < 0 ? lo + half * gap : hi - half * gap;
    if (x <= lo || x >= hi) return null;
    const c = Math.cosh(s);
    return { t, x, w: (half * ds) / (c * c), u: gap / 2, right: s >= 0 };
  }
  if (kind === "both") {
    return { t, x: Math.sinh(s), w: ds * Math.cosh(s), u: 0, right: false };
  }
  const e = Math.exp(s);
  if (!Number.isFinite(e) || e === 0) return null;
  return { t, x: kind === "upper" ? lo + e : hi - e, w: ds * e, u: 0, right: false };
}

/** The nodes t = k·h for odd k (all k at level 0) within ±tMax. */
function levelNodes(kind: Kind, level: number, lo: number, hi: number): Node[] {
  const tMax = kind === "finite" ? 6 : 4.5;
  const h = 0.5 / 2 ** level;
  const out: Node[] = [];
  const step = level === 0 ? 1 : 2;
  for (let k = level === 0 ? 0 : 1; k * h <= tMax; k += step) {
    for (const t of k === 0 ? [0] : [k * h, -k * h]) {
      const n = node(kind, t, lo, hi);
      if (n && Number.isFinite(n.w) && n.w > 0) out.push(n);
    }
  }
  return out;
}

/**
 * ∫ₐᵇ f by tanh-sinh (double-exponential) quadrature; a, b may be ±Infinity. Strong where f
 * is analytic inside the range but singular at its ends (x^−½, log x). f takes a Tensor of
 * nodes and returns their values; the value is differentiable like `quad`'s.
 * @example
 * const r = nb.integrate.tanhSinh((x) => nb.div(1, nb.sqrt(x)), 0, 1);
 * Math.abs(r.value.item() - 2) <= r.error; // => true
 */
export function tanhSinh(f: Integrand, a: Endpoint, b: Endpoint, options: TanhSinhOptions = {}): TanhSinhResult {
  const where = "tanhSinh";
  const epsabs = options.epsabs ?? 1.49e-8;
  const epsrel = options.epsrel ?? 1.49e-8;
  const maxLevel = options.maxLevel ?? 8;
  if (!Number.isInteger(maxLevel) || maxLevel < 2 || maxLevel > 20) throw new NablaError(`${where}: maxLevel must be an integer in [2, 20], got ${maxLevel}`);
  const lo = endpointValue(where, a, "a");
  const hi = endpointValue(where, b, "b");
  if (lo === hi) return { value: scalar(0), error: 0, nfev: 0, success: true, message: "empty range: a = b" };
  if (lo > hi) {
    const r = tanhSinh(f, b, a, options);
    return { ...r, value: neg(r.value) };
  }
  const kind: Kind = Number.isFinite(lo) ? (Number.isFinite(hi) ? "finite" : "upper") : Number.isFinite(hi) ? "lower" : "both";
  const all: Node[] = [];
  let sum = 0;
  let previous = NaN;
  let traced = false;
  let estimate = NaN;
  let error = Infinity;
  // The outermost kept node on each side: |w·f| there bounds the part cut off beyond it
  // (the terms fall double-exponentially, by far more than the step, past it).
  const edges = { low: { t: Infinity, term: 0 }, high: { t: -Infinity, term: 0 } };
  let step = 0.5;
  for (let level = 0; level <= maxLevel; level++) {
    const nodes = levelNodes(kind, level, lo, hi);
    const y = evaluateAt(f, Float64Array.from(nodes, (n) => n.x), where);
    traced ||= y.traced;
    const bad = y.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      return { value: scalar(NaN), error: Infinity, nfev: all.length + nodes.length, success: false, message: `the integrand is not finite at x = ${nodes[bad]!.x}` };
    }
    nodes.forEach((n, i) => {
      const term = n.w * y.values[i]!;
      sum += term;
      if (n.t < edges.low.t) edges.low = { t: n.t, term: Math.abs(term) };
      if (n.t > edges.high.t) edges.high = { t: n.t, term: Math.abs(term) };
    });
    all.push(...nodes);
    step = 0.5 / 2 ** level;
    estimate = sum * step;
    if (level >= 2) {
      error = Math.abs(estimate - previous) + edges.low.term + edges.high.term;
      if (error <= Math.max(epsabs, epsrel * Math.abs(estimate))) break;
    }
    previous = estimate;
  }
  const success = error <= Math.max(epsabs, epsrel * Math.abs(estimate));
  const value = traced || isTraced(a) || isTraced(b) ? tracedValue(f, { a, b, lo, hi, kind }, all, step, estimate) : scalar(estimate);
  return {
    value, error, nfev: all.length, success,
    message: success ? "converged: successive step halvings agree within the tolerance" : `the tolerance was not reached after ${maxLevel} step halvings; the integrand may be oscillatory or divergent (try quad)`,
  };
}

interface Range {
  a: Endpoint;
  b: Endpoint;
  lo: number;
  hi: number;
  kind: Kind;
}

/** The trapezoidal sum over every node used, inside the caller's trace (derivatives only). */
function tracedValue(f: Integrand, r: Range, nodes: readonly Node[], step: number, estimate: number): Tensor {
  const x = Float64Array.from(nodes, (n) => n.x);
  const w = Float64Array.from(nodes, (n) => n.w * step);
  let sum: Tensor;
  if (r.kind === "finite") {
    if (!isTraced(r.a) && !isTraced(r.b)) {
      sum = weightedSum(f, { x: tensor(x), jacobian: 1 }, tensor(w), "tanhSinh");
    } else {
      // Offsets from the nearer end keep the nodes off the ends (where f may be singular).
      const width = sub(r.b, r.a);
      const left = nodes.filter((n) => !n.right);
      const right = nodes.filter((n) => n.right);
      const xs = concat([add(r.a, mul(width, tensor(left.map((n) => n.u)))), sub(r.b, mul(width, tensor(right.map((n) => n.u))))]);
      const ws = tensor([...left, ...right].map((n) => (n.w * step) / (r.hi - r.lo)));
      sum = weightedSum(f, { x: xs, jacobian: width }, ws, "tanhSinh");
    }
  } else {
    const base = r.kind === "upper" ? r.a : r.b;
    const baseValue = r.kind === "upper" ? r.lo : r.hi;
    const shifted = r.kind !== "both" && isTraced(base) ? add(base, tensor(x.map((v) => v - baseValue))) : tensor(x);
    sum = weightedSum(f, { x: shifted, jacobian: 1 }, tensor(w), "tanhSinh");
  }
  return add(sum, estimate - sum.item());
}
