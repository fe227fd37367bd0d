/** `nabla report`: the survey's tables run as experiments, written as HTML, Markdown and JSON. */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Command, UsageError, checkNewFile, numberOption, stringOption, writeNewFile } from "../command.js";
import { OVERWRITE_OPTION } from "../training.js";
import { type Claim, type ReportFiles, runReport } from "../../report/index.js";

/** What the command did: where the files went, how long it took, and the claims' verdicts. */
export interface ReportCommandResult {
  out: string;
  files: string[];
  seconds: number;
  quick: boolean;
  seed: number;
  tables: { id: string; title: string; rows: number }[];
  claims: Claim[];
}

const FILES: readonly (keyof ReportFiles)[] = ["index.html", "report.md", "report.json"];

/** The folder may be missing (it is created); where it exists, each file gets the CLI's usual output-path checks. */
function outputFolder(out: string, overwrite: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UsageError(`--out: ${out} exists and is not a folder`);
  for (const name of FILES) checkNewFile(join(out, name), overwrite, "--out");
}

export const report: Command<ReportCommandResult> = {
  name: "report",
  describe: "run the survey's tables (optimisers, gradient flow, landscape challenges, regularisers) as experiments and write a report",
  usage: "[--out DIR] [--quick] [--seed N] [--overwrite]",
  examples: ["nabla report --quick", "nabla report --out report --seed 1"],
  options: [
    { name: "out", type: "string", placeholder: "nabla-report", description: "the folder for index.html, report.md and report.json (created if missing)" },
    { name: "quick", type: "boolean", description: "fewer iterations and epochs (under five minutes on two cores)" },
    { name: "seed", type: "string", placeholder: "0", description: "seeds every experiment; the same seed gives the same numbers (timings aside)" },
    OVERWRITE_OPTION,
    { name: "quiet", type: "boolean", description: "no progress lines on stderr" },
  ],
  run(input) {
    if (input.args.length) throw new UsageError(`report takes no arguments, got "${input.args[0]}"`);
    const out = stringOption(input, "out") ?? "nabla-report";
    const seedText = stringOption(input, "seed");
    const seed = seedText === undefined ? 0 : numberOption(seedText, "--seed");
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) throw new UsageError(`--seed must be an integer from 0 to 2^31, got ${seedText}`);
    const overwrite = input.options.overwrite === true;
    // Checked before the experiments run, so a bad --out costs nothing.
    outputFolder(out, overwrite);
    const quiet = input.options.quiet === true || input.options.json === true;
    const { report: result, tables, files } = runReport({ quick: input.options.quick === true, seed }, (label) => {
      if (!quiet) process.stderr.write(`report: ${label}…\n`);
    });
    mkdirSync(out, { recursive: true });
    const paths = FILES.map((name) => {
      const path = join(out, name);
      writeNewFile(path, files[name], overwrite, "--out");
      return path;
    });
    return {
      out, files: paths, seconds: result.seconds, quick: result.quick, seed,
      tables: tables.map((t) => ({ id: t.id, title: t.title, rows: t.rows.length })), claims: result.claims,
    };
  },
  render(r) {
    return [
      `report (seed ${r.seed}${r.quick ? ", quick" : ""}) in ${r.seconds.toFixed(1)} s`,
      ...r.tables.map((t) => `  Table ${t.id}: ${t.title} (${t.rows} rows)`),
      "claims:",
      ...r.claims.map((c) => `  ${c.verdict.padEnd(9)} ${c.claim}`),
      `wrote ${r.files.join(", ")}`,
    ].join("\n");
  },
};
