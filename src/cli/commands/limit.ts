/** `nabla limit`: a limit by numerical extrapolation toward the point. */
import * as nb from "../../index.js";
import { type Command, UsageError, WRT_OPTION, expressionArgument, formatNumber, numberOption, stringOption, variableOption } from "../command.js";

export interface LimitCommandResult extends nb.LimitResult {
  expression: string;
  variable: string;
  to: number;
  side: nb.LimitSide;
}

const SIDES: readonly nb.LimitSide[] = ["left", "right", "both"];

/** The value to the digits its error estimate supports (a value within its error of 0 is 0). */
function rounded(value: number, error: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(error)) return formatNumber(value);
  if (Math.abs(value) <= error) return "0";
  const digits = Math.min(15, Math.max(1, Math.ceil(-Math.log10(error / Math.abs(value)))));
  return formatNumber(Number(value.toPrecision(digits)));
}

export const limit: Command<LimitCommandResult> = {
  name: "limit",
  describe: "the limit of an expression at a point (numerical extrapolation from each side)",
  usage: "<expression> --to 0 [--side left|right|both] [--wrt x]",
  examples: ['nabla limit "sin(x)/x" --to 0', 'nabla limit "(1+x)^(1/x)" --to 0', 'nabla limit "1/x" --to 0 --side right', 'nabla limit "x*sin(1/x)" --to inf'],
  options: [
    { name: "to", type: "string", placeholder: "0", description: "the point (a number, an expression such as pi/2, inf or -inf)" },
    { name: "side", type: "string", placeholder: "both", description: "approach from the left, the right, or both (default)" },
    WRT_OPTION,
  ],
  run(input) {
    const expr = expressionArgument(input);
    const variable = variableOption(expr, input);
    const toText = stringOption(input, "to");
    if (toText === undefined) throw new UsageError("--to is required, e.g. --to 0");
    const to = numberOption(toText, "--to");
    const side = (stringOption(input, "side") ?? "both") as nb.LimitSide;
    if (!SIDES.includes(side)) throw new UsageError(`--side: expected left, right or both, got "${side}"`);
    const f = expr.compile([variable]);
    const result = nb.limit((x) => f(x).item(), to, { side });
    return { expression: expr.toString(), variable, to, side, ...result };
  },
  render(r) {
    const point = Number.isFinite(r.to) ? formatNumber(r.to) : r.to > 0 ? "∞" : "-∞";
    const arrow = `${r.variable}→${point}${r.side === "left" ? "⁻" : r.side === "right" ? "⁺" : ""}`;
    const best = [r.left, r.right].filter((s) => s?.kind === "finite").sort((a, b) => a!.error - b!.error)[0];
    if (r.exists && best) return `lim ${arrow} ${r.expression} = ${rounded(r.value, best.error)}   (estimated error ${best.error.toExponential(1)})`;
    return `lim ${arrow} ${r.expression}: ${r.message}`;
  },
};
