/**
 * Standard Gamma draws with an implicit reparameterisation gradient (Figurnov, Mohamed &
 * Mnih, "Implicit Reparameterization Gradients", NeurIPS 2018). A draw z ~ Gamma(α, 1) is
 * made by Marsaglia & Tsang's rejection sampler, which is not a differentiable function of α;
 * instead, holding the draw's CDF level u = P(α, z) fixed gives ∂z/∂α = −(∂P/∂α)/p(z; α),
 * computed exactly per element by numeric/special.ts (∂P/∂α carried through P's own series or
 * continued fraction). Beta draws are ratios of Gamma draws and inherit the gradient.
 */
import { type CustomFn, customJvp } from "../autodiff/custom.js";
import { NablaError } from "../tensor/errors.js";
import { tensor } from "../tensor/create.js";
import { Random } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { mul } from "../ops/primitives/elementwise.js";
import { digamma } from "../ops/special.js";
import { standardGammaGradient } from "../numeric/special.js";

/** One Gamma(a, 1) draw (Marsaglia & Tsang 2000; a < 1 boosted by U^(1/a)). */
function drawStandardGamma(a: number, rng: Random): number {
  if (a < 1) {
    const boost = Math.pow(1 - rng.uniform(), 1 / a);
    return Math.max(drawStandardGamma(a + 1, rng) * boost, Number.MIN_VALUE);
  }
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** ∂z/∂α elementwise; its own derivative is not implemented, and asking for it says so. */
const implicitGradient: CustomFn = customJvp(
  (alpha: Tensor, z: Tensor) => {
    const a = alpha.values();
    const zs = z.values();
    const psi = digamma(tensor(Array.from(a, (v) => v + 1))).values();
    return tensor(Array.from(a, (ai, i) => standardGammaGradient(ai, zs[i]!, psi[i]!)), { shape: [...alpha.shape] });
  },
  () => {
    throw new NablaError(
      "Gamma/Beta rsample: second derivatives with respect to the concentration are not implemented " +
        "(the implicit gradient ∂z/∂α is first-order only); differentiate once, or use the score function",
    );
  },
);

/**
 * Gamma(α, 1) draws of α's shape, α broadcast already; differentiable in α to first order, in
 * forward and reverse mode (the rule is a JVP, z′ = ∂z/∂α·α′, which reverse mode transposes).
 * The draws depend only on α's values and the seed, so every pass replays them exactly.
 */
export function standardGamma(alpha: Tensor, seed: number): Tensor {
  const draw = (a: Tensor): Tensor => {
    const rng = new Random(seed);
    return tensor(Array.from(a.values(), (v) => drawStandardGamma(v, rng)), { shape: [...a.shape] });
  };
  const sample = customJvp(draw, ([a], [t]) => {
    const z = draw(a);
    return [z, mul(t, implicitGradient(a, z))];
  });
  return sample(alpha);
}
