/**
 * Gaussian process regression with a zero prior mean: k(x, x') = σ²·ρ(‖x − x'‖/ℓ) (RBF or
 * Matérn ν ∈ {½, 3⁄2, 5⁄2}) plus `noise` on the diagonal, the same model as scikit-learn's
 * ConstantKernel(σ²)·RBF(ℓ) + WhiteKernel(noise) with normalize_y off.
 *
 * The log marginal likelihood log p(y | X, θ) = −½yᵀK⁻¹y − Σ log Lᵢᵢ − (n/2) log 2π is written
 * with nb.linalg (K = LLᵀ by Cholesky, K⁻¹y by two triangular solves), so its gradient in
 * θ = (log σ², log ℓ, log noise) (sklearn's theta, in its order) is nabla's reverse mode through
 * the Cholesky factorisation. Fitting maximises it by L-BFGS within bounds on θ, from the given
 * hyperparameters and from `restarts` more starts drawn log-uniformly within the bounds.
 */
import { type TensorLike, eye, tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { Random } from "../tensor/random.js";
import { add, div, exp, log, matmul, mul, neg, reshape, slice, sqrt, sum, square, transpose } from "../ops/index.js";
import { choSolve, cholesky, triangularSolve } from "../ops/linalg/index.js";
import { grad, valueAndGrad } from "../autodiff/reverse.js";
import { minimize } from "../optim/minimize/index.js";
import { matrixTensor, nonNegative, notFitted, positive, r2Score, readFeatures, readMatrix, readTargets, type Estimator } from "./base.js";
import { pairwiseSquaredDistances as squaredDistances } from "./kernels.js";
import type { EstimatorState, StateJson, StateReader } from "./serialize.js";

/** The covariance function: RBF exp(−r²/2ℓ²) or Matérn of smoothness nu, scaled by variance. */
export interface GpKernel {
  type: "rbf" | "matern";
  /** ℓ (default 1). */
  lengthscale?: number;
  /** σ² (default 1). */
  variance?: number;
  /** Matérn: ½, 3⁄2 or 5⁄2 (default 1.5). */
  nu?: 0.5 | 1.5 | 2.5;
}

/** Options of GaussianProcessRegressor. */
export interface GaussianProcessOptions {
  /** Default {type: "rbf", lengthscale: 1, variance: 1}. */
  kernel?: GpKernel;
  /** The noise variance added to K's diagonal (default 1). */
  noise?: number;
  /** Fit the hyperparameters by maximising the log marginal likelihood (default true). */
  optimize?: boolean;
  /** Starts beyond the given hyperparameters (default 0, as sklearn's n_restarts_optimizer). */
  restarts?: number;
  /** One [low, high] that bounds σ², ℓ and the noise alike (default [1e-5, 1e5], sklearn's). */
  bounds?: [number, number];
  /** Seed of the restarts (default 0). */
  seed?: number;
  /** L-BFGS: stop when ‖∇‖∞ ≤ tol (default 1e-5). */
  tol?: number;
  /** L-BFGS: most iterations per start (default 200). */
  maxIter?: number;
}

/** What the hyperparameter search did. */
export interface GpFitInfo {
  /** The best log marginal likelihood of each start. */
  starts: number[];
  /** ∂ log p / ∂θ at the fitted θ (0 at an interior optimum). */
  gradient: number[];
  iterations: number;
}

/** The kernel matrix as a function of θ = (log σ², log ℓ, log noise) and constant distances. */
function covariance(type: GpKernel["type"], nu: number, r2: Tensor, diagonal: boolean): (theta: Tensor) => Tensor {
  const r = type === "matern" ? sqrt(r2) : r2;
  return (theta) => {
    const [logVar, logLen, logNoise] = [0, 1, 2].map((i) => reshape(slice(theta, [i], [1]), []));
    const ell = exp(logLen!);
    let k: Tensor;
    if (type === "rbf") k = exp(mul(-0.5, div(r2, square(ell))));
    else if (nu === 0.5) k = exp(neg(div(r, ell)));
    else {
      const s = mul(Math.sqrt(nu === 1.5 ? 3 : 5), div(r, ell));
      const poly = nu === 1.5 ? add(1, s) : add(add(1, s), div(square(s), 3));
      k = mul(poly, exp(neg(s)));
    }
    k = mul(exp(logVar!), k);
    return diagonal ? add(k, mul(exp(logNoise!), eye(r2.shape[0]!))) : k;
  };
}

/**
 * Gaussian process regression with hyperparameters by maximum marginal likelihood.
 * @example
 * const x = nb.tensor([[0], [1], [2]]);
 * const gp = new nb.models.GaussianProcessRegressor({ kernel: { type: "rbf", lengthscale: 1, variance: 1 }, noise: 1e-4, optimize: false }).fit(x, [0, 1, 0]);
 * gp.predict([[1]]).values()[0]!.toFixed(3); // => "1.000"
 */
export class GaussianProcessRegressor implements Estimator {
  readonly options: GaussianProcessOptions;
  /** The fitted kernel (with its fitted hyperparameters). */
  kernel!: Required<GpKernel>;
  noise!: number;
  /** θ = (log σ², log ℓ, log noise). */
  theta!: number[];
  info!: GpFitInfo;
  private fitted?: { x: Tensor; y: Tensor; l: Tensor; alpha: Tensor; lml: (theta: Tensor) => Tensor };

  constructor(options: GaussianProcessOptions = {}) {
    this.options = options;
  }

  fit(x: TensorLike, y: TensorLike): this {
    const m = readMatrix(x, "GaussianProcessRegressor.fit");
    const xt = matrixTensor(m);
    const yt = tensor(readTargets(y, m.rows, "GaussianProcessRegressor.fit"));
    const k = this.options.kernel ?? { type: "rbf" };
    if (k.type !== "rbf" && k.type !== "matern") throw new NablaError(`GaussianProcessRegressor: kernel.type must be "rbf" or "matern", got "${String(k.type)}"`);
    const nu = k.nu ?? 1.5;
    if (![0.5, 1.5, 2.5].includes(nu)) throw new NablaError(`GaussianProcessRegressor: Matérn nu must be 0.5, 1.5 or 2.5, got ${nu}`);
    const start = [
      positive(k.variance ?? 1, "kernel.variance", "GaussianProcessRegressor"), positive(k.lengthscale ?? 1, "kernel.lengthscale", "GaussianProcessRegressor"),
      positive(this.options.noise ?? 1, "noise", "GaussianProcessRegressor"),
    ].map(Math.log);
    const lml = this.marginalLikelihood(xt, yt, k.type, nu);
    const found = this.options.optimize === false ? { theta: start, starts: [], iterations: 0 } : this.search(lml, start);
    this.setPosterior(xt, yt, k.type, nu, found.theta, lml);
    const gradient = grad(lml)(tensor(found.theta));
    this.info = { starts: found.starts, iterations: found.iterations, gradient: Array.from(gradient.values()) };
    return this;
  }

  /** Factors K at θ and keeps what prediction needs. */
  private setPosterior(xt: Tensor, yt: Tensor, type: GpKernel["type"], nu: number, theta: number[], lml: (theta: Tensor) => Tensor): void {
    this.theta = theta;
    this.kernel = { type, variance: Math.exp(theta[0]!), lengthscale: Math.exp(theta[1]!), nu: nu as 0.5 | 1.5 | 2.5 };
    this.noise = Math.exp(theta[2]!);
    const l = cholesky(covariance(type, nu, squaredDistances(xt, xt), true)(tensor(theta)));
    this.fitted = { x: xt, y: yt, l, alpha: choSolve(l, yt), lml };
  }

  /** The options and fitted state (the training data, which a GP's predictions need), for model files. */
  toState(): EstimatorState {
    const f = this.fitted ?? notFitted("GaussianProcessRegressor.toState");
    return {
      options: { ...this.options, kernel: { ...(this.options.kernel ?? { type: "rbf" }) } } as { [key: string]: StateJson },
      fitted: { x: f.x, y: f.y, theta: this.theta, type: this.kernel.type, nu: this.kernel.nu },
    };
  }

  /** Rebuilds a fitted estimator from a model file's checked fields (K must factor). */
  static fromState(r: StateReader): GaussianProcessRegressor {
    const gp = new GaussianProcessRegressor(r.options<GaussianProcessOptions>(["kernel", "noise", "optimize", "restarts", "bounds", "seed", "tol", "maxIter"]));
    const x = r.tensor("x", [-1, -1]);
    const y = r.tensor("y", [x.shape[0]!]);
    const theta = r.numbers("theta", 3);
    const type = r.choice("type", ["rbf", "matern"]);
    const nu = r.number("nu");
    if (![0.5, 1.5, 2.5].includes(nu)) r.fail(`fitted.nu must be 0.5, 1.5 or 2.5, got ${nu}`);
    try {
      gp.setPosterior(x, y, type, nu, theta, gp.marginalLikelihood(x, y, type, nu));
    } catch (e) {
      r.fail(`the kernel matrix at fitted.theta does not factor: ${(e as Error).message}`);
    }
    gp.info = { starts: [], iterations: 0, gradient: Array.from(grad(gp.fitted!.lml)(tensor(theta)).values()) };
    return gp;
  }

  /** θ ↦ log p(y | X, θ), a nabla function. */
  private marginalLikelihood(x: Tensor, y: Tensor, type: GpKernel["type"], nu: number): (theta: Tensor) => Tensor {
    const n = y.size;
    const cov = covariance(type, nu, squaredDistances(x, x), true);
    const identity = eye(n);
    return (theta) => {
      const l = cholesky(cov(theta));
      const z = triangularSolve(l, y, { lower: true });
      const logDiag = sum(log(sum(mul(l, identity), 1)));
      return add(add(mul(-0.5, sum(square(z))), neg(logDiag)), -0.5 * n * Math.log(2 * Math.PI));
    };
  }

  /** L-BFGS on −log p within the bounds, from the start and from `restarts` log-uniform draws. */
  private search(lml: (theta: Tensor) => Tensor, start: number[]): { theta: number[]; starts: number[]; iterations: number } {
    const [low, high] = this.options.bounds ?? [1e-5, 1e5];
    if (!(low > 0 && high > low)) throw new NablaError(`GaussianProcessRegressor: bounds must be [low, high] with 0 < low < high, got [${low}, ${high}]`);
    const restarts = nonNegative(this.options.restarts ?? 0, "restarts", "GaussianProcessRegressor");
    const random = new Random(this.options.seed ?? 0);
    const starts = [start.map((v) => Math.min(Math.log(high), Math.max(Math.log(low), v)))];
    for (let r = 0; r < restarts; r++) starts.push([0, 1, 2].map(() => Math.log(low) + random.uniform() * (Math.log(high) - Math.log(low))));
    let best: { theta: number[]; value: number } = { theta: starts[0]!, value: -Infinity };
    const values: number[] = [];
    let iterations = 0;
    for (const s of starts) {
      let result;
      try {
        result = minimize((t: Tensor) => neg(lml(t)), s, {
          method: "lbfgs", bounds: { lower: Math.log(low), upper: Math.log(high) }, tol: this.options.tol ?? 1e-5, maxIter: this.options.maxIter ?? 200, quiet: true,
        });
      } catch (error) {
        if (error instanceof Error && /not positive definite/.test(error.message)) { values.push(-Infinity); continue; }
        throw error;
      }
      iterations += result.nit;
      values.push(-result.fun);
      if (-result.fun > best.value) best = { theta: result.x, value: -result.fun };
    }
    if (!Number.isFinite(best.value)) throw new NablaError("GaussianProcessRegressor: every start made K singular (not positive definite); raise the noise or its lower bound");
    return { theta: best.theta, starts: values, iterations };
  }

  /** log p(y | X, θ) at θ = (log σ², log ℓ, log noise), by default the fitted one. */
  logMarginalLikelihood(theta?: readonly number[]): number {
    const f = this.fitted ?? notFitted("GaussianProcessRegressor.logMarginalLikelihood");
    return f.lml(tensor((theta ?? this.theta) as number[])).item();
  }

  /** log p(y | X, θ) and its gradient in θ (nabla's reverse mode through the Cholesky factor), by default at the fitted θ. */
  logMarginalLikelihoodGradient(theta?: readonly number[]): { value: number; gradient: number[] } {
    const f = this.fitted ?? notFitted("GaussianProcessRegressor.logMarginalLikelihoodGradient");
    const [value, gradient] = valueAndGrad(f.lml)(tensor((theta ?? this.theta) as number[]));
    return { value: typeof value === "number" ? value : value.item(), gradient: Array.from(gradient.values()) };
  }

  /** The predictive mean and variance of f(x) (add `noise` for a new observation's variance). */
  predictDistribution(x: TensorLike): { mean: Tensor; variance: Tensor } {
    const f = this.fitted ?? notFitted("GaussianProcessRegressor.predictDistribution");
    const xs = matrixTensor(readFeatures(x, f.x.shape[1]!, "GaussianProcessRegressor.predictDistribution"));
    const cross = covariance(this.kernel.type, this.kernel.nu, squaredDistances(xs, f.x), false)(tensor(this.theta));
    const v = triangularSolve(f.l, transpose(cross), { lower: true });
    const variance = add(neg(sum(square(v), 0)), this.kernel.variance);
    return { mean: matmul(cross, f.alpha), variance };
  }

  /** The predictive mean. */
  predict(x: TensorLike): Tensor {
    return this.predictDistribution(x).mean;
  }

  /** R² of the predictive mean. */
  score(x: TensorLike, y: TensorLike): number {
    const prediction = this.predict(x).values();
    return r2Score(readTargets(y, prediction.length, "GaussianProcessRegressor.score"), prediction);
  }
}
