/**
 * Evaluation metrics, as plain numbers (they are read, not differentiated). Arguments follow
 * scikit-learn's order: true values first, then predictions.
 */
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";

function flatPair(yTrue: TensorLike, yPred: TensorLike, metric: string): [Float64Array, Float64Array] {
  const a = Float64Array.from(toTensor(yTrue).values());
  const b = Float64Array.from(toTensor(yPred).values());
  if (a.length !== b.length) throw new NablaError(`${metric}: ${a.length} true values but ${b.length} predictions`);
  if (a.length === 0) throw new NablaError(`${metric}: no samples`);
  return [a, b];
}

/**
 * Class labels from a model's outputs: the arg-max over the last axis for [..., classes]
 * (logits or probabilities), or `output > threshold` for one output per sample (threshold 0
 * suits logits; use 0.5 for probabilities).
 * @example
 * nb.nn.predictClasses(nb.tensor([[0.1, 2, -1], [3, 0, 0]])).toArray(); // => [1, 0]
 * nb.nn.predictClasses(nb.tensor([[-2], [0.5]])).toArray(); // => [0, 1]
 */
export function predictClasses(output: Tensor, threshold = 0): Tensor {
  const classes = output.shape[output.ndim - 1] ?? 1;
  const data = output.values();
  if (output.ndim === 0 || output.ndim === 1 || classes === 1) {
    return toTensor(Array.from(data, (v) => (v > threshold ? 1 : 0)));
  }
  return toTensor(argmaxLastAxis(output)).reshape(output.shape.slice(0, -1));
}

/** For outputs [..., k] (k ≥ 1): the index of the largest entry along the last axis, the first one on ties, row-major. */
export function argmaxLastAxis(output: Tensor): Float64Array {
  const classes = output.shape[output.ndim - 1] ?? 1;
  const data = output.values();
  const n = data.length / classes;
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[i * classes + c]! > data[i * classes + best]!) best = c;
    labels[i] = best;
  }
  return labels;
}

/**
 * Fraction of predictions equal to the true labels.
 * @example
 * nb.nn.accuracy([0, 1, 2, 1], [0, 2, 2, 1]); // => 0.75
 */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): number {
  const [a, b] = flatPair(yTrue, yPred, "accuracy");
  let hits = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hits++;
  return hits / a.length;
}

/** The most classes a confusion matrix is built for (its size grows with the square). */
const MAX_CONFUSION_CLASSES = 10_000;

/**
 * Counts: row = true class, column = predicted class, for classes 0..numClasses−1
 * (by default one more than the largest label seen).
 * @example
 * nb.nn.confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2]); // => [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
 */
export function confusionMatrix(yTrue: TensorLike, yPred: TensorLike, numClasses?: number): number[][] {
  const [a, b] = flatPair(yTrue, yPred, "confusionMatrix");
  // A loop, not Math.max(...a): spreading 125k+ labels overflows the call stack.
  const k = numClasses ?? Math.max(a.reduce((hi, v) => Math.max(hi, v), -1), b.reduce((hi, v) => Math.max(hi, v), -1)) + 1;
  if (!(k <= MAX_CONFUSION_CLASSES)) {
    throw new NablaError(`confusionMatrix: labels up to ${k - 1} would need a ${k}×${k} matrix; labels must be class indices 0..k−1 with k ≤ ${MAX_CONFUSION_CLASSES}`);
  }
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < a.length; i++) {
    const [t, p] = [a[i]!, b[i]!];
    if (!Number.isInteger(t) || !Number.isInteger(p) || t < 0 || p < 0 || t >= k || p >= k) {
      throw new NablaError(`confusionMatrix: sample ${i} has labels ${t} (true) and ${p} (predicted); classes are integers 0..${k - 1}`);
    }
    m[t]![p]!++;
  }
  return m;
}

/** Per-class precision, recall, F1 and support, and their unweighted (macro) means. */
export interface ClassificationReport {
  precision: number[];
  recall: number[];
  f1: number[];
  /** Number of true samples of each class. */
  support: number[];
  macro: { precision: number; recall: number; f1: number };
}

/**
 * Precision tp/(tp+fp), recall tp/(tp+fn) and F1 (their harmonic mean) for every class, with
 * 0 where a ratio is 0/0 (scikit-learn's `zero_division=0`); `macro` averages over classes.
 * For a binary problem the positive class is class 1: read `precision[1]`.
 * @example
 * const r = nb.nn.precisionRecallF1([0, 0, 1, 1], [0, 1, 1, 1]);
 * r.precision; // => [1, 2 / 3]
 * r.recall; // => [0.5, 1]
 * r.f1[1]; // => 0.8
 */
export function precisionRecallF1(yTrue: TensorLike, yPred: TensorLike, numClasses?: number): ClassificationReport {
  const m = confusionMatrix(yTrue, yPred, numClasses);
  const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);
  const precision = m.map((_, c) => ratio(m[c]![c]!, m.reduce((s, row) => s + row[c]!, 0)));
  const recall = m.map((row, c) => ratio(row[c]!, row.reduce((s, v) => s + v, 0)));
  const f1 = precision.map((p, c) => ratio(2 * p * recall[c]!, p + recall[c]!));
  const avg = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  return { precision, recall, f1, support: m.map((row) => row.reduce((s, v) => s + v, 0)), macro: { precision: avg(precision), recall: avg(recall), f1: avg(f1) } };
}

/**
 * Mean squared error of predictions.
 * @example
 * nb.nn.meanSquaredError([1, 2, 3], [1, 2, 5]); // => 4 / 3
 */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): number {
  const [a, b] = flatPair(yTrue, yPred, "meanSquaredError");
  return a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;
}

/**
 * Coefficient of determination R² = 1 − SS_res/SS_tot: 1 for perfect predictions, 0 for
 * predicting the mean, negative for worse.
 * @example
 * nb.nn.r2Score([1, 2, 3], [1, 2, 3]); // => 1
 * nb.nn.r2Score([1, 2, 3], [2, 2, 2]); // => 0
 */
export function r2Score(yTrue: TensorLike, yPred: TensorLike): number {
  const [a, b] = flatPair(yTrue, yPred, "r2Score");
  const mu = a.reduce((s, v) => s + v, 0) / a.length;
  const ssRes = a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
  const ssTot = a.reduce((s, v) => s + (v - mu) ** 2, 0);
  if (ssTot === 0) throw new NablaError("r2Score: the true values are all equal, so R² is undefined");
  return 1 - ssRes / ssTot;
}
