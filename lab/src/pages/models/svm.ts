/**
 * The SVM panel's computation, run in the worker: a two-class plane set, an SVC fitted in the dual,
 * its decision function on a grid, every training point's margin and the KKT report.
 */
import * as nb from "nabla";
import { DATASETS as PLAYGROUND_DATASETS, EXTENT, makeDataset } from "../../datasets.js";

export const SVM_DATASETS = ["blobs", ...PLAYGROUND_DATASETS] as const;
export type SvmDataset = (typeof SVM_DATASETS)[number];
export const KERNELS = ["linear", "rbf", "poly"] as const;
export type KernelName = (typeof KERNELS)[number];
/** The SVM's plane, as the playground's datasets; the decision function is sampled on GRID_N² points. */
export { EXTENT };
export const GRID_N = 60;

/** n seeded points of a two-class set: two Gaussian blobs, or the Training playground's sets. */
function svmDataset(name: SvmDataset, seed: number, noise: number, n: number): { x: [number, number][]; y: number[] } {
  if (name !== "blobs") {
    // The playground draws 240 points in random order (classes alternating), so a prefix is a smaller sample.
    const data = makeDataset(name, seed, noise);
    return { x: data.x.slice(0, n), y: data.y.slice(0, n) };
  }
  const e = nb.randn([n, 2], { seed }).values();
  const spread = 0.25 + noise;
  const x = Array.from({ length: n }, (_, i): [number, number] => {
    const sign = i % 2 ? 1 : -1;
    return [sign * 0.7 + spread * e[2 * i]!, sign * 0.5 + spread * e[2 * i + 1]!];
  });
  return { x, y: x.map((_, i) => i % 2) };
}

export interface SvmRequest {
  data: SvmDataset;
  seed: number;
  noise: number;
  n: number;
  kernel: KernelName;
  C: number;
  /** γ; NaN for scikit-learn's "scale". */
  gamma: number;
  degree: number;
}

export interface SvmResult {
  x: [number, number][];
  y: number[];
  /** yᵢ f(xᵢ) with yᵢ = ±1: the margin of every training point (≤ 1 for a support vector). */
  margins: number[];
  supportIndices: number[];
  /** |αᵢ| of each support vector, in supportIndices' order. */
  alphas: number[];
  intercept: number;
  /** f on a GRID_N × GRID_N grid over EXTENT², at i + j·GRID_N. */
  grid: number[];
  kkt: nb.models.SvcKkt;
  iterations: number;
  accuracy: number;
}

/** A GRID_N × GRID_N grid over EXTENT², rows of (x₁, x₂) with x₁ fastest. */
function planeGrid(): nb.Tensor {
  const axis = nb.linspace(EXTENT[0], EXTENT[1], GRID_N);
  const xs = nb.broadcastTo(axis.reshape([1, GRID_N]), [GRID_N, GRID_N]).reshape([-1, 1]);
  const ys = nb.broadcastTo(axis.reshape([GRID_N, 1]), [GRID_N, GRID_N]).reshape([-1, 1]);
  return nb.concat([xs, ys], 1);
}

export function svm(req: SvmRequest): SvmResult {
  const { x, y } = svmDataset(req.data, req.seed, req.noise, req.n);
  const gamma = Number.isNaN(req.gamma) ? "scale" : req.gamma;
  const model = new nb.models.SVC({ kernel: req.kernel, C: req.C, gamma, degree: req.degree, tol: 1e-6 }).fit(x, y);
  const f = model.decisionFunction(x).values();
  return {
    x, y,
    margins: y.map((label, i) => (label === model.classes[1] ? 1 : -1) * f[i]!),
    supportIndices: model.supportIndices,
    alphas: Array.from(model.dualCoef.values(), Math.abs),
    intercept: model.intercept,
    grid: Array.from(model.decisionFunction(planeGrid()).values()),
    kkt: model.kkt(),
    iterations: model.nIter,
    accuracy: model.score(x, y),
  };
}
