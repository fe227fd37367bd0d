/**
 * The training commands end to end, run as a user's shell runs them: nabla datasets, train
 * (with --save and --plot), evaluate on the held-out split, predict on a CSV, and bad input
 * answered with exit code 2 and one line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runNabla, runNablaJson } from "./cli-helpers.js";

/** Every command runs in a fresh folder, where the files it writes land. */
const dir = mkdtempSync(join(tmpdir(), "nabla-cli-"));
const nabla = (...args: string[]) => runNabla(args, dir);
const json = (...args: string[]) => runNablaJson(args, dir);

describe("nabla train, evaluate, predict, datasets", () => {
  test("train --eager runs the eager step and gives the compiled step's losses", () => {
    const args = ["train", "--data", "iris", "--model", "mlp:4-8-3", "--epochs", "3"];
    const [compiled, eager] = [json(...args), json(...args, "--eager")];
    const losses = (r: Record<string, unknown>) => (r.history as { loss: number }[]).map((h) => h.loss);
    losses(eager).forEach((l, i) => expect(Math.abs(l - losses(compiled)[i]!)).toBeLessThan(1e-12));
  });

  test("datasets lists the bundled data", () => {
    const list = json("datasets") as unknown as { name: string }[];
    expect(list.map((d) => d.name)).toEqual(["iris", "digits", "breast-cancer", "wine", "diabetes"]);
    expect(nabla("datasets").stdout).toContain("digits         1797 × 64  10 classes");
  });

  test("train saves a model and a plot that evaluate and predict then use", () => {
    const trained = json("train", "--data", "iris", "--model", "mlp:4-16-3", "--lr", "0.05", "--epochs", "30", "--save", "iris.nabla", "--plot", "curves.svg");
    expect(trained.history).toHaveLength(30);
    const accuracy = (trained.test as { accuracy: number }).accuracy;
    expect(accuracy).toBeGreaterThan(0.85);
    expect(readFileSync(join(dir, "curves.svg"), "utf8")).toMatch(/^<svg [^]*<polyline[^]*<\/svg>$/);

    const evaluated = json("evaluate", "--model", "iris.nabla", "--data", "iris", "--split", "test");
    expect(evaluated.samples).toBe(30);
    expect((evaluated.scores as { accuracy: number }).accuracy).toBe(accuracy);

    writeFileSync(join(dir, "flowers.csv"), "sl,sw,pl,pw,species\n5.1,3.5,1.4,0.2,0\n6.9,3.1,5.4,2.1,2\n");
    const predicted = json("predict", "--model", "iris.nabla", "--data", "flowers.csv", "--drop", "species");
    expect(predicted.predictions).toEqual(["setosa", "virginica"]);
    expect(nabla("predict", "--model", "iris.nabla", "--data", "flowers.csv", "--drop", "species").stdout).toBe("setosa\nvirginica\n");
  });

  test("a regression on a user's CSV", () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i / 10},${(i * 7) % 5},${1 + 2 * (i / 10) - (i * 7) % 5}`);
    writeFileSync(join(dir, "line.csv"), ["a,b,y", ...rows].join("\n"));
    const r = json("train", "--data", "line.csv", "--model", "linear", "--lr", "0.1", "--epochs", "150", "--batch-size", "8");
    expect(r.task).toBe("regression");
    expect((r.test as { r2: number }).r2).toBeGreaterThan(0.99);
  });

  test.each([
    [["train", "--data", "iris", "--model", "mlp:5-3"], "nabla train: --model: the sizes must run from the 4 features to 3 outputs"],
    [["train", "--data", "mnist"], "nabla train: readCsv: cannot read mnist: no such file"],
    [["train", "--data", "iris", "--optimizer", "magic"], "nabla train: --optimizer: expected one of adam"],
    [["train", "--data", "iris", "--epochs", "0"], "nabla train: --epochs: expected an integer ≥ 1"],
    [["evaluate", "--model", "missing.nabla", "--data", "iris"], "nabla evaluate: readModelFile: cannot read missing.nabla: no such file"],
    [["predict", "--model", "iris.nabla", "--data", "flowers.csv"], "nabla predict: flowers.csv has 5 feature columns but the model takes 4 (leave out a target column with --drop)"],
  ])("bad input: %j", (args, message) => {
    const r = nabla(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  test("an existing file is never overwritten without --overwrite", () => {
    writeFileSync(join(dir, "keep.nabla"), "mine");
    const r = nabla("train", "--data", "iris", "--epochs", "1", "--quiet", "--save", "keep.nabla");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--save: keep.nabla already exists; add --overwrite to replace it");
    expect(readFileSync(join(dir, "keep.nabla"), "utf8")).toBe("mine");
  });
});
