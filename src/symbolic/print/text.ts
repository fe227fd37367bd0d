/**
 * The plain-text printer. Its output parses back to the same tree (parentheses exactly where
 * precedence and associativity need them), so printing is also the structural key that
 * simplification uses to recognise equal subexpressions.
 */
import type { ExprNode } from "../ast.js";

/** Binding strength: sums 1, products 2, unary minus 3, powers 4, atoms and calls 5. */
export function precedence(node: ExprNode): number {
  switch (node.kind) {
    case "number": return node.value < 0 || Object.is(node.value, -0) ? 3 : 5;
    case "neg": return 3;
    case "binary": return node.op === "+" || node.op === "-" ? 1 : node.op === "^" ? 4 : 2;
    default: return 5;
  }
}

/** A negative literal or a negation: parenthesised whenever it is a right operand. */
export function isNegated(node: ExprNode): boolean {
  return precedence(node) === 3;
}

/**
 * Whether an operand of a binary operator needs parentheses. Left-associative operators need
 * a strictly tighter right operand (a - (b - c)); ^ is right-associative, so its base must
 * bind tighter and its exponent at least as tight.
 */
export function needsParens(op: string, side: "left" | "right", operand: ExprNode, opPrecedence: number): boolean {
  const p = precedence(operand);
  if (side === "right" && isNegated(operand)) return true;
  if (op === "^") return side === "left" ? p <= opPrecedence : p < opPrecedence;
  return side === "left" ? p < opPrecedence : p <= opPrecedence;
}

const wrap = (s: string, parens: boolean): string => (parens ? `(${s})` : s);

const memo = new WeakMap<ExprNode, string>();

/** The expression as text, e.g. `2*x*sin(x) + x^2*cos(x)`. */
export function toText(node: ExprNode): string {
  const known = memo.get(node);
  if (known !== undefined) return known;
  let out: string;
  switch (node.kind) {
    // String(-0) is "0": the sign matters (1/-0 = -Infinity), and "-0" parses back to −0.
    case "number": out = Object.is(node.value, -0) ? "-0" : String(node.value); break;
    case "constant":
    case "variable": out = node.name; break;
    case "neg": out = `-${wrap(toText(node.arg), precedence(node.arg) < 3 || isNegated(node.arg))}`; break;
    case "call": out = `${node.fn}(${node.args.map(toText).join(", ")})`; break;
    case "binary": {
      const p = precedence(node);
      const left = wrap(toText(node.left), needsParens(node.op, "left", node.left, p));
      const right = wrap(toText(node.right), needsParens(node.op, "right", node.right, p));
      out = p === 1 ? `${left} ${node.op} ${right}` : `${left}${node.op}${right}`;
      break;
    }
  }
  memo.set(node, out);
  return out;
}
