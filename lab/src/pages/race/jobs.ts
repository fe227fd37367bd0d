/**
 * The Optimizer race's numbers: the surface on a grid for the contours, each optimizer's path
 * from a common start, and the local picture (gradient, Hessian eigenpairs) at a point.
 */
import * as nb from "nabla";
import { gridValues, parseBivariate, vectorFunction } from "../../bivariate.js";
import { defineJobs } from "../../job.js";
import { type FirstOrderName, isFirstOrder, type OptimizerName } from "./surfaces.js";

export interface GridRequest {
  source: string;
  x: [number, number];
  y: [number, number];
  /** Grid points per side. */
  n: number;
}

export interface GridResult {
  /** f at (x_i, y_j), stored at i + j·n (d3-contour's layout). */
  values: number[];
  n: number;
}

export interface RaceRequest {
  source: string;
  start: [number, number];
  optimizers: OptimizerName[];
  /** The learning rate of each first-order optimizer. */
  lrs: Partial<Record<OptimizerName, number>>;
  maxIter: number;
}

export interface TuneRequest {
  source: string;
  start: [number, number];
  optimizers: OptimizerName[];
  maxIter: number;
  /** The plotted window: a run that leaves it far behind counts as diverged. */
  x: [number, number];
  y: [number, number];
}

/** The best learning rate found for each first-order optimizer, and its score (the largest f of its run's last quarter). */
export type TuneResult = Partial<Record<OptimizerName, { lr: number; f: number }>>;

export interface Trajectory {
  optimizer: OptimizerName;
  path: [number, number][];
  losses: number[];
  /** Why it stopped: converged, diverged, or out of iterations. */
  status: string;
}

export interface InspectRequest {
  source: string;
  point: [number, number];
}

export interface InspectResult {
  point: [number, number];
  value: number;
  gradient: [number, number];
  eigenvalues: [number, number];
  eigenvectors: [[number, number], [number, number]];
  verdict: nb.numeric.Curvature;
}

export function grid(req: GridRequest): GridResult {
  return { values: gridValues(parseBivariate(req.source), req.x, req.y, req.n), n: req.n };
}

const DIVERGED = 1e8;

/** Runs one optimizer with nabla's optim transforms, one gradient per step. */
function runFirstOrder(name: FirstOrderName, lr: number, f: (p: nb.Tensor) => nb.Tensor, req: Pick<RaceRequest, "start" | "maxIter">): Trajectory {
  const opt = nb.optim.optimizer(name, { lr });
  const valueAndGrad = nb.valueAndGrad(f);
  let params = nb.tensor(req.start);
  let state = opt.init(params);
  const path: [number, number][] = [];
  const losses: number[] = [];
  let status = `stopped after ${req.maxIter} steps`;
  for (let step = 0; step <= req.maxIter; step++) {
    const [value, g] = valueAndGrad(params) as [nb.Tensor, nb.Tensor];
    const [x, y] = params.values();
    path.push([x!, y!]);
    losses.push(value.item());
    if (!Number.isFinite(value.item()) || Math.hypot(x!, y!) > DIVERGED) {
      status = `diverged at step ${step}`;
      break;
    }
    if (nb.norm(g).item() < 1e-8) {
      status = `converged in ${step} steps`;
      break;
    }
    if (step === req.maxIter) break;
    ({ params, state } = opt.step(params, g, state));
  }
  return { optimizer: name, ...bounded(path, losses), status };
}

/**
 * The run up to the first point that left the region worth drawing (non-finite, or beyond
 * DIVERGED): a line search on an unbounded surface can jump to 1e37, which no plot can show.
 */
function bounded(path: [number, number][], losses: number[]): { path: [number, number][]; losses: number[] } {
  const out = path.findIndex(([x, y], i) => !Number.isFinite(losses[i]!) || !(Math.hypot(x, y) <= DIVERGED));
  const keep = out < 0 ? path.length : Math.max(1, out);
  return { path: path.slice(0, keep), losses: losses.slice(0, keep) };
}

/** Newton, BFGS and L-BFGS come from nb.minimize (line searches included); its history is the path. */
function runMinimize(name: OptimizerName, method: nb.Method, f: (p: nb.Tensor) => nb.Tensor, req: RaceRequest): Trajectory {
  const result = nb.minimize(f, [...req.start], { method, maxIter: req.maxIter, quiet: true });
  const history = result.history;
  const last = history[history.length - 1]!;
  const diverged = !Number.isFinite(last.f) || Math.hypot(last.x[0]!, last.x[1]!) > DIVERGED;
  return {
    optimizer: name,
    ...bounded(history.map((r) => [r.x[0]!, r.x[1]!]), history.map((r) => r.f)),
    status: diverged ? `diverged at step ${result.nit}` : result.success ? `converged in ${result.nit} steps` : result.message,
  };
}

export function race(req: RaceRequest): Trajectory[] {
  const f = vectorFunction(parseBivariate(req.source));
  return req.optimizers.map((name) => (isFirstOrder(name)
    ? runFirstOrder(name, req.lrs[name] ?? nb.optim.optimizers[name].lr, f, req)
    : runMinimize(name, name, f, req)));
}

/** log₁₀ of the learning rates the coarse search tries first. */
const COARSE = [-4, -3.5, -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5];
/** The tune's runs stop here even when the race runs longer: the search must stay quick. */
const TUNE_STEPS = 1000;

/**
 * Each first-order optimizer's best learning rate on this surface from this start: the one
 * whose run ends lowest, judged by the worst f of its last quarter, so that a rate at the
 * edge of stability (low now, spiking again later) loses to a steady one. A coarse scan over 10⁻⁴…10^½, then a golden-section search in log lr
 * around the best point: at most 10 + 8 runs of at most TUNE_STEPS steps per optimizer.
 */
export function tune(req: TuneRequest): TuneResult {
  const f = vectorFunction(parseBivariate(req.source));
  const reach = 10 * Math.max(...req.x.map(Math.abs), ...req.y.map(Math.abs));
  const run = { start: req.start, maxIter: Math.min(req.maxIter, TUNE_STEPS) };
  const result: TuneResult = {};
  for (const name of req.optimizers.filter(isFirstOrder)) {
    // Rates are scored as shown, to two digits: near the edge of stability a rounding changes the run.
    const rate = (logLr: number): number => Number((10 ** logLr).toPrecision(2));
    const score = (logLr: number): number => {
      const t = runFirstOrder(name, rate(logLr), f, run);
      const [x, y] = t.path[t.path.length - 1]!;
      const tail = Math.max(...t.losses.slice(Math.floor(0.75 * t.losses.length)));
      return t.status.startsWith("diverged") || !(Math.hypot(x, y) <= reach) ? Infinity : tail;
    };
    const best = goldenSection(score, COARSE);
    result[name] = { lr: rate(best.x), f: best.f };
  }
  return result;
}

/** The lowest of score over the grid, then refined by golden sections within one grid step of it. */
function goldenSection(score: (x: number) => number, grid: readonly number[]): { x: number; f: number } {
  const scores = grid.map(score);
  const k = scores.indexOf(Math.min(...scores));
  let best = { x: grid[k]!, f: scores[k]! };
  let [lo, hi] = [grid[Math.max(0, k - 1)]!, grid[Math.min(grid.length - 1, k + 1)]!];
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 4; i++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    const [fa, fb] = [score(a), score(b)];
    for (const [x, fx] of [[a, fa], [b, fb]] as const) if (fx < best.f) best = { x, f: fx };
    if (fa <= fb) hi = b;
    else lo = a;
  }
  return best;
}

export function inspect(req: InspectRequest): InspectResult {
  const f = vectorFunction(parseBivariate(req.source));
  const p = nb.tensor(req.point);
  const g = nb.grad(f)(p).values();
  const h = nb.hessian(f)(p).toArray() as number[][];
  const { values, vectors } = nb.numeric.symmetricEigen(h);
  const [l0, l1] = values as [number, number];
  return {
    point: req.point,
    value: f(p).item(),
    gradient: [g[0]!, g[1]!],
    eigenvalues: [l0, l1],
    eigenvectors: [vectors[0] as [number, number], vectors[1] as [number, number]],
    verdict: nb.numeric.classifyCurvature(values),
  };
}

export default defineJobs({ grid, race, inspect, tune });
