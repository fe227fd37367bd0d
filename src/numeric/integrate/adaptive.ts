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

interface Tolerances {
  epsabs: number;
  epsrel: number;
  limit: number;
}

/** The QAGS loop on the intervals between consecutive breakpoints (QAGP when more than two). */
export function adapt(ev: RuleEvaluator, breaks: readonly number[], epsabs: number, epsrel: number, limit: number): Outcome {
  const spans = breaks.slice(1).map((hi, i) => [breaks[i]!, hi] as const);
  const first = ev.estimate(spans);
  if (!first) return outcome(ev, NaN, Infinity, 6, []);
  const pieces: Piece[] = first.map((e, i) => ({ ...e, lo: spans[i]![0], hi: spans[i]![1], level: 0 }));
  const result = total(pieces, "result");
  const abserr = total(pieces, "error");
  const defabs = pieces.reduce((s, p) => s + p.absolute, 0);
  const resasc = pieces.reduce((s, p) => s + p.deviation, 0);
  const errbnd = Math.max(epsabs, epsrel * Math.abs(result));
  let ier = 0;
  if (abserr <= 100 * EPS * defabs && abserr > errbnd) ier = 2;
  if (pieces.length >= limit) ier = 1;
  if (ier !== 0 || (abserr <= errbnd && abserr !== resasc) || abserr === 0) return outcome(ev, result, abserr, ier as Status, pieces);
  return new Qags(ev, pieces, { epsabs, epsrel, limit }, result, abserr, defabs).run();
}

function outcome(ev: RuleEvaluator, result: number, error: number, status: Status, pieces: Piece[]): Outcome {
  return { result, error, status, pieces, nfev: ev.nfev, traced: ev.traced, ...(ev.badPoint === undefined ? {} : { badPoint: ev.badPoint }) };
}

/** QAGS's state between bisections; the names follow QUADPACK's where they have one. */
class Qags {
  private readonly table = new EpsilonTable();
  private area: number;
  private errsum: number;
  private result: number;
  /** The extrapolated value's error (∞ until an extrapolation improves on it). */
  private abserr = Infinity;
  private ier = 0;
  private ierro = 0;
  private ktmin = 0;
  private iroff = [0, 0, 0];
  private extrap = false;
  private noext = false;
  /** Intervals bisected at most this many times count as "large". */
  private smallLevel = 1;
  private erlarg = 0;
  private ertest = 0;
  private correc = 0;
  private readonly ksgn: number;

  constructor(
    private readonly ev: RuleEvaluator,
    private readonly pieces: Piece[],
    private readonly tol: Tolerances,
    result: number,
    errsum: number,
    private readonly defabs: number,
  ) {
    this.table.push(result);
    this.area = this.result = result;
    this.errsum = errsum;
    this.ksgn = Math.abs(result) >= (1 - 50 * EPS) * defabs ? 1 : -1;
  }

  private isLarge = (p: Piece): boolean => p.level <= this.smallLevel;

  run(): Outcome {
    let next = largest(this.pieces, () => true);
    let firstBisection = true;
    for (;;) {
      const cut = this.bisect(next);
      if (!cut) return outcome(this.ev, NaN, Infinity, 6, this.pieces);
      const errbnd = Math.max(this.tol.epsabs, this.tol.epsrel * Math.abs(this.area));
      if (this.errsum <= errbnd) return outcome(this.ev, total(this.pieces, "result"), this.errsum, 0, this.pieces);
      if (this.ier !== 0) break;
      next = largest(this.pieces, () => true);
      if (firstBisection) {
        firstBisection = false;
        [this.erlarg, this.ertest] = [this.errsum, errbnd];
        this.table.push(this.area);
        continue;
      }
      if (this.noext) continue;
      const large = this.largeToBisect(cut, next);
      if (large >= 0) {
        next = large;
        continue;
      }
      if (this.extrapolate()) break;
      next = largest(this.pieces, () => true);
    }
    const state = { result: this.result, abserr: this.abserr, area: this.area, errsum: this.errsum, ier: this.ier, ierro: this.ierro, correc: this.correc, ksgn: this.ksgn, defabs: this.defabs };
    return finish(state, this.pieces, (r, e, st, p) => outcome(this.ev, r, e, st, p));
  }

  /** Halves pieces[index] (both halves in one call of f) and updates the totals and flags. */
  private bisect(index: number): { erlast: number; erro12: number; level: number } | null {
    const p = this.pieces[index]!;
    const mid = (p.lo + p.hi) / 2;
    const halves = this.ev.estimate([[p.lo, mid], [mid, p.hi]]);
    if (!halves) return null;
    const [e1, e2] = halves as [RuleEstimate, RuleEstimate];
    const area12 = e1.result + e2.result;
    const erro12 = e1.error + e2.error;
    this.errsum += erro12 - p.error;
    this.area += area12 - p.result;
    if (e1.deviation !== e1.error && e2.deviation !== e2.error) {
      if (Math.abs(p.result - area12) <= 1e-5 * Math.abs(area12) && erro12 >= 0.99 * p.error) this.iroff[this.extrap ? 1 : 0]!++;
      if (this.pieces.length + 1 > 10 && erro12 > p.error) this.iroff[2]!++;
    }
    const level = p.level + 1;
    this.pieces.splice(index, 1, { ...e1, lo: p.lo, hi: mid, level }, { ...e2, lo: mid, hi: p.hi, level });
    const [iroff1, iroff2, iroff3] = this.iroff as [number, number, number];
    if (iroff1 + iroff2 >= 10 || iroff3 >= 20) this.ier = 2;
    if (iroff2 >= 5) this.ierro = 3;
    if (this.pieces.length >= this.tol.limit) this.ier = 1;
    if (Math.max(Math.abs(p.lo), Math.abs(p.hi)) <= (1 + 100 * EPS) * (Math.abs(mid) + 1000 * Number.MIN_VALUE)) this.ier = 4;
    return { erlast: p.error, erro12, level };
  }

  /** A large interval to bisect before extrapolating again, or −1 to extrapolate now. */
  private largeToBisect(cut: { erlast: number; erro12: number; level: number }, next: number): number {
    this.erlarg -= cut.erlast;
    if (cut.level <= this.smallLevel) this.erlarg += cut.erro12;
    if (!this.extrap) {
      if (this.isLarge(this.pieces[next]!)) return next;
      this.extrap = true;
    }
    if (this.ierro === 3 || this.erlarg <= this.ertest) return -1;
    const n = this.pieces.length;
    const maxRank = n > 2 + Math.floor(this.tol.limit / 2) ? this.tol.limit + 3 - n : n;
    return largest(this.pieces, this.isLarge, maxRank);
  }

  /** One step of the ε-table; true when the loop should stop. */
  private extrapolate(): boolean {
    const { result: reseps, error: abseps } = this.table.push(this.area);
    this.ktmin++;
    if (this.ktmin > 5 && this.abserr < 1e-3 * this.errsum) this.ier = 5;
    if (abseps < this.abserr) {
      this.ktmin = 0;
      this.abserr = abseps;
      this.result = reseps;
      this.correc = this.erlarg;
      this.ertest = Math.max(this.tol.epsabs, this.tol.epsrel * Math.abs(reseps));
      if (this.abserr <= this.ertest) return true;
    }
    if (this.table.size === 1) this.noext = true;
    if (this.ier === 5) return true;
    this.extrap = false;
    this.smallLevel++;
    this.erlarg = this.errsum;
    return false;
  }
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
