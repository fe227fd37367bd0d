/** The Models page's DOM: the model chooser, each model's controls and output panel, and the KKT and θ tables. */
import * as nb from "nabla";
import { button, el, field, input, select } from "../../dom.js";
import { fmt } from "../../plot.js";
import { OBJECTIVES } from "./boosting.js";
import type { GpResult } from "./gp.js";
import { KERNELS, SVM_DATASETS } from "./svm.js";

export const MODELS = ["svm", "gp", "boosting"] as const;
export type ModelName = (typeof MODELS)[number];
const MODEL_LABELS: Record<ModelName, string> = { svm: "Support vector machine", gp: "Gaussian process", boosting: "Gradient boosting" };

const number = (step: string, min: string, max?: string): HTMLInputElement => input({ type: "number", step, min, ...(max ? { max } : {}) });

export function controls() {
  const c = {
    model: select(MODELS, "svm", MODEL_LABELS), seed: number("1", "0"),
    data: select(SVM_DATASETS, "moons"), n: number("10", "10", "240"), noise: number("0.05", "0", "1"),
    kernel: select(KERNELS, "rbf"), C: number("any", "0"), gamma: input({ type: "number", step: "any", min: "0", placeholder: "scale" }), degree: number("1", "1", "6"),
    gpn: number("2", "4", "80"), gpnoise: number("0.05", "0", "2"), restarts: number("1", "0", "10"),
    objective: select(OBJECTIVES, "logistic"), bn: number("10", "10", "300"), rounds: number("5", "1", "200"),
    depth: number("1", "1", "8"), eta: number("0.05", "0", "1"), lambda: number("0.5", "0"),
  };
  const groups = {
    svm: el("fieldset", {}, el("legend", {}, "SVC, solved in the dual by SMO"),
      el("div", { class: "row" }, field("Dataset", c.data), field("Points", c.n)), field("Noise", c.noise),
      el("div", { class: "row" }, field("Kernel", c.kernel), field("C", c.C)),
      el("div", { class: "row" }, field("γ (rbf, poly)", c.gamma, "empty: 1/(d·Var X)"), field("Degree (poly)", c.degree))),
    gp: el("fieldset", {}, el("legend", {}, "GP regression, RBF kernel + noise"),
      el("div", { class: "row" }, field("Samples", c.gpn), field("Noise σ", c.gpnoise)), field("L-BFGS restarts", c.restarts)),
    boosting: el("fieldset", {}, el("legend", {}, "Second-order boosted trees"),
      field("Objective", c.objective), el("div", { class: "row" }, field("Samples", c.bn), field("Rounds", c.rounds)),
      el("div", { class: "row" }, field("Depth", c.depth), field("η (shrinkage)", c.eta)), field("λ (leaf L2)", c.lambda)),
  };
  return { ...c, groups, nodes: [field("Model", c.model), groups.svm, groups.gp, groups.boosting, field("Seed", c.seed, "the same seed gives the same samples")] };
}

export function outputs() {
  const o = {
    svmPlot: el("div", { class: "plot square", "data-testid": "svm-plot" }),
    svmStatus: el("p", { class: "status", "aria-live": "polite", "data-testid": "svm-status" }),
    kkt: el("table", { class: "methods", "data-testid": "kkt" }),
    posterior: el("div", { class: "plot", "data-testid": "gp-posterior" }),
    gpStatus: el("span", { class: "status", "aria-live": "polite", "data-testid": "gp-status" }),
    back: button("Back to the fitted θ", { "data-testid": "gp-back" }),
    surface: el("div", { class: "plot square", "data-testid": "gp-surface" }),
    theta: el("table", { class: "methods", "data-testid": "gp-theta" }),
    round: input({ type: "range", min: "1", step: "1", "data-testid": "round", "aria-label": "Round" }),
    play: button("Play ▶", { "data-testid": "play" }),
    roundLabel: el("span", { class: "status", "aria-live": "polite", "data-testid": "round-label" }),
    fit: el("div", { class: "plot", "data-testid": "boost-fit" }),
    g: el("div", { class: "plot small", "data-testid": "boost-g" }),
    h: el("div", { class: "plot small", "data-testid": "boost-h" }),
    loss: el("div", { class: "plot small", "data-testid": "boost-loss" }),
  };
  const panels = {
    svm: el("section", { "data-testid": "panel-svm" }, el("h2", {}, "Decision boundary, margins and support vectors"), o.svmPlot,
      el("p", { class: "caption" }, "Solid: f(x) = 0. Dashed: the margins f(x) = ±1. Circled: the support vectors (αᵢ > 0), radius proportional to αᵢ; those at αᵢ = C sit on or inside their margin."),
      o.svmStatus, el("h2", {}, "KKT conditions at the solution"), el("div", { class: "table-wrap" }, o.kkt)),
    gp: el("section", { "data-testid": "panel-gp" }, el("h2", {}, "Posterior mean and ±2σ band"), el("div", { class: "round-control" }, o.gpStatus, o.back), o.posterior,
      el("p", { class: "caption" }, "Dots: noisy samples. Dashed: the true function. The band is the posterior of f: narrow at the data, wide in the gap and beyond."),
      el("h2", {}, "Log marginal likelihood over (log ℓ, log noise)"), o.surface,
      el("p", { class: "caption" }, "At the fitted log σ². Brighter is higher; arrows point along ∂ log p(y | X, θ)/∂θ (nabla's reverse mode through the Cholesky factor); the red ring is the optimiser's θ. Click to pick another θ (white dot) and see its posterior above."),
      el("div", { class: "table-wrap" }, o.theta)),
    boosting: el("section", { "data-testid": "panel-boosting" }, el("h2", {}, "Round by round"),
      el("div", { class: "round-control" }, o.round, o.play, o.roundLabel), o.fit,
      el("p", { class: "caption" }, "Dashed: the ensemble before this round's tree; solid: after it. Arrows: −gᵢ at each sample, the direction the tree was grown to move the prediction; each leaf moves by −η·G/(H + λ)."),
      el("div", { class: "pair" }, el("div", {}, el("h2", {}, "Gradient gᵢ"), o.g), el("div", {}, el("h2", {}, "Hessian hᵢ"), o.h)),
      el("h2", {}, "Loss"), el("div", { class: "narrow" }, o.loss)),
  };
  return { ...o, panels, nodes: [panels.svm, panels.gp, panels.boosting] };
}

const row = (name: string, value: string, meaning: string): HTMLTableRowElement =>
  el("tr", {}, el("th", {}, name), el("td", { class: "num" }, value), el("td", {}, meaning));

/** The SVC's KKT residuals, each with what it measures. */
export function showKkt(table: HTMLElement, kkt: nb.models.SvcKkt): void {
  table.replaceChildren(el("thead", {}, el("tr", {}, el("th", {}, "condition"), el("th", {}, "residual"), el("th", {}, "what it checks"))),
    row("stationarity", fmt(kkt.stationarity, 3), "αᵢ = 0 ⇒ yᵢf(xᵢ) ≥ 1; 0 < αᵢ < C ⇒ yᵢf(xᵢ) = 1; αᵢ = C ⇒ yᵢf(xᵢ) ≤ 1"),
    row("complementary slackness", fmt(kkt.complementarySlackness, 3), "αᵢ·|yᵢf(xᵢ) − 1 + ξᵢ| and (C − αᵢ)·ξᵢ vanish"),
    row("box", fmt(kkt.box, 3), "0 ≤ αᵢ ≤ C"),
    row("equality", fmt(kkt.equality, 3), "Σ yᵢαᵢ = 0"),
    row("duality gap", fmt(kkt.dualityGap, 3), "primal ½‖w‖² + CΣξᵢ minus dual Σαᵢ − ½αᵀQα"),
    row("max violation", fmt(kkt.maxViolation, 3), "the maximal violating pair's gap, which SMO drives below tol = 10⁻⁶"));
}

/** The fitted hyperparameters and the LML of each start. */
export function showTheta(table: HTMLElement, r: GpResult): void {
  const [variance, lengthscale, noise] = r.theta.map(Math.exp) as [number, number, number];
  table.replaceChildren(el("thead", {}, el("tr", {}, el("th", {}, "fitted"), el("th", {}, "value"), el("th", {}, ""))),
    row("σ² (signal variance)", fmt(variance, 4), `log σ² = ${fmt(r.theta[0]!, 4)}`),
    row("ℓ (lengthscale)", fmt(lengthscale, 4), `log ℓ = ${fmt(r.theta[1]!, 4)}`),
    row("noise variance", fmt(noise, 4), `log noise = ${fmt(r.theta[2]!, 4)}`),
    row("log p(y | X, θ)", fmt(r.lml, 6), `best of ${r.starts.length} L-BFGS starts: ${r.starts.map((v) => fmt(v, 3)).join(", ")}`));
}
