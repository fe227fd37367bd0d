/** The public face of the symbolic layer: `parse` and the `Expr` class. */
import { NablaError } from "../tensor/errors.js";
import {
  type ExprNode, add, dagSize, div, freeVariables, mul, num, pow, sub, treeSize, variable,
} from "./ast.js";
import { nearbyFraction } from "./rational.js";
import { type CompiledExpr, compileNode } from "./compile.js";
import { parseNode } from "./parse.js";
import { toLatex } from "./print/latex.js";
import { toText } from "./print/text.js";
import { differentiate } from "./rules.js";
import { antiderivative } from "./antiderivative.js";
import { simplifyNode } from "./simplify.js";

/** A Taylor polynomial from symbolic derivatives: its coefficients (ascending powers of x − a) and the polynomial as an expression. */
export interface SymbolicTaylor {
  coefficients: number[];
  polynomial: Expr;
}

/** Options for `Expr.diff`. */
export interface DiffExprOptions {
  /**
   * Simplify the result (default true). With false the derivative is exactly what the rules
   * produce, zeros and all: the "expression swell" of symbolic differentiation.
   */
  simplify?: boolean;
}

/** Σ cₖ (x − a)ᵏ in ascending powers, each coefficient an exact fraction where one is that close. */
function polynomialNode(coefficients: readonly number[], name: string, at: number): ExprNode {
  const shift = at === 0 ? variable(name) : sub(variable(name), num(at));
  const term = (c: number, k: number): ExprNode => {
    const fraction = nearbyFraction(c, 1e9);
    const coefficient = fraction ? div(num(fraction.n), num(fraction.d)) : num(c);
    return simplifyNode(mul(coefficient, pow(shift, num(k))));
  };
  // A coefficient within rounding of 0 (cos(π/2) = 6e-17) is 0.
  const terms = coefficients.map((c, k) => [nearbyFraction(c, 1e9)?.n === 0 ? 0 : c, k] as const).filter(([c]) => c !== 0);
  if (terms.length === 0) return num(0);
  const [[c0, k0], ...rest] = terms as [readonly [number, number], ...(readonly [number, number])[]];
  return rest.reduce((acc, [c, k]) => (c < 0 ? sub(acc, term(-c, k)) : add(acc, term(c, k))), term(c0, k0));
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkNames(names: readonly string[], what: string): void {
  const bad = names.find((n) => !IDENTIFIER.test(n));
  if (bad !== undefined) throw new NablaError(`${what}: '${bad}' is not a variable name (letters, digits and _, not starting with a digit)`);
}

/**
 * A mathematical expression: immutable, printable as text or LaTeX, differentiable by rules,
 * and compilable to a nabla function. Create one with `nb.parse` or `nb.trace`.
 *
 * @example
 * const f = nb.parse("x^2*sin(x)");
 * f.diff("x").toString(); // => "2*x*sin(x) + x^2*cos(x)"
 * f.evaluate({ x: 2 }); // => 4 * Math.sin(2)
 */
export class Expr {
  /** @param node the expression tree (see `ExprNode`) */
  constructor(readonly node: ExprNode) {}

  /**
   * The variables, sorted by name.
   * @example
   * nb.parse("y*sin(x) + pi").variables(); // => ["x", "y"]
   */
  variables(): string[] {
    return freeVariables(this.node).sort();
  }

  /**
   * The derivative with respect to `name`, by the rules of calculus, simplified unless
   * `{simplify: false}`. relu′(0) = 0, abs′(0) = 0 and max/min ties share the derivative ½/½,
   * as in automatic differentiation.
   * @example
   * nb.parse("exp(2*x)").diff("x").toString(); // => "2*exp(2*x)"
   * nb.parse("x*y").diff("y").toString(); // => "x"
   * nb.parse("x^3").diff("x", { simplify: false }).toString(); // => "3*x^(3 - 1)*1"
   */
  diff(name: string, options: DiffExprOptions = {}): Expr {
    checkNames([name], "diff");
    const raw = differentiate(this.node, name);
    return new Expr(options.simplify === false ? raw : simplifyNode(raw));
  }

  /**
   * An antiderivative in `name` (without the constant of integration), or null when none was
   * found: by linearity, a table for xⁿ and exp/sin/cos/sinh/cosh/tan/log/sqrt/atan of a
   * linear argument, 1/(quadratic) by completing the square, u-substitution and integration
   * by parts. Null means these rules found none, not that none exists.
   * @example
   * nb.parse("x*exp(x)").integrate("x")?.toString(); // => "x*exp(x) - exp(x)"
   * nb.parse("2*x*cos(x^2)").integrate("x")?.toString(); // => "sin(x^2)"
   * nb.parse("exp(-x^2)").integrate("x"); // => null
   */
  integrate(name: string): Expr | null {
    checkNames([name], "integrate");
    const node = antiderivative(this.node, name);
    return node && new Expr(node);
  }

  /**
   * The simplified partial derivatives, one per name (all variables, sorted, by default).
   * @example
   * nb.parse("x*y + sin(x)").gradient().map(String); // => ["y + cos(x)", "x"]
   */
  gradient(names: readonly string[] = this.variables()): Expr[] {
    return names.map((n) => this.diff(n));
  }

  /**
   * The symbolic Hessian: simplified second partial derivatives, `[i][j]` = ∂²f/∂namesᵢ∂namesⱼ
   * (symmetric; each off-diagonal entry is derived once).
   * @example
   * nb.parse("x^2*y + y^3").hessian().map((row) => row.map(String)); // => [["2*y", "2*x"], ["2*x", "6*y"]]
   */
  hessian(names: readonly string[] = this.variables()): Expr[][] {
    const first = this.gradient(names);
    const rows = names.map(() => new Array<Expr>(names.length));
    names.forEach((_, i) => names.forEach((nj, j) => {
      if (j >= i) rows[i]![j] = rows[j]![i] = first[i]!.diff(nj);
    }));
    return rows;
  }

  /**
   * The canonical simplified form: constants folded (exact fractions), x·1 = x, x + 0 = x,
   * x^1 = x, like terms collected and powers of the same base combined.
   * @example
   * nb.parse("x*1 + 0 + x^1 + 2*x").simplify().toString(); // => "4*x"
   * nb.parse("x^2*x/x^3 + 1/3 + 1/6").simplify().toString(); // => "3/2"
   */
  simplify(): Expr {
    return new Expr(simplifyNode(this.node));
  }

  /**
   * The expression as text that `nb.parse` reads back to the same tree.
   * @example
   * nb.parse("(a + b)*c^-1").toString(); // => "(a + b)*c^(-1)"
   */
  toString(): string {
    return toText(this.node);
  }

  /**
   * The expression as LaTeX.
   * @example
   * nb.parse("x^2/2 + sqrt(x)*sin(x)").toLatex(); // => "\\frac{x^{2}}{2} + \\sqrt{x} \\sin\\left(x\\right)"
   */
  toLatex(): string {
    return toLatex(this.node);
  }

  /**
   * The value at a point given as `{name: value}` (float64).
   * @example
   * nb.parse("x*y + 1").evaluate({ x: 2, y: 3 }); // => 7
   */
  evaluate(values: Readonly<Record<string, number>>): number {
    const names = this.variables();
    const missing = names.filter((n) => typeof values[n] !== "number");
    if (missing.length) throw new NablaError(`evaluate: no value given for ${missing.join(", ")} (the expression uses ${names.join(", ")})`);
    return compileNode(this.node, names)(...names.map((n) => values[n]!)).item();
  }

  /**
   * A nabla function of one argument per name (all variables, sorted, by default), built from
   * nabla ops: every transform accepts it, and it works elementwise on tensors.
   * @example
   * const f = nb.parse("x^2*sin(x)").compile(["x"]);
   * nb.grad(f)(1); // => 2 * Math.sin(1) + Math.cos(1)
   * f(nb.tensor([0, 1])).toArray(); // => [0, Math.sin(1)]
   */
  compile(names: readonly string[] = this.variables()): CompiledExpr {
    checkNames(names, "compile");
    return compileNode(this.node, names);
  }

  /**
   * The Taylor polynomial of degree `order` in `name` about `at`, from the symbolic
   * derivatives: coefficients cₖ = f⁽ᵏ⁾(at)/k! (other variables must not occur), shown as
   * exact fractions where they are within 1e-12 of one with a denominator up to 10⁹.
   * @example
   * const t = nb.parse("exp(x)").taylor("x", 0, 4);
   * t.polynomial.toString(); // => "1 + x + x^2/2 + x^3/6 + x^4/24"
   * t.coefficients; // => [1, 1, 1 / 2, 1 / 6, 1 / 24]
   * nb.parse("log(x)").taylor("x", 1, 2).polynomial.toString(); // => "x - 1 - (x - 1)^2/2"
   */
  taylor(name: string, at: number, order: number): SymbolicTaylor {
    checkNames([name], "taylor");
    if (!Number.isInteger(order) || order < 0) throw new NablaError(`taylor: the order must be a non-negative integer, got ${order}`);
    const others = this.variables().filter((v) => v !== name);
    if (others.length) throw new NablaError(`taylor: the expression also depends on ${others.join(", ")}; substitute values first`);
    const coefficients: number[] = [];
    let derivative: Expr = this.simplify();
    let factorial = 1;
    for (let k = 0; k <= order; k++) {
      if (k > 0) {
        derivative = derivative.diff(name);
        factorial *= k;
      }
      coefficients.push(derivative.evaluate({ [name]: at }) / factorial);
    }
    return { coefficients, polynomial: new Expr(polynomialNode(coefficients, name, at)) };
  }

  /**
   * The number of nodes of the expression tree (a subexpression used twice counts twice).
   * @example
   * nb.parse("sin(x)*sin(x)").size(); // => 5
   */
  size(): number {
    return treeSize(this.node);
  }

  /**
   * The number of distinct subexpressions: the size as a DAG that stores each once.
   * @example
   * nb.parse("sin(x)*sin(x)").dagSize(); // => 3
   */
  dagSize(): number {
    return dagSize(this.node);
  }
}

/**
 * Parses a formula: numbers (1e-3), variables, `+ - * / ^` (^ binds tightest and is
 * right-associative; unary minus binds looser than ^, so -x^2 = -(x²)), parentheses, the
 * constants `pi` and `e`, and the functions sin cos tan asin acos atan sinh cosh tanh exp expm1
 * log (= ln) log1p sqrt abs sign step erf sigmoid relu softplus gelu silu min max pow.
 * Products must be written with `*`. A syntax error throws a `ParseError` whose one-line
 * message gives the column and what was expected.
 *
 * @example
 * nb.parse("2^3^2").evaluate({}); // => 512
 * nb.parse("-x^2").evaluate({ x: 3 }); // => -9
 * let message = "";
 * try { nb.parse("2x + 1"); } catch (e) { message = (e as Error).message; }
 * message; // => 'cannot parse "2x + 1" at column 2: implicit multiplication is not supported; write 2*x'
 */
export function parse(source: string): Expr {
  if (typeof source !== "string") throw new NablaError(`parse: expected a string, got ${typeof source}`);
  return new Expr(parseNode(source));
}
