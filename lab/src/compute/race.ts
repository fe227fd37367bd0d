/**
 * The Optimizer race's numbers: the surface on a grid for the contours, each optimizer's path
 * from a common start, and the local picture (gradient, Hessian eigenpairs) at a point.
 */
import * as nb from "nabla";
import type { OptimizerName } from "./surfaces.js";

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
  lr: number;
  maxIter: number;
}

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

/** Parses f(x, y); other variable names are an error the page shows. */
export function parseBivariate(source: string): nb.Expr {
  const expr = nb.parse(source);
  const others = expr.variables().filter((v) => v !== "x" && v !== "y");
  if (others.length) throw new Error(`f may use only x and y, not ${others.join(", ")}`);
  return expr;
}

/** f as a function of one 2-vector p = (x, y), the form nb.grad and nb.hessian take. */
function vectorFunction(expr: nb.Expr): (p: nb.Tensor) => nb.Tensor {
  const f = expr.compile(["x", "y"]);
  return (p) => f(nb.slice(p, [0], [1]).reshape([]), nb.slice(p, [1], [1]).reshape([]));
}

export function grid(req: GridRequest): GridResult {
  const f = parseBivariate(req.source).compile(["x", "y"]);
  const xs = nb.linspace(req.x[0], req.x[1], req.n).reshape([1, req.n]);
  const ys = nb.linspace(req.y[0], req.y[1], req.n).reshape([req.n, 1]);
  // Row j holds y_j, column i holds x_i: row-major order is exactly i + j·n.
  return { values: Array.from(nb.broadcastTo(f(xs, ys), [req.n, req.n]).values()), n: req.n };
}

const DIVERGED = 1e8;

function firstOrder(name: OptimizerName, lr: number): nb.optim.Transform<nb.optim.OptimizerState> {
  switch (name) {
    case "gd": return nb.optim.sgd({ lr });
    case "momentum": return nb.optim.sgd({ lr, momentum: 0.9 });
    case "nesterov": return nb.optim.sgd({ lr, momentum: 0.9, nesterov: true });
    case "adagrad": return nb.optim.adagrad({ lr });
    case "rmsprop": return nb.optim.rmsprop({ lr });
    case "adam": return nb.optim.adam({ lr });
    case "adamw": return nb.optim.adamw({ lr, weightDecay: 0.01 });
    default: throw new Error(`${name} is not a first-order optimizer`);
  }
}

/** Runs one optimizer with nabla's optim transforms, one gradient per step. */
function runFirstOrder(name: OptimizerName, f: (p: nb.Tensor) => nb.Tensor, req: RaceRequest): Trajectory {
  const opt = firstOrder(name, req.lr);
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
const SECOND_ORDER: Partial<Record<OptimizerName, nb.Method>> = { newton: "newton", bfgs: "bfgs", lbfgs: "lbfgs" };

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
  return req.optimizers.map((name) => {
    const method = SECOND_ORDER[name];
    return method ? runMinimize(name, method, f, req) : runFirstOrder(name, f, req);
  });
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
