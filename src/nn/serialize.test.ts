/**
 * Model files: a round trip keeps architecture, weights and buffers exactly; loading rejects
 * malformed, truncated or forged files with one clear line; saving never replaces a file
 * unless asked.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const nn = nb.nn;

function everyLayer(): nb.nn.Module {
  return new nn.Sequential(
    new nn.Embedding(5, 4, { seed: 0 }),
    new nn.PositionalEmbedding(6, 4, { seed: 1 }),
    new nn.Residual(new nn.Sequential(new nn.LayerNorm(4), new nn.MultiHeadSelfAttention(4, 2, { causal: true, seed: 2 }))),
    new nn.Conv1d(4, 4, 2, { padding: 1, seed: 6 }),
    new nn.MaxPool1d(2, 1),
    new nn.AvgPool1d(1),
    new nn.BatchNorm(4),
    new nn.Standardize(nb.tensor([1, 2, 3, 4]), nb.tensor([2, 2, 2, 2])),
    new nn.SpectralNorm(new nn.Linear(4, 4, { seed: 3 })),
    new nn.LeakyReLU(0.2), new nn.GELU("tanh"), new nn.SiLU(), new nn.Softplus(), new nn.Tanh(), new nn.Sigmoid(), new nn.ReLU(),
    new nn.Dropout(0.1, { seed: 4 }),
    new nn.Linear(4, 3, { seed: 5, bias: false, init: "heNormal" }),
    new nn.Softmax(-1),
  );
}

describe("model files", () => {
  const input = nb.tensor([[0, 1, 2], [4, 3, 2]]);

  test("a round trip through a file keeps every layer's architecture, weights and buffers", () => {
    const model = everyLayer();
    model.forward(input); // training mode: BatchNorm and SpectralNorm update their buffers
    const dir = mkdtempSync(join(tmpdir(), "nabla-"));
    const path = join(dir, "model.nabla");
    nn.saveModel(model, path, { metadata: { task: "demo", classes: ["a", "b"] } });
    const { model: loaded, metadata } = nn.readModelFile(path);
    expect(metadata).toEqual({ task: "demo", classes: ["a", "b"] });
    expect(loaded.config()).toEqual(model.config());
    expect(nb.treeMap((t) => (t as nb.Tensor).toArray(), nn.parameters(loaded))).toEqual(nb.treeMap((t) => (t as nb.Tensor).toArray(), nn.parameters(model)));
    expect(nb.treeMap((t) => (t as nb.Tensor).toArray(), nn.buffers(loaded))).toEqual(nb.treeMap((t) => (t as nb.Tensor).toArray(), nn.buffers(model)));
    expect(loaded.forward(input).toArray()).toEqual(model.clone().eval().forward(input).toArray());
  });

  test("a convolutional model survives the round trip", () => {
    const cnn = new nn.Sequential(
      new nn.Conv2d(1, 3, [3, 2], { stride: [1, 2], padding: 1, seed: 0 }), new nn.ReLU(),
      new nn.MaxPool2d(2), new nn.AvgPool2d([1, 2], [1, 1]), new nn.Flatten(), new nn.Linear(6, 2, { seed: 1 }),
    );
    const images = nb.randn([2, 4, 6, 1], { seed: 2 });
    const copy = nn.modelFromJson(nn.modelToJson(cnn));
    expect(copy.config()).toEqual(cnn.config());
    expect(copy.forward(images).toArray()).toEqual(cnn.forward(images).toArray());
  });

  test("an existing file is kept unless overwrite is asked for", () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-"));
    const path = join(dir, "model.nabla");
    writeFileSync(path, "precious");
    expect(() => nn.saveModel(new nn.Linear(1, 1), path)).toThrow(`saveModel: ${path} already exists; pass { overwrite: true } to replace it`);
    expect(readFileSync(path, "utf8")).toBe("precious");
    nn.saveModel(new nn.Linear(1, 1), path, { overwrite: true });
    expect(nn.loadModel(path).config().type).toBe("Linear");
  });

  const good = JSON.parse(nn.modelToJson(new nn.Sequential(new nn.Linear(2, 2, { seed: 0 }), new nn.BatchNorm(2)))) as Record<string, unknown>;
  // The edits reach anywhere into the JSON document, so it is typed loosely here.
  const edit = (f: (doc: any) => void): string => {
    const doc = structuredClone(good);
    f(doc);
    return JSON.stringify(doc);
  };
  test.each([
    ["truncated", nn.modelToJson(new nn.Linear(2, 2)).slice(0, -20), "model file: not valid JSON (truncated?)"],
    ["not a model file", "{\"hello\": 1}", 'is not a nabla model file (expected "format": "nabla-model")'],
    ["a future version", edit((d) => (d.version = 2)), "has version 2; this nabla reads version 1"],
    ["an unknown layer type", edit((d) => (d.architecture.layers[0].type = "Eval")), 'architecture.layers[0]: unknown layer type "Eval"'],
    ["a code-like field", edit((d) => (d.architecture.layers[0].init = "process.exit()")), "architecture.layers[0]: init must be one of glorotUniform"],
    ["an unknown field", edit((d) => (d.architecture.layers[1].onLoad = "x")), 'architecture.layers[1]: unknown field "onLoad"'],
    ["a bad size", edit((d) => (d.architecture.layers[0].inFeatures = -2)), "architecture.layers[0]: inFeatures must be a positive integer, got -2"],
    ["a forged huge size", edit((d) => (d.architecture.layers[0].outFeatures = 1e9)), "the architecture needs more parameters than the file holds"],
    ["a missing parameter", edit((d) => delete d.parameters["layers.0.bias"]), "parameters.layers.0.bias is missing"],
    ["an extra parameter", edit((d) => (d.parameters.extra = d.parameters["layers.0.bias"])), "parameters.extra is not a parameter of this architecture"],
    ["a wrong shape", edit((d) => (d.parameters["layers.0.weight"].shape = [4, 1])), "parameters.layers.0.weight has shape [4, 1], but the architecture needs [2, 2]"],
    ["short data", edit((d) => d.parameters["layers.0.weight"].data.pop()), "parameters.layers.0.weight.data must hold 4 numbers, got 3"],
    ["a non-number", edit((d) => (d.parameters["layers.0.weight"].data[1] = "1")), 'parameters.layers.0.weight.data[1] is "1", not a finite number'],
    ["a missing buffer", edit((d) => delete d.buffers["layers.1.runningMean"]), "buffers.layers.1.runningMean is missing"],
    ["metadata that is not an object", edit((d) => (d.metadata = [1])), 'model file: "metadata" must be an object'],
    ["a bad dtype", edit((d) => (d.buffers["layers.1.runningMean"].dtype = "int8")), 'buffers.layers.1.runningMean.dtype must be "float64" or "float32"'],
  ])("rejects %s", (_, text, message) => {
    expect(() => nn.modelFromJson(text)).toThrow(message);
    expect(() => nn.modelFromJson(text)).toThrow(nb.NablaError);
  });

  test("cannot save non-finite weights, and a missing file is a clear error", () => {
    const broken = new nn.Linear(1, 1);
    const nan = broken.withParams({ weight: nb.tensor([[NaN]]), bias: nb.zeros([1]) });
    expect(() => nn.modelToJson(nan)).toThrow("saveModel: weight holds NaN at element 0");
    expect(() => nn.loadModel("/nonexistent/model.nabla")).toThrow("loadModel: cannot read /nonexistent/model.nabla: no such file");
  });
});
