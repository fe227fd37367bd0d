/**
 * Losses: each takes the model's output and the targets and returns the mean over samples
 * (a rank-0 Tensor). Classification losses take logits and use the stable forms
 * (softplus, log-sum-exp) rather than probabilities. Class labels are integer-valued tensors.
 */
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import {
  abs, add, greater, log, mul, mulNoNan, neg, relu, softplus, sub, where,
} from "../ops/primitives/elementwise.js";
import { sum } from "../ops/primitives/reduce.js";
import { logSoftmax, mean, square } from "../ops/composite.js";
import { oneHotChecked } from "../data/prepare.js";

/** A loss: (model output, targets) → scalar. */
export type Loss = (output: Tensor, target: TensorLike) => Tensor;

function paired(output: Tensor, target: TensorLike, loss: string): Tensor {
  const t = toTensor(target, output.dtype);
  if (!shapesEqual(t.shape, output.shape)) {
    throw new NablaError(`${loss}: outputs ${formatShape(output.shape)} and targets ${formatShape(t.shape)} must have the same shape`);
  }
  return t;
}

/**
 * Mean squared error, mean((output − target)²).
 * @example
 * nb.nn.mseLoss(nb.tensor([1, 2]), [0, 4]).item(); // => 2.5
 */
export function mseLoss(output: Tensor, target: TensorLike): Tensor {
  return mean(square(sub(output, paired(output, target, "mseLoss"))));
}

/**
 * Mean absolute error, mean|output − target| (subgradient 0 at equality).
 * @example
 * nb.nn.maeLoss(nb.tensor([1, 2]), [0, 4]).item(); // => 1.5
 */
export function maeLoss(output: Tensor, target: TensorLike): Tensor {
  return mean(abs(sub(output, paired(output, target, "maeLoss"))));
}

/**
 * Huber loss: ½r² for |r| ≤ δ, else δ(|r| − ½δ), with r = output − target (δ = 1 by
 * default): quadratic near zero, linear in the tails, so outliers pull less.
 * @example
 * nb.nn.huberLoss(nb.tensor([0.5, 3]), [0, 0]).item(); // => (0.125 + 2.5) / 2
 */
export function huberLoss(output: Tensor, target: TensorLike, delta = 1): Tensor {
  const r = abs(sub(output, paired(output, target, "huberLoss")));
  return mean(where(greater(r, delta), mul(delta, sub(r, delta / 2)), mul(0.5, square(r))));
}

/**
 * Binary cross-entropy on logits z with targets y ∈ [0, 1]: mean(softplus(z) − y·z), which
 * equals −y·log σ(z) − (1−y)·log(1−σ(z)) without overflow or log(0).
 * @example
 * nb.nn.binaryCrossEntropyWithLogits(nb.tensor([0]), [1]).item(); // => Math.LN2
 * nb.nn.binaryCrossEntropyWithLogits(nb.tensor([-1000]), [1]).item(); // => 1000
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: TensorLike): Tensor {
  const y = paired(logits, target, "binaryCrossEntropyWithLogits");
  return mean(sub(softplus(logits), mul(y, logits)));
}

/** Targets as probabilities over the last axis of `logits`: one-hot for integer labels (shape = logits' minus the last axis). */
function targetDistribution(logits: Tensor, target: TensorLike, loss: string): Tensor {
  const t = toTensor(target, logits.dtype);
  if (shapesEqual(t.shape, logits.shape)) return t;
  const classes = logits.shape[logits.ndim - 1]!;
  if (!shapesEqual(t.shape, logits.shape.slice(0, -1))) {
    throw new NablaError(
      `${loss}: targets ${formatShape(t.shape)} must be class labels of shape ${formatShape(logits.shape.slice(0, -1))} ` +
        `or probabilities of shape ${formatShape(logits.shape)}`,
    );
  }
  return oneHotChecked(t, classes, loss);
}

/**
 * Softmax cross-entropy on logits [..., classes]: −Σ q·logSoftmax(logits) averaged over
 * samples, with log-sum-exp for stability. Targets are integer labels [...] or probabilities
 * [..., classes]. `labelSmoothing` ε mixes the targets with the uniform distribution:
 * q = (1 − ε)·target + ε/classes (Szegedy et al. 2016).
 * @example
 * nb.nn.softmaxCrossEntropy(nb.tensor([[0, 0]]), [1]).item(); // => Math.LN2
 * nb.nn.softmaxCrossEntropy(nb.tensor([[1000, 0]]), [0]).item(); // => 0
 * nb.nn.softmaxCrossEntropy(nb.tensor([[1000, 0]]), [0], { labelSmoothing: 0.2 }).item(); // => 0.1 * 1000
 */
export function softmaxCrossEntropy(logits: Tensor, target: TensorLike, options: { labelSmoothing?: number } = {}): Tensor {
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new NablaError(`softmaxCrossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  let q = targetDistribution(logits, target, "softmaxCrossEntropy");
  if (eps > 0) q = add(mul(1 - eps, q), eps / logits.shape[logits.ndim - 1]!);
  // mulNoNan: a class of target probability 0 adds nothing even where log p = −∞.
  return neg(mean(sum(mulNoNan(q, logSoftmax(logits, -1)), -1)));
}

/**
 * Negative log-likelihood of log-probabilities [..., classes] (e.g. a LogSoftmax output)
 * and integer labels [...]: −mean(logp[label]).
 * @example
 * nb.nn.nllLoss(nb.log(nb.tensor([[0.25, 0.75]])), [1]).item(); // => -Math.log(0.75)
 */
export function nllLoss(logProbabilities: Tensor, labels: TensorLike): Tensor {
  const q = targetDistribution(logProbabilities, labels, "nllLoss");
  return neg(mean(sum(mulNoNan(q, logProbabilities), -1)));
}

/**
 * Hinge loss of scores s and labels y ∈ {−1, +1}: mean(max(0, 1 − y·s)) (the SVM loss).
 * @example
 * nb.nn.hingeLoss(nb.tensor([2, 0.5, -1]), [1, 1, 1]).item(); // => (0 + 0.5 + 2) / 3
 */
export function hingeLoss(scores: Tensor, labels: TensorLike): Tensor {
  const y = paired(scores, labels, "hingeLoss");
  const bad = Array.from(y.values()).findIndex((v) => v !== 1 && v !== -1);
  if (bad >= 0) throw new NablaError(`hingeLoss: labels must be −1 or +1; position ${bad} holds ${y.values()[bad]}`);
  return mean(relu(sub(1, mul(y, scores))));
}

/**
 * Kullback–Leibler divergence KL(target ‖ prediction) = Σ t·(log t − log p) over the last
 * axis, averaged over samples, from the prediction's log-probabilities (optax's and
 * PyTorch's convention); terms with t = 0 are 0.
 * @example
 * nb.nn.klDivergence(nb.log(nb.tensor([[0.5, 0.5]])), [[0.5, 0.5]]).item(); // => 0
 * nb.nn.klDivergence(nb.log(nb.tensor([[0.5, 0.5]])), [[1, 0]]).item(); // => Math.LN2
 */
export function klDivergence(logPredictions: Tensor, target: TensorLike): Tensor {
  const t = paired(logPredictions, target, "klDivergence");
  const safeT = where(greater(t, 0), t, 1);
  return mean(sum(mulNoNan(t, sub(log(safeT), logPredictions)), -1));
}

/** The losses `fit` accepts by name. */
export const lossesByName = {
  mse: mseLoss,
  mae: maeLoss,
  huber: huberLoss,
  crossEntropy: softmaxCrossEntropy,
  binaryCrossEntropy: binaryCrossEntropyWithLogits,
  nll: nllLoss,
  hinge: hingeLoss,
  kl: klDivergence,
} satisfies Record<string, Loss>;

/** A loss `fit` knows by name. */
export type LossName = keyof typeof lossesByName;
