/** The Training playground's DOM: the controls, the output column and the gradient-flow warnings. */
import * as nb from "nabla";
import { button, el, field, input, select } from "../../dom.js";
import { DATASETS } from "../../datasets.js";
import { ACTIVATIONS } from "../../network.js";
import { TRAINERS } from "./jobs.js";

export function controls() {
  const c = {
    dataset: select(DATASETS, "moons"),
    seed: input({ type: "number", step: "1" }),
    noise: input({ type: "number", step: "0.05", min: "0", max: "1" }),
    depth: input({ type: "number", step: "1", min: "1", max: "12", "data-testid": "depth" }),
    width: input({ type: "number", step: "1", min: "1", max: "64" }),
    activation: select(ACTIVATIONS, "tanh"),
    residual: input({ type: "checkbox" }),
    optimizer: select(TRAINERS, "adam", Object.fromEntries(TRAINERS.map((name) => [name, nb.optim.optimizers[name].label]))),
    lr: input({ type: "number", step: "any", min: "0" }),
    steps: input({ type: "number", step: "50", min: "10", max: "5000" }),
    train: button("Train ▶", { class: "primary", "data-testid": "train" }),
    stop: button("Stop", { "data-testid": "stop" }),
    status: el("p", { class: "status", "aria-live": "polite", "data-testid": "status" }),
  };
  const nodes = [
    el("div", { class: "row" }, field("Dataset", c.dataset), field("Seed", c.seed)),
    field("Noise", c.noise),
    el("div", { class: "row" }, field("Hidden layers", c.depth), field("Width", c.width)),
    field("Activation φ", c.activation),
    el("label", { class: "check" }, c.residual, "Residual connections"),
    el("div", { class: "row" }, field("Optimizer", c.optimizer), field("Learning rate", c.lr)),
    field("Steps", c.steps),
    el("div", { class: "buttons" }, c.train, c.stop),
    c.status,
  ];
  return { ...c, nodes };
}

export function outputs() {
  const o = {
    boundary: el("div", { class: "plot square", "data-testid": "boundary" }),
    loss: el("div", { class: "plot small", "data-testid": "loss" }),
    gradNorms: el("div", { class: "plot small", "data-testid": "grad-norms" }),
    warnings: el("ul", { class: "warnings", "aria-live": "polite", "data-testid": "flow-warnings" }),
  };
  const nodes = [
    el("h2", {}, "Decision boundary"), o.boundary,
    el("div", { class: "pair" },
      el("div", {}, el("h2", {}, "Loss"), o.loss),
      el("div", {}, el("h2", {}, "Gradient norm per layer"), o.gradNorms)),
    el("h2", {}, "Gradient-flow monitor"), o.warnings,
  ];
  return { ...o, nodes };
}

/** nb.nn's gradient-flow warnings, or a line saying the gradients look healthy. */
export function showWarnings(list: HTMLElement, warnings: readonly string[]): void {
  list.replaceChildren(...(warnings.length
    ? warnings.map((w) => el("li", { class: "warning" }, w))
    : [el("li", { class: "healthy" }, "No warnings: every layer's gradient is at least 10⁻³ of the largest layer's, none explodes, and no ReLU layer is mostly dead.")]));
}
