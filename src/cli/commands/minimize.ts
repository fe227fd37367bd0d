/** `nabla minimize`: minimise an expression with any method of nb.minimize, optionally drawing the path. */
import * as nb from "../../index.js";
import { type Command, JobFailure, UsageError, WRT_LIST_OPTION, expressionArgument, formatNumber, formatPoint, numberOption, stringOption, variablesOption, writeNewFile } from "../command.js";
import { contourSvg } from "../plot.js";

const METHODS = nb.minimizeMethods;
/** How many iterations the text output lists: the first and the last few. */
const SHOWN = 8;

/** minimize's result with the variables named, and what was asked. */
export type MinimizeCommandResult = Omit<nb.MinimizeResult, "x" | "grad" | "multipliers" | "kkt"> & {
  expression: string;
  variables: string[];
  method: nb.Method;
  x0: Record<string, number>;
  x: Record<string, number>;
  plot?: string;
};

const named = (names: readonly string[], values: readonly number[]): Record<string, number> =>
  Object.fromEntries(names.map((n, i) => [n, values[i]!]));

export const minimize: Command<MinimizeCommandResult> = {
  name: "minimize",
  describe: "minimise an expression from a starting point (quasi-Newton, Newton, first-order or Nelder–Mead)",
  usage: "<expression> --x0 a,b [--wrt x,y] [--method lbfgs] [--tol 1e-5] [--max-iter N] [--plot out.svg]",
  examples: [
    'nabla minimize "(1-x)^2 + 100*(y-x^2)^2" --x0 -1.2,1 --method lbfgs',
    'nabla minimize "(1-x)^2 + 100*(y-x^2)^2" --x0 -1.2,1 --method trust-ncg --plot rosenbrock.svg',
    'nabla minimize "(x-3)^2 + exp(x)" --x0 0 --json',
  ],
  options: [
    { name: "x0", type: "string", placeholder: "-1.2,1", description: "the start, one value per variable in --wrt order (required)" },
    WRT_LIST_OPTION,
    { name: "method", type: "string", placeholder: "lbfgs", description: `one of ${METHODS.join(", ")} (default lbfgs)` },
    { name: "tol", type: "string", placeholder: "1e-5", description: "stop when the gradient's largest entry is below this" },
    { name: "max-iter", type: "string", placeholder: "1000", description: "the most iterations" },
    { name: "lr", type: "string", placeholder: "0.01", description: "learning rate of the first-order methods" },
    { name: "plot", type: "string", placeholder: "out.svg", description: "write contours and the path as SVG (two variables; never overwrites a file)" },
    { name: "quiet", type: "boolean", description: "no progress bar on stderr" },
  ],
  run(input) {
    const expr = expressionArgument(input);
    const variables = variablesOption(expr, input);
    const x0Text = stringOption(input, "x0");
    if (x0Text === undefined) throw new UsageError(`--x0 is required, e.g. --x0 ${variables.map(() => "0").join(",") || "0"}`);
    const x0 = x0Text.split(",").map((v) => numberOption(v, "--x0"));
    if (x0.length !== variables.length) {
      throw new UsageError(`--x0 gives ${x0.length} value(s) for ${variables.length} variable(s) (${variables.join(", ")})`);
    }
    const method = (stringOption(input, "method") ?? "lbfgs") as nb.Method;
    if (!METHODS.includes(method)) throw new UsageError(`--method: unknown method "${method}" (methods: ${METHODS.join(", ")})`);
    const plot = stringOption(input, "plot");
    if (plot !== undefined && variables.length !== 2) throw new UsageError(`--plot draws functions of two variables; this one has ${variables.length}`);
    const numeric = (name: string): number | undefined => {
      const text = stringOption(input, name);
      return text === undefined ? undefined : numberOption(text, `--${name}`);
    };
    const compiled = expr.compile(variables);
    const f = (p: nb.Tensor): nb.Tensor => compiled(...variables.map((_, i) => nb.reshape(nb.slice(p, [i], [1]), [])));
    const tol = numeric("tol");
    const maxIter = numeric("max-iter");
    const lr = numeric("lr");
    const r = nb.minimize(f, x0, {
      method,
      ...(tol === undefined ? {} : { tol }),
      ...(maxIter === undefined ? {} : { maxIter }),
      ...(lr === undefined ? {} : { lr }),
      quiet: Boolean(input.options.quiet || input.options.json),
    });
    const { x, grad: _grad, ...counts } = r;
    const result: MinimizeCommandResult = { expression: expr.toString(), variables, method, x0: named(variables, x0), ...counts, x: named(variables, x) };
    if (plot !== undefined) {
      const svg = contourSvg((x, y) => compiled(x, y), r.history.map((h) => h.x), variables);
      writeNewFile(plot, svg, "never", "--plot");
      result.plot = plot;
    }
    if (!r.success && r.message.startsWith("stopped at a saddle point")) {
      throw new JobFailure(`saddle point, not a minimum: f = ${formatNumber(r.fun)} at ${formatPoint(result.x)} after ${r.nit} iterations (${r.message}); try another start or --method trust-ncg, which steps off saddles`);
    }
    if (!r.success) throw new JobFailure(`did not converge: ${r.message}; stopped at ${formatPoint(result.x)} with f = ${formatNumber(r.fun)} after ${r.nit} iterations`);
    return result;
  },
  render(r) {
    const row = (h: nb.IterationRecord): string =>
      `${String(h.iteration).padStart(6)}  ${h.f.toExponential(6).padStart(14)}  ${(Number.isNaN(h.gradNorm) ? "-" : h.gradNorm.toExponential(3)).padStart(10)}  ${h.stepSize.toExponential(3).padStart(10)}`;
    const rows = r.history.length <= 2 * SHOWN
      ? r.history.map(row)
      : [...r.history.slice(0, SHOWN).map(row), "     …", ...r.history.slice(-SHOWN).map(row)];
    const evaluations = `${r.nfev} f, ${r.ngev} ∇f${r.nhev === undefined ? "" : `, ${r.nhev} Hessian-vector`} evaluations`;
    return [
      `minimize ${r.expression} with ${r.method} from ${formatPoint(r.x0)}`,
      `  iter               f        |∇f|        step`,
      ...rows,
      `${r.message}`,
      `minimum f = ${formatNumber(r.fun)} at ${formatPoint(r.x)} (${r.nit} iterations, ${evaluations})`,
      ...(r.plot ? [`plot written to ${r.plot}`] : []),
    ].join("\n");
  },
};
