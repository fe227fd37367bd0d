/**
 * Elementwise primitives: one stanza each, kernel + derivative. Most use `elementwise`,
 * which derives both rules from dy/dx written with nabla ops. Every local derivative is
 * applied with `mulNoNan`, so a zero cotangent stays zero even where the derivative is not
 * finite: that is what keeps `where(x > 0, sqrt(x), 0)` differentiable at x < 0.
 */
import { type CheckCase, type CheckSpec, type Domain, type Primitive, type Series, bind, definePrimitive } from "../core.js";
import {
  coef, integrate, mapLinear, seriesAdd, seriesAddConstant, seriesDiv, seriesExp, seriesIntegerPower, seriesLog,
  seriesMul, seriesReciprocal, seriesScale, seriesSinCos, seriesSinhCosh, seriesSqrt,
} from "../series.js";
import { backend } from "../../backend/registry.js";
import type { BinaryKernel, UnaryKernel } from "../../backend/interface.js";
import { type DType, checkDType } from "../../tensor/dtype.js";
import { type TensorLike, toTensor } from "../../tensor/create.js";
import { broadcastShapes } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { operands } from "../operands.js";
import { batchElementwise } from "../batching.js";
import { binaryCases, unaryCases } from "./cases.js";

type Unary = Primitive<undefined>;
type Rule = (x: Tensor, out: Tensor) => Tensor;

type SeriesRule = (x: Series, y0: Tensor, order: number) => Series;

/**
 * A unary primitive whose JVP and VJP both come from its local derivative dy/dx; its Taylor
 * rule propagates a whole power series.
 */
function elementwise(kernel: UnaryKernel, dydx: Rule, series: SeriesRule, domain: Domain, order: 1 | 2 | 3 = 2): Unary {
  const prim: Unary = definePrimitive<undefined>({
    name: kernel,
    impl: ([x]) => backend().unary(kernel, x!),
    jvp: ([x], [t], out) => mulNoNan(t!, dydx(x!, out)),
    vjp: (g, [x], out) => [mulNoNan(g, dydx(x!, out))],
    taylor: ([x], y0, n) => series(x!, y0, n),
    batch: batchElementwise(() => prim),
    check: { domain, order, cases: unaryCases() },
    kernel: { op: "unary", kernel },
  });
  return prim;
}

/** y′ = D(x)·x′ with D a series computed from x alone (to one order less than y). */
const fromDerivative = (d: (x: Series, order: number) => Series): SeriesRule => (x, y0, n) => {
  const dx = d(x, n - 1);
  return integrate([x], y0, n, () => [dx]);
};
/** y′ = D(y)·x′ with D a series in y's own known coefficients. */
const fromOutput = (d: (y: Series, order: number) => Series): SeriesRule => (x, y0, n) => integrate([x], y0, n, (y, m) => [d(y, m)]);
/** Piecewise-linear near x₀ ≠ 0: every higher coefficient is scaled by the slope there. */
const piecewiseLinear = (slope: (x0: Tensor) => Tensor): SeriesRule => (x, y0) => {
  const s = slope(coef(x, 0)!);
  return [y0, ...mapLinear(x.slice(1), (c) => mul(c, s))];
};
const oneMinusSquare = (s: Series, n: number): Series => seriesAddConstant(seriesScale(seriesMul(s, s, n), -1), 1);
/** σ′ = σ(1 − σ), as a series in σ. */
const logisticDerivative = (y: Series, n: number): Series => seriesMul(y, seriesAddConstant(seriesScale(y, -1), 1), n);

/** A unary primitive with zero derivative everywhere (its output is piecewise constant). */
function piecewiseConstant(kernel: UnaryKernel): Unary {
  const prim: Unary = definePrimitive<undefined>({
    name: kernel,
    impl: ([x]) => backend().unary(kernel, x!),
    nondifferentiable: true,
    batch: batchElementwise(() => prim),
    check: { domain: "awayFromZero", order: 2, cases: unaryCases() },
    kernel: { op: "unary", kernel },
  });
  return prim;
}

type Binary = Primitive<undefined>;

function binaryImpl(kernel: BinaryKernel): Binary["impl"] {
  return ([a, b]) => backend().binary(kernel, a!, b!, broadcastShapes(a!.shape, b!.shape, kernel));
}

/** Sum of per-input tangent contributions, skipping zero (null) tangents. */
function sumTangents(...terms: (Tensor | null)[]): Tensor | null {
  let total: Tensor | null = null;
  for (const t of terms) if (t !== null) total = total === null ? t : add(total, t);
  return total;
}

/** A partial derivative: a constant (1 and −1 cost no product), or a tensor computed when first needed. */
type Partial = () => Tensor | number;

/** t·∂, where ∂ is a partial derivative (mulNoNan: a zero t stays zero). */
function times(t: Tensor, d: Partial): Tensor {
  const v = d();
  if (typeof v !== "number") return mulNoNan(t, v);
  return v === 1 ? t : v === -1 ? neg(t) : mul(t, v);
}

/**
 * A binary primitive from its two partial derivatives, each written once: `partials` returns
 * ∂y/∂a and ∂y/∂b at the primals (sharing what they have in common); the JVP sums
 * ta·∂y/∂a + tb·∂y/∂b and the VJP returns g·∂y/∂a and g·∂y/∂b (JAX's defjvp).
 */
function binary(
  kernel: BinaryKernel, partials: (a: Tensor, b: Tensor, out: Tensor) => readonly [Partial, Partial],
  taylor: NonNullable<Binary["taylor"]>, check: CheckSpec<undefined>,
): Binary {
  const prim: Binary = definePrimitive<undefined>({
    name: kernel,
    impl: binaryImpl(kernel),
    jvp: ([a, b], [ta, tb], out) => {
      const [da, db] = partials(a!, b!, out);
      return sumTangents(ta ? times(ta, da) : null, tb ? times(tb, db) : null);
    },
    vjp: (g, [a, b], out, _, needs) => {
      const [da, db] = partials(a!, b!, out);
      return [needs[0] ? times(g, da) : null, needs[1] ? times(g, db) : null];
    },
    taylor,
    batch: batchElementwise(() => prim),
    check,
    kernel: { op: "binary", kernel },
  });
  return prim;
}

export const negP: Primitive<undefined> = definePrimitive<undefined>({
  name: "neg",
  impl: ([x]) => backend().unary("neg", x!),
  jvp: (_, [t]) => neg(t!),
  vjp: (g) => [neg(g)],
  taylor: ([x], y0) => [y0, ...mapLinear(x!.slice(1), neg)],
  batch: batchElementwise(() => negP),
  check: { domain: "real", order: 3, cases: unaryCases() },
  kernel: { op: "unary", kernel: "neg" },
});
export const expP = elementwise("exp", (_, y) => y, (x, y0, n) => seriesExp(x, n, y0), "real", 3);
export const logP = elementwise("log", (x) => reciprocal(x), (x, y0, n) => seriesLog(x, n, y0), "positive", 3);
export const log1pP = elementwise("log1p", (x) => reciprocal(add(x, 1)), (x, y0, n) => seriesLog(seriesAddConstant(x, 1), n, y0), "positive");
export const expm1P = elementwise("expm1", (_, y) => add(y, 1), (x, y0, n) => [y0, ...seriesExp(x, n, add(y0, 1)).slice(1)], "real");
export const sqrtP = elementwise("sqrt", (_, y) => div(0.5, y), (x, y0, n) => seriesSqrt(x, n, y0), "positive");
export const reciprocalP = elementwise("reciprocal", (_, y) => neg(mul(y, y)), (x, y0, n) => seriesReciprocal(x, n, y0), "awayFromZero");
/** abs'(0) = 0, the subgradient convention (sign(0) = 0). */
export const absP = elementwise("abs", (x) => sign(x), piecewiseLinear((x0) => sign(x0)), "awayFromZero");
export const sinP = elementwise("sin", (x) => cos(x), (x, y0, n) => seriesSinCos(x, n, y0)[0], "real", 3);
export const cosP = elementwise("cos", (x) => neg(sin(x)), (x, y0, n) => seriesSinCos(x, n, undefined, y0)[1], "real");
export const tanP = elementwise("tan", (_, y) => add(1, mul(y, y)), fromOutput((y, m) => seriesAddConstant(seriesMul(y, y, m), 1)), "unit");
export const asinP = elementwise("asin", (x) => reciprocal(sqrt(sub(1, mul(x, x)))), fromDerivative((x, m) => seriesReciprocal(seriesSqrt(oneMinusSquare(x, m), m), m)), "unit");
export const acosP = elementwise("acos", (x) => neg(reciprocal(sqrt(sub(1, mul(x, x))))), fromDerivative((x, m) => seriesScale(seriesReciprocal(seriesSqrt(oneMinusSquare(x, m), m), m), -1)), "unit");
export const atanP = elementwise("atan", (x) => reciprocal(add(1, mul(x, x))), fromDerivative((x, m) => seriesReciprocal(seriesAddConstant(seriesMul(x, x, m), 1), m)), "real");
export const sinhP = elementwise("sinh", (x) => cosh(x), (x, y0, n) => seriesSinhCosh(x, n, y0)[0], "real");
export const coshP = elementwise("cosh", (x) => sinh(x), (x, y0, n) => seriesSinhCosh(x, n, undefined, y0)[1], "real");
export const tanhP = elementwise("tanh", (_, y) => sub(1, mul(y, y)), fromOutput(oneMinusSquare), "real", 3);
export const erfP = elementwise("erf", (x) => mul(2 / Math.sqrt(Math.PI), exp(neg(mul(x, x)))), fromDerivative((x, m) => seriesScale(seriesExp(seriesScale(seriesMul(x, x, m), -1), m), 2 / Math.sqrt(Math.PI))), "real");
/** Stable primitive (branches on the sign of x) with σ' = σ(1 − σ). */
export const sigmoidP = elementwise("sigmoid", (_, y) => mul(y, sub(1, y)), fromOutput(logisticDerivative), "real", 3);
/** Stable primitive log(1 + eˣ) with derivative σ(x). */
export const softplusP = elementwise("softplus", (x) => sigmoid(x), fromDerivative((x, m) => fromOutput(logisticDerivative)(x, sigmoid(coef(x, 0)!), m)), "real");
/**
 * relu'(0) = 0: the subgradient convention. Its JVP and VJP apply the mask in one pass
 * (reluGrad), bit for bit mulNoNan(t, step(x)) without the mask's array.
 */
export const reluP: Unary = definePrimitive<undefined>({
  name: "relu",
  impl: ([x]) => backend().unary("relu", x!),
  jvp: ([x], [t]) => reluGrad(t!, x!),
  vjp: (g, [x]) => [reluGrad(g, x!)],
  taylor: ([x], y0, n) => piecewiseLinear((x0) => step(x0))(x!, y0, n),
  batch: batchElementwise(() => reluP),
  check: { domain: "awayFromZero", order: 2, cases: unaryCases() },
  kernel: { op: "unary", kernel: "relu" },
});
export const signP = piecewiseConstant("sign");
/** 1 where x > 0, else 0: the derivative of relu. */
export const stepP = piecewiseConstant("step");

export const addP = binary("add", () => [() => 1, () => 1], ([a, b], y0, n) => [y0, ...seriesAdd(a!, b!, n).slice(1)], { domain: "real", order: 3, cases: binaryCases() });
export const subP = binary("sub", () => [() => 1, () => -1], ([a, b], y0, n) => [y0, ...seriesAdd(a!, mapLinear(b!, neg), n).slice(1)], { domain: "real", order: 2, cases: binaryCases() });
export const mulP = binary("mul", (a, b) => [() => b, () => a], ([a, b], y0, n) => seriesMul(a!, b!, n, mul, y0), { domain: "real", order: 3, cases: binaryCases() });
export const divP = binary(
  "div", (_, b, out) => [() => reciprocal(b), () => neg(div(out, b))],
  ([a, b], y0, n) => seriesDiv(a!, b!, n, y0),
  { domain: "real", order: 2, cases: binaryCases(["real", "awayFromZero"]) },
);
/**
 * d/da aᵇ = b·aᵇ⁻¹, and 0 where b = 0 (aᵒ is constant; JAX and PyTorch give 0 at a = 0 too,
 * where 0·0⁻¹ would be NaN). d/db aᵇ = aᵇ·log a for a > 0, and 0 where a ≤ 0 (no real logarithm there).
 */
const powBaseRule = (a: Tensor, b: Tensor): Tensor => mulNoNan(b, pow(a, sub(b, 1)));
const powExponentRule = (a: Tensor, out: Tensor): Tensor => {
  const positive = greater(a, 0);
  return where(positive, mul(out, log(where(positive, a, 1))), 0);
};
export const powP = binary(
  "pow", (a, b, out) => [() => powBaseRule(a, b), () => powExponentRule(a, out)],
  ([a, b], y0, n) => powSeries(a!, b!, y0, n),
  { domain: "positive", order: 2, cases: binaryCases(["positive", "real"]) },
);
/**
 * aᵇ as a series. A constant non-negative integer exponent uses exact repeated products (so
 * x³ at x = 0 is fine); any other exponent uses aᵇ = exp(b·log a), which needs a > 0.
 */
function powSeries(a: Series, b: Series, y0: Tensor, n: number): Series {
  const b0 = coef(b, 0)!;
  const constantExponent = b.slice(1).every((c) => c === null);
  if (constantExponent && b0.size === 1 && b0.level === 0) {
    const e = b0.item();
    if (Number.isInteger(e) && e >= 0 && e <= 64) return [y0, ...seriesIntegerPower(a, e, n).slice(1)];
  }
  return seriesExp(seriesMul(b, seriesLog(a, n), n), n, y0);
}

/**
 * maximum and minimum: the first operand's weight is 1 where it wins, ½ at ties (the
 * gradient is shared equally, as DESIGN.md requires) and 0 where it loses.
 */
function extremum(kernel: "maximum" | "minimum", wins: (a: Tensor, b: Tensor) => Tensor): Binary {
  const weight = (a: Tensor, b: Tensor): Tensor => add(wins(a, b), mul(0.5, equal(a, b)));
  return binary(
    kernel,
    (a, b) => {
      const w = weight(a, b);
      return [() => w, () => sub(1, w)];
    },
    // The selection is fixed by the primals; each coefficient blends w·a + (1 − w)·b.
    ([a, b], y0, n) => {
      const w = weight(coef(a!, 0)!, coef(b!, 0)!);
      return [y0, ...seriesAdd(seriesScale(a!, w), seriesScale(b!, sub(1, w)), n).slice(1)];
    },
    { domain: "real", order: 2, cases: binaryCases() },
  );
}
export const maximumP = extremum("maximum", (a, b) => greater(a, b));
export const minimumP = extremum("minimum", (a, b) => less(a, b));
export const atan2P = binary(
  "atan2",
  (a, b) => {
    const r2 = add(mul(a, a), mul(b, b));
    return [() => div(b, r2), () => neg(div(a, r2))];
  },
  // y′ = (b·a′ − a·b′) / (a² + b²)
  ([a, b], y0, n) => {
    const r2 = seriesAdd(seriesMul(a!, a!, n - 1), seriesMul(b!, b!, n - 1), n - 1);
    return integrate([a!, b!], y0, n, () => [seriesDiv(b!, r2, n - 1), seriesScale(seriesDiv(a!, r2, n - 1), -1)]);
  },
  { domain: "awayFromZero", order: 2, cases: binaryCases() },
);
/**
 * g·relu′(x): g where x > 0, else +0 (relu's rules). Linear in g; piecewise constant in x,
 * whose derivative is zero away from 0 (the domain the rule test samples).
 */
export const reluGradP: Binary = definePrimitive<undefined>({
  name: "reluGrad",
  impl: binaryImpl("reluGrad"),
  jvp: ([, x], [tg]) => (tg ? reluGrad(tg, x!) : null),
  vjp: (c, [, x], _out, _params, needs) => [needs[0] ? reluGrad(c, x!) : null, null],
  taylor: ([g, x], y0) => [y0, ...mapLinear(g!.slice(1), (c) => reluGrad(c, coef(x!, 0)!))],
  batch: batchElementwise(() => reluGradP),
  check: { domain: "awayFromZero", order: 2, cases: binaryCases() },
  kernel: { op: "binary", kernel: "reluGrad" },
});
export const mulNoNanP = binary("mulNoNan", (a, b) => [() => b, () => a], ([a, b], y0, n) => seriesMul(a!, b!, n, mulNoNan, y0), { domain: "awayFromZero", order: 2, cases: binaryCases() });

function comparison(kernel: BinaryKernel): Binary {
  const prim: Binary = definePrimitive<undefined>({
    name: kernel,
    impl: binaryImpl(kernel),
    nondifferentiable: true,
    batch: batchElementwise(() => prim),
    check: { domain: "real", order: 2, cases: binaryCases() },
    kernel: { op: "binary", kernel },
  });
  return prim;
}
export const equalP = comparison("equal");
export const lessP = comparison("less");
export const greaterP = comparison("greater");

export const whereP: Primitive<undefined> = definePrimitive<undefined>({
  name: "where",
  impl: ([c, a, b]) => backend().where(c!, a!, b!, broadcastShapes(broadcastShapes(c!.shape, a!.shape, "where"), b!.shape, "where")),
  jvp: ([c], [, ta, tb]) => where(c!, ta ?? 0, tb ?? 0),
  // Selection, not multiplication: the unselected branch gets an exact zero, never 0·NaN.
  vjp: (g, [c]) => [null, where(c!, g, 0), where(c!, 0, g)],
  taylor: ([c, a, b], y0, n) => {
    const cond = coef(c!, 0)!;
    return Array.from({ length: n + 1 }, (_, k) => {
      if (k === 0) return y0;
      const ak = coef(a!, k);
      const bk = coef(b!, k);
      return ak === null && bk === null ? null : where(cond, ak ?? 0, bk ?? 0);
    });
  },
  batch: batchElementwise(() => whereP),
  check: {
    domain: "real",
    order: 3,
    cases: [
      { shapes: [[2, 3], [2, 3], [2, 3]], params: undefined, domains: ["boolean", "real", "real"] },
      { shapes: [[2, 3], [3], []], params: undefined, domains: ["boolean", "real", "real"] },
      { shapes: [[], [2], [2]], params: undefined, domains: ["boolean", "real", "real"] },
    ] satisfies CheckCase<undefined>[],
  },
  kernel: { op: "where" },
});

export const castP: Primitive<{ dtype: DType }> = definePrimitive<{ dtype: DType }>({
  name: "cast",
  impl: ([x], { dtype }) => backend().cast(x!, dtype),
  jvp: (_, [t], __, { dtype }) => cast(t!, dtype),
  vjp: (g, [x]) => [cast(g, x!.dtype)],
  taylor: ([x], y0, _, { dtype }) => [y0, ...mapLinear(x!.slice(1), (c) => cast(c, dtype))],
  batch: batchElementwise(() => castP),
  check: { domain: "real", order: 2, cases: [{ shapes: [[3]], params: { dtype: "float64" } }] },
  // Fused as the identity computed at the output's dtype.
  kernel: { op: "unary", kernel: "identity" },
});

export const stopGradientP: Primitive<undefined> = definePrimitive<undefined>({
  name: "stopGradient",
  impl: ([x]) => x!,
  nondifferentiable: true,
  batch: batchElementwise(() => stopGradientP),
  check: { domain: "real", order: 2, cases: unaryCases() },
  kernel: { op: "unary", kernel: "identity" },
});

const un = (p: Unary) => (x: TensorLike): Tensor => bind(p, [toTensor(x)], undefined);
const bin = (p: Binary) => (a: TensorLike, b: TensorLike): Tensor => bind(p, operands(a, b), undefined);

/**
 * Elementwise a + b with broadcasting.
 * @example
 * nb.add([1, 2], 10).toArray(); // => [11, 12]
 */
export const add = bin(addP);
/**
 * Elementwise a − b with broadcasting.
 * @example
 * nb.sub([5, 7], [1, 2]).toArray(); // => [4, 5]
 */
export const sub = bin(subP);
/**
 * Elementwise a · b with broadcasting.
 * @example
 * nb.mul([[1], [2]], [10, 20]).toArray(); // => [[10, 20], [20, 40]]
 */
export const mul = bin(mulP);
/**
 * Elementwise a / b with broadcasting.
 * @example
 * nb.div([1, 3], 2).toArray(); // => [0.5, 1.5]
 */
export const div = bin(divP);
/**
 * Elementwise aᵇ. d/db uses log a, taken as 0 where a ≤ 0.
 * @example
 * nb.pow([2, 3], 2).toArray(); // => [4, 9]
 */
export const pow = bin(powP);
/**
 * Elementwise maximum; at ties the gradient is shared equally.
 * @example
 * nb.maximum([1, 5], [3, 2]).toArray(); // => [3, 5]
 */
export const maximum = bin(maximumP);
/**
 * Elementwise minimum; at ties the gradient is shared equally.
 * @example
 * nb.minimum([1, 5], [3, 2]).toArray(); // => [1, 2]
 */
export const minimum = bin(minimumP);
/**
 * Elementwise angle of the point (b, a), in (−π, π].
 * @example
 * nb.atan2(1, 1).item(); // => 0.7853981633974483
 */
export const atan2 = bin(atan2P);
/**
 * a · b where an exact zero on either side gives 0, even against NaN or ∞.
 * @example
 * nb.mulNoNan([0, 2], [NaN, 3]).toArray(); // => [0, 6]
 */
export const mulNoNan = bin(mulNoNanP);
/** g where x > 0, else +0: relu's derivative applied to a cotangent in one pass. @internal */
export const reluGrad = bin(reluGradP);
/**
 * 1 where a = b, else 0 (no gradient flows through comparisons).
 * @example
 * nb.equal([1, 2], [1, 3]).toArray(); // => [1, 0]
 */
export const equal = bin(equalP);
/**
 * 1 where a < b, else 0.
 * @example
 * nb.less([1, 2], 2).toArray(); // => [1, 0]
 */
export const less = bin(lessP);
/**
 * 1 where a > b, else 0.
 * @example
 * nb.greater([1, 3], 2).toArray(); // => [0, 1]
 */
export const greater = bin(greaterP);
/**
 * −x.
 * @example
 * nb.neg([1, -2]).toArray(); // => [-1, 2]
 */
export const neg = un(negP);
/**
 * eˣ.
 * @example
 * nb.exp(0).item(); // => 1
 */
export const exp = un(expP);
/**
 * Natural logarithm.
 * @example
 * nb.log(Math.E).item(); // => 1
 */
export const log = un(logP);
/**
 * log(1 + x), accurate for small x.
 * @example
 * nb.log1p(1e-20).item(); // => 1e-20
 */
export const log1p = un(log1pP);
/**
 * eˣ − 1, accurate for small x.
 * @example
 * nb.expm1(1e-20).item(); // => 1e-20
 */
export const expm1 = un(expm1P);
/**
 * Square root.
 * @example
 * nb.sqrt([4, 9]).toArray(); // => [2, 3]
 */
export const sqrt = un(sqrtP);
/**
 * 1 / x.
 * @example
 * nb.reciprocal([2, 4]).toArray(); // => [0.5, 0.25]
 */
export const reciprocal = un(reciprocalP);
/**
 * |x|; its derivative at 0 is taken as 0.
 * @example
 * nb.abs([-2, 3]).toArray(); // => [2, 3]
 */
export const abs = un(absP);
/**
 * −1, 0 or 1 by the sign of x (zero gradient).
 * @example
 * nb.sign([-2, 0, 3]).toArray(); // => [-1, 0, 1]
 */
export const sign = un(signP);
/**
 * Sine.
 * @example
 * nb.sin(0).item(); // => 0
 */
export const sin = un(sinP);
/**
 * Cosine.
 * @example
 * nb.cos(0).item(); // => 1
 */
export const cos = un(cosP);
/**
 * Tangent.
 * @example
 * nb.tan(0).item(); // => 0
 */
export const tan = un(tanP);
/**
 * Inverse sine.
 * @example
 * nb.asin(1).item(); // => 1.5707963267948966
 */
export const asin = un(asinP);
/**
 * Inverse cosine.
 * @example
 * nb.acos(1).item(); // => 0
 */
export const acos = un(acosP);
/**
 * Inverse tangent.
 * @example
 * nb.atan(1).item(); // => 0.7853981633974483
 */
export const atan = un(atanP);
/**
 * Hyperbolic sine.
 * @example
 * nb.sinh(0).item(); // => 0
 */
export const sinh = un(sinhP);
/**
 * Hyperbolic cosine.
 * @example
 * nb.cosh(0).item(); // => 1
 */
export const cosh = un(coshP);
/**
 * Hyperbolic tangent.
 * @example
 * nb.tanh(0).item(); // => 0
 */
export const tanh = un(tanhP);
/**
 * The error function, 2/√π ∫₀ˣ e^(−t²) dt.
 * @example
 * Math.abs(nb.erf(1).item() - 0.8427007929497149) < 1e-15; // => true
 */
export const erf = un(erfP);
/**
 * The logistic function 1 / (1 + e⁻ˣ), computed without overflow.
 * @example
 * nb.sigmoid(0).item(); // => 0.5
 */
export const sigmoid = un(sigmoidP);
/**
 * log(1 + eˣ), computed without overflow.
 * @example
 * nb.softplus(1000).item(); // => 1000
 */
export const softplus = un(softplusP);
/**
 * max(x, 0); its derivative at 0 is taken as 0.
 * @example
 * nb.relu([-1, 2]).toArray(); // => [0, 2]
 */
export const relu = un(reluP);
/** 1 where x > 0, else 0 (the derivative of relu; zero gradient). @internal */
export const step = un(stepP);

/**
 * Picks `a` where `cond` is non-zero, else `b`, with broadcasting. The gradient of the
 * unselected branch is exactly zero, even where that branch is NaN or infinite.
 * @example
 * const x = nb.tensor([-1, 4]);
 * nb.where(nb.greater(x, 0), nb.sqrt(x), 0).toArray(); // => [0, 2]
 * nb.grad((x) => nb.sum(nb.where(nb.greater(x, 0), nb.sqrt(x), 0)))(x).toArray(); // => [0, 0.25]
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands(a, b);
  return bind(whereP, [toTensor(cond), ta, tb], undefined);
}

/**
 * Converts to another dtype.
 * @example
 * nb.cast([1.5], "float32").dtype; // => "float32"
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  return bind(castP, [toTensor(x)], { dtype: checkDType(dtype, "cast") });
}

/**
 * The value of x, seen by every transform as a constant (its derivative is zero).
 * @example
 * nb.grad((x) => nb.mul(x, nb.stopGradient(x)))(3); // => 3
 */
export function stopGradient(x: TensorLike): Tensor {
  return bind(stopGradientP, [toTensor(x)], undefined);
}
