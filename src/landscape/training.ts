/**
 * curvatureMonitor: a `nb.nn.fit` callback that follows the loss landscape during training.
 * After each epoch it measures, on a fixed subset of the data, the Hessian's largest
 * eigenvalue λmax (Lanczos), its trace (Hutchinson) and the gradient norm, and compares λmax
 * with 2/η: gradient descent with step η is stable on a quadratic only while λmax < 2/η,
 * and full-batch training tends to drive λmax up to that edge and hover there (the edge of
 * stability, Cohen et al. 2021), after a phase of progressive sharpening.
 */
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Module, Params } from "../nn/module.js";
import type { EpochLog, FitCallback } from "../nn/fit.js";
import { alignTargets, resolveLoss } from "../nn/fit.js";
import type { Loss, LossName } from "../nn/losses.js";
import { takeRows } from "../data/prepare.js";
import { flatEigs } from "./eigs.js";
import { FlatFunction, norm } from "./flat.js";
import { hessianTrace } from "./trace.js";

/** Options of curvatureMonitor. */
export interface CurvatureMonitorOptions {
  /** The data the curvature is measured on (its first `samples` rows are used). */
  data: { x: Tensor; y: Tensor };
  /** The training loss, by name or as a function (output, targets) → scalar. */
  loss: LossName | Loss;
  /** The learning rate η, for the edge of stability 2/η (leave out to skip that comparison). */
  lr?: number;
  /** Rows of `data` used (default 256). */
  samples?: number;
  /** Measure every this many epochs (default 1). */
  every?: number;
  /** Hutchinson probes for the trace (default 10; 0 skips the trace). */
  traceSamples?: number;
  /** Epochs over which a loss change under 0.1% counts as a plateau (default 3). */
  patience?: number;
  seed?: number;
}

/** One measurement. */
export interface CurvatureRecord {
  epoch: number;
  loss: number;
  lambdaMax: number;
  /** λmax·η/2: 1 is the edge of stability (absent without lr). */
  edgeRatio?: number;
  trace?: number;
  traceStderr?: number;
  gradNorm: number;
}

/** The callback with what it has measured so far. */
export interface CurvatureMonitor extends FitCallback {
  history: CurvatureRecord[];
  /** Distinct warnings, in order: edge of stability, progressive sharpening, plateaus. */
  warnings: string[];
}

function warningsFor(history: readonly CurvatureRecord[], lr: number | undefined, patience: number): string[] {
  const now = history.at(-1)!;
  const found: string[] = [];
  if (lr !== undefined && now.lambdaMax >= 2 / lr) {
    found.push(`edge of stability: λmax = ${now.lambdaMax.toPrecision(3)} ≥ 2/η = ${(2 / lr).toPrecision(3)} at epoch ${now.epoch}; expect the loss to oscillate, or lower the learning rate`);
  }
  const first = history[0]!;
  if (history.length > 1 && now.lambdaMax > 2 * Math.max(first.lambdaMax, 0) && first.lambdaMax > 0) {
    found.push(`sharpening: λmax rose from ${first.lambdaMax.toPrecision(3)} (epoch ${first.epoch}) to ${now.lambdaMax.toPrecision(3)} (epoch ${now.epoch})`);
  }
  const past = history.at(-1 - patience);
  if (past && Math.abs(past.loss - now.loss) <= 1e-3 * Math.max(Math.abs(past.loss), 1e-12)) {
    found.push(`plateau: the loss changed by under 0.1% from epoch ${past.epoch} to ${now.epoch} (‖∇L‖ = ${now.gradNorm.toPrecision(3)})`);
  }
  return found;
}

/**
 * A fit callback that records λmax, the Hessian's trace and the gradient norm after every
 * epoch, on a fixed subset of the data, and warns at the edge of stability (λmax ≥ 2/η),
 * on progressive sharpening (λmax doubled) and on plateaus.
 * @example
 * const x = nb.randn([32, 2], { seed: 1 });
 * const y = nb.sum(x, 1);
 * const monitor = nb.landscape.curvatureMonitor({ data: { x, y }, loss: "mse", lr: 0.05 });
 * nb.nn.fit(new nb.nn.Linear(2, 1), { x, y }, { loss: "mse", optimizer: nb.optim.sgd({ lr: 0.05 }), epochs: 2, quiet: true, callbacks: [monitor] });
 * // A linear model's MSE has Hessian (2/n)·XᵀX (for the weights) beside the bias: λmax > 0, fixed.
 * monitor.history.length === 2 && monitor.history[0]!.lambdaMax > 0; // => true
 */
export function curvatureMonitor(options: CurvatureMonitorOptions): CurvatureMonitor {
  const { data, lr, samples = 256, every = 1, traceSamples = 10, patience = 3, seed = 0 } = options;
  if (lr !== undefined && !(lr > 0)) throw new NablaError(`curvatureMonitor: lr must be positive, got ${lr}`);
  if (!Number.isInteger(every) || every < 1) throw new NablaError(`curvatureMonitor: every must be a positive integer, got ${every}`);
  const loss = resolveLoss(options.loss);
  const rows = Array.from({ length: Math.min(samples, data.x.shape[0]!) }, (_, i) => i);
  const [x, y] = [takeRows(data.x, rows), takeRows(data.y, rows)];
  const monitor: CurvatureMonitor = {
    history: [],
    warnings: [],
    onEpochEnd(log: EpochLog, model: Module) {
      if (log.epoch % every !== 0) return;
      const objective = (p: Params) => {
        const out = model.withParams(p).forward(x);
        return loss(out, alignTargets(out, y));
      };
      const params = model.parameters();
      const fn = new FlatFunction(objective, params, "curvatureMonitor");
      const point = fn.layout.flatten(params, "curvatureMonitor");
      const [value, g] = fn.valueAndGrad(point);
      const lambdaMax = flatEigs(fn, point, { k: 1, tol: 1e-4, maxIter: 40, seed }).eigenvalues[0]!;
      const trace = traceSamples > 0 ? hessianTrace(objective, params, { samples: traceSamples, seed }) : undefined;
      monitor.history.push({
        epoch: log.epoch, loss: value, lambdaMax, gradNorm: norm(g),
        ...(lr === undefined ? {} : { edgeRatio: (lambdaMax * lr) / 2 }),
        ...(trace ? { trace: trace.trace, traceStderr: trace.stderr } : {}),
      });
      for (const w of warningsFor(monitor.history, lr, patience)) {
        const kind = w.slice(0, w.indexOf(":"));
        if (!monitor.warnings.some((seen) => seen.startsWith(kind))) monitor.warnings.push(w);
      }
    },
  };
  return monitor;
}
