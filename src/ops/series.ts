/**
 * Truncated power-series arithmetic for Taylor mode, written with nabla ops. The
 * transcendental functions use the classical recurrences from the ODE each satisfies
 * (y′ = D·x′; Griewank & Walther, "Evaluating Derivatives", ch. 13): O(order²) ops each,
 * exact in float64 up to rounding, with no nested differentiation.
 */
import { type Primitive, type Series, bind } from "./core.js";
import type { Tensor } from "../tensor/tensor.js";
import { toTensor } from "../tensor/create.js";
import { add, cos, cosh, div, exp, log, mul, neg, sin, sinh, sqrt } from "./primitives/elementwise.js";

/** Coefficient k of s (null when it is zero). */
export function coef(s: Series, k: number): Tensor | null {
  return k < s.length ? s[k] ?? null : null;
}

function plus(a: Tensor | null, b: Tensor | null): Tensor | null {
  return a === null ? b : b === null ? a : add(a, b);
}

/** Coefficientwise map of a linear function (null stays null, i.e. zero). */
export function mapLinear(s: Series, f: (c: Tensor) => Tensor): Series {
  return s.map((c) => (c === null ? null : f(c)));
}

export function seriesAdd(a: Series, b: Series, order: number): Series {
  return Array.from({ length: order + 1 }, (_, k) => plus(coef(a, k), coef(b, k)));
}

/** The Cauchy product: (ab)ₖ = Σⱼ aⱼ·bₖ₋ⱼ, with `product` the coefficient product (mul, matmul, …). */
export function seriesMul(a: Series, b: Series, order: number, product: (x: Tensor, y: Tensor) => Tensor = mul, y0?: Tensor): Series {
  return Array.from({ length: order + 1 }, (_, k) => {
    if (k === 0 && y0 !== undefined) return y0;
    let total: Tensor | null = null;
    for (let j = 0; j <= k; j++) {
      const x = coef(a, j);
      const y = coef(b, k - j);
      if (x !== null && y !== null) total = plus(total, product(x, y));
    }
    return total;
  });
}

/** a / b by yₖ = (aₖ − Σⱼ₌₁..ₖ bⱼ·yₖ₋ⱼ) / b₀. */
export function seriesDiv(a: Series, b: Series, order: number, y0?: Tensor): Series {
  const b0 = coef(b, 0)!;
  const y: (Tensor | null)[] = [y0 ?? div(coef(a, 0)!, b0)];
  for (let k = 1; k <= order; k++) {
    let acc = coef(a, k);
    for (let j = 1; j <= k; j++) {
      const bj = coef(b, j);
      const yk = y[k - j] ?? null;
      if (bj !== null && yk !== null) acc = acc === null ? neg(mul(bj, yk)) : add(acc, neg(mul(bj, yk)));
    }
    y.push(acc === null ? null : div(acc, b0));
  }
  return y;
}

/**
 * Solves y′ = Σᵢ Dᵢ·xᵢ′ for y's coefficients given y₀:
 * yₖ = (1/k) Σᵢ Σⱼ₌₁..ₖ j·xᵢⱼ·Dᵢ,ₖ₋ⱼ, where `derivative(y, m)` returns each Dᵢ to order m
 * from the coefficients of y known so far (m = k − 1).
 */
export function integrate(xs: readonly Series[], y0: Tensor, order: number, derivative: (y: Series, m: number) => readonly Series[]): Series {
  const y: (Tensor | null)[] = [y0];
  for (let k = 1; k <= order; k++) {
    const ds = derivative(y, k - 1);
    let total: Tensor | null = null;
    xs.forEach((x, i) => {
      for (let j = 1; j <= k; j++) {
        const xj = coef(x, j);
        const d = coef(ds[i]!, k - j);
        if (xj !== null && d !== null) total = plus(total, mul(xj, mul(j / k, d)));
      }
    });
    y.push(total);
  }
  return y;
}

export function seriesExp(x: Series, order: number, y0: Tensor = exp(coef(x, 0)!)): Series {
  return integrate([x], y0, order, (y) => [y]);
}

export function seriesLog(x: Series, order: number, y0: Tensor = log(coef(x, 0)!)): Series {
  const reciprocal = seriesReciprocal(x, order - 1);
  return integrate([x], y0, order, () => [reciprocal]);
}

/** √x by yₖ = (xₖ − Σⱼ₌₁..ₖ₋₁ yⱼ·yₖ₋ⱼ) / (2y₀). */
export function seriesSqrt(x: Series, order: number, y0: Tensor = sqrt(coef(x, 0)!)): Series {
  const y: (Tensor | null)[] = [y0];
  const twiceY0 = mul(2, y0);
  for (let k = 1; k <= order; k++) {
    let acc = coef(x, k);
    for (let j = 1; j < k; j++) {
      const a = y[j] ?? null;
      const b = y[k - j] ?? null;
      if (a !== null && b !== null) acc = acc === null ? neg(mul(a, b)) : add(acc, neg(mul(a, b)));
    }
    y.push(acc === null ? null : div(acc, twiceY0));
  }
  return y;
}

/**
 * sin and cos together: sₖ = (1/k) Σ j·xⱼ·cₖ₋ⱼ and cₖ = −(1/k) Σ j·xⱼ·sₖ₋ⱼ (for sinh and
 * cosh the sign is +).
 */
function coupled(x: Series, order: number, s0: Tensor, c0: Tensor, sign: 1 | -1): [Series, Series] {
  const s: (Tensor | null)[] = [s0];
  const c: (Tensor | null)[] = [c0];
  for (let k = 1; k <= order; k++) {
    let sk: Tensor | null = null;
    let ck: Tensor | null = null;
    for (let j = 1; j <= k; j++) {
      const xj = coef(x, j);
      if (xj === null) continue;
      const w = mul(xj, j / k);
      const cPrev = c[k - j] ?? null;
      const sPrev = s[k - j] ?? null;
      if (cPrev !== null) sk = plus(sk, mul(w, cPrev));
      if (sPrev !== null) ck = plus(ck, mul(w, sPrev));
    }
    s.push(sk);
    c.push(ck === null || sign === 1 ? ck : neg(ck));
  }
  return [s, c];
}

export function seriesSinCos(x: Series, order: number, s0: Tensor = sin(coef(x, 0)!), c0: Tensor = cos(coef(x, 0)!)): [Series, Series] {
  return coupled(x, order, s0, c0, -1);
}

export function seriesSinhCosh(x: Series, order: number, s0: Tensor = sinh(coef(x, 0)!), c0: Tensor = cosh(coef(x, 0)!)): [Series, Series] {
  return coupled(x, order, s0, c0, 1);
}

/** xⁿ for a non-negative integer n, by repeated squaring of series (exact at x₀ = 0). */
export function seriesIntegerPower(x: Series, n: number, order: number): Series {
  let result: Series = [toOne(x)];
  let base = x;
  for (let e = n; e > 0; e >>= 1) {
    if (e & 1) result = seriesMul(result, base, order);
    if (e > 1) base = seriesMul(base, base, order);
  }
  return result;
}

/** 1/x. */
export function seriesReciprocal(x: Series, order: number, y0?: Tensor): Series {
  return seriesDiv([toOne(x)], x, order, y0);
}

/** The constant 1 in the dtype of x's leading coefficient. */
function toOne(x: Series): Tensor {
  return toTensor(1, coef(x, 0)!.dtype);
}

/** c + x for a constant c (only the leading coefficient changes). */
export function seriesAddConstant(x: Series, c: number): Series {
  return [add(coef(x, 0)!, c), ...x.slice(1)];
}

export function seriesScale(x: Series, c: number | Tensor): Series {
  return mapLinear(x, (t) => mul(t, c));
}

/** The Taylor rule of a linear one-input primitive: the primitive applied to every coefficient. */
export function linearTaylor<P>(prim: () => Primitive<P>): NonNullable<Primitive<P>["taylor"]> {
  return ([x], y0, _, params) => [y0, ...mapLinear(x!.slice(1), (c) => bind(prim(), [c], params))];
}
