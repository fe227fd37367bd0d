/** `nabla grad`: the symbolic gradient, and its value at a point. */
import { AT_OPTION, type Command, WRT_LIST_OPTION, expressionArgument, formatNumber, formatPoint, pointFor, variablesOption } from "../command.js";

export interface GradResult {
  expression: string;
  variables: string[];
  gradient: string[];
  at?: Record<string, number>;
  values?: number[];
}

export const grad: Command<GradResult> = {
  name: "grad",
  describe: "the gradient of an expression, symbolically and at a point",
  usage: "<expression> [--wrt x,y] [--at x=1,y=2]",
  examples: ['nabla grad "x*y + sin(x)" --at x=1,y=2', 'nabla grad "x^2 + 3*x*y" --json'],
  options: [WRT_LIST_OPTION, AT_OPTION],
  run(input) {
    const expr = expressionArgument(input);
    const variables = variablesOption(expr, input);
    const gradient = expr.gradient(variables);
    const result: GradResult = { expression: expr.toString(), variables, gradient: gradient.map(String) };
    const at = pointFor(expr, input, false);
    if (at) {
      result.at = at;
      result.values = gradient.map((g) => g.evaluate(at));
    }
    return result;
  },
  render(r) {
    const lines = [`gradient of ${r.expression}:`, ...r.variables.map((v, i) => `  ∂/∂${v} = ${r.gradient[i]}`)];
    if (r.at && r.values) lines.push(`at ${formatPoint(r.at)}: [${r.values.map(formatNumber).join(", ")}]`);
    return lines.join("\n");
  },
};
