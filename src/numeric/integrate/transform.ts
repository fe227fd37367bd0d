/**
 * The variable an adaptive rule works in. Finite ranges are integrated in x itself; a range
 * with an infinite end is mapped to t ∈ (0, 1] by x = a + (1 − t)/t (QUADPACK's QAGI), so
 * ∫ f dx = ∫ f(x(t))/t² dt, and (−∞, ∞) folds onto [0, ∞) as f(x) + f(−x).
 */
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../tensor/create.js";
import { add, concat, neg, sub } from "../../ops/index.js";
import { type Endpoint, type Integrand, isTraced, mappedNodes, weightedSum } from "./rule.js";
import { GK15, GK21, type KronrodRule } from "./kronrod.js";

/** How one range is integrated: the rule, the loop variable's range and the change of variable. */
export interface Transform {
  rule: KronrodRule;
  lo: number;
  hi: number;
  /** Copies of each node f is evaluated at (2 when (−∞, ∞) is folded). */
  copies: number;
  /** The x at which f is needed for loop-variable nodes s (copies·m of them), and dx/ds there. */
  points(s: Float64Array): { x: Float64Array; jacobian: Float64Array };
  /** Σ w·g(s) as a differentiable function of the endpoints and of f. */
  traced(f: Integrand, s: Float64Array, w: Float64Array): Tensor;
}

const ones = (n: number) => new Float64Array(n).fill(1);

export function transformFor(a: Endpoint, b: Endpoint, lo: number, hi: number): Transform {
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    return {
      rule: GK21, lo, hi, copies: 1,
      points: (s) => ({ x: s, jacobian: ones(s.length) }),
      traced: (f, s, w) => weightedSum(f, mappedNodes(a, b, lo, hi, s.map((v) => (v - lo) / (hi - lo))), tensor(w.map((v) => v / (hi - lo)))),
    };
  }
  const offsets = (s: Float64Array) => s.map((t) => (1 - t) / t);
  const scaled = (s: Float64Array, w: Float64Array) => tensor(w.map((v, i) => v / (s[i]! * s[i]!)));
  if (Number.isFinite(lo) || Number.isFinite(hi)) {
    const upward = Number.isFinite(lo);
    const base = upward ? a : b;
    const baseValue = upward ? lo : hi;
    const sign = upward ? 1 : -1;
    return {
      rule: GK15, lo: 0, hi: 1, copies: 1,
      points: (s) => ({ x: offsets(s).map((c) => baseValue + sign * c), jacobian: s.map((t) => 1 / (t * t)) }),
      traced: (f, s, w) => {
        const c = tensor(offsets(s));
        const x = isTraced(base) ? (upward ? add(base, c) : sub(base, c)) : tensor(offsets(s).map((v) => baseValue + sign * v));
        return weightedSum(f, { x, jacobian: 1 }, scaled(s, w));
      },
    };
  }
  return {
    rule: GK15, lo: 0, hi: 1, copies: 2,
    points: (s) => {
      const c = offsets(s);
      const x = new Float64Array(2 * s.length);
      x.set(c);
      x.set(c.map((v) => -v), s.length);
      const j = s.map((t) => 1 / (t * t));
      const jacobian = new Float64Array(2 * s.length);
      jacobian.set(j);
      jacobian.set(j, s.length);
      return { x, jacobian };
    },
    traced: (f, s, w) => {
      const c = tensor(offsets(s));
      const weights = scaled(s, w);
      return weightedSum(f, { x: concat([c, neg(c)]), jacobian: 1 }, concat([weights, weights]));
    },
  };
}
