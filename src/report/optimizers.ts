/**
 * Table 2 of the survey as an experiment: every optimiser on a fixed suite — Rosenbrock, an
 * ill-conditioned quadratic, a saddle, logistic regression and the digits MLP — with
 * iterations, evaluations, final loss and time, and a convergence plot per problem.
 */
import * as nb from "../index.js";
import type { Plot, ReportOptions, Row, Table } from "./types.js";
import { digitsTask, finite, timed } from "./util.js";

/** The minimize methods the table runs (all of them). */
export const METHODS: readonly nb.Method[] = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton", "bfgs", "lbfgs", "newton-cg", "trust-ncg", "nelder-mead"];

/** A problem of the suite: an objective of a vector, a start and the best value known. */
interface Problem {
  name: string;
  f: (x: nb.Tensor) => nb.Tensor;
  x0: number[];
  fmin: number;
}

/** The saddle x² − y² + y⁴/4: a strict saddle at the origin, minima f = −1 at (0, ±√2). */
export function saddleObjective(v: nb.Tensor): nb.Tensor {
  const x = v.slice([0], [1]);
  const y = v.slice([1], [1]);
  return nb.sum(nb.add(nb.sub(nb.square(x), nb.square(y)), nb.div(nb.pow(y, 4), 4)));
}

/** Mean logistic loss on standardised breast-cancer data plus ½·10⁻³‖w‖² (so a minimiser exists). */
function logisticProblem(): Problem {
  const data = nb.data.load("breast-cancer");
  const x = nb.data.standardize(data.x).transform(data.x);
  const xb = nb.concat([x, nb.ones([x.shape[0]!, 1])], 1);
  const y = data.y;
  const f = (w: nb.Tensor) => {
    const z = nb.matmul(xb, w);
    return nb.add(nb.nn.binaryCrossEntropyWithLogits(z, y), nb.mul(5e-4, nb.sum(nb.square(w))));
  };
  // The optimum by Newton's method to gradient 1e-12, as the reference value.
  const best = nb.minimize(f, nb.zeros([31]), { method: "newton", tol: 1e-12, quiet: true });
  return { name: "logistic regression (breast cancer, 31 weights)", f, x0: new Array<number>(31).fill(0), fmin: best.fun };
}

function suite(): Problem[] {
  const rosen = nb.testFunctions.rosenbrock;
  const ill = nb.testFunctions.illConditionedQuadratic;
  return [
    { name: "Rosenbrock", f: rosen.f, x0: [...rosen.x0], fmin: 0 },
    { name: "ill-conditioned quadratic (κ = 10⁶, n = 10)", f: ill.f, x0: [...ill.x0], fmin: 0 },
    { name: "saddle x² − y² + y⁴/4 from (1, 10⁻³)", f: saddleObjective, x0: [1, 1e-3], fmin: -1 },
    logisticProblem(),
  ];
}

function runMethod(problem: Problem, method: nb.Method, maxIter: number): { row: Row; curve: number[] } {
  const { value: r, timeMs } = timed(() => nb.minimize(problem.f, problem.x0, { method, maxIter, quiet: true }));
  const gap = r.fun - problem.fmin;
  const row: Row = {
    problem: problem.name, method, iterations: r.nit, evaluations: r.nfev + r.ngev + (r.nhev ?? 0),
    finalLoss: finite(r.fun), gap: finite(gap), success: r.success && Math.abs(gap) <= 1e-6 * Math.max(1, Math.abs(problem.fmin)), timeMs,
  };
  if (!Number.isFinite(r.fun)) row.note = "diverged";
  return { row, curve: r.history.map((h) => h.f - problem.fmin) };
}

/** First-order optimisers on the digits MLP (64-32-10, ReLU), through nb.nn.fit. */
function digitsRows(options: ReportOptions): { rows: Row[]; plot: Plot } {
  const { train, test } = digitsTask(options.seed);
  const epochs = options.quick ? 3 : 20;
  const optimizers: [string, nb.optim.Transform][] = [
    ["sgd", nb.optim.sgd({ lr: 0.05 })], ["momentum", nb.optim.sgd({ lr: 0.05, momentum: 0.9 })],
    ["nesterov", nb.optim.sgd({ lr: 0.05, momentum: 0.9, nesterov: true })], ["adagrad", nb.optim.adagrad({ lr: 0.05 })],
    ["rmsprop", nb.optim.rmsprop({ lr: 1e-3 })], ["adam", nb.optim.adam({ lr: 1e-3 })], ["adamw", nb.optim.adamw({ lr: 1e-3 })],
    ["nadam", nb.optim.nadam({ lr: 1e-3 })], ["adamax", nb.optim.adamax({ lr: 2e-3 })], ["adadelta", nb.optim.adadelta({ lr: 1 })],
    ["lion", nb.optim.lion({ lr: 1e-4 })],
  ];
  const rows: Row[] = [];
  const series: Plot["series"] = [];
  for (const [name, optimizer] of optimizers) {
    const net = new nb.nn.Sequential(new nb.nn.Linear(64, 32, { seed: options.seed }), new nb.nn.ReLU(), new nb.nn.Linear(32, 10, { seed: options.seed + 1 }));
    const { value: r, timeMs } = timed(() => nb.nn.fit(net, train, { loss: "crossEntropy", optimizer, epochs, batchSize: 32, seed: options.seed, quiet: true, gradientFlow: false }));
    const accuracy = nb.nn.evaluate(r.model, test, { loss: "crossEntropy", metrics: ["accuracy"] }).accuracy!;
    rows.push({ problem: "digits MLP 64-32-10", method: name, iterations: epochs * Math.ceil(train.x.shape[0]! / 32), evaluations: epochs, finalLoss: finite(r.history.at(-1)!.loss), testAccuracy: accuracy, success: accuracy > 0.9, timeMs });
    series.push({ label: name, values: r.history.map((h) => h.loss) });
  }
  return { rows, plot: { title: "digits MLP: training loss per epoch", xLabel: "epoch", yLabel: "loss", logY: true, series } };
}

/** Runs Table 2. */
export function optimizersTable(options: ReportOptions): Table {
  const rows: Row[] = [];
  const plots: Plot[] = [];
  const maxIter = options.quick ? 2000 : 10000;
  for (const problem of suite()) {
    const series: Plot["series"] = [];
    for (const method of METHODS) {
      const { row, curve } = runMethod(problem, method, maxIter);
      rows.push(row);
      series.push({ label: method, values: curve });
    }
    plots.push({ title: `${problem.name}: f − f*`, xLabel: "iteration", yLabel: "f − f*", logY: true, series });
  }
  const digits = digitsRows(options);
  return {
    id: "2", title: "Optimisers on a fixed suite",
    method: `nb.minimize with each method's defaults (at most ${maxIter} iterations) on four problems, and each nb.optim optimiser training the digits MLP with nb.nn.fit (batch 32, ${options.quick ? 3 : 20} epochs). success: within 10⁻⁶ of the best known value (digits: test accuracy above 0.9); evaluations: function, gradient and Hessian-vector evaluations (digits: epochs).`,
    columns: ["problem", "method", "iterations", "evaluations", "finalLoss", "gap", "testAccuracy", "success", "timeMs", "note"],
    rows: [...rows, ...digits.rows],
    plots: [...plots, digits.plot],
    lab: { route: "race", how: "pick a surface (Rosenbrock, the saddle, the ill-conditioned quadratic), tick the optimisers, press Tune for each one's learning rate and watch them race" },
  };
}
