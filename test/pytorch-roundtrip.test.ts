/**
 * Weights trained in nabla, written as safetensors and loaded into PyTorch, give the same
 * outputs (docs/interchange.md). Uses Debian's /usr/bin/python3 with torch when present and
 * skips otherwise; the bytes themselves are checked without Python in src/io/safetensors.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import * as nb from "../src/index.js";

const PYTHON = "/usr/bin/python3";
const script = fileURLToPath(new URL("./fixtures/safetensors/torch_roundtrip.py", import.meta.url));
const hasTorch = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" }).status === 0;

test.skipIf(!hasTorch)("an MLP trained in nabla gives the same outputs in PyTorch (float64, to 1e-12)", () => {
  const { x, y } = nb.data.load("iris");
  const model = new nb.nn.Sequential(
    new nb.nn.Linear(4, 16, { seed: 1 }), new nb.nn.ReLU(), new nb.nn.Linear(16, 16, { seed: 2 }), new nb.nn.GELU(), new nb.nn.Linear(16, 3, { seed: 3 }),
  );
  const trained = nb.nn.fit(model, { x, y }, { loss: "crossEntropy", optimizer: nb.optim.adam({ lr: 0.01 }), epochs: 5, quiet: true, gradientFlow: false }).model;
  const dir = mkdtempSync(join(tmpdir(), "nabla-torch-"));
  nb.io.saveSafetensors(join(dir, "weights.safetensors"), nb.nn.parameters(trained));
  const rows = x.slice([0, 0], [10, 4]);
  writeFileSync(join(dir, "inputs.json"), JSON.stringify(rows.toArray()));
  const run = spawnSync(PYTHON, [script, join(dir, "weights.safetensors"), join(dir, "inputs.json")], { encoding: "utf8", cwd: join(script, "..") });
  expect(run.stderr).toBe("");
  const torchOut = JSON.parse(run.stdout) as number[][];
  const ours = trained.forward(rows).toArray() as number[][];
  torchOut.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - ours[i]![j]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)))));
});
