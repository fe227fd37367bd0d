/**
 * Scalar float64 special functions for samplers and implicit gradients: the pieces that
 * need a per-element loop of data-dependent length (series, continued fractions), so they
 * cannot be composites of ops. The differentiable lgamma/digamma/lbeta are ops composites in
 * ops/special.ts; erf's scalar kernel lives with the reference backend and is reused here.
 */
import { erf } from "../util/erf.js";

const TINY = 1e-300;
const MAX_TERMS = 10000;

/** A sum and its derivative in a: the scaled series or continued fraction behind P(a, x). */
export interface DualSum {
  value: number;
  da: number;
}

/** S = Σ tₙ, tₙ = tₙ₋₁·x/(a + n), t₀ = 1, with ∂S/∂a: P = e^L·S, L = a log x − x − log Γ(a + 1). */
function gammaSeries(a: number, x: number): DualSum {
  let t = 1, dt = 0, s = 1, ds = 0;
  for (let n = 1; n < MAX_TERMS; n++) {
    const r = x / (a + n);
    dt = dt * r - (t * r) / (a + n);
    t *= r;
    s += t;
    ds += dt;
    if (t < s * 1e-17 && Math.abs(dt) <= Math.abs(ds) * 1e-17) break;
  }
  return { value: s, da: ds };
}

/**
 * Legendre's continued fraction h with ∂h/∂a, by the modified Lentz method with each term's
 * a-derivative carried along: Q = 1 − P = e^L′·h, L′ = a log x − x − log Γ(a).
 */
function gammaContinuedFraction(a: number, x: number): DualSum {
  let b = x + 1 - a, db = -1;
  let c = 1 / TINY, dc = 0;
  let d = 1 / b, dd = -db / (b * b);
  let h = d, dh = dd;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a), dan = i;
    b += 2;
    let den = an * d + b;
    const dden = dan * d + an * dd + db;
    if (Math.abs(den) < TINY) den = TINY;
    let cn = b + an / c;
    const dcn = db + dan / c - (an * dc) / (c * c);
    if (Math.abs(cn) < TINY) cn = TINY;
    d = 1 / den;
    dd = -dden * d * d;
    c = cn;
    dc = dcn;
    const del = d * c, ddel = dd * c + d * dc;
    dh = dh * del + h * ddel;
    h *= del;
    // Converged when both the fraction and its derivative stop changing (at a = 1 the
    // fraction ends after one term but its derivative does not).
    if (Math.abs(del - 1) < 1e-16 && Math.abs(h * ddel) <= 1e-16 * Math.abs(dh)) break;
  }
  return { value: h, da: dh };
}

/**
 * ∂z/∂a of a standard Gamma(a, 1) sample z, by implicit differentiation of its CDF
 * (Figurnov, Mohamed & Mnih 2018): holding u = P(a, z) fixed, ∂z/∂a = −(∂P/∂a)/p(z; a).
 *
 * ∂P/∂a is computed exactly, by carrying the derivative in a through the same loop that
 * evaluates P: the power series of P (Numerical Recipes' gser) for z < a + 1, else Legendre's
 * continued fraction for Q = 1 − P (gcf, modified Lentz). Both share a prefactor with the
 * density, which cancels: only ψ(a + 1) is needed, passed in by the caller (`digammaA1`).
 */
export function standardGammaGradient(a: number, z: number, digammaA1: number): number {
  if (!(a > 0) || !(z > 0)) return z === 0 ? 0 : NaN;
  const logZ = Math.log(z);
  if (z < a + 1) {
    // p = e^L·a/z, so ∂z/∂a = −(L′·S + S′)·z/a.
    const { value: s, da: ds } = gammaSeries(a, z);
    return (-((logZ - digammaA1) * s + ds) * z) / a;
  }
  // p = e^L′/z and ∂P/∂a = −∂Q/∂a, so ∂z/∂a = (L′′·h + h′)·z with L′′ = log z − ψ(a).
  const { value: h, da: dh } = gammaContinuedFraction(a, z);
  return ((logZ - (digammaA1 - 1 / a)) * h + dh) * z;
}

/**
 * The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) and ∂P/∂a, from
 * the same series and continued fraction; the caller passes log Γ(a + 1) and ψ(a + 1).
 */
export function regularizedGammaP(a: number, x: number, lgammaA1: number, digammaA1: number): DualSum {
  if (!(a > 0) || Number.isNaN(x)) return { value: NaN, da: NaN };
  if (x <= 0) return { value: 0, da: 0 };
  if (x === Infinity) return { value: 1, da: 0 };
  const logX = Math.log(x);
  if (x < a + 1) {
    const { value: s, da: ds } = gammaSeries(a, x);
    const prefactor = Math.exp(a * logX - x - lgammaA1);
    return { value: prefactor * s, da: prefactor * ((logX - digammaA1) * s + ds) };
  }
  const { value: h, da: dh } = gammaContinuedFraction(a, x);
  const prefactor = Math.exp(a * logX - x - (lgammaA1 - Math.log(a)));
  return { value: 1 - prefactor * h, da: -prefactor * ((logX - (digammaA1 - 1 / a)) * h + dh) };
}

/**
 * The standard normal quantile Φ⁻¹(p) for 0 < p < 1: Acklam's rational approximation
 * (relative error 1.2e-9) refined by one Halley step on Φ, which brings it to float64
 * accuracy where Φ itself is (p not in the far tails).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const low = 0.02425;
  let x: number;
  if (p < low) x = tail(Math.sqrt(-2 * Math.log(p)));
  else if (p > 1 - low) x = -tail(Math.sqrt(-2 * Math.log1p(-p)));
  else {
    const q = p - 0.5, r = q * q;
    x = (((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r - 3.066479806614716e1) * r + 2.506628277459239) * q /
      (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r - 1.328068155288572e1) * r + 1);
  }
  const e = 0.5 * (1 + erf(x / Math.SQRT2)) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function tail(q: number): number {
  return (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783) /
    ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1);
}
