/** `nabla evaluate`: a saved model's scores on a dataset, or on the test split that train held out. */
import * as nb from "../../index.js";
import { type Command, UsageError } from "../command.js";
import { DATA_OPTION, MODEL_FILE_OPTION, SPLIT_OPTIONS, TARGET_OPTION, type Task, fractionOption, integerOption, loadData, requiredOption, scores } from "../training.js";

export interface EvaluateResult {
  model: string;
  data: string;
  task: Task;
  samples: number;
  scores: Record<string, number | number[][]>;
}

/** The task and output size a model file records (nabla train writes them). */
export function modelTask(metadata: Record<string, nb.nn.JsonValue>, path: string): { task: Task; outputs: number } {
  const { task, outputs } = metadata;
  if ((task !== "classification" && task !== "regression") || typeof outputs !== "number") {
    throw new UsageError(`${path} does not say its task; it was not written by nabla train --save`);
  }
  return { task, outputs };
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
    const { task, outputs } = modelTask(metadata, path);
    const { name, dataset } = loadData(input);
    const split = input.options.split ?? "all";
    if (split !== "all" && split !== "test") throw new UsageError(`--split: expected "all" or "test", got "${String(split)}"`);
    let { x, y } = dataset;
    if (split === "test") {
      const s = nb.data.trainTestSplit(x, y, { testSize: fractionOption(input, "test-size", 0.2), seed: integerOption(input, "seed", 0, 0), stratify: task === "classification" });
      [x, y] = [s.xTest, s.yTest];
    }
    return { model: path, data: name, task, samples: x.shape[0]!, scores: scores(task, model.forward(x), y, outputs) };
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
