/**
 * Sharpness-aware minimisation (Foret, Kleiner, Mobahi & Neyshabur 2021) as a transform, in
 * the two-call form of optax.contrib.sam: SAM minimises max_{‖e‖≤ρ} L(θ + e), whose gradient
 * is (to first order) ∇L at θ + ρ∇L/‖∇L‖. The first call of update takes ∇L(θ) and returns
 * the ascent step e = ρg/‖g‖ (params move to θ + e); the second takes the gradient there,
 * lets the wrapped optimizer turn it into an update u, and returns u − e (params move to θ + u).
 */
import { NablaError } from "../tensor/errors.js";
import { mul, sub } from "../ops/primitives/elementwise.js";
import type { PyTree } from "../autodiff/pytree.js";
import { type Transform, leafwise, transform } from "./base.js";
import { globalNorm } from "./transforms.js";

/** SAM's state: which half of the step comes next, the ascent taken, and the wrapped optimizer's state. */
export type SamState = { ascent: number; perturbation: PyTree; inner: PyTree };

/**
 * Wraps an optimizer in sharpness-aware minimisation with neighbourhood radius `rho` (default
 * 0.05). Each SAM step is two calls of update/step, each with the gradient at the current
 * params: the first moves to the worst nearby point, the second takes the optimizer's step
 * from the original params with the gradient found there.
 * @example
 * // L(θ) = θ²: from θ = 1, the ascent goes to 1 + ρ = 1.5, whose gradient 3 drives the SGD step.
 * const opt = nb.optim.sam(nb.optim.sgd({ lr: 0.1 }), { rho: 0.5 });
 * let state = opt.init([1]);
 * let params = [1];
 * ({ params, state } = opt.step(params, [2 * params[0]!], state));
 * params; // => [1.5]
 * ({ params, state } = opt.step(params, [2 * params[0]!], state));
 * params.map((v) => Math.round(v * 1e12) / 1e12); // => [0.7]
 */
export function sam(optimizer: Transform, options: { rho?: number } = {}): Transform<SamState> {
  const { rho = 0.05 } = options;
  if (!(rho > 0)) throw new NablaError(`sam: rho must be positive, got ${rho}`);
  return transform<SamState>(
    (params) => ({ ascent: 1, perturbation: leafwise((p) => mul(p, 0), [params], "sam"), inner: optimizer.init(params) }),
    (updates, state, params) => {
      if (state.ascent === 1) {
        const norm = globalNorm(updates);
        const e = leafwise((g) => mul(g, norm > 0 ? rho / norm : 0), [updates], "sam");
        return [e, { ascent: 0, perturbation: e, inner: state.inner }];
      }
      const origin = params === undefined ? undefined : leafwise((p, e) => sub(p, e), [params, state.perturbation], "sam");
      const [u, inner] = optimizer.update(updates, state.inner, origin);
      return [leafwise((ui, e) => sub(ui, e), [u, state.perturbation], "sam"), { ascent: 1, perturbation: state.perturbation, inner }];
    },
  );
}
