/**
 * Training playground: a network built from nb.nn layers learns a 2-D dataset in the worker
 * while the page draws the loss, the decision boundary, each layer's gradient norm and the
 * gradient-flow monitor's warnings — where vanishing gradients show.
 */
import { fmt } from "../../plot.js";
import { definePage, param, type Param } from "../../page.js";
import { DATASETS, makeDataset } from "../../datasets.js";
import { ACTIVATIONS } from "../../network.js";
import { type TrainerName, TRAINERS, type TrainingProgress } from "./jobs.js";
import { drawBoundary, drawGradNorms, drawLoss } from "./plots.js";
import { controls, outputs, showWarnings } from "./view.js";

/** The optimizer by its name in nb.optim.optimizers; older permalinks' "sgd" is plain gradient descent, "gd". */
const optimizerParam: Param<TrainerName> = { ...param.choice(TRAINERS, "adam"), parse: (raw) => TRAINERS.find((t) => t === (raw === "sgd" ? "gd" : raw)) };

export default definePage({
  title: "Training playground",
  lede: "A multilayer perceptron h ← φ(Wh + b), built from nb.nn layers, is trained by gradient descent on the cross-entropy loss with the same step as nb.nn.fit; backpropagation gives ∂L/∂W for every layer. "
    + "Each layer multiplies the backward signal by Wᵀ and φ′(z); with sigmoid, φ′ ≤ ¼, so in a deep net the first layers' gradients shrink geometrically — they vanish, and the gradient-flow monitor says so. "
    + "Try depth 8 with sigmoid, then switch to ReLU or tick residual connections (h ← h + φ(Wh + b)) and watch the gradient-norm chart.",
  params: {
    data: param.choice(DATASETS, "moons"),
    seed: param.number(1, { integer: true }),
    noise: param.number(0.1, { min: 0, max: 1 }),
    depth: param.number(2, { min: 1, max: 12, integer: true }),
    width: param.number(16, { min: 1, max: 64, integer: true }),
    act: param.choice(ACTIVATIONS, "tanh"),
    res: param.flag(false),
    opt: optimizerParam,
    lr: param.number(0.03, { min: 1e-12 }),
    steps: param.number(300, { min: 10, max: 5000, integer: true }),
  },
  mount(page) {
    const { state } = page;
    const [c, o] = page.place(controls(), outputs());
    const keys = { data: c.dataset, seed: c.seed, noise: c.noise, depth: c.depth, width: c.width, act: c.activation, res: c.residual, opt: c.optimizer, lr: c.lr, steps: c.steps };
    for (const [key, control] of Object.entries(keys)) page.bind(key as keyof typeof keys, control);
    const dataset = () => makeDataset(state.data, state.seed, state.noise);
    const boundary = (probabilities?: number[]): void =>
      drawBoundary(o.boundary, dataset(), `The ${state.data} dataset and the network's decision boundary`, probabilities);
    page.onChange((key) => {
      if (key === "data" || key === "seed" || key === "noise") boundary();
    });

    let losses: number[] = [];
    const progress = (p: TrainingProgress): void => {
      losses.push(...p.losses);
      if (p.boundary) boundary(p.boundary);
      drawLoss(o.loss, losses, state.steps);
      drawGradNorms(o.gradNorms, p.gradNorms);
      showWarnings(o.warnings, p.warnings);
      c.status.textContent = `Step ${p.step} of ${state.steps} · loss ${fmt(losses[losses.length - 1]!, 4)} · accuracy ${(100 * p.accuracy).toFixed(1)}%`;
      Object.assign(c.status.dataset, { accuracy: String(p.accuracy), step: String(p.step) });
    };
    const run = page.restartable("train", { start: c.train, stop: c.stop }, progress, () => {
      c.status.dataset["done"] = "true";
    });
    const train = (): void => {
      losses = [];
      boundary();
      c.status.textContent = "Training…";
      Object.assign(c.status.dataset, { accuracy: "", done: "false" });
      run({ dataset: state.data, seed: state.seed, noise: state.noise, depth: state.depth, width: state.width, activation: state.act, residual: state.res, optimizer: state.opt, lr: state.lr, steps: state.steps });
    };
    c.train.addEventListener("click", train);
    page.save();
    train();
  },
});
