/**
 * Simplification to a canonical form: every sum becomes a list of terms (coefficient ×
 * monomial) plus a constant, every product a coefficient times powers of distinct bases.
 * That single representation gives constant folding (exact rationals), x·1 = x, x + 0 = x,
 * x^1 = x, like terms (x + 2x = 3x) and powers of the same base (x²·x = x³, x/x = 1) without a
 * rule per identity. Terms and factors keep the order in which they first appear, so results
 * read like the rules that produced them; the constant of a sum goes last, and a sum leads with
 * a positive term where it has one.
 */
import {
  type ExprNode, add, call, div, isNumber, mul, neg, num, pow, sub,
} from "./ast.js";
import { type FunctionName, functionSpec } from "./functions.js";
import { toText } from "./print/text.js";
import {
  ONE, type Ratio, ZERO, addRatio, invRatio, mulRatio, negRatio, powRatio, ratio, value,
} from "./rational.js";

interface Factor {
  readonly base: ExprNode;
  readonly exponent: ExprNode;
}
interface Product {
  readonly coef: Ratio;
  readonly factors: readonly Factor[];
}
interface Sum {
  readonly constant: Ratio;
  readonly terms: readonly Product[];
}

const isSum = (n: ExprNode): boolean => n.kind === "binary" && (n.op === "+" || n.op === "-");
const isInteger = (n: ExprNode): n is { kind: "number"; value: number } => n.kind === "number" && Number.isInteger(n.value);
/** Integer powers of exact rationals are folded only while they stay small. */
const MAX_FOLDED_EXPONENT = 64;

function factorKey(f: Factor): string {
  return `${toText(f.base)}^(${toText(f.exponent)})`;
}

function monomialKey(factors: readonly Factor[]): string {
  return factors.map(factorKey).sort().join("*");
}

function scaleSum(s: Sum, c: Ratio): Sum {
  return { constant: mulRatio(s.constant, c), terms: s.terms.map((t) => ({ coef: mulRatio(t.coef, c), factors: t.factors })) };
}

class Simplifier {
  private readonly memo = new Map<ExprNode, ExprNode>();

  run(node: ExprNode): ExprNode {
    let out = this.memo.get(node);
    if (out === undefined) this.memo.set(node, (out = this.visit(node)));
    return out;
  }

  private visit(node: ExprNode): ExprNode {
    switch (node.kind) {
      case "number":
      case "constant":
      case "variable": return node;
      case "neg": return this.buildSum(scaleSum(this.sumOf(this.run(node.arg)), ratio(-1)));
      case "call": return this.call(node.fn, node.args.map((a) => this.run(a)));
      case "binary": {
        const left = this.run(node.left);
        const right = this.run(node.right);
        switch (node.op) {
          case "+": return this.buildSum(this.concat(this.sumOf(left), this.sumOf(right)));
          case "-": return this.buildSum(this.concat(this.sumOf(left), scaleSum(this.sumOf(right), ratio(-1))));
          case "*": return this.productNode(this.merge(this.productOf(left), this.productOf(right)));
          case "/": {
            const denominator = this.productOf(right);
            if (value(denominator.coef) === 0) return div(left, right);   // leave a division by zero visible
            return this.productNode(this.merge(this.productOf(left), this.invert(denominator)));
          }
          case "^": return this.power(left, right);
        }
      }
    }
  }

  private concat(a: Sum, b: Sum): Sum {
    return { constant: addRatio(a.constant, b.constant), terms: [...a.terms, ...b.terms] };
  }

  /** Reads a simplified node as a sum of terms. */
  private sumOf(node: ExprNode): Sum {
    if (node.kind === "binary" && node.op === "+") return this.concat(this.sumOf(node.left), this.sumOf(node.right));
    if (node.kind === "binary" && node.op === "-") return this.concat(this.sumOf(node.left), scaleSum(this.sumOf(node.right), ratio(-1)));
    const p = this.productOf(node);
    return p.factors.length === 0 ? { constant: p.coef, terms: [] } : { constant: ZERO, terms: [p] };
  }

  /** Reads a simplified node as a coefficient times powers. */
  private productOf(node: ExprNode): Product {
    if (node.kind === "number") return { coef: ratio(node.value), factors: [] };
    if (node.kind === "neg") {
      const p = this.productOf(node.arg);
      return { coef: negRatio(p.coef), factors: p.factors };
    }
    if (node.kind === "binary" && node.op === "*") return this.merge(this.productOf(node.left), this.productOf(node.right));
    if (node.kind === "binary" && node.op === "/") {
      const denominator = this.productOf(node.right);
      if (value(denominator.coef) !== 0) return this.merge(this.productOf(node.left), this.invert(denominator));
    }
    if (node.kind === "binary" && node.op === "^") return { coef: ONE, factors: [{ base: node.left, exponent: node.right }] };
    return { coef: ONE, factors: [{ base: node, exponent: num(1) }] };
  }

  private invert(p: Product): Product {
    return { coef: invRatio(p.coef), factors: p.factors.map((f) => ({ base: f.base, exponent: this.run(neg(f.exponent)) })) };
  }

  /** The product of two products, with powers of the same base combined (x²·x⁻¹ = x). */
  private merge(a: Product, b: Product): Product {
    let coef = mulRatio(a.coef, b.coef);
    const byBase = new Map<string, Factor>();
    for (const f of [...a.factors, ...b.factors]) {
      const key = toText(f.base);
      const seen = byBase.get(key);
      byBase.set(key, seen ? { base: seen.base, exponent: this.run(add(seen.exponent, f.exponent)) } : f);
    }
    const factors: Factor[] = [];
    for (const f of byBase.values()) {
      if (isNumber(f.exponent, 0)) continue;
      // A number to an integer power is part of the coefficient (2·2⁻¹ = 1).
      if (f.base.kind === "number" && isInteger(f.exponent) && Math.abs(f.exponent.value) <= MAX_FOLDED_EXPONENT && f.base.value !== 0) {
        coef = mulRatio(coef, powRatio(ratio(f.base.value), f.exponent.value));
      } else {
        factors.push(f);
      }
    }
    return { coef, factors };
  }

  /** A product as a node; a constant times a single sum is distributed, 2(x + 1) = 2x + 2. */
  private productNode(p: Product): ExprNode {
    const only = p.factors.length === 1 ? p.factors[0]! : undefined;
    if (only && isNumber(only.exponent, 1) && isSum(only.base) && value(p.coef) !== 1) {
      return this.buildSum(scaleSum(this.sumOf(only.base), p.coef));
    }
    return this.buildProduct(p);
  }

  private buildProduct(p: Product): ExprNode {
    const c = value(p.coef);
    if (c === 0) return num(0);
    const numerator: ExprNode[] = [];
    const denominator: ExprNode[] = [];
    for (const { base, exponent } of p.factors) {
      const negative = exponent.kind === "number" && exponent.value < 0;
      const e = negative ? num(-exponent.value) : exponent;
      (negative ? denominator : numerator).push(isNumber(e, 1) ? base : pow(base, e));
    }
    const top = Math.abs(p.coef.n);
    if (top !== 1 || numerator.length === 0) numerator.unshift(num(c < 0 ? -top : top));
    else if (c < 0) numerator[0] = neg(numerator[0]!);
    if (p.coef.d !== 1) denominator.unshift(num(p.coef.d));
    const chain = (nodes: ExprNode[]): ExprNode => nodes.reduce((acc, n) => mul(acc, n));
    return denominator.length ? div(chain(numerator), chain(denominator)) : chain(numerator);
  }

  private buildSum(s: Sum): ExprNode {
    const merged = new Map<string, Product>();
    for (const t of s.terms) {
      const key = monomialKey(t.factors);
      const seen = merged.get(key);
      merged.set(key, seen ? { coef: addRatio(seen.coef, t.coef), factors: seen.factors } : t);
    }
    const terms = [...merged.values()].filter((t) => value(t.coef) !== 0);
    if (value(s.constant) !== 0 || terms.length === 0) terms.push({ coef: s.constant, factors: [] });
    // Lead with a positive term where there is one: 1 - x rather than -x + 1.
    const firstPositive = terms.findIndex((t) => value(t.coef) > 0);
    if (firstPositive > 0) terms.unshift(...terms.splice(firstPositive, 1));
    return terms.slice(1).reduce((acc, t) => {
      const negative = value(t.coef) < 0;
      const magnitude = this.buildProduct({ coef: negative ? negRatio(t.coef) : t.coef, factors: t.factors });
      return negative ? sub(acc, magnitude) : add(acc, magnitude);
    }, this.buildProduct(terms[0]!));
  }

  private power(base: ExprNode, exponent: ExprNode): ExprNode {
    if (isNumber(exponent, 0) || isNumber(base, 1)) return num(1);
    if (isNumber(exponent, 1)) return base;
    if (isNumber(base, 0) && exponent.kind === "number" && exponent.value > 0) return num(0);
    if (isInteger(exponent)) {
      // (c^f)^k = c^(f·k) and (ab)^k = a^k·b^k hold for integer k.
      if (base.kind === "binary" && base.op === "^") return this.power(base.left, this.run(mul(base.right, exponent)));
      if (base.kind === "number" || base.kind === "neg" || (base.kind === "binary" && (base.op === "*" || base.op === "/"))) {
        const p = this.productOf(base);
        if (value(p.coef) !== 0 && Math.abs(exponent.value) <= MAX_FOLDED_EXPONENT) {
          const k = exponent.value;
          return this.buildProduct(this.merge(
            { coef: powRatio(p.coef, k), factors: [] },
            { coef: ONE, factors: p.factors.map((f) => ({ base: f.base, exponent: this.run(mul(f.exponent, exponent)) })) },
          ));
        }
      }
    }
    return pow(base, exponent);
  }

  private call(fn: FunctionName, args: ExprNode[]): ExprNode {
    if (args.every((a) => a.kind === "number")) {
      const exact = functionSpec(fn).exact?.(...args.map((a) => (a as { value: number }).value));
      if (exact !== undefined) return num(exact);
    }
    const [u] = args;
    if (fn === "log" && u?.kind === "constant" && u.name === "e") return num(1);
    if (fn === "log" && u?.kind === "call" && u.fn === "exp") return u.args[0]!;
    return call(fn, ...args);
  }
}

/** The canonical simplified form of an expression tree. */
export function simplifyNode(node: ExprNode): ExprNode {
  return new Simplifier().run(node);
}
