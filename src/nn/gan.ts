/**
 * Generative adversarial networks (Goodfellow et al. 2014) as the two-player game they are:
 * the discriminator D ascends and the generator G descends the same objective
 * V(D, G) = E_x[log D(x)] + E_z[log(1 − D(G(z)))]. Training takes gradient steps for both
 * players, one after the other (alternating) or from the same point (simultaneous), so the
 * calculus of a minimax problem — and its failure modes, such as mode collapse — can be watched.
 */
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { randn, tensor } from "../tensor/create.js";
import { Random } from "../tensor/random.js";
import { add, neg, softplus } from "../ops/primitives/elementwise.js";
import { mean } from "../ops/composite.js";
import { valueAndGrad } from "../autodiff/reverse.js";
import type { PyTree } from "../autodiff/pytree.js";
import { type Transform, applyUpdates } from "../optim/base.js";
import { adam } from "../optim/aliases.js";
import type { Module, Params } from "./module.js";

/** Options of trainGan. */
export interface GanOptions {
  /** Draws a batch of real samples [batchSize, features]; `step` lets it vary per step. */
  sampleReal: (batchSize: number, step: number) => Tensor;
  /** Size of the generator's input noise z ~ N(0, I). */
  noiseDim: number;
  steps: number;
  batchSize?: number;
  /** "alternating" (D steps, then G steps against the updated D; the default) or "simultaneous" (both from the same point). */
  updates?: "alternating" | "simultaneous";
  /** "nonSaturating" (G minimises −log D(G(z)), the default) or "minimax" (G minimises log(1 − D(G(z))), the game's own objective). */
  generatorLoss?: "nonSaturating" | "minimax";
  /** Optimisers for each player (default Adam, lr 1e-3, β₁ = 0.5 as DCGAN uses). */
  generatorOptimizer?: Transform;
  discriminatorOptimizer?: Transform;
  /** Seed of the noise. Default 0. */
  seed?: number;
}

/** One step's record. */
export interface GanStep {
  step: number;
  /** The discriminator's loss −V(D, G) on the batch (log 4 ≈ 1.386 at the game's equilibrium). */
  discriminatorLoss: number;
  /** The generator's loss on the batch, as `generatorLoss` defines it. */
  generatorLoss: number;
}

/** What trainGan returns: both trained players and the losses of every step. */
export interface GanResult<G extends Module, D extends Module> {
  generator: G;
  discriminator: D;
  history: GanStep[];
  /** Draws n samples from the trained generator (seeded). */
  sample(n: number, seed?: number): Tensor;
}

/** log(1 + e^z) written as softplus: −log σ(z) = softplus(−z), −log(1 − σ(z)) = softplus(z). */
function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor): Tensor {
  return add(mean(softplus(neg(realLogits))), mean(softplus(fakeLogits)));
}

function generatorLossOf(kind: "nonSaturating" | "minimax", fakeLogits: Tensor): Tensor {
  // minimax: log(1 − σ(z)) = −softplus(z); non-saturating: −log σ(z) = softplus(−z).
  return kind === "minimax" ? neg(mean(softplus(fakeLogits))) : mean(softplus(neg(fakeLogits)));
}

/**
 * Trains a GAN: `discriminator` maps samples [b, features] to logits [b, 1]; `generator` maps
 * noise [b, noiseDim] to samples. Returns trained copies (the arguments are unchanged).
 * @example
 * const g = new nb.nn.Sequential(new nb.nn.Linear(1, 1, { seed: 0 }));
 * const d = new nb.nn.Sequential(new nb.nn.Linear(1, 8, { seed: 1 }), new nb.nn.Tanh(), new nb.nn.Linear(8, 1, { seed: 2 }));
 * const real = (n: number, step: number) => nb.add(3, nb.mul(0.5, nb.randn([n, 1], { seed: 1000 + step })));
 * const opt = () => nb.optim.adam({ lr: 0.02, b1: 0.5 });
 * const { sample } = nb.nn.trainGan(g, d, { sampleReal: real, noiseDim: 1, steps: 300, batchSize: 64, generatorOptimizer: opt(), discriminatorOptimizer: opt() });
 * Math.abs(nb.mean(sample(2000)).item() - 3) < 0.3; // => true
 */
export function trainGan<G extends Module, D extends Module>(generator: G, discriminator: D, options: GanOptions): GanResult<G, D> {
  const { noiseDim, steps, batchSize = 64, updates = "alternating", generatorLoss = "nonSaturating", seed = 0 } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new NablaError(`trainGan: steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new NablaError(`trainGan: batchSize must be a positive integer, got ${batchSize}`);
  if (updates !== "alternating" && updates !== "simultaneous") throw new NablaError(`trainGan: updates must be "alternating" or "simultaneous", got ${JSON.stringify(updates)}`);
  const gOpt = options.generatorOptimizer ?? adam({ lr: 1e-3, b1: 0.5 });
  const dOpt = options.discriminatorOptimizer ?? adam({ lr: 1e-3, b1: 0.5 });
  const player = (m: Module, opt: Transform): { model: Module; params: Params; state: PyTree } => ({ model: m.clone().train(), params: m.parameters(), state: opt.init(m.parameters()) });
  const g = player(generator, gOpt);
  const d = player(discriminator, dOpt);
  const dStep = valueAndGrad((dp: Params, gp: Params, real: Tensor, z: Tensor) =>
    discriminatorLoss(d.model.withParams(dp).forward(real), d.model.withParams(dp).forward(g.model.withParams(gp).forward(z))));
  const gStep = valueAndGrad((gp: Params, dp: Params, z: Tensor) =>
    generatorLossOf(generatorLoss, d.model.withParams(dp).forward(g.model.withParams(gp).forward(z))));
  const noise = new Random(seed);
  const history: GanStep[] = [];
  for (let step = 0; step < steps; step++) {
    const real = options.sampleReal(batchSize, step);
    const z = randn([batchSize, noiseDim], { seed: Math.floor(noise.uniform() * 2 ** 31) });
    const [dValue, dGrad] = dStep(d.params, g.params, real, z);
    const dBefore = d.params;
    const [dUpdates, dState] = dOpt.update(dGrad, d.state, d.params);
    d.params = applyUpdates(d.params, dUpdates);
    d.state = dState;
    // Simultaneous: the generator's gradient is taken against the discriminator it faced, not the updated one.
    const [gValue, gGrad] = gStep(g.params, updates === "simultaneous" ? dBefore : d.params, z);
    const [gUpdates, gState] = gOpt.update(gGrad, g.state, g.params);
    g.params = applyUpdates(g.params, gUpdates);
    g.state = gState;
    history.push({ step, discriminatorLoss: scalar(dValue), generatorLoss: scalar(gValue) });
  }
  const trainedG = generator.clone().withParams(g.params).eval();
  const sample = (n: number, s = seed + 1) => trainedG.forward(randn([n, noiseDim], { seed: s }));
  return { generator: trainedG, discriminator: discriminator.clone().withParams(d.params).eval(), history, sample };
}

function scalar(v: Tensor | number): number {
  return typeof v === "number" ? v : v.item();
}

/**
 * The standard GAN test distribution: `modes` Gaussians of standard deviation `std` evenly spaced
 * on a circle of radius `radius` (Metz et al. 2017 use 8 modes, radius 2, std 0.02).
 * @example
 * const ring = nb.nn.gaussianRing({ modes: 4, radius: 1, std: 0 });
 * ring.sample(2, 0).shape; // => [2, 2]
 * ring.centers.length; // => 4
 */
export function gaussianRing(options: { modes?: number; radius?: number; std?: number } = {}): {
  centers: [number, number][];
  sample: (n: number, seed: number) => Tensor;
  coverage: (samples: Tensor, within?: number) => { modesCovered: number; highQuality: number; perMode: number[] };
} {
  const { modes = 8, radius = 2, std = 0.02 } = options;
  const centers = Array.from({ length: modes }, (_, k): [number, number] => [radius * Math.cos((2 * Math.PI * k) / modes), radius * Math.sin((2 * Math.PI * k) / modes)]);
  const sample = (n: number, s: number): Tensor => {
    const rng = new Random(s);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const [cx, cy] = centers[Math.floor(rng.uniform() * modes) % modes]!;
      out[2 * i] = cx + std * rng.normal();
      out[2 * i + 1] = cy + std * rng.normal();
    }
    return tensor(out, { shape: [n, 2] });
  };
  return { centers, sample, coverage: (samples, within = Math.max(3 * std, radius / 10)) => coverageOf(centers, samples, within) };
}

/**
 * How many modes the samples reach: a sample is high quality when within `within` of a center;
 * a mode is covered when it holds at least a fifth of its fair share of all samples.
 */
function coverageOf(centers: [number, number][], samples: Tensor, within: number): { modesCovered: number; highQuality: number; perMode: number[] } {
  const v = samples.values();
  const n = samples.shape[0]!;
  const perMode = new Array<number>(centers.length).fill(0);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let which = -1;
    centers.forEach(([cx, cy], k) => {
      const dist = Math.hypot(v[2 * i]! - cx, v[2 * i + 1]! - cy);
      if (dist < best) [best, which] = [dist, k];
    });
    if (best <= within) perMode[which]!++;
  }
  const good = perMode.reduce((a, b) => a + b, 0);
  return { modesCovered: perMode.filter((c) => c >= n / centers.length / 5).length, highQuality: good / n, perMode };
}
