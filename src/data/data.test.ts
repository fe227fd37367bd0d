/**
 * Data: the bundled datasets against their published shapes and class counts, CSV parsing
 * and its errors, seeded splits (stratified), standardisation, one-hot labels and batches.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const counts = (y: nb.Tensor) => {
  const out = new Map<number, number>();
  for (const v of y.values()) out.set(v, (out.get(v) ?? 0) + 1);
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
};

describe("bundled datasets", () => {
  // Shapes and class counts as scikit-learn documents them for these datasets.
  test.each([
    ["iris", [150, 4], [50, 50, 50]],
    ["digits", [1797, 64], [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]],
    ["breast-cancer", [569, 30], [212, 357]],
    ["wine", [178, 13], [59, 71, 48]],
  ] as const)("%s", (name, shape, classCounts) => {
    const d = nb.data.load(name);
    expect(d.x.shape).toEqual(shape);
    expect(counts(d.y)).toEqual(classCounts);
    expect(d.featureNames.length).toBe(shape[1]);
    expect(d.targetNames!.length).toBe(classCounts.length);
  });
  test("diabetes: 442 × 10, features centred with unit sum of squares, no class names", () => {
    const d = nb.data.load("diabetes");
    expect(d.x.shape).toEqual([442, 10]);
    expect(d.targetNames).toBeUndefined();
    for (const v of nb.sum(nb.square(d.x), 0).values()) expect(v).toBeCloseTo(1, 6);
    expect(nb.nn.r2Score(d.y, nb.full([442], nb.mean(d.y).item()))).toBe(0);
  });
  test("the catalogue agrees with the files, and unknown names are clear errors", () => {
    for (const info of nb.data.datasets()) expect(nb.data.load(info.name).x.shape).toEqual([info.samples, info.features]);
    expect(() => nb.data.load("mnist" as "iris")).toThrow('unknown dataset "mnist"; the bundled ones are iris, digits, breast-cancer, wine, diabetes');
  });
});

describe("CSV", () => {
  test("detects a header, or its absence", () => {
    expect(nb.data.parseCsv("1,2\n3,4").columns).toEqual(["column_0", "column_1"]);
    expect(nb.data.parseCsv('"a,b",c\n1,2').columns).toEqual(["a,b", "c"]);
    expect(nb.data.parseCsv("x,y\r\n1,2\r\n\r\n").rows).toEqual([[1, 2]]);
    expect(nb.data.parseCsv("1,2\n3,4", { header: true }).columns).toEqual(["1", "2"]);
  });
  test("names the line and column of a bad cell", () => {
    expect(() => nb.data.parseCsv("a,b\n1,2\n3,\n", { source: "f.csv" })).toThrow("f.csv:3:2: cell is empty");
    expect(() => nb.data.parseCsv("a,b\n1,2,3")).toThrow("csv:2: 3 fields, but the header has 2");
    expect(() => nb.data.parseCsv("a,b\n1,NaN")).toThrow('csv:2:2: cell "NaN" in column "b" is not a number');
    expect(() => nb.data.parseCsv("\n\n")).toThrow("csv: no rows");
  });
  test("reads a user's file, with the target chosen by name", () => {
    const path = join(mkdtempSync(join(tmpdir(), "nabla-")), "mine.csv");
    writeFileSync(path, "label,f1,f2\n1,0.5,2\n0,1.5,3\n");
    const d = nb.data.readCsv(path, { target: "label" });
    expect(d.x.toArray()).toEqual([[0.5, 2], [1.5, 3]]);
    expect(d.y.toArray()).toEqual([1, 0]);
    expect(() => nb.data.readCsv(path, { target: "nope" })).toThrow('no target column "nope"; the columns are label, f1, f2');
    writeFileSync(path, "a,b\n1,2\n3,oops\n");
    expect(() => nb.data.readCsv(path)).toThrow(`${path}:3:2: cell "oops" in column "b" is not a number`);
  });
});

describe("preparing data", () => {
  const { x, y } = nb.data.load("wine");

  test("splits are seeded, disjoint and complete; stratified splits keep class shares", () => {
    const a = nb.data.trainTestSplit(x, y, { seed: 3 });
    const b = nb.data.trainTestSplit(x, y, { seed: 3 });
    expect(a.xTest.toArray()).toEqual(b.xTest.toArray());
    expect(a.xTrain.shape[0]! + a.xTest.shape[0]!).toBe(178);
    const rows = (t: nb.Tensor) => (t.toArray() as number[][]).map((r) => r.join());
    expect(new Set([...rows(a.xTrain), ...rows(a.xTest)]).size).toBe(178);
    const s = nb.data.trainTestSplit(x, y, { seed: 0, stratify: true, testSize: 0.25 });
    // 59, 71, 48 samples: a quarter of each is 14.75, 17.75, 12 → 15, 18, 12 (largest remainders settle the 45).
    expect(counts(s.yTest)).toEqual([15, 18, 12]);
  });

  test("standardisation gives zero mean and unit variance on the training data", () => {
    const z = nb.data.standardize(x).transform(x);
    for (const v of nb.mean(z, 0).values()) expect(Math.abs(v)).toBeLessThan(1e-12);
    for (const v of nb.variance(z, 0).values()) expect(v).toBeCloseTo(1, 12);
  });

  test("one-hot and batches", () => {
    expect(() => nb.data.oneHot([0, 1.5])).toThrow("oneHot: label 1.5 at position 1 is not a class in 0..1");
    const seen = [...nb.data.batches(x, y, { batchSize: 50, seed: 1 })];
    expect(seen.map((b) => b.x.shape[0])).toEqual([50, 50, 50, 28]);
    expect(seen.flatMap((b) => Array.from(b.y.values())).sort()).toEqual(Array.from(y.values()).sort());
    const again = [...nb.data.batches(x, y, { batchSize: 50, seed: 1 })];
    expect(again[0]!.y.toArray()).toEqual(seen[0]!.y.toArray());
    expect([...nb.data.batches(x, y, { batchSize: 50, dropLast: true })].length).toBe(3);
  });
});
