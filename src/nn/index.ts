/**
 * Neural networks (`nb.nn`): modules that hold tensors and expose them as a path-keyed
 * pytree, layers, initialisers, losses, metrics, regularisers, the training loop, the
 * gradient-flow monitor and model files.
 * @module
 */
export { Module, buffers, namedModules, parameterCount, parameters } from "./module.js";
export type { JsonValue, ModuleConfig, Params } from "./module.js";
export {
  Dropout, Embedding, GELU, LeakyReLU, Linear, PositionalEmbedding, ReLU, Residual, Sequential, SiLU, Sigmoid, Softmax,
  Softplus, Tanh, dropout,
} from "./layers.js";
export { withKey } from "./keys.js";
export type { LayerOptions, LinearOptions } from "./layers.js";
export { BatchNorm, LayerNorm, SpectralNorm, Standardize, spectralNormOf } from "./normalization.js";
export type { BatchNormOptions } from "./normalization.js";
export { MultiHeadSelfAttention } from "./attention.js";
export type { AttentionOptions } from "./attention.js";
export { GRU, LSTM, RNN } from "./recurrent.js";
export { GraphConv, normalizedAdjacency } from "./graph.js";
export { forwardCarrying, truncatedStep } from "./bptt.js";
export type { CarriedState } from "./bptt.js";
export { gaussianRing, trainGan } from "./gan.js";
export type { GanOptions, GanResult, GanStep } from "./gan.js";
export type { LSTMState, RNNOptions, RecurrentOptions } from "./recurrent.js";
export { AvgPool1d, AvgPool2d, Conv1d, Conv2d, Flatten, MaxPool1d, MaxPool2d } from "./convolution.js";
export type { ConvOptions, Window } from "./convolution.js";
export { glorotNormal, glorotUniform, heNormal, heUniform, orthogonal, zeros } from "./init.js";
export type { InitOptions, Initializer, InitializerName } from "./init.js";
export {
  binaryCrossEntropyWithLogits, hingeLoss, huberLoss, klDivergence, maeLoss, mseLoss, nllLoss, softmaxCrossEntropy,
} from "./losses.js";
export type { Loss, LossName } from "./losses.js";
export { accuracy, confusionMatrix, meanSquaredError, precisionRecallF1, predictClasses, r2Score } from "./metrics.js";
export type { ClassificationReport } from "./metrics.js";
export { fit, evaluate, trainingStep } from "./fit.js";
export type { Data, EarlyStopping, EpochLog, FitCallback, FitOptions, FitResult, MetricName, StepOptions, StepResult, TrainingStep } from "./fit.js";
export { gradientFlow } from "./gradient-flow.js";
export type { ActivationFlow, FlowSnapshot, FlowThresholds, LayerFlow } from "./gradient-flow.js";
/** Regularisation penalties live with the optimizers; they are listed here too, beside spectral normalisation. */
export { elasticNetPenalty, l1Penalty, l2Penalty } from "../optim/penalties.js";
export { loadModel, modelFromJson, modelToJson, readModelFile, saveModel } from "./serialize.js";
export type { ModelFile, StoredTensor } from "./serialize.js";
export { exportOnnx, onnxBytes } from "./onnx.js";
export type { OnnxExportOptions } from "./onnx.js";
