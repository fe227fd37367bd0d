/** `nabla eval`: the value of an expression at a point. */
import { AT_OPTION, type Command, JobFailure, expressionArgument, formatNumber, formatPoint, pointFor } from "../command.js";

export interface EvalResult {
  expression: string;
  at: Record<string, number>;
  value: number;
}

export const evaluate: Command<EvalResult> = {
  name: "eval",
  describe: "evaluate an expression at a point",
  usage: "<expression> [--at x=1,y=2]",
  examples: ['nabla eval "sin(pi/6) + sqrt(2)"', 'nabla eval "x*y + sin(x)" --at x=1,y=2'],
  options: [AT_OPTION],
  run(input) {
    const expr = expressionArgument(input);
    const at = pointFor(expr, input, expr.variables().length > 0) ?? {};
    const value = expr.evaluate(at);
    if (Number.isNaN(value)) throw new JobFailure(`${expr} is not a real number${Object.keys(at).length ? ` at ${formatPoint(at)}` : ""} (NaN)`);
    return { expression: expr.toString(), at, value };
  },
  render(r) {
    return Object.keys(r.at).length ? `${r.expression} at ${formatPoint(r.at)} = ${formatNumber(r.value)}` : `${r.expression} = ${formatNumber(r.value)}`;
  },
};
