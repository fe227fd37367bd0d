/** `nabla hessian`: the symbolic Hessian; at a point, its eigenvalues and what kind of point it is. */
import * as nb from "../../index.js";
import { AT_OPTION, type Command, WRT_LIST_OPTION, expressionArgument, formatNumber, formatPoint, pointFor, variablesOption } from "../command.js";

/** What the second-derivative test says about the point. */
export type Verdict = nb.numeric.Curvature | "not a critical point";

export interface HessianResult {
  expression: string;
  variables: string[];
  hessian: string[][];
  at?: Record<string, number>;
  value?: number;
  gradient?: number[];
  matrix?: number[][];
  eigenvalues?: number[];
  verdict?: Verdict;
}

/** A gradient this small relative to max(1, |f|) counts as zero (rounding in f's value). */
const CRITICAL_TOLERANCE = 1e-8;
/** The second-derivative test, which speaks only where the gradient vanishes. */
function classify(gradient: readonly number[], value: number, eigenvalues: readonly number[]): Verdict {
  if (Math.hypot(...gradient) > CRITICAL_TOLERANCE * Math.max(1, Math.abs(value))) return "not a critical point";
  return nb.numeric.classifyCurvature(eigenvalues);
}

export const hessian: Command<HessianResult> = {
  name: "hessian",
  describe: "the Hessian of an expression; at a point, its eigenvalues and the critical-point verdict",
  usage: "<expression> [--wrt x,y] [--at x=0,y=0]",
  examples: ['nabla hessian "x^2 - y^2" --at x=0,y=0', 'nabla hessian "x^4 + y^2" --at x=0,y=0 --json'],
  options: [WRT_LIST_OPTION, AT_OPTION],
  run(input) {
    const expr = expressionArgument(input);
    const variables = variablesOption(expr, input);
    const symbolic = expr.hessian(variables);
    const result: HessianResult = { expression: expr.toString(), variables, hessian: symbolic.map((row) => row.map(String)) };
    const at = pointFor(expr, input, false);
    if (at) {
      const matrix = symbolic.map((row) => row.map((h) => h.evaluate(at)));
      const gradient = expr.gradient(variables).map((g) => g.evaluate(at));
      const value = expr.evaluate(at);
      const eigenvalues = nb.numeric.symmetricEigen(matrix).values;
      Object.assign(result, { at, value, gradient, matrix, eigenvalues, verdict: classify(gradient, value, eigenvalues) });
    }
    return result;
  },
  render(r) {
    const lines = [`Hessian of ${r.expression} in (${r.variables.join(", ")}):`, ...r.hessian.map((row) => `  [${row.join(", ")}]`)];
    if (r.at && r.matrix && r.eigenvalues && r.gradient) {
      lines.push(`at ${formatPoint(r.at)}:`);
      lines.push(...r.matrix.map((row) => `  [${row.map(formatNumber).join(", ")}]`));
      lines.push(`gradient: [${r.gradient.map(formatNumber).join(", ")}]`);
      lines.push(`eigenvalues: ${r.eigenvalues.map(formatNumber).join(", ")}`);
      lines.push(`verdict: ${r.verdict}`);
    }
    return lines.join("\n");
  },
};
