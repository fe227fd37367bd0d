/**
 * The Loss landscape page's worker jobs: a typed f(x, y)'s critical points and the verdict at a
 * point, and a small network trained by gradient descent with its curvature measured as it
 * goes (λmax by Lanczos, the spectral density) and a filter-normalised slice around its weights.
 */
import * as nb from "nabla";
import { gridValues, parseBivariate, vectorFunction } from "../../bivariate.js";
import { type DatasetName, makeDataset } from "../../datasets.js";
import { defineJobs, type JobContext } from "../../job.js";
import { buildModel, type NetworkSpec } from "../../network.js";

/** A window of the plane: [xmin, xmax, ymin, ymax]. */
export type Box = [number, number, number, number];

export interface SurfaceRequest {
  source: string;
  box: Box;
  /** Levenberg–Marquardt starts of nb.landscape.criticalPoints. */
  starts: number;
}

export interface SurfaceResult {
  /** f on an n × n grid over the box, at i + j·n. */
  values: number[];
  n: number;
  points: nb.landscape.CriticalPoint[];
}

export interface ClassifyRequest {
  source: string;
  point: [number, number];
}

export interface ClassifyResult extends nb.landscape.Classification {
  point: [number, number];
  value: number;
}

export interface NetworkRequest extends NetworkSpec {
  dataset: DatasetName;
  noise: number;
  /** Gradient descent's learning rate η: the edge of stability is λmax = 2/η. */
  lr: number;
  steps: number;
}

/** A network's parameters as plain arrays, to cross between the worker and the page. */
export type Weights = Record<string, { shape: number[]; data: number[] }>;

export interface Density {
  grid: number[];
  density: number[];
  nodes: number[];
}

export interface TrainProgress {
  step: number;
  /** Losses of the steps since the previous report. */
  losses: number[];
  accuracy: number;
  /** λmax of the loss's Hessian at this step (a few Lanczos steps). */
  lambdaMax: number;
  /** Sent at the first report, every DENSITY_EVERY steps and at the end: the Hessian's eigenvalue density at this step. */
  density?: Density;
  weights: Weights;
}

export interface SliceRequest {
  network: NetworkRequest;
  weights: Weights;
  /** The coefficients α, β run over [−range, range]. */
  range: number;
  n: number;
  seed: number;
}

export interface SliceResult {
  /** The loss at w + α·d₁ + β·d₂, at i + j·n for α = alphas[i], β = alphas[j]. */
  values: number[];
  alphas: number[];
}

const GRID_N = 80;

function surface(req: SurfaceRequest): SurfaceResult {
  const expr = parseBivariate(req.source);
  const [x0, x1, y0, y1] = req.box;
  if (!(x0 < x1 && y0 < y1)) throw new Error("the region must be xmin < xmax, ymin < ymax");
  const points = nb.landscape.criticalPoints(vectorFunction(expr), [x0, y0], [x1, y1], { starts: req.starts });
  return { values: gridValues(expr, [x0, x1], [y0, y1], GRID_N), n: GRID_N, points };
}

function classify(req: ClassifyRequest): ClassifyResult {
  const f = vectorFunction(parseBivariate(req.source));
  const p = nb.tensor(req.point);
  return { point: req.point, value: f(p).item(), ...nb.landscape.classify(f, p) };
}

/** The model, its training loss as a function of the parameters, and the data. */
function problem(req: NetworkRequest) {
  const data = makeDataset(req.dataset, req.seed, req.noise);
  const x = nb.tensor(data.x);
  const y = nb.tensor(data.y).reshape([-1, 1]);
  const model = buildModel(req);
  const loss = (p: nb.nn.Params): nb.Tensor => nb.nn.binaryCrossEntropyWithLogits(model.withParams(p).forward(x), y);
  return { data, x, y, model, loss };
}

const toWeights = (params: nb.nn.Params): Weights =>
  Object.fromEntries(Object.entries(params).map(([name, t]) => [name, { shape: [...t.shape], data: Array.from(t.values()) }]));

const fromWeights = (weights: Weights): nb.nn.Params =>
  Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, nb.tensor(w.data).reshape(w.shape)]));

const REPORT_EVERY = 5;
const DENSITY_EVERY = 50;

function density(loss: (p: nb.nn.Params) => nb.Tensor, params: nb.nn.Params): Density {
  const d = nb.landscape.spectralDensity(loss, params, { steps: 20, probes: 2, points: 160 });
  return { grid: d.grid, density: d.density, nodes: d.nodes };
}

/** Full-batch gradient descent (nb.nn.trainingStep), measuring λmax every REPORT_EVERY steps; stops when asked. */
async function landscapeTrain(req: NetworkRequest, context: JobContext<TrainProgress>): Promise<null> {
  const { data, x, y, model, loss } = problem(req);
  const optimizer = nb.optim.optimizer("gd", { lr: req.lr });
  const step = nb.nn.trainingStep(model, { loss: "binaryCrossEntropy", optimizer });
  let params = nb.nn.parameters(model);
  let state = optimizer.init(params);
  let losses: number[] = [];
  for (let k = 1; k <= req.steps; k++) {
    const taken = step(params, state, x, y);
    ({ params, state } = taken);
    losses.push(taken.loss);
    if (k % REPORT_EVERY !== 0 && k !== req.steps) continue;
    const predicted = nb.greater(taken.output.reshape([-1]), 0).values();
    context.report({
      step: k,
      losses,
      accuracy: data.y.filter((label, i) => predicted[i] === label).length / data.y.length,
      lambdaMax: nb.landscape.hessianEigs(loss, params, { k: 1, maxIter: 20, tol: 1e-4 }).eigenvalues[0]!,
      ...(k === REPORT_EVERY || k % DENSITY_EVERY === 0 || k === req.steps ? { density: density(loss, params) } : {}),
      weights: toWeights(params),
    });
    losses = [];
    await context.yield();
    if (context.stopped()) break;
  }
  return null;
}

/** The loss over the plane spanned by two filter-normalised random directions (Li et al. 2018) through the weights. */
function landscapeSlice(req: SliceRequest): SliceResult {
  const { loss } = problem(req.network);
  const params = fromWeights(req.weights);
  const [d1, d2] = nb.landscape.randomDirections(params, { seed: req.seed });
  const s = nb.landscape.slice2d(loss, params, d1!, d2!, { range: req.range, n: req.n });
  // slice2d's values[i][j] is at (alphas[i], betas[j]); contours want i + j·n with i along the x axis (α).
  const values = s.betas.flatMap((_, j) => s.alphas.map((_, i) => s.values[i]![j]!));
  return { values, alphas: s.alphas };
}

export default defineJobs({ landscapeSurface: surface, landscapeClassify: classify, landscapeTrain, landscapeSlice });
