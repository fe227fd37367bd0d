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
  private readonly tokens: Token[];

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(): ExprNode {
    const node = this.sum();
    const next = this.peek();
    if (next.kind !== "end") this.unexpected(next, next.text === ")" ? `an operator or the end (this ')' has no matching '(')` : "an operator or the end");
    return node;
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
      node = binary(t.text as BinaryOp, node, this.product());
    }
    return node;
  }

  private product(): ExprNode {
    let node = this.unary();
    for (let t = this.peek(); t.text === "*" || t.text === "/"; t = this.peek()) {
      this.index++;
      node = binary(t.text as BinaryOp, node, this.unary());
    }
    return node;
  }

  private unary(): ExprNode {
    if (this.peek().text === "-") {
      this.index++;
      const literal = this.peek().kind === "number";
      const operand = this.unary();
      // A minus written right before a literal is part of the number: "-2" is the number −2
      // (but "-(2)" and "-2^2" stay negations).
      return literal && operand.kind === "number" ? num(-operand.value) : neg(operand);
    }
    return this.power();
  }

  private power(): ExprNode {
    const base = this.primary();
    if (this.peek().text !== "^") return base;
    this.index++;
    return binary("^", base, this.unary());
  }

  private primary(): ExprNode {
    const token = this.peek();
    if (token.kind === "number") {
      this.index++;
      return num(Number(token.text));
    }
    if (token.kind === "op" && token.text === "(") {
      this.index++;
      const inner = this.sum();
      this.expect(")", `')' to close the '(' at column ${token.position + 1}`);
      return inner;
    }
    if (token.kind === "name") {
      this.index++;
      if (this.peek().text === "(") return this.call(token);
      if (isFunctionName(token.text) || token.text in FUNCTION_ALIASES || token.text === "pow") {
        this.fail(this.peek().position, `expected '(' after the function ${token.text}`);
      }
      return token.text in CONSTANT_VALUES ? constant(token.text as ConstantName) : variable(token.text);
    }
    return this.unexpected(token, OPERAND);
  }

  private call(name: Token): ExprNode {
    const fn: FunctionName | "pow" | undefined = name.text === "pow" ? "pow" : isFunctionName(name.text) ? name.text : FUNCTION_ALIASES[name.text];
    if (fn === undefined) {
      const known = [...Object.keys(FUNCTIONS), ...Object.keys(FUNCTION_ALIASES), "pow"].sort().join(", ");
      this.fail(name.position, `unknown function '${name.text}' (known: ${known})`);
    }
    this.index++;
    const args = [this.sum()];
    while (this.peek().text === ",") {
      this.index++;
      args.push(this.sum());
    }
    this.expect(")", `',' or ')' to close the call of ${name.text}`);
    const wanted = fn === "pow" ? 2 : arity(fn);
    if (args.length !== wanted) {
      this.fail(name.position, `${name.text} takes ${wanted} argument${wanted === 1 ? "" : "s"}, got ${args.length}`);
    }
    return fn === "pow" ? binary("^", args[0]!, args[1]!) : call(fn, ...args);
  }
}

/** Parses expression text into a tree (the public entry point is `parse` in expr.ts). */
export function parseNode(source: string): ExprNode {
  return new Parser(source).parse();
}
