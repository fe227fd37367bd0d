/**
 * The CLI on hostile but realistic input (issue 14): forged model files, CSVs whose labels or
 * size used to exhaust memory or the stack, special files as outputs. Each answer is exit 2
 * (bad input, one line) or exit 1 (the job failed), never a crash, and nothing but a regular
 * file named with --overwrite is ever changed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { runNabla, runNablaJson } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-hostile-"));
const nabla = (...args: string[]) => runNabla(args, dir);
const json = (...args: string[]) => runNablaJson(args, dir);

/** Exit 2 with one line on stderr that contains `text`, and nothing on stdout. */
function badInput(result: ReturnType<typeof nabla>, text: string): void {
  expect(result.stderr).toContain(text);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stdout).toBe("");
  expect(result.code).toBe(2);
}

type ModelDoc = { architecture: { layers: Record<string, unknown>[] }; buffers: Record<string, { data: number[]; dtype: string }>; parameters: Record<string, { data: number[]; dtype: string }>; metadata: Record<string, unknown> };

describe("forged model files", () => {
  let original: ModelDoc;
  const forge = (name: string, change: (doc: ModelDoc) => void): string => {
    const doc = structuredClone(original);
    change(doc);
    writeFileSync(join(dir, name), JSON.stringify(doc));
    return name;
  };
  beforeAll(() => {
    json("train", "--data", "iris", "--model", "mlp:4-8-3", "--epochs", "2", "--save", "iris.nabla");
    original = JSON.parse(readFileSync(join(dir, "iris.nabla"), "utf8")) as ModelDoc;
    writeFileSync(join(dir, "flowers.csv"), "sl,sw,pl,pw\n5.1,3.5,1.4,0.2\n6.9,3.1,5.4,2.1\n");
  });

  test.each([
    ["a Standardize scale of 0", (d: ModelDoc) => (d.buffers["layers.0.scale"]!.data[1] = 0), "buffers.layers.0.scale[1] is 0; a Standardize scale must be positive"],
    ["1e300 stored as float32", (d: ModelDoc) => ((d.parameters["layers.1.weight"]!.dtype = "float32"), (d.parameters["layers.1.weight"]!.data[0] = 1e300)), "beyond float32's range"],
    ["targetNames of the wrong length", (d: ModelDoc) => (d.metadata.targetNames = ["a", "b"]), '"targetNames" must name each of the 3 classes'],
    ["outputs that the layers do not give", (d: ModelDoc) => ((d.metadata.outputs = 5), delete d.metadata.targetNames), "says 5 output(s), but the layers give shape [1,3]"],
    ["featureNames that the layers do not take", (d: ModelDoc) => (d.metadata.featureNames = ["a", "b"]), "says 2 features, but the layers do not take that many"],
    ["a regression with 3 outputs", (d: ModelDoc) => (d.metadata.task = "regression"), '"outputs" 3 does not fit a regression model'],
  ])("%s", (_label, change, message) => {
    badInput(nabla("predict", "--model", forge("forged.nabla", change), "--data", "flowers.csv"), message);
  });

  test("a negative running variance, a huge padding and deep nesting are refused by the loader", () => {
    const conv = { format: "nabla-model", version: 1, parameters: {}, buffers: {} };
    writeFileSync(join(dir, "pad.nabla"), JSON.stringify({ ...conv, architecture: { type: "MaxPool2d", kernel: [2, 2], stride: [1, 1e6] } }));
    badInput(nabla("predict", "--model", "pad.nabla", "--data", "flowers.csv"), "stride must be 2 integer(s) from 1 to 1024");
    let deep: Record<string, unknown> = { type: "ReLU" };
    for (let i = 0; i < 100; i++) deep = { type: "Residual", inner: deep };
    writeFileSync(join(dir, "deep.nabla"), JSON.stringify({ ...conv, architecture: deep }));
    badInput(nabla("predict", "--model", "deep.nabla", "--data", "flowers.csv"), "nested more than 64 deep");
    const bn = { type: "BatchNorm", numFeatures: 2, momentum: 0.1, eps: 1e-5 };
    const t = (data: number[]) => ({ dtype: "float64", shape: [2], data });
    writeFileSync(join(dir, "bn.nabla"), JSON.stringify({
      ...conv, architecture: bn, parameters: { weight: t([1, 1]), bias: t([0, 0]) }, buffers: { runningMean: t([0, 0]), runningVariance: t([1, -1]) },
    }));
    badInput(nabla("predict", "--model", "bn.nabla", "--data", "flowers.csv"), "buffers.runningVariance[1] is -1; a running variance cannot be negative");
  });

  test("outputs that overflow to Infinity exit 1 instead of printing answers", () => {
    const huge = forge("huge.nabla", (d) => (d.parameters["layers.1.weight"]!.data = d.parameters["layers.1.weight"]!.data.map(() => 1e300)));
    writeFileSync(join(dir, "far.csv"), "sl,sw,pl,pw\n1e10,1e10,1e10,1e10\n");
    const r = nabla("predict", "--model", huge, "--data", "far.csv");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/produced (NaN|-?Infinity) for row 1/);
  });
});

describe("CSV targets and sizes", () => {
  test("labels {0, 1000000} are a regression target, not a million classes", () => {
    writeFileSync(join(dir, "codes.csv"), "a,b,label\n" + Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${i % 2 ? 1000000 : 0}`).join("\n") + "\n");
    const r = json("train", "--data", "codes.csv", "--epochs", "1");
    expect(r.task).toBe("regression");
  });

  test("a classification CSV of 130,000 rows trains (no stack overflow, a linear-time stratified split)", () => {
    const rows = Array.from({ length: 130_000 }, (_, i) => `${(i % 97) / 97},${(i % 13) / 13},${i % 3}`);
    writeFileSync(join(dir, "big.csv"), "a,b,label\n" + rows.join("\n") + "\n");
    const r = json("train", "--data", "big.csv", "--epochs", "1", "--batch-size", "8192");
    expect(r.task).toBe("classification");
    expect(r.testSamples).toBe(26_000);
    expect((r.test as { confusionMatrix: number[][] }).confusionMatrix).toHaveLength(3);
  });
});

describe("nabla train's validation data and outputs", () => {
  test("the validation loss comes from the training split; the test split is only scored", () => {
    const r = json("train", "--data", "iris", "--epochs", "3");
    expect([r.trainSamples, r.validationSamples, r.testSamples]).toEqual([108, 12, 30]);
    expect((r.history as { valLoss?: number }[]).every((e) => typeof e.valLoss === "number")).toBe(true);
    const text = nabla("train", "--data", "iris", "--epochs", "3", "--quiet").stdout;
    expect(text).toContain("108 training, 12 validation, 30 test samples");
    expect(text).toContain("validation loss");
  });

  test("a loss that overflows stops training and exits 1 with the reason, saving nothing", () => {
    writeFileSync(join(dir, "huge.csv"), "a,b,y\n" + Array.from({ length: 30 }, (_, i) => `${i},${i % 5},${(i + 1) * 1e200}`).join("\n") + "\n");
    const r = nabla("train", "--data", "huge.csv", "--epochs", "2", "--save", "diverged.nabla");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/training diverged: the loss became (Infinity|NaN) at epoch 1, step 0/);
    expect(readdirSync(dir)).not.toContain("diverged.nabla");
  });

  test("--lr Infinity is bad usage", () => {
    badInput(nabla("train", "--data", "iris", "--lr", "Infinity"), "--lr: expected a finite positive number");
  });

  test("output paths are checked before training", () => {
    writeFileSync(join(dir, "taken.nabla"), "keep me");
    const r = nabla("train", "--data", "digits", "--model", "mlp:64-256-10", "--epochs", "200", "--save", "taken.nabla");
    badInput(r, "--save: taken.nabla already exists; add --overwrite to replace it");
    badInput(nabla("train", "--data", "iris", "--plot", "no/such/folder/c.svg"), "the folder no/such/folder does not exist");
    expect(readFileSync(join(dir, "taken.nabla"), "utf8")).toBe("keep me");
  });

  test("--overwrite replaces a regular file but never a FIFO or a folder, and leaves no temporary file", () => {
    execFileSync("mkfifo", [join(dir, "pipe")]);
    badInput(nabla("train", "--data", "iris", "--epochs", "1", "--save", "pipe", "--overwrite"), "--save: pipe exists and is not a regular file");
    expect(statSync(join(dir, "pipe")).isFIFO()).toBe(true);
    badInput(nabla("train", "--data", "iris", "--epochs", "1", "--plot", ".", "--overwrite"), "is not a regular file");
    writeFileSync(join(dir, "old.svg"), "old");
    json("train", "--data", "iris", "--epochs", "1", "--plot", "old.svg", "--overwrite");
    expect(readFileSync(join(dir, "old.svg"), "utf8")).toMatch(/^<svg/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("nabla taylor", () => {
  test("tan to order 20 runs on Taylor mode (seconds, not minutes) with the known coefficients", () => {
    const c = json("taylor", "tan(x)", "--order", "20").coefficients as number[];
    // tan x = x + x³/3 + 2x⁵/15 + 17x⁷/315 + 62x⁹/2835 + 1382x¹¹/155925 + …
    const known = [0, 1, 0, 1 / 3, 0, 2 / 15, 0, 17 / 315, 0, 62 / 2835, 0, 1382 / 155925];
    known.forEach((v, k) => expect(c[k]).toBeCloseTo(v, 14));
    expect(c).toHaveLength(21);
  });
});
