/**
 * Principal component analysis by the SVD of the centred data (nb.linalg.svd), scikit-learn's
 * conventions: explained variance sᵢ²/(n − 1), its ratio to the total variance, components as
 * rows, and sklearn's sign rule (each column of U has its largest-magnitude entry positive),
 * so components compare one to one.
 */
import { type TensorLike, tensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { add, matmul, mean, sub, transpose } from "../ops/index.js";
import { svd } from "../ops/linalg/index.js";
import type { EstimatorState, StateReader } from "./serialize.js";
import { matrixTensor, notFitted, positiveInteger, readFeatures, readMatrix } from "./base.js";

/** Options of PCA. */
export interface PCAOptions {
  /** Components kept (default min(samples, features)). */
  nComponents?: number;
  /** Accepted so that every estimator takes tol and maxIter (API contract); the SVD here runs to machine precision, so it is unused. */
  tol?: number;
  maxIter?: number;
}

/**
 * PCA: the directions of largest variance.
 * @example
 * const p = new nb.models.PCA({ nComponents: 1 }).fit([[1, 1], [2, 2], [3, 3]]);
 * p.explainedVarianceRatio.toArray(); // => [1]
 * p.explainedVariance.values()[0]!.toFixed(10); // => "2.0000000000"
 */
export class PCA {
  readonly options: PCAOptions;
  /** [nComponents, features], orthonormal rows. */
  components!: Tensor;
  explainedVariance!: Tensor;
  explainedVarianceRatio!: Tensor;
  singularValues!: Tensor;
  /** The training mean, [features]. */
  mean!: Tensor;

  constructor(options: PCAOptions = {}) {
    this.options = options;
  }

  fit(x: TensorLike): this {
    const m = readMatrix(x, "PCA.fit");
    if (m.rows < 2) throw new NablaError("PCA.fit: needs at least 2 samples");
    const limit = Math.min(m.rows, m.cols);
    const k = positiveInteger(this.options.nComponents ?? limit, "nComponents", "PCA");
    if (k > limit) throw new NablaError(`PCA: nComponents ${k} exceeds min(samples, features) = ${limit}`);
    const xt = matrixTensor(m);
    this.mean = mean(xt, 0);
    const { u, s, vt } = svd(sub(xt, this.mean));
    const sv = s.values();
    const r = sv.length;
    const uv = u.values();
    const vv = vt.values();
    const rows: number[] = [];
    for (let c = 0; c < k; c++) {
      let best = 0;
      for (let i = 1; i < m.rows; i++) if (Math.abs(uv[i * r + c]!) > Math.abs(uv[best * r + c]!)) best = i;
      const sign = uv[best * r + c]! < 0 ? -1 : 1;
      for (let j = 0; j < m.cols; j++) rows.push(sign * vv[c * m.cols + j]!);
    }
    const variance = Array.from(sv, (v) => (v * v) / (m.rows - 1));
    const total = variance.reduce((a, v) => a + v, 0);
    this.components = tensor(rows, { shape: [k, m.cols] });
    this.explainedVariance = tensor(variance.slice(0, k));
    this.explainedVarianceRatio = tensor(variance.slice(0, k).map((v) => v / total));
    this.singularValues = tensor(Array.from(sv.slice(0, k)));
    return this;
  }

  /** The options and fitted state, for model files (nb.models.saveModel). */
  toState(): EstimatorState {
    if (!this.components) notFitted("PCA.toState");
    return {
      options: { ...this.options }, fitted: {
        components: this.components, explainedVariance: this.explainedVariance, explainedVarianceRatio: this.explainedVarianceRatio, singularValues: this.singularValues, mean: this.mean,
      },
    };
  }

  /** Rebuilds a fitted estimator from a model file's checked fields. */
  static fromState(r: StateReader): PCA {
    const p = new PCA(r.options<PCAOptions>(["nComponents", "tol", "maxIter"]));
    p.mean = r.tensor("mean", [-1]);
    p.components = r.tensor("components", [-1, p.mean.shape[0]!]);
    const k = p.components.shape[0]!;
    p.explainedVariance = r.tensor("explainedVariance", [k]);
    p.explainedVarianceRatio = r.tensor("explainedVarianceRatio", [k]);
    p.singularValues = r.tensor("singularValues", [k]);
    return p;
  }

  /** Coordinates of X in the components, [samples, nComponents]. */
  transform(x: TensorLike): Tensor {
    if (!this.components) notFitted("PCA.transform");
    return matmul(sub(matrixTensor(readFeatures(x, this.mean.shape[0]!, "PCA.transform")), this.mean), transpose(this.components));
  }

  /** Back from component coordinates to the feature space. */
  inverseTransform(z: TensorLike): Tensor {
    if (!this.components) notFitted("PCA.inverseTransform");
    return add(matmul(tensor(z), this.components), this.mean);
  }
}
