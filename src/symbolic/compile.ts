/**
 * Compilation of an expression to a function over nabla values: each node becomes the nabla
 * op of the same name, so the result is an ordinary traced function that grad, jvp, vjp and
 * the numeric layer all accept, elementwise over tensors with broadcasting.
 */
import { type TensorLike, toTensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, mul, neg, pow, sub } from "../ops/primitives/elementwise.js";
import { CONSTANT_VALUES, type ExprNode, freeVariables } from "./ast.js";
import { functionSpec } from "./functions.js";

const BINARY = { "+": add, "-": sub, "*": mul, "/": div, "^": pow } as const;

/** A compiled expression: one argument per variable name, in the order given to compile. */
export type CompiledExpr = (...args: TensorLike[]) => Tensor;

export function compileNode(node: ExprNode, names: readonly string[]): CompiledExpr {
  const missing = freeVariables(node).filter((v) => !names.includes(v));
  if (missing.length) {
    throw new NablaError(`compile: the expression uses ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not among the argument names [${names.join(", ")}]`);
  }
  return (...args: TensorLike[]): Tensor => {
    if (args.length !== names.length) {
      throw new NablaError(`compiled expression: expected ${names.length} argument${names.length === 1 ? "" : "s"} (${names.join(", ")}), got ${args.length}`);
    }
    const env = new Map<string, TensorLike>(names.map((n, i) => [n, args[i]!]));
    // Shared subexpressions (a derivative is a DAG) are computed once per call.
    const memo = new Map<ExprNode, TensorLike>();
    const evaluate = (n: ExprNode): TensorLike => {
      let out = memo.get(n);
      if (out === undefined) memo.set(n, (out = evaluateNode(n)));
      return out;
    };
    // Literals stay JS numbers, which take the dtype of the tensor they meet.
    const evaluateNode = (n: ExprNode): TensorLike => {
      switch (n.kind) {
        case "number": return n.value;
        case "constant": return CONSTANT_VALUES[n.name];
        case "variable": return env.get(n.name)!;
        case "neg": return neg(evaluate(n.arg));
        case "binary": return BINARY[n.op](evaluate(n.left), evaluate(n.right));
        case "call": return functionSpec(n.fn).op(...n.args.map(evaluate));
      }
    };
    return toTensor(evaluate(node));
  };
}
