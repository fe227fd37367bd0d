#!/usr/bin/env node
/**
 * The `nabla` command line. Parses argv, dispatches to a command, and is the one place that
 * prints results (text, or JSON with --json) and maps failures to exit codes: 0 success,
 * 1 the job failed, 2 bad usage or bad input, always as one line on stderr.
 */
import * as nb from "../index.js";
import { COMMON_OPTIONS, type Command, type CommandInput, JobFailure, type OptionSpec, UsageError } from "./command.js";
import { commands } from "./commands/index.js";

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function parseArgs(command: Command, argv: readonly string[]): CommandInput {
  const specs = new Map<string, OptionSpec>([...command.options, ...COMMON_OPTIONS].map((o) => [o.name, o]));
  const args: string[] = [];
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h") {
      options.help = true;
      continue;
    }
    // Only "--" starts an option, so an expression such as "-x^2" is an argument.
    if (!arg.startsWith("--")) {
      args.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs.get(name);
    if (!spec) throw new UsageError(`unknown option --${name} (options: ${[...specs.keys()].map((n) => `--${n}`).join(", ")})`);
    if (spec.type === "boolean") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
    } else {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value, e.g. --${name} ${spec.placeholder ?? "…"}`);
      options[name] = value;
    }
  }
  return { args, options };
}

function commandHelp(c: Command): string {
  const width = Math.max(...[...c.options, ...COMMON_OPTIONS].map((o) => optionLabel(o).length));
  return [
    `nabla ${c.name}: ${c.describe}`,
    "",
    `usage: nabla ${c.name} ${c.usage}`,
    "",
    "options:",
    ...[...c.options, ...COMMON_OPTIONS].map((o) => `  ${optionLabel(o).padEnd(width)}  ${o.description}`),
    "",
    "examples:",
    ...c.examples.map((e) => `  ${e}`),
  ].join("\n");
}

function optionLabel(o: OptionSpec): string {
  return o.type === "string" ? `--${o.name} ${o.placeholder ?? "value"}` : `--${o.name}`;
}

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "nabla: calculus for machine learning, from the command line",
    "",
    "usage: nabla <command> [arguments] [options]   (calculus commands take an expression;",
    "       train, evaluate and predict take data and models)",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.describe}`),
    "",
    "Expressions use + - * / ^, parentheses, pi, e and functions such as sin, exp, log, sqrt,",
    "sigmoid, relu; write products with * (2*x). `nabla <command> --help` shows examples.",
    "Exit codes: 0 success, 1 the job failed, 2 bad usage or input. --json prints a JSON result.",
  ].join("\n");
}

/** JSON has no Infinity or NaN: they are written as strings. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2);
}

/** Runs the CLI on argv (without node and the script); returns the exit code. */
export function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? err : out)(mainHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    err(`nabla: unknown command '${name}' (commands: ${commands.map((c) => c.name).join(", ")}; see nabla --help)`);
    return EXIT_USAGE;
  }
  try {
    const input = parseArgs(command, rest);
    if (input.options.help) {
      out(commandHelp(command));
      return EXIT_OK;
    }
    const result = command.run(input);
    out(input.options.json ? toJson(result) : command.render(result));
    return EXIT_OK;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    if (e instanceof UsageError || e instanceof nb.NablaError) {
      const hint = e instanceof UsageError ? ` (see nabla ${name} --help)` : "";
      err(`nabla ${name}: ${message}${hint}`);
      return EXIT_USAGE;
    }
    err(`nabla ${name}: ${e instanceof JobFailure ? "" : "internal error: "}${message}`);
    return EXIT_FAILURE;
  }
}

process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s + "\n"), (s) => process.stderr.write(s + "\n"));
