/**
 * Noise that lets gradient methods leave saddle points. At a strict saddle the gradient
 * vanishes, so plain gradient descent started on the saddle's stable manifold stays there;
 * any perturbation with a component along a negative-curvature direction grows
 * geometrically. addNoise is optax's annealed Gaussian noise (Neelakantan et al. 2015);
 * perturbAtSaddles is the perturbed gradient descent of Jin, Ge, Netrapalli, Kakade & Jordan
 * (2017): when ‖g‖ is small, add a point drawn uniformly from a ball, at most once per interval.
 */
import { NablaError } from "../tensor/errors.js";
import { randn, rand } from "../tensor/create.js";
import { add, mul } from "../ops/primitives/elementwise.js";
import type { PyTree } from "../autodiff/pytree.js";
import { type Transform, leafwise, leavesOf, transform } from "./base.js";
import { globalNorm } from "./transforms.js";

/** The state of the noise transforms: steps taken (and for perturbAtSaddles, the last perturbed step). */
export type NoiseState = { count: number; lastPerturbed: number };

/**
 * Adds Gaussian noise of variance eta/(1 + t)^gamma to the updates at step t (optax.add_noise;
 * defaults eta 0.01, gamma 0.55 as in the paper). Seeded: the same seed gives the same noise.
 * @example
 * const t = nb.optim.addNoise({ eta: 0, seed: 1 });
 * t.update([1, 2], t.init([0, 0]))[0]; // => [1, 2]
 */
export function addNoise(options: { eta?: number; gamma?: number; seed?: number } = {}): Transform<NoiseState> {
  const { eta = 0.01, gamma = 0.55, seed = 0 } = options;
  if (!(eta >= 0)) throw new NablaError(`addNoise: eta must be ≥ 0, got ${eta}`);
  return transform<NoiseState>(
    () => ({ count: 0, lastPerturbed: -1 }),
    (updates, state) => {
      const std = Math.sqrt(eta / (1 + state.count) ** gamma);
      let k = 0;
      const noisy = leafwise((u) => add(u, mul(randn(u.shape, { seed: seed + 7919 * state.count + 104729 * k++, dtype: u.dtype }), std)), [updates], "addNoise");
      return [noisy, { count: state.count + 1, lastPerturbed: state.lastPerturbed }];
    },
  );
}

/** A point uniform in the ball of the given radius, shaped like the updates' leaves. */
function ballPoint(updates: PyTree, radius: number, seed: number): PyTree {
  let k = 0;
  const gaussian = leafwise((u) => randn(u.shape, { seed: seed + 104729 * k++, dtype: u.dtype }), [updates], "perturbAtSaddles");
  const n = leavesOf(updates, "perturbAtSaddles").reduce((s, u) => s + u.size, 0);
  const r = radius * rand([1], { seed: seed + 1 }).item() ** (1 / n);
  const norm = globalNorm(gaussian);
  return leafwise((g) => mul(g, norm > 0 ? r / norm : 0), [gaussian], "perturbAtSaddles");
}

/**
 * Perturbed gradient descent (Jin et al. 2017): when the gradient's global norm is at most
 * `threshold` and no perturbation came in the last `interval` steps, a point drawn uniformly
 * from the ball of radius `radius` is added to the gradient. Chain it before the learning
 * rate: `nb.optim.chain(nb.optim.perturbAtSaddles({radius: 1e-2}), nb.optim.scaleByLearningRate(0.1))`.
 * @example
 * const t = nb.optim.perturbAtSaddles({ radius: 0.1, threshold: 1e-3, seed: 2 });
 * const [u] = t.update([0, 0], t.init([0, 0]));
 * const size = Math.hypot(...(u as number[]));
 * size > 0 && size <= 0.1; // => true
 */
export function perturbAtSaddles(options: { radius?: number; threshold?: number; interval?: number; seed?: number } = {}): Transform<NoiseState> {
  const { radius = 1e-2, threshold = 1e-3, interval = 10, seed = 0 } = options;
  if (!(radius > 0) || !(threshold >= 0)) throw new NablaError("perturbAtSaddles: radius must be positive and threshold ≥ 0");
  return transform<NoiseState>(
    () => ({ count: 0, lastPerturbed: -Infinity }),
    (updates, state) => {
      const quiet = globalNorm(updates) <= threshold && state.count - state.lastPerturbed >= interval;
      if (!quiet) return [updates, { count: state.count + 1, lastPerturbed: state.lastPerturbed }];
      const kick = ballPoint(updates, radius, seed + 7919 * state.count);
      return [leafwise((u, e) => add(u, e), [updates, kick], "perturbAtSaddles"), { count: state.count + 1, lastPerturbed: state.count }];
    },
  );
}
