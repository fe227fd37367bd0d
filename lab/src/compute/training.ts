/**
 * The Training playground's model: seeded 2-D datasets, a multilayer perceptron written with
 * nabla ops, full-batch training with an nb.optim optimizer, and the per-layer gradient norms
 * that show whether gradients vanish on their way to the first layers.
 */
import * as nb from "nabla";

export const DATASETS = ["moons", "circles", "spirals", "xor"] as const;
export type DatasetName = (typeof DATASETS)[number];
export const ACTIVATIONS = ["tanh", "relu", "sigmoid"] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export const TRAINERS = ["adam", "sgd", "momentum", "rmsprop"] as const;
export type TrainerName = (typeof TRAINERS)[number];

export interface TrainingRequest {
  dataset: DatasetName;
  seed: number;
  noise: number;
  depth: number;
  width: number;
  activation: Activation;
  residual: boolean;
  optimizer: TrainerName;
  lr: number;
  steps: number;
}

export interface Dataset {
  x: [number, number][];
  y: number[];
}

export interface TrainingProgress {
  step: number;
  /** Losses of the steps since the previous report. */
  losses: number[];
  accuracy: number;
  /** ‖∂L/∂W‖ for each weight matrix, first hidden layer first, output layer last. */
  gradNorms: number[];
  /** P(class 1) on a BOUNDARY_N × BOUNDARY_N grid over EXTENT², at i + j·n; sent now and then. */
  boundary?: number[];
}

export const EXTENT: [number, number] = [-2, 2];
export const BOUNDARY_N = 48;
const POINTS = 240;

/** n points of a two-class problem; the same seed gives the same points. */
export function makeDataset(name: DatasetName, seed: number, noise: number): Dataset {
  const u = nb.rand([POINTS], { seed }).values();
  const v = nb.rand([POINTS], { seed: seed + 1 }).values();
  const e = nb.randn([POINTS, 2], { seed: seed + 2 }).values();
  const x: [number, number][] = [];
  const y: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    const label = i % 2;
    const jitter = (k: number): number => noise * e[2 * i + k]!;
    let p: [number, number];
    if (name === "moons") {
      const t = Math.PI * u[i]!;
      p = label ? [1 - Math.cos(t) - 0.5, 0.25 - Math.sin(t)] : [Math.cos(t) - 0.5, Math.sin(t) - 0.25];
      p = [1.2 * p[0], 1.2 * p[1]];
    } else if (name === "circles") {
      const t = 2 * Math.PI * u[i]!;
      const r = label ? 0.6 : 1.5;
      p = [r * Math.cos(t), r * Math.sin(t)];
    } else if (name === "spirals") {
      const t = 0.25 + 2.75 * Math.PI * u[i]!;
      const r = (0.55 * t) / Math.PI;
      const turn = label ? Math.PI : 0;
      p = [r * Math.cos(t + turn), r * Math.sin(t + turn)];
    } else {
      p = [3.4 * u[i]! - 1.7, 3.4 * v[i]! - 1.7];
      y.push(p[0] * p[1] > 0 ? 1 : 0);
      x.push([p[0] + jitter(0), p[1] + jitter(1)]);
      continue;
    }
    x.push([p[0] + jitter(0), p[1] + jitter(1)]);
    y.push(label);
  }
  return { x, y };
}

// A type alias, not an interface: nb.PyTree's index signature accepts only the former.
type Layer = { w: nb.Tensor; b: nb.Tensor };

function activate(name: Activation, z: nb.Tensor): nb.Tensor {
  return name === "tanh" ? nb.tanh(z) : name === "relu" ? nb.relu(z) : nb.sigmoid(z);
}

/** He initialisation for relu, Glorot-style 1/√fan-in otherwise: the textbook defaults. */
function initLayers(req: TrainingRequest): Layer[] {
  const sizes = [2, ...Array<number>(req.depth).fill(req.width), 1];
  const gain = req.activation === "relu" ? Math.SQRT2 : 1;
  return sizes.slice(1).map((fanOut, i) => {
    const fanIn = sizes[i]!;
    return {
      w: nb.mul(nb.randn([fanIn, fanOut], { seed: req.seed * 101 + i }), gain / Math.sqrt(fanIn)),
      b: nb.zeros([fanOut]),
    };
  });
}

/** The logits of the MLP; a residual block adds its input back where the widths agree. */
function logits(layers: Layer[], x: nb.Tensor, req: TrainingRequest): nb.Tensor {
  let h = x;
  layers.forEach((layer, i) => {
    const z = nb.add(nb.matmul(h, layer.w), layer.b);
    if (i === layers.length - 1) h = z;
    else {
      const a = activate(req.activation, z);
      h = req.residual && i > 0 ? nb.add(h, a) : a;
    }
  });
  return nb.reshape(h, [-1]);
}

/** Binary cross-entropy on logits, log(1 + eˢ) − y·s, in its stable softplus form. */
function loss(layers: Layer[], x: nb.Tensor, y: nb.Tensor, req: TrainingRequest): nb.Tensor {
  const s = logits(layers, x, req);
  return nb.mean(nb.sub(nb.softplus(s), nb.mul(y, s)));
}

function trainer(req: TrainingRequest): nb.optim.Transform<nb.optim.OptimizerState> {
  switch (req.optimizer) {
    case "adam": return nb.optim.adam({ lr: req.lr });
    case "sgd": return nb.optim.sgd({ lr: req.lr });
    case "momentum": return nb.optim.sgd({ lr: req.lr, momentum: 0.9 });
    case "rmsprop": return nb.optim.rmsprop({ lr: req.lr });
  }
}

function boundary(layers: Layer[], req: TrainingRequest): number[] {
  const axis = nb.linspace(EXTENT[0], EXTENT[1], BOUNDARY_N);
  const xs = nb.broadcastTo(axis.reshape([1, BOUNDARY_N]), [BOUNDARY_N, BOUNDARY_N]).reshape([-1, 1]);
  const ys = nb.broadcastTo(axis.reshape([BOUNDARY_N, 1]), [BOUNDARY_N, BOUNDARY_N]).reshape([-1, 1]);
  return Array.from(nb.sigmoid(logits(layers, nb.concat([xs, ys], 1), req)).values());
}

const REPORT_EVERY = 10;
const BOUNDARY_EVERY = 50;

/**
 * Trains for req.steps full-batch steps, calling report every few steps; `shouldStop` is
 * polled between reports (the worker yields there so a Stop message can arrive).
 */
export async function train(
  req: TrainingRequest,
  report: (progress: TrainingProgress) => void,
  shouldStop: () => boolean,
): Promise<void> {
  const data = makeDataset(req.dataset, req.seed, req.noise);
  const x = nb.tensor(data.x);
  const y = nb.tensor(data.y);
  let layers = initLayers(req);
  const opt = trainer(req);
  let state = opt.init(layers);
  const valueAndGrad = nb.valueAndGrad((ls: Layer[]) => loss(ls, x, y, req));
  let losses: number[] = [];
  for (let step = 1; step <= req.steps; step++) {
    const [value, grads] = valueAndGrad(layers) as [nb.Tensor, Layer[]];
    losses.push(value.item());
    ({ params: layers, state } = opt.step(layers, grads, state));
    if (step % REPORT_EVERY === 0 || step === req.steps) {
      const predicted = nb.greater(logits(layers, x, req), 0).values();
      const correct = data.y.filter((label, i) => predicted[i] === label).length;
      report({
        step,
        losses,
        accuracy: correct / data.y.length,
        gradNorms: grads.map((g) => nb.norm(g.w).item()),
        ...(step % BOUNDARY_EVERY === 0 || step === req.steps ? { boundary: boundary(layers, req) } : {}),
      });
      losses = [];
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (shouldStop()) return;
    }
  }
}
