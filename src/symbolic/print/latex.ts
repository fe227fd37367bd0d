/**
 * The LaTeX printer: fractions as \frac, exp(u) as e^{u}, products by juxtaposition where that
 * reads unambiguously (2 x \sin(x)), and \cdot before a factor that starts with a digit or sign.
 */
import { type ExprNode, num } from "../ast.js";
import { functionSpec } from "../functions.js";
import { isNegated, precedence } from "./text.js";

const GREEK = new Set([
  "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu", "xi",
  "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma",
  "Phi", "Psi", "Omega",
]);

/** \frac and e^{u} are atoms except as the base of a power, which needs parentheses around them. */
function latexPrecedence(node: ExprNode): number {
  if ((node.kind === "binary" && node.op === "/") || (node.kind === "call" && node.fn === "exp")) return 4;
  return precedence(node);
}

const parens = (s: string): string => `\\left(${s}\\right)`;

function name(n: string): string {
  const [head, ...subscript] = n.split("_");
  const base = GREEK.has(head!) ? `\\${head}` : head!.length > 1 ? `\\mathrm{${head}}` : head!;
  return subscript.length ? `${base}_{${subscript.join("_")}}` : base;
}

function number(value: number): string {
  const [mantissa, exponent] = String(value).split("e");
  if (exponent === undefined) return mantissa!;
  const power = `10^{${Number(exponent)}}`;
  return mantissa === "1" ? power : `${mantissa} \\cdot ${power}`;
}

function product(left: string, right: ExprNode, rightLatex: string): string {
  const juxtapose = !/^[\d.-]/.test(rightLatex) && right.kind !== "number";
  return juxtapose ? `${left} ${rightLatex}` : `${left} \\cdot ${rightLatex}`;
}

function call(node: Extract<ExprNode, { kind: "call" }>): string {
  const args = node.args.map(toLatex);
  switch (node.fn) {
    case "sqrt": return `\\sqrt{${args[0]}}`;
    case "abs": return `\\left|${args[0]}\\right|`;
    case "exp": return `e^{${args[0]}}`;
    default: return `${functionSpec(node.fn).latex}${parens(args.join(", "))}`;
  }
}

/** The expression as LaTeX, e.g. `2 x \sin\left(x\right) + x^{2} \cos\left(x\right)`. */
export function toLatex(node: ExprNode): string {
  switch (node.kind) {
    case "number": return number(node.value);
    case "constant": return node.name === "pi" ? "\\pi" : "e";
    case "variable": return name(node.name);
    case "call": return call(node);
    case "neg": {
      const arg = toLatex(node.arg);
      return `-${latexPrecedence(node.arg) < 3 || isNegated(node.arg) ? parens(arg) : arg}`;
    }
    case "binary": {
      if (node.op === "/") {
        // -\frac{1}{x} rather than \frac{-1}{x}.
        const { left } = node;
        const negative = left.kind === "neg" ? left.arg : left.kind === "number" && left.value < 0 ? num(-left.value) : undefined;
        return negative ? `-\\frac{${toLatex(negative)}}{${toLatex(node.right)}}` : `\\frac{${toLatex(left)}}{${toLatex(node.right)}}`;
      }
      const p = latexPrecedence(node);
      const left = toLatex(node.left);
      const right = toLatex(node.right);
      if (node.op === "^") return `${latexPrecedence(node.left) <= p ? parens(left) : left}^{${right}}`;
      const l = latexPrecedence(node.left) < p ? parens(left) : left;
      const r = latexPrecedence(node.right) <= p || isNegated(node.right) ? parens(right) : right;
      return node.op === "*" ? product(l, node.right, r) : `${l} ${node.op} ${r}`;
    }
  }
}
