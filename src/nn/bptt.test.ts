import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

/** The delay task: y_t = x_{t−2}, which a recurrent layer must remember for two steps. */
function delayed(n: number, time: number, seed: number): { x: nb.Tensor; y: nb.Tensor } {
  const x = nb.randn([n, time, 1], { seed });
  const y = nb.concat([nb.zeros([n, 2, 1]), x.slice([0, 0, 0], [n, time - 2, 1])], 1);
  return { x, y };
}

const model = () => new nb.nn.Sequential(new nb.nn.GRU(1, 8, { seed: 0 }), new nb.nn.Linear(8, 1, { seed: 1 }));

describe("truncated backpropagation through time", () => {
  test("with chunks as long as the sequence it is fit's ordinary step, exactly", () => {
    const m = model();
    const { x, y } = delayed(4, 12, 1);
    const optimizer = nb.optim.sgd({ lr: 0.1 });
    const params = m.parameters();
    const plain = nb.nn.trainingStep(m, { loss: "mse", optimizer })(params, optimizer.init(params), x, y);
    const truncated = nb.nn.truncatedStep(m, { loss: "mse", optimizer, truncate: 12 })(params, optimizer.init(params), x, y);
    expect(truncated.loss).toBe(plain.loss);
    for (const k of Object.keys(params)) expect(nb.max(nb.abs(nb.sub(truncated.params[k]!, plain.params[k]!))).item(), k).toBe(0);
  });

  test("each chunk is one SGD update from the state the last chunk left, as a constant (written out by hand)", () => {
    const m = model();
    const { x, y } = delayed(4, 12, 2);
    const optimizer = nb.optim.sgd({ lr: 0.1 });
    const params = m.parameters();
    const r = nb.nn.truncatedStep(m, { loss: "mse", optimizer, truncate: 5 })(params, optimizer.init(params), x, y);
    expect(r.chunks).toBe(3);
    expect(r.output.shape).toEqual([4, 12, 1]);
    let p = params;
    let state: nb.nn.CarriedState = null;
    for (const [t0, len] of [[0, 5], [5, 5], [10, 2]] as const) {
      const xc = x.slice([0, t0, 0], [4, len, 1]);
      const yc = y.slice([0, t0, 0], [4, len, 1]);
      const from: nb.nn.CarriedState = state;
      const g = nb.grad((q: nb.nn.Params) => nb.nn.mseLoss(nb.nn.forwardCarrying(m.withParams(q), xc, from).output, yc))(p);
      state = nb.nn.forwardCarrying(m.withParams(p), xc, from).state;
      p = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, nb.sub(v, nb.mul(0.1, g[k]!))]));
    }
    for (const k of Object.keys(params)) expect(nb.max(nb.abs(nb.sub(r.params[k]!, p[k]!))).item(), k).toBeLessThan(1e-14);
  });

  test("fit with truncate learns the delay task on sequences of 60 steps in chunks of 10, with gradients clipped", () => {
    const train = delayed(32, 60, 3);
    const test = delayed(8, 60, 4);
    const m = model();
    const before = nb.nn.evaluate(m, test, { loss: "mse" }).loss!;
    const { model: trained, history } = nb.nn.fit(m, train, {
      loss: "mse", truncate: 10, epochs: 12, batchSize: 8, quiet: true, metrics: [],
      optimizer: nb.optim.chain(nb.optim.clipByGlobalNorm(1), nb.optim.adam({ lr: 0.02 })),
    });
    const after = nb.nn.evaluate(trained, test, { loss: "mse" }).loss!;
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
    expect(after).toBeLessThan(0.25 * before);
  });

  test("errors say what truncation needs", () => {
    const { x, y } = delayed(2, 6, 5);
    const fit = (m: nb.nn.Module, options: Partial<nb.nn.FitOptions>, data = { x, y }) => nb.nn.fit(m, data, { loss: "mse", quiet: true, epochs: 1, truncate: 3, ...options });
    expect(() => fit(new nb.nn.Linear(1, 1), {})).toThrow("truncate needs a model with a recurrent layer");
    expect(() => fit(model(), { truncate: 0 })).toThrow("truncate must be an integer ≥ 1");
    expect(() => fit(model(), {}, { x, y: nb.zeros([2, 1]) })).toThrow("truncate needs a target for every time step");
    expect(() => fit(new nb.nn.Residual(new nb.nn.RNN(1, 1)), {})).toThrow("nests one elsewhere");
  });
});
