/**
 * `nabla jacobian`: the Jacobian of several expressions in several variables, symbolically
 * and at a point, where it is computed by automatic differentiation of the compiled expressions.
 */
import * as nb from "../../index.js";
import { AT_OPTION, type Command, UsageError, WRT_LIST_OPTION, formatNumber, formatPoint, pointOption, stringOption } from "../command.js";

export interface JacobianResult {
  expressions: string[];
  variables: string[];
  /** entries[i][j] = ∂fᵢ/∂xⱼ */
  entries: string[][];
  at?: Record<string, number>;
  values?: number[][];
}

export const jacobian: Command<JacobianResult> = {
  name: "jacobian",
  describe: "the Jacobian of several expressions, symbolically and at a point",
  usage: "<expression> <expression>... [--wrt x,y] [--at x=1,y=2]",
  examples: ['nabla jacobian "x*y" "sin(x) + y^2" --at x=1,y=2', 'nabla jacobian "r*cos(t)" "r*sin(t)" --wrt r,t --json'],
  options: [WRT_LIST_OPTION, AT_OPTION],
  run(input) {
    if (input.args.length === 0) throw new UsageError('missing the expressions, e.g. "x*y" "sin(x) + y"');
    const exprs = input.args.map((src) => nb.parse(src));
    const wrt = stringOption(input, "wrt");
    const variables = wrt !== undefined
      ? wrt.split(",").map((s) => s.trim())
      : [...new Set(exprs.flatMap((e) => e.variables()))].sort();
    const entries = exprs.map((e) => e.gradient(variables).map(String));
    const result: JacobianResult = { expressions: exprs.map(String), variables, entries };
    const atText = stringOption(input, "at");
    if (atText !== undefined) {
      const at = pointOption(atText);
      const used = [...new Set([...variables, ...exprs.flatMap((e) => e.variables())])];
      const missing = used.filter((v) => !(v in at));
      if (missing.length) throw new UsageError(`--at gives no value for ${missing.join(", ")}`);
      const fixed = used.filter((v) => !variables.includes(v));
      const compiled = exprs.map((e) => e.compile([...variables, ...fixed]));
      const f = (x: nb.Tensor) => {
        const args = [...variables.map((_, j) => x.slice([j], [1]).reshape([])), ...fixed.map((v) => at[v]!)];
        return nb.stack(compiled.map((c) => c(...args)));
      };
      result.at = at;
      result.values = nb.jacobian(f)(nb.tensor(variables.map((v) => at[v]!))).toArray() as number[][];
    }
    return result;
  },
  render(r) {
    const width = Math.max(...r.expressions.map((e) => e.length));
    const lines = [`Jacobian of [${r.expressions.join(", ")}] with respect to (${r.variables.join(", ")}):`];
    r.expressions.forEach((e, i) => lines.push(`  ${e.padEnd(width)} : [${r.entries[i]!.join(", ")}]`));
    if (r.at && r.values) {
      lines.push(`at ${formatPoint(r.at)}:`);
      for (const row of r.values) lines.push(`  [${row.map(formatNumber).join(", ")}]`);
    }
    return lines.join("\n");
  },
};
