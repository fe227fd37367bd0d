/**
 * ONNX export, checked by running the exported files in onnxruntime (npm onnxruntime-node, a
 * dev dependency): every exportable layer, in float32, agrees with nabla's float64 forward in
 * evaluation mode to 1e-5.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-onnx-"));

/** Exports `model`, runs it in onnxruntime on a random input and compares with nabla. */
async function agree(name: string, model: nb.nn.Module, inputShape: number[], batch = inputShape[0]!): Promise<number> {
  const path = join(dir, `${name}.onnx`);
  nb.nn.exportOnnx(model, path, { inputShape });
  const shape = [batch, ...inputShape.slice(1)];
  const x = nb.tensor(nb.randn(shape, { seed: 3 }), { dtype: "float32" });
  const session = await ort.InferenceSession.create(path);
  const result = await session.run({ input: new ort.Tensor("float32", x.values() as Float32Array, shape) });
  const got = result.output!;
  const want = model.clone().eval().forward(nb.tensor(x, { dtype: "float64" }));
  expect([...got.dims]).toEqual(want.shape);
  const w = want.values();
  let worst = 0;
  (got.data as Float32Array).forEach((v, i) => (worst = Math.max(worst, Math.abs(v - w[i]!) / Math.max(1, Math.abs(w[i]!)))));
  expect(worst, `${name}: largest relative difference`).toBeLessThanOrEqual(1e-5);
  return worst;
}

describe("exportOnnx runs in onnxruntime and agrees with forward", () => {
  test("Linear and every activation, exact and tanh GELU, Softmax, Dropout", async () => {
    const model = new nb.nn.Sequential(
      new nb.nn.Linear(5, 8, { seed: 1 }), new nb.nn.GELU(), new nb.nn.Linear(8, 8, { seed: 2 }), new nb.nn.GELU("tanh"),
      new nb.nn.Linear(8, 8, { seed: 3 }), new nb.nn.ReLU(), new nb.nn.Linear(8, 8, { seed: 4 }), new nb.nn.Tanh(),
      new nb.nn.Linear(8, 8, { seed: 5 }), new nb.nn.Sigmoid(), new nb.nn.Linear(8, 8, { seed: 6 }), new nb.nn.SiLU(),
      new nb.nn.Linear(8, 8, { seed: 7 }), new nb.nn.Softplus(), new nb.nn.Linear(8, 8, { seed: 8 }), new nb.nn.LeakyReLU(0.2),
      new nb.nn.Dropout(0.5, { seed: 0 }), new nb.nn.Linear(8, 3, { seed: 9, bias: false }), new nb.nn.Softmax(),
    );
    await agree("mlp", model, [4, 5]);
  });

  test("the batch axis is free: a model exported for one row runs on seven", async () => {
    await agree("batch", new nb.nn.Sequential(new nb.nn.Linear(3, 2, { seed: 1 }), new nb.nn.Tanh()), [1, 3], 7);
  });

  test("Standardize, BatchNorm with running statistics, LayerNorm and Residual", async () => {
    const bn = new nb.nn.BatchNorm(6);
    bn.setBuffers({ runningMean: nb.randn([6], { seed: 4 }), runningVariance: nb.add(0.5, nb.rand([6], { seed: 5 })) });
    bn.weight = nb.randn([6], { seed: 6 });
    bn.bias = nb.randn([6], { seed: 7 });
    const ln = new nb.nn.LayerNorm(6, { eps: 1e-3 });
    ln.weight = nb.randn([6], { seed: 8 });
    const model = new nb.nn.Sequential(
      new nb.nn.Standardize(nb.tensor([1, 2, 3, 4]), nb.tensor([0.5, 1, 2, 4])), new nb.nn.Linear(4, 6, { seed: 1 }), bn,
      new nb.nn.Residual(new nb.nn.Sequential(ln, new nb.nn.Linear(6, 6, { seed: 2 }), new nb.nn.GELU())), new nb.nn.Linear(6, 2, { seed: 3 }),
    );
    await agree("norms", model, [5, 4]);
  });

  test("Conv2d (stride, padding) with max and average pooling, Flatten and Linear (channels-last in, as nabla)", async () => {
    const model = new nb.nn.Sequential(
      new nb.nn.Conv2d(3, 4, [3, 2], { stride: [1, 2], padding: [1, 0], seed: 1 }), new nb.nn.ReLU(), new nb.nn.MaxPool2d(2),
      new nb.nn.Conv2d(4, 5, 2, { seed: 2, bias: false }), new nb.nn.AvgPool2d([2, 1], [1, 1]), new nb.nn.Flatten(), new nb.nn.Linear(5 * 2 * 1, 3, { seed: 3 }),
    );
    await agree("conv2d", model, [2, 9, 8, 3]);
  });

  test("Conv1d with pooling", async () => {
    const model = new nb.nn.Sequential(new nb.nn.Conv1d(2, 3, 3, { padding: 1, seed: 1 }), new nb.nn.MaxPool1d(2), new nb.nn.Conv1d(3, 2, 2, { stride: 2, seed: 2 }), new nb.nn.AvgPool1d(2), new nb.nn.Flatten());
    await agree("conv1d", model, [3, 16, 2]);
  });
});

describe("what cannot be exported is refused clearly", () => {
  test("an unsupported layer is named", () => {
    expect(() => nb.nn.onnxBytes(new nb.nn.Sequential(new nb.nn.Embedding(10, 4)), { inputShape: [1, 3] })).toThrow(/Embedding layers are not exported/);
  });
  test("an input shape the model does not take", () => {
    expect(() => nb.nn.onnxBytes(new nb.nn.Linear(3, 2), { inputShape: [1, 4] })).toThrow(/does not take an input of shape \[1, 4\]/);
    expect(() => nb.nn.onnxBytes(new nb.nn.Linear(3, 2), { inputShape: [] })).toThrow(/inputShape must be/);
  });
  test("an existing file is kept", () => {
    const path = join(dir, "kept.onnx");
    writeFileSync(path, "kept");
    expect(() => nb.nn.exportOnnx(new nb.nn.Linear(3, 2), path, { inputShape: [1, 3] })).toThrow(/already exists/);
    expect(readFileSync(path, "utf8")).toBe("kept");
  });
});
