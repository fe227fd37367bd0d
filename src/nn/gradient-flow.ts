/**
 * The gradient-flow monitor: how much gradient reaches each layer, how large each update is
 * relative to the weights, and how many activation units are dead (ReLU) or saturated
 * (sigmoid, tanh) — the readings that show a vanishing gradient, a dead ReLU or the highway
 * of a residual connection. `fit` records a snapshot at the first step of every epoch.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { TensorLike } from "../tensor/create.js";
import { valueAndGrad } from "../autodiff/reverse.js";
import { type Module, type Params, namedModules, observeActivations } from "./module.js";
import { ReLU, Sigmoid, Tanh } from "./layers.js";
import { isRecurrent } from "./recurrent.js";
import type { Loss } from "./losses.js";

/** The readings of one layer (a module owning parameters), named by its path. */
export interface LayerFlow {
  layer: string;
  /** ‖∂loss/∂θ‖ over the layer's parameters. */
  gradientNorm: number;
  /** ‖θ‖. */
  weightNorm: number;
  /** ‖Δθ‖ / ‖θ‖ of the optimizer step (about 1e-3 is healthy, Karpathy's rule of thumb); absent without an update. */
  updateRatio?: number;
}

/** The readings of one activation layer on the batch. */
export interface ActivationFlow {
  layer: string;
  kind: "relu" | "sigmoid" | "tanh";
  /** ReLU: fraction of units (features) that are 0 for every sample of the batch. */
  deadFraction?: number;
  /** Sigmoid and tanh: fraction of outputs within 0.01 of a bound, where the derivative is about 0. */
  saturatedFraction?: number;
}

/** One reading of the whole network. */
export interface FlowSnapshot {
  /** The optimizer step (0-based) and epoch (1-based) it was taken at; 0 outside fit. */
  step: number;
  epoch: number;
  layers: LayerFlow[];
  activations: ActivationFlow[];
  /**
   * For a model with a recurrent layer and inputs [batch, time, features]: ‖∂loss/∂x_t‖ for each
   * time step t, how much gradient backpropagation through time carries back to step t.
   */
  timeSteps?: number[];
  /** Vanishing or exploding gradients, mostly dead ReLU layers. */
  warnings: string[];
}

/** When the monitor warns. */
export interface FlowThresholds {
  /** A layer whose gradient norm is below this fraction of the largest layer's vanishes (default 1e-3). */
  vanishing?: number;
  /** A gradient norm above this explodes (default 1e3); non-finite ones always do. */
  exploding?: number;
  /** A ReLU layer with this fraction of dead units or more is reported (default 0.5). */
  dead?: number;
}

function sumOfSquares(t: Tensor): number {
  const v = t.values();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return s;
}

/** The layer a parameter path belongs to: the path without its last segment ("" for the root). */
function layerOf(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? "" : path.slice(0, dot);
}

/** Per-layer readings from parameters, their gradients and (optionally) the step's updates. */
export function layerFlows(params: Params, grads: Params, updates?: Params): LayerFlow[] {
  const byLayer = new Map<string, { g: number; w: number; u: number }>();
  for (const [path, p] of Object.entries(params)) {
    const entry = byLayer.get(layerOf(path)) ?? { g: 0, w: 0, u: 0 };
    entry.g += sumOfSquares(grads[path]!);
    entry.w += sumOfSquares(p);
    if (updates) entry.u += sumOfSquares(updates[path]!);
    byLayer.set(layerOf(path), entry);
  }
  return [...byLayer].map(([layer, { g, w, u }]) => ({
    layer, gradientNorm: Math.sqrt(g), weightNorm: Math.sqrt(w), ...(updates ? { updateRatio: Math.sqrt(u) / Math.sqrt(w) } : {}),
  }));
}

function activationFlow(layer: string, module: Module, output: Tensor): ActivationFlow | null {
  const v = output.values();
  if (module instanceof ReLU) {
    const features = output.shape[output.ndim - 1] ?? 1;
    const alive = new Uint8Array(features);
    for (let i = 0; i < v.length; i++) if (v[i]! > 0) alive[i % features] = 1;
    return { layer, kind: "relu", deadFraction: alive.reduce((dead, a) => dead + (a ? 0 : 1), 0) / features };
  }
  const [lo, hi, kind] = module instanceof Sigmoid ? [0.01, 0.99, "sigmoid" as const] : module instanceof Tanh ? [-0.99, 0.99, "tanh" as const] : [0, 0, null];
  if (kind === null) return null;
  let saturated = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! < lo || v[i]! > hi) saturated++;
  return { layer, kind, saturatedFraction: saturated / v.length };
}

/**
 * Runs `body` (a forward pass of `model` or of its `withParams` copies, differentiated or
 * not) and returns the activation readings of the layers of `model` it passed through.
 */
export function recordActivations<T>(model: Module, body: () => T): { result: T; activations: ActivationFlow[] } {
  const paths = new Map(namedModules(model).map(([path, m]) => [m.identity.id, path]));
  const seen = new Map<string, ActivationFlow>();
  const result = observeActivations((module, output) => {
    const path = paths.get(module.identity.id);
    if (path === undefined || seen.has(path)) return;
    const flow = activationFlow(path, module, output);
    if (flow) seen.set(path, flow);
  }, body);
  return { result, activations: [...seen.values()] };
}

/** The warnings a snapshot deserves. */
export function flowWarnings(layers: readonly LayerFlow[], activations: readonly ActivationFlow[], thresholds: FlowThresholds = {}): string[] {
  const { vanishing = 1e-3, exploding = 1e3, dead = 0.5 } = thresholds;
  const largest = Math.max(...layers.map((l) => l.gradientNorm).filter(Number.isFinite), 0);
  const warnings: string[] = [];
  for (const l of layers) {
    const name = l.layer || "(root)";
    if (!Number.isFinite(l.gradientNorm) || l.gradientNorm > exploding) {
      warnings.push(`exploding gradient in ${name}: norm ${l.gradientNorm.toExponential(2)}`);
    } else if (largest > 0 && l.gradientNorm < vanishing * largest) {
      warnings.push(`vanishing gradient in ${name}: norm ${l.gradientNorm.toExponential(2)}, ${(l.gradientNorm / largest).toExponential(1)} of the largest layer's`);
    }
  }
  for (const a of activations) {
    if (a.deadFraction !== undefined && a.deadFraction >= dead) warnings.push(`${Math.round(a.deadFraction * 100)}% dead ReLU units in ${a.layer}`);
  }
  return warnings;
}

/**
 * A gradient-flow snapshot of `model` on one batch: per-layer gradient and weight norms,
 * dead ReLU and saturated sigmoid fractions, and warnings. (`fit` records these as it trains,
 * with update-to-weight ratios.)
 * @example
 * const net = new nb.nn.Sequential(new nb.nn.Linear(4, 8, { seed: 0 }), new nb.nn.Sigmoid(), new nb.nn.Linear(8, 1, { seed: 1 }));
 * const flow = nb.nn.gradientFlow(net, nb.nn.mseLoss, nb.randn([16, 4], { seed: 2 }), nb.zeros([16, 1]));
 * flow.layers.map((l) => l.layer); // => ["layers.0", "layers.2"]
 * flow.activations[0]!.kind; // => "sigmoid"
 */
export function gradientFlow(model: Module, loss: Loss, x: Tensor, y: TensorLike, thresholds: FlowThresholds = {}): FlowSnapshot {
  const params = model.parameters();
  const sequence = x.ndim === 3 && namedModules(model).some(([, m]) => isRecurrent(m));
  const { result: [, both], activations } = recordActivations(model, () =>
    valueAndGrad((p: Params, input: Tensor) => loss(model.withParams(p).forward(input), y), { argnums: [0, 1] })(params, x),
  );
  const [grads, gx] = both as [Params, Tensor];
  const layers = layerFlows(params, grads);
  const warnings = flowWarnings(layers, activations, thresholds);
  if (!sequence) return { step: 0, epoch: 0, layers, activations, warnings };
  const timeSteps = timeStepNorms(gx);
  warnings.push(...timeWarnings(timeSteps, thresholds));
  return { step: 0, epoch: 0, layers, activations, timeSteps, warnings };
}

/** ‖g[:, t, :]‖ for each t of a [batch, time, features] gradient. */
function timeStepNorms(g: Tensor): number[] {
  const [batch, time, features] = g.shape as [number, number, number];
  const v = g.values();
  const out = new Array<number>(time).fill(0);
  for (let b = 0; b < batch; b++) for (let t = 0; t < time; t++) for (let f = 0; f < features; f++) out[t]! += v[(b * time + t) * features + f]! ** 2;
  return out.map(Math.sqrt);
}

/** A warning when the earliest steps receive a vanishing share of the gradient the latest ones get. */
function timeWarnings(norms: readonly number[], thresholds: FlowThresholds): string[] {
  const { vanishing = 1e-3 } = thresholds;
  const largest = Math.max(...norms);
  if (!(largest > 0) || !(norms[0]! < vanishing * largest)) return [];
  const reach = norms.findIndex((n) => n >= vanishing * largest);
  return [`vanishing gradient through time: ‖∂loss/∂x_t‖ at the first step is ${(norms[0]! / largest).toExponential(1)} of the largest; steps before ${reach + 1} receive less than ${vanishing} of it`];
}
