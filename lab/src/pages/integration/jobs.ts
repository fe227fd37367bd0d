/**
 * The Integration page's worker jobs: fixed rules converging to ∫ₐᵇ f against nb.integrate.quad,
 * quad's adaptive partition of a hard integrand, Monte Carlo against quasi-Monte Carlo error,
 * and the spread of the reparameterisation and score-function gradient estimators.
 */
import * as nb from "nabla";
import { defineJobs } from "../../job.js";
import { parseUnivariate } from "../derivatives/jobs.js";

export const RULES = ["left", "right", "midpoint", "trapezoid", "simpson", "gauss"] as const;
export type RuleName = (typeof RULES)[number];
export const RULE_LABELS: Record<RuleName, string> = {
  left: "Left Riemann", right: "Right Riemann", midpoint: "Midpoint", trapezoid: "Trapezoid", simpson: "Simpson", gauss: "Gauss–Legendre",
};
/** The n of the convergence plot: 2, 4, …, 2048 subintervals (or Gauss nodes). */
export const CONVERGENCE_N = Array.from({ length: 11 }, (_, k) => 2 ** (k + 1));

export interface RulesRequest {
  source: string;
  /** The ends as typed: numbers or constant expressions such as pi/2. */
  a: string;
  b: string;
  rule: RuleName;
  n: number;
}

export interface Reference {
  value: number;
  error: number;
  nfev: number;
  intervals: number;
  success: boolean;
}

export interface RulesResult {
  range: [number, number];
  reference: Reference;
  /** f sampled finely on [a, b], for the curve. */
  curve: { x: number[]; y: number[] };
  /** The chosen rule at the chosen n: its estimate and the points it uses (x, f(x)); Gauss also its weights. */
  shown: { value: number; x: number[]; y: number[]; weights?: number[] };
  /** |rule(n) − reference| for each rule at each CONVERGENCE_N (0 where the difference vanished). */
  errors: Record<RuleName, number[]>;
}

type Compiled = (x: nb.Tensor) => nb.Tensor;

function compile(source: string): Compiled {
  const f = parseUnivariate(source).compile(["x"]);
  // A constant f compiles to a scalar: broadcast it to the nodes' shape.
  return (x) => nb.add(f(x), nb.zerosLike(x));
}

/** The ends of a finite range, typed as numbers or constant expressions. */
function range(lower: string, upper: string): [number, number] {
  const [a, b] = [lower, upper].map((end, i) => {
    try {
      return nb.parse(end).evaluate({});
    } catch {
      throw new Error(`${i ? "b" : "a"} must be a number or a constant expression such as pi/2; got "${end}"`);
    }
  });
  if (!(Number.isFinite(a) && Number.isFinite(b) && a! < b!)) throw new Error(`The range needs finite ends with a < b; got a = ${a}, b = ${b}`);
  return [a!, b!];
}

function samples(f: Compiled, a: number, b: number, count: number): { x: number[]; y: number[] } {
  const x = nb.linspace(a, b, count);
  return { x: Array.from(x.values()), y: Array.from(f(x).values()) };
}

/** The points a rule evaluates f at and its estimate; Riemann sums and the two Newton–Cotes rules use n equal subintervals. */
function applyRule(f: Compiled, a: number, b: number, rule: RuleName, n: number): RulesResult["shown"] {
  const h = (b - a) / n;
  if (rule === "gauss") {
    const { nodes, weights } = nb.integrate.gaussLegendre(n);
    const x = nb.add(nb.mul(nodes, (b - a) / 2), (a + b) / 2);
    const value = nb.integrate.fixedQuad(f, a, b, n).value.item();
    return { value, x: Array.from(x.values()), y: Array.from(f(x).values()), weights: Array.from(nb.mul(weights, (b - a) / 2).values()) };
  }
  const offset = rule === "right" ? 1 : rule === "midpoint" ? 0.5 : 0;
  const count = rule === "left" || rule === "right" || rule === "midpoint" ? n : n + 1;
  const x = nb.add(nb.mul(nb.arange(count), h), a + offset * h);
  const y = f(x);
  const value = rule === "trapezoid" ? nb.integrate.trapezoid(y, { dx: h }).item()
    : rule === "simpson" ? nb.integrate.simpson(y, { dx: h }).item()
    : nb.sum(y).item() * h;
  return { value, x: Array.from(x.values()), y: Array.from(y.values()) };
}

function rules({ source, rule, n, ...ends }: RulesRequest): RulesResult {
  const [a, b] = range(ends.a, ends.b);
  const f = compile(source);
  const q = nb.integrate.quad(f, a, b, { epsabs: 1e-13, epsrel: 1e-12, limit: 200 });
  const reference = { value: q.value.item(), error: q.error, nfev: q.nfev, intervals: q.intervals, success: q.success };
  const errors = Object.fromEntries(RULES.map((r) => [r, CONVERGENCE_N.map((m) => Math.abs(applyRule(f, a, b, r, m).value - reference.value))])) as Record<RuleName, number[]>;
  return { range: [a, b], reference, curve: samples(f, a, b, 400), shown: applyRule(f, a, b, rule, n), errors };
}

export interface AdaptiveRequest {
  source: string;
  a: string;
  b: string;
}

export interface AdaptiveResult {
  reference: Reference;
  message: string;
  /** The final partition's ends: a = edges[0] < … < edges[intervals] = b. */
  edges: number[];
  curve: { x: number[]; y: number[] };
}

/**
 * quad's final partition, read from the public API: inside nb.grad, quad evaluates its rule
 * once more on the final partition, all nodes in one call, interval by interval; each
 * interval's nodes are symmetric about its centre, so the centres give the ends from a.
 */
function adaptive({ source, ...ends }: AdaptiveRequest): AdaptiveResult {
  const [a, b] = range(ends.a, ends.b);
  const f = compile(source);
  let last: Float64Array = new Float64Array();
  let result: nb.integrate.QuadResult | undefined;
  nb.grad((upper: nb.Tensor) => {
    result = nb.integrate.quad((x) => {
      last = Float64Array.from(x.values());
      return f(x);
    }, a, upper);
    return result.value;
  })(nb.scalar(b));
  const r = result!;
  const perInterval = last.length / r.intervals;
  const centres = Array.from({ length: r.intervals }, (_, i) => last.subarray(i * perInterval, (i + 1) * perInterval).reduce((s, v) => s + v, 0) / perInterval).sort((p, q) => p - q);
  const edges = [a];
  for (const [i, centre] of centres.entries()) edges.push(2 * centre - edges[i]!);
  // Without the final pass (f not finite at a node) the last call is a bisection's: say so rather than draw it.
  if (!Number.isInteger(perInterval) || !(Math.abs(edges[r.intervals]! - b) <= 1e-6 * (b - a))) throw new Error(`quad's partition cannot be drawn: ${r.message}`);
  edges[r.intervals] = b;
  const curve = samples(f, a, b, 600);
  return { reference: { value: r.value.item(), error: r.error, nfev: r.nfev, intervals: r.intervals, success: r.success }, message: r.message, edges, curve };
}

export const MC_METHODS = ["mc", "sobol", "halton"] as const;
export type McMethod = (typeof MC_METHODS)[number];
export const MC_LABELS: Record<McMethod, string> = { mc: "Monte Carlo", sobol: "Scrambled Sobol", halton: "Randomised Halton" };
/** Points per estimate: 2⁵ … 2¹⁴, powers of two as Sobol points like. */
export const MC_N = Array.from({ length: 10 }, (_, k) => 2 ** (k + 5));
const MC_SEEDS = 6;

export interface MonteCarloRequest {
  dim: number;
  seed: number;
}

/** Root-mean-square error over MC_SEEDS seeds, and the mean reported standard error, per method and n. */
export type MonteCarloResult = Record<McMethod, { rmse: number[]; reported: number[] }>;

/** ∫ over [0, 1]^d of ∏ (π/2)·sin(πxᵢ), which is exactly 1: smooth, so quasi-Monte Carlo shines. */
function monteCarlo({ dim, seed }: MonteCarloRequest): MonteCarloResult {
  const f = (p: nb.Tensor): nb.Tensor => nb.prod(nb.mul(nb.sin(nb.mul(p, Math.PI)), Math.PI / 2), 1);
  const lower = Array<number>(dim).fill(0);
  const upper = Array<number>(dim).fill(1);
  const run = (method: McMethod, n: number): { rmse: number; reported: number } => {
    const runs = Array.from({ length: MC_SEEDS }, (_, s) => nb.integrate.monteCarlo(f, lower, upper, { n, method, seed: seed * 1000 + s }));
    return {
      rmse: Math.sqrt(runs.reduce((sum, r) => sum + (r.value.item() - 1) ** 2, 0) / runs.length),
      reported: runs.reduce((sum, r) => sum + r.error, 0) / runs.length,
    };
  };
  return Object.fromEntries(MC_METHODS.map((method) => {
    const points = MC_N.map((n) => run(method, n));
    return [method, { rmse: points.map((p) => p.rmse), reported: points.map((p) => p.reported) }];
  })) as MonteCarloResult;
}

export const ESTIMATORS = ["reparameterization", "score", "scoreBaseline"] as const;
export type EstimatorName = (typeof ESTIMATORS)[number];
export const ESTIMATOR_LABELS: Record<EstimatorName, string> = {
  reparameterization: "Reparameterisation", score: "Score function", scoreBaseline: "Score function, leave-one-out baseline",
};

export interface EstimatorsRequest {
  mu: number;
  sigma: number;
  /** Draws per estimate. */
  draws: number;
  /** Estimates per estimator, each from its own seed. */
  trials: number;
}

/** Each estimator's estimates of ∂/∂μ E[x²] under N(μ, σ²), whose true value is 2μ. */
export type EstimatorsResult = Record<EstimatorName, number[]>;

function estimators({ mu, sigma, draws, trials }: EstimatorsRequest): EstimatorsResult {
  if (!(sigma > 0)) throw new Error(`σ must be positive; got ${sigma}`);
  const square = (x: nb.Tensor): nb.Tensor => nb.square(x);
  const surrogate = (name: EstimatorName, seed: number) => (m: nb.Tensor): nb.Tensor => {
    const dist = new nb.distributions.Normal(m, sigma);
    if (name === "reparameterization") return nb.estimators.reparameterization(square, dist, { n: draws, seed });
    return nb.estimators.scoreFunction(square, dist, { n: draws, seed, ...(name === "scoreBaseline" ? { baseline: "leaveOneOut" as const } : {}) });
  };
  return Object.fromEntries(ESTIMATORS.map((name) => [name, Array.from({ length: trials }, (_, seed) => nb.grad(surrogate(name, seed))(nb.scalar(mu)).item())])) as EstimatorsResult;
}

export default defineJobs({ integrationRules: rules, integrationAdaptive: adaptive, integrationMonteCarlo: monteCarlo, integrationEstimators: estimators });
