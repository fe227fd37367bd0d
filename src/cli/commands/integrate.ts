/** `nabla integrate`: a definite integral, with the antiderivative when the rules find one. */
import * as nb from "../../index.js";
import { type Command, type CommandInput, UsageError, WRT_OPTION, expressionArgument, formatNumber, numberOption, stringOption, variableOption } from "../command.js";

/** The numerical methods `--method` accepts. */
const METHODS = ["quad", "tanh-sinh", "gauss", "simpson", "mc"] as const;
type IntegrateMethod = (typeof METHODS)[number];

export interface IntegrateCommandResult {
  expression: string;
  variable: string;
  from: number;
  to: number;
  method: IntegrateMethod;
  /** F with F′ = f, or null when the symbolic rules found none. */
  antiderivative: string | null;
  /** F(to) − F(from), when there is an antiderivative and both ends are finite. */
  exact?: number;
  value: number;
  /** The method's error estimate (for mc: the standard error). */
  error: number;
  nfev: number;
  success: boolean;
  message: string;
}

interface Numeric {
  value: number;
  error: number;
  nfev: number;
  success: boolean;
  message: string;
}

function positiveInteger(input: CommandInput, name: string, fallback: number): number {
  const text = stringOption(input, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: expected a positive integer, got "${text}"`);
  return n;
}

/** Fixed rules have no error estimate of their own: compare with the rule at half the points. */
function compared(value: number, coarse: number, nfev: number, what: string): Numeric {
  return { value, error: Math.abs(value - coarse), nfev, success: true, message: `${what}; error estimated by the same rule with half the points` };
}

function numeric(method: IntegrateMethod, f: (x: nb.Tensor) => nb.Tensor, a: number, b: number, input: CommandInput): Numeric {
  const finite = Number.isFinite(a) && Number.isFinite(b);
  if (!finite && method !== "quad" && method !== "tanh-sinh") throw new UsageError(`--method ${method} needs a finite range; use quad or tanh-sinh for an infinite one`);
  switch (method) {
    case "quad": {
      const r = nb.integrate.quad(f, a, b, { limit: positiveInteger(input, "limit", 50) });
      return { ...r, value: r.value.item() };
    }
    case "tanh-sinh": {
      const r = nb.integrate.tanhSinh(f, a, b);
      return { ...r, value: r.value.item() };
    }
    case "gauss": {
      const n = positiveInteger(input, "n", 5);
      const fine = nb.integrate.fixedQuad(f, a, b, 2 * n).value.item();
      return compared(nb.integrate.fixedQuad(f, a, b, n).value.item(), fine, 3 * n, `${n}-point Gauss–Legendre`);
    }
    case "simpson": {
      const n = positiveInteger(input, "n", 101);
      if (n < 5 || n % 2 === 0) throw new UsageError(`--n: Simpson's rule needs an odd number of samples ≥ 5, got ${n}`);
      const x = nb.linspace(a, b, n);
      const y = f(x);
      const fine = nb.integrate.simpson(y, { x }).item();
      const coarse = nb.integrate.simpson(nb.gather(y, nb.arange(0, n, 2)), { dx: (2 * (b - a)) / (n - 1) }).item();
      return compared(fine, coarse, n, `Simpson's rule on ${n} samples`);
    }
    case "mc": {
      const n = positiveInteger(input, "n", 4096);
      const seedText = stringOption(input, "seed");
      const seed = seedText === undefined ? 0 : Number(seedText);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed: expected an integer, got "${seedText}"`);
      const r = nb.integrate.monteCarlo((p) => f(nb.reshape(p, [p.shape[0]!])), [a], [b], { n, seed, method: "sobol" });
      return { value: r.value.item(), error: r.error, nfev: r.nfev, success: true, message: "scrambled Sobol points; the error is a standard error" };
    }
  }
}

export const integrate: Command<IntegrateCommandResult> = {
  name: "integrate",
  describe: "a definite integral: the antiderivative when one is found, the value, its error and the evaluations",
  usage: "<expression> --from a --to b [--method quad|tanh-sinh|gauss|simpson|mc] [--wrt x]",
  examples: [
    'nabla integrate "x^2*sin(x)" --from 0 --to pi',
    'nabla integrate "exp(-x^2)" --from -inf --to inf',
    'nabla integrate "1/sqrt(x)" --from 0 --to 1 --method tanh-sinh',
    'nabla integrate "sin(x)" --from 0 --to pi --method gauss --n 8',
  ],
  options: [
    { name: "from", type: "string", placeholder: "a", description: "the lower limit (a number, an expression such as pi/2, or -inf)" },
    { name: "to", type: "string", placeholder: "b", description: "the upper limit (a number, an expression, or inf)" },
    { name: "method", type: "string", placeholder: "quad", description: `the numerical method: ${METHODS.join(", ")} (default quad)` },
    { name: "n", type: "string", placeholder: "N", description: "points for gauss (default 5), simpson (odd, default 101) and mc (default 4096)" },
    { name: "limit", type: "string", placeholder: "50", description: "quad: the most subintervals" },
    { name: "seed", type: "string", placeholder: "0", description: "mc: the seed of the scrambled Sobol points" },
    WRT_OPTION,
  ],
  run(input) {
    const expr = expressionArgument(input);
    const variable = variableOption(expr, input);
    const others = expr.variables().filter((v) => v !== variable);
    if (others.length) throw new UsageError(`the expression also depends on ${others.join(", ")}; only ${variable} can be integrated over, so give the others as numbers`);
    const bound = (name: string) => {
      const text = stringOption(input, name);
      if (text === undefined) throw new UsageError(`--${name} is required, e.g. --from 0 --to 1`);
      return numberOption(text, `--${name}`);
    };
    const [from, to] = [bound("from"), bound("to")];
    const method = (stringOption(input, "method") ?? "quad") as IntegrateMethod;
    if (!METHODS.includes(method)) throw new UsageError(`--method: expected one of ${METHODS.join(", ")}, got "${method}"`);
    const F = expr.integrate(variable);
    const exact = F && Number.isFinite(from) && Number.isFinite(to) ? F.evaluate({ [variable]: to }) - F.evaluate({ [variable]: from }) : undefined;
    const compiled = expr.compile([variable]);
    const r = numeric(method, (x) => compiled(x), from, to, input);
    return {
      expression: expr.toString(), variable, from, to, method, antiderivative: F ? F.toString() : null,
      ...(exact !== undefined && Number.isFinite(exact) ? { exact } : {}), ...r,
    };
  },
  render(r) {
    const end = (v: number) => (Number.isFinite(v) ? formatNumber(v) : v > 0 ? "∞" : "-∞");
    const lines = [`∫ ${r.expression} d${r.variable} from ${end(r.from)} to ${end(r.to)}`];
    lines.push(r.antiderivative === null ? "  antiderivative: none found by the symbolic rules" : `  antiderivative: ${r.antiderivative}${r.exact === undefined ? "" : `   (F(b) − F(a) = ${formatNumber(r.exact)})`}`);
    lines.push(`  value: ${formatNumber(r.value)}   error ≈ ${r.error.toExponential(1)}   nfev ${r.nfev}   (${r.method})`);
    if (!r.success) lines.push(`  not converged: ${r.message}`);
    return lines.join("\n");
  },
};
