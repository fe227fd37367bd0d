/** `nabla export`: a saved model as ONNX (for onnxruntime and other runtimes) or its weights as safetensors (for PyTorch and Hugging Face). */
import * as nb from "../../index.js";
import { type Command, UsageError, checkNewFile, stringOption, writeNewFile } from "../command.js";
import { OVERWRITE_OPTION } from "../training.js";

export interface ExportResult {
  model: string;
  onnx?: { path: string; inputShape: number[] };
  safetensors?: { path: string; tensors: string[] };
}

/** "1,28,28,1" → [1, 28, 28, 1]; by default one row of the features the model file records. */
function inputShapeOption(input: Parameters<Command["run"]>[0], metadata: Record<string, nb.nn.JsonValue>): number[] {
  const text = stringOption(input, "input-shape");
  if (text === undefined) {
    if (Array.isArray(metadata.featureNames)) return [1, metadata.featureNames.length];
    throw new UsageError("--input-shape is required for this model (its file records no features), e.g. --input-shape 1,28,28,1");
  }
  const shape = text.split(",").map((s) => Number(s.trim()));
  if (shape.length === 0 || !shape.every((n) => Number.isInteger(n) && n >= 1 && n <= 1_000_000)) {
    throw new UsageError(`--input-shape: expected positive integers separated by commas, batch axis first, got "${text}"`);
  }
  return shape;
}

export const exportModel: Command<ExportResult> = {
  name: "export",
  describe: "write a saved model as ONNX, or its weights as safetensors",
  usage: "<model.nabla> [--onnx out.onnx] [--safetensors out.safetensors] [--input-shape 1,4] [--overwrite]",
  examples: ["nabla export iris.nabla --onnx iris.onnx", "nabla export iris.nabla --safetensors iris.safetensors", "nabla export cnn.nabla --onnx cnn.onnx --input-shape 1,28,28,1"],
  options: [
    { name: "onnx", type: "string", placeholder: "out.onnx", description: "write an ONNX model (IR 8, opset 17, float32) that onnxruntime runs" },
    { name: "safetensors", type: "string", placeholder: "out.safetensors", description: "write the parameters and buffers, by their nabla names, as safetensors" },
    { name: "input-shape", type: "string", placeholder: "1,4", description: "the input shape for ONNX, batch first (default: one row of the recorded features)" },
    OVERWRITE_OPTION,
  ],
  run(input) {
    if (input.args.length !== 1) throw new UsageError(input.args.length === 0 ? "missing the model file, e.g. nabla export model.nabla --onnx model.onnx" : "expected one model file");
    const path = input.args[0]!;
    const [onnx, safetensors] = [stringOption(input, "onnx"), stringOption(input, "safetensors")];
    if (onnx === undefined && safetensors === undefined) throw new UsageError("say what to write: --onnx out.onnx and/or --safetensors out.safetensors");
    const overwrite = Boolean(input.options.overwrite);
    if (onnx !== undefined) checkNewFile(onnx, overwrite, "--onnx");
    if (safetensors !== undefined) checkNewFile(safetensors, overwrite, "--safetensors");
    const { model, metadata } = nb.nn.readModelFile(path);
    const result: ExportResult = { model: path };
    if (onnx !== undefined) {
      const inputShape = inputShapeOption(input, metadata);
      writeNewFile(onnx, nb.nn.onnxBytes(model, { inputShape }), overwrite, "--onnx");
      result.onnx = { path: onnx, inputShape };
    }
    if (safetensors !== undefined) {
      const tensors = { ...nb.nn.parameters(model), ...nb.nn.buffers(model) };
      const described = { "nabla.architecture": JSON.stringify(model.config()), "nabla.metadata": JSON.stringify(metadata) };
      writeNewFile(safetensors, nb.io.encodeSafetensors(tensors, described), overwrite, "--safetensors");
      result.safetensors = { path: safetensors, tensors: Object.keys(tensors).sort() };
    }
    return result;
  },
  render(r) {
    return [
      ...(r.onnx ? [`wrote ${r.onnx.path} (ONNX, input shape [${r.onnx.inputShape.join(", ")}], batch axis free)`] : []),
      ...(r.safetensors ? [`wrote ${r.safetensors.path} (safetensors: ${r.safetensors.tensors.join(", ")})`] : []),
    ].join("\n");
  },
};
