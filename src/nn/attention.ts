/** Multi-head self-attention with scaled dot products and an optional causal mask. */
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { tensor } from "../tensor/create.js";
import { div, where } from "../ops/primitives/elementwise.js";
import { reshape, transpose } from "../ops/primitives/shape.js";
import { matmul, softmax } from "../ops/composite.js";
import { type ModuleConfig, Module } from "./module.js";
import { type LayerOptions, Linear, checkSize } from "./layers.js";

/** Options of MultiHeadSelfAttention. */
export interface AttentionOptions extends LayerOptions {
  /** Position t attends only to positions ≤ t (for autoregressive models). Default false. */
  causal?: boolean;
}

/**
 * Self-attention (Vaswani et al. 2017) over inputs [length, dim] or [batch, length, dim]:
 * each head computes softmax(QKᵀ/√d_head)·V, heads are concatenated and projected. With
 * `causal`, position t sees positions ≤ t only. Parameters are four Linear layers:
 * `query`, `key`, `value` and `output`, each [dim, dim].
 * @example
 * const attn = new nb.nn.MultiHeadSelfAttention(8, 2, { causal: true, seed: 0 });
 * attn.forward(nb.randn([3, 5, 8], { seed: 1 })).shape; // => [3, 5, 8]
 * // Causality: changing a later position leaves earlier outputs unchanged.
 * const x = nb.randn([4, 8], { seed: 2 });
 * const changed = nb.concat([x.slice([0, 0], [3, 8]), nb.ones([1, 8])], 0);
 * nb.sub(attn.forward(x), attn.forward(changed)).slice([0, 0], [3, 8]).abs().max().item(); // => 0
 */
export class MultiHeadSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;
  readonly causal: boolean;

  constructor(readonly dim: number, readonly heads: number, options: AttentionOptions = {}) {
    super();
    checkSize(dim, "MultiHeadSelfAttention", "dim");
    checkSize(heads, "MultiHeadSelfAttention", "heads");
    if (dim % heads !== 0) throw new NablaError(`MultiHeadSelfAttention: dim ${dim} must be divisible by the number of heads ${heads}`);
    this.causal = options.causal ?? false;
    const seed = (k: number) => (options.seed === undefined ? {} : { seed: options.seed + k });
    this.query = new Linear(dim, dim, { ...options, ...seed(0) });
    this.key = new Linear(dim, dim, { ...options, ...seed(1) });
    this.value = new Linear(dim, dim, { ...options, ...seed(2) });
    this.output = new Linear(dim, dim, { ...options, ...seed(3) });
  }

  forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.dim) {
      throw new NablaError(`MultiHeadSelfAttention: expected inputs [length, ${this.dim}] or [batch, length, ${this.dim}], got ${formatShape(x.shape)}`);
    }
    const batched = x.ndim === 3 ? x : reshape(x, [1, ...x.shape]);
    const [b, t] = batched.shape as [number, number, number];
    const dHead = this.dim / this.heads;
    // [b, t, dim] → [b, heads, t, dHead]
    const split = (y: Tensor) => transpose(reshape(y, [b, t, this.heads, dHead]), [0, 2, 1, 3]);
    const q = split(this.query.forward(batched));
    const k = split(this.key.forward(batched));
    const v = split(this.value.forward(batched));
    let scores = div(matmul(q, transpose(k, [0, 1, 3, 2])), Math.sqrt(dHead));
    // −∞ scores get weight exactly 0; their gradient is exactly 0 too, as where passes none to the unselected branch.
    if (this.causal) scores = where(causalMask(t), scores, -Infinity);
    const heads = matmul(softmax(scores, -1), v);
    const merged = reshape(transpose(heads, [0, 2, 1, 3]), [b, t, this.dim]);
    const out = this.output.forward(merged);
    return x.ndim === 3 ? out : reshape(out, [t, this.dim]);
  }

  config(): ModuleConfig {
    return { type: "MultiHeadSelfAttention", dim: this.dim, heads: this.heads, causal: this.causal };
  }
}

/** 1 where query position i may see key position j (j ≤ i), else 0. */
function causalMask(t: number): Tensor {
  return tensor(Array.from({ length: t * t }, (_, f) => (f % t <= Math.floor(f / t) ? 1 : 0)), { shape: [t, t] });
}
