/**
 * The expression parser: recursive descent over a small token stream. Grammar, loosest first:
 *
 *     sum     = product (("+" | "-") product)*
 *     product = unary (("*" | "/") unary)*
 *     unary   = "-" unary | power
 *     power   = primary ("^" unary)?            right-associative: a^b^c = a^(b^c)
 *     primary = number | constant | variable | name "(" sum ("," sum)* ")" | "(" sum ")"
 *
 * so -x^2 = -(x^2) and 2^-1 = 0.5. Juxtaposition is never read as a product: `2x` is an
 * error that says to write `2*x`.
 *
 * Every walker over a tree (printing, simplification, derivatives, compilation) recurses, so
 * the parser refuses trees deeper than MAX_EXPRESSION_DEPTH with a ParseError instead of
 * letting a later walk overflow the stack; a flat sum of n terms is n deep.
 */
import { NablaError } from "../tensor/errors.js";
import { type BinaryOp, type ExprNode, CONSTANT_VALUES, type ConstantName, binary, call, constant, neg, num, variable } from "./ast.js";
import { FUNCTIONS, FUNCTION_ALIASES, type FunctionName, arity, isFunctionName } from "./functions.js";

/**
 * A syntax error in an expression: one line naming the column and what was expected.
 * @example
 * let error: unknown;
 * try { nb.parse("sin(x"); } catch (e) { error = e; }
 * error instanceof nb.ParseError; // => true
 * (error as nb.ParseError).position; // => 5
 * (error as Error).message; // => "cannot parse \"sin(x\" at column 6: expected ',' or ')' to close the call of sin, found the end"
 */
export class ParseError extends NablaError {
  /**
   * @param source the expression text
   * @param position 0-based index of the offending character
   * @param detail what was expected, or what to write instead
   */
  constructor(readonly source: string, readonly position: number, readonly detail: string) {
    super(`cannot parse "${source}" at column ${position + 1}: ${detail}`);
  }
}

type TokenKind = "number" | "name" | "op" | "end";
interface Token {
  kind: TokenKind;
  text: string;
  position: number;
}

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS = ["**", "+", "-", "*", "/", "^", "(", ")", ","];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    if (/\s/.test(source[i]!)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const number = NUMBER.exec(rest);
    const name = NAME.exec(rest);
    const op = OPERATORS.find((o) => rest.startsWith(o));
    const [kind, text]: [TokenKind, string] | [null, null] = number ? ["number", number[0]] : name ? ["name", name[0]] : op ? ["op", op] : [null, null];
    if (kind === null) throw new ParseError(source, i, `unexpected character '${source[i]}'`);
    // Python's ** is accepted as ^.
    tokens.push({ kind, text: text === "**" ? "^" : text, position: i });
    i += text.length;
  }
  tokens.push({ kind: "end", text: "", position: source.length });
  return tokens;
}

/** The deepest expression tree the parser builds (nesting, or terms of one sum or product). */
export const MAX_EXPRESSION_DEPTH = 500;

const OPERAND = `a number, a variable, a function call or "("`;

function describe(token: Token): string {
  return token.kind === "end" ? "the end" : `'${token.text}'`;
}

/** Whether a token can begin an operand (so its appearance after one is a missing operator). */
function startsOperand(token: Token): boolean {
  return token.kind === "number" || token.kind === "name" || token.text === "(";
}

class Parser {
  private index = 0;
  private nesting = 0;
  private readonly tokens: Token[];
  /** Each node's depth, so that building a node too deep fails where it is written. */
  private readonly depths = new WeakMap<ExprNode, number>();

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(): ExprNode {
    const node = this.sum();
    const next = this.peek();
    if (next.kind !== "end") this.unexpected(next, next.text === ")" ? `an operator or the end (this ')' has no matching '(')` : "an operator or the end");
    return node;
  }

  /** Records a new node's depth; throws at `position` when it is past the limit. */
  private built(node: ExprNode, position: number, ...parts: ExprNode[]): ExprNode {
    const depth = 1 + parts.reduce((d, part) => Math.max(d, this.depths.get(part) ?? 1), 0);
    if (depth > MAX_EXPRESSION_DEPTH) this.tooDeep(position);
    this.depths.set(node, depth);
    return node;
  }

  private tooDeep(position: number): never {
    this.fail(position, `the expression is nested or chained more than ${MAX_EXPRESSION_DEPTH} deep; split it into smaller expressions`);
  }

  /** Runs a nested rule (parentheses, arguments, signs, exponents) within the depth limit. */
  private nested<T>(position: number, rule: () => T): T {
    if (++this.nesting > MAX_EXPRESSION_DEPTH) this.tooDeep(position);
    try {
      return rule();
    } finally {
      this.nesting--;
    }
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private fail(position: number, detail: string): never {
    throw new ParseError(this.source, position, detail);
  }

  private unexpected(token: Token, expected: string): never {
    const previous = this.tokens[this.index - 1];
    if (previous && startsOperand(token) && (previous.kind !== "op" || previous.text === ")")) {
      const hint = previous.kind === "number" && token.kind === "name" ? `write ${previous.text}*${token.text}` : "write * between them";
      this.fail(token.position, `implicit multiplication is not supported; ${hint}`);
    }
    this.fail(token.position, `expected ${expected}, found ${describe(token)}`);
  }

  private expect(text: string, expected: string): void {
    const token = this.peek();
    if (token.text !== text || token.kind !== "op") this.unexpected(token, expected);
    this.index++;
  }

  private sum(): ExprNode {
    let node = this.product();
    for (let t = this.peek(); t.text === "+" || t.text === "-"; t = this.peek()) {
      this.index++;
      const right = this.product();
      node = this.built(binary(t.text as BinaryOp, node, right), t.position, node, right);
    }
    return node;
  }

  private product(): ExprNode {
    let node = this.unary();
    for (let t = this.peek(); t.text === "*" || t.text === "/"; t = this.peek()) {
      this.index++;
      const right = this.unary();
      node = this.built(binary(t.text as BinaryOp, node, right), t.position, node, right);
    }
    return node;
  }

  private unary(): ExprNode {
    const minus = this.peek();
    if (minus.text === "-") {
      this.index++;
      const literal = this.peek().kind === "number";
      const operand = this.nested(minus.position, () => this.unary());
      // A minus written right before a literal is part of the number: "-2" is the number −2
      // (but "-(2)" and "-2^2" stay negations).
      return literal && operand.kind === "number" ? num(-operand.value) : this.built(neg(operand), minus.position, operand);
    }
    return this.power();
  }

  private power(): ExprNode {
    const base = this.primary();
    const caret = this.peek();
    if (caret.text !== "^") return base;
    this.index++;
    const exponent = this.nested(caret.position, () => this.unary());
    return this.built(binary("^", base, exponent), caret.position, base, exponent);
  }

  private primary(): ExprNode {
    const token = this.peek();
    if (token.kind === "number") {
      this.index++;
      return num(Number(token.text));
    }
    if (token.kind === "op" && token.text === "(") {
      this.index++;
      const inner = this.nested(token.position, () => this.sum());
      this.expect(")", `')' to close the '(' at column ${token.position + 1}`);
      return inner;
    }
    if (token.kind === "name") {
      this.index++;
      if (this.peek().text === "(") return this.call(token);
      if (isFunctionName(token.text) || Object.hasOwn(FUNCTION_ALIASES, token.text) || token.text === "pow") {
        this.fail(this.peek().position, `expected '(' after the function ${token.text}`);
      }
      return Object.hasOwn(CONSTANT_VALUES, token.text) ? constant(token.text as ConstantName) : variable(token.text);
    }
    return this.unexpected(token, OPERAND);
  }

  private call(name: Token): ExprNode {
    const fn: FunctionName | "pow" | undefined = name.text === "pow" ? "pow" : isFunctionName(name.text) ? name.text
      : Object.hasOwn(FUNCTION_ALIASES, name.text) ? FUNCTION_ALIASES[name.text] : undefined;
    if (fn === undefined) {
      const known = [...Object.keys(FUNCTIONS), ...Object.keys(FUNCTION_ALIASES), "pow"].sort().join(", ");
      this.fail(name.position, `unknown function '${name.text}' (known: ${known})`);
    }
    this.index++;
    const args = [this.nested(name.position, () => this.sum())];
    while (this.peek().text === ",") {
      this.index++;
      args.push(this.nested(name.position, () => this.sum()));
    }
    this.expect(")", `',' or ')' to close the call of ${name.text}`);
    const wanted = fn === "pow" ? 2 : arity(fn);
    if (args.length !== wanted) {
      this.fail(name.position, `${name.text} takes ${wanted} argument${wanted === 1 ? "" : "s"}, got ${args.length}`);
    }
    return this.built(fn === "pow" ? binary("^", args[0]!, args[1]!) : call(fn, ...args), name.position, ...args);
  }
}

/** Parses expression text into a tree (the public entry point is `parse` in expr.ts). */
export function parseNode(source: string): ExprNode {
  return new Parser(source).parse();
}
