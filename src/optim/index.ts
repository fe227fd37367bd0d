/**
 * Optimizers as composable gradient transformations (`nb.optim`), after optax:
 * `const opt = nb.optim.adam({lr: 1e-3}); let state = opt.init(params);`
 * `({params, state} = opt.step(params, grads, state));`
 * @module
 */
export { applyUpdates, chain, transform } from "./base.js";
export type { LearningRate, OptimizerStepOptions, Schedule, Transform } from "./base.js";
export {
  addDecayedWeights, addElasticNet, clip, clipByGlobalNorm, globalNorm, proximalL1, scaleByAdadelta, scaleByAdagrad,
  scaleByAdam, scaleByAdamax, scaleByLearningRate, scaleByLion, scaleByNadam, scaleByRms, traceMomentum,
} from "./transforms.js";
export type { AdadeltaState, AdagradState, AdamOptions, AdamState, CountState, EmptyState, LionState, RmsState, TraceState } from "./transforms.js";
export { adadelta, adagrad, adam, adamax, adamw, lion, nadam, rmsprop, sgd } from "./aliases.js";
export type { OptimizerState } from "./aliases.js";
export { isOptimizerName, optimizer, optimizerNames, optimizers } from "./registry.js";
export type { OptimizerEntry, OptimizerName, OptimizerSettings } from "./registry.js";
export { elasticNetPenalty, l1Penalty, l2Penalty } from "./penalties.js";
export * as schedules from "./schedules.js";
export { sam } from "./sam.js";
export type { SamState } from "./sam.js";
export { addNoise, perturbAtSaddles } from "./noise.js";
export type { NoiseState } from "./noise.js";
