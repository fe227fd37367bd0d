/**
 * Tracing: runs a TypeScript function on symbolic tracers, values that compute as usual
 * (on the example point) and also record, op by op, the expression that produced them. It is
 * one more interpreter on the engine's tracer mechanism, at its own level, so it composes
 * with the transforms: `nb.trace(nb.grad(f), 1)` shows the formula reverse mode evaluates.
 */
import { type Primitive, type Trace, Tracer, bind } from "../ops/core.js";
import { nextLevel, withTrace } from "../autodiff/trace.js";
import { scalar } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { type BinaryOp, type ExprNode, binary, call, constant, div, neg, num, variable } from "./ast.js";
import { arity, isFunctionName } from "./functions.js";
import { Expr } from "./expr.js";

const BINARY_PRIMITIVES: Readonly<Record<string, BinaryOp>> = { add: "+", sub: "-", mul: "*", mulNoNan: "*", div: "/", pow: "^" };
const RENAMED: Readonly<Record<string, string>> = { maximum: "max", minimum: "min" };
/** On a single number these are the identity (sum of one element, reshape of a scalar, …). */
const IDENTITY_ON_SCALARS = new Set(["sum", "max", "min", "reshape", "broadcastTo", "transpose", "slice", "cast"]);

class SymbolicTracer extends Tracer {
  constructor(readonly trace: SymbolicTrace, readonly primal: Tensor, readonly node: ExprNode) {
    super();
  }
}

class SymbolicTrace implements Trace {
  active = true;
  readonly name = "trace";
  constructor(readonly level: number) {}

  process<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
    const nodes = inputs.map((x) => this.nodeOf(x, prim.name));
    const out = bind(prim, inputs.map((x) => (x instanceof SymbolicTracer && x.trace === this ? x.primal : x)), params);
    if (out.size !== 1) throw new NablaError(`trace: '${prim.name}' produced shape ${formatShape(out.shape)}; nb.trace follows functions of scalars only`);
    return new SymbolicTracer(this, out, expressionOf(prim.name, nodes));
  }

  nodeOf(x: Tensor, op: string): ExprNode {
    if (x instanceof SymbolicTracer) {
      if (x.trace !== this) throw new NablaError(`trace: '${op}' received a value from another nb.trace call; return values instead of storing them`);
      return x.node;
    }
    if (x.size !== 1) throw new NablaError(`trace: '${op}' received a constant of shape ${formatShape(x.shape)}; nb.trace follows functions of scalars only`);
    const v = x.item();
    return v === Math.PI ? constant("pi") : v === Math.E ? constant("e") : num(v);
  }
}

function expressionOf(op: string, args: readonly ExprNode[]): ExprNode {
  const [u, v] = args;
  const binaryOp = BINARY_PRIMITIVES[op];
  if (binaryOp && v) return binary(binaryOp, u!, v);
  if (op === "neg") return neg(u!);
  if (op === "reciprocal") return div(num(1), u!);
  if (IDENTITY_ON_SCALARS.has(op) && args.length === 1) return u!;
  const fn = RENAMED[op] ?? op;
  if (isFunctionName(fn) && arity(fn) === args.length) return call(fn, ...args);
  throw new NablaError(`trace: '${op}' has no expression form; nb.trace follows arithmetic and the functions nb.parse knows`);
}

/** Parameter names read from the function's source, e.g. ["x", "y"] for (x, y) => …. */
function parameterNames(f: (...args: never[]) => unknown): string[] | undefined {
  const source = f.toString();
  const list = /^\s*(?:async\s*)?(?:function\b[^(]*)?\(([^)]*)\)/.exec(source)?.[1] ?? /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source)?.[1];
  if (list === undefined) return undefined;
  const names = list.split(",").map((p) => p.trim()).filter((p) => p !== "");
  return names.every((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) ? names : undefined;
}

/** Options for `trace`. */
export interface TraceOptions {
  /** Variable names for f's arguments; by default f's own parameter names (else x1, x2, …). */
  names?: readonly string[];
}

/**
 * Turns a TypeScript function of nabla scalar ops into an expression, by running it once on
 * tracers at the example point: the math your code computes, readable and differentiable
 * symbolically. Composites appear as the primitives they are built from (silu(x) as
 * x*sigmoid(x)). Control flow follows the example point, as in every tracing system.
 *
 * @example
 * const f = (x: nb.Tensor, y: nb.Tensor) => nb.add(nb.mul(x, y), nb.sin(x));
 * nb.trace(f, [1, 2]).toString(); // => "x*y + sin(x)"
 * nb.trace((w: nb.Tensor) => nb.sigmoid(nb.mul(2, w)), 0).diff("w").toString(); // => "2*sigmoid(2*w)*(1 - sigmoid(2*w))"
 */
export function trace(f: (...args: Tensor[]) => Tensor | number, example: number | readonly number[], options: TraceOptions = {}): Expr {
  const point = typeof example === "number" ? [example] : [...example];
  const fallback = point.length === 1 ? ["x"] : point.map((_, i) => `x${i + 1}`);
  const ownNames = parameterNames(f);
  const names = options.names ?? (ownNames?.length === point.length ? ownNames : fallback);
  if (names.length !== point.length) throw new NablaError(`trace: ${names.length} names for ${point.length} example values`);
  const symbolic = new SymbolicTrace(nextLevel());
  return withTrace(symbolic, () => {
    const args = point.map((v, i) => new SymbolicTracer(symbolic, scalar(v), variable(names[i]!)));
    const out = f(...args);
    return new Expr(symbolic.nodeOf(out instanceof Tensor ? out : scalar(out), "the output of f"));
  });
}
