import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

/**
 * A two-layer GCN, as Kipf & Welling's semi-supervised node classifier. The graph sits in a
 * plain object: a Tensor field would be a trainable parameter.
 */
class Gcn extends nb.nn.Module {
  first = new nb.nn.GraphConv(34, 8, { seed: 1 });
  second = new nb.nn.GraphConv(8, 2, { seed: 2 });
  readonly graph: { adjacency: nb.Tensor };
  constructor(adjacency: nb.Tensor) {
    super();
    this.graph = { adjacency };
  }
  forward(x: nb.Tensor): nb.Tensor {
    return this.second.forward(nb.tanh(this.first.forward(x, this.graph.adjacency)), this.graph.adjacency);
  }
  config() {
    return { type: "Gcn" };
  }
}

describe("GraphConv", () => {
  test("propagates with D^-½(A+I)D^-½, computed by hand for a path of three nodes", () => {
    const a = nb.tensor([[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
    // Degrees with self-loops: 2, 3, 2.
    const s = [1 / Math.sqrt(2), 1 / Math.sqrt(3), 1 / Math.sqrt(2)];
    const expected = [[s[0]! * s[0]!, s[0]! * s[1]!, 0], [s[1]! * s[0]!, s[1]! * s[1]!, s[1]! * s[2]!], [0, s[2]! * s[1]!, s[2]! * s[2]!]];
    const got = nb.nn.normalizedAdjacency(a).toArray() as number[][];
    got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 15)));
    const conv = new nb.nn.GraphConv(2, 1, { seed: 0 });
    const x = nb.tensor([[1, 0], [0, 1], [1, 1]]);
    const manual = nb.add(nb.matmul(nb.tensor(expected), nb.matmul(x, conv.weight)), conv.bias!);
    expect(nb.max(nb.abs(nb.sub(conv.forward(x, a), manual))).item()).toBeLessThan(1e-15);
  });

  test("gradients pass nb.checkGrad in float64", () => {
    const club = nb.data.karateClub();
    const conv = new nb.nn.GraphConv(4, 3, { seed: 0 });
    const x = nb.randn([34, 4], { seed: 1 });
    const r = nb.checkGrad((w: nb.Tensor, b: nb.Tensor) => nb.sum(nb.tanh(conv.withParams({ weight: w, bias: b }).forward(x, club.adjacency))), [conv.weight, conv.bias!]);
    expect(r.ok).toBe(true);
  });

  test("learns the karate club's split from two labelled members (semi-supervised node classification)", () => {
    const club = nb.data.karateClub();
    const model = new Gcn(club.adjacency);
    const x = nb.eye(34);
    const labelled = [0, 33];
    const loss = (p: nb.nn.Params) => {
      const logits = nb.gather(model.withParams(p).forward(x), labelled, 0);
      return nb.nn.softmaxCrossEntropy(logits, nb.tensor([0, 1]));
    };
    const opt = nb.optim.adam({ lr: 0.05 });
    let params = model.parameters();
    let state = opt.init(params);
    for (let i = 0; i < 100; i++) ({ params, state } = opt.step(params, nb.grad(loss)(params), state));
    const predicted = nb.nn.predictClasses(model.withParams(params).forward(x));
    const accuracy = nb.nn.accuracy(club.y, predicted);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  test("errors name the shapes", () => {
    const conv = new nb.nn.GraphConv(3, 2);
    expect(() => conv.forward(nb.ones([4, 3]))).toThrow("needs the graph's [n, n] adjacency");
    expect(() => conv.forward(nb.ones([4, 3]), nb.ones([4, 5]))).toThrow("must be a square [n, n] matrix, got [4, 5]");
    expect(() => conv.forward(nb.ones([4, 2]), nb.ones([4, 4]))).toThrow("expected node features [4, 3]");
  });
});
