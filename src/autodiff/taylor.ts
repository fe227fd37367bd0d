/**
 * Taylor mode: exact higher derivatives by propagating truncated power series through the
 * primitives' Taylor rules, in one pass and O(order²) work per op (not by nesting n passes).
 */
import { Tensor } from "../tensor/tensor.js";
import type { Series } from "../ops/core.js";
import { type TensorLike, toTensor, zerosLike } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { add, dot, matmul, mul, reshape, sub } from "../ops/index.js";
import { JetTrace, JetTracer, nextLevel, withTrace } from "./trace.js";
import { grad } from "./reverse.js";
import { hessian } from "./jacobian.js";

/**
 * Propagates power series through f (JAX's `jet`): input i follows
 * xᵢ(t) = primals[i] + Σₖ series[i][k−1]·tᵏ, and the result is f(x(0)) with the output's
 * coefficients of t¹…tᴷ (K = the longest input series). Coefficient k is f's k-th
 * derivative along the path divided by k!.
 * @example
 * const [y, coefficients] = nb.jet((x) => nb.exp(x), [0], [[1, 0, 0]]);
 * [y.item(), ...coefficients.map((c) => c.item())]; // => [1, 1, 0.5, 1 / 6]
 */
export function jet(f: (...xs: Tensor[]) => Tensor, primals: readonly TensorLike[], series: readonly (readonly TensorLike[])[]): [Tensor, Tensor[]] {
  if (primals.length !== series.length) {
    throw new NablaError(`jet: got ${primals.length} primal(s) but ${series.length} series; give one series (possibly empty) per primal`);
  }
  const xs = primals.map((p) => toTensor(p));
  const coefficients = xs.map((x, i) =>
    series[i]!.map((c, k) => {
      const t = toTensor(c, x.dtype);
      if (formatShape(t.shape) !== formatShape(x.shape)) {
        throw new NablaError(`jet: coefficient ${k + 1} of series ${i} has shape ${formatShape(t.shape)} but its primal has shape ${formatShape(x.shape)}`);
      }
      return t;
    }),
  );
  const order = series.reduce((k, s) => Math.max(k, s.length), 0);
  const [y, ys] = propagate("jet", f, xs, coefficients, order);
  return [y, ys.map((c) => c ?? zerosLike(y))];
}

/** Runs f on jet tracers of the given order; input coefficients past their series are zero. */
function propagate(name: string, f: (...xs: Tensor[]) => Tensor, xs: readonly Tensor[], coefficients: readonly Series[], order: number): [Tensor, Series] {
  const trace = new JetTrace(name, nextLevel(), order);
  const out = withTrace(trace, () => {
    const inputs = xs.map((x, i) => (coefficients[i]!.length ? new JetTracer(trace, x, coefficients[i]!) : x));
    return toTensor(f(...inputs));
  });
  if (out instanceof JetTracer && out.trace === trace) return [out.primal, Array.from({ length: order }, (_, k) => out.series[k] ?? null)];
  return [out, new Array<null>(order).fill(null)];
}

/** The highest order Taylor mode propagates (its work grows with the square of the order). */
export const MAX_TAYLOR_ORDER = 1000;
/** The highest derivative recoverable from a Taylor coefficient: 171! overflows float64. */
export const MAX_DERIVATIVE_ORDER = 170;

function univariateCoefficients(name: string, f: (x: Tensor) => Tensor | number, x0: number, order: number): number[] {
  if (!Number.isInteger(order) || order < 0) throw new NablaError(`${name}: the order must be a non-negative integer, got ${order}`);
  if (!Number.isFinite(x0)) throw new NablaError(`${name}: the point x0 must be a finite number, got ${x0}`);
  // x(t) = x₀ + t: the path whose k-th coefficient of f(x(t)) is f⁽ᵏ⁾(x₀)/k!.
  const [y, cs] = propagate(name, (x) => toTensor(f(x)), [toTensor(x0)], [order > 0 ? [toTensor(1)] : []], order);
  if (y.size !== 1) {
    throw new NablaError(`${name}: f must return a scalar, but it returned shape ${formatShape(y.shape)}; for vector outputs use nb.jet`);
  }
  return [y.item(), ...cs.map((c) => (c === null ? 0 : c.item()))];
}

function checkOrder(name: string, order: number): void {
  if (order > MAX_TAYLOR_ORDER) throw new NablaError(`${name}: order ${order} is past the limit of ${MAX_TAYLOR_ORDER} (Taylor mode's work grows with the order squared)`);
}

function factorial(k: number): number {
  let r = 1;
  for (let i = 2; i <= k; i++) r *= i;
  return r;
}

/**
 * [f(x₀), f′(x₀), …, f⁽ⁿ⁾(x₀)] of a scalar function of one variable, exactly (to rounding),
 * by Taylor-mode propagation.
 * @example
 * nb.derivatives((x) => nb.sin(x), 0, 4); // => [0, 1, 0, -1, 0]
 * nb.derivatives((x) => nb.pow(x, 3), 2, 3); // => [8, 12, 12, 6]
 */
export function derivatives(f: (x: Tensor) => Tensor | number, x0: number, n: number): number[] {
  checkOrder("derivatives", n);
  if (n > MAX_DERIVATIVE_ORDER) {
    throw new NablaError(
      `derivatives: order ${n} is past ${MAX_DERIVATIVE_ORDER}: k! overflows float64 for k > ${MAX_DERIVATIVE_ORDER}, so f⁽ᵏ⁾ cannot be ` +
        `recovered from its Taylor coefficient; use nb.taylor(f, x0, ${n}).coefficients (f⁽ᵏ⁾(x0)/k!) instead`,
    );
  }
  return univariateCoefficients("derivatives", f, x0, n).map((c, k) => c * factorial(k));
}

/** A univariate Taylor polynomial Σₖ cₖ (x − center)ᵏ. */
export interface TaylorPolynomial {
  center: number;
  order: number;
  /** cₖ = f⁽ᵏ⁾(center)/k!, k = 0..order. */
  coefficients: number[];
  /** f⁽ᵏ⁾(center), k = 0..min(order, 170) (k! overflows float64 past 170; `coefficients` go further). */
  derivatives: number[];
  /** The polynomial's value at x (Horner's rule). */
  evaluate(x: number): number;
  /** The first omitted term |c₍order+1₎|·|x − center|^(order+1): the truncation error's leading part. */
  errorEstimate(x: number): number;
}

/** The second-order model of f around x₀, the quadratic that Newton's method minimises. */
export interface QuadraticModel {
  value: number;
  gradient: Tensor;
  hessian: Tensor;
  /** f(x₀) + g·(x − x₀) + ½ (x − x₀)ᵀ H (x − x₀). */
  evaluate(x: TensorLike): number;
}

/**
 * The Taylor expansion of f at x₀. For a number x₀: the polynomial of the given order, with
 * `evaluate` and a truncation-error estimate. For a tensor x₀ and order 2: the quadratic
 * model `{value, gradient, hessian}`.
 * @example
 * const p = nb.taylor((x) => nb.exp(x), 0, 4);
 * p.coefficients; // => [1, 1, 0.5, 1 / 6, 1 / 24]
 * Math.abs(p.evaluate(0.1) - Math.exp(0.1)) < p.errorEstimate(0.1) * 1.1; // => true
 * const q = nb.taylor((x: nb.Tensor) => nb.sum(nb.square(x)), nb.tensor([1, 2]), 2);
 * q.hessian.toArray(); // => [[2, 0], [0, 2]]
 * q.evaluate([0, 0]); // => 0
 */
export function taylor(f: (x: Tensor) => Tensor | number, x0: number, order: number): TaylorPolynomial;
export function taylor(f: (x: Tensor) => Tensor | number, x0: Tensor, order: 2): QuadraticModel;
export function taylor(f: (x: Tensor) => Tensor | number, x0: number | Tensor, order: number): TaylorPolynomial | QuadraticModel {
  if (x0 instanceof Tensor && x0.ndim > 0) return quadraticModel(f, x0, order);
  const center = typeof x0 === "number" ? x0 : x0.item();
  checkOrder("taylor", order);
  const all = univariateCoefficients("taylor", f, center, order + 1);
  const coefficients = all.slice(0, order + 1);
  const next = all[order + 1]!;
  return {
    center,
    order,
    coefficients,
    derivatives: coefficients.slice(0, MAX_DERIVATIVE_ORDER + 1).map((c, k) => c * factorial(k)),
    evaluate: (x: number) => coefficients.reduceRight((acc, c) => acc * (x - center) + c, 0),
    errorEstimate: (x: number) => Math.abs(next) * Math.abs(x - center) ** (order + 1),
  };
}

function quadraticModel(f: (x: Tensor) => Tensor | number, x0: Tensor, order: number): QuadraticModel {
  if (order !== 2) {
    throw new NablaError(`taylor: on a tensor input only the quadratic model (order 2) is built; got order ${order}. Use nb.jet along a direction for higher orders`);
  }
  const scalar = (x: Tensor) => toTensor(f(x));
  const value = scalar(x0).item();
  const gradient = grad(scalar)(x0) as Tensor;
  const h = hessian(scalar)(x0);
  const n = x0.size;
  const hm = reshape(h, [n, n]);
  return {
    value,
    gradient,
    hessian: h,
    evaluate: (x) => {
      const d = reshape(sub(toTensor(x, x0.dtype), x0), [n]);
      return add(add(value, dot(reshape(gradient, [n]), d)), mul(0.5, dot(d, matmul(hm, d)))).item();
    },
  };
}
