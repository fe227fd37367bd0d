/**
 * Saving and loading nb.models estimators (format "nabla-estimator", version 1; the rules of
 * serialize.ts). The table below is the only place a type name meets its class.
 */
import { NablaError } from "../tensor/errors.js";
import { ElasticNet } from "./elastic-net.js";
import { GaussianMixture } from "./gaussian-mixture.js";
import { GaussianProcessRegressor } from "./gaussian-process.js";
import { GradientBoosting } from "./gradient-boosting.js";
import { Lasso } from "./lasso.js";
import { LinearRegression } from "./linear.js";
import { LogisticRegression } from "./logistic.js";
import { PCA } from "./pca.js";
import { Ridge } from "./ridge.js";
import { SVC } from "./svc.js";
import { type StateJson, type StateReader, estimatorToJson, readEstimatorFile, readEstimatorText, writeEstimatorFile } from "./serialize.js";

/** Every estimator a model file can hold. */
export type SavedEstimator = LinearRegression | Ridge | Lasso | ElasticNet | LogisticRegression | SVC | GaussianMixture | GaussianProcessRegressor | GradientBoosting | PCA;

// Lasso before ElasticNet: a Lasso is also an ElasticNet.
const TYPES: [string, new (...args: never[]) => SavedEstimator, (r: StateReader) => SavedEstimator][] = [
  ["LinearRegression", LinearRegression, LinearRegression.fromState], ["Ridge", Ridge, Ridge.fromState],
  ["Lasso", Lasso, Lasso.fromState], ["ElasticNet", ElasticNet, ElasticNet.fromState],
  ["LogisticRegression", LogisticRegression, LogisticRegression.fromState], ["SVC", SVC, SVC.fromState],
  ["GaussianMixture", GaussianMixture, GaussianMixture.fromState], ["GaussianProcessRegressor", GaussianProcessRegressor, GaussianProcessRegressor.fromState],
  ["GradientBoosting", GradientBoosting, GradientBoosting.fromState], ["PCA", PCA, PCA.fromState],
];

function typeOf(estimator: SavedEstimator): string {
  const entry = TYPES.find(([, cls]) => estimator instanceof cls);
  if (!entry) throw new NablaError("modelToJson: not an nb.models estimator");
  return entry[0];
}

/**
 * A fitted estimator as the JSON text of a model file.
 * @example
 * const m = new nb.models.Ridge({ alpha: 1 }).fit([[0], [1], [2]], [1, 3, 5]);
 * const copy = nb.models.modelFromJson(nb.models.modelToJson(m)) as nb.models.Ridge;
 * copy.predict([[3]]).toArray(); // => m.predict([[3]]).toArray()
 */
export function modelToJson(estimator: SavedEstimator, metadata?: { [key: string]: StateJson }): string {
  return estimatorToJson(typeOf(estimator), estimator, metadata);
}

/**
 * Rebuilds an estimator from a model file's text, checking every field; `source` names the file in errors.
 * @example
 * let message = "";
 * try { nb.models.modelFromJson('{"format": "nabla-estimator", "version": 1, "type": "Forest"}'); } catch (e) { message = (e as Error).message; }
 * message.startsWith('model file: "type" must be one of LinearRegression'); // => true
 */
export function modelFromJson(text: string, source = "model file"): SavedEstimator {
  return readEstimatorFile(text, source, Object.fromEntries(TYPES.map(([name, , restore]) => [name, restore]))).estimator;
}

/**
 * Writes a fitted estimator to a model file (Node only); an existing file is replaced only with `overwrite: true`.
 * @example
 * typeof nb.models.saveModel; // => "function"
 */
export function saveModel(estimator: SavedEstimator, path: string, options: { overwrite?: boolean; metadata?: { [key: string]: StateJson } } = {}): void {
  writeEstimatorFile(path, modelToJson(estimator, options.metadata), options.overwrite ?? false);
}

/**
 * Reads a model file written by saveModel (Node only).
 * @example
 * typeof nb.models.loadModel; // => "function"
 */
export function loadModel(path: string): SavedEstimator {
  return modelFromJson(readEstimatorText(path), path);
}
