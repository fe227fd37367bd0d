/**
 * Loss landscape: a typed f(x, y) with every critical point found and classified by Morse
 * index, and a small network trained by gradient descent while its Hessian's top eigenvalue,
 * spectrum and a filter-normalised slice around its weights are measured in the worker.
 */
import { DATASETS } from "../../datasets.js";
import { ACTIVATIONS } from "../../network.js";
import { definePage, param, type PageContext, type Param, type StateOf } from "../../page.js";
import { fmt, type Frame } from "../../plot.js";
import type { Box, NetworkRequest, TrainProgress, Weights } from "./jobs.js";
import { drawCriticalPoints, drawDensity, drawLoss, drawSharpness, drawSlice, markInspected } from "./plots.js";
import { controls, outputs, showLegend, showPoints, showVerdict } from "./view.js";

const HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2";

/** The region as "xmin,xmax,ymin,ymax", each min below its max. */
const boxParam: Param<Box> = {
  fallback: [-5, 5, -5, 5],
  parse: (raw) => {
    const v = raw.split(",").map((s) => (s.trim() === "" ? NaN : Number(s)));
    return v.length === 4 && v.every(Number.isFinite) && v[0]! < v[1]! && v[2]! < v[3]! ? (v as Box) : undefined;
  },
  write: (box) => box.join(","),
};

const params = {
  f: param.text(HIMMELBLAU),
  box: boxParam,
  starts: param.number(100, { min: 4, max: 400, integer: true }),
  px: param.number(NaN),
  py: param.number(NaN),
  data: param.choice(DATASETS, "moons"),
  seed: param.number(1, { integer: true }),
  noise: param.number(0.1, { min: 0, max: 1 }),
  depth: param.number(2, { min: 1, max: 4, integer: true }),
  width: param.number(16, { min: 1, max: 32, integer: true }),
  act: param.choice(ACTIVATIONS, "tanh"),
  lr: param.number(1.5, { min: 1e-6 }),
  steps: param.number(300, { min: 10, max: 3000, integer: true }),
  range: param.number(1, { min: 0.01, max: 10 }),
};
type Page = PageContext<StateOf<typeof params>>;
type Controls = ReturnType<typeof controls>;
type Outputs = ReturnType<typeof outputs>;

/** The contours with the critical points, recomputed when f or the region changes; a click classifies the point. */
function wireSurface(page: Page, c: Controls, o: Outputs): void {
  const { state } = page;
  let plotted: Frame | undefined;
  const inspect = async (): Promise<void> => {
    if (Number.isNaN(state.px) || Number.isNaN(state.py)) return;
    const r = await page.compute("landscapeClassify", { source: state.f, point: [state.px, state.py] });
    if (!r) return;
    showVerdict(o.verdict, r);
    if (plotted) markInspected(plotted, r);
  };
  const click = (point: [number, number]): void => {
    [state.px, state.py] = point;
    page.save();
    void inspect();
  };
  const run = async (): Promise<void> => {
    const s = await page.compute("landscapeSurface", { source: state.f, box: state.box, starts: state.starts });
    if (!s) return;
    plotted = drawCriticalPoints(o.contour, s, state.box, click);
    showLegend(o.legend, s.points);
    showPoints(o.points, s.points);
    await inspect();
  };
  for (const [key, control] of [["f", c.f], ["box", c.box], ["starts", c.starts]] as const) page.bind(key, control);
  page.onChange((key) => {
    if (key === "f" || key === "box" || key === "starts") void run();
  });
  void run();
}

/** Trains on Train, drawing λmax, the loss and the spectrum as they come; slices at the weights reached. */
function wireNetwork(page: Page, c: Controls, o: Outputs): void {
  const { state } = page;
  const keys = { data: c.dataset, seed: c.seed, noise: c.noise, depth: c.depth, width: c.width, act: c.activation, lr: c.lr, steps: c.steps, range: c.range };
  for (const [key, control] of Object.entries(keys)) page.bind(key as keyof typeof keys, control);
  const network = (): NetworkRequest => ({ dataset: state.data, seed: state.seed, noise: state.noise, depth: state.depth, width: state.width, activation: state.act, residual: false, lr: state.lr, steps: state.steps });
  let request = network();
  let weights: Weights | undefined;
  const curves = { losses: [] as number[], steps: [] as number[], lambdas: [] as number[] };
  const slice = async (): Promise<void> => {
    if (!weights) return;
    const s = await page.compute("landscapeSlice", { network: request, weights, range: state.range, n: 25, seed: state.seed });
    if (s) drawSlice(o.slice, s);
  };
  const progress = (p: TrainProgress): void => {
    weights = p.weights;
    curves.losses.push(...p.losses);
    curves.steps.push(p.step);
    curves.lambdas.push(p.lambdaMax);
    drawSharpness(o.sharpness, curves.steps, curves.lambdas, request.lr, request.steps);
    drawLoss(o.loss, curves.losses, request.steps);
    if (p.density) drawDensity(o.density, p.density, request.lr);
    c.status.textContent = `Step ${p.step} of ${request.steps} · loss ${fmt(curves.losses.at(-1)!, 4)} · accuracy ${(100 * p.accuracy).toFixed(1)}% · λmax ${fmt(p.lambdaMax, 4)}, 2/η = ${fmt(2 / request.lr, 4)}`;
    Object.assign(c.status.dataset, { step: String(p.step), lambda: String(p.lambdaMax) });
  };
  const run = page.restartable("landscapeTrain", { start: c.train, stop: c.stop }, progress, async () => {
    c.status.dataset["done"] = "true";
    await slice();
  });
  const train = (): void => {
    request = network();
    Object.assign(curves, { losses: [], steps: [], lambdas: [] });
    c.status.textContent = "Training…";
    c.status.dataset["done"] = "false";
    run(request);
  };
  c.train.addEventListener("click", train);
  c.slice.addEventListener("click", () => void slice());
  train();
}

export default definePage({
  title: "Loss landscape",
  lede: "Where the gradient vanishes, the Hessian's eigenvalues decide: all positive is a minimum, all negative a maximum, mixed signs a saddle, and the number of negative ones is the Morse index. "
    + "nb.landscape.criticalPoints finds every critical point of f in the region and classifies each; Himmelblau's function has nine. "
    + "Below, a small network is trained by full-batch gradient descent with step η while Lanczos measures the loss's sharpness λmax, the Hessian's largest eigenvalue: gradient descent is unstable along curvature above 2/η, the edge of stability. "
    + "The spectrum comes from stochastic Lanczos quadrature, and the slice shows the loss over a plane through the weights along two filter-normalised random directions (Li et al. 2018).",
  params,
  mount(page) {
    const [c, o] = page.place(controls(), outputs());
    wireSurface(page, c, o);
    wireNetwork(page, c, o);
    page.save();
  },
});
