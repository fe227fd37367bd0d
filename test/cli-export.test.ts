/** `nabla export`: a model trained by `nabla train` leaves as ONNX (run here in onnxruntime) and as safetensors. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { beforeAll, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { runNabla, runNablaJson } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-export-"));
const nabla = (...args: string[]) => runNabla(args, dir);
const json = (...args: string[]) => runNablaJson(args, dir);

beforeAll(() => void json("train", "--data", "iris", "--model", "mlp:4-8-3", "--activation", "gelu", "--epochs", "3", "--save", "iris.nabla"));

test("--onnx writes a model onnxruntime runs, with the saved model's outputs", async () => {
  const r = json("export", "iris.nabla", "--onnx", "iris.onnx");
  expect(r.onnx).toEqual({ path: "iris.onnx", inputShape: [1, 4] });
  const x = nb.tensor([[5.1, 3.5, 1.4, 0.2], [6.9, 3.1, 5.4, 2.1]], { dtype: "float32" });
  const session = await ort.InferenceSession.create(join(dir, "iris.onnx"));
  const out = (await session.run({ input: new ort.Tensor("float32", x.values() as Float32Array, [2, 4]) })).output!.data as Float32Array;
  const want = nb.nn.loadModel(join(dir, "iris.nabla")).forward(nb.tensor(x, { dtype: "float64" })).values();
  out.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]!))));
});

test("--safetensors writes the parameters and buffers by name, with the architecture as metadata", () => {
  json("export", "iris.nabla", "--safetensors", "iris.safetensors");
  const { tensors, metadata } = nb.io.readSafetensors(join(dir, "iris.safetensors"));
  expect(Object.keys(tensors).sort()).toEqual(["layers.0.mean", "layers.0.scale", "layers.1.bias", "layers.1.weight", "layers.3.bias", "layers.3.weight"]);
  const model = nb.nn.loadModel(join(dir, "iris.nabla"));
  expect(Array.from(tensors["layers.1.weight"]!.values())).toEqual(Array.from(nb.nn.parameters(model)["layers.1.weight"]!.values()));
  expect(JSON.parse(metadata["nabla.architecture"]!).type).toBe("Sequential");
});

test("bad usage: nothing to write, an existing file, a bad input shape", () => {
  expect(nabla("export", "iris.nabla").stderr).toContain("say what to write");
  writeFileSync(join(dir, "taken.onnx"), "taken");
  const taken = nabla("export", "iris.nabla", "--onnx", "taken.onnx");
  expect([taken.code, taken.stderr.includes("already exists; add --overwrite")]).toEqual([2, true]);
  expect(readFileSync(join(dir, "taken.onnx"), "utf8")).toBe("taken");
  const shape = nabla("export", "iris.nabla", "--onnx", "x.onnx", "--input-shape", "1,5");
  expect([shape.code, shape.stderr.includes("does not take an input of shape [1, 5]")]).toEqual([2, true]);
});
