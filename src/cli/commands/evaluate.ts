/** `nabla evaluate`: a saved model's scores on a dataset, or on the test split that train held out. */
import * as nb from "../../index.js";
import { type Command, JobFailure, UsageError } from "../command.js";
import { DATA_OPTION, MODEL_FILE_OPTION, SPLIT_OPTIONS, TARGET_OPTION, type Task, fractionOption, integerOption, loadData, requiredOption, scores } from "../training.js";

export interface EvaluateResult {
  model: string;
  data: string;
  task: Task;
  samples: number;
  scores: Record<string, number | number[][]>;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string");

/**
 * The task and output size a model file records (nabla train writes them), checked against
 * each other and against the layers: a forged file cannot make predict label rows with
 * names that do not exist or read a model that does not take the recorded features.
 */
export function modelTask(metadata: Record<string, nb.nn.JsonValue>, path: string, model: nb.nn.Module): { task: Task; outputs: number } {
  const { task, outputs, featureNames, targetNames } = metadata;
  if ((task !== "classification" && task !== "regression") || typeof outputs !== "number") {
    throw new UsageError(`${path} does not say its task; it was not written by nabla train --save`);
  }
  const bad = (detail: string): never => {
    throw new UsageError(`${path}: metadata ${detail}`);
  };
  if (!Number.isInteger(outputs) || outputs < 1 || (task === "regression" && outputs !== 1)) bad(`"outputs" ${outputs} does not fit a ${task} model`);
  if (featureNames !== undefined && !isStrings(featureNames)) bad(`"featureNames" must be a non-empty array of strings`);
  if (targetNames !== undefined && (task !== "classification" || !isStrings(targetNames) || targetNames.length !== outputs)) {
    bad(`"targetNames" must name each of the ${outputs} classes of a classification model`);
  }
  if (isStrings(featureNames)) {
    let width: string;
    try {
      width = JSON.stringify(model.forward(nb.zeros([1, featureNames.length])).shape);
    } catch {
      return bad(`says ${featureNames.length} features, but the layers do not take that many`);
    }
    if (width !== JSON.stringify([1, outputs])) bad(`says ${outputs} output(s), but the layers give shape ${width} for one row`);
  }
  return { task, outputs };
}

/** Exit 1 rather than print answers computed from NaN or Infinity. */
export function checkFiniteOutput(output: nb.Tensor, path: string): void {
  const values = output.values();
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const row = output.ndim > 1 ? Math.floor(bad / (output.size / output.shape[0]!)) : bad;
    throw new JobFailure(`${path} produced ${values[bad]} for row ${row + 1}; no predictions are reported (is the input in range, and the model file intact?)`);
  }
}

export const evaluateModel: Command<EvaluateResult> = {
  name: "evaluate",
  describe: "score a saved model on a bundled dataset or a CSV file",
  usage: "--model <model.nabla> --data <name|file.csv> [--split all|test]",
  examples: ["nabla evaluate --model digits.nabla --data digits --split test", "nabla evaluate --model house.nabla --data new.csv --target price --json"],
  options: [
    MODEL_FILE_OPTION, DATA_OPTION, TARGET_OPTION,
    { name: "split", type: "string", placeholder: "all", description: '"all" samples (default), or the "test" split of nabla train (same --test-size and --seed)' },
    ...SPLIT_OPTIONS,
  ],
  run(input) {
    const path = requiredOption(input, "model", "model.nabla");
    const { model, metadata } = nb.nn.readModelFile(path);
    const { task, outputs } = modelTask(metadata, path, model);
    const { name, dataset } = loadData(input);
    const split = input.options.split ?? "all";
    if (split !== "all" && split !== "test") throw new UsageError(`--split: expected "all" or "test", got "${String(split)}"`);
    let { x, y } = dataset;
    if (split === "test") {
      const s = nb.data.trainTestSplit(x, y, { testSize: fractionOption(input, "test-size", 0.2), seed: integerOption(input, "seed", 0, 0), stratify: task === "classification" });
      [x, y] = [s.xTest, s.yTest];
    }
    const output = model.forward(x);
    checkFiniteOutput(output, path);
    return { model: path, data: name, task, samples: x.shape[0]!, scores: scores(task, output, y, outputs) };
  },
  render(r) {
    const lines = [`${r.model} on ${r.data} (${r.samples} samples, ${r.task}):`];
    for (const [k, v] of Object.entries(r.scores)) {
      if (typeof v === "number") lines.push(`  ${k} ${v.toFixed(4)}`);
      else lines.push(`  ${k}:`, ...v.map((row) => `    ${row.map((c) => String(c).padStart(4)).join(" ")}`));
    }
    return lines.join("\n");
  },
};
