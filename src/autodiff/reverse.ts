/** Reverse mode: vjp, grad and valueAndGrad, all built on one traced evaluation. */
import { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { zeros, ones } from "../tensor/create.js";
import { ReverseTrace, ReverseTracer, nextLevel, withTrace } from "./trace.js";
import { type Leaf, type PyTree, flatten, unflatten } from "./pytree.js";
import { flattenLike, leafTensor, likeLeaf, unwrap } from "./leaves.js";
import type { Inputs, Output, Scalar } from "./types.js";

/**
 * The pullback returned by `vjp`: the output's cotangent in, one cotangent per primal out,
 * each of its primal's kind (a number for a number).
 */
export type VjpFn<A extends readonly unknown[]> = (cotangent: PyTree) => { -readonly [K in keyof A]: Output<A[K]> };

/** The untyped pullback the transforms pass around internally. */
export type Pullback = (cotangent: PyTree) => PyTree[];

interface Traced {
  out: unknown;
  pullback: Pullback;
  /** With hasAux: what f returned beside its output, with this trace's tracers unwrapped. */
  aux?: unknown;
}

/**
 * Evaluates f on tracers of a new reverse trace and returns its output with the pullback.
 * With hasAux, f returns [output, aux] and only the output is differentiated.
 */
function traceReverse(name: string, f: (...args: never[]) => unknown, primals: readonly unknown[], hasAux: boolean): Traced {
  const flat = flatten(primals, name);
  const trace = new ReverseTrace(name, nextLevel());
  const result = withTrace(trace, () => {
    const inputs = flat.leaves.map((leaf) => new ReverseTracer(trace, leafTensor(leaf), null));
    const args = unflatten<unknown[]>(flat.def, inputs);
    return { inputs, value: (f as (...a: unknown[]) => unknown)(...args) };
  });
  let value = result.value;
  let aux: unknown;
  if (hasAux) {
    if (!Array.isArray(value) || value.length !== 2) {
      throw new NablaError(`${name}: with hasAux, f must return a pair [output, aux]`);
    }
    [value, aux] = value;
    aux = unwrapAll(aux, trace.level);
  }
  const outFlat = flatten(value, `${name} (f's output)`);
  const outputs = outFlat.leaves.map((leaf) => unwrap(leaf, trace.level) as Leaf);
  const pullback: Pullback = (cotangent) => {
    const seeds = flattenLike(cotangent, outFlat.def, outputs, `${name} pullback`, "cotangent").map(leafTensor);
    const live = outFlat.leaves.flatMap((leaf, i) => (leaf instanceof ReverseTracer && leaf.trace === trace ? [[leaf, seeds[i]!] as const] : []));
    const cts = trace.backward(live.map(([t]) => t), live.map(([, s]) => s), result.inputs);
    const grads = flat.leaves.map((leaf, i) => {
      const x = leafTensor(leaf);
      return likeLeaf(cts[i] ?? zeros(x.shape, { dtype: x.dtype }), leaf);
    });
    return unflatten<PyTree[]>(flat.def, grads);
  };
  return { out: unflatten(outFlat.def, outputs), pullback, aux };
}

/** Replaces this level's tracers anywhere inside arrays and plain objects; other values pass through. */
function unwrapAll(x: unknown, level: number): unknown {
  if (Array.isArray(x)) return x.map((v) => unwrapAll(v, level));
  if (typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, unwrapAll(v, level)]));
  }
  return unwrap(x, level);
}

/**
 * Evaluates f at `primals` and returns its output with the pullback that maps an output
 * cotangent u to the input cotangents uᵀJ (one per primal, shaped like it).
 *
 * @example
 * const [y, pullback] = nb.vjp((x) => nb.mul(x, x), nb.tensor([1, 2, 3]));
 * y.toArray(); // => [1, 4, 9]
 * pullback(nb.tensor([1, 1, 1]))[0].toArray(); // => [2, 4, 6]
 */
export function vjp<P extends unknown[] = Tensor[], Out = Tensor, A extends Inputs<P> = Inputs<P>>(f: (...args: P) => Out, ...primals: A): [Out, VjpFn<A>] {
  return vjpNamed("vjp", f as (...args: unknown[]) => Out, primals) as [Out, VjpFn<A>];
}

/** vjp with its trace labelled `name` (as in error messages, e.g. "jacrev → …"). */
export function vjpNamed<Out>(name: string, f: (...args: unknown[]) => Out, primals: readonly unknown[]): [Out, Pullback] {
  const { out, pullback } = traceReverse(name, f, primals, false);
  return [out as Out, pullback];
}

/** What f returns with hasAux: its scalar output and anything to carry alongside. */
export type WithAux = readonly [Scalar, unknown];

/** Options for grad and valueAndGrad. */
export interface GradOptions {
  /** Which positional arguments to differentiate: one index (default 0) or several (returns a tuple). */
  argnums?: number | readonly number[];
  /** f returns [output, aux]; aux is passed through undifferentiated. */
  hasAux?: boolean;
}

/** A seed of ones for f's output, which must be a scalar (else a clear error naming `name`). */
export function scalarSeed(out: unknown, name: string): Tensor {
  const t = typeof out === "number" ? leafTensor(out) : out;
  if (!(t instanceof Tensor)) {
    throw new NablaError(`${name}: f must return a scalar (a number or a tensor with one element), but it returned ${Array.isArray(out) ? "an array" : typeof out}`);
  }
  if (t.size !== 1) {
    throw new NablaError(
      `${name}: f must return a scalar, but it returned shape ${formatShape(t.shape)}. ` +
        `For a vector-Jacobian product use nb.vjp; for the full Jacobian use nb.jacrev.`,
    );
  }
  return ones(t.shape, { dtype: t.dtype });
}

function selectArgs(args: readonly unknown[], argnums: number | readonly number[], name: string): number[] {
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= args.length) {
      throw new NablaError(`${name}: argnums ${a} is out of range: f was called with ${args.length} argument(s)`);
    }
  }
  return list;
}

function valueAndGradImpl(f: (...args: never[]) => unknown, options: GradOptions, name: string) {
  const argnums = options.argnums ?? 0;
  return (...args: unknown[]): [unknown, unknown] => {
    const which = selectArgs(args, argnums, name);
    const partial = (...diffArgs: unknown[]) => {
      const full = args.slice();
      which.forEach((a, i) => (full[a] = diffArgs[i]));
      return (f as (...a: unknown[]) => unknown)(...full);
    };
    const { out, pullback, aux } = traceReverse(name, partial, which.map((a) => args[a]), options.hasAux ?? false);
    const seed = scalarSeed(out, name);
    const grads = pullback(typeof out === "number" ? seed.item() : seed);
    const allNumbers = which.every((a) => typeof args[a] === "number");
    const value = allNumbers && out instanceof Tensor && out.level === 0 ? out.item() : out;
    const g = typeof argnums === "number" ? grads[0] : grads;
    return [options.hasAux ? [value, aux] : value, g];
  };
}

/**
 * The gradient of a scalar function: a function with f's arguments that returns ∇f with the
 * structure of the differentiated argument (a number for a number). Composes to any order.
 * Inside f, arguments are Tensors (tracers); reading their values for control flow is fine.
 *
 * @example
 * nb.grad((x) => nb.mul(x, x))(3); // => 6
 * nb.grad((x) => nb.sum(nb.sin(x)))(nb.tensor([0, Math.PI])).toArray(); // => [1, -1]
 * nb.grad(nb.grad(nb.grad((x) => nb.pow(x, 4))))(2); // => 48
 * nb.grad((p: { w: nb.Tensor; b: nb.Tensor }) => nb.add(nb.mul(p.w, 3), p.b))({ w: 1, b: 2 }); // => { w: 3, b: 1 }
 * nb.grad((x, y) => nb.mul(x, y), { argnums: [0, 1] })(2, 5); // => [5, 2]
 */
export function grad<P extends unknown[] = Tensor[], N extends number = 0>(
  f: (...args: P) => Scalar, options?: { argnums?: N; hasAux?: false },
): <A extends Inputs<P>>(...args: A) => Output<A[N]>;
export function grad<P extends unknown[] = Tensor[], N extends number = 0, const R extends WithAux = WithAux>(
  f: (...args: P) => R, options: { argnums?: N; hasAux: true },
): <A extends Inputs<P>>(...args: A) => [Output<A[N]>, R[1]];
export function grad<P extends unknown[] = Tensor[]>(
  f: (...args: P) => Scalar, options: { argnums: readonly number[]; hasAux?: false },
): (...args: Inputs<P>) => PyTree[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- implementation signature, hidden behind the overloads
export function grad(f: (...args: never[]) => unknown, options: GradOptions = {}): (...args: any[]) => any {
  const vg = valueAndGradImpl(f, options, "grad");
  return (...args) => {
    const [value, g] = vg(...args);
    return options.hasAux ? [g, (value as unknown[])[1]] : g;
  };
}

/**
 * Like grad, but returns `[value, gradient]` (`[[value, aux], gradient]` with hasAux), from
 * one evaluation of f. The value is a number when the differentiated arguments are numbers.
 *
 * @example
 * const [value, g] = nb.valueAndGrad((x) => nb.mul(x, x))(3);
 * value; // => 9
 * g; // => 6
 * const [[loss, aux], gw] = nb.valueAndGrad((w) => [nb.square(w), "note"], { hasAux: true })(2);
 * [loss, aux, gw]; // => [4, "note", 4]
 */
export function valueAndGrad<P extends unknown[] = Tensor[], N extends number = 0>(
  f: (...args: P) => Scalar, options?: { argnums?: N; hasAux?: false },
): <A extends Inputs<P>>(...args: A) => [Scalar, Output<A[N]>];
export function valueAndGrad<P extends unknown[] = Tensor[], N extends number = 0, const R extends WithAux = WithAux>(
  f: (...args: P) => R, options: { argnums?: N; hasAux: true },
): <A extends Inputs<P>>(...args: A) => [[Scalar, R[1]], Output<A[N]>];
export function valueAndGrad<P extends unknown[] = Tensor[]>(
  f: (...args: P) => Scalar, options: { argnums: readonly number[]; hasAux?: false },
): (...args: Inputs<P>) => [Scalar, PyTree[]];
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- implementation signature, hidden behind the overloads
export function valueAndGrad(f: (...args: never[]) => unknown, options: GradOptions = {}): (...args: any[]) => any {
  return valueAndGradImpl(f, options, "valueAndGrad");
}
