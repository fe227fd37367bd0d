/**
 * The boosting panel's computation, run in the worker: a 1-D regression or classification set,
 * nb.models.GradientBoosting with recordDerivatives, and round by round the ensemble's
 * prediction on a line and at the samples, each sample's g and h, and the loss.
 */
import * as nb from "nabla";

export const OBJECTIVES = ["squared", "logistic", "pseudo-huber"] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];
export const BOOST_X: [number, number] = [-3, 3];
const LINE_N = 241;

export interface BoostingRequest {
  objective: ObjectiveName;
  seed: number;
  n: number;
  rounds: number;
  depth: number;
  eta: number;
  lambda: number;
}

export interface BoostingResult {
  x: number[];
  /** Targets (0/1 labels for "logistic"). */
  y: number[];
  lineX: number[];
  /** Per round k = 0…rounds: the prediction after k trees on the line and at the samples (probabilities for "logistic"). */
  line: number[][];
  atSamples: number[][];
  /** Per round k = 1…rounds (index k − 1): gᵢ and hᵢ at the start of round k, and the mean loss after it. */
  g: number[][];
  h: number[][];
  loss: number[];
  leaves: number[];
}

/** Pseudo-Huber with δ = 0.5, per sample: a nabla loss whose h = (1 + (r/δ)²)^(−3/2) shrinks for outliers. */
function pseudoHuber(prediction: nb.Tensor, label: nb.Tensor): nb.Tensor {
  const delta = 0.5;
  const r = nb.div(nb.sub(prediction, label), delta);
  return nb.mul(delta * delta, nb.sub(nb.sqrt(nb.add(1, nb.square(r))), 1));
}

/** n seeded samples: a wave with noise (and, for pseudo-Huber, a few outliers), or labels of its sign. */
function samples(objective: ObjectiveName, seed: number, n: number): { x: number[]; y: number[] } {
  const u = nb.rand([n], { seed }).values();
  const e = nb.randn([n], { seed: seed + 1 }).values();
  const x = Array.from(u, (v) => BOOST_X[0] + v * (BOOST_X[1] - BOOST_X[0])).sort((a, b) => a - b);
  const wave = (v: number): number => Math.sin(1.3 * v) + 0.4 * Math.cos(3.1 * v);
  if (objective === "logistic") return { x, y: x.map((v, i) => (wave(v) + 0.35 * e[i]! > 0 ? 1 : 0)) };
  const outlier = (i: number): number => (objective === "pseudo-huber" && i % 9 === 4 ? 3 * Math.sign(e[i]!) : 0);
  return { x, y: x.map((v, i) => wave(v) + 0.15 * e[i]! + outlier(i)) };
}

/** The leaf value a public nb.models.Tree gives x (left when x < threshold). */
function leaf(tree: nb.models.Tree, x: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) node = x < tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  return tree.value[node]!;
}

/** Margins after each number of trees, 0…all, at the points xs. */
function marginsByRound(trees: nb.models.Tree[][], base: number, xs: readonly number[]): number[][] {
  const out = [xs.map(() => base)];
  for (const [tree] of trees) out.push(out[out.length - 1]!.map((m, i) => m + leaf(tree!, xs[i]!)));
  return out;
}

export function boosting(req: BoostingRequest): BoostingResult {
  const { x, y } = samples(req.objective, req.seed, req.n);
  const objective = req.objective === "pseudo-huber" ? pseudoHuber : req.objective;
  const model = new nb.models.GradientBoosting({
    objective, nEstimators: req.rounds, maxDepth: req.depth, learningRate: req.eta, lambda: req.lambda,
    baseScore: req.objective === "logistic" ? 0.5 : 0, recordDerivatives: true,
  }).fit(x.map((v) => [v]), y);
  const lineX = Array.from({ length: LINE_N }, (_, i) => BOOST_X[0] + ((BOOST_X[1] - BOOST_X[0]) * i) / (LINE_N - 1));
  const shown = (margins: number[][]): number[][] => (req.objective === "logistic" ? margins.map((row) => row.map((m) => 1 / (1 + Math.exp(-m)))) : margins);
  return {
    x, y, lineX,
    line: shown(marginsByRound(model.trees, 0, lineX)),
    atSamples: shown(marginsByRound(model.trees, 0, x)),
    g: model.rounds.map((r) => r.gradients!),
    h: model.rounds.map((r) => r.hessians!),
    loss: model.rounds.map((r) => r.loss),
    leaves: model.rounds.map((r) => r.leaves),
  };
}
