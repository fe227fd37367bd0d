/**
 * Classical models (`nb.models`) in scikit-learn's shape, trained by calculus: `new
 * nb.models.X(options).fit(X, y)` returns the fitted estimator. See docs/models.md.
 * @module
 */
export { SVC } from "./svc.js";
export type { SVCOptions, SvcKkt } from "./svc.js";
export type { KernelSpec } from "./kernels.js";
export type { Estimator } from "./base.js";
export { ElasticNet } from "./elastic-net.js";
export type { ElasticNetOptions } from "./elastic-net.js";
export { Lasso } from "./lasso.js";
export type { LassoOptions } from "./lasso.js";
export { LogisticRegression } from "./logistic.js";
export type { LogisticFitInfo, LogisticRegressionOptions } from "./logistic.js";
export { GradientBoosting } from "./gradient-boosting.js";
export type { BoostingLoss, BoostingRound, GradientBoostingOptions } from "./gradient-boosting.js";
export type { Tree } from "./tree.js";
export { LinearRegression } from "./linear.js";
export type { LinearRegressionOptions } from "./linear.js";
export { Ridge } from "./ridge.js";
export type { RidgeOptions } from "./ridge.js";
export { PCA } from "./pca.js";
export type { PCAOptions } from "./pca.js";
export { GaussianMixture } from "./gaussian-mixture.js";
export type { GaussianMixtureOptions } from "./gaussian-mixture.js";
export { GaussianProcessRegressor } from "./gaussian-process.js";
export type { GaussianProcessOptions, GpFitInfo, GpKernel } from "./gaussian-process.js";
export { loadModel, modelFromJson, modelToJson, saveModel } from "./files.js";
export type { SavedEstimator } from "./files.js";
export type { EstimatorState, StateJson } from "./serialize.js";
export type { StateReader } from "./serialize.js";
