/**
 * Recurrent layers: RNN, LSTM and GRU, batch-first, multi-layer, with PyTorch's gate order and
 * formulas so weights map one to one (nabla stores each weight [in, gates·hidden], PyTorch's
 * `weight_ih_l{l}` transposed). Backpropagation through time is ordinary reverse mode through
 * the unrolled loop: every step is a handful of primitives, so grad, jvp, hessian and jit all
 * see through it.
 */
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { add, mul, relu, sigmoid, sub, tanh } from "../ops/primitives/elementwise.js";
import { reshape, slice } from "../ops/primitives/shape.js";
import { matmul, stack } from "../ops/composite.js";
import { tensor, zeros as zerosTensor } from "../tensor/create.js";
import { randomFor } from "../tensor/random.js";
import { type ModuleConfig, Module } from "./module.js";
import { type LayerOptions, checkSize } from "./layers.js";

/** Options of the recurrent layers. */
export interface RecurrentOptions extends LayerOptions {
  /** Stacked layers; layer l > 0 reads layer l − 1's outputs (default 1). */
  numLayers?: number;
}

/** Options of RNN. */
export interface RNNOptions extends RecurrentOptions {
  /** The cell's activation (default "tanh"). */
  nonlinearity?: "tanh" | "relu";
}

/** An LSTM's state: hidden and cell states, each [numLayers, batch, hidden]. */
export interface LSTMState {
  h: Tensor;
  c: Tensor;
}

/** One layer's state inside the time loop: h alone, or h and c for an LSTM. */
interface CellState {
  h: Tensor;
  c?: Tensor;
}

/** One layer's weights, as the cell reads them. */
interface CellWeights {
  weightHh: Tensor;
  biasHh: Tensor;
}

/**
 * What RNN, LSTM and GRU share: the weights, the loop over layers and time, and state handling.
 * Subclasses give the number of gates and the cell update.
 */
abstract class Recurrent<S> extends Module {
  readonly numLayers: number;

  constructor(readonly inputSize: number, readonly hiddenSize: number, gates: number, options: RecurrentOptions, type: string) {
    super();
    checkSize(inputSize, type, "inputSize");
    checkSize(hiddenSize, type, "hiddenSize");
    this.numLayers = options.numLayers ?? 1;
    checkSize(this.numLayers, type, "numLayers");
    // PyTorch's initialisation: every weight and bias uniform in ±1/√hidden.
    const bound = 1 / Math.sqrt(hiddenSize);
    const random = randomFor(options.seed);
    const uniform = (shape: number[]): Tensor =>
      tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * random.uniform() - 1) * bound), { shape, dtype: options.dtype });
    const fields = this as unknown as Record<string, Tensor>;
    for (let l = 0; l < this.numLayers; l++) {
      fields[`weightIh${l}`] = uniform([l === 0 ? inputSize : hiddenSize, gates * hiddenSize]);
      fields[`weightHh${l}`] = uniform([hiddenSize, gates * hiddenSize]);
      fields[`biasIh${l}`] = uniform([gates * hiddenSize]);
      fields[`biasHh${l}`] = uniform([gates * hiddenSize]);
    }
  }

  /** One time step: the input part `xi` = x·W_ih + b_ih (precomputed for all steps) and the previous state. */
  protected abstract cell(xi: Tensor, state: CellState, weights: CellWeights): CellState;
  /** The public state from per-layer states. */
  protected abstract packState(layers: CellState[]): S;
  /** Per-layer states from the public state (validated). */
  protected abstract unpackState(state: S | undefined, batch: number, like: Tensor): CellState[];

  /** The outputs of the last layer for every time step, [batch, time, hidden]. */
  forward(x: Tensor): Tensor {
    return this.forwardWithState(x).output;
  }

  /**
   * Runs the sequence from `state` (zeros by default) and returns the last layer's outputs,
   * [batch, time, hidden], and the final state of every layer (to carry into the next chunk,
   * as truncated backpropagation through time does).
   */
  forwardWithState(x: Tensor, state?: S): { output: Tensor; state: S } {
    const type = this.config().type;
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      throw new NablaError(`${type}: expected inputs [batch, time, ${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    const [batch, time] = x.shape as [number, number, number];
    const initial = this.unpackState(state, batch, x);
    const fields = this as unknown as Record<string, Tensor>;
    const finals: CellState[] = [];
    let input = x;
    for (let l = 0; l < this.numLayers; l++) {
      // The input projection of every time step in one product; only the recurrence is sequential.
      const xi = add(matmul(input, fields[`weightIh${l}`]!), fields[`biasIh${l}`]!);
      const gatesWidth = xi.shape[2]!;
      const weights = { weightHh: fields[`weightHh${l}`]!, biasHh: fields[`biasHh${l}`]! };
      let s = initial[l]!;
      const outputs: Tensor[] = [];
      for (let t = 0; t < time; t++) {
        s = this.cell(reshape(slice(xi, [0, t, 0], [batch, 1, gatesWidth]), [batch, gatesWidth]), s, weights);
        outputs.push(s.h);
      }
      finals.push(s);
      input = stack(outputs, 1);
    }
    return { output: input, state: this.packState(finals) };
  }

  /** Checks a [numLayers, batch, hidden] state tensor and splits it by layer. */
  protected layersOf(t: Tensor, what: string, batch: number): Tensor[] {
    const expected = [this.numLayers, batch, this.hiddenSize];
    if (formatShape(t.shape) !== formatShape(expected)) {
      throw new NablaError(`${this.config().type}: initial ${what} must have shape ${formatShape(expected)} ([numLayers, batch, hidden]), got ${formatShape(t.shape)}`);
    }
    return Array.from({ length: this.numLayers }, (_, l) => reshape(slice(t, [l, 0, 0], [1, batch, this.hiddenSize]), [batch, this.hiddenSize]));
  }

  protected zeroState(batch: number, like: Tensor): Tensor {
    return zerosTensor([batch, this.hiddenSize], { dtype: like.dtype });
  }

  protected baseConfig(type: string): ModuleConfig {
    return { type, inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers };
  }
}

/** True for RNN, LSTM and GRU layers (the gradient-flow monitor measures them per time step). */
export function isRecurrent(m: Module): boolean {
  return m instanceof Recurrent;
}

/** Gate k (0-based) of a [batch, gates·hidden] pre-activation. */
function gate(z: Tensor, k: number, hidden: number): Tensor {
  return slice(z, [0, k * hidden], [z.shape[0]!, hidden]);
}

/** Hidden-state recurrences (RNN, GRU): the state is h alone. */
abstract class HiddenRecurrent extends Recurrent<Tensor> {
  protected packState(layers: CellState[]): Tensor {
    return stack(layers.map((s) => s.h), 0);
  }
  protected unpackState(state: Tensor | undefined, batch: number, like: Tensor): CellState[] {
    if (state === undefined) return Array.from({ length: this.numLayers }, () => ({ h: this.zeroState(batch, like) }));
    return this.layersOf(state, "state h", batch).map((h) => ({ h }));
  }
}

/**
 * The Elman recurrence h′ = act(x·W_ih + b_ih + h·W_hh + b_hh), act tanh (default) or relu.
 * @example
 * const rnn = new nb.nn.RNN(3, 4, { numLayers: 2, seed: 0 });
 * rnn.forward(nb.ones([2, 5, 3])).shape; // => [2, 5, 4]
 * Object.keys(rnn.parameters()).slice(0, 4); // => ["weightIh0", "weightHh0", "biasIh0", "biasHh0"]
 * rnn.forwardWithState(nb.ones([2, 5, 3])).state.shape; // => [2, 2, 4]
 */
export class RNN extends HiddenRecurrent {
  readonly nonlinearity: "tanh" | "relu";

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(inputSize, hiddenSize, 1, options, "RNN");
    this.nonlinearity = options.nonlinearity ?? "tanh";
    if (this.nonlinearity !== "tanh" && this.nonlinearity !== "relu") {
      throw new NablaError(`RNN: nonlinearity must be "tanh" or "relu", got ${JSON.stringify(this.nonlinearity)}`);
    }
  }

  protected cell(xi: Tensor, { h }: CellState, w: CellWeights): CellState {
    const z = add(xi, add(matmul(h, w.weightHh), w.biasHh));
    return { h: this.nonlinearity === "tanh" ? tanh(z) : relu(z) };
  }

  config(): ModuleConfig {
    return { ...this.baseConfig("RNN"), nonlinearity: this.nonlinearity };
  }
}

/**
 * Gated recurrent unit (Cho et al. 2014) in PyTorch's form: r = σ(x_r + h_r), z = σ(x_z + h_z),
 * n = tanh(x_n + r ⊙ h_n), h′ = (1 − z) ⊙ n + z ⊙ h, where x_· = x·W_i· + b_i· and
 * h_· = h·W_h· + b_h·; gates in the order r, z, n.
 * @example
 * const gru = new nb.nn.GRU(3, 4, { seed: 0 });
 * gru.parameters().weightIh0!.shape; // => [3, 12]
 * gru.forward(nb.ones([2, 5, 3])).shape; // => [2, 5, 4]
 */
export class GRU extends HiddenRecurrent {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 3, options, "GRU");
  }

  protected cell(xi: Tensor, { h }: CellState, w: CellWeights): CellState {
    const hh = add(matmul(h, w.weightHh), w.biasHh);
    const n = this.hiddenSize;
    const r = sigmoid(add(gate(xi, 0, n), gate(hh, 0, n)));
    const z = sigmoid(add(gate(xi, 1, n), gate(hh, 1, n)));
    const candidate = tanh(add(gate(xi, 2, n), mul(r, gate(hh, 2, n))));
    // (1 − z)·n + z·h written as n + z·(h − n): one product fewer.
    return { h: add(candidate, mul(z, sub(h, candidate))) };
  }

  config(): ModuleConfig {
    return this.baseConfig("GRU");
  }
}

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997) in PyTorch's form: gates i, f, g, o
 * from x·W_ih + b_ih + h·W_hh + b_hh; c′ = σ(f) ⊙ c + σ(i) ⊙ tanh(g), h′ = σ(o) ⊙ tanh(c′).
 * The cell state's additive path is what carries gradient across many steps.
 * @example
 * const lstm = new nb.nn.LSTM(3, 4, { seed: 0 });
 * const { output, state } = lstm.forwardWithState(nb.ones([2, 5, 3]));
 * [output.shape, state.h.shape, state.c.shape]; // => [[2, 5, 4], [1, 2, 4], [1, 2, 4]]
 */
export class LSTM extends Recurrent<LSTMState> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 4, options, "LSTM");
  }

  protected cell(xi: Tensor, { h, c }: CellState, w: CellWeights): CellState {
    const z = add(xi, add(matmul(h, w.weightHh), w.biasHh));
    const n = this.hiddenSize;
    const cNext = add(mul(sigmoid(gate(z, 1, n)), c!), mul(sigmoid(gate(z, 0, n)), tanh(gate(z, 2, n))));
    return { h: mul(sigmoid(gate(z, 3, n)), tanh(cNext)), c: cNext };
  }

  protected packState(layers: CellState[]): LSTMState {
    return { h: stack(layers.map((s) => s.h), 0), c: stack(layers.map((s) => s.c!), 0) };
  }

  protected unpackState(state: LSTMState | undefined, batch: number, like: Tensor): CellState[] {
    if (state === undefined) return Array.from({ length: this.numLayers }, () => ({ h: this.zeroState(batch, like), c: this.zeroState(batch, like) }));
    if (typeof state !== "object" || state === null || !("h" in state) || !("c" in state)) {
      throw new NablaError("LSTM: the initial state must be {h, c}, each [numLayers, batch, hidden]");
    }
    const hs = this.layersOf(state.h, "state h", batch);
    const cs = this.layersOf(state.c, "state c", batch);
    return hs.map((h, l) => ({ h, c: cs[l]! }));
  }

  config(): ModuleConfig {
    return this.baseConfig("LSTM");
  }
}
