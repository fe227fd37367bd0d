/**
 * Table 6 of the survey as an experiment: each regulariser on one network and dataset (a
 * 64-64-10 ReLU MLP on the digits, the same split, seed and epochs), with test accuracy, how
 * sparse the weights end up and their norm.
 */
import * as nb from "../index.js";
import type { ReportOptions, Row, Table } from "./types.js";
import { digitsTask, timed } from "./util.js";

interface Regularizer {
  name: string;
  /** Hidden-layer dropout rate, label smoothing, a penalty, clipping, spectral norm: each alone. */
  dropout?: number;
  labelSmoothing?: number;
  penalty?: (p: nb.nn.Params) => nb.Tensor;
  clip?: number;
  spectral?: boolean;
}

/** Penalties apply to weights only (the paths ending in "weight"), as is usual. */
const weightsOf = (p: nb.nn.Params): nb.Tensor[] => Object.entries(p).filter(([k]) => k.endsWith("weight")).map(([, t]) => t);

const REGULARIZERS: readonly Regularizer[] = [
  { name: "none" },
  { name: "L1 (λ = 10⁻³)", penalty: (p) => nb.optim.l1Penalty(weightsOf(p), 1e-3) },
  { name: "L2 (λ = 10⁻³)", penalty: (p) => nb.optim.l2Penalty(weightsOf(p), 1e-3) },
  { name: "elastic net (λ = 10⁻³, ½ L1)", penalty: (p) => nb.optim.elasticNetPenalty(weightsOf(p), 1e-3, 0.5) },
  { name: "dropout 0.3", dropout: 0.3 },
  { name: "label smoothing 0.1", labelSmoothing: 0.1 },
  { name: "gradient clipping (global norm 1)", clip: 1 },
  { name: "spectral norm", spectral: true },
];

function network(r: Regularizer, seed: number): nb.nn.Module {
  const hidden = new nb.nn.Linear(64, 64, { seed, init: "heNormal" });
  const out = new nb.nn.Linear(64, 10, { seed: seed + 1 });
  const layers: nb.nn.Module[] = [r.spectral ? new nb.nn.SpectralNorm(hidden) : hidden, new nb.nn.ReLU()];
  if (r.dropout) layers.push(new nb.nn.Dropout(r.dropout, { seed: seed + 2 }));
  layers.push(r.spectral ? new nb.nn.SpectralNorm(out) : out);
  return new nb.nn.Sequential(...layers);
}

/** Fraction of weights below 10⁻³ in magnitude, and the weights' 2-norm. */
function weightStats(model: nb.nn.Module): { sparsity: number; weightNorm: number } {
  let small = 0;
  let count = 0;
  let squares = 0;
  for (const w of weightsOf(model.parameters())) {
    for (const v of w.values()) {
      if (Math.abs(v) < 1e-3) small++;
      squares += v * v;
      count++;
    }
  }
  return { sparsity: small / count, weightNorm: Math.sqrt(squares) };
}

/** Runs Table 6. */
export function regularizersTable(options: ReportOptions): Table {
  const { train, test } = digitsTask(options.seed);
  const epochs = options.quick ? 4 : 30;
  const rows: Row[] = REGULARIZERS.map((r) => {
    const loss = (out: nb.Tensor, y: nb.TensorLike) => nb.nn.softmaxCrossEntropy(out, y, { labelSmoothing: r.labelSmoothing ?? 0 });
    const adam = nb.optim.adam({ lr: 1e-3 });
    const optimizer = r.clip ? nb.optim.chain(nb.optim.clipByGlobalNorm(r.clip), adam) : adam;
    const { value: fitted, timeMs } = timed(() => nb.nn.fit(network(r, options.seed), train, {
      loss, optimizer, epochs, batchSize: 32, seed: options.seed, quiet: true, gradientFlow: false, ...(r.penalty ? { regularizer: r.penalty } : {}),
    }));
    const evaluated = nb.nn.evaluate(fitted.model, test, { loss: "crossEntropy", metrics: ["accuracy"] });
    const trainAccuracy = nb.nn.evaluate(fitted.model, train, { loss: "crossEntropy", metrics: ["accuracy"] }).accuracy!;
    return { regularizer: r.name, trainAccuracy, testAccuracy: evaluated.accuracy!, testLoss: evaluated.loss!, ...weightStats(fitted.model), timeMs };
  });
  return {
    id: "6", title: "Regularisers on one network and dataset",
    method: `A 64-64-10 ReLU MLP on the digits (stratified 80/20 split, standardised), Adam lr 10⁻³, batch 32, ${epochs} epochs, one regulariser at a time. sparsity: the fraction of weights below 10⁻³ in magnitude; weightNorm: the weights' 2-norm (biases excluded).`,
    columns: ["regularizer", "trainAccuracy", "testAccuracy", "testLoss", "sparsity", "weightNorm", "timeMs"],
    rows,
    plots: [],
  };
}
