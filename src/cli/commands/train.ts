/** `nabla train`: trains a model on a bundled dataset or a CSV file, then tests it on a held-out split. */
import * as nb from "../../index.js";
import { type Command, JobFailure, UsageError, checkNewFile, numberOption, stringOption, writeNewFile } from "../command.js";
import {
  ACTIVATION_NAMES, DATA_OPTION, OVERWRITE_OPTION, SPLIT_OPTIONS, TARGET_OPTION, type Task, buildModel, fractionOption, integerOption,
  loadData, lossCurvesSvg, scores,
} from "../training.js";

export interface TrainResult {
  data: string;
  task: Task;
  model: string;
  parameters: number;
  trainSamples: number;
  /** Of the training samples, held out for early stopping and the validation loss (never the test split). */
  validationSamples: number;
  testSamples: number;
  history: nb.nn.EpochLog[];
  test: Record<string, number | number[][]>;
  warnings: string[];
  seconds: number;
  saved?: string;
  plot?: string;
}

/** "sgd" predates the registry's names: it stays as SGD with momentum 0.9, the registry's "momentum". */
const OPTIMIZER_ALIASES: Record<string, nb.optim.OptimizerName> = { sgd: "momentum" };
/** The default first, then the rest of the registry and the aliases. */
const OPTIMIZER_CHOICES = ["adam", ...nb.optim.optimizerNames.filter((n) => n !== "adam"), ...Object.keys(OPTIMIZER_ALIASES)];

/** The fraction of the training split held out for validation, when it has at least MIN_ROWS_FOR_VALIDATION rows. */
const VALIDATION_FRACTION = 0.1;
const MIN_ROWS_FOR_VALIDATION = 20;

function optimizerOption(name: string, lr: number | undefined): nb.optim.Transform {
  const resolved = OPTIMIZER_ALIASES[name] ?? name;
  if (!nb.optim.isOptimizerName(resolved)) throw new UsageError(`--optimizer: expected one of ${OPTIMIZER_CHOICES.join(", ")}, got "${name}"`);
  return nb.optim.optimizer(resolved, lr === undefined ? {} : { lr });
}

export const train: Command<TrainResult> = {
  name: "train",
  describe: "train a network on a bundled dataset or a CSV file and test it",
  usage: "--data <name|file.csv> --model <linear|mlp:64-128-10> [--optimizer adam] [--epochs 30] [--save model.nabla] [--plot curves.svg]",
  examples: [
    "nabla train --data digits --model mlp:64-128-10 --optimizer adam --epochs 30 --save digits.nabla --plot curves.svg",
    "nabla train --data breast-cancer --model linear --lr 0.01 --epochs 20",
    "nabla train --data my.csv --target price --model mlp:8-32-1 --json",
  ],
  options: [
    DATA_OPTION, TARGET_OPTION,
    { name: "model", type: "string", placeholder: "mlp:64-128-10", description: '"linear", or "mlp:" and the layer sizes from features to outputs' },
    { name: "activation", type: "string", placeholder: "relu", description: `hidden activation: ${ACTIVATION_NAMES.join(", ")} (default relu)` },
    { name: "optimizer", type: "string", placeholder: "adam", description: `${OPTIMIZER_CHOICES.join(", ")} (default adam; sgd is momentum)` },
    { name: "lr", type: "string", placeholder: "0.001", description: "learning rate (default: the optimizer's own, as in nb.optim.optimizers)" },
    { name: "epochs", type: "string", placeholder: "30", description: "passes over the training data (default 30)" },
    { name: "batch-size", type: "string", placeholder: "32", description: "samples per step (default 32)" },
    ...SPLIT_OPTIONS,
    { name: "save", type: "string", placeholder: "model.nabla", description: "write the trained model (architecture, weights, standardisation)" },
    { name: "plot", type: "string", placeholder: "curves.svg", description: "write the loss curves as SVG" },
    OVERWRITE_OPTION,
    { name: "quiet", type: "boolean", description: "no progress bar" },
    { name: "eager", type: "boolean", description: "run each step eagerly, not as one compiled nb.jit program (same numbers)" },
  ],
  run(input) {
    const { name, dataset, task, outputs } = loadData(input);
    const spec = stringOption(input, "model") ?? "linear";
    const seed = integerOption(input, "seed", 0, 0);
    const lrText = stringOption(input, "lr");
    const lr = lrText === undefined ? undefined : numberOption(lrText, "--lr");
    if (lr !== undefined && !(lr > 0 && lr < Infinity)) throw new UsageError(`--lr: expected a finite positive number, got "${lrText}"`);
    const optimizer = optimizerOption(stringOption(input, "optimizer") ?? "adam", lr);
    const epochs = integerOption(input, "epochs", 30, 1);
    const batchSize = integerOption(input, "batch-size", 32, 1);
    const split = nb.data.trainTestSplit(dataset.x, dataset.y, { testSize: fractionOption(input, "test-size", 0.2), seed, stratify: task === "classification" });
    const overwrite = Boolean(input.options.overwrite);
    const [save, plot] = [stringOption(input, "save"), stringOption(input, "plot")];
    // Output paths are checked before training, not after minutes of it.
    if (save !== undefined) checkNewFile(save, overwrite, "--save");
    if (plot !== undefined) checkNewFile(plot, overwrite, "--plot");
    const scaler = nb.data.standardize(split.xTrain);
    const model = buildModel(spec, stringOption(input, "activation") ?? "relu", scaler, dataset.x.shape[1]!, outputs, seed);
    const loss = task === "classification" ? "crossEntropy" : "mse";
    const start = Date.now();
    // The validation loss comes from a part of the training data; the test split stays unseen until the end.
    const nTrain = split.xTrain.shape[0]!;
    const validation = nTrain >= MIN_ROWS_FOR_VALIDATION ? VALIDATION_FRACTION : undefined;
    const fitted = nb.nn.fit(model, { x: split.xTrain, y: split.yTrain }, {
      loss, optimizer, epochs, batchSize, seed, ...(validation ? { validation } : {}), quiet: Boolean(input.options.quiet || input.options.json),
      jit: !input.options.eager,
    });
    const seconds = (Date.now() - start) / 1000;
    if (fitted.nonFiniteLoss) {
      throw new JobFailure(`training diverged: ${fitted.warnings.at(-1)}`);
    }
    const validationSamples = validation ? Math.round(nTrain * validation) : 0;
    const result: TrainResult = {
      data: name, task, model: spec, parameters: nb.nn.parameterCount(model), trainSamples: nTrain - validationSamples, validationSamples, testSamples: split.xTest.shape[0]!,
      history: fitted.history, test: scores(task, fitted.model.forward(split.xTest), split.yTest, outputs), warnings: fitted.warnings, seconds,
    };
    if (save !== undefined) {
      const metadata = { task, data: name, featureNames: dataset.featureNames, outputs, ...(dataset.targetNames ? { targetNames: dataset.targetNames } : {}) };
      writeNewFile(save, nb.nn.modelToJson(fitted.model, metadata), overwrite, "--save");
      result.saved = save;
    }
    if (plot !== undefined) {
      writeNewFile(plot, lossCurvesSvg(fitted.history), overwrite, "--plot");
      result.plot = plot;
    }
    return result;
  },
  render(r) {
    const last = r.history.at(-1)!;
    const test = Object.entries(r.test).filter((e): e is [string, number] => typeof e[1] === "number").map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ");
    return [
      `trained ${r.model} (${r.parameters} parameters) on ${r.data} (${r.task}): ${r.trainSamples} training, ${r.validationSamples} validation, ${r.testSamples} test samples`,
      `${r.history.length} epochs in ${r.seconds.toFixed(1)} s; final training loss ${last.loss.toFixed(4)}${last.valLoss === undefined ? "" : `, validation loss ${last.valLoss.toFixed(4)}`}`,
      `test: ${test}`,
      ...r.warnings.map((w) => `warning: ${w}`),
      ...(r.saved ? [`saved the model to ${r.saved}`] : []),
      ...(r.plot ? [`wrote the loss curves to ${r.plot}`] : []),
    ].join("\n");
  },
};
