/**
 * Training playground: an MLP learns a 2-D dataset in the worker while the page draws the
 * loss, the decision boundary and each layer's gradient norm — where vanishing gradients show.
 */
import * as d3 from "d3";
import { start, type RunningJob } from "../client.js";
import {
  ACTIVATIONS, type Activation, BOUNDARY_N, DATASETS, type DatasetName, EXTENT, makeDataset, TRAINERS, type TrainerName,
  type TrainingProgress, type TrainingRequest,
} from "../compute/training.js";
import { button, el, errorLine, field, input, select } from "../dom.js";
import type { Page } from "../page.js";
import { COLORS, fmt, frame, line } from "../plot.js";
import { choiceParam, numberParam, saveState } from "../state.js";

const CLASS_COLORS = ["#D55E00", "#0072B2"];

export const trainingPage: Page = {
  id: "training",
  title: "Training playground",
  mount(root, params) {
    const state: TrainingRequest = {
      dataset: choiceParam(params, "data", DATASETS, "moons"),
      seed: numberParam(params, "seed", 1),
      noise: numberParam(params, "noise", 0.1),
      depth: numberParam(params, "depth", 2),
      width: numberParam(params, "width", 16),
      activation: choiceParam(params, "act", ACTIVATIONS, "tanh"),
      residual: params.get("res") === "true",
      optimizer: choiceParam(params, "opt", TRAINERS, "adam"),
      lr: numberParam(params, "lr", 0.03),
      steps: numberParam(params, "steps", 300),
    };
    const datasetSelect = select(DATASETS, state.dataset);
    const seedInput = input({ type: "number", step: "1", value: String(state.seed) });
    const noiseInput = input({ type: "number", step: "0.05", min: "0", max: "1", value: String(state.noise) });
    const depthInput = input({ type: "number", step: "1", min: "1", max: "12", value: String(state.depth), "data-testid": "depth" });
    const widthInput = input({ type: "number", step: "1", min: "1", max: "64", value: String(state.width) });
    const activationSelect = select(ACTIVATIONS, state.activation);
    const residualBox = input({ type: "checkbox" });
    residualBox.checked = state.residual;
    const optimizerSelect = select(TRAINERS, state.optimizer, { adam: "Adam", sgd: "SGD", momentum: "Momentum", rmsprop: "RMSProp" });
    const lrInput = input({ type: "number", step: "any", min: "0", value: String(state.lr) });
    const stepsInput = input({ type: "number", step: "50", min: "10", max: "5000", value: String(state.steps) });
    const trainButton = button("Train ▶", { class: "primary", "data-testid": "train" });
    const stopButton = button("Stop", { "data-testid": "stop" });
    const error = errorLine();
    const status = el("p", { class: "status", "aria-live": "polite", "data-testid": "status" });
    const boundaryPlot = el("div", { class: "plot square", "data-testid": "boundary" });
    const lossPlot = el("div", { class: "plot small", "data-testid": "loss" });
    const gradPlot = el("div", { class: "plot small", "data-testid": "grad-norms" });

    root.append(
      el("header", { class: "page-head" },
        el("h1", {}, "Training playground"),
        el("p", { class: "lede" },
          "A multilayer perceptron h ← φ(Wh + b) is trained by gradient descent on the cross-entropy loss; backpropagation gives ∂L/∂W for every layer. ",
          "Each layer multiplies the backward signal by Wᵀ and φ′(z); with sigmoid, φ′ ≤ ¼, so in a deep net the first layers' gradients shrink geometrically — they vanish. ",
          "Try depth 8 with sigmoid, then switch to ReLU or tick residual connections (h ← h + φ(Wh + b)) and watch the gradient-norm chart.")),
      el("div", { class: "layout" },
        el("form", { class: "controls", "aria-label": "Training controls" },
          el("div", { class: "row" }, field("Dataset", datasetSelect), field("Seed", seedInput)),
          field("Noise", noiseInput),
          el("div", { class: "row" }, field("Hidden layers", depthInput), field("Width", widthInput)),
          field("Activation φ", activationSelect),
          el("label", { class: "check" }, residualBox, "Residual connections"),
          el("div", { class: "row" }, field("Optimizer", optimizerSelect), field("Learning rate", lrInput)),
          field("Steps", stepsInput),
          error,
          el("div", { class: "buttons" }, trainButton, stopButton),
          status,
        ),
        el("div", { class: "output" },
          el("h2", {}, "Decision boundary"), boundaryPlot,
          el("div", { class: "pair" },
            el("div", {}, el("h2", {}, "Loss"), lossPlot),
            el("div", {}, el("h2", {}, "Gradient norm per layer"), gradPlot)),
        ),
      ),
    );

    let job: RunningJob<null> | undefined;
    let lossHistory: number[] = [];

    const read = (): string | undefined => {
      const numbers = {
        seed: Number(seedInput.value), noise: Number(noiseInput.value), depth: Number(depthInput.value), width: Number(widthInput.value),
        lr: Number(lrInput.value), steps: Number(stepsInput.value),
      };
      if (!Object.values(numbers).every(Number.isFinite)) return "every number field needs a number";
      if (numbers.depth < 1 || numbers.depth > 12 || numbers.width < 1 || numbers.width > 64) return "use 1–12 hidden layers of width 1–64";
      if (numbers.lr <= 0 || numbers.steps < 1 || numbers.noise < 0) return "learning rate and steps must be positive, noise at least 0";
      Object.assign(state, numbers, {
        dataset: datasetSelect.value as DatasetName, activation: activationSelect.value as Activation, residual: residualBox.checked,
        optimizer: optimizerSelect.value as TrainerName, depth: Math.round(numbers.depth), width: Math.round(numbers.width), steps: Math.round(numbers.steps),
      });
      saveState("training", { data: state.dataset, seed: state.seed, noise: state.noise, depth: state.depth, width: state.width, act: state.activation, res: state.residual, opt: state.optimizer, lr: state.lr, steps: state.steps });
      return undefined;
    };

    const drawBoundary = (probabilities?: number[]): void => {
      const f = frame(boundaryPlot, { width: 480, height: 460, x: EXTENT, y: EXTENT, xLabel: "x₁", yLabel: "x₂", title: `The ${state.dataset} dataset and the network's decision boundary` });
      if (probabilities) {
        const color = d3.scaleDiverging(d3.interpolateRdBu).domain([0, 0.5, 1]);
        const cell = (EXTENT[1] - EXTENT[0]) / (BOUNDARY_N - 1);
        const toPixels = d3.geoTransform({
          point(px, py) {
            this.stream.point(f.x(EXTENT[0] + cell * px), f.y(EXTENT[0] + cell * py));
          },
        });
        const bands = d3.contours().size([BOUNDARY_N, BOUNDARY_N]).thresholds(d3.range(0.05, 1, 0.1))(probabilities);
        f.plot.append("g").selectAll("path").data(bands).join("path").attr("d", d3.geoPath(toPixels)).attr("fill", (d) => color(d.value)).attr("fill-opacity", 0.45);
        const half = d3.contours().size([BOUNDARY_N, BOUNDARY_N]).thresholds([0.5])(probabilities);
        f.plot.append("g").selectAll("path").data(half).join("path").attr("class", "boundary-line").attr("d", d3.geoPath(toPixels));
      }
      const data = makeDatasetPreview();
      f.plot.append("g").selectAll("circle").data(data.x).join("circle")
        .attr("class", "point").attr("r", 3.5).attr("cx", (p) => f.x(p[0])).attr("cy", (p) => f.y(p[1])).attr("fill", (_, i) => CLASS_COLORS[data.y[i]!]!);
    };
    // The dataset is regenerated here (cheap, and seeded, so identical to the worker's) to draw it.
    const makeDatasetPreview = (): ReturnType<typeof makeDataset> => makeDataset(state.dataset, state.seed, state.noise);

    const drawCharts = (p: TrainingProgress): void => {
      const lf = frame(lossPlot, { width: 420, height: 260, x: [1, Math.max(2, state.steps)], y: [Math.max(1e-4, d3.min(lossHistory) ?? 1e-3), Math.max(1, d3.max(lossHistory) ?? 1)], yScale: "log", xLabel: "step", yLabel: "loss", title: "Training loss, log scale" });
      line(lf, lossHistory.map((_, i) => i + 1), lossHistory, "loss").attr("stroke", COLORS[0]!);
      const norms = p.gradNorms;
      const top = Math.max(1e-12, d3.max(norms) ?? 1);
      const gf = frame(gradPlot, { width: 420, height: 260, x: [0, norms.length], y: [Math.min(top / 10, Math.max(1e-12, d3.min(norms) ?? 1e-6) / 2), top * 2], yScale: "log", xTicks: false, yLabel: "‖∂L/∂W‖", title: "Gradient norm of each layer's weights, log scale" });
      const band = d3.scaleBand<number>().domain(d3.range(norms.length)).range([0, gf.width]).padding(0.2);
      gf.plot.selectAll("rect").data(norms).join("rect").attr("class", "bar").attr("x", (_, i) => band(i)!).attr("width", band.bandwidth())
        .attr("y", (v) => gf.y(Math.max(v, gf.y.domain()[0]!))).attr("height", (v) => gf.height - gf.y(Math.max(v, gf.y.domain()[0]!))).attr("data-norm", (v) => String(v));
      gf.svg.select<SVGGElement>("g").selectAll(".layer-label").data(norms).join("text").attr("class", "layer-label")
        .attr("x", (_, i) => band(i)! + band.bandwidth() / 2).attr("y", gf.height + 18).attr("text-anchor", "middle").text((_, i) => (i === norms.length - 1 ? "out" : `L${i + 1}`));
    };

    const train = (): void => {
      const problem = read();
      error.textContent = problem ?? "";
      if (problem) return;
      job?.stop();
      lossHistory = [];
      drawBoundary();
      status.textContent = "Training…";
      status.dataset["accuracy"] = "";
      trainButton.disabled = true;
      const current = start("train", { ...state }, (p) => {
        if (job !== current) return;
        lossHistory.push(...p.losses);
        if (p.boundary) drawBoundary(p.boundary);
        drawCharts(p);
        status.textContent = `Step ${p.step} of ${state.steps} · loss ${fmt(lossHistory[lossHistory.length - 1]!, 4)} · accuracy ${(100 * p.accuracy).toFixed(1)}%`;
        status.dataset["accuracy"] = String(p.accuracy);
        status.dataset["step"] = String(p.step);
      });
      job = current;
      current.done.then(() => {
        if (job === current) status.dataset["done"] = "true";
      }, (e: Error) => {
        error.textContent = e.message;
      }).finally(() => {
        if (job === current) trainButton.disabled = false;
      });
      status.dataset["done"] = "false";
    };

    trainButton.addEventListener("click", train);
    stopButton.addEventListener("click", () => {
      job?.stop();
      trainButton.disabled = false;
    });
    for (const control of [datasetSelect, seedInput, noiseInput]) control.addEventListener("change", () => {
      if (!read()) drawBoundary();
    });
    for (const form of root.querySelectorAll("form")) form.addEventListener("submit", (e) => e.preventDefault());
    drawBoundary();
    train();
    return () => job?.stop();
  },
};
