/**
 * The numeric layer's public surface, exported as `nb.numeric`: finite-difference
 * derivatives, gradients, Hessians and Jacobian-vector products, and a small symmetric
 * eigensolver.
 * @module
 */
export { derivative, grad, hessian, jvp } from "./diff.js";
export type { DiffOptions, DifferenceMethod, JvpOptions, ScalarResult } from "./diff.js";
export { oneSidedDerivatives } from "./one-sided.js";
export type { OneSidedDerivatives } from "./one-sided.js";
export { symmetricEigen } from "./linalg/eigh.js";
export type { SymmetricEigen } from "./linalg/eigh.js";
export { classifyCurvature } from "./curvature.js";
export type { Curvature, CurvatureOptions } from "./curvature.js";
