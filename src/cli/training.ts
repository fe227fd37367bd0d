/**
 * What the training commands share: reading --data (a bundled dataset or a CSV file),
 * building a model from --model, writing files without clobbering, and the SVG loss plot.
 */
import * as nb from "../index.js";
import { type CommandInput, type OptionSpec, UsageError, numberOption, stringOption } from "./command.js";

export type Task = "classification" | "regression";

export interface LoadedData {
  name: string;
  dataset: nb.data.Dataset;
  task: Task;
  /** Classes (classification) or 1 (regression): the model's output size. */
  outputs: number;
}

export const DATA_OPTION: OptionSpec = { name: "data", type: "string", placeholder: "digits|file.csv", description: "a bundled dataset (see nabla datasets) or a CSV file of numbers" };
export const TARGET_OPTION: OptionSpec = { name: "target", type: "string", placeholder: "column", description: "the CSV's target column, by name or 0-based index (default: the last)" };
export const MODEL_FILE_OPTION: OptionSpec = { name: "model", type: "string", placeholder: "model.nabla", description: "a model file written by nabla train --save" };
export const OVERWRITE_OPTION: OptionSpec = { name: "overwrite", type: "boolean", description: "replace existing output files" };
export const SPLIT_OPTIONS: OptionSpec[] = [
  { name: "test-size", type: "string", placeholder: "0.2", description: "fraction held out for testing (default 0.2)" },
  { name: "seed", type: "string", placeholder: "0", description: "seed of the split, the initial weights and the shuffles (default 0)" },
];

export function requiredOption(input: CommandInput, name: string, example: string): string {
  const value = stringOption(input, name);
  if (value === undefined) throw new UsageError(`--${name} is required, e.g. --${name} ${example}`);
  return value;
}

/** The target column: a 0-based index when numeric, else a name. */
function targetOption(input: CommandInput): string | number | undefined {
  const t = stringOption(input, "target");
  return t === undefined ? undefined : /^\d+$/.test(t) ? Number(t) : t;
}

export function integerOption(input: CommandInput, name: string, fallback: number, min: number): number {
  const text = stringOption(input, name);
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name}: expected an integer ≥ ${min}, got "${text}"`);
  return v;
}

export function fractionOption(input: CommandInput, name: string, fallback: number): number {
  const text = stringOption(input, name);
  if (text === undefined) return fallback;
  const v = numberOption(text, `--${name}`);
  if (!(v > 0 && v < 1)) throw new UsageError(`--${name}: expected a fraction strictly between 0 and 1, got "${text}"`);
  return v;
}

/** A CSV target is read as class labels only when they are the indices 0..k−1 of at most this many classes. */
export const MAX_CSV_CLASSES = 20;

/**
 * --data as a dataset. A CSV's task is classification when every target is an integer in
 * 0..k−1 with k ≤ MAX_CSV_CLASSES (k = the largest label + 1); other targets, such as the codes
 * {0, 1000000}, are regression, so a forged label never sizes the model.
 */
export function loadData(input: CommandInput): LoadedData {
  const spec = requiredOption(input, "data", "digits");
  const bundled = nb.data.datasets().find((d) => d.name === spec);
  const target = targetOption(input);
  const dataset = bundled ? nb.data.load(bundled.name) : nb.data.readCsv(spec, target === undefined ? {} : { target });
  const labels = dataset.y.values();
  // A loop, not Math.max(...labels): spreading 125k+ rows overflows the call stack.
  let largest = -1;
  let indices = true;
  for (const v of labels) {
    indices &&= Number.isInteger(v) && v >= 0 && v < MAX_CSV_CLASSES;
    largest = Math.max(largest, v);
  }
  const task: Task = bundled ? bundled.task : indices ? "classification" : "regression";
  return { name: spec, dataset, task, outputs: task === "classification" ? largest + 1 : 1 };
}

const activations: Readonly<Record<string, () => nb.nn.Module>> = {
  relu: () => new nb.nn.ReLU(), tanh: () => new nb.nn.Tanh(), sigmoid: () => new nb.nn.Sigmoid(), gelu: () => new nb.nn.GELU(),
};
export const ACTIVATION_NAMES = Object.keys(activations);

/**
 * "mlp:64-128-10" (sizes from input to output) or "linear", after a standardisation of the
 * features fitted on the training data, so the saved model predicts from raw features.
 */
export function buildModel(spec: string, activation: string, scaler: nb.data.Standardizer, features: number, outputs: number, seed: number): nb.nn.Module {
  const act = Object.hasOwn(activations, activation) ? activations[activation] : undefined;
  if (!act) throw new UsageError(`--activation: expected one of ${ACTIVATION_NAMES.join(", ")}, got "${activation}"`);
  let sizes: number[];
  if (spec === "linear") sizes = [features, outputs];
  else {
    const match = /^mlp:(\d+(?:-\d+)+)$/.exec(spec);
    if (!match) throw new UsageError(`--model: expected "linear" or "mlp:" with layer sizes such as mlp:${features}-64-${outputs}, got "${spec}"`);
    sizes = match[1]!.split("-").map(Number);
    if (sizes[0] !== features || sizes.at(-1) !== outputs || sizes.some((n) => n < 1)) {
      throw new UsageError(`--model: the sizes must run from the ${features} features to ${outputs} output${outputs > 1 ? "s" : ""}, e.g. mlp:${features}-64-${outputs}; got ${spec}`);
    }
  }
  const layers: nb.nn.Module[] = [new nb.nn.Standardize(scaler.mean, scaler.scale)];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const hidden = i + 2 < sizes.length;
    layers.push(new nb.nn.Linear(sizes[i]!, sizes[i + 1]!, { seed: seed + i, init: hidden && activation === "relu" ? "heNormal" : "glorotUniform" }));
    if (hidden) layers.push(act());
  }
  return new nb.nn.Sequential(...layers);
}


/** Scores of a model's outputs against targets. */
export function scores(task: Task, output: nb.Tensor, y: nb.Tensor, classes: number): Record<string, number | number[][]> {
  if (task === "regression") return { r2: nb.nn.r2Score(y, output), mse: nb.nn.meanSquaredError(y, output) };
  const predicted = nb.nn.predictClasses(output);
  const report = nb.nn.precisionRecallF1(y, predicted, classes);
  return {
    accuracy: nb.nn.accuracy(y, predicted),
    macroPrecision: report.macro.precision, macroRecall: report.macro.recall, macroF1: report.macro.f1,
    confusionMatrix: nb.nn.confusionMatrix(y, predicted, classes),
  };
}

/** A line chart of the loss per epoch (training, and test when given) as an SVG document. */
export function lossCurvesSvg(history: readonly nb.nn.EpochLog[]): string {
  const [w, h, left, bottom, pad] = [640, 400, 64, 40, 16];
  const series = [
    { name: "training loss", color: "#1f77b4", values: history.map((e) => e.loss) },
    ...(history.some((e) => e.valLoss !== undefined) ? [{ name: "validation loss", color: "#d62728", values: history.map((e) => e.valLoss ?? NaN) }] : []),
  ];
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const [lo, hi] = [Math.min(...all, 0), Math.max(...all)];
  const x = (i: number) => left + ((w - left - pad) * i) / Math.max(1, history.length - 1);
  const y = (v: number) => h - bottom - ((h - bottom - pad) * (v - lo)) / (hi - lo || 1);
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}"/>`);
  const legend = series.map((s, i) => `<text x="${w - 150}" y="${pad + 16 * (i + 1)}" fill="${s.color}" font-size="13">${s.name}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<line x1="${left}" y1="${h - bottom}" x2="${w - pad}" y2="${h - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${pad}" x2="${left}" y2="${h - bottom}" stroke="black"/>`,
    `<text x="${left - 6}" y="${y(hi) + 4}" text-anchor="end" font-size="12">${hi.toPrecision(3)}</text>`,
    `<text x="${left - 6}" y="${y(lo) + 4}" text-anchor="end" font-size="12">${lo.toPrecision(3)}</text>`,
    `<text x="${left}" y="${h - bottom + 18}" font-size="12">1</text>`,
    `<text x="${w - pad}" y="${h - bottom + 18}" text-anchor="end" font-size="12">${history.length}</text>`,
    `<text x="${(w + left) / 2}" y="${h - 6}" text-anchor="middle" font-size="13">epoch</text>`,
    ...lines,
    ...legend,
    "</svg>",
  ].join("\n");
}
