import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const mlp = (inputs: number, outputs: number, seed: number) =>
  new nb.nn.Sequential(new nb.nn.Linear(inputs, 16, { seed }), new nb.nn.Tanh(), new nb.nn.Linear(16, 16, { seed: seed + 1 }), new nb.nn.Tanh(), new nb.nn.Linear(16, outputs, { seed: seed + 2 }));

describe("trainGan", () => {
  const ring = nb.nn.gaussianRing({ modes: 4, radius: 2, std: 0.1 });

  test("learns a 2-D mixture of four Gaussians: samples land on the modes", () => {
    const { sample, history } = nb.nn.trainGan(mlp(2, 2, 0), mlp(2, 1, 10), {
      sampleReal: (n, step) => ring.sample(n, 1000 + step), noiseDim: 2, steps: 400, batchSize: 64,
      generatorOptimizer: nb.optim.adam({ lr: 5e-3, b1: 0.5 }), discriminatorOptimizer: nb.optim.adam({ lr: 5e-3, b1: 0.5 }),
    });
    const { modesCovered, highQuality } = ring.coverage(sample(1000));
    // Before training the generator's samples sit near the origin, 2 away from every mode.
    expect(ring.coverage(mlp(2, 2, 0).forward(nb.randn([1000, 2], { seed: 3 }))).highQuality).toBeLessThan(0.05);
    // Trained (400 steps): 85% of samples within 0.3 of a mode, every mode holding about a quarter.
    expect(highQuality).toBeGreaterThan(0.7);
    expect(modesCovered).toBe(4);
    expect(history).toHaveLength(400);
    expect(history.every((h) => Number.isFinite(h.discriminatorLoss) && Number.isFinite(h.generatorLoss))).toBe(true);
  });

  test("simultaneous and alternating updates differ only in which discriminator the generator's gradient sees", () => {
    const common = { sampleReal: (n: number, step: number) => ring.sample(n, step), noiseDim: 2, steps: 1, batchSize: 8 };
    const a = nb.nn.trainGan(mlp(2, 2, 0), mlp(2, 1, 10), { ...common, updates: "alternating" });
    const s = nb.nn.trainGan(mlp(2, 2, 0), mlp(2, 1, 10), { ...common, updates: "simultaneous" });
    // The first discriminator step is the same; the generator's first loss is not.
    expect(a.history[0]!.discriminatorLoss).toBe(s.history[0]!.discriminatorLoss);
    expect(a.history[0]!.generatorLoss).not.toBe(s.history[0]!.generatorLoss);
    // At the start both players are untrained: D's loss −V is near log 4.
    expect(Math.abs(a.history[0]!.discriminatorLoss - Math.log(4))).toBeLessThan(0.2);
  });

  test("the losses are the game's: −V(D, G) for D, −log D(G(z)) or log(1 − D(G(z))) for G", () => {
    // With a discriminator that outputs logit 0 everywhere, D(x) = ½ for every sample.
    const d = new nb.nn.Linear(2, 1, { init: "zeros" });
    // Simultaneous updates: the generator's loss is read against the discriminator before its step.
    const common = { sampleReal: (n: number) => nb.zeros([n, 2]), noiseDim: 2, steps: 1, batchSize: 4, updates: "simultaneous" as const };
    const nonSat = nb.nn.trainGan(mlp(2, 2, 0), d, { ...common, generatorLoss: "nonSaturating" }).history[0]!;
    const minimax = nb.nn.trainGan(mlp(2, 2, 0), d, { ...common, generatorLoss: "minimax" }).history[0]!;
    expect(nonSat.discriminatorLoss).toBeCloseTo(2 * Math.LN2, 14);
    expect(nonSat.generatorLoss).toBeCloseTo(Math.LN2, 14);
    expect(minimax.generatorLoss).toBeCloseTo(-Math.LN2, 14);
  });

  test("options are checked", () => {
    const common = { sampleReal: (n: number) => nb.zeros([n, 2]), noiseDim: 2 };
    expect(() => nb.nn.trainGan(mlp(2, 2, 0), mlp(2, 1, 1), { ...common, steps: 0 })).toThrow("steps must be a positive integer");
    expect(() => nb.nn.trainGan(mlp(2, 2, 0), mlp(2, 1, 1), { ...common, steps: 1, updates: "both" as "alternating" })).toThrow('updates must be "alternating" or "simultaneous"');
  });
});
