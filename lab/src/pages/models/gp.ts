/**
 * The Gaussian-process panel's computation, run in the worker: noisy samples of a function, a
 * GaussianProcessRegressor fitted by maximum marginal likelihood, its posterior on a line, and
 * log p(y | X, θ) over (log ℓ, log noise) at the fitted σ², with ∂/∂θ on a coarser grid.
 */
import * as nb from "nabla";

/** The x-range of the samples and of the posterior's plot; the samples leave a gap in the middle. */
export const GP_X: [number, number] = [-4, 4];
export const LINE_N = 161;
export const SURFACE_N = 36;
export const ARROWS_N = 9;

export interface GpRequest {
  seed: number;
  n: number;
  /** The standard deviation of the noise added to the samples. */
  noise: number;
  restarts: number;
}

/** On LINE_N points over GP_X: the true function, and the posterior mean and standard deviation of f. */
export interface PosteriorLine {
  x: number[];
  truth: number[];
  mean: number[];
  sd: number[];
}

/** On LINE_N points over GP_X: the true function, and the posterior mean and standard deviation of f. */
export interface PosteriorLine {
  x: number[];
  truth: number[];
  mean: number[];
  sd: number[];
}

export interface GpResult {
  x: number[];
  y: number[];
  line: PosteriorLine;
  /** θ = (log σ², log ℓ, log noise) fitted, and the LML there. */
  theta: number[];
  lml: number;
  starts: number[];
  /** The window of the surface: log ℓ and log noise ranges (natural logs, θ's units). */
  window: { x: [number, number]; y: [number, number] };
  /** LML on SURFACE_N² points (log ℓ fastest), at the fitted σ². */
  surface: number[];
  /** ∂LML/∂(log ℓ, log noise) at ARROWS_N² points over the window. */
  arrows: { at: [number, number]; gradient: [number, number] }[];
}

const truth = (x: number): number => Math.sin(1.5 * x) + 0.3 * x;

/** n samples over GP_X with none in (−0.8, 0.8): the band must widen where there are no data. */
function samples(seed: number, n: number, noise: number): { x: number[]; y: number[] } {
  const u = nb.rand([n], { seed }).values();
  const e = nb.randn([n], { seed: seed + 1 }).values();
  const x = Array.from(u, (v, i) => (i % 2 ? 1 : -1) * (0.8 + v * (GP_X[1] - 0.8))).sort((a, b) => a - b);
  return { x, y: x.map((v, i) => truth(v) + noise * e[i]!) };
}

const range = (lo: number, hi: number, n: number): number[] => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** The surface's window: log ℓ over [−3, 2.5], log noise over [−9, 1], widened to hold θ. */
function surfaceWindow(theta: readonly number[]): GpResult["window"] {
  return { x: [Math.min(-3, theta[1]! - 0.5), Math.max(2.5, theta[1]! + 0.5)], y: [Math.min(-9, theta[2]! - 0.5), Math.max(1, theta[2]! + 0.5)] };
}

/** The true function, and the model's posterior mean and standard deviation of f, on the line. */
function posteriorLine(model: nb.models.GaussianProcessRegressor): PosteriorLine {
  const x = range(GP_X[0], GP_X[1], LINE_N);
  const posterior = model.predictDistribution(x.map((v) => [v]));
  return { x, truth: x.map(truth), mean: Array.from(posterior.mean.values()), sd: Array.from(posterior.variance.values(), (v) => Math.sqrt(Math.max(v, 0))) };
}

function fitted(req: GpRequest, data: { x: number[]; y: number[] }, theta?: readonly number[]): nb.models.GaussianProcessRegressor {
  const options: nb.models.GaussianProcessOptions = theta
    ? { kernel: { type: "rbf", variance: Math.exp(theta[0]!), lengthscale: Math.exp(theta[1]!) }, noise: Math.exp(theta[2]!), optimize: false }
    : { kernel: { type: "rbf" }, noise: 0.1, restarts: req.restarts, seed: req.seed };
  return new nb.models.GaussianProcessRegressor(options).fit(data.x.map((v) => [v]), data.y);
}

export function gp(req: GpRequest): GpResult {
  const data = samples(req.seed, req.n, req.noise);
  const model = fitted(req, data);
  const window = surfaceWindow(model.theta);
  const at = (a: number, b: number): number[] => [model.theta[0]!, a, b];
  const surface = range(...window.y, SURFACE_N).flatMap((b) => range(...window.x, SURFACE_N).map((a) => model.logMarginalLikelihood(at(a, b))));
  const arrows = range(...window.y, ARROWS_N).flatMap((b) => range(...window.x, ARROWS_N).map((a) => {
    const g = model.logMarginalLikelihoodGradient(at(a, b)).gradient;
    return { at: [a, b] as [number, number], gradient: [g[1]!, g[2]!] as [number, number] };
  }));
  return { ...data, line: posteriorLine(model), theta: model.theta, lml: model.logMarginalLikelihood(), starts: model.info.starts, window, surface, arrows };
}

/** The posterior at hyperparameters θ the user picked (no fitting), and the LML there. */
export function gpAt(req: GpRequest & { theta: number[] }): { line: PosteriorLine; lml: number } {
  const model = fitted(req, samples(req.seed, req.n, req.noise), req.theta);
  return { line: posteriorLine(model), lml: model.logMarginalLikelihood() };
}
