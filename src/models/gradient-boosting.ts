/**
 * Second-order gradient boosting, XGBoost's algorithm: each round takes every sample's
 * gradient gᵢ and Hessian hᵢ of the loss at the current margin and grows a tree on them
 * (gain, leaf weights and minChildWeight as in tree.ts), shrunk by the learning rate.
 *
 * The objective is a nabla function of the margins (built in, or the user's own loss), and
 * nabla differentiates it: one reverse pass gives every gᵢ, one forward-over-reverse pass
 * (∇²L·1) every hᵢ, since a loss that is a sum over samples has a diagonal Hessian. Softmax
 * margins are [samples, classes] with a block-diagonal Hessian; one pass per class (tangent
 * 1 in that class's column) gives its diagonal, pᵢₖ(1 − pᵢₖ). Softmax then doubles it, as
 * XGBoost does: the per-class trees ignore the Hessian's off-diagonal terms −pᵢₖpᵢₗ, and
 * 2·diag(p(1 − p)) bounds the whole block from above (so the per-class steps cannot overshoot
 * together), which also keeps minChildWeight meaning what it means in XGBoost.
 *
 * Zero or negative Hessians (absolute error, quantile loss, non-convex losses) break the
 * second-order step: with ΣH ≈ 0 no split satisfies minChildWeight and the leaf weight −G/λ
 * ignores the data's scale. XGBoost clips silently; here `nonPositiveHessian` decides, and
 * every round reports how many hᵢ were ≤ 0: "unit" (default) replaces that round's Hessians by
 * 1 (first-order boosting: leaves are the mean negative gradient, shrunk by λ), "error" throws,
 * and a number ε floors each hᵢ at ε.
 */
import { type TensorLike, tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { grad } from "../autodiff/reverse.js";
import { Random } from "../tensor/random.js";
import { jvp } from "../autodiff/forward.js";
import { logsumexp, mul, softplus, square, sub, sum, sigmoid, softmax } from "../ops/index.js";
import {
  type Estimator, type Matrix, accuracy, encodeLabels, nonNegative, notFitted, positive, positiveInteger, r2Score, readFeatures, readMatrix, readTargets,
} from "./base.js";
import type { EstimatorState, StateJson, StateReader } from "./serialize.js";
import { type Tree, type TreeParams, countLeaves, growTree, makeBins, predictTree } from "./tree.js";
import { argmaxLastAxis } from "../nn/metrics.js";

/** A loss of margins and labels, per sample (a vector) or summed (a scalar). */
export type BoostingLoss = (prediction: Tensor, label: Tensor) => Tensor;

/** Options of GradientBoosting (XGBoost's parameters and defaults, camel-cased). */
export interface GradientBoostingOptions {
  /** "squared" (default; ½(p − y)²), "logistic" (binary, margins are log-odds), "softmax", or a loss. */
  objective?: "squared" | "logistic" | "softmax" | BoostingLoss;
  /** Boosting rounds (default 100). */
  nEstimators?: number;
  /** Default 6. */
  maxDepth?: number;
  /** Shrinkage η (default 0.3). */
  learningRate?: number;
  /** L2 penalty λ on leaf weights (default 1). */
  lambda?: number;
  /** Least gain ½[…] − γ for a split to stay (default 0). */
  gamma?: number;
  /** Least ΣH in a child (default 1). */
  minChildWeight?: number;
  /** The initial prediction (default 0.5; a probability for "logistic", a margin otherwise). */
  baseScore?: number;
  /** "exact" (default; every distinct value is a candidate) or "hist" (maxBin quantile bins). */
  treeMethod?: "exact" | "hist";
  /** hist: most bins per feature (default 256). */
  maxBin?: number;
  /** Keep every sample's g and h in each round's record (default false). */
  recordDerivatives?: boolean;
  /** What to do in a round where some hᵢ ≤ 0 (see the module note; default "unit"). */
  nonPositiveHessian?: "unit" | "error" | number;
  /** Accepted so that every estimator takes tol and maxIter (API contract); boosting runs nEstimators rounds, so they are unused. */
  tol?: number;
  maxIter?: number;
}

/** What one boosting round did. */
export interface BoostingRound {
  /** Mean training loss after the round. */
  loss: number;
  /** ‖g‖₂ at the start of the round (all classes). */
  gradNorm: number;
  /** Σh at the start of the round. */
  hessianSum: number;
  /** How many hᵢ were ≤ 0 (and were then handled by nonPositiveHessian). */
  nonPositiveHessians: number;
  leaves: number;
  /** With recordDerivatives: every gᵢ and hᵢ at the start of the round (samples × outputs, row-major; h as the trees use it, doubled for softmax, before nonPositiveHessian). */
  gradients?: number[];
  hessians?: number[];
}

type Kind = "squared" | "logistic" | "softmax" | "custom";

/** The objective as a function of all margins: a scalar, the sum of per-sample losses. */
function totalLoss(kind: Kind, label: Tensor, custom?: BoostingLoss): (margin: Tensor) => Tensor {
  switch (kind) {
    case "squared": return (m) => mul(0.5, sum(square(sub(m, label))));
    case "logistic": return (m) => sum(sub(softplus(m), mul(label, m)));
    case "softmax": return (m) => sub(sum(logsumexp(m, 1)), sum(mul(label, m)));
    default: return (m) => { const v = custom!(m, label); return v.ndim === 0 ? v : sum(v); };
  }
}

/**
 * Gradient boosting with XGBoost's second-order trees on any twice-differentiable loss.
 * @example
 * const x = nb.tensor([[1], [2], [3], [4], [5], [6]]);
 * const m = new nb.models.GradientBoosting({ nEstimators: 20, maxDepth: 2, minChildWeight: 0 }).fit(x, [1, 1, 1, 5, 5, 5]);
 * Array.from(m.predict([[2], [5]]).values(), Math.round); // => [1, 5]
 */
export class GradientBoosting implements Estimator {
  readonly options: GradientBoostingOptions;
  /** One list of trees per round (one tree, or one per class for softmax). */
  trees!: Tree[][];
  /** Per round: the loss, ‖g‖, Σh and the count of non-positive Hessians. */
  rounds!: BoostingRound[];
  classes?: number[];
  private fitted?: { kind: Kind; cols: number; outputs: number; base: number };

  constructor(options: GradientBoostingOptions = {}) {
    this.options = options;
  }

  private kind(): Kind {
    const o = this.options.objective ?? "squared";
    if (typeof o === "function") return "custom";
    if (o !== "squared" && o !== "logistic" && o !== "softmax") throw new NablaError(`GradientBoosting: objective must be "squared", "logistic", "softmax" or a loss (prediction, label) => Tensor, got "${String(o)}"`);
    return o;
  }

  private params(): TreeParams {
    const o = this.options;
    return {
      maxDepth: positiveInteger(o.maxDepth ?? 6, "maxDepth", "GradientBoosting"),
      lambda: nonNegative(o.lambda ?? 1, "lambda", "GradientBoosting"),
      gamma: nonNegative(o.gamma ?? 0, "gamma", "GradientBoosting"),
      minChildWeight: nonNegative(o.minChildWeight ?? 1, "minChildWeight", "GradientBoosting"),
      learningRate: positive(o.learningRate ?? 0.3, "learningRate", "GradientBoosting"),
    };
  }

  fit(x: TensorLike, y: TensorLike): this {
    const kind = this.kind();
    const params = this.params();
    const m = readMatrix(x, "GradientBoosting.fit");
    const target = readTargets(y, m.rows, "GradientBoosting.fit");
    const { label, outputs } = this.labels(kind, target);
    const rounds = positiveInteger(this.options.nEstimators ?? 100, "nEstimators", "GradientBoosting");
    const method = this.options.treeMethod ?? "exact";
    if (method !== "exact" && method !== "hist") throw new NablaError(`GradientBoosting: treeMethod must be "exact" or "hist", got "${String(method)}"`);
    const bins = makeBins(m, method, positiveInteger(this.options.maxBin ?? 256, "maxBin", "GradientBoosting"));
    const baseScore = this.options.baseScore ?? 0.5;
    if (kind === "logistic" && !(baseScore > 0 && baseScore < 1)) throw new NablaError(`GradientBoosting: with objective "logistic", baseScore is a probability in (0, 1), got ${baseScore}`);
    const base = kind === "logistic" ? Math.log(baseScore / (1 - baseScore)) : baseScore;
    const loss = totalLoss(kind, label, typeof this.options.objective === "function" ? this.options.objective : undefined);
    const margin = new Float64Array(m.rows * outputs).fill(base);
    this.trees = [];
    this.rounds = [];
    for (let r = 0; r < rounds; r++) {
      const shape = outputs === 1 ? [m.rows] : [m.rows, outputs];
      const at = tensor(margin, { shape });
      const { g, h } = derivatives(loss, at, outputs);
      if (kind === "custom" && r === 0) checkSeparable(loss, at, h);
      if (kind === "softmax") for (let t = 0; t < h.length; t++) h[t]! *= 2;
      const recorded = this.options.recordDerivatives ? { gradients: Array.from(g), hessians: Array.from(h) } : {};
      const round = { ...this.checkHessians(g, h, r), ...recorded };
      const trees: Tree[] = [];
      for (let k = 0; k < outputs; k++) {
        const gk = Float64Array.from({ length: m.rows }, (_, i) => g[i * outputs + k]!);
        const hk = Float64Array.from({ length: m.rows }, (_, i) => h[i * outputs + k]!);
        const tree = growTree(bins, m.rows, gk, hk, params);
        predictTree(tree, m, margin, outputs, k);
        trees.push(tree);
        round.leaves += countLeaves(tree);
      }
      round.loss = loss(tensor(margin, { shape })).item() / m.rows;
      this.trees.push(trees);
      this.rounds.push(round);
    }
    this.fitted = { kind, cols: m.cols, outputs, base };
    return this;
  }

  /** Labels as the loss takes them (one-hot for softmax) and the number of margins per sample. */
  private labels(kind: Kind, target: Float64Array): { label: Tensor; outputs: number } {
    if (kind === "logistic" || kind === "softmax") {
      const labels = encodeLabels(target, "GradientBoosting.fit");
      this.classes = labels.classes;
      if (kind === "logistic") {
        if (labels.classes.length !== 2) throw new NablaError(`GradientBoosting: objective "logistic" needs two classes, y holds ${labels.classes.length}; use "softmax"`);
        return { label: tensor(Float64Array.from(labels.index)), outputs: 1 };
      }
      const k = labels.classes.length;
      const n = target.length;
      return { label: tensor(Float64Array.from({ length: n * k }, (_, t) => (labels.index[Math.floor(t / k)] === t % k ? 1 : 0)), { shape: [n, k] }), outputs: k };
    }
    this.classes = undefined;
    return { label: tensor(target), outputs: 1 };
  }

  /** Applies nonPositiveHessian to h in place and starts the round's record. */
  private checkHessians(g: Float64Array, h: Float64Array, round: number): BoostingRound {
    const policy = this.options.nonPositiveHessian ?? "unit";
    let bad = 0;
    let hessianSum = 0;
    let gradSquared = 0;
    for (const v of g) gradSquared += v * v;
    for (const v of h) { hessianSum += v; if (!(v > 0)) bad++; }
    if (bad > 0) {
      if (policy === "error") throw new NablaError(`GradientBoosting: round ${round}: ${bad} of ${h.length} Hessians are ≤ 0, so the second-order step is undefined; use nonPositiveHessian "unit" (first-order boosting) or a floor ε > 0`);
      if (policy === "unit") h.fill(1);
      else if (typeof policy === "number" && policy > 0) for (let i = 0; i < h.length; i++) h[i] = Math.max(h[i]!, policy);
      else throw new NablaError(`GradientBoosting: nonPositiveHessian must be "unit", "error" or a positive floor, got ${String(policy)}`);
    }
    return { loss: NaN, gradNorm: Math.sqrt(gradSquared), hessianSum, nonPositiveHessians: bad, leaves: 0 };
  }

  /** The options and the trees, for model files (the per-round record is not kept). A function objective is code and cannot be saved. */
  toState(): EstimatorState {
    const f = this.fitted ?? notFitted("GradientBoosting.toState");
    if (f.kind === "custom") throw new NablaError("GradientBoosting.toState: a model with a function objective cannot be saved (a model file holds no code); predictions need only the trees, so save decisionFunction's inputs instead or refit");
    return {
      options: { ...this.options } as { [key: string]: StateJson },
      fitted: { kind: f.kind, cols: f.cols, outputs: f.outputs, base: f.base, classes: this.classes ?? [], trees: this.trees as unknown as StateJson },
    };
  }

  /** Rebuilds a fitted model from a model file's checked fields (every tree's links and features in range). */
  static fromState(r: StateReader): GradientBoosting {
    const m = new GradientBoosting(r.options<GradientBoostingOptions>([
      "objective", "nEstimators", "maxDepth", "learningRate", "lambda", "gamma", "minChildWeight", "baseScore", "treeMethod", "maxBin", "nonPositiveHessian", "recordDerivatives", "tol", "maxIter",
    ]));
    const kind = r.choice("kind", ["squared", "logistic", "softmax"]);
    const cols = r.integer("cols", 1);
    const outputs = r.integer("outputs", 1, kind === "softmax" ? 10_000 : 1);
    const base = r.number("base");
    const classes = r.numbers("classes", kind === "squared" ? 0 : kind === "logistic" ? 2 : outputs);
    m.classes = kind === "squared" ? undefined : classes;
    m.trees = r.array("trees").map((round, i) => {
      if (!Array.isArray(round) || round.length !== outputs) r.fail(`fitted.trees[${i}] must hold ${outputs} tree(s)`);
      return round.map((tree, k) => readTree(r, tree, cols, `fitted.trees[${i}][${k}]`));
    });
    m.rounds = [];
    m.fitted = { kind, cols, outputs, base };
    return m;
  }

  /** The raw margins, [samples] or [samples, classes] for softmax. */
  decisionFunction(x: TensorLike): Tensor {
    const f = this.fitted ?? notFitted("GradientBoosting.decisionFunction");
    const m: Matrix = readFeatures(x, f.cols, "GradientBoosting.decisionFunction");
    const margin = new Float64Array(m.rows * f.outputs).fill(f.base);
    for (const trees of this.trees) trees.forEach((tree, k) => predictTree(tree, m, margin, f.outputs, k));
    return tensor(margin, { shape: f.outputs === 1 ? [m.rows] : [m.rows, f.outputs] });
  }

  /** Class probabilities, [samples, classes] ("logistic" and "softmax" only). */
  predictProba(x: TensorLike): Tensor {
    const f = this.fitted ?? notFitted("GradientBoosting.predictProba");
    if (f.kind !== "logistic" && f.kind !== "softmax") throw new NablaError(`GradientBoosting.predictProba: the objective is not a classifier's ("logistic" or "softmax")`);
    const z = this.decisionFunction(x);
    if (f.kind === "softmax") return softmax(z, 1);
    return tensor(Array.from(sigmoid(z).values(), (p) => [1 - p, p]));
  }

  /** Class labels for classifiers, the margins (predictions) otherwise. */
  predict(x: TensorLike): Tensor {
    if (!this.fitted) notFitted("GradientBoosting.predict");
    if (!this.classes) return this.decisionFunction(x);
    const classes = this.classes;
    return tensor(Array.from(argmaxLastAxis(this.predictProba(x)), (j) => classes[j]!));
  }

  /** Accuracy for classifiers, R² otherwise. */
  score(x: TensorLike, y: TensorLike): number {
    const prediction = this.predict(x).values();
    const target = readTargets(y, prediction.length, "GradientBoosting.score");
    return this.classes ? accuracy(target, prediction) : r2Score(target, prediction);
  }
}

/**
 * A custom loss must be a sum of per-sample terms, or ∇²L·1 is not the Hessian's diagonal. One
 * more Hessian-vector product with a ±1 probe v checks it: ∇²L·v must equal h∘v.
 */
function checkSeparable(loss: (m: Tensor) => Tensor, margin: Tensor, h: Float64Array): void {
  const random = new Random(0);
  const v = Float64Array.from(h, () => (random.uniform() < 0.5 ? -1 : 1));
  const [, hv] = jvp((m: Tensor) => grad(loss)(m), [margin], [tensor(v, { shape: [...margin.shape] })]);
  const product = hv.values();
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < h.length; i++) {
    scale = Math.max(scale, Math.abs(h[i]!), Math.abs(product[i]!));
    worst = Math.max(worst, Math.abs(product[i]! - h[i]! * v[i]!));
  }
  if (worst > 1e-8 * scale + 1e-12) {
    throw new NablaError("GradientBoosting: the objective couples samples (its Hessian is not diagonal), so per-sample g and h do not describe it; write the loss as a sum, or vector, of per-sample terms");
  }
}

/**
 * Every sample's gradient and Hessian diagonal of a loss summed over samples: one reverse pass
 * for g, and per output column one forward-over-reverse pass ∇²L·e (e = 1 in that column).
 */
export function derivatives(loss: (m: Tensor) => Tensor, margin: Tensor, outputs: number): { g: Float64Array; h: Float64Array } {
  const gradient = grad(loss);
  const g = Float64Array.from(gradient(margin).values());
  const h = new Float64Array(g.length);
  for (let k = 0; k < outputs; k++) {
    const e = tensor(Float64Array.from({ length: g.length }, (_, t) => (t % outputs === k ? 1 : 0)), { shape: [...margin.shape] });
    const [, hv] = jvp((m: Tensor) => gradient(m), [margin], [e]);
    const values = hv.values();
    for (let t = k; t < g.length; t += outputs) h[t] = values[t]!;
  }
  return { g, h };
}

const TREE_FIELDS = ["feature", "threshold", "left", "right", "value", "gain"] as const;

/** Checks one stored tree: equal-length arrays, features in range, children after their parent. */
function readTree(r: StateReader, stored: StateJson, cols: number, where: string): Tree {
  if (typeof stored !== "object" || stored === null || Array.isArray(stored)) r.fail(`${where} must be a tree object`);
  const extra = Object.keys(stored).filter((key) => !(TREE_FIELDS as readonly string[]).includes(key));
  if (extra.length) r.fail(`${where}: unknown field ${extra[0]}`);
  const arrays = TREE_FIELDS.map((name) => {
    const v = stored[name];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "number" || !Number.isFinite(x))) r.fail(`${where}.${name} must be an array of finite numbers`);
    return v as number[];
  });
  const n = arrays[0]!.length;
  if (n === 0 || arrays.some((a) => a.length !== n)) r.fail(`${where}: ${TREE_FIELDS.join(", ")} must be non-empty and of one length`);
  const [feature, , left, right] = arrays as [number[], number[], number[], number[]];
  for (let node = 0; node < n; node++) {
    const f = feature[node]!;
    if (!Number.isInteger(f) || f < -1 || f >= cols) r.fail(`${where}.feature[${node}] must be −1 (a leaf) or a feature index below ${cols}, got ${f}`);
    if (f >= 0 && [left[node]!, right[node]!].some((c) => !Number.isInteger(c) || c <= node || c >= n)) r.fail(`${where}: node ${node}'s children must be later nodes of the tree`);
  }
  const [, threshold, , , value, gain] = arrays;
  return { feature, threshold: threshold!, left, right, value: value!, gain: gain! };
}
