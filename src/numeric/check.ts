/**
 * Gradient checking: the reverse-mode gradient of f with respect to every argument, compared
 * element by element with Richardson-extrapolated central differences.
 * @module
 */
import { grad as autodiffGrad } from "../autodiff/reverse.js";
import { type TensorLike, tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { type PyTree, flatten, treeMap, unflatten } from "../autodiff/pytree.js";
import { type ScalarResult, grad as numericGrad, unravelIndex } from "./diff.js";

/** Tolerances of checkGrad: an element passes when |analytic − numeric| ≤ atol + rtol·|numeric|. */
export interface CheckGradOptions {
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
}

/** The gradient element that exceeds its tolerance by the largest factor. */
export interface GradMismatch {
  /** Position of the argument of f. */
  argument: number;
  /** For a pytree argument, which of its leaves (in flatten order: depth-first, keys in insertion order); else 0. */
  leaf: number;
  /** Multi-index of the element within that argument or leaf ([] for a number or rank-0 tensor). */
  index: number[];
  analytic: number;
  numeric: number;
}

/**
 * What checkGrad found; `analytic` and `numeric` hold one gradient per argument (`G` is a
 * pytree of them for pytree arguments).
 */
export interface CheckGradResult<G = number | Tensor> {
  /** Every element within atol + rtol·|numeric|. */
  ok: boolean;
  maxAbsError: number;
  /** Largest |analytic − numeric| / max(|analytic|, |numeric|) (0 where both are 0). */
  maxRelError: number;
  /** The element furthest outside its tolerance (or closest to it when ok); null when there are no elements. */
  worst: GradMismatch | null;
  /** nb.grad's gradients: a number for a number argument, else a float64 Tensor (a pytree of them for a pytree). */
  analytic: G[];
  /** The finite-difference gradients, shaped the same way. */
  numeric: G[];
}

/**
 * Richardson central differences are accurate to about 1e-10 relative on smooth float64
 * problems of O(1) scale, so these leave two orders of margin while still catching a gradient
 * that is wrong in the sixth significant digit.
 */
const DEFAULT_ATOL = 1e-8;
const DEFAULT_RTOL = 1e-6;

/**
 * Checks nb.grad of f with respect to all its arguments against central differences with
 * Richardson extrapolation. Both are computed in float64: float32 arguments are cast up, so a
 * failure means a wrong derivative rule, not float32 rounding. `args` holds one value per
 * argument of f: numbers, nested arrays of numbers or Tensors, or pytrees (plain objects and
 * arrays holding Tensors) as grad takes them; f must return a scalar.
 *
 * @example
 * nb.checkGrad((x) => nb.sum(nb.mul(x, x)), [[1, 2, 3]]).ok; // => true
 * nb.checkGrad((x, y) => nb.mul(nb.sin(x), y), [0.5, 2]).ok; // => true
 * nb.checkGrad((q: { w: nb.Tensor }) => nb.sum(nb.square(q.w)), [{ w: nb.tensor([1, 2]) }]).ok; // => true
 * // autodiff treats the stopped factor as a constant, so it finds 3 where the true slope is 6:
 * const r = nb.checkGrad((x) => nb.mul(x, nb.stopGradient(x)), [3]);
 * [r.ok, r.worst?.analytic, Math.round(r.worst?.numeric ?? 0)]; // => [false, 3, 6]
 */
export function checkGrad(f: (...args: Tensor[]) => ScalarResult, args: readonly TensorLike[], options?: CheckGradOptions): CheckGradResult;
export function checkGrad(f: (...args: never[]) => ScalarResult, args: readonly unknown[], options?: CheckGradOptions): CheckGradResult<PyTree>;
export function checkGrad(f: (...args: never[]) => ScalarResult, args: readonly unknown[], options: CheckGradOptions = {}): CheckGradResult<PyTree> {
  if (!Array.isArray(args) || args.length === 0) {
    throw new NablaError("checkGrad: args must be a non-empty array with one value per argument of f");
  }
  const atol = checkTolerance(options.atol ?? DEFAULT_ATOL, "atol");
  const rtol = checkTolerance(options.rtol ?? DEFAULT_RTOL, "rtol");
  const call = f as (...xs: unknown[]) => ScalarResult;
  const inputs = args.map(float64Argument);
  const gradAll = autodiffGrad(call, { argnums: inputs.map((_, k) => k) }) as (...xs: unknown[]) => PyTree[];
  const analytic = gradAll(...inputs);
  const numeric = inputs.map((x, k) => {
    const { leaves, def } = flatten(x, "checkGrad");
    const grads = leaves.map((leaf, l) => {
      const alone = (xl: Tensor): ScalarResult => {
        const arg = unflatten(def, leaves.map((other, m) => (m === l ? xl : other)));
        return call(...inputs.map((other, m) => (m === k ? arg : typeof other === "number" ? tensor(other) : other)));
      };
      // Two calls so that each picks its overload: a number gradient for a number leaf.
      return typeof leaf === "number" ? numericGrad(alone, leaf, { richardson: true }) : numericGrad(alone, leaf, { richardson: true });
    });
    return unflatten<PyTree>(def, grads);
  });
  return { ...compare(analytic, numeric, atol, rtol), analytic, numeric };
}

/**
 * An argument in float64: a number stays one, a Tensor or nested numeric array becomes a
 * float64 Tensor, and a pytree keeps its structure with each leaf converted so.
 */
function float64Argument(a: unknown): PyTree {
  if (typeof a === "number") return a;
  if (a instanceof Tensor || isNumericArray(a)) return tensor(a as TensorLike, { dtype: "float64" });
  return treeMap((leaf) => (typeof leaf === "number" ? leaf : tensor(leaf, { dtype: "float64" })), a as PyTree);
}

function isNumericArray(a: unknown): boolean {
  return Array.isArray(a) && a.every((e) => typeof e === "number" || isNumericArray(e));
}

/** Compares the gradients leaf by leaf (an argument that is one tensor is its only leaf). */
function compare(
  analytic: readonly PyTree[], numeric: readonly PyTree[], atol: number, rtol: number,
): Omit<CheckGradResult, "analytic" | "numeric"> {
  let maxAbsError = 0;
  let maxRelError = 0;
  let worst: GradMismatch | null = null;
  let worstExcess = -1;
  const pairs = analytic.flatMap((tree, k) => {
    const numericLeaves = flatten(numeric[k]!, "checkGrad").leaves;
    return flatten(tree, "checkGrad").leaves.map((leaf, l) => ({ k, l, leaf, av: valuesOf(leaf), nv: valuesOf(numericLeaves[l]!) }));
  });
  for (const { k, l, leaf, av, nv } of pairs) {
    for (let e = 0; e < nv.length; e++) {
      const [a, n] = [av[e]!, nv[e]!];
      const error = a === n ? 0 : Math.abs(a - n);
      // A NaN on either side counts as infinitely wrong, so it fails and is reported as the worst.
      const orInfinity = (ratio: number): number => (Number.isNaN(ratio) ? Infinity : ratio);
      maxAbsError = Math.max(maxAbsError, orInfinity(error));
      maxRelError = Math.max(maxRelError, error === 0 ? 0 : orInfinity(error / Math.max(Math.abs(a), Math.abs(n))));
      const excess = error === 0 ? 0 : orInfinity(error / (atol + rtol * Math.abs(n)));
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = { argument: k, leaf: l, index: unravelIndex(e, shapeOf(leaf)), analytic: a, numeric: n };
      }
    }
  }
  return { ok: worstExcess <= 1, maxAbsError, maxRelError, worst };
}

function valuesOf(g: number | Tensor): ArrayLike<number> {
  return typeof g === "number" ? [g] : g.values();
}

function shapeOf(g: number | Tensor): readonly number[] {
  return typeof g === "number" ? [] : g.shape;
}

function checkTolerance(value: number, name: string): number {
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    throw new NablaError(`checkGrad: ${name} must be a finite non-negative number, got ${String(value)}`);
  }
  return value;
}
