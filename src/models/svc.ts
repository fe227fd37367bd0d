/**
 * The support vector classifier, solved in the dual as libsvm (and so scikit-learn's SVC)
 * solves it: minimise ½αᵀQα − 1ᵀα subject to yᵀα = 0 and 0 ≤ α ≤ C, with Q = (yyᵀ)∘K, by
 * sequential minimal optimisation. Each step picks the pair (i, j) by second-order working-set
 * selection (Fan, Chen and Lin, JMLR 2005): i maximally violates the KKT conditions, j gives
 * the largest decrease of the dual along the feasible direction, measured with the curvature
 * K_ii + K_jj − 2K_ij. It stops when the maximal violating pair's gap m(α) − M(α) ≤ tol, as
 * libsvm does. No shrinking: the kernel matrix is kept whole, so fits are for data sets of up
 * to some ten thousand samples.
 */
import type { TensorLike } from "../tensor/create.js";
import { tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { gather } from "../ops/index.js";
import { type Matrix, accuracy, encodeLabels, finite, matrixTensor, notFitted, positive, positiveInteger, readFeatures, readMatrix, readTargets, type Estimator } from "./base.js";
import { type KernelSpec, kernelMatrix } from "./kernels.js";
import type { EstimatorState, StateJson, StateReader } from "./serialize.js";

/** Options of SVC (scikit-learn's names and defaults). */
export interface SVCOptions {
  /** Penalty on margin violations, the upper bound of every multiplier (default 1). */
  C?: number;
  /** Default "rbf". */
  kernel?: "linear" | "rbf" | "poly";
  /** RBF and poly: γ, or "scale" = 1/(d·Var X) (the default) or "auto" = 1/d. */
  gamma?: number | "scale" | "auto";
  /** poly: the degree (default 3). */
  degree?: number;
  /** poly: the constant term (default 0). */
  coef0?: number;
  /** Stop when the maximal violating pair's gap is at most tol (default 1e-3). */
  tol?: number;
  /** Most SMO steps (default 10⁷, libsvm's). */
  maxIter?: number;
}

/**
 * The KKT conditions of the soft-margin problem at the fitted multipliers, with margins
 * mᵢ = yᵢ f(xᵢ) (labels ±1): αᵢ = 0 needs mᵢ ≥ 1, 0 < αᵢ < C needs mᵢ = 1, αᵢ = C needs mᵢ ≤ 1.
 */
export interface SvcKkt {
  /** Largest violation of stationarity: the projected gradient of the dual, max over samples. */
  stationarity: number;
  /** Largest of αᵢ·|mᵢ − 1 + ξᵢ| and (C − αᵢ)·ξᵢ, with slacks ξᵢ = max(0, 1 − mᵢ). */
  complementarySlackness: number;
  /** Largest violation of 0 ≤ αᵢ ≤ C. */
  box: number;
  /** |yᵀα|, the dual's equality constraint. */
  equality: number;
  /** Primal objective ½‖w‖² + CΣξ minus the dual objective 1ᵀα − ½αᵀQα (≥ 0, 0 at the optimum). */
  dualityGap: number;
  /** m(α) − M(α), the gap of the maximal violating pair that SMO drives below tol. */
  maxViolation: number;
}

/** What the SMO solver returns. */
interface SmoResult {
  alpha: Float64Array;
  /** The dual gradient Qα − 1. */
  gradient: Float64Array;
  rho: number;
  iterations: number;
  maxViolation: number;
}

const TAU = 1e-12;

/** Labels ±1: the dual's bounds, in libsvm's terms. */
function isUpper(a: number, c: number): boolean {
  return a >= c;
}

/** The working set (i, j) by second-order selection, or null when the violation is below tol. */
function selectPair(q: Float64Array, diag: Float64Array, y: Int8Array, alpha: Float64Array, g: Float64Array, c: number, tol: number): { i: number; j: number; violation: number } {
  const n = y.length;
  let gMax = -Infinity;
  let i = -1;
  for (let t = 0; t < n; t++) {
    const v = -y[t]! * g[t]!;
    const free = y[t] === 1 ? !isUpper(alpha[t]!, c) : alpha[t]! > 0;
    if (free && v >= gMax) { gMax = v; i = t; }
  }
  let gMax2 = -Infinity;
  let j = -1;
  let best = Infinity;
  for (let t = 0; t < n; t++) {
    const canMove = y[t] === 1 ? alpha[t]! > 0 : !isUpper(alpha[t]!, c);
    if (!canMove) continue;
    const v = y[t]! * g[t]!;
    if (v >= gMax2) gMax2 = v;
    const gradDiff = gMax + v;
    if (i < 0 || gradDiff <= 0) continue;
    // libsvm's K_ii + K_jj − 2K_ij in both label cases (Q_ij = y_i y_j K_ij).
    const curvature = diag[i]! + diag[t]! - 2 * q[i * n + t]!;
    const decrease = -(gradDiff * gradDiff) / (curvature > 0 ? curvature : TAU);
    if (decrease <= best) { best = decrease; j = t; }
  }
  const violation = gMax + gMax2;
  return violation < tol || j < 0 ? { i: -1, j: -1, violation } : { i, j, violation };
}

/** Moves α_i, α_j along the feasible line to the clipped minimiser (libsvm's two cases). */
function updatePair(q: Float64Array, diag: Float64Array, y: Int8Array, alpha: Float64Array, g: Float64Array, c: number, i: number, j: number): void {
  const n = y.length;
  const qij = y[i]! * y[j]! * q[i * n + j]!;
  const oldI = alpha[i]!;
  const oldJ = alpha[j]!;
  let ai = oldI;
  let aj = oldJ;
  if (y[i] !== y[j]) {
    const curvature = Math.max(diag[i]! + diag[j]! + 2 * qij, TAU);
    const delta = (-g[i]! - g[j]!) / curvature;
    const diff = ai - aj;
    ai += delta;
    aj += delta;
    if (diff > 0) { if (aj < 0) { aj = 0; ai = diff; } } else if (ai < 0) { ai = 0; aj = -diff; }
    if (diff > 0) { if (ai > c) { ai = c; aj = c - diff; } } else if (aj > c) { aj = c; ai = c + diff; }
  } else {
    const curvature = Math.max(diag[i]! + diag[j]! - 2 * qij, TAU);
    const delta = (g[i]! - g[j]!) / curvature;
    const total = ai + aj;
    ai -= delta;
    aj += delta;
    if (total > c) { if (ai > c) { ai = c; aj = total - c; } } else if (aj < 0) { aj = 0; ai = total; }
    if (total > c) { if (aj > c) { aj = c; ai = total - c; } } else if (ai < 0) { ai = 0; aj = total; }
  }
  alpha[i] = ai;
  alpha[j] = aj;
  const di = (ai - oldI) * y[i]!;
  const dj = (aj - oldJ) * y[j]!;
  // G_k += Q_ki Δα_i + Q_kj Δα_j with Q_kl = y_k y_l K_kl.
  for (let k = 0; k < n; k++) g[k]! += y[k]! * (q[i * n + k]! * di + q[j * n + k]! * dj);
}

/** ρ (the decision function is Σ yᵢαᵢK(xᵢ, x) − ρ): the mean of yᵢGᵢ over free multipliers, else the middle of the feasible interval. */
function offset(y: Int8Array, alpha: Float64Array, g: Float64Array, c: number): number {
  let upper = Infinity;
  let lower = -Infinity;
  let free = 0;
  let sumFree = 0;
  for (let t = 0; t < y.length; t++) {
    const yg = y[t]! * g[t]!;
    if (isUpper(alpha[t]!, c)) {
      if (y[t] === -1) upper = Math.min(upper, yg); else lower = Math.max(lower, yg);
    } else if (alpha[t]! <= 0) {
      if (y[t] === 1) upper = Math.min(upper, yg); else lower = Math.max(lower, yg);
    } else {
      free++;
      sumFree += yg;
    }
  }
  return free > 0 ? sumFree / free : (upper + lower) / 2;
}

/** SMO on the kernel matrix k (n×n, row-major) with labels ±1. */
function smo(k: Float64Array, y: Int8Array, c: number, tol: number, maxIter: number): SmoResult {
  const n = y.length;
  const diag = Float64Array.from({ length: n }, (_, t) => k[t * n + t]!);
  const alpha = new Float64Array(n);
  const gradient = new Float64Array(n).fill(-1);
  let iterations = 0;
  let maxViolation = Infinity;
  while (iterations < maxIter) {
    const pair = selectPair(k, diag, y, alpha, gradient, c, tol);
    maxViolation = pair.violation;
    if (pair.i < 0) break;
    updatePair(k, diag, y, alpha, gradient, c, pair.i, pair.j);
    iterations++;
  }
  return { alpha, gradient, rho: offset(y, alpha, gradient, c), iterations, maxViolation };
}

function resolveGamma(gamma: SVCOptions["gamma"], x: Matrix): number {
  if (typeof gamma === "number") return positive(gamma, "gamma", "SVC");
  if (gamma === "auto") return 1 / x.cols;
  if (gamma !== undefined && gamma !== "scale") throw new NablaError(`SVC: gamma must be a positive number, "scale" or "auto", got ${String(gamma)}`);
  let mean = 0;
  for (const v of x.data) mean += v;
  mean /= x.data.length;
  let variance = 0;
  for (const v of x.data) variance += (v - mean) ** 2;
  variance /= x.data.length;
  return variance > 0 ? 1 / (x.cols * variance) : 1;
}

/**
 * A binary support vector classifier trained in the dual by SMO.
 * @example
 * const x = nb.tensor([[0, 0], [0, 1], [2, 0], [2, 1]]);
 * const svc = new nb.models.SVC({ kernel: "linear", C: 10, tol: 1e-8 }).fit(x, [0, 0, 1, 1]);
 * svc.predict([[-1, 0], [3, 1]]).toArray(); // => [0, 1]
 * Math.abs(svc.decisionFunction([[1, 0]]).values()[0]!) < 1e-6; // => true
 */
export class SVC implements Estimator {
  readonly options: SVCOptions;
  /** yᵢαᵢ for each support vector (y = +1 for class 1), in the order of supportIndices. */
  dualCoef!: Tensor;
  /** Training rows with αᵢ > 0, ascending. */
  supportIndices!: number[];
  supportVectors!: Tensor;
  /** b in f(x) = Σ yᵢαᵢK(xᵢ, x) + b (libsvm's −ρ). */
  intercept!: number;
  /** The two labels, sorted; decisionFunction > 0 means classes[1]. */
  classes!: number[];
  /** SMO steps taken. */
  nIter!: number;
  /** The training kernel matrix and multipliers that kkt() reads (absent in a model loaded from a file). */
  private fitted?: { kernel: KernelSpec; cols: number; training?: { y: Int8Array; alpha: Float64Array; k: Float64Array; maxViolation: number } };

  constructor(options: SVCOptions = {}) {
    this.options = options;
  }

  fit(x: TensorLike, y: TensorLike): this {
    const m = readMatrix(x, "SVC.fit");
    const labels = encodeLabels(readTargets(y, m.rows, "SVC.fit"), "SVC.fit");
    if (labels.classes.length > 2) throw new NablaError(`SVC.fit: y holds ${labels.classes.length} classes; this SVC is binary (fit one per class pair, or use LogisticRegression)`);
    if (m.rows > 15_000) throw new NablaError(`SVC.fit: ${m.rows} samples; the kernel matrix is kept whole, so at most 15000 (subsample, or use a linear model)`);
    const o = this.options;
    const c = positive(o.C ?? 1, "C", "SVC");
    const tol = positive(o.tol ?? 1e-3, "tol", "SVC");
    const maxIter = positiveInteger(o.maxIter ?? 10_000_000, "maxIter", "SVC");
    const type = o.kernel ?? "rbf";
    if (!["linear", "rbf", "poly"].includes(type)) throw new NablaError(`SVC: kernel must be "linear", "rbf" or "poly", got "${type}"`);
    const kernel: KernelSpec = {
      type, gamma: resolveGamma(o.gamma, m), degree: positiveInteger(o.degree ?? 3, "degree", "SVC"), coef0: finite(o.coef0 ?? 0, "coef0", "SVC"),
    };
    const xt = matrixTensor(m);
    const k = Float64Array.from(kernelMatrix(xt, xt, kernel).values());
    const ySigned = Int8Array.from(labels.index, (v) => (v === 1 ? 1 : -1));
    const result = smo(k, ySigned, c, tol, maxIter);
    const support = [...result.alpha.keys()].filter((t) => result.alpha[t]! > 0);
    this.classes = labels.classes;
    this.supportIndices = support;
    this.dualCoef = tensor(support.map((t) => ySigned[t]! * result.alpha[t]!));
    this.supportVectors = gather(xt, tensor(support), 0);
    this.intercept = -result.rho;
    this.nIter = result.iterations;
    this.fitted = { kernel, cols: m.cols, training: { y: ySigned, alpha: result.alpha, k, maxViolation: result.maxViolation } };
    return this;
  }

  /** The options and fitted state (support vectors, not the training data), for model files. */
  toState(): EstimatorState {
    const f = this.fitted ?? notFitted("SVC.toState");
    return {
      options: { ...this.options } as { [key: string]: StateJson },
      fitted: { ...f.kernel, classes: this.classes, supportIndices: this.supportIndices, dualCoef: this.dualCoef, supportVectors: this.supportVectors, intercept: this.intercept, nIter: this.nIter },
    };
  }

  /** Rebuilds a fitted estimator from a model file's checked fields. */
  static fromState(r: StateReader): SVC {
    const m = new SVC(r.options<SVCOptions>(["C", "kernel", "gamma", "degree", "coef0", "tol", "maxIter"]));
    const kernel: KernelSpec = { type: r.choice("type", ["linear", "rbf", "poly"]), gamma: r.number("gamma"), degree: r.integer("degree", 1), coef0: r.number("coef0") };
    m.classes = r.numbers("classes", 2);
    m.supportVectors = r.tensor("supportVectors", [-1, -1]);
    const [count, cols] = m.supportVectors.shape as [number, number];
    m.dualCoef = r.tensor("dualCoef", [count]);
    m.supportIndices = r.numbers("supportIndices", count, [0, Number.MAX_SAFE_INTEGER]);
    m.intercept = r.number("intercept");
    m.nIter = r.integer("nIter", 0);
    m.fitted = { kernel, cols };
    return m;
  }

  /** f(x) = Σ yᵢαᵢK(xᵢ, x) + b for each row of X. */
  decisionFunction(x: TensorLike): Tensor {
    const f = this.fitted ?? notFitted("SVC.decisionFunction");
    const m = readFeatures(x, f.cols, "SVC.decisionFunction");
    if (this.supportIndices.length === 0) return tensor(new Float64Array(m.rows).fill(this.intercept));
    const k = kernelMatrix(matrixTensor(m), this.supportVectors, f.kernel);
    return k.matmul(this.dualCoef).add(this.intercept);
  }

  predict(x: TensorLike): Tensor {
    const [c0, c1] = this.classes ?? notFitted("SVC.predict");
    return tensor(Array.from(this.decisionFunction(x).values(), (v) => (v > 0 ? c1! : c0!)));
  }

  /** Mean accuracy. */
  score(x: TensorLike, y: TensorLike): number {
    const prediction = this.predict(x).values();
    return accuracy(readTargets(y, prediction.length, "SVC.score"), prediction);
  }

  /** The KKT residuals of the fitted multipliers on the training data. */
  kkt(): SvcKkt {
    const f = this.fitted ?? notFitted("SVC.kkt");
    if (!f.training) throw new NablaError("SVC.kkt: this model was loaded from a file, which keeps the support vectors but not the training data the KKT conditions are checked on");
    const { y, alpha, k, maxViolation } = f.training;
    const n = y.length;
    const c = this.options.C ?? 1;
    let stationarity = 0;
    let slackness = 0;
    let box = 0;
    let equality = 0;
    let quadratic = 0;
    let slackSum = 0;
    let alphaSum = 0;
    for (let t = 0; t < n; t++) {
      let ft = this.intercept;
      for (let s = 0; s < n; s++) if (alpha[s]! > 0) ft += y[s]! * alpha[s]! * k[t * n + s]!;
      quadratic += alpha[t]! * y[t]! * (ft - this.intercept);
      const margin = y[t]! * ft;
      const xi = Math.max(0, 1 - margin);
      const a = alpha[t]!;
      const projected = a <= 0 ? Math.max(0, 1 - margin) : a >= c ? Math.max(0, margin - 1) : Math.abs(margin - 1);
      stationarity = Math.max(stationarity, projected);
      slackness = Math.max(slackness, a * Math.abs(margin - 1 + xi), (c - a) * xi);
      box = Math.max(box, -a, a - c);
      equality += y[t]! * a;
      slackSum += xi;
      alphaSum += a;
    }
    const primal = quadratic / 2 + c * slackSum;
    const dual = alphaSum - quadratic / 2;
    return { stationarity, complementarySlackness: slackness, box: Math.max(box, 0), equality: Math.abs(equality), dualityGap: primal - dual, maxViolation };
  }
}
