/**
 * `nabla report`: runs the survey's Tables 2, 4, 5 and 6 as experiments, decides its claims by
 * them, and writes index.html, report.md and report.json. Built on the public API alone, as
 * the CLI is; deterministic for a seed except for the `timeMs` and `seconds` keys.
 */
import { challengesTable } from "./challenges.js";
import { decideClaims } from "./claims.js";
import { componentsTable } from "./components.js";
import { optimizersTable } from "./optimizers.js";
import { regularizersTable } from "./regularizers.js";
import { reportHtml, reportMarkdown } from "./render.js";
import type { Report, ReportOptions, Table } from "./types.js";

export type { Claim, Report, ReportOptions, Row, Table } from "./types.js";

/** The experiments in the order the report shows them, with a label for progress lines. */
const EXPERIMENTS: readonly [string, (o: ReportOptions) => Table][] = [
  ["Table 2 (optimisers)", optimizersTable],
  ["Table 4 (components)", componentsTable],
  ["Table 5 (landscape challenges)", challengesTable],
  ["Table 6 (regularisers)", regularizersTable],
];

/** The report's three files, as text. */
export interface ReportFiles {
  "index.html": string;
  "report.md": string;
  "report.json": string;
}

/** Runs every experiment; `progress` hears each table's name as it starts. */
export function runReport(options: ReportOptions, progress: (label: string) => void = () => {}): { report: Report; tables: Table[]; files: ReportFiles } {
  const start = performance.now();
  const tables = EXPERIMENTS.map(([label, run]) => {
    progress(label);
    return run(options);
  });
  const byId = Object.fromEntries(tables.map((t) => [t.id, t]));
  progress("claims");
  const claims = decideClaims(byId);
  const report: Report = {
    tables: Object.fromEntries(tables.map((t) => [t.id, t.rows])),
    claims, seed: options.seed, quick: options.quick, seconds: Math.round((performance.now() - start) / 100) / 10,
  };
  return { report, tables, files: { "index.html": reportHtml(report, tables), "report.md": reportMarkdown(report, tables), "report.json": `${JSON.stringify(report, null, 1)}\n` } };
}
