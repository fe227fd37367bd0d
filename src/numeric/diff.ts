/**
 * Finite differences: derivatives, gradients, Hessians and Jacobian-vector products computed
 * from values of f alone. This is the independent oracle automatic differentiation is tested
 * against, so it imports only the tensor layer and never autodiff.
 *
 * Step sizes balance truncation error against rounding error (ε = 2⁻⁵², s = max(1, |x|)):
 * - first differences, forward/backward: h = √ε·s ≈ 1.5e-8·s (error O(h) + O(ε/h));
 * - first differences, central: h = ε^(1/3)·s ≈ 6.1e-6·s (error O(h²) + O(ε/h));
 * - second differences, central: h = ε^(1/4)·s ≈ 1.2e-4·s (error O(h²) + O(ε/h²));
 * - second differences, forward/backward: h = ε^(1/3)·s (error O(h) + O(ε/h²)).
 * With Richardson extrapolation the estimates at h, h/2, h/4, … are combined in a Romberg
 * tableau that cancels the leading error terms one by one, so the first step can be much
 * larger (2⁻⁶·s for first and 2⁻⁵·s for second derivatives): rounding stays small and the
 * truncation error drops below 1e-10 on smooth O(1) problems.
 * @module
 */
import { ArrayTensor, Tensor } from "../tensor/tensor.js";
import { type TensorLike, tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { type Shape, formatShape, sizeOf } from "../tensor/shape.js";

/** Which points a difference uses: x and x + h, x − h and x, or x ± h. */
export type DifferenceMethod = "forward" | "backward" | "central";

/** Options for derivative, grad and hessian. */
export interface DiffOptions {
  /** The difference stencil; "central" (default) has error O(h²), the one-sided ones O(h). */
  method?: DifferenceMethod;
  /**
   * The step, used as given for every coordinate (with `richardson`, the first and largest
   * step). Default, per coordinate with s = max(1, |xᵢ|) and ε = 2⁻⁵²: √ε·s one-sided and
   * ε^(1/3)·s central for first derivatives, ε^(1/3)·s one-sided and ε^(1/4)·s central for
   * second derivatives; with `richardson`, 2⁻⁶·s (first) and 2⁻⁵·s (second).
   */
  h?: number;
  /** Combine the estimates at h, h/2, h/4, … by Richardson extrapolation (default false). */
  richardson?: boolean;
}

/** Options for jvp, which always uses central differences. */
export interface JvpOptions {
  /** The first (largest) step in units of max(1, |x|∞)/|v|∞; default 2⁻⁶ with Richardson, ε^(1/3) without. */
  h?: number;
  /** Richardson extrapolation over h, h/2, h/4, h/8 (default true: ~1e-10 relative error on smooth problems). */
  richardson?: boolean;
}

/** What a scalar function may return: a number or a one-element Tensor. */
export type ScalarResult = number | Tensor;

const EPSILON = 2 ** -52;
const PLAIN_FIRST_STEP: Record<DifferenceMethod, number> = {
  forward: Math.sqrt(EPSILON),
  backward: Math.sqrt(EPSILON),
  central: Math.cbrt(EPSILON),
};
const PLAIN_SECOND_STEP: Record<DifferenceMethod, number> = {
  forward: Math.cbrt(EPSILON),
  backward: Math.cbrt(EPSILON),
  central: EPSILON ** 0.25,
};
/**
 * Richardson's first steps are large because extrapolation removes the truncation error;
 * 2⁻⁶ still keeps every point within 1.6%·max(1, |x|) of the centre, so functions with a
 * nearby singularity (log near 0.1, tan near π/2 − 0.1) are evaluated where they are smooth.
 */
const RICHARDSON_FIRST_STEP = 2 ** -6;
const RICHARDSON_SECOND_STEP = 2 ** -5;
/**
 * Tableau rows: the central error expands in h², h⁴, …, so four rows reach O(h⁸); one-sided
 * errors expand in h, h², …, which needs more rows (and smaller steps) for a similar gain.
 */
const RICHARDSON_LEVELS: Record<DifferenceMethod, number> = { forward: 6, backward: 6, central: 4 };

/** A coordinate index, or a direction vector over the flattened input. */
type Direction = number | Float64Array;
/** f seen as a map from a flat float64 point to its flat float64 output. */
type FlatFunction = (point: Float64Array) => Float64Array;

/** Offsets (in steps) and weights of the first-derivative stencils; the sum is divided by h. */
const FIRST_STENCIL: Record<DifferenceMethod, readonly (readonly [number, number])[]> = {
  forward: [[1, 1], [0, -1]],
  backward: [[0, 1], [-1, -1]],
  central: [[1, 0.5], [-1, -0.5]],
};
/** Second derivative along one coordinate: offsets (in steps) and weights, divided by h². */
const PURE_SECOND_STENCIL: Record<DifferenceMethod, readonly (readonly [number, number])[]> = {
  forward: [[2, 1], [1, -2], [0, 1]],
  backward: [[0, 1], [-1, -2], [-2, 1]],
  central: [[1, 1], [0, -2], [-1, 1]],
};

/**
 * The derivative of a function of one number, by finite differences.
 *
 * @example
 * Math.abs(nb.numeric.derivative(Math.sin, 0) - 1) < 1e-10; // => true
 * Math.abs(nb.numeric.derivative(Math.exp, 1, { richardson: true }) - Math.E) < 1e-12; // => true
 * Math.abs(nb.numeric.derivative((x) => x ** 3, 2, { method: "forward" }) - 12) < 1e-5; // => true
 */
export function derivative(f: (x: number) => ScalarResult, x: number, options: DiffOptions = {}): number {
  const where = "numeric.derivative";
  if (typeof x !== "number" || !Number.isFinite(x)) {
    throw new NablaError(`${where}: x must be a finite number, got ${describeValue(x)}`);
  }
  const method = checkMethod(options.method, where);
  const richardson = options.richardson ?? false;
  const step = options.h ?? defaultStep(x, method, richardson, 1);
  checkStep(step, where);
  const flat: FlatFunction = (point) => Float64Array.of(scalarValue(f(point[0]!), where));
  const centre = Float64Array.of(x);
  return firstDerivative(flat, centre, 0, step, method, richardson, once(() => flat(centre)))[0]!;
}

/**
 * The gradient of a scalar function of a tensor, by finite differences along each coordinate.
 * f receives a float64 Tensor (rank 0 for a number x) and returns a number or a one-element
 * Tensor. The result has x's shape: a number for a number, else a float64 Tensor (inputs of
 * dtype float32 are evaluated in float64).
 *
 * @example
 * Math.abs(nb.numeric.grad((x) => nb.mul(x, x), 3) - 6) < 1e-8; // => true
 * const g = nb.numeric.grad((x) => nb.sum(nb.mul(x, x)), [1, 2], { richardson: true });
 * nb.max(nb.abs(nb.sub(g, [2, 4]))).item() < 1e-9; // => true
 */
export function grad(f: (x: Tensor) => ScalarResult, x: number, options?: DiffOptions): number;
export function grad(f: (x: Tensor) => ScalarResult, x: TensorLike, options?: DiffOptions): Tensor;
export function grad(f: (x: Tensor) => ScalarResult, x: TensorLike, options: DiffOptions = {}): number | Tensor {
  const where = "numeric.grad";
  const { point, shape } = readPoint(x, where);
  const method = checkMethod(options.method, where);
  const richardson = options.richardson ?? false;
  const flat = scalarFunction(f, shape, where);
  const fx = once(() => flat(point));
  const out = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const step = options.h ?? defaultStep(point[i]!, method, richardson, 1);
    checkStep(step, where);
    out[i] = firstDerivative(flat, point, i, step, method, richardson, fx)[0]!;
  }
  return typeof x === "number" ? out[0]! : new ArrayTensor(out, shape);
}

/**
 * The Hessian of a scalar function of a tensor, by second differences: shape x.shape ++
 * x.shape (a number for a number x). Each off-diagonal entry is computed once from a
 * stencil symmetric in its two coordinates and mirrored, so the result is exactly symmetric.
 *
 * @example
 * const H = nb.numeric.hessian((x) => nb.sum(nb.mul(x, x)), [1, 2], { richardson: true });
 * nb.max(nb.abs(nb.sub(H, [[2, 0], [0, 2]]))).item() < 1e-8; // => true
 * Math.abs(nb.numeric.hessian((x) => nb.pow(x, 3), 2) - 12) < 1e-6; // => true
 */
export function hessian(f: (x: Tensor) => ScalarResult, x: number, options?: DiffOptions): number;
export function hessian(f: (x: Tensor) => ScalarResult, x: TensorLike, options?: DiffOptions): Tensor;
export function hessian(f: (x: Tensor) => ScalarResult, x: TensorLike, options: DiffOptions = {}): number | Tensor {
  const where = "numeric.hessian";
  const { point, shape } = readPoint(x, where);
  const method = checkMethod(options.method, where);
  const richardson = options.richardson ?? false;
  const flat = scalarFunction(f, shape, where);
  const fx = once(() => flat(point));
  const n = point.length;
  const steps = Array.from(point, (xi) => options.h ?? defaultStep(xi, method, richardson, 2));
  steps.forEach((step) => checkStep(step, where));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const value = secondDerivative(flat, point, i, steps[i]!, j, steps[j]!, method, richardson, fx)[0]!;
      out[i * n + j] = value;
      out[j * n + i] = value;
    }
  }
  return typeof x === "number" ? out[0]! : new ArrayTensor(out, [...shape, ...shape]);
}

/**
 * The directional derivative J·v of a function of several tensors by central differences,
 * (f(x + h·v) − f(x − h·v)) / 2h with every input moved along its tangent, extrapolated by
 * Richardson over h, h/2, h/4, h/8 unless `richardson: false`. Returns a float64 Tensor shaped
 * like f's output. The step is scaled by max(1, |x|∞)/|v|∞ so that no input moves by more
 * than h·max(1, |x|∞).
 *
 * @example
 * const dy = nb.numeric.jvp((a, b) => nb.mul(a, b), [[1, 2], [3, 4]], [[1, 0], [0, 1]]);
 * nb.max(nb.abs(nb.sub(dy, [3, 2]))).item() < 1e-10; // => true
 */
export function jvp(
  f: (...xs: Tensor[]) => ScalarResult, primals: readonly TensorLike[], tangents: readonly TensorLike[], options: JvpOptions = {},
): Tensor {
  const where = "numeric.jvp";
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new NablaError(`${where}: primals and tangents must be arrays of the same length, one entry per argument of f`);
  }
  const inputs = primals.map((p, k) => readPoint(p, `${where} (primal ${k})`));
  const directions = tangents.map((t, k) => readPoint(t, `${where} (tangent ${k})`));
  directions.forEach((d, k) => {
    if (formatShape(d.shape) !== formatShape(inputs[k]!.shape)) {
      throw new NablaError(`${where}: tangent ${k} has shape ${formatShape(d.shape)} but its primal has shape ${formatShape(inputs[k]!.shape)}`);
    }
  });
  const point = concatenate(inputs.map((p) => p.point));
  const direction = concatenate(directions.map((d) => d.point));
  const shapes = inputs.map((p) => p.shape);
  const output: { shape?: Shape } = {};
  const flat: FlatFunction = (at) => {
    const t = asTensor(f(...split(at, shapes)), where);
    output.shape ??= t.shape;
    if (formatShape(output.shape) !== formatShape(t.shape)) {
      throw new NablaError(`${where}: f returned shape ${formatShape(t.shape)} after returning ${formatShape(output.shape)}; its output shape must not depend on the input values`);
    }
    return Float64Array.from(t.values());
  };
  const fx = once(() => flat(point));
  const speed = maxAbs(direction);
  const richardson = options.richardson ?? true;
  const relativeStep = options.h ?? (richardson ? RICHARDSON_FIRST_STEP : PLAIN_FIRST_STEP.central);
  checkStep(relativeStep, where);
  const result = speed === 0
    ? new Float64Array(fx().length)
    : firstDerivative(flat, point, direction, (relativeStep * Math.max(1, maxAbs(point))) / speed, "central", richardson, fx);
  // Every branch above has evaluated f at least once, which recorded its output shape.
  return new ArrayTensor(result, output.shape ?? []);
}

/** Row-major multi-index of a flat position: unravelIndex(5, [2, 3]) is [1, 2]. */
export function unravelIndex(flatIndex: number, shape: Shape): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flatIndex;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis]!;
    index[axis] = rest % size;
    rest = Math.floor(rest / size);
  }
  return index;
}

/** f′ along `direction` at `point`: one stencil at `step`, or a Richardson tableau starting there. */
function firstDerivative(
  f: FlatFunction, point: Float64Array, direction: Direction, step: number, method: DifferenceMethod, richardson: boolean, fx: () => Float64Array,
): Float64Array {
  const estimate = (h: number): Float64Array =>
    weightedSum(FIRST_STENCIL[method].map(([offset, weight]) => [weight / h, offset === 0 ? fx() : f(moved(point, [[direction, offset * h]]))]));
  return richardson ? extrapolate(estimate, step, method) : estimate(step);
}

/**
 * ∂²f/∂xᵢ∂xⱼ: the three-point stencil along one coordinate when i = j, else the product of
 * two first-derivative stencils, which is symmetric in i and j.
 */
function secondDerivative(
  f: FlatFunction, point: Float64Array, i: number, stepI: number, j: number, stepJ: number,
  method: DifferenceMethod, richardson: boolean, fx: () => Float64Array,
): Float64Array {
  const evaluate = (offsetI: number, offsetJ: number, scale: number): Float64Array =>
    offsetI === 0 && offsetJ === 0 ? fx() : f(moved(point, [[i, offsetI * stepI * scale], [j, offsetJ * stepJ * scale]]));
  const estimate = (scale: number): Float64Array => {
    const denominator = stepI * stepJ * scale * scale;
    if (i === j) return weightedSum(PURE_SECOND_STENCIL[method].map(([offset, weight]) => [weight / denominator, evaluate(offset, 0, scale)]));
    const terms: [number, Float64Array][] = [];
    for (const [offsetI, weightI] of FIRST_STENCIL[method]) {
      for (const [offsetJ, weightJ] of FIRST_STENCIL[method]) terms.push([(weightI * weightJ) / denominator, evaluate(offsetI, offsetJ, scale)]);
    }
    return weightedSum(terms);
  };
  return richardson ? extrapolate(estimate, 1, method) : estimate(1);
}

/**
 * Romberg's tableau over steps h, h/2, h/4, …: entry (k, j) removes the error term of order
 * p·j from the two entries above it, where p = 2 for central stencils (even error expansion)
 * and 1 for one-sided ones. Returns the last diagonal entry.
 */
function extrapolate(estimate: (h: number) => Float64Array, firstStep: number, method: DifferenceMethod): Float64Array {
  const errorOrderStep = method === "central" ? 2 : 1;
  let previousRow: Float64Array[] = [];
  for (let k = 0; k < RICHARDSON_LEVELS[method]; k++) {
    const row = [estimate(firstStep / 2 ** k)];
    for (let j = 1; j <= k; j++) {
      const factor = 2 ** (errorOrderStep * j) - 1;
      const finer = row[j - 1]!;
      const coarser = previousRow[j - 1]!;
      row.push(finer.map((v, e) => v + (v - coarser[e]!) / factor));
    }
    previousRow = row;
  }
  return previousRow[previousRow.length - 1]!;
}

function weightedSum(terms: readonly (readonly [number, Float64Array])[]): Float64Array {
  const out = new Float64Array(terms[0]![1].length);
  for (const [weight, values] of terms) {
    for (let e = 0; e < out.length; e++) out[e]! += weight * values[e]!;
  }
  return out;
}

function moved(point: Float64Array, moves: readonly (readonly [Direction, number])[]): Float64Array {
  const out = point.slice();
  for (const [direction, amount] of moves) {
    if (typeof direction === "number") out[direction]! += amount;
    else for (let e = 0; e < out.length; e++) out[e]! += amount * direction[e]!;
  }
  return out;
}

function defaultStep(x: number, method: DifferenceMethod, richardson: boolean, order: 1 | 2): number {
  const base = richardson
    ? order === 1 ? RICHARDSON_FIRST_STEP : RICHARDSON_SECOND_STEP
    : order === 1 ? PLAIN_FIRST_STEP[method] : PLAIN_SECOND_STEP[method];
  return base * Math.max(1, Math.abs(x));
}

function scalarFunction(f: (x: Tensor) => ScalarResult, shape: Shape, where: string): FlatFunction {
  return (point) => Float64Array.of(scalarValue(f(new ArrayTensor(point, shape)), where));
}

export function scalarValue(value: unknown, where: string): number {
  if (typeof value === "number") return value;
  const t = asTensor(value, where);
  if (t.size !== 1) {
    throw new NablaError(
      `${where}: f must return a scalar (a number or a tensor with one element), but it returned shape ${formatShape(t.shape)}. ` +
        `For a vector-valued f use numeric.jvp along each direction, or reduce the output to a scalar first.`,
    );
  }
  return t.item();
}

function asTensor(value: unknown, where: string): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === "number") return new ArrayTensor(Float64Array.of(value), []);
  throw new NablaError(`${where}: f must return a number or a Tensor, but it returned ${describeValue(value)}`);
}

/** x as a flat float64 copy (float32 is cast up so that f is always evaluated in float64). */
function readPoint(x: TensorLike, where: string): { point: Float64Array; shape: Shape } {
  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw new NablaError(`${where}: x must be finite, got ${x}`);
    return { point: Float64Array.of(x), shape: [] };
  }
  const t = tensor(x, { dtype: "float64" });
  const point = Float64Array.from(t.values());
  const bad = point.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new NablaError(`${where}: x must be finite, but its element [${unravelIndex(bad, t.shape).join(", ")}] is ${point[bad]}`);
  }
  return { point, shape: t.shape };
}

function split(point: Float64Array, shapes: readonly Shape[]): Tensor[] {
  let start = 0;
  return shapes.map((shape) => {
    const size = sizeOf(shape);
    const part = point.slice(start, start + size);
    start += size;
    return new ArrayTensor(part, shape);
  });
}

function concatenate(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let start = 0;
  for (const p of parts) {
    out.set(p, start);
    start += p.length;
  }
  return out;
}

function maxAbs(values: Float64Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

function checkMethod(method: unknown, where: string): DifferenceMethod {
  if (method === undefined) return "central";
  if (method === "forward" || method === "backward" || method === "central") return method;
  throw new NablaError(`${where}: method must be "forward", "backward" or "central", got ${describeValue(method)}`);
}

function checkStep(h: number, where: string): void {
  if (typeof h !== "number" || !(h > 0) || !Number.isFinite(h)) {
    throw new NablaError(`${where}: the step h must be a finite positive number, got ${describeValue(h)}`);
  }
}

function describeValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

/** Evaluates f(x) at most once, however many stencils reuse it. */
function once(compute: () => Float64Array): () => Float64Array {
  let cached: Float64Array | null = null;
  return () => (cached ??= compute());
}
