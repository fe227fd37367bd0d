/** One-sided derivatives: where a function has a kink, its left and right slopes differ. */
import { derivative, type ScalarResult } from "./diff.js";

/** Left and right derivatives at a point, and whether they agree. */
export interface OneSidedDerivatives {
  /** lim h→0⁺ (f(x) − f(x − h)) / h */
  left: number;
  /** lim h→0⁺ (f(x + h) − f(x)) / h */
  right: number;
  /** |right − left| ≤ tol · max(1, |left|, |right|) */
  differentiable: boolean;
}

/**
 * The left and right derivatives of f at x, by one-sided differences with Richardson
 * extrapolation (each uses only points on its own side, so a kink at x does not blur them).
 * @example
 * nb.numeric.oneSidedDerivatives((x) => Math.max(x, 0), 0); // => { left: 0, right: 1, differentiable: false }
 * nb.numeric.oneSidedDerivatives((x) => Math.abs(x), 0).left; // => -1
 */
export function oneSidedDerivatives(f: (x: number) => ScalarResult, x: number, options: { tol?: number } = {}): OneSidedDerivatives {
  const left = derivative(f, x, { method: "backward", richardson: true });
  const right = derivative(f, x, { method: "forward", richardson: true });
  const tol = options.tol ?? 1e-6;
  return { left, right, differentiable: Math.abs(right - left) <= tol * Math.max(1, Math.abs(left), Math.abs(right)) };
}
