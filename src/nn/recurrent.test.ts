import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

type Nested = number | Nested[];
interface Case {
  x: Nested; h0: Nested; c0?: Nested; u: Nested; v: Nested; w?: Nested;
  params: Record<string, Nested>; grads: Record<string, Nested>;
  output: Nested; hn: Nested; cn?: Nested; gradX: Nested; gradH0: Nested; gradC0?: Nested; loss: number;
}
/** PyTorch 1.13's outputs and gradients for the same weights: see recurrent-reference.py beside this file. */
const reference = JSON.parse(readFileSync(new URL("./recurrent-reference.json", import.meta.url), "utf8")) as Record<string, Case> & {
  meta: { input: number; hidden: number; layers: number };
};
const { input, hidden, layers } = reference.meta;

function build(name: string): nb.nn.RNN | nb.nn.LSTM | nb.nn.GRU {
  if (name === "LSTM") return new nb.nn.LSTM(input, hidden, { numLayers: layers, seed: 0 });
  if (name === "GRU") return new nb.nn.GRU(input, hidden, { numLayers: layers, seed: 0 });
  return new nb.nn.RNN(input, hidden, { numLayers: layers, nonlinearity: name === "RNN-relu" ? "relu" : "tanh", seed: 0 });
}

const t = (a: Nested): nb.Tensor => nb.tensor(a as number[]);

function maxDiff(a: nb.Tensor, b: Nested): number {
  return nb.max(nb.abs(nb.sub(a, t(b)))).item() / Math.max(1, nb.max(nb.abs(t(b))).item());
}

describe.each(["RNN-tanh", "RNN-relu", "LSTM", "GRU"])("%s against PyTorch (float64, same weights)", (name) => {
  const ref = reference[name]!;
  const model = build(name);
  const params = Object.fromEntries(Object.entries(ref.params).map(([k, v]) => [k, t(v)]));
  const lstm = ref.c0 !== undefined;
  const loss = (p: nb.nn.Params, x: nb.Tensor, h0: nb.Tensor, c0: nb.Tensor): nb.Tensor => {
    const m = model.withParams(p);
    if (m instanceof nb.nn.LSTM) {
      const { output, state } = m.forwardWithState(x, { h: h0, c: c0 });
      return nb.add(nb.add(nb.sum(nb.mul(output, t(ref.u))), nb.sum(nb.mul(state.h, t(ref.v)))), nb.sum(nb.mul(state.c, t(ref.w!))));
    }
    const { output, state } = (m as nb.nn.RNN).forwardWithState(x, h0);
    return nb.add(nb.sum(nb.mul(output, t(ref.u))), nb.sum(nb.mul(state, t(ref.v))));
  };
  const c0 = lstm ? t(ref.c0!) : nb.zeros([1]);

  test("outputs and final states", () => {
    const m = model.withParams(params);
    const run = m instanceof nb.nn.LSTM ? m.forwardWithState(t(ref.x), { h: t(ref.h0), c: c0 }) : (m as nb.nn.RNN).forwardWithState(t(ref.x), t(ref.h0));
    expect(maxDiff(run.output, ref.output)).toBeLessThan(1e-12);
    const state = run.state as nb.Tensor | nb.nn.LSTMState;
    expect(maxDiff(state instanceof nb.Tensor ? state : state.h, ref.hn)).toBeLessThan(1e-12);
    if (lstm) expect(maxDiff((state as nb.nn.LSTMState).c, ref.cn!)).toBeLessThan(1e-12);
  });

  test("gradients with respect to every weight, the input and the initial state (BPTT)", () => {
    const argnums = lstm ? [0, 1, 2, 3] : [0, 1, 2];
    const [value, grads] = nb.valueAndGrad(loss, { argnums })(params, t(ref.x), t(ref.h0), c0) as unknown as [nb.Tensor, [nb.nn.Params, nb.Tensor, nb.Tensor, nb.Tensor?]];
    expect(Math.abs(value.item() - ref.loss)).toBeLessThan(1e-10 * Math.max(1, Math.abs(ref.loss)));
    for (const [k, g] of Object.entries(ref.grads)) expect(maxDiff(grads[0][k]!, g), k).toBeLessThan(1e-10);
    expect(maxDiff(grads[1], ref.gradX)).toBeLessThan(1e-10);
    expect(maxDiff(grads[2], ref.gradH0)).toBeLessThan(1e-10);
    if (lstm) expect(maxDiff(grads[3]!, ref.gradC0!)).toBeLessThan(1e-10);
  });

  // A relu cell has kinks where a central difference straddles zero; its gradients are held to PyTorch's above.
  test.skipIf(name === "RNN-relu")("passes nb.checkGrad in float64 (reverse mode against finite differences)", () => {
    const small = build(name);
    const x = nb.randn([2, 3, input], { seed: 5 });
    const keys = Object.keys(small.parameters());
    const f = (...ws: nb.Tensor[]) => nb.sum(nb.tanh(small.withParams(Object.fromEntries(keys.map((k, i) => [k, ws[i]!]))).forward(x)));
    const result = nb.checkGrad(f, Object.values(small.parameters()));
    expect(result.ok, JSON.stringify(result.worst ?? result)).toBe(true);
  });
});

describe("recurrent layers", () => {
  test("weights start uniform in ±1/√hidden, as PyTorch's do", () => {
    const lstm = new nb.nn.LSTM(10, 16, { seed: 3 });
    for (const p of Object.values(lstm.parameters())) expect(nb.max(nb.abs(p)).item()).toBeLessThanOrEqual(0.25);
    expect(lstm.parameters().weightHh0!.shape).toEqual([16, 64]);
  });

  test("carrying the final state into the next chunk equals one run over the whole sequence", () => {
    const gru = new nb.nn.GRU(2, 3, { numLayers: 2, seed: 1 });
    const x = nb.randn([2, 6, 2], { seed: 2 });
    const whole = gru.forward(x);
    const first = gru.forwardWithState(x.slice([0, 0, 0], [2, 4, 2]));
    const second = gru.forwardWithState(x.slice([0, 4, 0], [2, 2, 2]), first.state);
    expect(nb.max(nb.abs(nb.sub(whole.slice([0, 4, 0], [2, 2, 3]), second.output))).item()).toBeLessThan(1e-15);
  });

  test("bad inputs and states get errors that name the expected shape", () => {
    const rnn = new nb.nn.RNN(3, 4, { numLayers: 2 });
    expect(() => rnn.forward(nb.ones([2, 3]))).toThrow("RNN: expected inputs [batch, time, 3], got [2, 3]");
    expect(() => rnn.forwardWithState(nb.ones([2, 5, 3]), nb.zeros([1, 2, 4]))).toThrow("must have shape [2, 2, 4]");
    expect(() => new nb.nn.LSTM(3, 0)).toThrow("hiddenSize must be a positive integer");
    expect(() => new nb.nn.RNN(3, 4, { nonlinearity: "gelu" as "tanh" })).toThrow('nonlinearity must be "tanh" or "relu"');
  });

  test("model files round-trip every recurrent layer", () => {
    for (const model of [new nb.nn.RNN(3, 4, { numLayers: 2, nonlinearity: "relu", seed: 0 }), new nb.nn.LSTM(3, 4, { seed: 1 }), new nb.nn.GRU(3, 4, { seed: 2 })]) {
      const copy = nb.nn.modelFromJson(nb.nn.modelToJson(model));
      const x = nb.randn([2, 3, 3], { seed: 4 });
      expect(nb.max(nb.abs(nb.sub(copy.forward(x), model.forward(x)))).item()).toBe(0);
    }
  });
});

describe("gradient flow through time", () => {
  // The loss reads only the last step, so ‖∂loss/∂x_t‖ measures what reaches step t from the end.
  const lastStep = (out: nb.Tensor, y: nb.TensorLike) => nb.nn.mseLoss(out.slice([0, out.shape[1]! - 1, 0], [out.shape[0]!, 1, out.shape[2]!]), y);
  const x = nb.randn([4, 40, 3], { seed: 7 });
  const y = nb.ones([4, 1, 8]);

  test("a tanh RNN's gradient vanishes over 40 steps and the monitor says so; an LSTM's reaches further", () => {
    const rnn = nb.nn.gradientFlow(new nb.nn.RNN(3, 8, { seed: 1 }), lastStep, x, y);
    const lstm = nb.nn.gradientFlow(new nb.nn.LSTM(3, 8, { seed: 1 }), lastStep, x, y);
    const share = (s: number[]) => s[0]! / Math.max(...s);
    expect(rnn.timeSteps).toHaveLength(40);
    expect(share(rnn.timeSteps!)).toBeLessThan(1e-3);
    expect(rnn.warnings.some((w) => w.startsWith("vanishing gradient through time"))).toBe(true);
    expect(share(lstm.timeSteps!)).toBeGreaterThan(share(rnn.timeSteps!));
  });

  test("the per-step norms are the norms of the input gradient", () => {
    const model = new nb.nn.GRU(3, 8, { seed: 2 });
    const flow = nb.nn.gradientFlow(model, lastStep, x, y);
    const gx = nb.grad((input: nb.Tensor) => lastStep(model.forward(input), y))(x);
    const expected = nb.sqrt(nb.sum(nb.square(gx), [0, 2])).toArray() as number[];
    flow.timeSteps!.forEach((n, t) => expect(n).toBeCloseTo(expected[t]!, 12));
  });

  test("models without a recurrent layer report no time steps", () => {
    const flow = nb.nn.gradientFlow(new nb.nn.Linear(3, 8, { seed: 0 }), nb.nn.mseLoss, x, nb.zeros([4, 40, 8]));
    expect(flow.timeSteps).toBeUndefined();
  });
});
