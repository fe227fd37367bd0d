/** curvatureMonitor on linear regression, whose MSE Hessian is known in closed form. */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

describe("curvatureMonitor", () => {
  const x = nb.randn([40, 3], { seed: 7 });
  const y = nb.add(nb.matmul(x, nb.tensor([1, -2, 0.5])), 0.3);
  // MSE of Xw + b: H = (2/n)·AᵀA with A = [X, 1], the same at every point.
  const A = nb.concat([x, nb.ones([40, 1])], 1);
  const H = nb.mul(2 / 40, nb.matmul(nb.transpose(A), A));
  const exact = nb.numeric.symmetricEigen(H).values;
  const lambdaMax = exact.at(-1)!;
  const trace = exact.reduce((a, b) => a + b, 0);

  test("records λmax and the trace of the exact Hessian, and the gradient norm", () => {
    const monitor = nb.landscape.curvatureMonitor({ data: { x, y }, loss: "mse", lr: 0.01, traceSamples: 30 });
    nb.nn.fit(new nb.nn.Linear(3, 1, { seed: 1 }), { x, y }, { loss: "mse", optimizer: nb.optim.sgd({ lr: 0.01 }), epochs: 2, batchSize: 40, quiet: true, callbacks: [monitor] });
    expect(monitor.history.map((r) => r.epoch)).toEqual([1, 2]);
    for (const r of monitor.history) {
      expect(r.lambdaMax).toBeCloseTo(lambdaMax, 6);
      expect(Math.abs(r.trace! - trace)).toBeLessThan(5 * r.traceStderr! + 1e-9);
      expect(r.edgeRatio).toBeCloseTo((lambdaMax * 0.01) / 2, 6);
      expect(r.gradNorm).toBeGreaterThan(0);
    }
    expect(monitor.warnings).toEqual([]);
  });

  test("warns at the edge of stability when λmax ≥ 2/η, and the loss then grows", () => {
    const lr = 2.2 / lambdaMax;
    const monitor = nb.landscape.curvatureMonitor({ data: { x, y }, loss: "mse", lr, traceSamples: 0 });
    const r = nb.nn.fit(new nb.nn.Linear(3, 1, { seed: 1 }), { x, y }, { loss: "mse", optimizer: nb.optim.sgd({ lr }), epochs: 6, batchSize: 40, quiet: true, callbacks: [monitor] });
    expect(monitor.warnings[0]).toMatch(/^edge of stability: λmax = \S+ ≥ 2\/η/);
    expect(r.history.at(-1)!.loss).toBeGreaterThan(r.history[0]!.loss);
  });

  test("warns on a plateau", () => {
    const monitor = nb.landscape.curvatureMonitor({ data: { x, y }, loss: "mse", traceSamples: 0, patience: 2 });
    nb.nn.fit(new nb.nn.Linear(3, 1, { seed: 1 }), { x, y }, { loss: "mse", optimizer: nb.optim.sgd({ lr: 1e-7 }), epochs: 3, batchSize: 40, quiet: true, callbacks: [monitor] });
    expect(monitor.warnings.some((w) => w.startsWith("plateau:"))).toBe(true);
  });

  test("a deep linear net w₃w₂w₁x sharpens progressively, then hovers at the edge of stability 2/η", () => {
    // From small weights the curvature grows with them (H ∝ products of the other weights) until
    // λmax reaches 2/η, where full-batch gradient descent can no longer follow it (Cohen et al. 2021).
    const xs = nb.randn([32, 1], { seed: 3 });
    const net = new nb.nn.Sequential(new nb.nn.Linear(1, 1), new nb.nn.Linear(1, 1), new nb.nn.Linear(1, 1));
    const small = Object.fromEntries(Object.entries(nb.nn.parameters(net)).map(([k, t]) => [k, k.endsWith("bias") ? nb.zerosLike(t) : nb.full(t.shape, 0.3)]));
    const lr = 0.1;
    const monitor = nb.landscape.curvatureMonitor({ data: { x: xs, y: nb.mul(2, xs) }, loss: "mse", lr, traceSamples: 0 });
    nb.nn.fit(net.withParams(small), { x: xs, y: nb.mul(2, xs) }, { loss: "mse", optimizer: nb.optim.sgd({ lr }), epochs: 25, batchSize: 32, quiet: true, callbacks: [monitor] });
    expect(monitor.warnings.map((w) => w.slice(0, w.indexOf(":")))).toEqual(["sharpening", "edge of stability"]);
    for (const r of monitor.history.slice(-5)) expect(Math.abs(r.edgeRatio! - 1)).toBeLessThan(0.25);
  });
});
