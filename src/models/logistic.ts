/**
 * Logistic regression, binary and multinomial, scikit-learn's objective C·Σᵢ loss(xᵢ, yᵢ) +
 * ½‖W‖² (or the bare loss with `penalty: "none"`), intercepts unpenalised. The objective is
 * written once with nabla ops; nb.minimize takes its gradient and Hessian from nabla's
 * autodiff: Newton-CG by default (Newton steps solved by conjugate gradients on exact
 * Hessian-vector products, never forming the Hessian), or Newton with the dense Hessian (the
 * same steps as IRLS), or L-BFGS.
 */
import { type TensorLike, tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, logsumexp, matmul, mul, reshape, slice, softmax, softplus, square, sub, sum, sigmoid } from "../ops/index.js";
import { minimize } from "../optim/minimize/index.js";
import type { IterationRecord } from "../optim/minimize/types.js";
import type { EstimatorState, StateJson, StateReader } from "./serialize.js";
import { type Labels, accuracy, encodeLabels, matrixTensor, notFitted, positive, positiveInteger, readFeatures, readMatrix, readTargets, type Estimator } from "./base.js";
import { argmaxLastAxis } from "../nn/metrics.js";

/** Options of LogisticRegression (scikit-learn's names and defaults). */
export interface LogisticRegressionOptions {
  /** Inverse penalty strength: the objective is C·Σloss + ½‖W‖² (default 1). */
  C?: number;
  /** "l2" (default) or "none" (the bare log-loss, which has no minimiser on separable data). */
  penalty?: "l2" | "none";
  /** "newton-cg" (default: Newton steps by conjugate gradients on nabla's Hessian-vector products), "newton" (the dense Hessian, IRLS's steps) or "lbfgs". */
  solver?: "newton" | "lbfgs" | "newton-cg";
  /** Stop when ‖∇‖∞ of the objective ≤ tol (default 1e-4). */
  tol?: number;
  /** Most iterations (default 100 for Newton, 1000 otherwise). */
  maxIter?: number;
}

/** The fitted optimisation: what the solver did. */
export interface LogisticFitInfo {
  solver: string;
  iterations: number;
  /** ‖∇‖₂ of the objective at the solution. */
  gradNorm: number;
  objective: number;
  converged: boolean;
  history: IterationRecord[];
}

/** Logits X·Wᵀ + b for parameters packed as [W (k×d) row-major, b (k)]. */
function logits(theta: Tensor, x: Tensor, k: number, d: number): Tensor {
  const w = reshape(slice(theta, [0], [k * d]), [k, d]);
  const b = slice(theta, [k * d], [k]);
  return add(matmul(x, w.transpose()), b);
}

/**
 * Binary (one logit, log(1 + e^z) − y·z) or multinomial (softmax cross-entropy) logistic
 * regression.
 * @example
 * const x = nb.tensor([[0], [1], [2], [3]]);
 * const m = new nb.models.LogisticRegression({ C: 10 }).fit(x, [0, 0, 1, 1]);
 * m.predict([[0.2], [2.8]]).toArray(); // => [0, 1]
 * m.predictProba([[1.5]]).values()[1]!.toFixed(6); // => "0.500000"
 */
export class LogisticRegression implements Estimator {
  readonly options: LogisticRegressionOptions;
  /** [1, features] for two classes, [classes, features] for more (scikit-learn's shapes). */
  coef!: Tensor;
  /** [1] or [classes]; in the multinomial case centred to sum 0 (only differences are determined). */
  intercept!: Tensor;
  classes!: number[];
  info!: LogisticFitInfo;

  constructor(options: LogisticRegressionOptions = {}) {
    this.options = options;
  }

  fit(x: TensorLike, y: TensorLike): this {
    const m = readMatrix(x, "LogisticRegression.fit");
    const labels = encodeLabels(readTargets(y, m.rows, "LogisticRegression.fit"), "LogisticRegression.fit");
    const o = this.options;
    const c = positive(o.C ?? 1, "C", "LogisticRegression");
    const penalty = o.penalty ?? "l2";
    if (penalty !== "l2" && penalty !== "none") throw new NablaError(`LogisticRegression: penalty must be "l2" or "none", got "${String(penalty)}"`);
    const k = labels.classes.length === 2 ? 1 : labels.classes.length;
    const d = m.cols;
    const solver = o.solver ?? "newton-cg";
    if (!["newton", "lbfgs", "newton-cg"].includes(solver)) throw new NablaError(`LogisticRegression: solver must be "newton", "lbfgs" or "newton-cg", got "${solver}"`);
    const objective = this.objective(matrixTensor(m), labels, k, d, penalty === "l2" ? c : 1, penalty === "l2");
    const result = minimize(objective, tensor(new Float64Array(k * (d + 1))), {
      // L-BFGS: stop on f's relative decrease only near rounding (64ε, scikit-learn's setting), not at L-BFGS-B's 2.2e-9.
      method: solver, ftol: 64 * Number.EPSILON, tol: positive(o.tol ?? 1e-4, "tol", "LogisticRegression"),
      maxIter: positiveInteger(o.maxIter ?? (solver === "newton" ? 100 : 1000), "maxIter", "LogisticRegression"), quiet: true,
    });
    const theta = result.x.values();
    this.coef = tensor(theta.slice(0, k * d), { shape: [k, d] });
    let b = Array.from(theta.slice(k * d));
    if (k > 1) { const mean = b.reduce((s, v) => s + v, 0) / k; b = b.map((v) => v - mean); }
    this.intercept = tensor(b);
    this.classes = labels.classes;
    const grad = result.grad.values();
    this.info = {
      solver, iterations: result.nit, gradNorm: Math.hypot(...grad), objective: result.fun, converged: result.success, history: result.history,
    };
    return this;
  }

  /** θ ↦ C·Σloss + ½‖W‖² as a nabla function (the intercepts are the last k entries of θ). */
  private objective(x: Tensor, labels: Labels, k: number, d: number, c: number, penalised: boolean): (theta: Tensor) => Tensor {
    const n = labels.index.length;
    const target = k === 1
      ? tensor(Float64Array.from(labels.index))
      : tensor(Float64Array.from({ length: n * k }, (_, t) => (labels.index[Math.floor(t / k)] === t % k ? 1 : 0)), { shape: [n, k] });
    return (theta) => {
      const z = logits(theta, x, k, d);
      const loss = k === 1
        ? sum(sub(softplus(reshape(z, [n])), mul(target, reshape(z, [n]))))
        : sub(sum(logsumexp(z, 1)), sum(mul(target, z)));
      return penalised ? add(mul(c, loss), mul(0.5, sum(square(slice(theta, [0], [k * d]))))) : loss;
    };
  }

  /** The options and fitted state, for model files (nb.models.saveModel); the history is not kept. */
  toState(): EstimatorState {
    if (!this.classes) notFitted("LogisticRegression.toState");
    const { solver, iterations, gradNorm, objective, converged } = this.info;
    return { options: { ...this.options } as { [key: string]: StateJson }, fitted: { coef: this.coef, intercept: this.intercept, classes: this.classes, solver, iterations, gradNorm, objective, converged } };
  }

  /** Rebuilds a fitted estimator from a model file's checked fields. */
  static fromState(r: StateReader): LogisticRegression {
    const m = new LogisticRegression(r.options<LogisticRegressionOptions>(["C", "penalty", "solver", "tol", "maxIter"]));
    m.classes = r.numbers("classes", -1);
    if (m.classes.length < 2 || new Set(m.classes).size !== m.classes.length) r.fail("fitted.classes must hold at least two distinct labels");
    const k = m.classes.length === 2 ? 1 : m.classes.length;
    m.coef = r.tensor("coef", [k, -1]);
    m.intercept = r.tensor("intercept", [k]);
    m.info = {
      solver: r.choice("solver", ["newton", "lbfgs", "newton-cg"]), iterations: r.integer("iterations", 0), gradNorm: r.number("gradNorm"),
      objective: r.number("objective"), converged: r.boolean("converged"), history: [],
    };
    return m;
  }

  /** Class probabilities, [samples, classes]. */
  predictProba(x: TensorLike): Tensor {
    const classes = this.classes ?? notFitted("LogisticRegression.predictProba");
    const d = this.coef.shape[1]!;
    const z = add(matmul(matrixTensor(readFeatures(x, d, "LogisticRegression.predictProba")), this.coef.transpose()), this.intercept);
    if (classes.length > 2) return softmax(z, 1);
    const p1 = sigmoid(z);
    return tensor(Array.from(p1.values(), (p) => [1 - p, p]));
  }

  predict(x: TensorLike): Tensor {
    return tensor(Array.from(argmaxLastAxis(this.predictProba(x)), (j) => this.classes[j]!));
  }

  /** Mean accuracy. */
  score(x: TensorLike, y: TensorLike): number {
    const prediction = this.predict(x).values();
    return accuracy(readTargets(y, prediction.length, "LogisticRegression.score"), prediction);
  }
}
