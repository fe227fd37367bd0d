/**
 * The Training playground's worker job: a network built from nb.nn layers, trained full-batch
 * with nb.nn.trainingStep (the step nb.nn.fit takes), reporting the loss, the accuracy, each
 * layer's gradient norm and the gradient-flow monitor's warnings as it goes.
 */
import * as nb from "nabla";
import { defineJobs, type JobContext } from "../../job.js";
import { type DatasetName, EXTENT, makeDataset } from "../../datasets.js";
import { buildModel, type NetworkSpec } from "../../network.js";

/** The optimizers offered, by their names in nb.optim.optimizers. */
export const TRAINERS = ["adam", "gd", "momentum", "rmsprop"] as const satisfies readonly nb.optim.OptimizerName[];
export type TrainerName = (typeof TRAINERS)[number];
export const BOUNDARY_N = 48;

export interface TrainingRequest extends NetworkSpec {
  dataset: DatasetName;
  noise: number;
  optimizer: TrainerName;
  lr: number;
  steps: number;
}

export interface TrainingProgress {
  step: number;
  /** Losses of the steps since the previous report. */
  losses: number[];
  accuracy: number;
  /** ‖∂L/∂θ‖ of each layer with parameters, first hidden layer first, output layer last. */
  gradNorms: number[];
  /** The gradient-flow monitor's warnings so far, each once. */
  warnings: string[];
  /** P(class 1) on a BOUNDARY_N × BOUNDARY_N grid over EXTENT², at i + j·n; sent now and then. */
  boundary?: number[];
}

function boundary(model: nb.nn.Module): number[] {
  const axis = nb.linspace(EXTENT[0], EXTENT[1], BOUNDARY_N);
  const xs = nb.broadcastTo(axis.reshape([1, BOUNDARY_N]), [BOUNDARY_N, BOUNDARY_N]).reshape([-1, 1]);
  const ys = nb.broadcastTo(axis.reshape([BOUNDARY_N, 1]), [BOUNDARY_N, BOUNDARY_N]).reshape([-1, 1]);
  return Array.from(nb.sigmoid(model.forward(nb.concat([xs, ys], 1))).values());
}

const REPORT_EVERY = 10;
const BOUNDARY_EVERY = 50;

/** Trains for req.steps full-batch steps, reporting every REPORT_EVERY and stopping when asked. */
async function train(req: TrainingRequest, context: JobContext<TrainingProgress>): Promise<null> {
  const data = makeDataset(req.dataset, req.seed, req.noise);
  const x = nb.tensor(data.x);
  const y = nb.tensor(data.y);
  const model = buildModel(req);
  const optimizer = nb.optim.optimizer(req.optimizer, { lr: req.lr });
  const step = nb.nn.trainingStep(model, { loss: "binaryCrossEntropy", optimizer });
  let params = model.parameters();
  let state = optimizer.init(params);
  let losses: number[] = [];
  const warnings = new Set<string>();
  for (let k = 1; k <= req.steps; k++) {
    const report = k % REPORT_EVERY === 0 || k === req.steps;
    const taken = step(params, state, x, y, report);
    ({ params, state } = taken);
    losses.push(taken.loss);
    if (!taken.flow) continue;
    // Warnings carry numbers that change each step; the part before the colon names the problem.
    for (const w of taken.flow.warnings) if (![...warnings].some((seen) => seen.split(":")[0] === w.split(":")[0])) warnings.add(w);
    const predicted = nb.greater(taken.output.reshape([-1]), 0).values();
    context.report({
      step: k,
      losses,
      accuracy: data.y.filter((label, i) => predicted[i] === label).length / data.y.length,
      gradNorms: taken.flow.layers.map((l) => l.gradientNorm),
      warnings: [...warnings],
      ...(k % BOUNDARY_EVERY === 0 || k === req.steps ? { boundary: boundary(model.withParams(params)) } : {}),
    });
    losses = [];
    await context.yield();
    if (context.stopped()) break;
  }
  return null;
}

export default defineJobs({ train });
