/**
 * Export to ONNX (IR version 8, opset 17), so a model trained in nabla runs in onnxruntime,
 * PyTorch's importers and every other ONNX runtime. The model is exported as `forward`
 * computes it in evaluation mode (Dropout the identity, BatchNorm on its running statistics),
 * in float32. nabla's convolutions and pools are channels-last; ONNX's are channels-first,
 * so each is wrapped in a pair of Transposes and the graph stays channels-last between them.
 */
import { full, zeros } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, div, mul, sqrt, sub } from "../ops/primitives/elementwise.js";
import { transpose } from "../ops/primitives/shape.js";
import { ProtoWriter } from "../io/protobuf.js";
import { writeTextFile } from "../util/files.js";
import type { Module } from "./module.js";
import { Dropout, GELU, LeakyReLU, Linear, ReLU, Residual, Sequential, SiLU, Sigmoid, Softmax, Softplus, Tanh } from "./layers.js";
import { BatchNorm, LayerNorm, Standardize } from "./normalization.js";
import { AvgPool1d, AvgPool2d, Conv1d, Conv2d, Flatten, MaxPool1d, MaxPool2d } from "./convolution.js";

/** Options of exportOnnx. */
export interface OnnxExportOptions {
  /** The full shape `forward` takes, batch axis first (the batch axis is exported as a free "batch" dimension). */
  inputShape: number[];
  /** Replace an existing regular file (default false: an existing file is an error). */
  overwrite?: boolean;
}

const IR_VERSION = 8;
const OPSET = 17;
const FLOAT = 1;

type Attribute = { name: string } & ({ int: number } | { float: number } | { ints: readonly number[] });

interface Node {
  op: string;
  inputs: string[];
  output: string;
  attributes: Attribute[];
}

/** The graph under construction: nodes in order and float32 initializers. */
class Graph {
  readonly nodes: Node[] = [];
  readonly initializers: { name: string; tensor: Tensor }[] = [];
  private count = 0;

  constant(tensor: Tensor, hint: string): string {
    const name = `${hint}_${this.count++}`;
    this.initializers.push({ name, tensor });
    return name;
  }

  node(op: string, inputs: string[], attributes: Attribute[] = []): string {
    const output = `${op.toLowerCase()}_${this.count++}`;
    this.nodes.push({ op, inputs, output, attributes });
    return output;
  }
}

/** Channels-last ↔ channels-first around ONNX's spatial ops (d spatial axes). */
const toChannelsFirst = (d: number): number[] => [0, d + 1, ...Array.from({ length: d }, (_, i) => i + 1)];
const toChannelsLast = (d: number): number[] => [0, ...Array.from({ length: d }, (_, i) => i + 2), 1];

function spatial(g: Graph, x: string, d: number, op: string, inputs: string[], attributes: Attribute[]): string {
  const first = g.node("Transpose", [x], [{ name: "perm", ints: toChannelsFirst(d) }]);
  const y = g.node(op, [first, ...inputs], attributes);
  return g.node("Transpose", [y], [{ name: "perm", ints: toChannelsLast(d) }]);
}

function gelu(g: Graph, x: string, approximate: "none" | "tanh"): string {
  const half = g.node("Mul", [x, g.constant(scalar(0.5), "half")]);
  if (approximate === "none") {
    // x·Φ(x) = ½x(1 + erf(x/√2)), the exact form nabla computes.
    const erf = g.node("Erf", [g.node("Div", [x, g.constant(scalar(Math.SQRT2), "sqrt2")])]);
    return g.node("Mul", [half, g.node("Add", [erf, g.constant(scalar(1), "one")])]);
  }
  const cube = g.node("Mul", [x, g.node("Mul", [x, x])]);
  const inner = g.node("Mul", [g.node("Add", [x, g.node("Mul", [cube, g.constant(scalar(0.044715), "c")])]), g.constant(scalar(Math.sqrt(2 / Math.PI)), "k")]);
  return g.node("Mul", [half, g.node("Add", [g.node("Tanh", [inner]), g.constant(scalar(1), "one")])]);
}

const scalar = (v: number): Tensor => full([], v);

/** Emits one module's computation on the value named `x`; returns the output's name. */
function emit(g: Graph, m: Module, x: string): string {
  if (m instanceof Sequential) return m.layers.reduce((h, layer) => emit(g, layer, h), x);
  if (m instanceof Residual) return g.node("Add", [x, emit(g, m.inner, x)]);
  if (m instanceof Linear) {
    const y = g.node("MatMul", [x, g.constant(m.weight, "weight")]);
    return m.bias ? g.node("Add", [y, g.constant(m.bias, "bias")]) : y;
  }
  if (m instanceof ReLU) return g.node("Relu", [x]);
  if (m instanceof Sigmoid) return g.node("Sigmoid", [x]);
  if (m instanceof Tanh) return g.node("Tanh", [x]);
  if (m instanceof Softplus) return g.node("Softplus", [x]);
  if (m instanceof SiLU) return g.node("Mul", [x, g.node("Sigmoid", [x])]);
  if (m instanceof LeakyReLU) return g.node("LeakyRelu", [x], [{ name: "alpha", float: m.alpha }]);
  if (m instanceof GELU) return gelu(g, x, m.approximate);
  if (m instanceof Softmax) return g.node("Softmax", [x], [{ name: "axis", int: m.axis }]);
  if (m instanceof Dropout) return g.node("Identity", [x]);
  if (m instanceof Flatten) return g.node("Flatten", [x], [{ name: "axis", int: 1 }]);
  if (m instanceof Standardize) {
    const { mean, scale } = m.buffers();
    return g.node("Div", [g.node("Sub", [x, g.constant(mean!, "mean")]), g.constant(scale!, "scale")]);
  }
  if (m instanceof BatchNorm) {
    // Evaluation mode: y = x·s + (b − μ·s) with s = w/√(σ² + ε), folded into two constants.
    const { runningMean, runningVariance } = m.buffers();
    const s = div(m.weight, sqrt(add(runningVariance!, m.eps)));
    return g.node("Add", [g.node("Mul", [x, g.constant(s, "bn_scale")]), g.constant(sub(m.bias, mul(runningMean!, s)), "bn_shift")]);
  }
  if (m instanceof LayerNorm) {
    return g.node("LayerNormalization", [x, g.constant(m.weight, "ln_weight"), g.constant(m.bias, "ln_bias")], [{ name: "axis", int: -1 }, { name: "epsilon", float: m.eps }]);
  }
  if (m instanceof Conv1d || m instanceof Conv2d) {
    const d = m.window.kernel.length;
    // nabla's weight is [...kernel, in, out]; ONNX's is [out, in, ...kernel].
    const weight = g.constant(transpose(m.weight, [d + 1, d, ...Array.from({ length: d }, (_, i) => i)]), "conv_weight");
    const inputs = m.bias ? [weight, g.constant(m.bias, "conv_bias")] : [weight];
    return spatial(g, x, d, "Conv", inputs, [
      { name: "kernel_shape", ints: m.window.kernel }, { name: "strides", ints: m.window.stride }, { name: "pads", ints: [...m.window.padding, ...m.window.padding] },
    ]);
  }
  if (m instanceof MaxPool1d || m instanceof MaxPool2d || m instanceof AvgPool1d || m instanceof AvgPool2d) {
    const d = m.window.kernel.length;
    return spatial(g, x, d, m.kind === "max" ? "MaxPool" : "AveragePool", [], [{ name: "kernel_shape", ints: m.window.kernel }, { name: "strides", ints: m.window.stride }]);
  }
  throw new NablaError(
    `exportOnnx: ${m.constructor.name} layers are not exported; the exporter covers Sequential, Residual, Linear, the activations, Softmax, Dropout, ` +
      "Standardize, BatchNorm, LayerNorm, Conv1d/2d, MaxPool/AvgPool 1d/2d and Flatten",
  );
}

function writeAttribute(w: ProtoWriter, a: Attribute): void {
  w.string(1, a.name);
  if ("int" in a) w.int(3, a.int).int(20, 2);
  else if ("float" in a) w.float(2, a.float).int(20, 1);
  else {
    for (const v of a.ints) w.int(8, v);
    w.int(20, 7);
  }
}

function writeValueInfo(w: ProtoWriter, name: string, shape: readonly number[]): void {
  w.string(1, name).message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, FLOAT).message(2, (s) => shape.forEach((n, i) => s.message(1, (dim) => (i === 0 ? dim.string(2, "batch") : dim.int(1, n)))));
  }));
}

function writeInitializer(w: ProtoWriter, name: string, t: Tensor): void {
  const bytes = new Uint8Array(t.size * 4);
  const view = new DataView(bytes.buffer);
  t.values().forEach((v, i) => view.setFloat32(4 * i, v, true));
  for (const n of t.shape) w.int(1, n);
  w.int(2, FLOAT).string(8, name).bytes(9, bytes);
}

/**
 * The ONNX bytes of a model (see exportOnnx).
 * @example
 * const model = new nb.nn.Sequential(new nb.nn.Linear(3, 4, { seed: 0 }), new nb.nn.GELU(), new nb.nn.Linear(4, 2, { seed: 1 }));
 * const bytes = nb.nn.onnxBytes(model, { inputShape: [1, 3] });
 * bytes.length > 100; // => true
 */
export function onnxBytes(model: Module, options: OnnxExportOptions): Uint8Array {
  const { inputShape } = options;
  if (!Array.isArray(inputShape) || inputShape.length < 1 || !inputShape.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new NablaError(`exportOnnx: inputShape must be the full input shape (batch axis first) as positive integers, got ${JSON.stringify(inputShape)}`);
  }
  let outputShape: readonly number[];
  try {
    outputShape = model.clone().eval().forward(zeros(inputShape)).shape;
  } catch (e) {
    throw new NablaError(`exportOnnx: the model does not take an input of shape ${formatShape(inputShape)}: ${(e as Error).message}`);
  }
  const g = new Graph();
  let output = emit(g, model, "input");
  if (output === "input") output = g.node("Identity", ["input"]);
  const named = (name: string): string => (name === output ? "output" : name);
  return new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, "nabla")
    .string(3, "0.1.0")
    .message(7, (graph) => {
      for (const n of g.nodes) {
        graph.message(1, (node) => {
          n.inputs.forEach((i) => node.string(1, named(i)));
          node.string(2, named(n.output)).string(3, n.output).string(4, n.op);
          n.attributes.forEach((a) => node.message(5, (attr) => writeAttribute(attr, a)));
        });
      }
      graph.string(2, "nabla_model");
      g.initializers.forEach(({ name, tensor }) => graph.message(5, (t) => writeInitializer(t, name, tensor)));
      graph.message(11, (v) => writeValueInfo(v, "input", inputShape));
      graph.message(12, (v) => writeValueInfo(v, "output", outputShape));
    })
    .message(8, (opset) => opset.string(1, "").int(2, OPSET))
    .finish();
}

/**
 * Writes a model as an ONNX file (IR version 8, opset 17) that onnxruntime runs: the graph
 * `forward` computes in evaluation mode, in float32, with input "input" of `inputShape`
 * (its batch axis free) and output "output". Existing files are kept unless `overwrite`.
 * @example
 * typeof nb.nn.exportOnnx; // => "function"
 */
export function exportOnnx(model: Module, path: string, options: OnnxExportOptions): void {
  writeTextFile(path, onnxBytes(model, options), { overwrite: options.overwrite ?? false, where: "exportOnnx" });
}
