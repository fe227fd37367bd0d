/**
 * The named optimizers, each a chain of transforms (optax's aliases): a scaling, optional
 * weight decay, then the learning rate. Defaults are PyTorch's unless the paper says otherwise.
 */
import type { PyTree } from "../autodiff/pytree.js";
import { type LearningRate, type Transform, chain } from "./base.js";
import {
  type AdamOptions, addDecayedWeights, scaleByAdadelta, scaleByAdagrad, scaleByAdam, scaleByAdamax,
  fusedAdamStep, scaleByLearningRate, scaleByLion, scaleByNadam, scaleByRms, traceMomentum,
} from "./transforms.js";

/** The state of a named optimizer: one entry per transform of its chain. */
export type OptimizerState = PyTree[];

/**
 * Stochastic gradient descent, θ ← θ − lr·g, with optional heavy-ball or Nesterov momentum
 * (see `traceMomentum`).
 * @example
 * const opt = nb.optim.sgd({ lr: 0.1, momentum: 0.9 });
 * let params = { w: 1 };
 * let state = opt.init(params);
 * ({ params, state } = opt.step(params, { w: 2 }, state));
 * params; // => { w: 0.8 }
 * ({ params, state } = opt.step(params, { w: 2 }, state));
 * params; // => { w: 0.8 - 0.1 * (0.9 * 2 + 2) }
 */
export function sgd(options: { lr: LearningRate; momentum?: number; nesterov?: boolean }): Transform<OptimizerState> {
  const { lr, momentum = 0, nesterov = false } = options;
  return momentum === 0 && !nesterov ? chain(scaleByLearningRate(lr)) : chain(traceMomentum(momentum, nesterov), scaleByLearningRate(lr));
}

/**
 * Adagrad (see `scaleByAdagrad`); lr 0.01.
 * @example
 * const opt = nb.optim.adagrad({ lr: 1, eps: 0 });
 * opt.step([1], [4], opt.init([1])).params; // => [0]
 */
export function adagrad(options: { lr?: LearningRate; eps?: number; initialAccumulator?: number } = {}): Transform<OptimizerState> {
  return chain(scaleByAdagrad(options), scaleByLearningRate(options.lr ?? 1e-2));
}

/**
 * RMSprop (see `scaleByRms`); lr 0.01, decay 0.99, ε 1e-8, optionally centered.
 * @example
 * const opt = nb.optim.rmsprop({ lr: 0.1, decay: 0.75, eps: 0 });
 * opt.step([1], [2], opt.init([1])).params; // => [1 - 0.1 * 2 / Math.sqrt(0.25 * 4)]
 */
export function rmsprop(options: { lr?: LearningRate; decay?: number; eps?: number; centered?: boolean } = {}): Transform<OptimizerState> {
  return chain(scaleByRms(options), scaleByLearningRate(options.lr ?? 1e-2));
}

/**
 * Adam (see `scaleByAdam`); lr 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-8; `amsgrad` for AMSGrad.
 * @example
 * const opt = nb.optim.adam({ lr: 0.1 });
 * const { params } = opt.step({ w: 1 }, { w: 3 }, opt.init({ w: 1 }));
 * Math.abs(params.w - 0.9) < 1e-8; // => true
 */
export function adam(options: AdamOptions & { lr?: LearningRate; amsgrad?: boolean } = {}): Transform<OptimizerState> {
  const lr = options.lr ?? 1e-3;
  const chained = chain(scaleByAdam(options), scaleByLearningRate(lr));
  if (options.amsgrad) return chained;
  return { ...chained, step: fusedAdamStep(options, lr, undefined) };
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019, Algorithm 2):
 * θ ← θ − lr·(m̂/(√v̂ + ε) + λθ), the paper's η_t·(α·… + λθ) with η_t = lr and α = 1, as in
 * PyTorch and optax; λ (`weightDecay`) 0.01.
 * @example
 * const opt = nb.optim.adamw({ lr: 0.1, weightDecay: 0.5, eps: 0 });
 * opt.step([2], [3], opt.init([2])).params; // => [2 - 0.1 * (1 + 0.5 * 2)]
 */
export function adamw(options: AdamOptions & { lr?: LearningRate; weightDecay?: number } = {}): Transform<OptimizerState> {
  const lr = options.lr ?? 1e-3;
  const weightDecay = options.weightDecay ?? 1e-2;
  const chained = chain(scaleByAdam(options), addDecayedWeights(weightDecay), scaleByLearningRate(lr));
  return { ...chained, step: fusedAdamStep(options, lr, weightDecay) };
}

/**
 * Nadam (see `scaleByNadam`); lr 2e-3.
 * @example
 * const opt = nb.optim.nadam({ lr: 0.1, eps: 0 });
 * opt.step([1], [2], opt.init([1])).params; // => [1 - 0.1 * (0.9 * 0.2 / (1 - 0.81) + 0.1 * 2 / 0.1) / 2]
 */
export function nadam(options: AdamOptions & { lr?: LearningRate } = {}): Transform<OptimizerState> {
  return chain(scaleByNadam(options), scaleByLearningRate(options.lr ?? 2e-3));
}

/**
 * AdaMax (see `scaleByAdamax`); lr 2e-3.
 * @example
 * const opt = nb.optim.adamax({ lr: 0.5, eps: 0 });
 * opt.step([1], [-4], opt.init([1])).params; // => [1.5]
 */
export function adamax(options: AdamOptions & { lr?: LearningRate } = {}): Transform<OptimizerState> {
  return chain(scaleByAdamax(options), scaleByLearningRate(options.lr ?? 2e-3));
}

/**
 * Adadelta (see `scaleByAdadelta`); the paper has no learning rate (lr 1), ρ 0.95, ε 1e-6.
 * @example
 * const opt = nb.optim.adadelta({ rho: 0.5 });
 * opt.step([0], [2], opt.init([0])).params; // => [-(Math.sqrt(1e-6) / Math.sqrt(2 + 1e-6)) * 2]
 */
export function adadelta(options: { lr?: LearningRate; rho?: number; eps?: number } = {}): Transform<OptimizerState> {
  return chain(scaleByAdadelta(options), scaleByLearningRate(options.lr ?? 1));
}

/**
 * Lion (Chen et al. 2023, Algorithm 2): θ ← θ − lr·(sign(β₁m + (1−β₁)g) + λθ); lr 1e-4,
 * β₁ 0.9, β₂ 0.99, weight decay λ 0.
 * @example
 * const opt = nb.optim.lion({ lr: 0.1 });
 * opt.step([1, 1], [5, -0.01], opt.init([1, 1])).params; // => [0.9, 1.1]
 */
export function lion(options: { lr?: LearningRate; b1?: number; b2?: number; weightDecay?: number } = {}): Transform<OptimizerState> {
  return chain(scaleByLion(options), addDecayedWeights(options.weightDecay ?? 0), scaleByLearningRate(options.lr ?? 1e-4));
}
