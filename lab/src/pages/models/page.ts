/**
 * Classical models with their calculus on show: an SVM's dual (support vectors sized by their
 * multipliers, the KKT residuals), a Gaussian process's marginal likelihood and its gradient,
 * and XGBoost-style boosting round by round with each sample's g and h.
 */
import { COLORS, fmt, type Frame } from "../../plot.js";
import { definePage, param, type PageContext, type Param, type StateOf } from "../../page.js";
import { type BoostingResult, OBJECTIVES } from "./boosting.js";
import type { GpResult } from "./gp.js";
import { drawBoostingFit, drawPosterior, drawRoundLoss, drawStems, drawSurface, drawSvm, markPicked } from "./plots.js";
import { KERNELS, SVM_DATASETS } from "./svm.js";
import { controls, MODELS, type ModelName, outputs, showKkt, showTheta } from "./view.js";

const gammaRange = param.number(NaN, { min: 1e-6, max: 1e6 });
/** γ, or NaN (an empty field) for scikit-learn's "scale". */
const gammaParam: Param<number> = { ...gammaRange, parse: (raw) => (raw.trim() === "" ? NaN : gammaRange.parse(raw)) };

const PARAMS = {
  m: param.choice(MODELS, "svm"),
  seed: param.number(1, { integer: true, min: 0 }),
  data: param.choice(SVM_DATASETS, "moons"),
  n: param.number(100, { min: 10, max: 240, integer: true }),
  noise: param.number(0.15, { min: 0, max: 1 }),
  kernel: param.choice(KERNELS, "rbf"),
  C: param.number(1, { min: 1e-6, max: 1e6 }),
  gamma: gammaParam,
  degree: param.number(3, { min: 1, max: 6, integer: true }),
  gpn: param.number(24, { min: 4, max: 80, integer: true }),
  gpnoise: param.number(0.2, { min: 0, max: 2 }),
  restarts: param.number(2, { min: 0, max: 10, integer: true }),
  objective: param.choice(OBJECTIVES, "logistic"),
  bn: param.number(60, { min: 10, max: 300, integer: true }),
  rounds: param.number(30, { min: 1, max: 200, integer: true }),
  depth: param.number(2, { min: 1, max: 8, integer: true }),
  eta: param.number(0.3, { min: 1e-3, max: 1 }),
  lambda: param.number(1, { min: 0, max: 1e6 }),
  round: param.number(1, { min: 1, max: 200, integer: true }),
  /** A (log ℓ, log noise) picked on the GP's surface; NaN: show the fitted θ. */
  logl: param.number(NaN, { min: -30, max: 30 }),
  lognoise: param.number(NaN, { min: -30, max: 30 }),
};
type State = StateOf<typeof PARAMS>;
type Keys = keyof State & string;
/** Which model's computation each parameter feeds (the round slider only redraws). */
const INPUTS: Record<ModelName, readonly Keys[]> = {
  svm: ["seed", "data", "n", "noise", "kernel", "C", "gamma", "degree"],
  gp: ["seed", "gpn", "gpnoise", "restarts"],
  boosting: ["seed", "objective", "bn", "rounds", "depth", "eta", "lambda"],
};

export default definePage({
  title: "Models",
  lede: "Classical models, fitted by nb.models, with the calculus inside them on show. "
    + "The SVM solves its dual by SMO: the support vectors are the points with Lagrange multiplier αᵢ > 0, and the KKT conditions certify the optimum. "
    + "The Gaussian process picks its lengthscale and noise by climbing the log marginal likelihood with its exact gradient. "
    + "Gradient boosting fits each tree to every sample's gradient gᵢ and Hessian hᵢ of the loss, as XGBoost does — here for any nabla loss. Choose a model, change its settings, and watch.",
  params: PARAMS,
  mount(page) {
    const [c, o] = page.place(controls(), outputs());
    const bound = { m: c.model, seed: c.seed, data: c.data, n: c.n, noise: c.noise, kernel: c.kernel, C: c.C, gamma: c.gamma, degree: c.degree, gpn: c.gpn, gpnoise: c.gpnoise, restarts: c.restarts, objective: c.objective, bn: c.bn, rounds: c.rounds, depth: c.depth, eta: c.eta, lambda: c.lambda, round: o.round };
    for (const [key, control] of Object.entries(bound)) page.bind(key as Keys, control, key === "round" ? "input" : "change");
    const run = { svm: () => runSvm(page, o), gp: gpPanel(page, o), boosting: boostingPanel(page, o) };
    // A panel computes when shown, and again when one of its inputs changed.
    const stale = new Set<ModelName>(MODELS);
    const show = (): void => {
      for (const model of MODELS) o.panels[model].hidden = c.groups[model].hidden = model !== page.state.m;
      if (stale.delete(page.state.m)) void run[page.state.m]();
    };
    page.onChange((key) => {
      for (const model of MODELS) if (INPUTS[model].includes(key)) stale.add(model);
      show();
    });
    page.save();
    show();
  },
});

type Page = PageContext<State>;
type Outputs = ReturnType<typeof outputs>;

async function runSvm(page: Page, o: Outputs): Promise<void> {
  const s = page.state;
  const r = await page.compute("modelsSvm", { data: s.data, seed: s.seed, noise: s.noise, n: s.n, kernel: s.kernel, C: s.C, gamma: s.gamma, degree: s.degree });
  if (!r) return;
  drawSvm(o.svmPlot, r, `The ${s.data} set, the ${s.kernel} SVC's decision boundary, its margins and its support vectors`);
  const atBound = r.alphas.filter((a) => a >= s.C * (1 - 1e-9)).length;
  o.svmStatus.textContent = `${r.supportIndices.length} support vectors of ${r.x.length} points (${atBound} at αᵢ = C) · b = ${fmt(r.intercept, 4)} · ${r.iterations} SMO steps · training accuracy ${(100 * r.accuracy).toFixed(1)}%`;
  o.svmStatus.dataset["support"] = String(r.supportIndices.length);
  showKkt(o.kkt, r.kkt);
}

/**
 * The GP's panel: run fits and draws the surface; a click on the surface picks (log ℓ, log noise)
 * and the posterior is redrawn there (σ² kept at its fitted value), until "Back to the fitted θ".
 */
function gpPanel(page: Page, o: Outputs): () => Promise<void> {
  let fit: GpResult | undefined;
  let surface: Frame | undefined;
  const request = () => ({ seed: page.state.seed, n: page.state.gpn, noise: page.state.gpnoise, restarts: page.state.restarts });
  const picked = (): [number, number] | undefined => (Number.isNaN(page.state.logl) || Number.isNaN(page.state.lognoise) ? undefined : [page.state.logl, page.state.lognoise]);
  const showPosterior = async (): Promise<void> => {
    if (!fit || !surface) return;
    const theta = picked();
    markPicked(surface, theta);
    o.back.hidden = !theta;
    const at = theta ? await page.compute("modelsGpAt", { ...request(), theta: [fit.theta[0]!, ...theta] }) : { line: fit.line, lml: fit.lml };
    if (!at) return;
    drawPosterior(o.posterior, fit, at.line, "Noisy samples, the true function, and the GP's posterior mean with a ±2σ band");
    o.gpStatus.dataset["lml"] = String(at.lml);
    o.gpStatus.textContent = theta
      ? `At the picked log ℓ = ${fmt(theta[0], 3)}, log noise = ${fmt(theta[1], 3)}: log p(y | X, θ) = ${fmt(at.lml, 4)}, against ${fmt(fit.lml, 4)} at the fitted θ.`
      : `At the fitted θ, log p(y | X, θ) = ${fmt(fit.lml, 4)}. Click the surface below to see the posterior at other hyperparameters.`;
  };
  const pick = (theta?: [number, number]): void => {
    [page.state.logl, page.state.lognoise] = theta ?? [NaN, NaN];
    page.save();
    void showPosterior();
  };
  o.back.addEventListener("click", () => pick());
  return async () => {
    const r = await page.compute("modelsGp", request());
    if (!r) return;
    fit = r;
    surface = drawSurface(o.surface, r, "The log marginal likelihood over log lengthscale and log noise, with its gradient and the fitted point", pick);
    showTheta(o.theta, r);
    await showPosterior();
  };
}

/**
 * Boosting's panel: run fits and draws; the round slider (and Play, which steps it) only
 * redraws the chosen round from the last fit.
 */
function boostingPanel(page: Page, o: Outputs): () => Promise<void> {
  let fitted: BoostingResult | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = (): void => {
    if (!fitted) return;
    const k = Math.min(page.state.round, fitted.loss.length);
    o.round.max = String(fitted.loss.length);
    o.round.value = String(k);
    drawBoostingFit(o.fit, fitted, k, `Round ${k}: the ensemble before and after its tree, and −g at each sample`);
    drawStems(o.g, fitted.x, fitted.g[k - 1]!, "gᵢ", COLORS[1]!, `Each sample's gradient g at the start of round ${k}`);
    drawStems(o.h, fitted.x, fitted.h[k - 1]!, "hᵢ", COLORS[2]!, `Each sample's Hessian h at the start of round ${k}`);
    drawRoundLoss(o.loss, fitted.loss, k);
    o.roundLabel.textContent = `Round ${k} of ${fitted.loss.length} · ${fitted.leaves[k - 1]} leaves · loss ${fmt(fitted.loss[k - 1]!, 5)}`;
    o.roundLabel.dataset["round"] = String(k);
  };
  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
    o.play.textContent = "Play ▶";
  };
  o.play.addEventListener("click", () => {
    if (timer !== undefined || !fitted) return stop();
    if (page.state.round >= fitted.loss.length) page.state.round = 0;
    o.play.textContent = "Pause ❚❚";
    timer = setInterval(() => {
      page.state.round = Math.min(page.state.round + 1, fitted!.loss.length);
      page.save();
      draw();
      if (page.state.round >= fitted!.loss.length) stop();
    }, 350);
  });
  page.onLeave(stop);
  page.onChange((key) => {
    if (key === "round") draw();
  });
  return async () => {
    const s = page.state;
    stop();
    const r = await page.compute("modelsBoosting", { objective: s.objective, seed: s.seed, n: s.bn, rounds: s.rounds, depth: s.depth, eta: s.eta, lambda: s.lambda });
    if (!r) return;
    fitted = r;
    draw();
  };
}
