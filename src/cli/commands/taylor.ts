/** `nabla taylor`: the Taylor polynomial by Taylor-mode propagation (Expr.taylor). */
import { type Command, UsageError, WRT_OPTION, expressionArgument, formatNumber, numberOption, stringOption, variableOption } from "../command.js";

export interface TaylorResult {
  expression: string;
  variable: string;
  at: number;
  order: number;
  /** cₖ = f⁽ᵏ⁾(a)/k!, for (x − a)ᵏ */
  coefficients: number[];
  polynomial: string;
  latex?: string;
}

/** Taylor mode is fast to any order; past this the printed polynomial is too long to read. */
const MAX_ORDER = 100;

export const taylor: Command<TaylorResult> = {
  name: "taylor",
  describe: "the Taylor polynomial of an expression about a point",
  usage: "<expression> [--at 0] [--order 5] [--wrt x] [--latex]",
  examples: ['nabla taylor "exp(x)" --at 0 --order 5', 'nabla taylor "log(x)" --at 1 --order 4 --latex'],
  options: [
    { name: "at", type: "string", placeholder: "0", description: "the point a (default 0)" },
    { name: "order", type: "string", placeholder: "5", description: `the degree (default 5, at most ${MAX_ORDER})` },
    WRT_OPTION,
    { name: "latex", type: "boolean", description: "also print the polynomial as LaTeX" },
  ],
  run(input) {
    const expr = expressionArgument(input);
    const variable = variableOption(expr, input);
    const atText = stringOption(input, "at");
    const at = atText === undefined ? 0 : numberOption(atText.replace(new RegExp(`^\\s*${variable}\\s*=`), ""), "--at");
    const orderText = stringOption(input, "order") ?? "5";
    const order = Number(orderText);
    if (!Number.isInteger(order) || order < 0 || order > MAX_ORDER) throw new UsageError(`--order: expected an integer from 0 to ${MAX_ORDER}, got "${orderText}"`);
    if (!Number.isFinite(at)) throw new UsageError("--at: the point must be finite");
    const { coefficients, polynomial } = expr.taylor(variable, at, order);
    const result: TaylorResult = { expression: expr.toString(), variable, at, order, coefficients, polynomial: polynomial.toString() };
    if (input.options.latex) result.latex = polynomial.toLatex();
    return result;
  },
  render(r) {
    const lines = [`${r.expression} ≈ ${r.polynomial}   (order ${r.order} about ${r.variable} = ${formatNumber(r.at)})`];
    if (r.latex !== undefined) lines.push(`LaTeX: ${r.latex}`);
    return lines.join("\n");
  },
};
