/**
 * The training loop: mini-batch gradient steps with any optimizer transform, validation,
 * metrics, early stopping, callbacks, a progress bar and the gradient-flow monitor. Pure in
 * the model: `fit` trains a clone and returns it; the model passed in is unchanged.
 */
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { concat, reshape } from "../ops/primitives/shape.js";
import { add } from "../ops/primitives/elementwise.js";
import { valueAndGrad } from "../autodiff/reverse.js";
import { type PyTree, flatten, leavesOf, unflatten } from "../autodiff/pytree.js";
import { TracedValueError, jit } from "../autodiff/jit.js";
import { foldIn, key } from "../ops/random.js";
import { withKey } from "./keys.js";
import { type Transform, applyUpdates } from "../optim/base.js";
import { adam } from "../optim/aliases.js";
import { ProgressBar, type ProgressStream } from "../util/progress.js";
import { batches, checkLabels, checkSameSamples, takeRows, permutation } from "../data/prepare.js";
import type { Module, Params } from "./module.js";
import { type Loss, type LossName, lossesByName } from "./losses.js";
import { accuracy, meanSquaredError, predictClasses, r2Score } from "./metrics.js";
import { truncatedStep } from "./bptt.js";
import { type FlowSnapshot, type FlowThresholds, flowWarnings, layerFlows, recordActivations } from "./gradient-flow.js";

/** Samples and their targets. */
export interface Data {
  x: Tensor;
  y: Tensor;
}

/** A metric `fit` and `evaluate` can report. */
export type MetricName = "accuracy" | "mse" | "r2";

/** One epoch's record: training loss and metrics, and `val`-prefixed ones on the validation data. */
export interface EpochLog {
  epoch: number;
  loss: number;
  valLoss?: number;
  /** Metrics by name (accuracy, valAccuracy, r2, …). */
  [metric: string]: number | undefined;
}

/** Hooks called as training runs. Return "stop" from onEpochEnd to end training after that epoch. */
export interface FitCallback {
  onEpochEnd?(log: EpochLog, model: Module): "stop" | void;
  onStepEnd?(step: number, loss: number): void;
}

/** Early stopping: end when the monitored loss has not improved for `patience` epochs. */
export interface EarlyStopping {
  patience: number;
  /** An improvement smaller than this does not count (default 0). */
  minDelta?: number;
  /** "valLoss" (default when there is validation data) or "loss". */
  monitor?: "loss" | "valLoss";
  /** Return the parameters of the best epoch rather than the last (default true). */
  restoreBest?: boolean;
}

/** Options of fit. */
export interface FitOptions {
  /** A loss by name, or a function (output, targets) → scalar. */
  loss: LossName | Loss;
  /** Any optimizer transform (default Adam, lr 1e-3). */
  optimizer?: Transform;
  epochs?: number;
  batchSize?: number;
  /** Held-out data, or a fraction of the training data to hold out (seeded). */
  validation?: Data | number;
  /** Default: accuracy for the classification losses, r2 for the regression ones. */
  metrics?: MetricName[];
  /** A penalty on the parameters added to the loss (e.g. `(p) => nb.optim.l2Penalty(p, 1e-4)`). */
  regularizer?: (params: Params) => Tensor;
  callbacks?: FitCallback[];
  earlyStopping?: EarlyStopping;
  /** Seed of the shuffles (epoch e uses seed + e) and of a validation fraction. Default 0. */
  seed?: number;
  /** No progress bar and no printed warnings. */
  quiet?: boolean;
  /** Where the progress bar and warnings go (default stderr). */
  stream?: ProgressStream;
  /**
   * Truncated backpropagation through time, for a recurrent model on sequences x [n, time, …]
   * with targets y [n, time, …]: each batch is walked in chunks of this many time steps, one
   * optimizer update per chunk, the recurrent state carried from chunk to chunk as a constant.
   */
  truncate?: number;
  /** Record a gradient-flow snapshot at the first step of every epoch (default true), with these thresholds. */
  gradientFlow?: boolean | FlowThresholds;
  /**
   * Run each step as one `nb.jit`-compiled program (default true) when the model and
   * optimizer allow it; `false` forces the eager step. See `FitResult.eagerReason`.
   */
  jit?: boolean;
}

/** What fit returns. */
export interface FitResult<M extends Module> {
  /** The trained model, in evaluation mode. */
  model: M;
  history: EpochLog[];
  gradientFlow: FlowSnapshot[];
  /** Every distinct gradient-flow warning, in order of first appearance. */
  warnings: string[];
  /** The epoch whose parameters the model holds. */
  bestEpoch: number;
  /** How many steps ran as the compiled program (the others, such as gradient-flow snapshots, ran eagerly). */
  compiledSteps: number;
  /** Why the steps ran eagerly although jit was on (a learning-rate schedule, BatchNorm, truncated BPTT, …). */
  eagerReason?: string;
  stoppedEarly: boolean;
  /**
   * Set when a batch's loss came out NaN or ±Infinity: training stopped there and the model
   * holds the last parameters whose loss was finite (`history` lists the epochs completed).
   */
  nonFiniteLoss?: { epoch: number; step: number; loss: number };
}

const classificationLosses: readonly string[] = ["crossEntropy", "binaryCrossEntropy", "nll"];
/** The losses that take integer class labels (one-hot inside). */
const labelLosses: readonly Loss[] = [lossesByName.crossEntropy, lossesByName.nll];

/**
 * Checks every class label of the data once, at the first step: a compiled step cannot read
 * them inside its program, where a label out of range would silently give a zero one-hot row.
 */
function checkClassLabels(loss: Loss, output: Tensor, targets: readonly (Tensor | undefined)[]): void {
  if (!labelLosses.includes(loss)) return;
  for (const y of targets) if (y && y.ndim === output.ndim - 1) checkLabels(y, output.shape[output.ndim - 1]!, loss.name);
}

/** Why some of fit's steps run eagerly when tracing did not fail. */
function eagerByDesign(options: FitOptions): string {
  return options.truncate !== undefined ? "truncated BPTT carries state between chunks and runs eagerly" : "gradient-flow snapshots run eagerly";
}

export function resolveLoss(loss: LossName | Loss): Loss {
  if (typeof loss === "function") return loss;
  const f = (typeof loss === "string" && Object.hasOwn(lossesByName, loss) ? lossesByName[loss] : undefined) as Loss | undefined;
  if (!f) throw new NablaError(`fit: unknown loss "${loss}"; use one of ${Object.keys(lossesByName).join(", ")} or a function`);
  return f;
}

/** Targets [n] meet outputs [n, 1] as [n, 1], the shape a one-output model gives. */
export function alignTargets(output: Tensor, y: Tensor): Tensor {
  return y.ndim === 1 && output.ndim === 2 && output.shape[1] === 1 ? reshape(y, [y.shape[0]!, 1]) : y;
}

function metricValue(name: MetricName, output: Tensor, y: Tensor): number {
  if (name === "accuracy") return accuracy(y, predictClasses(output));
  return name === "mse" ? meanSquaredError(y, output) : r2Score(y, output);
}

/**
 * The loss and metrics of a model on data, in evaluation mode (the model is not changed).
 * @example
 * const model = new nb.nn.Linear(1, 1, { init: "zeros" });
 * nb.nn.evaluate(model, { x: nb.tensor([[1], [2]]), y: nb.tensor([1, 3]) }, { loss: "mse", metrics: ["mse"] }); // => { loss: 5, mse: 5 }
 */
export function evaluate(model: Module, data: Data, options: { loss: LossName | Loss; metrics?: MetricName[] }): Record<string, number> {
  checkSameSamples(data.x, data.y, "evaluate");
  const output = model.clone().eval().forward(data.x);
  const out: Record<string, number> = { loss: resolveLoss(options.loss)(output, alignTargets(output, data.y)).item() };
  for (const m of options.metrics ?? []) out[m] = metricValue(m, output, data.y);
  return out;
}

/**
 * Trains a model on (x, y) by mini-batch gradient descent with an optax-style optimizer and
 * returns the trained model (a clone), the per-epoch history and gradient-flow snapshots.
 * Shows a progress bar (epoch, loss, metrics, ETA) unless `quiet`.
 * @example
 * // Learn y = 2x − 1 with one linear unit.
 * const x = nb.linspace(-1, 1, 32).reshape([32, 1]);
 * const y = nb.sub(nb.mul(2, x), 1).reshape([32]);
 * const { model, history } = nb.nn.fit(new nb.nn.Linear(1, 1, { seed: 0 }), { x, y }, {
 *   loss: "mse", optimizer: nb.optim.adam({ lr: 0.1 }), epochs: 60, batchSize: 8, quiet: true,
 * });
 * history.length; // => 60
 * history.at(-1)!.loss < 1e-4; // => true
 * Math.abs(model.weight.item() - 2) < 0.01; // => true
 */
export function fit<M extends Module>(model: M, data: Data, options: FitOptions): FitResult<M> {
  checkSameSamples(data.x, data.y, "fit");
  checkFitOptions(options);
  const loss = resolveLoss(options.loss);
  const optimizer = options.optimizer ?? adam({ lr: 1e-3 });
  const { epochs = 10, batchSize = 32, seed = 0, callbacks = [] } = options;
  const lossName = typeof options.loss === "string" ? options.loss : "";
  const metrics = options.metrics ?? (classificationLosses.includes(lossName) ? ["accuracy"] : ["mse", "mae", "huber"].includes(lossName) ? ["r2"] : []);
  const { train, validation } = splitValidation(data, options.validation, seed);
  const monitor = options.gradientFlow ?? true;
  const thresholds = typeof monitor === "object" ? monitor : {};
  const early = options.earlyStopping;
  const monitored = early?.monitor ?? (validation ? "valLoss" : "loss");
  if (monitored === "valLoss" && early && !validation) throw new NablaError("fit: earlyStopping monitors valLoss but no validation data was given");

  const current = model.clone().train();
  let params = current.parameters();
  let state: PyTree = optimizer.init(params);
  const n = train.x.shape[0]!;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const bar = new ProgressBar({ total: epochs * stepsPerEpoch, label: "fit", quiet: options.quiet ?? false, ...(options.stream ? { stream: options.stream } : {}) });
  const stepOptions = { loss, optimizer, ...(options.regularizer ? { regularizer: options.regularizer } : {}), thresholds };
  const useJit = options.jit ?? true;
  const step: TrainingStep = options.truncate === undefined
    ? trainingStep(current, { ...stepOptions, jit: useJit, donate: ["state"] })
    : truncatedStep(current, { ...stepOptions, truncate: options.truncate });
  // Step t's random layers draw from foldIn(key(seed), t): the same masks eager or compiled.
  const baseKey = key(seed);
  let compiledSteps = 0;

  const history: EpochLog[] = [];
  const snapshots: FlowSnapshot[] = [];
  const warnings: string[] = [];
  let best = { value: Infinity, epoch: 0, params };
  let stoppedEarly = false;
  let stepCount = 0;
  let shown: Record<string, number> = {};
  let nonFiniteLoss: FitResult<M>["nonFiniteLoss"];
  let lastFinite = params;
  for (let epoch = 1; epoch <= epochs && !stoppedEarly && !nonFiniteLoss; epoch++) {
    let lossSum = 0;
    const outputs: Tensor[] = [];
    const targets: Tensor[] = [];
    for (const batch of batches(train.x, train.y, { batchSize, seed: seed + epoch })) {
      const taken = step(params, state, batch.x, batch.y, monitor !== false && outputs.length === 0, foldIn(baseKey, stepCount));
      if (taken.compiled) compiledSteps++;
      if (stepCount === 0) checkClassLabels(loss, taken.output, [train.y, validation?.y]);
      if (!Number.isFinite(taken.loss)) {
        nonFiniteLoss = { epoch, step: stepCount, loss: taken.loss };
        warnings.push(
          `the loss became ${taken.loss} at epoch ${epoch}, step ${stepCount}: training stopped, and the model holds the last parameters ` +
            `with a finite loss (lower the learning rate, clip gradients, or look for NaN/Infinity in the data)`,
        );
        break;
      }
      lastFinite = params;
      if (taken.flow) {
        snapshots.push({ step: stepCount, epoch, ...taken.flow });
        for (const w of taken.flow.warnings) if (!warnings.some((seen) => sameWarning(seen, w))) warnings.push(w);
      }
      ({ params, state } = taken);
      lossSum += taken.loss * batch.x.shape[0]!;
      outputs.push(taken.output);
      targets.push(batch.y);
      callbacks.forEach((c) => c.onStepEnd?.(stepCount, taken.loss));
      stepCount++;
      // The running loss of this epoch beside the metrics of the last one.
      bar.update(stepCount, { ...shown, epoch, loss: lossSum / sumRows(targets) });
    }
    if (nonFiniteLoss) break;
    const log: EpochLog = { epoch, loss: lossSum / n };
    const trainOutput = concat(outputs, 0);
    for (const m of metrics) log[m] = metricValue(m, trainOutput, concat(targets, 0));
    if (validation) {
      const v = evaluate(current.withParams(params), validation, { loss, metrics });
      log.valLoss = v.loss;
      for (const m of metrics) log[`val${m[0]!.toUpperCase()}${m.slice(1)}`] = v[m];
    }
    history.push(log);
    shown = shownMetrics(log);
    bar.update(stepCount, shown);
    const score = monitored === "valLoss" ? log.valLoss! : log.loss;
    if (score < best.value - (early?.minDelta ?? 0)) best = { value: score, epoch, params };
    else if (early && epoch - best.epoch >= early.patience) stoppedEarly = true;
    if (callbacks.some((c) => c.onEpochEnd?.(log, current.withParams(params)) === "stop")) stoppedEarly = true;
  }
  bar.done();
  if (!(options.quiet ?? false)) for (const w of warnings) (options.stream ?? process.stderr).write(`warning: ${w}\n`);
  const restore = early && (early.restoreBest ?? true) && best.epoch > 0;
  const final = restore ? best.params : nonFiniteLoss ? lastFinite : params;
  return {
    model: current.withParams(final).eval(),
    history,
    gradientFlow: snapshots,
    warnings,
    bestEpoch: restore ? best.epoch : history.length,
    stoppedEarly,
    compiledSteps,
    ...(useJit && compiledSteps < stepCount ? { eagerReason: step.eagerReason ?? eagerByDesign(options) } : {}),
    ...(nonFiniteLoss ? { nonFiniteLoss } : {}),
  };
}

/** What one training step did: the new parameters and optimizer state, the batch's loss and output, and the gradient-flow readings when asked for. */
export interface StepResult<S extends PyTree = PyTree> {
  params: Params;
  state: S;
  loss: number;
  output: Tensor;
  flow?: Omit<FlowSnapshot, "step" | "epoch">;
  /** True when the step ran as one `nb.jit` program. */
  compiled?: boolean;
}

/** What trainingStep needs: fit's options of the same names, with a resolved optimizer. */
export interface StepOptions<S extends PyTree = PyTree> {
  loss: LossName | Loss;
  optimizer: Transform<S>;
  regularizer?: (params: Params) => Tensor;
  /** Thresholds of the gradient-flow warnings. */
  thresholds?: FlowThresholds;
  /**
   * Compile the whole step (forward, backward, optimizer update) as one `nb.jit` program
   * (default false here, true in `fit`). A step that cannot be traced (see `fit`) runs
   * eagerly instead, from its first call on; monitored steps always run eagerly.
   */
  jit?: boolean;
  /**
   * With `jit`, the arguments whose arrays the compiled step may write its results into
   * (`nb.jit`'s `donateArgnums`): "state" (the optimizer's moments, which nothing but the next
   * step reads) and "params". The new values then land in memory the last step used, still in
   * cache, instead of fresh arrays; a donated argument must not be read after the call (with
   * "params", a first call on `model.parameters()` writes into the model's own weights: pass a
   * copy to keep them). `fit` donates the state.
   */
  donate?: readonly ("params" | "state")[];
}

/** A training step: `step(params, state, x, y, monitor?, key?)`; `eagerReason` says why a jit step fell back to eager. */
export interface TrainingStep<S extends PyTree = PyTree> {
  (params: Params, state: S, x: Tensor, y: Tensor, monitor?: boolean, key?: Tensor): StepResult<S>;
  eagerReason?: string;
}

/**
 * The step fit takes, for loops of your own (a live chart, a worker that must yield): returns
 * `step(params, state, x, y, monitor?, key?)`, which differentiates the loss of model with
 * params on the batch, applies the optimizer and, when monitor is true, reads the gradient
 * flow. `key` (from `nb.random`) feeds the model's random layers (see `nb.nn.withKey`); with
 * `{ jit: true }` the step is compiled, and gives the eager step's numbers.
 * @example
 * const model = new nb.nn.Linear(1, 1, { init: "zeros" });
 * const optimizer = nb.optim.sgd({ lr: 0.5 });
 * const step = nb.nn.trainingStep(model, { loss: "mse", optimizer });
 * let params = model.parameters();
 * let state = optimizer.init(params);
 * const x = nb.tensor([[1], [2]]);
 * const y = nb.tensor([1, 3]);
 * const r = step(params, state, x, y, true);
 * r.loss; // => 5
 * ({ params, state } = r);
 * params["weight"]!.toArray(); // => [[3.5]]
 * r.flow!.warnings; // => []
 * const compiled = nb.nn.trainingStep(model, { loss: "mse", optimizer, jit: true });
 * compiled(model.parameters(), optimizer.init(model.parameters()), x, y).params["weight"]!.toArray(); // => [[3.5]]
 */
export function trainingStep<S extends PyTree>(model: Module, options: StepOptions<S>): TrainingStep<S> {
  const loss = resolveLoss(options.loss);
  const { optimizer, regularizer } = options;
  const objective = (p: Params, x: Tensor, y: Tensor): [Tensor, Tensor] => {
    const output = model.withParams(p).forward(x);
    const value = loss(output, alignTargets(output, y));
    return [regularizer ? add(value, regularizer(p)) : value, output];
  };
  const differentiate = valueAndGrad(objective, { hasAux: true });
  const eager = (params: Params, state: S, x: Tensor, y: Tensor, monitor: boolean, key: Tensor | undefined): StepResult<S> => {
    const run = () => keyed(key, () => differentiate(params, x, y));
    const { result: [[value, output], grads], activations } = monitor ? recordActivations(model, run) : { result: run(), activations: [] };
    const [updates, nextState] = optimizer.update(grads, state, params);
    const next = { params: applyUpdates(params, updates), state: nextState, loss: typeof value === "number" ? value : value.item(), output };
    if (!monitor) return next;
    const layers = layerFlows(params, grads, updates as Params);
    return { ...next, flow: { layers, activations, warnings: flowWarnings(layers, activations, options.thresholds) } };
  };
  const donate = options.donate ?? [];
  const unknown = donate.find((d) => d !== "params" && d !== "state");
  if (unknown !== undefined) throw new NablaError(`trainingStep: donate holds ${JSON.stringify(unknown)}; it names "params" and/or "state"`);
  const compiled = options.jit ? compileStep(differentiate, optimizer, donate) : undefined;
  const step: TrainingStep<S> = (params, state, x, y, monitor = false, key) => {
    if (compiled === undefined || monitor || step.eagerReason !== undefined) return eager(params, state, x, y, monitor, key);
    try {
      return compiled(params, state, x, y, key);
    } catch (e) {
      // Only "cannot be traced" falls back; any other error is the user's to see.
      if (!(e instanceof TracedValueError)) throw e;
      step.eagerReason = e.message;
      return eager(params, state, x, y, monitor, key);
    }
  };
  return step;
}

/** body() inside withKey(key) when there is a key; without one, random layers use their own streams (eager only). */
function keyed<R>(key: Tensor | undefined, body: () => R): R {
  return key === undefined ? body() : withKey(key, body);
}

/**
 * The whole step as one jit program: loss, gradient, optimizer update and new parameters.
 * Numbers in the optimizer state (step counts) are traced as rank-0 tensors, and come back
 * as numbers, so the state has the eager step's structure and the program's signature stays
 * the same from step to step. The key, when given, is an argument of the program.
 */
function compileStep<S extends PyTree>(
  differentiate: (p: Params, x: Tensor, y: Tensor) => [[Tensor | number, Tensor], Params], optimizer: Transform<S>,
  donate: readonly ("params" | "state")[],
): (params: Params, state: S, x: Tensor, y: Tensor, key: Tensor | undefined) => StepResult<S> {
  const body = (params: Params, state: S, x: Tensor, y: Tensor, key: Tensor | undefined) => {
    const [[value, output], grads] = keyed(key, () => differentiate(params, x, y));
    const [updates, nextState] = optimizer.update(grads, state, params);
    return { params: applyUpdates(params, updates), state: nextState, loss: value, output };
  };
  const donateArgnums = [donate.includes("params") ? [0] : [], donate.includes("state") ? [1] : []].flat();
  const withKeyArgument = jit(body, { donateArgnums }) as (...args: unknown[]) => unknown;
  const withoutKey = jit((params: Params, state: S, x: Tensor, y: Tensor) => body(params, state, x, y, undefined), { donateArgnums }) as (...args: unknown[]) => unknown;
  return (params, state, x, y, key) => {
    const r = (key === undefined ? withoutKey(params, state, x, y) : withKeyArgument(params, state, x, y, key)) as { params: Params; state: S; loss: Tensor | number; output: Tensor };
    return { params: r.params, state: numbersAsBefore(state, r.state), loss: typeof r.loss === "number" ? r.loss : r.loss.item(), output: r.output, compiled: true };
  };
}

/** `after` with each leaf that is a JS number in `before` read back as a number. */
function numbersAsBefore<S extends PyTree>(before: S, after: S): S {
  const now = flatten(after, "trainingStep");
  // The state keeps its structure from step to step: read the old leaves along the new one's.
  const was = leavesOf(before, now.def) ?? flatten(before, "trainingStep").leaves;
  return unflatten<S>(now.def, now.leaves.map((leaf, i) => (typeof was[i] === "number" && typeof leaf !== "number" ? leaf.item() : leaf)));
}

/** Counts must be integers ≥ 1: `epochs: -1` or `batchSize: 0` would train nothing and report success. */
function checkFitOptions(options: FitOptions): void {
  const counts: [string, unknown][] = [["epochs", options.epochs], ["batchSize", options.batchSize], ["earlyStopping.patience", options.earlyStopping?.patience], ["truncate", options.truncate]];
  for (const [name, value] of counts) {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) throw new NablaError(`fit: ${name} must be an integer ≥ 1, got ${String(value)}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new NablaError(`fit: seed must be an integer, got ${options.seed}`);
}

/** Two warnings about the same layer and problem (their numbers differ from epoch to epoch). */
function sameWarning(a: string, b: string): boolean {
  return a.split(":")[0] === b.split(":")[0];
}

function shownMetrics(log: EpochLog): Record<string, number> {
  return Object.fromEntries(Object.entries(log).filter((e): e is [string, number] => e[1] !== undefined));
}

function sumRows(ts: readonly Tensor[]): number {
  return ts.reduce((s, t) => s + t.shape[0]!, 0);
}

function splitValidation(data: Data, validation: Data | number | undefined, seed: number): { train: Data; validation?: Data } {
  if (validation === undefined) return { train: data };
  if (typeof validation !== "number") {
    checkSameSamples(validation.x, validation.y, "fit (validation)");
    return { train: data, validation };
  }
  const n = data.x.shape[0]!;
  const held = Math.round(n * validation);
  if (!(validation > 0 && validation < 1) || held === 0 || held === n) {
    throw new NablaError(`fit: a validation fraction must leave both parts non-empty; got ${validation} of ${n} samples`);
  }
  const order = permutation(n, seed);
  const pick = (rows: number[]): Data => ({ x: takeRows(data.x, rows), y: takeRows(data.y, rows) });
  return { train: pick(order.slice(held)), validation: pick(order.slice(0, held)) };
}
