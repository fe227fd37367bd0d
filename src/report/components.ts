/**
 * Table 4 of the survey as an experiment: how much gradient reaches the first of 20 layers
 * built from each standard component, read by the gradient-flow monitor at initialisation —
 * which components let the gradient vanish and which do not — and the same question through
 * 20 time steps for a plain RNN against an LSTM.
 */
import * as nb from "../index.js";
import type { ReportOptions, Row, Table } from "./types.js";
import { timed } from "./util.js";

const DEPTH = 20;
const WIDTH = 16;

/** A component: how to build one of the DEPTH blocks (width in = width out). */
interface Component {
  name: string;
  init: string;
  block: (seed: number) => nb.nn.Module;
}

const linear = (seed: number, init: nb.nn.InitializerName = "glorotUniform") => new nb.nn.Linear(WIDTH, WIDTH, { seed, init });

const COMPONENTS: readonly Component[] = [
  { name: "linear (no activation)", init: "Glorot uniform", block: (s) => linear(s) },
  { name: "sigmoid", init: "Glorot uniform", block: (s) => new nb.nn.Sequential(linear(s), new nb.nn.Sigmoid()) },
  { name: "tanh", init: "Glorot uniform", block: (s) => new nb.nn.Sequential(linear(s), new nb.nn.Tanh()) },
  { name: "ReLU", init: "He normal", block: (s) => new nb.nn.Sequential(linear(s, "heNormal"), new nb.nn.ReLU()) },
  { name: "GELU", init: "He normal", block: (s) => new nb.nn.Sequential(linear(s, "heNormal"), new nb.nn.GELU()) },
  { name: "residual x + tanh(Wx)", init: "Glorot uniform", block: (s) => new nb.nn.Residual(new nb.nn.Sequential(linear(s), new nb.nn.Tanh())) },
  { name: "batch norm + sigmoid", init: "Glorot uniform", block: (s) => new nb.nn.Sequential(linear(s), new nb.nn.BatchNorm(WIDTH), new nb.nn.Sigmoid()) },
  { name: "layer norm + sigmoid", init: "Glorot uniform", block: (s) => new nb.nn.Sequential(linear(s), new nb.nn.LayerNorm(WIDTH), new nb.nn.Sigmoid()) },
];

/** A verdict from the ratio of the smallest to the largest layer gradient norm. */
export function flowVerdict(ratio: number, largest: number): string {
  if (!Number.isFinite(largest) || largest > 1e3) return "explodes";
  return ratio < 1e-3 ? "vanishes" : ratio < 1e-1 ? "decays" : "flows";
}

function layerRow(component: string, init: string, model: nb.nn.Module, x: nb.Tensor, y: nb.Tensor): Row {
  const { value: flow, timeMs } = timed(() => nb.nn.gradientFlow(model, nb.nn.mseLoss, x, y));
  const norms = flow.layers.map((l) => l.gradientNorm);
  const first = norms[0]!;
  const last = norms[norms.length - 1]!;
  const largest = Math.max(...norms);
  const ratio = Math.min(...norms) / largest;
  return { component, init, layers: norms.length, firstLayerGradNorm: first, lastLayerGradNorm: last, minOverMax: ratio, verdict: flowVerdict(ratio, largest), timeMs };
}

/** Attention blocks need sequences: 20 self-attention layers (2 heads) on [8, 6, 16] inputs, plain and residual. */
function attentionRows(seed: number): Row[] {
  const x = nb.randn([8, 6, WIDTH], { seed });
  const y = nb.randn([8, 6, WIDTH], { seed: seed + 1 });
  const blocks = (residual: boolean) => Array.from({ length: DEPTH }, (_, i) => {
    const attention = new nb.nn.MultiHeadSelfAttention(WIDTH, 2, { seed: seed + 10 * i });
    return residual ? new nb.nn.Residual(attention) : attention;
  });
  return [
    layerRow("self-attention", "Glorot uniform", new nb.nn.Sequential(...blocks(false)), x, y),
    layerRow("residual self-attention", "Glorot uniform", new nb.nn.Sequential(...blocks(true)), x, y),
  ];
}

/** Depth in time: the share of ‖∂L/∂x_t‖ reaching the first of 20 steps when the loss reads the last output. */
function recurrentRows(seed: number): Row[] {
  const x = nb.randn([8, DEPTH, 4], { seed });
  const y = nb.randn([8, 1, WIDTH], { seed: seed + 1 });
  const lastStep = (out: nb.Tensor, target: nb.TensorLike) => nb.nn.mseLoss(out.slice([0, DEPTH - 1, 0], [8, 1, WIDTH]), target);
  const models: [string, nb.nn.Module][] = [
    ["plain RNN (tanh), 20 time steps", new nb.nn.RNN(4, WIDTH, { seed })], ["LSTM, 20 time steps", new nb.nn.LSTM(4, WIDTH, { seed })],
    ["LSTM with forget-gate bias 1, 20 time steps", withForgetBias(new nb.nn.LSTM(4, WIDTH, { seed }), 1)], ["GRU, 20 time steps", new nb.nn.GRU(4, WIDTH, { seed })],
  ];
  return models.map(([component, model]) => {
    const { value: flow, timeMs } = timed(() => nb.nn.gradientFlow(model, lastStep, x, y));
    const steps = flow.timeSteps!;
    const largest = Math.max(...steps);
    const ratio = steps[0]! / largest;
    return { component, init: "PyTorch uniform ±1/√h", layers: DEPTH, firstLayerGradNorm: steps[0]!, lastLayerGradNorm: steps[DEPTH - 1]!, minOverMax: ratio, verdict: flowVerdict(ratio, largest), timeMs };
  });
}

/** An LSTM whose forget gates start open: b_f += value (Jozefowicz et al. 2015), so c_t carries c_{t−1} forward. */
function withForgetBias(lstm: nb.nn.LSTM, value: number): nb.nn.LSTM {
  const params = lstm.parameters();
  const bias = Float64Array.from(params.biasIh0!.values());
  for (let j = WIDTH; j < 2 * WIDTH; j++) bias[j]! += value;
  return lstm.withParams({ ...params, biasIh0: nb.tensor(bias) });
}

/** Runs Table 4. */
export function componentsTable(options: ReportOptions): Table {
  const x = nb.randn([64, WIDTH], { seed: options.seed });
  const y = nb.randn([64, WIDTH], { seed: options.seed + 1 });
  const rows = COMPONENTS.map((c) => layerRow(c.name, c.init, new nb.nn.Sequential(...Array.from({ length: DEPTH }, (_, i) => c.block(options.seed + 100 + i))), x, y));
  rows.push(...attentionRows(options.seed), ...recurrentRows(options.seed));
  return {
    id: "4", title: "Gradient flow through each component at depth 20",
    method: `${DEPTH} blocks of width ${WIDTH} (batch 64, MSE to random targets) at initialisation, read by nb.nn.gradientFlow: the gradient norm of the first and last parameterised layers (a normalisation layer counts as one) and the smallest over the largest. Recurrent rows: depth in time, ‖∂L/∂x_t‖ at the first and last of ${DEPTH} steps with the loss on the last output. Verdict: vanishes below 10⁻³, decays below 10⁻¹, explodes above 10³.`,
    columns: ["component", "init", "layers", "firstLayerGradNorm", "lastLayerGradNorm", "minOverMax", "verdict", "timeMs"],
    rows,
    plots: [],
    lab: { route: "training", how: "set the depth to 12 (its largest), switch the activation between sigmoid, tanh and ReLU, tick residual, and read the per-layer gradient norms and the monitor's warnings" },
  };
}
