/**
 * Random keys for layers: `withKey(key, body)` makes a key current while body runs (a
 * training step, a forward pass), and each random layer (Dropout) that runs inside takes its
 * own key from it, `foldIn(key, i)` for the i-th draw, in call order. So a model's dropout
 * masks are a function of the step's key alone: the same eagerly and in a `nb.jit`-compiled
 * step, where the key is an argument of the program rather than a constant baked into it.
 */
import type { Tensor } from "../tensor/tensor.js";
import { foldIn } from "../ops/random.js";

let current: { key: Tensor; draws: number } | null = null;

/**
 * Runs body with `key` as the current key of random layers, and returns its result.
 * @example
 * const drop = new nb.nn.Dropout(0.5);
 * const x = nb.ones([8]);
 * const key = nb.random.key(0);
 * const a = nb.nn.withKey(key, () => drop.forward(x)).toArray();
 * nb.nn.withKey(key, () => drop.forward(x)).toArray(); // => a
 */
export function withKey<R>(key: Tensor, body: () => R): R {
  const saved = current;
  current = { key, draws: 0 };
  try {
    return body();
  } finally {
    current = saved;
  }
}

/** The next layer's key inside withKey, or undefined outside it. */
export function nextLayerKey(): Tensor | undefined {
  if (current === null) return undefined;
  return foldIn(current.key, current.draws++);
}
