/**
 * Table 5 of the survey as an experiment: each landscape challenge — local minima, saddle
 * points, plateaus, ill-conditioning, sharp against flat minima — on a function where it
 * occurs, diagnosed by nb.landscape.classify (gradient norm, Hessian eigenvalues, Morse index) and the remedy the
 * survey names, measured against plain gradient descent.
 */
import * as nb from "../index.js";
import type { Plot, ReportOptions, Row, Table } from "./types.js";
import { saddleObjective } from "./optimizers.js";
import { sig } from "./util.js";

type Objective = (x: nb.Tensor) => nb.Tensor;

/** nb.landscape's verdict at x: the Hessian's eigenvalues (ascending), the kind of point and ‖∇f‖. */
function curvatureAt(f: Objective, x: number[]): { eigenvalues: number[]; kind: string; gradNorm: number } {
  const c = nb.landscape.classify(f, nb.tensor(x));
  return { eigenvalues: c.eigenvalues, kind: c.kind, gradNorm: c.gradNorm };
}

/** Plain gradient steps (optionally through an optax-style transform) from x0; returns the path's values and the end. */
function descend(f: Objective, x0: number[], transform: nb.optim.Transform, steps: number, until = -Infinity): { x: number[]; values: number[]; iterations: number } {
  let x = nb.tensor(x0);
  let state = transform.init(x);
  const values: number[] = [];
  const vg = nb.valueAndGrad(f);
  for (let k = 0; k < steps; k++) {
    const [v, g] = vg(x);
    const value = typeof v === "number" ? v : v.item();
    values.push(value);
    if (value <= until) return { x: [...x.values()], values, iterations: k };
    ({ params: x, state } = transform.step(x, g, state));
  }
  return { x: [...x.values()], values, iterations: steps };
}

/** f(x) = x⁴ − 3x² + x: a local minimum near 1.13 and the global one near −1.30. */
function localMinima(options: ReportOptions): Row {
  const f: Objective = (x) => nb.sum(nb.add(nb.sub(nb.pow(x, 4), nb.mul(3, nb.square(x))), x));
  const starts = Array.from({ length: 20 }, (_, i) => -2 + (4 * (i + 0.5)) / 20);
  const ends = starts.map((s) => descend(f, [s], nb.optim.sgd({ lr: 0.01 }), options.quick ? 400 : 2000).x[0]!);
  const global = Math.min(...ends.map((e) => f(nb.tensor([e])).item()));
  const reached = ends.filter((e) => f(nb.tensor([e])).item() <= global + 1e-6).length;
  const local = curvatureAt(f, [ends.find((e) => e > 0)!]);
  return {
    challenge: "local minima", function: "x⁴ − 3x² + x on [−2, 2]",
    diagnosis: `two minima: f″ > 0 at x = ${sig(ends.find((e) => e > 0)!)} (λ = ${sig(local.eigenvalues[0]!)}) with f = ${sig(f(nb.tensor([ends.find((e) => e > 0)!])).item())} above the global ${sig(global)}`,
    remedy: "restarts from several points",
    baseline: `one start (x = 0.5): ${sig(descend(f, [0.5], nb.optim.sgd({ lr: 0.01 }), 400).values.at(-1)!)}`,
    remedyResult: `${reached} of 20 starts reach the global minimum; the best of them is global`,
    improved: reached < 20 && reached > 0,
  };
}

/** x² − y² + y⁴/4 from (1, 0): gradient descent converges to the strict saddle at the origin. */
function saddles(options: ReportOptions): Row {
  const steps = options.quick ? 500 : 2000;
  const plain = descend(saddleObjective, [1, 0], nb.optim.sgd({ lr: 0.05 }), steps);
  const at = curvatureAt(saddleObjective, plain.x);
  // The remedy: perturbed gradient descent (Jin et al. 2017), a random kick wherever the gradient is small.
  const perturbed = nb.optim.chain(nb.optim.perturbAtSaddles({ radius: 1e-3, threshold: 1e-4, seed: options.seed }), nb.optim.sgd({ lr: 0.05 }));
  const kicked = descend(saddleObjective, [1, 0], perturbed, steps);
  return {
    challenge: "saddle points", function: "x² − y² + y⁴/4 from (1, 0)",
    diagnosis: `stops with ‖∇f‖ = ${sig(at.gradNorm)} at a ${at.kind}: Hessian eigenvalues ${at.eigenvalues.map((v) => sig(v)).join(", ")} (Morse index ${at.eigenvalues.filter((v) => v < 0).length})`,
    remedy: "a small perturbation at the saddle (perturbed gradient descent)",
    baseline: `gradient descent: f = ${sig(plain.values.at(-1)!)}`,
    remedyResult: `perturbed gradient descent (nb.optim.perturbAtSaddles, radius 10⁻³): f = ${sig(kicked.values.at(-1)!)} (the minima have f = −1)`,
    improved: kicked.values.at(-1)! < plain.values.at(-1)! - 0.5,
  };
}

/** (σ(w) − 1)² from w = −8: the gradient and curvature are ~10⁻⁴ though the loss is ~1. */
function plateaus(options: ReportOptions): { row: Row; plot: Plot } {
  const f: Objective = (w) => nb.sum(nb.square(nb.sub(nb.sigmoid(w), 1)));
  const steps = options.quick ? 300 : 1000;
  const at = curvatureAt(f, [-8]);
  const gd = descend(f, [-8], nb.optim.sgd({ lr: 1 }), steps, 0.01);
  const adam = descend(f, [-8], nb.optim.adam({ lr: 0.1 }), steps, 0.01);
  return {
    row: {
      challenge: "plateaus", function: "(σ(w) − 1)² from w = −8",
      diagnosis: `f = ${sig(f(nb.tensor([-8])).item())} far above 0 while ‖∇f‖ = ${sig(at.gradNorm)} and λ = ${sig(at.eigenvalues[0]!)}`,
      remedy: "adaptive steps (Adam)",
      baseline: `gradient descent (lr 1): ${gd.iterations === steps ? `f = ${sig(gd.values.at(-1)!)} after ${steps} steps` : `f < 0.01 after ${gd.iterations} steps`}`,
      remedyResult: `Adam (lr 0.1): ${adam.iterations === steps ? `f = ${sig(adam.values.at(-1)!)} after ${steps} steps` : `f < 0.01 after ${adam.iterations} steps`}`,
      improved: adam.iterations < gd.iterations,
    },
    plot: { title: "plateau: (σ(w) − 1)² from w = −8", xLabel: "step", yLabel: "f", logY: true, series: [{ label: "gradient descent", values: gd.values }, { label: "Adam", values: adam.values }] },
  };
}

/** ½(x² + 100y²): condition number 100; gradient descent zig-zags, momentum does not. */
function illConditioning(): { row: Row; plot: Plot } {
  const f: Objective = (v) => nb.mul(0.5, nb.sum(nb.mul(nb.tensor([1, 100]), nb.square(v))));
  const at = curvatureAt(f, [1, 1]);
  const kappa = at.eigenvalues.at(-1)! / at.eigenvalues[0]!;
  // Step sizes optimal for each method on this quadratic: 2/(L + μ) for GD; Polyak's heavy ball for momentum.
  const gd = descend(f, [1, 1], nb.optim.sgd({ lr: 2 / 101 }), 5000, 1e-10);
  const beta = ((Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1)) ** 2;
  const heavy = descend(f, [1, 1], nb.optim.sgd({ lr: 4 / (Math.sqrt(100) + 1) ** 2, momentum: beta }), 5000, 1e-10);
  const newton = nb.minimize(f, [1, 1], { method: "newton", quiet: true });
  return {
    row: {
      challenge: "ill-conditioning", function: "½(x² + 100y²) from (1, 1)",
      diagnosis: `Hessian eigenvalues ${at.eigenvalues.map((v) => sig(v)).join(", ")}: condition number ${sig(kappa)}`,
      remedy: "momentum (heavy ball); Newton's method",
      baseline: `gradient descent (lr 2/(L+μ)): ${gd.iterations} steps to f < 10⁻¹⁰`,
      remedyResult: `heavy-ball momentum: ${heavy.iterations} steps; Newton: ${newton.nit} step(s)`,
      improved: heavy.iterations < gd.iterations,
    },
    plot: { title: "ill-conditioning: ½(x² + 100y²)", xLabel: "step", yLabel: "f", logY: true, series: [{ label: "gradient descent", values: gd.values }, { label: "heavy ball", values: heavy.values }] },
  };
}

/** −log(e^{−50(x+2)²} + e^{−0.5(x−2)²}): a sharp minimum at −2 and a flat one at 2, of equal depth. */
function sharpVsFlat(options: ReportOptions): Row {
  const f: Objective = (x) => nb.sum(nb.neg(nb.logsumexp(nb.stack([nb.mul(-50, nb.square(nb.add(x, 2))), nb.mul(-0.5, nb.square(nb.sub(x, 2)))]), 0)));
  const sharp = curvatureAt(f, [-2]);
  const flat = curvatureAt(f, [2]);
  const count = options.quick ? 20 : 40;
  const steps = options.quick ? 400 : 600;
  const starts = Array.from({ length: count }, (_, i) => -4 + (8 * (i + 0.5)) / count);
  const inFlat = (step: (x0: number) => number) => starts.filter((s) => step(s) > 0).length;
  const plain = inFlat((s) => descend(f, [s], nb.optim.sgd({ lr: 0.005 }), steps).x[0]!);
  // Sharpness-aware minimisation: the gradient at the worst point within ρ, x + ρ·g/‖g‖ (Foret et al. 2021).
  const rho = 0.5;
  const samObjective: Objective = (x) => {
    const g = nb.stopGradient(nb.grad(f)(x));
    return f(nb.add(x, nb.mul(rho, nb.div(g, nb.add(nb.sqrt(nb.sum(nb.square(g))), 1e-12)))));
  };
  const sam = inFlat((s) => descend(samObjective, [s], nb.optim.sgd({ lr: 0.005 }), steps).x[0]!);
  return {
    challenge: "sharp vs flat minima", function: "−log(e^(−50(x+2)²) + e^(−(x−2)²/2)) on [−4, 4]",
    diagnosis: `two minima of equal depth: f″ = ${sig(sharp.eigenvalues[0]!)} at x = −2 (sharp), ${sig(flat.eigenvalues[0]!)} at x = 2 (flat)`,
    remedy: "sharpness-aware minimisation (SAM, ρ = 0.5)",
    baseline: `gradient descent: ${plain} of ${count} starts end in the flat minimum`,
    remedyResult: `SAM: ${sam} of ${count} starts end in the flat minimum${sam > plain ? "" : " (SAM stalls where x + ρ·g/‖g‖ lands in the sharp well, whose gradient there is 0)"}`,
    improved: sam > plain,
  };
}

/** Runs Table 5. */
export function challengesTable(options: ReportOptions): Table {
  const plateau = plateaus(options);
  const ill = illConditioning();
  return {
    id: "5", title: "Landscape challenges, diagnosed and remedied",
    method: `Each challenge on a function where it occurs: the diagnosis from nb.landscape.classify (gradient norm, Hessian eigenvalues, kind of point), and the survey's remedy measured against plain gradient descent from the same starts.`,
    columns: ["challenge", "function", "diagnosis", "remedy", "baseline", "remedyResult", "improved"],
    rows: [localMinima(options), saddles(options), plateau.row, ill.row, sharpVsFlat(options)],
    plots: [plateau.plot, ill.plot],
    lab: { route: "landscape", how: "type a function to see its critical points by Morse index, and train a network with its largest Hessian eigenvalue against 2/η; the race page replays the saddle and the ill-conditioned valley" },
  };
}
