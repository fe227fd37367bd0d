/**
 * Truncated backpropagation through time (Williams & Peng 1990): a long sequence is cut into
 * chunks of k steps; each chunk is one gradient step, and the recurrent state flows from one
 * chunk into the next as a constant, so memory and the length of every backward pass stay k
 * steps however long the sequence is.
 */
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { add, stopGradient } from "../ops/primitives/elementwise.js";
import { concat, slice } from "../ops/primitives/shape.js";
import { valueAndGrad } from "../autodiff/reverse.js";
import type { PyTree } from "../autodiff/pytree.js";
import { applyUpdates } from "../optim/base.js";
import { type Module, type Params, namedModules } from "./module.js";
import { Sequential } from "./layers.js";
import { GRU, LSTM, type LSTMState, RNN, isRecurrent } from "./recurrent.js";
import { flowWarnings, layerFlows, recordActivations } from "./gradient-flow.js";
import { type StepOptions, type StepResult, alignTargets, resolveLoss } from "./fit.js";

/** The state a model carries between chunks: a recurrent layer's, or one entry per layer of a Sequential (null for layers without state). */
export type CarriedState = Tensor | LSTMState | null | CarriedState[];

/**
 * Runs a model over a chunk from `state` and returns its output and the state to carry on:
 * a recurrent layer directly, or a Sequential whose recurrent layers each continue from theirs.
 * @example
 * const model = new nb.nn.Sequential(new nb.nn.GRU(2, 3, { seed: 0 }), new nb.nn.Linear(3, 1, { seed: 1 }));
 * const x = nb.randn([4, 6, 2], { seed: 2 });
 * const first = nb.nn.forwardCarrying(model, x.slice([0, 0, 0], [4, 4, 2]));
 * const second = nb.nn.forwardCarrying(model, x.slice([0, 4, 0], [4, 2, 2]), first.state);
 * nb.max(nb.abs(nb.sub(second.output, model.forward(x).slice([0, 4, 0], [4, 2, 1])))).item() < 1e-15; // => true
 */
export function forwardCarrying(model: Module, x: Tensor, state?: CarriedState): { output: Tensor; state: CarriedState } {
  if (model instanceof RNN || model instanceof GRU) {
    const run = model.forwardWithState(x, (state ?? undefined) as Tensor | undefined);
    return { output: run.output, state: run.state };
  }
  if (model instanceof LSTM) {
    const run = model.forwardWithState(x, (state ?? undefined) as LSTMState | undefined);
    return { output: run.output, state: run.state };
  }
  if (model instanceof Sequential) {
    const states = Array.isArray(state) ? state : [];
    let h = x;
    const next = model.layers.map((layer, i) => {
      const run = forwardCarrying(layer, h, states[i] ?? null);
      h = run.output;
      return run.state;
    });
    return { output: h, state: next };
  }
  return { output: model.forward(x), state: null };
}

/** The state as constants: the next chunk's gradient stops at its start. */
function detach(state: CarriedState): CarriedState {
  if (state === null) return null;
  if (Array.isArray(state)) return state.map(detach);
  if ("h" in state && "c" in state) return { h: stopGradient(state.h), c: stopGradient(state.c) };
  return stopGradient(state as Tensor);
}

/** Checks that truncation applies: a recurrent layer the carrying reaches, and sequences [n, time, …] in x and y. */
function checkSequences(model: Module, x: Tensor, y: Tensor): void {
  const reachable = (m: Module): number => (isRecurrent(m) ? 1 : m instanceof Sequential ? m.layers.reduce((s, l) => s + reachable(l), 0) : 0);
  const all = namedModules(model).filter(([, m]) => isRecurrent(m)).length;
  if (all === 0) throw new NablaError("fit: truncate needs a model with a recurrent layer (RNN, LSTM or GRU)");
  if (reachable(model) !== all) throw new NablaError("fit: truncate carries state through recurrent layers that are the model or layers of a Sequential; this model nests one elsewhere");
  if (x.ndim !== 3) throw new NablaError(`fit: truncate needs sequences x [samples, time, features], got ${formatShape(x.shape)}`);
  if (y.ndim < 2 || y.shape[1] !== x.shape[1]) {
    throw new NablaError(`fit: truncate needs a target for every time step, y [samples, ${x.shape[1]}, …]; got ${formatShape(y.shape)}`);
  }
}

/** Slices time steps [t0, t0 + len) of a [n, time, …] tensor. */
function steps(t: Tensor, t0: number, len: number): Tensor {
  return slice(t, t.shape.map((_, a) => (a === 1 ? t0 : 0)), t.shape.map((d, a) => (a === 1 ? len : d)));
}

/**
 * fit's step with truncated BPTT: `step(params, state, x, y, monitor?)` walks each batch of
 * sequences in chunks of `truncate` steps, one optimizer update per chunk, carrying the recurrent
 * state across chunks (from zeros at the batch's start). Its loss is the batch's mean over chunks.
 * @example
 * const model = new nb.nn.Sequential(new nb.nn.RNN(1, 4, { seed: 0 }), new nb.nn.Linear(4, 1, { seed: 1 }));
 * const optimizer = nb.optim.adam({ lr: 0.01 });
 * const step = nb.nn.truncatedStep(model, { loss: "mse", optimizer, truncate: 5 });
 * const x = nb.randn([2, 20, 1], { seed: 2 });
 * const r = step(model.parameters(), optimizer.init(model.parameters()), x, x);
 * [r.output.shape, r.chunks]; // => [[2, 20, 1], 4]
 */
export function truncatedStep<S extends PyTree>(model: Module, options: StepOptions<S> & { truncate: number }): (params: Params, state: S, x: Tensor, y: Tensor, monitor?: boolean) => StepResult<S> & { chunks: number } {
  const loss = resolveLoss(options.loss);
  const { optimizer, regularizer, truncate } = options;
  if (!Number.isInteger(truncate) || truncate < 1) throw new NablaError(`fit: truncate must be an integer ≥ 1 (time steps per chunk), got ${truncate}`);
  let carried: CarriedState = null;
  const objective = (p: Params, x: Tensor, y: Tensor): [Tensor, [Tensor, CarriedState]] => {
    const run = forwardCarrying(model.withParams(p), x, carried);
    const value = loss(run.output, alignTargets(run.output, y));
    return [regularizer ? add(value, regularizer(p)) : value, [run.output, run.state]];
  };
  const differentiate = valueAndGrad(objective, { hasAux: true });
  return (params, state, x, y, monitor = false) => {
    checkSequences(model, x, y);
    carried = null;
    const time = x.shape[1]!;
    const outputs: Tensor[] = [];
    let lossSum = 0;
    let flow: StepResult<S>["flow"];
    for (let t0 = 0; t0 < time; t0 += truncate) {
      const len = Math.min(truncate, time - t0);
      const record = monitor && t0 === 0;
      const { result: [[value, [output, next]], grads], activations } = record
        ? recordActivations(model, () => differentiate(params, steps(x, t0, len), steps(y, t0, len)))
        : { result: differentiate(params, steps(x, t0, len), steps(y, t0, len)), activations: [] };
      const [updates, nextState] = optimizer.update(grads, state, params);
      if (record) {
        const layers = layerFlows(params, grads, updates as Params);
        flow = { layers, activations, warnings: flowWarnings(layers, activations, options.thresholds) };
      }
      params = applyUpdates(params, updates);
      state = nextState as S;
      carried = detach(next);
      lossSum += (typeof value === "number" ? value : value.item()) * len;
      outputs.push(output);
    }
    return { params, state, loss: lossSum / time, output: concat(outputs, 1), chunks: outputs.length, ...(flow ? { flow } : {}) };
  };
}
