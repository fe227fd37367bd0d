/**
 * Preparing data for training: seeded shuffles and splits, standardisation, one-hot
 * labels and mini-batches. Rows (the first axis) are samples.
 */
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, arange, tensor, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { jitTracing } from "../autodiff/jit.js";
import { formatShape } from "../tensor/shape.js";
import { Random } from "../tensor/random.js";
import { cast, div, equal, sub, where } from "../ops/primitives/elementwise.js";
import { gather } from "../ops/primitives/shape.js";
import { expandDims, mean, sqrt, variance } from "../ops/index.js";

/** Checks that inputs and targets describe the same samples (first axis). */
export function checkSameSamples(x: Tensor, y: Tensor, where: string): void {
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new NablaError(`${where}: inputs ${formatShape(x.shape)} and targets ${formatShape(y.shape)} must have the same number of samples (first axis)`);
  }
}

/**
 * A seeded random permutation of 0..n−1 (Fisher–Yates).
 * @example
 * nb.data.permutation(5, 0).slice().sort(); // => [0, 1, 2, 3, 4]
 * nb.data.permutation(5, 0); // => nb.data.permutation(5, 0)
 */
export function permutation(n: number, seed: number): number[] {
  const random = new Random(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Rows of a tensor, by index. */
export function takeRows(x: Tensor, rows: readonly number[]): Tensor {
  return gather(x, tensor(rows as number[]), 0);
}

/** Options of trainTestSplit. */
export interface SplitOptions {
  /** Fraction of samples held out for testing (default 0.2). */
  testSize?: number;
  /** Shuffle seed (default 0). */
  seed?: number;
  /** Keep each class's share equal in both parts (y holds class labels). */
  stratify?: boolean;
}

/** The two parts of a split. */
export interface Split {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/**
 * Shuffles the samples with a seed and holds out `testSize` of them. With `stratify`, each
 * class contributes round(testSize · its count) test samples (largest remainders settle the
 * total), so both parts keep the class proportions.
 * @example
 * const { x, y } = nb.data.load("iris");
 * const s = nb.data.trainTestSplit(x, y, { testSize: 0.2, seed: 0, stratify: true });
 * [s.xTrain.shape, s.xTest.shape]; // => [[120, 4], [30, 4]]
 * [0, 1, 2].map((c) => s.yTest.values().filter((v) => v === c).length); // => [10, 10, 10]
 */
export function trainTestSplit(x: Tensor, y: Tensor, options: SplitOptions = {}): Split {
  checkSameSamples(x, y, "trainTestSplit");
  const testSize = options.testSize ?? 0.2;
  const n = x.shape[0]!;
  const nTest = Math.round(n * testSize);
  if (!(testSize > 0 && testSize < 1) || nTest === 0 || nTest === n) {
    throw new NablaError(`trainTestSplit: testSize ${testSize} of ${n} samples leaves a part empty; use a fraction strictly between 0 and 1`);
  }
  const order = permutation(n, options.seed ?? 0);
  let test: number[];
  if (options.stratify) {
    const labels = y.values();
    const byClass = new Map<number, number[]>();
    for (const i of order) {
      const members = byClass.get(labels[i]!);
      if (members) members.push(i);
      else byClass.set(labels[i]!, [i]);
    }
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    const quota = classes.map((c) => byClass.get(c)!.length * testSize);
    const take = quota.map(Math.floor);
    // Largest remainders get the samples still missing from the test part.
    const byRemainder = classes.map((_, k) => k).sort((a, b) => quota[b]! - take[b]! - (quota[a]! - take[a]!));
    for (let k = 0; take.reduce((s, v) => s + v, 0) < nTest; k++) take[byRemainder[k]!]!++;
    test = classes.flatMap((c, k) => byClass.get(c)!.slice(0, take[k]));
    const chosen = new Set(test);
    test = order.filter((i) => chosen.has(i));
  } else {
    test = order.slice(0, nTest);
  }
  const isTest = new Set(test);
  const train = order.filter((i) => !isTest.has(i));
  return { xTrain: takeRows(x, train), yTrain: takeRows(y, train), xTest: takeRows(x, test), yTest: takeRows(y, test) };
}

/** A fitted standardisation: per-feature mean and scale, applied by `transform`. */
export interface Standardizer {
  mean: Tensor;
  /** The standard deviation, or 1 for a constant feature (which is then only centred). */
  scale: Tensor;
  /** (x − mean) / scale. */
  transform(x: TensorLike): Tensor;
  /** The inverse, x·scale + mean. */
  inverse(z: TensorLike): Tensor;
}

/**
 * Learns each feature's mean and standard deviation (population, as scikit-learn's
 * StandardScaler) from training data; apply `transform` to training and test data alike.
 * @example
 * const s = nb.data.standardize(nb.tensor([[1, 5], [3, 5]]));
 * s.transform([[1, 5], [3, 5]]).toArray(); // => [[-1, 0], [1, 0]]
 * s.inverse([[0, 0]]).toArray(); // => [[2, 5]]
 */
export function standardize(x: Tensor): Standardizer {
  if (x.ndim !== 2) throw new NablaError(`standardize: expected [samples, features], got ${formatShape(x.shape)}`);
  const mu = mean(x, 0);
  const sd = sqrt(variance(x, 0));
  const scale = where(equal(sd, 0), 1, sd);
  return {
    mean: mu,
    scale,
    transform: (z) => div(sub(toTensor(z), mu), scale),
    inverse: (z) => toTensor(z).mul(scale).add(mu),
  };
}

/**
 * Integer labels [...] as one-hot rows [..., numClasses] (default: largest label + 1).
 * @example
 * nb.data.oneHot([2, 0]).toArray(); // => [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(labels: TensorLike, numClasses?: number): Tensor {
  const t = toTensor(labels);
  return oneHotChecked(t, numClasses ?? Math.floor(Float64Array.from(t.values()).reduce((hi, v) => Math.max(hi, v), -1)) + 1, "oneHot");
}

/** oneHot with errors that name the caller (a loss, say). */
export function oneHotChecked(labels: Tensor, numClasses: number, where: string): Tensor {
  // Inside nb.jit the labels' numbers are unknown while tracing; their caller checks them
  // (nb.nn.fit checks every label once before its compiled steps).
  if (!(labels.level > 0 && jitTracing(labels.level))) checkLabels(labels, numClasses, where);
  return cast(equal(expandDims(labels, -1), arange(0, numClasses, 1, { dtype: labels.dtype })), labels.dtype);
}

/** Throws unless every label is a class in 0..numClasses − 1. */
export function checkLabels(labels: Tensor, numClasses: number, where: string): void {
  const values = labels.concrete().contiguousData(false);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) throw new NablaError(`${where}: label ${v} at position ${i} is not a class in 0..${numClasses - 1}`);
  }
}

/** One mini-batch. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** Options of batches. */
export interface BatchOptions {
  batchSize: number;
  /** Shuffle before batching (default true). */
  shuffle?: boolean;
  /** The shuffle's seed; use a different one per epoch (seed + epoch) for fresh orders. Default 0. */
  seed?: number;
  /** Drop a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

/**
 * Mini-batches of (x, y), shuffled with a seed.
 * @example
 * const x = nb.arange(10).reshape([5, 2]);
 * [...nb.data.batches(x, nb.arange(5), { batchSize: 2, shuffle: false })].map((b) => b.y.toArray()); // => [[0, 1], [2, 3], [4]]
 */
export function* batches(x: Tensor, y: Tensor, options: BatchOptions): Generator<Batch> {
  checkSameSamples(x, y, "batches");
  const { batchSize, shuffle = true, seed = 0, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new NablaError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  const n = x.shape[0]!;
  const order = shuffle ? permutation(n, seed) : Array.from({ length: n }, (_, i) => i);
  for (let start = 0; start < n; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    if (dropLast && rows.length < batchSize) return;
    yield { x: takeRows(x, rows), y: takeRows(y, rows) };
  }
}
