/** No manual memory management: graphs are released when unreachable, so memory stays flat. */
import { expect, test } from "vitest";
import * as nb from "../src/index.js";

const gc = (globalThis as { gc?: () => void }).gc;

test("10,000 grad calls on a 100×100 problem leave the heap flat", () => {
  expect(gc, "vitest.config.ts must run tests with --expose-gc").toBeDefined();
  const w = nb.randn([100, 100], { seed: 1 });
  const x = nb.randn([100, 1], { seed: 2 });
  const loss = (w: nb.Tensor) => nb.sum(nb.tanh(nb.matmul(w, x)));
  const run = (n: number) => {
    for (let i = 0; i < n; i++) nb.grad(loss)(w);
  };
  const heap = () => {
    gc!();
    gc!();
    return process.memoryUsage().heapUsed;
  };
  run(500); // warm up compiled code and caches
  const before = heap();
  run(10_000);
  const after = heap();
  // Each call allocates over 80 kB of gradient; a leak of even 1% per call would add 8 MB.
  expect(after - before).toBeLessThan(4 * 1024 * 1024);
});

test("2,000 compiled training steps (nb.nn.trainingStep with jit) leave the heap and the external memory flat", () => {
  const model = new nb.nn.Sequential(new nb.nn.Linear(20, 64, { seed: 0 }), new nb.nn.ReLU(), new nb.nn.Dropout(0.1), new nb.nn.Linear(64, 3, { seed: 1 }));
  const optimizer = nb.optim.adam({ lr: 1e-3 });
  const step = nb.nn.trainingStep(model, { loss: "crossEntropy", optimizer, jit: true });
  const x = nb.randn([32, 20], { seed: 2 });
  const y = nb.tensor(Array.from({ length: 32 }, (_, i) => i % 3));
  let params = model.parameters();
  let state = optimizer.init(params);
  const key = nb.random.key(0);
  let t = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++, t++) ({ params, state } = step(params, state, x, y, false, nb.random.foldIn(key, t)));
  };
  const memory = () => {
    gc!();
    gc!();
    const m = process.memoryUsage();
    return m.heapUsed + m.external + m.arrayBuffers;
  };
  run(100);
  const before = memory();
  run(2_000);
  const after = memory();
  // Each step allocates about 80 kB (parameters, moments, activations); a leak of 1% per step would add 1.6 MB.
  expect(after - before, `grew by ${after - before} bytes`).toBeLessThan(1024 * 1024);
});
