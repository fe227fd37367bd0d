/** `nabla predict`: a saved model's predictions for the rows of a CSV file. */
import * as nb from "../../index.js";
import { type Command, UsageError, stringOption } from "../command.js";
import { MODEL_FILE_OPTION, requiredOption } from "../training.js";
import { checkFiniteOutput, modelTask } from "./evaluate.js";

export interface PredictResult {
  predictions: (number | string)[];
  /** Class probabilities per row (classification). */
  probabilities?: number[][];
}

export const predict: Command<PredictResult> = {
  name: "predict",
  describe: "predict with a saved model for each row of a CSV file",
  usage: "--model <model.nabla> --data <file.csv> [--drop column]",
  examples: ["nabla predict --model digits.nabla --data new-digits.csv", "nabla predict --model house.nabla --data houses.csv --drop price --json"],
  options: [
    MODEL_FILE_OPTION,
    { name: "data", type: "string", placeholder: "file.csv", description: "rows of feature values, in the order the model was trained on" },
    { name: "drop", type: "string", placeholder: "column", description: "a column to leave out (a target column), by name" },
  ],
  run(input) {
    const path = requiredOption(input, "model", "model.nabla");
    const { model, metadata } = nb.nn.readModelFile(path);
    const { task } = modelTask(metadata, path, model);
    const file = requiredOption(input, "data", "file.csv");
    const { columns, rows } = nb.data.readCsvTable(file);
    const drop = stringOption(input, "drop");
    const keep = columns.map((_, j) => j).filter((j) => columns[j] !== drop);
    if (drop !== undefined && keep.length === columns.length) throw new UsageError(`--drop: ${file} has no column "${drop}" (columns: ${columns.join(", ")})`);
    const features = Array.isArray(metadata.featureNames) ? metadata.featureNames.length : keep.length;
    if (keep.length !== features) {
      throw new UsageError(`${file} has ${keep.length} feature columns but the model takes ${features}${drop === undefined ? " (leave out a target column with --drop)" : ""}`);
    }
    const output = model.forward(nb.tensor(rows.map((r) => keep.map((j) => r[j]!))));
    checkFiniteOutput(output, path);
    if (task === "regression") return { predictions: Array.from(output.values()) };
    const names = Array.isArray(metadata.targetNames) ? metadata.targetNames.map(String) : undefined;
    const labels = Array.from(nb.nn.predictClasses(output).values());
    return {
      predictions: labels.map((l) => names?.[l] ?? l),
      probabilities: nb.softmax(output).toArray() as number[][],
    };
  },
  render(r) {
    return r.predictions.map(String).join("\n");
  },
};
