/**
 * `nabla fit <model>`: fits one of nb.models on a bundled dataset or a CSV file (features
 * standardised on the training part), scores it on a held-out split, and reports the calculus
 * the fit used: iterations, gradient norms, KKT residuals, duality gap, likelihood curves.
 */
import * as nb from "../../index.js";
import { type Command, type CommandInput, UsageError, numberOption, stringOption, writeNewFile } from "../command.js";
import { DATA_OPTION, OVERWRITE_OPTION, SPLIT_OPTIONS, TARGET_OPTION, type Task, fractionOption, integerOption, loadData } from "../training.js";

type Value = number | string | boolean | number[] | Record<string, unknown> | Value[];
type Options = Record<string, number | string | boolean>;

export interface FitResult {
  model: string;
  data: string;
  task: Task;
  options: Options;
  trainSamples: number;
  testSamples: number;
  /** Held-out scores (accuracy; r2 and rmse; mean log-likelihood; explained variance). */
  test: Record<string, number>;
  train: Record<string, number>;
  /** What the solver did: iterations, gradient norms, KKT residuals, gaps, curves. */
  calculus: Record<string, Value>;
  seconds: number;
  /** The model file written with --save. */
  saved?: string;
}

interface Split { xTrain: nb.Tensor; yTrain: nb.Tensor; xTest: nb.Tensor; yTest: nb.Tensor }

/** One model the command knows: its option names, how to build and fit it, and what to report. */
interface ModelEntry {
  options: string[];
  supervised: boolean;
  fit(options: Options, s: Split, task: Task): { model: unknown; calculus: Record<string, Value> };
}

function rms(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! ** 2;
  return Math.sqrt(s / values.length);
}

const MODELS: Record<string, ModelEntry> = {
  linear: {
    options: ["fitIntercept"], supervised: true,
    fit: (o, s) => {
      const m = new nb.models.LinearRegression(o).fit(s.xTrain, s.yTrain);
      // ∇ of ‖y − Xw − b‖² at the fitted (w, b), by nabla: 0 up to rounding at the least-squares solution.
      const g = nb.grad((w: nb.Tensor) => nb.sum(nb.square(nb.sub(s.yTrain, nb.add(nb.matmul(s.xTrain, w), m.intercept)))))(m.coef);
      return { model: m, calculus: { method: "least squares by nb.linalg.lstsq (QR)", rank: m.rank, gradNorm: nb.norm(g).item() } };
    },
  },
  ridge: {
    options: ["alpha", "fitIntercept"], supervised: true,
    fit: (o, s) => {
      const m = new nb.models.Ridge(o).fit(s.xTrain, s.yTrain);
      const alpha = m.options.alpha ?? 1;
      const g = nb.grad((w: nb.Tensor) => nb.add(nb.sum(nb.square(nb.sub(s.yTrain, nb.add(nb.matmul(s.xTrain, w), m.intercept)))), nb.mul(alpha, nb.sum(nb.square(w)))))(m.coef);
      return { model: m, calculus: { method: "normal equations by nb.linalg Cholesky", gradNorm: nb.norm(g).item() } };
    },
  },
  lasso: {
    options: ["alpha", "tol", "maxIter", "fitIntercept"], supervised: true,
    fit: (o, s) => {
      const m = new nb.models.Lasso(o).fit(s.xTrain, s.yTrain);
      return { model: m, calculus: { method: "coordinate descent", iterations: m.nIter, dualityGap: m.dualityGap, zeros: Array.from(m.coef.values()).filter((v) => v === 0).length } };
    },
  },
  "elastic-net": {
    options: ["alpha", "l1Ratio", "tol", "maxIter", "fitIntercept"], supervised: true,
    fit: (o, s) => {
      const m = new nb.models.ElasticNet(o).fit(s.xTrain, s.yTrain);
      return { model: m, calculus: { method: "coordinate descent", iterations: m.nIter, dualityGap: m.dualityGap, zeros: Array.from(m.coef.values()).filter((v) => v === 0).length } };
    },
  },
  logistic: {
    options: ["C", "penalty", "solver", "tol", "maxIter"], supervised: true,
    fit: (o, s) => {
      const m = new nb.models.LogisticRegression(o as nb.models.LogisticRegressionOptions).fit(s.xTrain, s.yTrain);
      const { history, ...info } = m.info;
      return { model: m, calculus: { ...info, objectiveCurve: history.map((h) => h.f) } };
    },
  },
  svc: {
    options: ["C", "kernel", "gamma", "degree", "coef0", "tol", "maxIter"], supervised: true,
    fit: (o, s) => {
      const m = new nb.models.SVC(o as nb.models.SVCOptions).fit(s.xTrain, s.yTrain);
      return { model: m, calculus: { method: "SMO, second-order working-set selection", iterations: m.nIter, supportVectors: m.supportIndices.length, intercept: m.intercept, kkt: { ...m.kkt() } } };
    },
  },
  boosting: {
    options: ["objective", "nEstimators", "maxDepth", "learningRate", "lambda", "gamma", "minChildWeight", "baseScore", "treeMethod", "maxBin"], supervised: true,
    fit: (o, s, task) => {
      const classes = new Set(s.yTrain.values()).size;
      const objective = o.objective ?? (task === "regression" ? "squared" : classes === 2 ? "logistic" : "softmax");
      const m = new nb.models.GradientBoosting({ ...o, objective } as nb.models.GradientBoostingOptions).fit(s.xTrain, s.yTrain);
      const last = m.rounds.at(-1)!;
      return {
        model: m, calculus: {
          objective: String(objective), rounds: m.rounds.length, lossCurve: m.rounds.map((r) => r.loss), gradNormCurve: m.rounds.map((r) => r.gradNorm),
          finalGradNorm: last.gradNorm, hessianSum: last.hessianSum, nonPositiveHessians: m.rounds.reduce((a, r) => a + r.nonPositiveHessians, 0), leaves: last.leaves,
        },
      };
    },
  },
  gmm: {
    options: ["nComponents", "regCovar", "tol", "maxIter", "seed"], supervised: false,
    fit: (o, s) => {
      const m = new nb.models.GaussianMixture(o).fit(s.xTrain);
      return { model: m, calculus: { method: "EM", iterations: m.nIter, converged: m.converged, logLikelihoodCurve: m.logLikelihood } };
    },
  },
  gp: {
    options: ["kernel", "lengthscale", "variance", "nu", "noise", "optimize", "restarts", "seed"], supervised: true,
    fit: (o, s) => {
      const { kernel, lengthscale, variance, nu, optimize, ...rest } = o;
      const m = new nb.models.GaussianProcessRegressor({
        ...rest, optimize: optimize !== false,
        kernel: { type: (kernel ?? "rbf") as "rbf" | "matern", ...(lengthscale === undefined ? {} : { lengthscale: Number(lengthscale) }), ...(variance === undefined ? {} : { variance: Number(variance) }), ...(nu === undefined ? {} : { nu: Number(nu) as 1.5 }) },
      } as nb.models.GaussianProcessOptions).fit(s.xTrain, s.yTrain);
      return {
        model: m, calculus: {
          logMarginalLikelihood: m.logMarginalLikelihood(), theta: m.theta, gradient: m.info.gradient, startLml: m.info.starts, iterations: m.info.iterations,
          lengthscale: m.kernel.lengthscale, variance: m.kernel.variance, noise: m.noise,
        },
      };
    },
  },
  pca: {
    options: ["nComponents"], supervised: false,
    fit: (o, s) => {
      const m = new nb.models.PCA(o).fit(s.xTrain);
      return { model: m, calculus: { method: "SVD by nb.linalg.svd", explainedVariance: Array.from(m.explainedVariance.values()), explainedVarianceRatio: Array.from(m.explainedVarianceRatio.values()) } };
    },
  },
};

const BOOLEAN_OPTIONS = new Set(["fitIntercept", "optimize"]);

/** `--set C=1,kernel=rbf`: true/false for switches, words, or numbers; names checked against the model's. */
function setOption(input: CommandInput, allowed: readonly string[], model: string): Options {
  const text = stringOption(input, "set");
  const out: Options = {};
  if (text === undefined) return out;
  for (const pair of text.split(",")) {
    const match = /^\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.+?)\s*$/.exec(pair);
    if (!match) throw new UsageError(`--set: expected name=value pairs such as C=1,kernel=rbf, got "${pair}"`);
    const name = match[1]!;
    const value = match[2]!;
    if (!allowed.includes(name)) throw new UsageError(`--set: ${model} has no option "${name}" (options: ${allowed.join(", ")})`);
    if (BOOLEAN_OPTIONS.has(name)) {
      if (value !== "true" && value !== "false") throw new UsageError(`--set ${name}: expected true or false, got "${value}"`);
      out[name] = value === "true";
    } else {
      out[name] = /^[A-Za-z]/.test(value) && !/^[+-]?(inf|infinity)$/i.test(value) ? value : numberOption(value, `--set ${name}`);
    }
  }
  return out;
}

function scoresOf(entry: string, model: unknown, x: nb.Tensor, y: nb.Tensor, task: Task): Record<string, number> {
  if (model instanceof nb.models.GaussianMixture) return { meanLogLikelihood: model.score(x) };
  if (model instanceof nb.models.PCA) {
    const back = model.inverseTransform(model.transform(x));
    return { reconstructionRmse: rms(nb.sub(back, x).values()), explainedVarianceRatio: nb.sum(model.explainedVarianceRatio).item() };
  }
  const m = model as { predict(x: nb.Tensor): nb.Tensor; score(x: nb.Tensor, y: nb.Tensor): number };
  if (task === "classification" && entry !== "linear" && entry !== "ridge" && entry !== "lasso" && entry !== "elastic-net" && entry !== "gp") return { accuracy: m.score(x, y) };
  return { r2: m.score(x, y), rmse: rms(nb.sub(m.predict(x), y).values()) };
}

export const fit: Command<FitResult> = {
  name: "fit",
  describe: "fit a classical model (nb.models) on a dataset, score it on a held-out split, show its calculus",
  usage: `<${Object.keys(MODELS).join("|")}> --data <name|file.csv> [--set name=value,...] [--json]`,
  examples: [
    "nabla fit svc --data breast-cancer --set kernel=rbf,C=1,tol=1e-8",
    "nabla fit lasso --data diabetes --set alpha=0.5",
    "nabla fit boosting --data wine --set nEstimators=30,maxDepth=3 --json",
    "nabla fit gmm --data iris --set nComponents=3",
  ],
  options: [
    DATA_OPTION, TARGET_OPTION,
    { name: "set", type: "string", placeholder: "C=1,kernel=rbf", description: "the estimator's options (nb.models names), comma-separated" },
    ...SPLIT_OPTIONS,
    { name: "save", type: "string", placeholder: "model.json", description: "write the fitted estimator (nb.models.loadModel reads it; it takes standardised features, whose mean and scale are in its metadata)" },
    OVERWRITE_OPTION,
    { name: "quiet", type: "boolean", description: "no progress output" },
  ],
  run(input) {
    const name = input.args[0];
    const entry = name === undefined ? undefined : MODELS[name];
    if (!entry || input.args.length !== 1) throw new UsageError(`expected one model: ${Object.keys(MODELS).join(", ")}${name && !entry ? `; got "${name}"` : ""}`);
    const options = setOption(input, entry.options, name!);
    const { name: data, dataset, task } = loadData(input);
    const seed = integerOption(input, "seed", 0, 0);
    const split = nb.data.trainTestSplit(dataset.x, dataset.y, { testSize: fractionOption(input, "test-size", 0.2), seed, stratify: task === "classification" });
    const scaler = nb.data.standardize(split.xTrain);
    const s: Split = { xTrain: scaler.transform(split.xTrain), yTrain: split.yTrain, xTest: scaler.transform(split.xTest), yTest: split.yTest };
    const start = Date.now();
    const { model, calculus } = entry.fit(options, s, task);
    const seconds = (Date.now() - start) / 1000;
    const result: FitResult = {
      model: name!, data, task, options, trainSamples: s.xTrain.shape[0]!, testSamples: s.xTest.shape[0]!,
      test: scoresOf(name!, model, s.xTest, s.yTest, task), train: scoresOf(name!, model, s.xTrain, s.yTrain, task), calculus, seconds,
    };
    const save = stringOption(input, "save");
    if (save !== undefined) {
      const metadata = { data, task, featureNames: dataset.featureNames, standardize: { mean: Array.from(scaler.mean.values()), scale: Array.from(scaler.scale.values()) } };
      writeNewFile(save, nb.models.modelToJson(model as nb.models.SavedEstimator, metadata), Boolean(input.options.overwrite), "--save");
      result.saved = save;
    }
    return result;
  },
  render(r) {
    const fmt = (scores: Record<string, number>) => Object.entries(scores).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(", ");
    const show = (v: Value): string => {
      if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(6);
      if (Array.isArray(v)) return v.length > 8 ? `[${v.slice(0, 3).map(show).join(", ")}, …, ${v.slice(-3).map(show).join(", ")}] (${v.length})` : `[${v.map(show).join(", ")}]`;
      if (typeof v === "object") return Object.entries(v).map(([k, x]) => `${k} ${show(x as Value)}`).join(", ");
      return String(v);
    };
    return [
      `fitted ${r.model} on ${r.data} (${r.task}; features standardised): ${r.trainSamples} training, ${r.testSamples} test samples, ${r.seconds.toFixed(2)} s`,
      `test: ${fmt(r.test)}`,
      `train: ${fmt(r.train)}`,
      ...Object.entries(r.calculus).map(([k, v]) => `  ${k}: ${show(v)}`),
      ...(r.saved ? [`saved the model to ${r.saved}`] : []),
    ].join("\n");
  },
};
