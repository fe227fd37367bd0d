/** Graph convolution (Kipf & Welling 2017): each node mixes its neighbours' features. */
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { add, div, mul, sqrt } from "../ops/primitives/elementwise.js";
import { reshape } from "../ops/primitives/shape.js";
import { sum } from "../ops/primitives/reduce.js";
import { eye } from "../tensor/create.js";
import { matmul } from "../ops/composite.js";
import { type ModuleConfig, Module } from "./module.js";
import { type LinearOptions, checkSize } from "./layers.js";
import { initializerNamed, zeros } from "./init.js";

/**
 * The renormalised propagation matrix D^-½ (A + I) D^-½ of a dense adjacency A [n, n], where
 * D is the degree matrix of A + I: every node keeps its own features (the self-loop) and the
 * symmetric scaling keeps repeated propagation from growing or shrinking features by degree.
 * @example
 * nb.nn.normalizedAdjacency(nb.tensor([[0, 1], [1, 0]])).toArray(); // => [[0.5, 0.5], [0.5, 0.5]]
 */
export function normalizedAdjacency(adjacency: Tensor): Tensor {
  if (adjacency.ndim !== 2 || adjacency.shape[0] !== adjacency.shape[1]) {
    throw new NablaError(`GraphConv: the adjacency must be a square [n, n] matrix, got ${formatShape(adjacency.shape)}`);
  }
  const n = adjacency.shape[0]!;
  const withLoops = add(adjacency, eye(n, { dtype: adjacency.dtype }));
  const scale = div(1, sqrt(sum(withLoops, 1)));
  return mul(mul(reshape(scale, [n, 1]), withLoops), reshape(scale, [1, n]));
}

/**
 * H′ = Â·H·W + b with Â = D^-½(A + I)D^-½ (see normalizedAdjacency); W is [in, out], the bias is
 * added after aggregation. Inputs are node features [n, in] and a dense adjacency [n, n].
 * @example
 * const conv = new nb.nn.GraphConv(3, 2, { seed: 0 });
 * const club = nb.data.karateClub();
 * conv.forward(nb.ones([34, 3]), club.adjacency).shape; // => [34, 2]
 */
export class GraphConv extends Module {
  weight: Tensor;
  bias?: Tensor;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    checkSize(inFeatures, "GraphConv", "inFeatures");
    checkSize(outFeatures, "GraphConv", "outFeatures");
    this.weight = initializerNamed(options.init ?? "glorotUniform")([inFeatures, outFeatures], options);
    if (options.bias ?? true) this.bias = zeros([outFeatures], options);
  }

  /** `adjacency` is required: a graph layer has nothing to aggregate without it. */
  forward(x: Tensor, adjacency?: Tensor): Tensor {
    if (adjacency === undefined) throw new NablaError("GraphConv: forward(x, adjacency) needs the graph's [n, n] adjacency matrix");
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures || x.shape[0] !== adjacency.shape[0]) {
      throw new NablaError(`GraphConv: expected node features [${adjacency.shape[0]}, ${this.inFeatures}] for a graph of ${adjacency.shape[0]} nodes, got ${formatShape(x.shape)}`);
    }
    const y = matmul(normalizedAdjacency(adjacency), matmul(x, this.weight));
    return this.bias ? add(y, this.bias) : y;
  }

  config(): ModuleConfig {
    return { type: "GraphConv", inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== undefined };
  }
}
