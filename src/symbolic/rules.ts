/**
 * Symbolic differentiation by the rules of calculus, applied mechanically: sum, product,
 * quotient, power and chain rules here, and each function's own derivative from its entry in
 * functions.ts. Nothing is simplified, so the result shows the true cost of the rules; the
 * argument nodes are reused rather than copied, so the result is a DAG that shares them.
 */
import { type ExprNode, add, call, dependsOn, div, mul, neg, num, pow, sub, substitute } from "./ast.js";
import { type FunctionName, functionSpec } from "./functions.js";
import { parseNode } from "./parse.js";

const RULE_VARIABLES = ["u", "v"];
const parsedRules = new Map<FunctionName, ExprNode[]>();

/** A function's partial derivatives as trees in u and v, parsed once on first use. */
function ruleTrees(fn: FunctionName): ExprNode[] {
  let trees = parsedRules.get(fn);
  if (!trees) parsedRules.set(fn, (trees = functionSpec(fn).derivatives.map(parseNode)));
  return trees;
}

/** d node / d name, unsimplified. */
export function differentiate(node: ExprNode, name: string): ExprNode {
  const memo = new Map<ExprNode, ExprNode>();
  const depends = new Map<ExprNode, boolean>();
  const d = (n: ExprNode): ExprNode => {
    let result = memo.get(n);
    if (result === undefined) memo.set(n, (result = rule(n)));
    return result;
  };
  const rule = (n: ExprNode): ExprNode => {
    switch (n.kind) {
      case "number":
      case "constant": return num(0);
      case "variable": return num(n.name === name ? 1 : 0);
      case "neg": return neg(d(n.arg));
      case "call": return chain(n.fn, n.args, d);
      case "binary": {
        const { left: u, right: v } = n;
        switch (n.op) {
          case "+": return add(d(u), d(v));
          case "-": return sub(d(u), d(v));
          case "*": return add(mul(d(u), v), mul(u, d(v)));
          case "/": return div(sub(mul(d(u), v), mul(u, d(v))), pow(v, num(2)));
          case "^":
            // Power rule for a constant exponent, exponential rule for a constant base, and
            // d(u^v) = u^v·(v′·ln u + v·u′/u) when both vary.
            if (!dependsOn(v, name, depends)) return mul(mul(v, pow(u, sub(v, num(1)))), d(u));
            if (!dependsOn(u, name, depends)) return mul(mul(n, call("log", u)), d(v));
            return mul(n, add(mul(d(v), call("log", u)), div(mul(v, d(u)), u)));
        }
      }
    }
  };
  return d(node);
}

/** Chain rule: Σᵢ ∂f/∂argᵢ · d argᵢ. */
function chain(fn: FunctionName, args: readonly ExprNode[], d: (n: ExprNode) => ExprNode): ExprNode {
  const bindings = new Map(args.map((a, i) => [RULE_VARIABLES[i]!, a]));
  const terms = ruleTrees(fn).map((partial, i) => mul(substitute(partial, bindings), d(args[i]!)));
  return terms.reduce((sum, term) => add(sum, term));
}
