import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runReport } from "./index.js";
import { componentsTable } from "./components.js";
import { challengesTable } from "./challenges.js";
import { report as reportCommand } from "../cli/commands/report.js";
import type { Row } from "./types.js";

/** Rows without their timings: what must be identical between two runs with one seed. */
const untimed = (rows: Row[]) => rows.map(({ timeMs: _, ...rest }) => rest);

/** Every value of a JSON document, depth first. */
function* values(v: unknown): Generator<unknown> {
  yield v;
  if (v !== null && typeof v === "object") for (const child of Object.values(v)) yield* values(child);
}

describe("nabla report", () => {
  const { report, files } = runReport({ quick: true, seed: 0 });

  test("report.json has the four tables, decided claims and no null or NaN", () => {
    const parsed = JSON.parse(files["report.json"]) as typeof report;
    expect(Object.keys(parsed.tables)).toEqual(["2", "4", "5", "6"]);
    expect(files["report.json"]).not.toMatch(/null|NaN/);
    for (const v of values(parsed)) if (typeof v === "number") expect(Number.isFinite(v)).toBe(true);
    expect(parsed.claims.length).toBeGreaterThanOrEqual(10);
    for (const c of parsed.claims) {
      expect(["confirmed", "refuted", "depends"]).toContain(c.verdict);
      // Each claim cites the experiment that decided it: a table, or its own computation.
      expect(c.evidence, c.claim).toMatch(/Table [2456]|nb\.derivatives/);
    }
  });

  test("the tables hold what the survey's tables ask for", () => {
    const t2 = report.tables["2"]!;
    expect(new Set(t2.map((r) => r.method)).size).toBeGreaterThanOrEqual(12);
    expect(t2.find((r) => r.problem === "Rosenbrock" && r.method === "newton")!.success).toBe(true);
    const t4 = report.tables["4"]!;
    expect(t4.find((r) => r.component === "sigmoid")!.verdict).toBe("vanishes");
    expect(t4.find((r) => r.component === "residual x + tanh(Wx)")!.verdict).toBe("flows");
    expect(report.tables["5"]!.map((r) => r.challenge)).toEqual(["local minima", "saddle points", "plateaus", "ill-conditioning", "sharp vs flat minima"]);
    expect(report.tables["6"]!.map((r) => r.regularizer)).toContain("spectral norm");
  });

  test("sin x + x² is found convex (f″ = 2 − sin x ≥ 1), refuting the seed's claim", () => {
    const claim = report.claims.find((c) => c.claim === "sin x + x² is non-convex")!;
    expect(claim.verdict).toBe("refuted");
    expect(claim.evidence).toContain("is 1, so f is strictly convex");
  });

  test("index.html is self-contained: inline SVG and styles, no external or relative references", () => {
    const html = files["index.html"];
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/\b(src|href)\s*=|url\(|@import|<script|<link/i);
    // Each table names the Lab page that replays it, as text.
    expect(html).toContain("Replay it in the Lab (npm start, then #/race)");
    expect(files["report.md"]).toContain("then #/training)");
  });

  test("deterministic for a seed: two runs give the same rows except timings", () => {
    const options = { quick: true, seed: 3 };
    expect(untimed(componentsTable(options).rows)).toEqual(untimed(componentsTable(options).rows));
    expect(challengesTable(options).rows).toEqual(challengesTable(options).rows);
  });

  test("the command refuses a bad seed and existing files before running anything", () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-report-"));
    writeFileSync(join(dir, "report.md"), "mine");
    const run = (options: Record<string, string | boolean>) => reportCommand.run({ args: [], options: { quiet: true, ...options } });
    expect(() => run({ out: dir })).toThrow(`${join(dir, "report.md")} already exists; add --overwrite`);
    expect(() => run({ seed: "-1" })).toThrow("--seed must be an integer");
    expect(() => run({ seed: "1.5" })).toThrow("--seed must be an integer");
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe("mine");
  });
});
