/**
 * What every `nabla` command is, and the input helpers they share. A command's `run` returns
 * plain data (printed as JSON with --json) and `render` turns that data into text; main.ts
 * alone prints, and maps errors to exit codes.
 */
import { existsSync } from "node:fs";
import * as nb from "../index.js";
import { checkOutputPath, writeTextFile } from "../util/files.js";

/** A flag a command accepts: `--name value` (string) or `--name` (boolean). */
export interface OptionSpec {
  name: string;
  type: "string" | "boolean";
  /** For string options, what the value looks like in the help, e.g. "x=1,y=2". */
  placeholder?: string;
  description: string;
}

/** The parsed command line of one command. */
export interface CommandInput {
  /** Positional arguments (the expression). */
  args: string[];
  /** Option values by name; booleans are true when given. */
  options: Readonly<Record<string, string | boolean | undefined>>;
}

/** One `nabla` command. */
export interface Command<Result = unknown> {
  name: string;
  /** One line for the command list. */
  describe: string;
  /** The synopsis after `nabla <name>`, e.g. `"<expression> --at x=1,y=2"`. */
  usage: string;
  /** Complete command lines shown by --help. */
  examples: string[];
  options: OptionSpec[];
  run(input: CommandInput): Result;
  render(result: Result): string;
}

/** Bad usage or bad input: exit code 2 with this one line. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The job itself failed (not the input): exit code 1. */
export class JobFailure extends Error {
  override readonly name = "JobFailure";
}

/** The one expression argument, parsed (a ParseError becomes exit code 2 in main). */
export function expressionArgument(input: CommandInput): nb.Expr {
  if (input.args.length !== 1) {
    throw new UsageError(input.args.length === 0 ? "missing the expression, e.g. \"x^2*sin(x)\"" : `expected one expression, got ${input.args.length} arguments (quote the expression)`);
  }
  return nb.parse(input.args[0]!);
}

export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.options[name];
  return typeof value === "string" ? value : undefined;
}

/** A number given as a constant expression: 2, -1e-3, pi/2, inf. */
export function numberOption(text: string, option: string): number {
  const infinity = /^([+-]?)(inf|infinity)$/i.exec(text.trim());
  if (infinity) return infinity[1] === "-" ? -Infinity : Infinity;
  const expr = nb.parse(text);
  if (expr.variables().length) throw new UsageError(`${option}: expected a number, got "${text}"`);
  return expr.evaluate({});
}

/** `x=1,y=pi/2` → { x: 1, y: π/2 }. */
export function pointOption(text: string, option = "--at"): Record<string, number> {
  const point: Record<string, number> = {};
  for (const pair of text.split(",")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.+)$/.exec(pair);
    if (!match) throw new UsageError(`${option}: expected name=value pairs such as x=1,y=2, got "${text}"`);
    point[match[1]!] = numberOption(match[2]!, `${option} ${match[1]}`);
  }
  return point;
}

/** The point of --at, checked to give a value to every variable of `expr`. */
export function pointFor(expr: nb.Expr, input: CommandInput, required: boolean): Record<string, number> | undefined {
  const text = stringOption(input, "at");
  if (text === undefined) {
    if (required) throw new UsageError(`--at is required, e.g. --at ${expr.variables().map((v) => `${v}=1`).join(",") || "x=1"}`);
    return undefined;
  }
  const point = pointOption(text);
  const missing = expr.variables().filter((v) => !(v in point));
  if (missing.length) throw new UsageError(`--at gives no value for ${missing.join(", ")} (the expression uses ${expr.variables().join(", ")})`);
  return point;
}

/** The variable to work in: --wrt, else the expression's only variable. */
export function variableOption(expr: nb.Expr, input: CommandInput, fallback = "x"): string {
  if (stringOption(input, "wrt") !== undefined) {
    const [wrt, ...more] = variablesOption(expr, input);
    if (more.length) throw new UsageError("--wrt: this command takes one variable");
    return wrt!;
  }
  const vars = expr.variables();
  if (vars.length > 1) throw new UsageError(`the expression has variables ${vars.join(", ")}: say which with --wrt`);
  return vars[0] ?? fallback;
}

/** --wrt x,y, else every variable of the expression (sorted). */
export function variablesOption(expr: nb.Expr, input: CommandInput): string[] {
  const text = stringOption(input, "wrt");
  if (text === undefined) return expr.variables();
  const names = text.split(",").map((s) => s.trim());
  const bad = names.find((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (bad !== undefined) throw new UsageError(`--wrt: '${bad}' is not a variable name`);
  return names;
}

/** "x = 1, y = 2" */
export function formatPoint(point: Readonly<Record<string, number>>): string {
  return Object.entries(point).map(([k, v]) => `${k} = ${formatNumber(v)}`).join(", ");
}

/** Shortest round-trip form; −0 prints as 0. */
export function formatNumber(v: number): string {
  return Object.is(v, -0) ? "0" : String(v);
}

/** Options every command shares (handled by main.ts). */
export const COMMON_OPTIONS: OptionSpec[] = [
  { name: "json", type: "boolean", description: "print the result as JSON on stdout" },
  { name: "help", type: "boolean", description: "show this help" },
];

export const AT_OPTION: OptionSpec = { name: "at", type: "string", placeholder: "x=1,y=2", description: "the point (values may be expressions such as pi/2)" };
export const WRT_OPTION: OptionSpec = { name: "wrt", type: "string", placeholder: "x", description: "the variable (default: the only one)" };
export const WRT_LIST_OPTION: OptionSpec = { name: "wrt", type: "string", placeholder: "x,y", description: "the variables (default: all, sorted)" };

/**
 * Refuses, before any work, an output path that cannot be written: an existing file without
 * --overwrite (`true`; "never" is for commands that have no such flag), anything but a
 * regular file even with it, or a missing folder. Training commands call it before training.
 */
export function checkNewFile(path: string, overwrite: boolean | "never", option: string): void {
  if (overwrite !== true && existsSync(path)) {
    throw new UsageError(
      overwrite === "never"
        ? `${option}: ${path} exists; nabla never overwrites a file, choose another name`
        : `${option}: ${path} already exists; add --overwrite to replace it`,
    );
  }
  try {
    checkOutputPath(path, { overwrite: overwrite === true, where: option });
  } catch (e) {
    throw e instanceof nb.NablaError ? new UsageError(e.message) : e;
  }
}

/**
 * Writes a file the user named, after checkNewFile's checks. Writing goes through
 * writeTextFile, whose replacement is a temporary file renamed into place, so a failed write
 * leaves neither a half file nor the temporary.
 */
export function writeNewFile(path: string, text: string | Uint8Array, overwrite: boolean | "never", option: string): void {
  checkNewFile(path, overwrite, option);
  writeTextFile(path, text, { overwrite: overwrite === true, where: option });
}
