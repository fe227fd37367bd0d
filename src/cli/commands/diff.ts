/** `nabla diff`: the symbolic derivative, its swell, and a four-way comparison at a point. */
import * as nb from "../../index.js";
import { AT_OPTION, type Command, UsageError, WRT_OPTION, expressionArgument, formatNumber, formatPoint, pointFor, variableOption } from "../command.js";

interface Comparison {
  method: "symbolic" | "forward" | "reverse" | "numerical";
  value: number;
  /** |value − symbolic value| */
  difference: number;
}

export interface DiffResult {
  expression: string;
  wrt: string;
  derivative: string;
  latex?: string;
  /** Expression swell: nodes of the raw rule output as a tree and as a DAG, and after simplifying. */
  size: { raw: number; rawDag: number; simplified: number };
  at?: Record<string, number>;
  value?: number;
  compare?: Comparison[];
}

/** The derivative at the point by the four methods, each on the same formula. */
function compare(expr: nb.Expr, derivative: nb.Expr, wrt: string, point: Record<string, number>): Comparison[] {
  const names = [...new Set([...expr.variables(), wrt])];
  const f = expr.compile(names);
  const values = names.map((n) => point[n] ?? 0);
  const index = names.indexOf(wrt);
  const symbolic = derivative.evaluate(point);
  const [, tangent] = nb.jvp(f, values, names.map((_, i) => (i === index ? 1 : 0)));
  const reverse = nb.grad(f, { argnums: index })(...values) as number;
  const along = (t: number): nb.Tensor => f(...values.map((v, i) => (i === index ? t : v)));
  const numerical = nb.numeric.derivative(along, values[index]!, { richardson: true });
  const entries: [Comparison["method"], number][] = [["symbolic", symbolic], ["forward", tangent.item()], ["reverse", reverse], ["numerical", numerical]];
  return entries.map(([method, value]) => ({ method, value, difference: Math.abs(value - symbolic) }));
}

export const diff: Command<DiffResult> = {
  name: "diff",
  describe: "differentiate an expression symbolically (with --compare: four ways at a point)",
  usage: "<expression> [--wrt x] [--at x=1] [--latex] [--compare]",
  examples: [
    'nabla diff "x^2*sin(x)"',
    'nabla diff "x^2*sin(x)" --at x=1 --compare',
    'nabla diff "x*y + exp(x*y)" --wrt y --latex',
  ],
  options: [
    WRT_OPTION,
    AT_OPTION,
    { name: "latex", type: "boolean", description: "also print the derivative as LaTeX" },
    { name: "compare", type: "boolean", description: "compare symbolic, forward-mode, reverse-mode and numerical derivatives at --at" },
  ],
  run(input) {
    const expr = expressionArgument(input);
    const wrt = variableOption(expr, input);
    if (input.options.compare && input.options.at === undefined) throw new UsageError("--compare needs a point: add --at, e.g. --at x=1");
    const raw = expr.diff(wrt, { simplify: false });
    const derivative = raw.simplify();
    const result: DiffResult = {
      expression: expr.toString(),
      wrt,
      derivative: derivative.toString(),
      size: { raw: raw.size(), rawDag: raw.dagSize(), simplified: derivative.size() },
    };
    if (input.options.latex) result.latex = derivative.toLatex();
    const point = pointFor(expr, input, false);
    if (point) {
      result.at = point;
      result.value = derivative.evaluate(point);
      if (input.options.compare) result.compare = compare(expr, derivative, wrt, point);
    }
    return result;
  },
  render(r) {
    const lines = [`d/d${r.wrt} ${r.expression} = ${r.derivative}`];
    if (r.latex !== undefined) lines.push(`LaTeX: ${r.latex}`);
    lines.push(`size: the rules give ${r.size.raw} nodes (${r.size.rawDag} distinct as a DAG); simplified ${r.size.simplified}`);
    if (r.at && r.value !== undefined) lines.push(`at ${formatPoint(r.at)}: ${formatNumber(r.value)}`);
    for (const c of r.compare ?? []) {
      const gap = c.method === "symbolic" ? "" : `   |difference| ${c.difference.toExponential(1)}`;
      lines.push(`  ${c.method.padEnd(10)} ${formatNumber(c.value).padEnd(24)}${gap}`);
    }
    return lines.join("\n");
  },
};
