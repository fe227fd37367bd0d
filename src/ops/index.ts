/** The public ops: thin functions over the primitives, plus composites. */
export {
  add, sub, mul, div, pow, maximum, minimum, atan2, mulNoNan, equal, less, greater,
  neg, exp, log, log1p, expm1, sqrt, reciprocal, abs, sign, sin, cos, tan, asin, acos, atan,
  sinh, cosh, tanh, erf, sigmoid, softplus, relu, where, cast, stopGradient,
} from "./primitives/elementwise.js";
export { sum, max, min } from "./primitives/reduce.js";
export { reshape, transpose, broadcastTo, slice, concat, gather } from "./primitives/shape.js";
export {
  square, leakyRelu, gelu, silu, clip, mean, prod, logsumexp, variance, norm, softmax, logSoftmax,
  squeeze, expandDims, stack, matmul, dot, outer,
} from "./composite.js";
export type { GeluOptions, VarianceOptions } from "./composite.js";
export { config } from "./config.js";
export type { Config } from "./config.js";
export { lgamma, digamma, lbeta } from "./special.js";
