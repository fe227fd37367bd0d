/**
 * Antiderivatives for the classes a calculus course covers, by the course's own methods:
 * linearity; a table for x^n and for exp, sin, cos, sinh, cosh, tan, log, sqrt and atan of a
 * linear argument (∫f(ax + b) = F(ax + b)/a); 1/(quadratic) by completing the square;
 * u-substitution (∫f(g(x))·g′(x) = F(g(x))) for any subexpression g whose derivative divides
 * the integrand; and integration by parts (LIATE: logs and inverse trig, then powers of x,
 * are differentiated). When none applies the answer is null: no elementary antiderivative
 * was found, which is not a proof that none exists (∫e^{−x²} has none; ∫eˣ sin x has one
 * these rules do not reach).
 */
import { type ExprNode, add, call, dependsOn, div, isNumber, mul, neg, num, pow, sub, variable } from "./ast.js";
import { differentiate } from "./rules.js";
import { simplifyNode } from "./simplify.js";
import { toText } from "./print/text.js";
import { compileNode } from "./compile.js";
import { parseNode } from "./parse.js";

/** Deep enough for x³·eˣ or x²·sin x by parts, shallow enough to stay fast on failures. */
const MAX_DEPTH = 8;
const SUBSTITUTE = "__u";

type Integrator = (node: ExprNode, x: string, depth: number) => ExprNode | null;

/** An antiderivative of node in x (simplified), or null when the rules find none. */
export function antiderivative(node: ExprNode, x: string): ExprNode | null {
  const result = integrate(simplifyNode(node), x, 0);
  return result && simplifyNode(result);
}

const integrate: Integrator = (node, x, depth) => {
  if (depth > MAX_DEPTH) return null;
  if (!dependsOn(node, x)) return mul(node, variable(x));
  if (node.kind === "binary" && (node.op === "+" || node.op === "-")) {
    const left = integrate(node.left, x, depth);
    const right = left && integrate(node.right, x, depth);
    return right && (node.op === "+" ? add(left!, right) : sub(left!, right));
  }
  if (node.kind === "neg") {
    const inner = integrate(node.arg, x, depth);
    return inner && neg(inner);
  }
  const { constant, varying } = splitFactors(node, x);
  const found = varying.length === 1 ? single(varying[0]!, x) : null;
  const result = found ?? bySubstitution(product(varying), x, depth) ?? byParts(varying, x, depth);
  return result && (isNumber(constant, 1) ? result : mul(constant, result));
};

/** The factors of a product (a quotient's denominator as a power −1), split by dependence on x. */
function splitFactors(node: ExprNode, x: string): { constant: ExprNode; varying: ExprNode[] } {
  const factors: ExprNode[] = [];
  const visit = (n: ExprNode, inverse: boolean): void => {
    if (n.kind === "binary" && n.op === "*") {
      visit(n.left, inverse);
      visit(n.right, inverse);
    } else if (n.kind === "binary" && n.op === "/") {
      visit(n.left, inverse);
      visit(n.right, !inverse);
    } else if (n.kind === "neg") {
      factors.push(num(-1));
      visit(n.arg, inverse);
    } else {
      factors.push(inverse ? pow(n, num(-1)) : n);
    }
  };
  visit(node, false);
  const constant = product(factors.filter((f) => !dependsOn(f, x)));
  const varying = factors.filter((f) => dependsOn(f, x)).map((f) => simplifyNode(f));
  return { constant: simplifyNode(constant), varying };
}

function product(factors: readonly ExprNode[]): ExprNode {
  return factors.length === 0 ? num(1) : factors.reduce((a, b) => mul(a, b));
}

/** a in u = a·x + b when u is linear in x (a ≠ 0), else null. */
function slope(u: ExprNode, x: string): ExprNode | null {
  const du = simplifyNode(differentiate(u, x));
  if (dependsOn(du, x) || isNumber(du, 0)) return null;
  return du;
}

/** Antiderivatives F(u) of f(u) for the table's functions, as text in u. */
const TABLE: Partial<Record<string, string>> = {
  exp: "exp(u)", sin: "-cos(u)", cos: "sin(u)", sinh: "cosh(u)", cosh: "sinh(u)", tan: "-log(abs(cos(u)))",
  log: "u*log(u) - u", sqrt: "2/3*u^(3/2)", atan: "u*atan(u) - log(1 + u^2)/2", expm1: "exp(u) - u",
};

/** One factor: x^n and f(linear) from the table, c^(linear), 1/quadratic, else substitution. */
function single(f: ExprNode, x: string): ExprNode | null {
  if (f.kind === "variable") return div(pow(f, num(2)), num(2));
  if (f.kind === "call" && f.args.length === 1) {
    const u = f.args[0]!;
    const a = slope(u, x);
    const rule = TABLE[f.fn];
    if (a && rule) return div(fromTable(rule, u), a);
  }
  if (f.kind === "binary" && f.op === "^") {
    const { left: base, right: exponent } = f;
    if (!dependsOn(exponent, x)) {
      const a = slope(base, x);
      if (a) {
        if (isNumber(exponent, -1)) return div(call("log", call("abs", base)), a);
        const e1 = simplifyNode(add(exponent, num(1)));
        return div(pow(base, e1), mul(e1, a));
      }
      if (isNumber(exponent, -1)) return reciprocalQuadratic(base, x);
    } else if (!dependsOn(base, x)) {
      const a = slope(exponent, x);
      if (a) return div(f, mul(a, call("log", base)));
    }
  }
  return null;
}

function fromTable(rule: string, u: ExprNode): ExprNode {
  return replace(parseRule(rule), (n) => (n.kind === "variable" && n.name === "u" ? u : undefined));
}

const parsed = new Map<string, ExprNode>();
/** The table is text; each entry is parsed once, on first use. */
function parseRule(text: string): ExprNode {
  let node = parsed.get(text);
  if (!node) parsed.set(text, (node = parseNode(text)));
  return node;
}

/** Rebuilds a tree, replacing the nodes for which `swap` returns a node. */
function replace(node: ExprNode, swap: (n: ExprNode) => ExprNode | undefined): ExprNode {
  const s = swap(node);
  if (s) return s;
  switch (node.kind) {
    case "neg": return neg(replace(node.arg, swap));
    case "binary": return { kind: "binary", op: node.op, left: replace(node.left, swap), right: replace(node.right, swap) };
    case "call": return call(node.fn, ...node.args.map((a) => replace(a, swap)));
    default: return node;
  }
}

/** The coefficients c0, c1, c2 when q is a quadratic polynomial in x (checked symbolically). */
function quadraticCoefficients(q: ExprNode, x: string): [number, number, number] | null {
  const d1 = simplifyNode(differentiate(q, x));
  const d2 = simplifyNode(differentiate(d1, x));
  if (dependsOn(d2, x) || [q, d1, d2].some((n) => freeOther(n, x))) return null;
  const at0 = (n: ExprNode) => compileNode(n, [x])(0).item();
  return [at0(q), at0(d1), at0(d2) / 2];
}

const freeOther = (n: ExprNode, x: string): boolean => {
  let other = false;
  replace(n, (m) => {
    if (m.kind === "variable" && m.name !== x) other = true;
    return undefined;
  });
  return other;
};

/** ∫ 1/(c2x² + c1x + c0) when it completes to a positive square sum: an arctangent. */
function reciprocalQuadratic(q: ExprNode, x: string): ExprNode | null {
  const c = quadraticCoefficients(q, x);
  if (!c) return null;
  const [c0, c1, c2] = c;
  if (c2 === 0) return null;
  const k = c0 - (c1 * c1) / (4 * c2);
  if (!(c2 > 0 && k > 0)) return null;
  const shifted = add(variable(x), num(c1 / (2 * c2)));
  return div(call("atan", mul(num(Math.sqrt(c2 / k)), shifted)), num(Math.sqrt(c2 * k)));
}

/** Every subexpression of node that depends on x and is not x itself (candidates for g). */
function candidates(node: ExprNode, x: string): ExprNode[] {
  const out = new Map<string, ExprNode>();
  const visit = (n: ExprNode): void => {
    if (!dependsOn(n, x) || n.kind === "variable") return;
    if (n !== node) out.set(toText(n), n);
    if (n.kind === "call") n.args.forEach(visit);
    else if (n.kind === "binary") [n.left, n.right].forEach(visit);
    else if (n.kind === "neg") visit(n.arg);
  };
  visit(node);
  return [...out.values()];
}

/** ∫f(g(x))·g′(x) dx = F(g(x)): for each g, f = node/g′ with g replaced by u must not involve x. */
function bySubstitution(node: ExprNode, x: string, depth: number): ExprNode | null {
  for (const g of candidates(node, x)) {
    const dg = simplifyNode(differentiate(g, x));
    if (isNumber(dg, 0)) continue;
    const text = toText(g);
    const ratio = simplifyNode(div(node, dg));
    const inU = replace(ratio, (n) => (toText(n) === text ? variable(SUBSTITUTE) : undefined));
    if (dependsOn(inU, x) || !dependsOn(inU, SUBSTITUTE)) continue;
    // A substitution that only renames x (g linear) gains nothing and could loop.
    if (slope(g, x)) continue;
    const F = integrate(simplifyNode(inU), SUBSTITUTE, depth + 1);
    if (F) return replace(F, (n) => (n.kind === "variable" && n.name === SUBSTITUTE ? g : undefined));
  }
  return null;
}

const isPolynomialFactor = (f: ExprNode, x: string): boolean =>
  f.kind === "variable" || (f.kind === "binary" && f.op === "^" && f.left.kind === "variable" && f.left.name === x && isNumber(f.right) && Number.isInteger(f.right.value) && f.right.value > 0);

/** ∫u dv = u·v − ∫v du, choosing u by LIATE (log / inverse trig, then a power of x). */
function byParts(factors: readonly ExprNode[], x: string, depth: number): ExprNode | null {
  const logOrInverse = (f: ExprNode): boolean => f.kind === "call" && ["log", "atan", "asin", "acos"].includes(f.fn);
  const pick = factors.findIndex((f) => logOrInverse(f) || (f.kind === "binary" && f.op === "^" && logOrInverse(f.left) && isNumber(f.right) && f.right.value > 0));
  const index = pick >= 0 ? pick : factors.findIndex((f) => isPolynomialFactor(f, x));
  if (index < 0) return null;
  const u = factors[index]!;
  const dv = product(factors.filter((_, i) => i !== index));
  const v = integrate(simplifyNode(dv), x, depth + 1);
  if (!v) return null;
  const rest = integrate(simplifyNode(mul(differentiate(u, x), v)), x, depth + 1);
  return rest && sub(mul(u, v), rest);
}
