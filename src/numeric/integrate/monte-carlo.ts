/**
 * Monte Carlo and quasi-Monte Carlo integration over a box. Plain Monte Carlo's error is the
 * sample standard error; for Sobol and Halton points the estimate is the mean of R = 8
 * independent randomisations and the error the standard error of those R means (randomised
 * QMC, as scipy.integrate.qmc_quad), so both errors are honest statistical estimates.
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { randomFor } from "../../tensor/random.js";
import { formatShape } from "../../tensor/shape.js";
import { add, mean, mul } from "../../ops/index.js";
import { sobol } from "./sobol.js";
import { halton } from "./halton.js";

/** A function of points [m, d] returning one value per point [m]. */
export type BoxIntegrand = (points: Tensor) => Tensor;

/** Options for `monteCarlo`. */
export interface MonteCarloOptions {
  /** Points in all, default 4096 (for "sobol", a multiple of 8 powers of two is best). */
  n?: number;
  /** Seed of the points; without one, the global stream (see `nb.seed`). */
  seed?: number;
  /** "mc" (pseudo-random, default), "sobol" (scrambled) or "halton" (randomised). */
  method?: "mc" | "sobol" | "halton";
}

/** The result of `monteCarlo`. */
export interface MonteCarloResult {
  /** The estimate: differentiable in anything f closes over. */
  value: Tensor;
  /** Its estimated standard error. */
  error: number;
  nfev: number;
}

const RANDOMISATIONS = 8;

/** Checks a box and returns its bounds and volume. */
export function checkBox(where: string, lower: readonly number[], upper: readonly number[]): { d: number; volume: number } {
  if (lower.length !== upper.length || lower.length === 0) {
    throw new NablaError(`${where}: lower and upper must be arrays of the same nonzero length, got ${lower.length} and ${upper.length}`);
  }
  lower.forEach((l, i) => {
    if (!Number.isFinite(l) || !Number.isFinite(upper[i]!) || !(upper[i]! > l)) {
      throw new NablaError(`${where}: bounds of axis ${i} must be finite with lower < upper, got [${l}, ${upper[i]}]`);
    }
  });
  return { d: lower.length, volume: lower.reduce((v, l, i) => v * (upper[i]! - l), 1) };
}

/** f on unit-cube points mapped into the box, checked to return [m]. */
export function evaluateBox(where: string, f: BoxIntegrand, unit: Float64Array, lower: readonly number[], upper: readonly number[]): Tensor {
  const d = lower.length;
  const m = unit.length / d;
  const x = unit.map((u, k) => lower[k % d]! + (upper[k % d]! - lower[k % d]!) * u);
  const y = f(tensor(x, { shape: [m, d] }));
  if (!(y instanceof Tensor) || y.size !== m) {
    throw new NablaError(`${where}: f must return one value per point (shape [${m}]) for points of shape [${m}, ${d}], got ${y instanceof Tensor ? formatShape(y.shape) : typeof y}`);
  }
  return y;
}

function standardError(values: ArrayLike<number>): number {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i]!;
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (values[i]! - m) ** 2;
  return Math.sqrt(s / (n - 1) / n);
}

/**
 * ∫ f over the box [lower, upper] by (quasi-)Monte Carlo, with a standard-error estimate.
 * @example
 * // The volume of the unit disc inside [−1, 1]²:
 * const disc = (p: nb.Tensor) => nb.cast(nb.less(nb.sum(nb.square(p), 1), 1), "float64");
 * const r = nb.integrate.monteCarlo(disc, [-1, -1], [1, 1], { n: 8192, method: "sobol", seed: 1 });
 * Math.abs(r.value.item() - Math.PI) < 5 * r.error; // => true
 */
export function monteCarlo(f: BoxIntegrand, lower: readonly number[], upper: readonly number[], options: MonteCarloOptions = {}): MonteCarloResult {
  const where = "monteCarlo";
  const { d, volume } = checkBox(where, lower, upper);
  const n = options.n ?? 4096;
  const method = options.method ?? "mc";
  if (method === "mc") {
    if (!Number.isInteger(n) || n < 2) throw new NablaError(`${where}: n must be an integer ≥ 2, got ${n}`);
    const rng = randomFor(options.seed);
    const unit = Float64Array.from({ length: n * d }, () => rng.uniform());
    const y = evaluateBox(where, f, unit, lower, upper);
    return { value: mul(mean(y), volume), error: volume * standardError(y.values()), nfev: n };
  }
  if (method !== "sobol" && method !== "halton") throw new NablaError(`${where}: unknown method "${String(method)}"; use "mc", "sobol" or "halton"`);
  const per = Math.floor(n / RANDOMISATIONS);
  if (!Number.isInteger(n) || per < 2) throw new NablaError(`${where}: n must be an integer ≥ ${2 * RANDOMISATIONS} for ${method} (${RANDOMISATIONS} randomisations of n/${RANDOMISATIONS} points)`);
  const seeds = randomFor(options.seed);
  const generate = method === "sobol" ? sobol : halton;
  let total: Tensor | undefined;
  const means: number[] = [];
  for (let r = 0; r < RANDOMISATIONS; r++) {
    const unit = Float64Array.from(generate(per, d, { seed: Math.floor(seeds.uniform() * 2 ** 31) }).values());
    const m = mean(evaluateBox(where, f, unit, lower, upper));
    means.push(m.item());
    total = total ? add(total, m) : m;
  }
  return { value: mul(total!, volume / RANDOMISATIONS), error: volume * standardError(means), nfev: per * RANDOMISATIONS };
}
