import { ArrayTensor, Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { settings } from "./config.js";

/**
 * A primitive: the unit of the derivative-rule table. Its kernel computes on concrete
 * tensors; its JVP and VJP rules are written with nabla ops, so they are themselves
 * differentiable and every order of derivative comes from the same entry.
 */
export interface Primitive<P = unknown> {
  readonly name: string;
  /** Computes the output from concrete inputs (through the backend). */
  readonly impl: (inputs: readonly ArrayTensor[], params: P) => ArrayTensor;
  /**
   * Forward rule: the output tangent given input tangents (null = zero). The engine
   * broadcasts the result to the output's shape.
   */
  readonly jvp?: (primals: readonly Tensor[], tangents: readonly (Tensor | null)[], out: Tensor, params: P) => Tensor | null;
  /**
   * Reverse rule: one cotangent per input (null = zero). The engine sums each back to its
   * input's shape after broadcasting, so rules never handle broadcasting. `needs[i]` is false
   * for an input nothing is differentiated with respect to (a constant such as a data batch):
   * a rule may return null there and skip the work, as PyTorch's `output_mask` does.
   */
  readonly vjp?: (g: Tensor, primals: readonly Tensor[], out: Tensor, params: P, needs: readonly boolean[]) => readonly (Tensor | null)[];
  /**
   * Taylor rule: the output's truncated power series y(t) = Σₖ yₖ tᵏ, coefficients 0..order,
   * given each input's series and the primal output y₀. Written with nabla ops and the
   * series arithmetic of ./series.ts, so jets compose with every other transform.
   */
  readonly taylor?: (xs: readonly Series[], y0: Tensor, order: number, params: P) => Series;
  /**
   * Batching rule (vmap): `axes[i]` is the mapped axis of inputs[i], or null where that input is
   * not mapped. Returns the output and its mapped axis. Written with nabla ops, like the rules above.
   */
  readonly batch?: (inputs: readonly Tensor[], axes: readonly (number | null)[], params: P) => readonly [Tensor, number | null];
  /** True for outputs with zero derivative everywhere (comparisons, sign, stopGradient). */
  readonly nondifferentiable?: boolean;
  /** How the rule-table test exercises this primitive. */
  readonly check: CheckSpec<P>;
}

/**
 * Coefficients of a truncated power series, lowest order first; null (or an index past the
 * end) is an exact zero, so constants cost nothing. Coefficients broadcast like operands.
 */
export type Series = readonly (Tensor | null)[];

/**
 * Where the rule-table test samples inputs: chosen to avoid kinks and domain edges.
 * "distinct" values are spaced apart (no near-ties, for max and min); "boolean" inputs
 * (0 or 1) are conditions: held fixed, never differentiated.
 */
export type Domain = "real" | "positive" | "unit" | "awayFromZero" | "distinct" | "boolean" | MatrixDomain;

/**
 * Matrix inputs ([..., n, n], each matrix drawn independently): "invertible" is diagonally
 * dominant (well conditioned), "spd" symmetric positive definite with eigenvalues in about
 * [n/2, 2n], "symmetric" symmetric with eigenvalues at least 1 apart (for eigenvector rules).
 */
export type MatrixDomain = "invertible" | "spd" | "symmetric";

/** One test case: input shapes, params, and optionally a domain per input. */
export interface CheckCase<P> {
  shapes: number[][];
  params: P;
  domains?: Domain[];
}

/** Test metadata every primitive must carry (the suite fails without it). */
export interface CheckSpec<P> {
  domain: Domain;
  /** Highest derivative order checked against finite differences; 2 unless a reason is given. */
  order: 1 | 2 | 3;
  /** Cases to check; elementwise helpers fill in broadcast pairs and rank-0 inputs. */
  cases: CheckCase<P>[];
  /**
   * Why the primitive has no Taylor rule (nb.jet then throws an error naming it); the test
   * checks that error instead of the rule.
   */
  noTaylor?: string;
}

/** A transform's interpreter: how ops on its tracers are evaluated. */
export interface Trace {
  readonly level: number;
  /** Label for errors, e.g. "grad". */
  readonly name: string;
  active: boolean;
  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor;
}

/** A tensor seen by a transform: a primal value plus whatever its trace tracks. */
export abstract class Tracer extends Tensor {
  abstract readonly trace: Trace;
  abstract readonly primal: Tensor;

  get level(): number {
    return this.trace.level;
  }
  get shape(): readonly number[] {
    return this.primal.shape;
  }
  get dtype() {
    return this.primal.dtype;
  }
  concrete(): ArrayTensor {
    return this.primal.concrete();
  }
}

/** Every primitive, in declaration order: the table the rule test walks. */
export const primitives: Primitive<never>[] = [];

export function definePrimitive<P = undefined>(prim: Primitive<P>): Primitive<P> {
  primitives.push(prim as unknown as Primitive<never>);
  return prim;
}

/** The transforms being evaluated, innermost last (for error messages). */
export const traceStack: Trace[] = [];

/** What the engine is doing now, e.g. "backward pass of 'mul'" (for debugNans messages). */
export const phase = { current: "" };

/**
 * Applies a primitive: runs its kernel when every input is concrete, else hands it to the
 * innermost transform among the inputs' tracers. The one entry point of every op.
 */
export function bind<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
  let top: Tensor | null = null;
  let level = 0;
  for (let i = 0; i < inputs.length; i++) {
    const l = inputs[i]!.level;
    if (l > level) {
      level = l;
      top = inputs[i]!;
    }
  }
  if (top === null) {
    const out = prim.impl(inputs as readonly ArrayTensor[], params);
    if (settings.debugNans) checkFinite(prim.name, inputs as readonly ArrayTensor[], out);
    return out;
  }
  const trace = (top as Tracer).trace;
  if (!trace.active) {
    throw new NablaError(
      `'${prim.name}' received a tracer of a ${trace.name} that has already finished: a value from inside a ` +
        `transformed function escaped it (stored in an outer variable?). Return it from the function instead.`,
    );
  }
  return trace.process(prim, inputs, params);
}

/** "grad → jvp": the transforms active now, for error messages. */
export function transformStackLabel(): string {
  return traceStack.map((t) => t.name).join(" → ");
}

function checkFinite(name: string, inputs: readonly ArrayTensor[], out: ArrayTensor): void {
  const d = out.contiguousData(false);
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const what = Number.isNaN(d[i]) ? "NaN" : d[i]! > 0 ? "Infinity" : "-Infinity";
      const where = phase.current ? ` during the ${phase.current}` : "";
      throw new NablaError(
        `debugNans: '${name}' produced ${what} at flat index ${i} of its output ${formatShape(out.shape)}${where}; ` +
          `inputs: ${inputs.map(describe).join("; ")}`,
      );
    }
  }
}

function describe(t: ArrayTensor, i: number): string {
  const d = t.contiguousData(false);
  let min = Infinity, max = -Infinity, nonFinite = 0;
  for (let k = 0; k < d.length; k++) {
    const v = d[k]!;
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const range = d.length - nonFinite > 0 ? ` in [${min}, ${max}]` : "";
  const bad = nonFinite ? `, ${nonFinite} non-finite` : "";
  return `#${i} shape ${formatShape(t.shape)} ${t.dtype}${range}${bad}`;
}
