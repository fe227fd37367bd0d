/**
 * quad: adaptive Gauss–Kronrod quadrature with Wynn-ε extrapolation (QUADPACK's QAGS, QAGI
 * and QAGP), shaped like scipy.integrate.quad. The value is differentiable without
 * differentiating the adaptive loop: the search runs on concrete numbers, then the fixed rule
 * on the final partition is evaluated once more inside the caller's trace, so derivatives of
 * every order (in what f closes over, and in a and b by the Leibniz rule) come from that sum.
 */
import { Tensor } from "../../tensor/tensor.js";
import { scalar } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { add, neg } from "../../ops/index.js";
import { type Endpoint, type Integrand, endpointValue, isTraced } from "./rule.js";
import { type Outcome, type Piece, RuleEvaluator, type Status, adapt, checkTolerances } from "./adaptive.js";
import { type Transform, transformFor } from "./transform.js";

/** Options for `quad` (scipy's names and defaults). */
export interface QuadOptions {
  /** Absolute tolerance, default 1.49e-8. */
  epsabs?: number;
  /** Relative tolerance, default 1.49e-8. Stops when error ≤ max(epsabs, epsrel·|value|). */
  epsrel?: number;
  /** Most subintervals, default 50. */
  limit?: number;
  /** Known difficulties inside a finite (a, b) (kinks, jumps, singularities): the range is split there first. */
  points?: readonly number[];
}

/** The result of `quad`. */
export interface QuadResult {
  /** The integral: a scalar Tensor, differentiable in a, b and anything f closes over. */
  value: Tensor;
  /** Estimated absolute error (an estimate the tests check is never below the true error). */
  error: number;
  /** Points at which f was evaluated during the adaptive search (not counting a derivative pass). */
  nfev: number;
  /** True when the tolerance was reached. */
  success: boolean;
  /** Why the search stopped, in words. */
  message: string;
  /** Subintervals of the final partition. */
  intervals: number;
}

const MESSAGES: Record<Status, string> = {
  0: "converged: the estimated error is within the tolerance",
  1: "the maximum number of subintervals (limit) was reached before the tolerance; raise limit, or give the difficult points in `points`",
  2: "roundoff error prevents reaching the requested tolerance; the error estimate is as small as this integrand allows",
  3: "extremely bad integrand behaviour (a non-integrable singularity, or a jump not given in `points`) near x ≈ ",
  4: "the extrapolation does not converge: the integral may be oscillatory on an infinite range or divergent, and the value is unreliable",
  5: "the integral is probably divergent, or converges too slowly (or oscillates on an infinite range) to estimate; the value is unreliable",
  6: "the integrand is not finite at x = ",
};

function message(o: Outcome, transform: Transform): string {
  if (o.status === 6) return `${MESSAGES[6]}${o.badPoint} (NaN or ±Infinity); if the singularity is integrable, put it at an end of the range or in \`points\``;
  if (o.status !== 3) return MESSAGES[o.status];
  const worst = o.pieces.reduce((w, p) => (p.error > w.error ? p : w), o.pieces[0]!);
  const s = Float64Array.of((worst.lo + worst.hi) / 2);
  return `${MESSAGES[3]}${transform.points(s).x[0]!.toPrecision(6)}`;
}

/** The sum of the fixed rule over the final partition, evaluated inside the caller's trace. */
function tracedValue(f: Integrand, ev: RuleEvaluator, transform: Transform, pieces: readonly Piece[], value: number): Tensor {
  const { s, w } = ev.nodes(pieces.map((p) => [p.lo, p.hi] as const));
  const sum = transform.traced(f, s, w);
  // The primal is the (possibly extrapolated) estimate; derivatives are the partition sum's.
  return add(sum, value - sum.item());
}

function breakpoints(where: string, lo: number, hi: number, points: readonly number[] | undefined): number[] {
  if (!points || points.length === 0) return [lo, hi];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new NablaError(`${where}: points need a finite range; split an infinite range at the points yourself and add the pieces`);
  const inside = [...points].sort((x, y) => x - y);
  for (const p of inside) {
    if (!(p > lo && p < hi)) throw new NablaError(`${where}: every point must lie strictly inside (${lo}, ${hi}); got ${p}`);
  }
  return [lo, ...inside.filter((p, i) => i === 0 || p !== inside[i - 1]), hi];
}

/**
 * ∫ₐᵇ f(x) dx by adaptive Gauss–Kronrod quadrature (21 points on finite ranges, 15 on ranges
 * with an infinite end, mapped to (0, 1]) with Wynn-ε extrapolation for endpoint singularities.
 * f receives a Tensor of nodes and returns their values (write it elementwise with nabla
 * ops); it is called once per bisection with all new nodes. On failure `success` is false,
 * `message` says why and `error` is the estimate reached, never a claim of the tolerance.
 * @example
 * const r = nb.integrate.quad((x) => nb.exp(nb.neg(nb.square(x))), -Infinity, Infinity);
 * r.value.item(); // => Math.sqrt(Math.PI)
 * r.success; // => true
 * // d/dθ ∫₀¹ sin(θx) dx = ∫₀¹ x cos(θx) dx
 * nb.grad((t) => nb.integrate.quad((x) => nb.sin(nb.mul(t, x)), 0, 1).value)(1); // => Math.cos(1) + Math.sin(1) - 1
 */
export function quad(f: Integrand, a: Endpoint, b: Endpoint, options: QuadOptions = {}): QuadResult {
  const where = "quad";
  const epsabs = options.epsabs ?? 1.49e-8;
  const epsrel = options.epsrel ?? 1.49e-8;
  const limit = options.limit ?? 50;
  checkTolerances(where, epsabs, epsrel, limit);
  if (typeof f !== "function") throw new NablaError(`${where}: f must be a function of a Tensor of nodes, got ${typeof f}`);
  const lo = endpointValue(where, a, "a");
  const hi = endpointValue(where, b, "b");
  if (lo === hi) return { value: scalar(0), error: 0, nfev: 0, success: true, message: "empty range: a = b", intervals: 0 };
  if (lo > hi) {
    const r = quad(f, b, a, options);
    return { ...r, value: neg(r.value) };
  }
  const transform = transformFor(a, b, lo, hi);
  const finite = Number.isFinite(lo) && Number.isFinite(hi);
  const breaks = finite ? breakpoints(where, lo, hi, options.points) : (breakpoints(where, lo, hi, options.points), [transform.lo, transform.hi]);
  const ev = new RuleEvaluator(f, transform, where);
  const outcome = adapt(ev, breaks, epsabs, epsrel, Math.max(limit, breaks.length - 1));
  const needsTrace = outcome.status !== 6 && (outcome.traced || isTraced(a) || isTraced(b));
  return {
    value: needsTrace ? tracedValue(f, ev, transform, outcome.pieces, outcome.result) : scalar(outcome.result),
    error: outcome.error,
    nfev: outcome.nfev,
    success: outcome.status === 0,
    message: message(outcome, transform),
    intervals: outcome.pieces.length,
  };
}
