/**
 * The gradient-flow monitor during fit on a 20-layer network: with sigmoids the early layers'
 * gradients vanish by orders of magnitude; with ReLU (He initialisation) and with residual
 * connections around the sigmoid layers they stay within an order of magnitude.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const nn = nb.nn;
const [width, depth] = [16, 20];
const x = nb.randn([64, width], { seed: 0 });
const y = nb.tensor(Array.from({ length: 64 }, (_, i) => i % 2));

function deepNet(block: (i: number) => nb.nn.Module[]): nb.nn.Module {
  return new nn.Sequential(...Array.from({ length: depth }, (_, i) => block(i)).flat(), new nn.Linear(width, 2, { seed: 100 }));
}

/** The gradient norms of the 20 hidden layers at the first step of fit, first layer first. */
function hiddenGradientNorms(model: nb.nn.Module) {
  const result = nn.fit(model, { x, y }, { loss: "crossEntropy", optimizer: nb.optim.sgd({ lr: 0.1 }), epochs: 1, batchSize: 64, quiet: true });
  const first = result.gradientFlow[0]!;
  return { norms: first.layers.slice(0, depth).map((l) => l.gradientNorm), snapshot: first, warnings: result.warnings };
}

const spread = (norms: number[]) => Math.max(...norms) / Math.min(...norms);

describe("gradient flow through 20 layers", () => {
  test("sigmoid: the early layers' gradients collapse by orders of magnitude, with warnings", () => {
    const { norms, snapshot, warnings } = hiddenGradientNorms(deepNet((i) => [new nn.Linear(width, width, { seed: i }), new nn.Sigmoid()]));
    expect(norms[depth - 1]! / norms[0]!).toBeGreaterThan(1e8);
    expect(warnings[0]).toMatch(/^vanishing gradient in layers\.0: norm/);
    expect(snapshot.activations.map((a) => a.kind)).toEqual(new Array(depth).fill("sigmoid"));
    expect(snapshot.layers[0]!.updateRatio).toBeLessThan(1e-10);
  });

  test("ReLU with He initialisation: within an order of magnitude", () => {
    const { norms, snapshot } = hiddenGradientNorms(deepNet((i) => [new nn.Linear(width, width, { seed: i, init: "heNormal" }), new nn.ReLU()]));
    expect(spread(norms)).toBeLessThan(10);
    for (const a of snapshot.activations) expect(a.deadFraction).toBeLessThan(1);
  });

  test("residual connections around the sigmoid layers: within an order of magnitude", () => {
    // Pre-activation blocks x + W·σ(x) (He et al. 2016): the identity path carries the gradient.
    const { norms, warnings } = hiddenGradientNorms(deepNet((i) => [new nn.Residual(new nn.Sequential(new nn.Sigmoid(), new nn.Linear(width, width, { seed: i })))]));
    expect(spread(norms)).toBeLessThan(10);
    expect(warnings).toEqual([]);
  });

  test("dead ReLUs and exploding gradients are reported", () => {
    const dead = new nn.Sequential(new nn.Linear(2, 4, { init: "zeros" }), new nn.ReLU(), new nn.Linear(4, 1, { seed: 0 }));
    const flow = nn.gradientFlow(dead, nn.mseLoss, nb.randn([8, 2], { seed: 1 }), nb.ones([8, 1]));
    expect(flow.activations).toEqual([{ layer: "layers.1", kind: "relu", deadFraction: 1 }]);
    expect(flow.warnings).toContain("100% dead ReLU units in layers.1");
    const big = new nn.Linear(2, 1, { seed: 0 });
    const exploding = nn.gradientFlow(big, nn.mseLoss, nb.mul(nb.ones([4, 2]), 1e4), nb.zeros([4, 1]));
    expect(exploding.warnings[0]).toMatch(/^exploding gradient in \(root\)/);
  });
});
