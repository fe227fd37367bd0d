/**
 * A Gaussian mixture with full covariances fitted by expectation–maximisation, scikit-learn's
 * steps: the E-step takes responsibilities from log N(x | μₖ, Σₖ) + log πₖ (normalised by
 * log-sum-exp, with each log-density through nb.linalg's Cholesky factor), the M-step sets
 * Nₖ = Σᵢ rᵢₖ + 10ε, πₖ = Nₖ/n, μₖ = Σᵢ rᵢₖxᵢ/Nₖ, Σₖ = Σᵢ rᵢₖ(xᵢ − μₖ)(xᵢ − μₖ)ᵀ/Nₖ + regCovar·I.
 * The mean log-likelihood is recorded at every E-step; EM never lets it decrease (it is the
 * likelihood of the parameters the previous M-step produced), and fitting stops when it
 * changes by less than tol.
 */
import { type TensorLike, eye, tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, exp, log, logsumexp, matmul, mean, mul, reshape, slice, square, sub, sum, transpose, concat, expandDims } from "../ops/index.js";
import { cholesky, triangularSolve } from "../ops/linalg/index.js";
import { permutation } from "../data/prepare.js";
import type { EstimatorState, StateReader } from "./serialize.js";
import { matrixTensor, nonNegative, notFitted, positiveInteger, readFeatures, readMatrix } from "./base.js";
import { argmaxLastAxis } from "../nn/metrics.js";

/** Options of GaussianMixture (scikit-learn's names and defaults). */
export interface GaussianMixtureOptions {
  /** Default 1. */
  nComponents?: number;
  /** Initial means [nComponents, features]; otherwise nComponents distinct rows of X chosen with `seed`. */
  meansInit?: TensorLike;
  /** Initial weights (default uniform). */
  weightsInit?: TensorLike;
  /** Added to every covariance's diagonal (default 1e-6). */
  regCovar?: number;
  /** Stop when the mean log-likelihood changes by less than tol (default 1e-3). */
  tol?: number;
  /** Most EM iterations (default 100). */
  maxIter?: number;
  /** Seed of the initial means when meansInit is not given (default 0). */
  seed?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(xᵢ | μₖ, Σₖ) for every sample and component, [n, K]. */
function logDensities(x: Tensor, means: Tensor, covariances: Tensor): Tensor {
  const [k, d] = means.shape as [number, number];
  const columns: Tensor[] = [];
  for (let c = 0; c < k; c++) {
    const l = cholesky(reshape(slice(covariances, [c, 0, 0], [1, d, d]), [d, d]));
    const diff = sub(x, reshape(slice(means, [c, 0], [1, d]), [d]));
    const z = triangularSolve(l, transpose(diff), { lower: true });
    const diag = Array.from(l.values()).filter((_, t) => t % (d + 1) === 0);
    const logDet = 2 * diag.reduce((s, v) => s + Math.log(v), 0);
    columns.push(expandDims(mul(-0.5, add(sum(square(z), 0), d * LOG_2PI + logDet)), 1));
  }
  return concat(columns, 1);
}

/**
 * Gaussian mixture by EM.
 * @example
 * const x = nb.tensor([[0], [0.1], [-0.1], [10], [10.1], [9.9]]);
 * const g = new nb.models.GaussianMixture({ nComponents: 2, meansInit: [[1], [8]] }).fit(x);
 * Array.from(g.means.values(), (m) => m.toFixed(6)); // => ["0.000000", "10.000000"]
 */
export class GaussianMixture {
  readonly options: GaussianMixtureOptions;
  means!: Tensor;
  /** [nComponents, features, features]. */
  covariances!: Tensor;
  weights!: Tensor;
  /** The mean log-likelihood per sample at each E-step (never decreasing). */
  logLikelihood!: number[];
  converged!: boolean;
  nIter!: number;

  constructor(options: GaussianMixtureOptions = {}) {
    this.options = options;
  }

  fit(x: TensorLike): this {
    const m = readMatrix(x, "GaussianMixture.fit");
    const o = this.options;
    const k = positiveInteger(o.nComponents ?? 1, "nComponents", "GaussianMixture");
    if (k > m.rows) throw new NablaError(`GaussianMixture: nComponents ${k} exceeds the ${m.rows} samples`);
    const reg = nonNegative(o.regCovar ?? 1e-6, "regCovar", "GaussianMixture");
    const tol = nonNegative(o.tol ?? 1e-3, "tol", "GaussianMixture");
    const maxIter = positiveInteger(o.maxIter ?? 100, "maxIter", "GaussianMixture");
    const xt = matrixTensor(m);
    this.initialise(xt, k, reg);
    this.logLikelihood = [];
    this.converged = false;
    for (this.nIter = 1; this.nIter <= maxIter; this.nIter++) {
      const { meanLogLikelihood, resp } = this.expectation(xt);
      this.maximisation(xt, resp, reg);
      const previous = this.logLikelihood.at(-1);
      this.logLikelihood.push(meanLogLikelihood);
      if (previous !== undefined && Math.abs(meanLogLikelihood - previous) < tol) { this.converged = true; break; }
    }
    this.nIter = Math.min(this.nIter, maxIter);
    return this;
  }

  private initialise(x: Tensor, k: number, reg: number): void {
    const [n, d] = x.shape as [number, number];
    const o = this.options;
    this.means = o.meansInit !== undefined ? tensor(o.meansInit) : tensor(permutation(n, o.seed ?? 0).slice(0, k).map((i) => Array.from(x.values().slice(i * d, (i + 1) * d))));
    if (this.means.shape[0] !== k || this.means.shape[1] !== d) throw new NablaError(`GaussianMixture: meansInit must be [${k}, ${d}] (nComponents × features), got [${this.means.shape.join(", ")}]`);
    this.weights = o.weightsInit !== undefined ? tensor(o.weightsInit) : tensor(new Array(k).fill(1 / k));
    if (this.weights.size !== k) throw new NablaError(`GaussianMixture: weightsInit must hold ${k} weights, got ${this.weights.size}`);
    // Every component starts from the data's covariance (population), regularised.
    const diff = sub(x, mean(x, 0));
    const cov = add(div(matmul(transpose(diff), diff), n), mul(reg, eye(d)));
    this.covariances = concat(Array.from({ length: k }, () => expandDims(cov, 0)), 0);
  }

  /** Responsibilities and the mean log-likelihood under the current parameters. */
  private expectation(x: Tensor): { meanLogLikelihood: number; resp: Tensor } {
    const weighted = add(logDensities(x, this.means, this.covariances), log(this.weights));
    const norm = logsumexp(weighted, 1, true);
    return { meanLogLikelihood: mean(norm).item(), resp: exp(sub(weighted, norm)) };
  }

  private maximisation(x: Tensor, resp: Tensor, reg: number): void {
    const [n, d] = x.shape as [number, number];
    const k = resp.shape[1]!;
    const nk = add(sum(resp, 0), 10 * Number.EPSILON);
    this.weights = div(nk, n);
    this.means = div(matmul(transpose(resp), x), expandDims(nk, 1));
    const covs: Tensor[] = [];
    for (let c = 0; c < k; c++) {
      const diff = sub(x, reshape(slice(this.means, [c, 0], [1, d]), [d]));
      const r = slice(resp, [0, c], [n, 1]);
      const cov = div(matmul(transpose(mul(r, diff)), diff), slice(nk, [c], [1]));
      covs.push(expandDims(add(cov, mul(reg, eye(d))), 0));
    }
    this.covariances = concat(covs, 0);
  }

  /** The options and fitted state, for model files (nb.models.saveModel). */
  toState(): EstimatorState {
    if (!this.means) notFitted("GaussianMixture.toState");
    const { meansInit, weightsInit, ...options } = this.options;
    return {
      options: { ...options, ...(meansInit === undefined ? {} : { meansInit: tensor(meansInit).toArray() as number[][] }), ...(weightsInit === undefined ? {} : { weightsInit: Array.from(tensor(weightsInit).values()) }) },
      fitted: { means: this.means, covariances: this.covariances, weights: this.weights, logLikelihood: this.logLikelihood, converged: this.converged, nIter: this.nIter },
    };
  }

  /** Rebuilds a fitted estimator from a model file's checked fields (each covariance must be positive definite). */
  static fromState(r: StateReader): GaussianMixture {
    const g = new GaussianMixture(r.options<GaussianMixtureOptions>(["nComponents", "meansInit", "weightsInit", "regCovar", "tol", "maxIter", "seed"]));
    g.means = r.tensor("means", [-1, -1]);
    const [k, d] = g.means.shape as [number, number];
    g.covariances = r.tensor("covariances", [k, d, d]);
    g.weights = r.tensor("weights", [k]);
    if (g.weights.values().some((w) => !(w > 0))) r.fail("fitted.weights must be positive");
    g.logLikelihood = r.numbers("logLikelihood", -1);
    g.converged = r.boolean("converged");
    g.nIter = r.integer("nIter", 0);
    try {
      for (let c = 0; c < k; c++) cholesky(reshape(slice(g.covariances, [c, 0, 0], [1, d, d]), [d, d]));
    } catch (e) {
      r.fail(`fitted.covariances: ${(e as Error).message}`);
    }
    return g;
  }

  /** The mean log-likelihood per sample of X under the fitted mixture. */
  score(x: TensorLike): number {
    if (!this.means) notFitted("GaussianMixture.score");
    return this.expectation(matrixTensor(readFeatures(x, this.means.shape[1]!, "GaussianMixture.score"))).meanLogLikelihood;
  }

  /** Responsibilities p(component | x), [samples, nComponents]. */
  predictProba(x: TensorLike): Tensor {
    if (!this.means) notFitted("GaussianMixture.predictProba");
    return this.expectation(matrixTensor(readFeatures(x, this.means.shape[1]!, "GaussianMixture.predictProba"))).resp;
  }

  /** The most responsible component of each sample. */
  predict(x: TensorLike): Tensor {
    return tensor(argmaxLastAxis(this.predictProba(x)));
  }
}
