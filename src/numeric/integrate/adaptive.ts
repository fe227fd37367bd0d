/**
 * The adaptive loop of QUADPACK's QAGS/QAGI/QAGP (Piessens et al. 1983): bisect the interval
 * with the largest error; once the largest errors sit on small intervals (an endpoint
 * singularity), extrapolate the sequence of totals with Wynn's ε-algorithm; give up with a
 * reason (limit, roundoff, bad behaviour, divergence) rather than claim an accuracy not reached.
 * Both halves of a bisection are evaluated in one call of the integrand.
 */
import { NablaError } from "../../tensor/errors.js";
import { type Integrand, evaluateAt } from "./rule.js";
import { type RuleEstimate, applyRule } from "./kronrod.js";
import { EpsilonTable } from "./epsilon.js";
import type { Transform } from "./transform.js";

const EPS = Number.EPSILON;

/** One subinterval of the loop variable with its estimates; level counts the bisections. */
export interface Piece extends RuleEstimate {
  lo: number;
  hi: number;
  level: number;
}

/**
 * Why the loop stopped: 0 converged; else QUADPACK's ier: 1 limit reached, 2 roundoff, 3 bad
 * integrand behaviour, 4 the extrapolation does not converge, 5 probably divergent; and 6 f not finite.
 */
export type Status = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface Outcome {
  result: number;
  error: number;
  status: Status;
  pieces: Piece[];
  nfev: number;
  traced: boolean;
  /** Where f was not finite (status 6). */
  badPoint?: number;
}

/** Evaluates the rule on many intervals with one call of f. */
export class RuleEvaluator {
  nfev = 0;
  traced = false;
  badPoint: number | undefined;

  constructor(private readonly f: Integrand, private readonly transform: Transform, private readonly where: string) {}

  /** Loop-variable nodes and weights of every interval, concatenated. */
  nodes(intervals: readonly (readonly [number, number])[]): { s: Float64Array; w: Float64Array } {
    const { nodes, kronrod } = this.transform.rule;
    const m = nodes.length;
    const s = new Float64Array(m * intervals.length);
    const w = new Float64Array(m * intervals.length);
    intervals.forEach(([lo, hi], k) => {
      const c = (lo + hi) / 2;
      const h = (hi - lo) / 2;
      for (let i = 0; i < m; i++) {
        s[k * m + i] = c + h * nodes[i]!;
        w[k * m + i] = h * kronrod[i]!;
      }
    });
    return { s, w };
  }

  estimate(intervals: readonly (readonly [number, number])[]): RuleEstimate[] | null {
    const { rule, copies } = this.transform;
    const { s } = this.nodes(intervals);
    const { x, jacobian } = this.transform.points(s);
    const { values, traced } = evaluateAt(this.f, x, this.where);
    this.nfev += x.length;
    this.traced ||= traced;
    const g = new Float64Array(s.length);
    for (let c = 0; c < copies; c++) {
      for (let i = 0; i < s.length; i++) {
        const v = values[c * s.length + i]!;
        if (!Number.isFinite(v)) {
          this.badPoint = x[c * s.length + i]!;
          return null;
        }
        g[i]! += v * jacobian[c * s.length + i]!;
      }
    }
    const m = rule.nodes.length;
    return intervals.map(([lo, hi], k) => applyRule(rule, g, k * m, (hi - lo) / 2));
  }
}

function largest(pieces: readonly Piece[], accept: (p: Piece) => boolean, maxRank = pieces.length): number {
  const order = pieces.map((_, i) => i).sort((i, j) => pieces[j]!.error - pieces[i]!.error);
  return order.slice(0, maxRank).find((i) => accept(pieces[i]!)) ?? -1;
}

const total = (pieces: readonly Piece[], key: "result" | "error") => pieces.reduce((s, p) => s + p[key], 0);

/** The QAGS loop on the intervals between consecutive breakpoints (QAGP when more than two). */
export function adapt(ev: RuleEvaluator, breaks: readonly number[], epsabs: number, epsrel: number, limit: number): Outcome {
  const done = (result: number, error: number, status: Status, pieces: Piece[]): Outcome => ({
    result, error, status, pieces, nfev: ev.nfev, traced: ev.traced, ...(ev.badPoint === undefined ? {} : { badPoint: ev.badPoint }),
  });
  const spans = breaks.slice(1).map((hi, i) => [breaks[i]!, hi] as const);
  const first = ev.estimate(spans);
  if (!first) return done(NaN, Infinity, 6, []);
  const pieces: Piece[] = first.map((e, i) => ({ ...e, lo: spans[i]![0], hi: spans[i]![1], level: 0 }));
  let result = total(pieces, "result");
  let abserr = total(pieces, "error");
  const defabs = pieces.reduce((s, p) => s + p.absolute, 0);
  const resasc = pieces.reduce((s, p) => s + p.deviation, 0);
  const dres = Math.abs(result);
  let errbnd = Math.max(epsabs, epsrel * dres);
  let ier = 0;
  if (abserr <= 100 * EPS * defabs && abserr > errbnd) ier = 2;
  if (pieces.length >= limit) ier = 1;
  if (ier !== 0 || (abserr <= errbnd && abserr !== resasc) || abserr === 0) return done(result, abserr, ier as Status, pieces);

  const table = new EpsilonTable();
  table.push(result);
  let area = result;
  let errsum = abserr;
  abserr = Infinity;
  let [ktmin, iroff1, iroff2, iroff3, ierro] = [0, 0, 0, 0, 0];
  let [extrap, noext, firstBisection] = [false, false, true];
  const ksgn = dres >= (1 - 50 * EPS) * defabs ? 1 : -1;
  // "Large" intervals are those not yet bisected more than smallLevel times.
  let smallLevel = 1;
  const isLarge = (p: Piece) => p.level <= smallLevel;
  let [erlarg, ertest, correc] = [0, 0, 0];
  let next = largest(pieces, () => true);
  for (;;) {
    const p = pieces[next]!;
    const mid = (p.lo + p.hi) / 2;
    const halves = ev.estimate([[p.lo, mid], [mid, p.hi]]);
    if (!halves) return done(NaN, Infinity, 6, pieces);
    const [e1, e2] = halves as [RuleEstimate, RuleEstimate];
    const erlast = p.error;
    const area12 = e1.result + e2.result;
    const erro12 = e1.error + e2.error;
    errsum += erro12 - p.error;
    area += area12 - p.result;
    if (e1.deviation !== e1.error && e2.deviation !== e2.error) {
      if (Math.abs(p.result - area12) <= 1e-5 * Math.abs(area12) && erro12 >= 0.99 * p.error) {
        if (extrap) iroff2++;
        else iroff1++;
      }
      if (pieces.length + 1 > 10 && erro12 > p.error) iroff3++;
    }
    const level = p.level + 1;
    pieces.splice(next, 1, { ...e1, lo: p.lo, hi: mid, level }, { ...e2, lo: mid, hi: p.hi, level });
    errbnd = Math.max(epsabs, epsrel * Math.abs(area));
    if (iroff1 + iroff2 >= 10 || iroff3 >= 20) ier = 2;
    if (iroff2 >= 5) ierro = 3;
    if (pieces.length >= limit) ier = 1;
    if (Math.max(Math.abs(p.lo), Math.abs(p.hi)) <= (1 + 100 * EPS) * (Math.abs(mid) + 1000 * Number.MIN_VALUE)) ier = 4;
    if (errsum <= errbnd) return done(total(pieces, "result"), errsum, 0, pieces);
    if (ier !== 0) break;
    next = largest(pieces, () => true);
    if (firstBisection) {
      firstBisection = false;
      erlarg = errsum;
      ertest = errbnd;
      table.push(area);
      continue;
    }
    if (noext) continue;
    erlarg -= erlast;
    if (level <= smallLevel) erlarg += erro12;
    if (!extrap) {
      if (isLarge(pieces[next]!)) continue;
      extrap = true;
    }
    if (ierro !== 3 && erlarg > ertest) {
      const maxRank = pieces.length > 2 + Math.floor(limit / 2) ? limit + 3 - pieces.length : pieces.length;
      const candidate = largest(pieces, isLarge, maxRank);
      if (candidate >= 0) {
        next = candidate;
        continue;
      }
    }
    const { result: reseps, error: abseps } = table.push(area);
    ktmin++;
    if (ktmin > 5 && abserr < 1e-3 * errsum) ier = 5;
    if (abseps < abserr) {
      ktmin = 0;
      abserr = abseps;
      result = reseps;
      correc = erlarg;
      ertest = Math.max(epsabs, epsrel * Math.abs(reseps));
      if (abserr <= ertest) break;
    }
    if (table.size === 1) noext = true;
    if (ier === 5) break;
    next = largest(pieces, () => true);
    extrap = false;
    smallLevel++;
    erlarg = errsum;
  }
  return finish({ result, abserr, area, errsum, ier, ierro, correc, ksgn, defabs }, pieces, done);
}

interface Final {
  result: number;
  abserr: number;
  area: number;
  errsum: number;
  ier: number;
  ierro: number;
  correc: number;
  ksgn: number;
  defabs: number;
}

/** Chooses between the extrapolated value and the plain sum, and flags divergence. */
function finish(s: Final, pieces: Piece[], done: (r: number, e: number, st: Status, p: Piece[]) => Outcome): Outcome {
  let { result, abserr, ier } = s;
  const { area, errsum } = s;
  // QUADPACK's internal codes 3…6 become 2…5 (3, a roundoff in the table, reads as roundoff).
  const code = () => (ier > 2 ? ier - 1 : ier) as Status;
  const plainSum = () => done(total(pieces, "result"), errsum, code(), pieces);
  if (abserr === Infinity) return plainSum();
  if (ier + s.ierro !== 0) {
    if (s.ierro === 3) abserr += s.correc;
    if (ier === 0) ier = 3;
    if (result !== 0 && area !== 0) {
      if (abserr / Math.abs(result) > errsum / Math.abs(area)) return plainSum();
    } else if (abserr > errsum) {
      return plainSum();
    } else if (area === 0) {
      return done(result, abserr, code(), pieces);
    }
  }
  if (!(s.ksgn === -1 && Math.max(Math.abs(result), Math.abs(area)) <= s.defabs * 0.01)) {
    if (0.01 > result / area || result / area > 100 || errsum > Math.abs(area)) ier = 6;
  }
  return done(result, abserr, code(), pieces);
}

export function checkTolerances(where: string, epsabs: number, epsrel: number, limit: number): void {
  if (!(epsabs >= 0) || !(epsrel >= 0)) throw new NablaError(`${where}: epsabs and epsrel must be ≥ 0, got ${epsabs} and ${epsrel}`);
  if (epsabs === 0 && epsrel < Math.max(50 * EPS, 5e-29)) throw new NablaError(`${where}: with epsabs = 0, epsrel must be at least 50·ε ≈ 1.1e-14, got ${epsrel}`);
  if (!Number.isInteger(limit) || limit < 1) throw new NablaError(`${where}: limit must be a positive integer, got ${limit}`);
}
