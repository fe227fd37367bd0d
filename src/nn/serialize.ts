/**
 * Model files: architecture and weights as JSON (format "nabla-model", version 1; see
 * docs/nn.md). Loading checks everything before building anything: the JSON syntax, the
 * format and version, every architecture field against the layer it configures, and every
 * tensor's dtype, shape and numbers against the parameters the architecture needs. Layer
 * types come from a fixed table; nothing in a file is ever executed.
 */
import { tensor } from "../tensor/create.js";
import type { DType } from "../tensor/dtype.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { readTextFile, writeTextFile } from "../util/files.js";
import { type JsonValue, type Module, type ModuleConfig, type Params, buffers, namedModules, parameters } from "./module.js";
import {
  Dropout, Embedding, GELU, LeakyReLU, Linear, PositionalEmbedding, ReLU, Residual, Sequential, SiLU, Sigmoid, Softmax, Softplus, Tanh,
} from "./layers.js";
import { BatchNorm, LayerNorm, SpectralNorm, Standardize } from "./normalization.js";
import { MultiHeadSelfAttention } from "./attention.js";
import { AvgPool1d, AvgPool2d, Conv1d, Conv2d, Flatten, MaxPool1d, MaxPool2d } from "./convolution.js";
import { GRU, LSTM, RNN } from "./recurrent.js";
import { GraphConv } from "./graph.js";
import { type InitializerName, zeros } from "./init.js";

const FORMAT = "nabla-model";
const VERSION = 1;
/** Parameters an architecture may claim beyond those the file holds before loading stops (8 MB of float64). */
const ALLOCATION_SLACK = 1_000_000;
/** Budgets for the sizes a file sets that no stored tensor pays for: forged values would make forward passes huge or slow. */
const LIMITS = { nesting: 64, layers: 10_000, window: 1024, powerIterations: 100 };
/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A tensor in a model file. */
export interface StoredTensor {
  dtype: DType;
  shape: number[];
  /** The elements in row-major order. */
  data: number[];
}

/** The JSON document of a model file. */
export interface ModelFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  architecture: ModuleConfig;
  parameters: Record<string, StoredTensor>;
  buffers: Record<string, StoredTensor>;
  /** Free-form JSON about the model (the task, feature and class names, …); read, never run. */
  metadata?: { [key: string]: JsonValue };
}

function store(path: string, t: Tensor): StoredTensor {
  const data = Array.from(t.values());
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NablaError(`saveModel: ${path} holds ${data[bad]} at element ${bad}; only finite weights can be saved`);
  return { dtype: t.dtype, shape: [...t.shape], data };
}

const storeAll = (ts: Params): Record<string, StoredTensor> => Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, store(k, t)]));

/**
 * A model as the JSON text of a model file (float64 weights round-trip exactly).
 * @example
 * const text = nb.nn.modelToJson(new nb.nn.Linear(2, 1, { seed: 0 }));
 * JSON.parse(text).architecture; // => { type: "Linear", inFeatures: 2, outFeatures: 1, bias: true, init: "glorotUniform" }
 */
export function modelToJson(model: Module, metadata?: { [key: string]: JsonValue }): string {
  const file: ModelFile = {
    format: FORMAT, version: VERSION, architecture: model.config(), parameters: storeAll(parameters(model)), buffers: storeAll(buffers(model)),
    ...(metadata ? { metadata } : {}),
  };
  return JSON.stringify(file);
}

/**
 * Writes a model file. An existing file is never replaced unless `overwrite: true`, and then
 * atomically. Node only.
 * @example
 * typeof nb.nn.saveModel; // => "function"
 */
export function saveModel(model: Module, path: string, options: { overwrite?: boolean; metadata?: { [key: string]: JsonValue } } = {}): void {
  writeTextFile(path, modelToJson(model, options.metadata), { overwrite: options.overwrite ?? false, where: "saveModel" });
}

/**
 * Reads a model file written by saveModel (Node only). Malformed or truncated files are
 * rejected with a NablaError that names the problem.
 * @example
 * typeof nb.nn.loadModel; // => "function"
 */
export function loadModel(path: string): Module {
  return decode(readTextFile(path, "loadModel"), path).model;
}

/**
 * Reads a model file with its metadata (Node only).
 * @example
 * typeof nb.nn.readModelFile; // => "function"
 */
export function readModelFile(path: string): { model: Module; metadata: { [key: string]: JsonValue } } {
  return decode(readTextFile(path, "readModelFile"), path);
}

/** Reads and checks one object's fields; every error names the field's path in the file. */
class Fields {
  /** "type" is read by buildModule, before a builder is chosen. */
  private readonly used = new Set<string>(["type"]);

  constructor(private readonly obj: Record<string, JsonValue>, readonly path: string, private readonly budget: Budget, private readonly depth: number) {}

  private get(name: string): JsonValue | undefined {
    this.used.add(name);
    return this.obj[name];
  }

  fail(message: string): never {
    throw new NablaError(`model file: ${this.path}: ${message}`);
  }

  /** A positive integer, such as a layer size (sizes that allocate are bounded by `allocate`). */
  size(name: string, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.get(name);
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) this.fail(`${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` at most ${max}` : ""}, got ${JSON.stringify(v)}`);
    return v;
  }

  /** `length` integers in [min, max] (kernel sizes, strides, paddings: at most LIMITS.window). */
  integers(name: string, length: number, min: number, max = LIMITS.window): number[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.length !== length || v.some((n) => typeof n !== "number" || !Number.isInteger(n) || n < min || n > max)) {
      this.fail(`${name} must be ${length} integer(s) from ${min} to ${max}, got ${JSON.stringify(v)?.slice(0, 100)}`);
    }
    return v as number[];
  }

  number(name: string, lo: number, hi: number, fallback?: number): number {
    const v = this.get(name) ?? fallback;
    if (typeof v !== "number" || !(v >= lo && v <= hi)) this.fail(`${name} must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
    return v;
  }

  integer(name: string, bound = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || Math.abs(v) > bound) this.fail(`${name} must be an integer of size at most ${bound}, got ${JSON.stringify(v)}`);
    return v;
  }

  boolean(name: string): boolean {
    const v = this.get(name);
    if (typeof v !== "boolean") this.fail(`${name} must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  choice<T extends string>(name: string, options: readonly T[]): T {
    const v = this.get(name);
    if (typeof v !== "string" || !options.includes(v as T)) this.fail(`${name} must be one of ${options.join(", ")}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  module(name: string): Module {
    return buildModule(this.get(name), `${this.path}.${name}`, this.budget, this.depth + 1);
  }

  modules(name: string): Module[] {
    const v = this.get(name);
    if (!Array.isArray(v) || v.length === 0) this.fail(`${name} must be a non-empty array of layers`);
    return v.map((c, i) => buildModule(c, `${this.path}.${name}[${i}]`, this.budget, this.depth + 1));
  }

  /**
   * Claims parameters before a layer allocates them: an architecture cannot need (much) more
   * numbers than the file holds, so a forged size fails here instead of exhausting memory.
   */
  allocate(...sizes: number[]): void {
    this.budget.left -= sizes.reduce((a, b) => a * b, 1);
    if (this.budget.left < 0) this.fail("the architecture needs more parameters than the file holds (truncated or forged)");
  }

  /** Rejects fields no builder read (a misspelt or foreign field). */
  done(): void {
    const extra = Object.keys(this.obj).filter((k) => !this.used.has(k));
    if (extra.length) this.fail(`unknown field ${extra.map((k) => JSON.stringify(k)).join(", ")}`);
  }
}

const initializerNames: readonly InitializerName[] = ["glorotUniform", "glorotNormal", "heUniform", "heNormal", "orthogonal", "zeros"];

/** The layer types a model file may name, and how each is built from its checked fields. */
const builders: Record<string, (f: Fields) => Module> = {
  Linear: (f) => {
    const [i, o] = [f.size("inFeatures"), f.size("outFeatures")];
    const bias = f.boolean("bias");
    f.allocate(i + (bias ? 1 : 0), o);
    return new Linear(i, o, { bias, init: f.choice("init", initializerNames) });
  },
  Sequential: (f) => new Sequential(...f.modules("layers")),
  Residual: (f) => new Residual(f.module("inner")),
  ReLU: () => new ReLU(),
  Sigmoid: () => new Sigmoid(),
  Tanh: () => new Tanh(),
  SiLU: () => new SiLU(),
  Softplus: () => new Softplus(),
  LeakyReLU: (f) => new LeakyReLU(f.number("alpha", 0, 1)),
  GELU: (f) => new GELU(f.choice("approximate", ["none", "tanh"] as const)),
  Softmax: (f) => new Softmax(f.integer("axis", 64) ?? -1),
  Dropout: (f) => {
    const rate = f.number("rate", 0, 0.999999);
    const seed = f.integer("seed");
    return new Dropout(rate, seed === undefined ? {} : { seed });
  },
  Embedding: (f) => {
    const [n, d] = [f.size("numEmbeddings"), f.size("dim")];
    f.allocate(n, d);
    return new Embedding(n, d);
  },
  PositionalEmbedding: (f) => {
    const [n, d] = [f.size("maxLength"), f.size("dim")];
    f.allocate(n, d);
    return new PositionalEmbedding(n, d);
  },
  BatchNorm: (f) => {
    const n = f.size("numFeatures");
    f.allocate(2, n);
    return new BatchNorm(n, { momentum: f.number("momentum", 0, 1), eps: f.number("eps", 0, 1) });
  },
  LayerNorm: (f) => {
    const n = f.size("dim");
    f.allocate(2, n);
    return new LayerNorm(n, { eps: f.number("eps", 0, 1) });
  },
  SpectralNorm: (f) => {
    const inner = f.module("inner");
    if (!(inner instanceof Linear)) return f.fail("inner must be a Linear layer");
    return new SpectralNorm(inner, { powerIterations: f.size("powerIterations", LIMITS.powerIterations) });
  },
  Conv1d: (f) => convolution(f, 1),
  Conv2d: (f) => convolution(f, 2),
  MaxPool1d: (f) => new MaxPool1d(f.integers("kernel", 1, 1)[0]!, f.integers("stride", 1, 1)[0]!),
  MaxPool2d: (f) => new MaxPool2d(pair(f, "kernel"), pair(f, "stride")),
  AvgPool1d: (f) => new AvgPool1d(f.integers("kernel", 1, 1)[0]!, f.integers("stride", 1, 1)[0]!),
  AvgPool2d: (f) => new AvgPool2d(pair(f, "kernel"), pair(f, "stride")),
  Flatten: () => new Flatten(),
  Standardize: (f) => {
    const n = f.size("features");
    f.allocate(2, n);
    // Placeholders of the right shape; the file's buffers replace them.
    return new Standardize(zeros([n]), zeros([n]));
  },
  MultiHeadSelfAttention: (f) => {
    const [dim, heads] = [f.size("dim"), f.size("heads")];
    f.allocate(4, dim + 1, dim);
    if (dim % heads !== 0) f.fail(`dim ${dim} must be divisible by heads ${heads}`);
    return new MultiHeadSelfAttention(dim, heads, { causal: f.boolean("causal") });
  },
  RNN: (f) => {
    const [inputSize, hiddenSize, options] = recurrentArgs(f, 1);
    return new RNN(inputSize, hiddenSize, { ...options, nonlinearity: f.choice("nonlinearity", ["tanh", "relu"] as const) });
  },
  LSTM: (f) => new LSTM(...recurrentArgs(f, 4)),
  GRU: (f) => new GRU(...recurrentArgs(f, 3)),
  GraphConv: (f) => {
    const [i, o] = [f.size("inFeatures"), f.size("outFeatures")];
    const bias = f.boolean("bias");
    f.allocate(i + (bias ? 1 : 0), o);
    return new GraphConv(i, o, { bias });
  },
};

/** A recurrent layer's sizes, its weights counted against the allocation budget: per layer W_ih, W_hh and two biases. */
function recurrentArgs(f: Fields, gates: number): [number, number, { numLayers: number }] {
  const [inputSize, hiddenSize, numLayers] = [f.size("inputSize"), f.size("hiddenSize"), f.size("numLayers")];
  f.allocate(inputSize + hiddenSize + 2, gates * hiddenSize);
  if (numLayers > 1) f.allocate(numLayers - 1, 2 * hiddenSize + 2, gates * hiddenSize);
  return [inputSize, hiddenSize, { numLayers }];
}

function convolution(f: Fields, d: 1 | 2): Module {
  const [inChannels, outChannels] = [f.size("inChannels"), f.size("outChannels")];
  const kernel = f.integers("kernel", d, 1);
  const bias = f.boolean("bias");
  f.allocate(kernel.reduce((a, b) => a * b, 1) * inChannels + (bias ? 1 : 0), outChannels);
  const options = { stride: f.integers("stride", d, 1), padding: f.integers("padding", d, 0), bias, init: f.choice("init", initializerNames) };
  return d === 1 ? new Conv1d(inChannels, outChannels, kernel[0]!, options) : new Conv2d(inChannels, outChannels, kernel as [number, number], options);
}

/** Two positive integers (a 2-D pooling window or stride). */
function pair(f: Fields, name: string): [number, number] {
  return f.integers(name, 2, 1) as [number, number];
}

function isObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What a file may still claim: parameters (numbers it holds, plus slack) and layers. */
interface Budget {
  left: number;
  layers: number;
}

function buildModule(config: JsonValue | undefined, path: string, budget: Budget, depth: number): Module {
  if (!isObject(config)) throw new NablaError(`model file: ${path} must be a layer object with a "type"`);
  if (depth > LIMITS.nesting) throw new NablaError(`model file: ${path}: layers are nested more than ${LIMITS.nesting} deep`);
  if (--budget.layers < 0) throw new NablaError(`model file: ${path}: the architecture has more than ${LIMITS.layers} layers`);
  const type = config.type;
  const build = typeof type === "string" && Object.hasOwn(builders, type) ? builders[type] : undefined;
  if (!build) throw new NablaError(`model file: ${path}: unknown layer type ${JSON.stringify(type)}; known types are ${Object.keys(builders).join(", ")}`);
  const fields = new Fields(config, path, budget, depth);
  const module = build(fields);
  fields.done();
  return module;
}

/** Checks a stored tensor against the shape the model needs, then builds it. */
function readTensor(stored: JsonValue | undefined, where: string, like: Tensor): Tensor {
  if (!isObject(stored)) throw new NablaError(`model file: ${where} is missing or not a tensor object`);
  const extra = Object.keys(stored).filter((k) => !["dtype", "shape", "data"].includes(k));
  if (extra.length) throw new NablaError(`model file: ${where}: unknown field ${JSON.stringify(extra[0])}`);
  const { dtype, shape, data } = stored;
  if (dtype !== "float64" && dtype !== "float32") throw new NablaError(`model file: ${where}.dtype must be "float64" or "float32", got ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    throw new NablaError(`model file: ${where}.shape must be an array of non-negative integers`);
  }
  const dims = shape as number[];
  if (formatShape(dims) !== formatShape(like.shape)) {
    throw new NablaError(`model file: ${where} has shape ${formatShape(dims)}, but the architecture needs ${formatShape(like.shape)}`);
  }
  if (!Array.isArray(data) || data.length !== sizeOf(dims)) {
    throw new NablaError(`model file: ${where}.data must hold ${sizeOf(dims)} numbers, got ${Array.isArray(data) ? data.length : typeof data}`);
  }
  const bad = data.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  if (bad >= 0) throw new NablaError(`model file: ${where}.data[${bad}] is ${JSON.stringify(data[bad])}, not a finite number`);
  const over = dtype === "float32" ? data.findIndex((v) => Math.abs(v as number) > FLOAT32_MAX) : -1;
  if (over >= 0) throw new NablaError(`model file: ${where}.data[${over}] is ${data[over]}, beyond float32's range (it would load as Infinity)`);
  return tensor(data as number[], { shape: dims, dtype });
}

/** Buffers whose values would make the forward pass divide by zero or take a square root of a negative number. */
function checkState(m: Module, path: string): void {
  const where = (name: string) => `buffers.${path ? `${path}.` : ""}${name}`;
  const firstBad = (t: Tensor, ok: (v: number) => boolean) => t.values().findIndex((v) => !ok(v));
  const require = (name: string, ok: (v: number) => boolean, what: string) => {
    const t = m.buffers()[name]!;
    const i = firstBad(t, ok);
    if (i >= 0) throw new NablaError(`model file: ${where(name)}[${i}] is ${t.values()[i]}; ${what}`);
  };
  if (m instanceof Standardize) require("scale", (v) => v > 0, "a Standardize scale must be positive (the layer divides by it)");
  if (m instanceof BatchNorm) require("runningVariance", (v) => v >= 0, "a running variance cannot be negative");
  if (m instanceof SpectralNorm && m.buffers().u!.values().every((v) => v === 0)) {
    throw new NablaError(`model file: ${where("u")} is all zeros; the power-iteration vector must be non-zero`);
  }
}

function readTensors(section: JsonValue | undefined, name: string, expected: Params): Params {
  if (!isObject(section)) throw new NablaError(`model file: "${name}" must be an object of tensors`);
  const unknown = Object.keys(section).filter((k) => !Object.hasOwn(expected, k));
  if (unknown.length) throw new NablaError(`model file: ${name}.${unknown[0]} is not a ${name.slice(0, -1)} of this architecture`);
  return Object.fromEntries(Object.entries(expected).map(([k, like]) => [k, readTensor(section[k], `${name}.${k}`, like)]));
}

/**
 * Builds a model from the JSON text of a model file, checking every field (see the module
 * comment); `source` names the file in errors.
 * @example
 * const model = new nb.nn.Sequential(new nb.nn.Linear(2, 2, { seed: 0 }), new nb.nn.Tanh());
 * const copy = nb.nn.modelFromJson(nb.nn.modelToJson(model));
 * copy.forward(nb.ones([1, 2])).toArray(); // => model.forward(nb.ones([1, 2])).toArray()
 * let message = "";
 * try { nb.nn.modelFromJson(nb.nn.modelToJson(model).slice(0, 50)); } catch (e) { message = (e as Error).message; }
 * message.startsWith("model file: not valid JSON (truncated?)"); // => true
 */
export function modelFromJson(text: string, source = "model file"): Module {
  return decode(text, source).model;
}

/**
 * How deeply arrays and objects nest, counted without recursion: JSON.parse accepts any depth,
 * but printing a value nested 10⁵ deep (in an error message, say) overflows the stack.
 */
function nestingDepth(doc: JsonValue): number {
  let deepest = 0;
  const stack: [JsonValue, number][] = [[doc, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    if (typeof v === "object" && v !== null) for (const child of Object.values(v)) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return deepest;
}

function decode(text: string, source: string): { model: Module; metadata: { [key: string]: JsonValue } } {
  let doc: JsonValue;
  try {
    doc = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new NablaError(`model file: not valid JSON (truncated?) in ${source}: ${(e as Error).message}`);
  }
  if (nestingDepth(doc) > LIMITS.nesting * 2 + 8) throw new NablaError(`model file: ${source} nests arrays or objects more than ${LIMITS.nesting * 2 + 8} levels deep`);
  if (!isObject(doc) || doc.format !== FORMAT) throw new NablaError(`model file: ${source} is not a nabla model file (expected "format": "${FORMAT}")`);
  if (doc.version !== VERSION) throw new NablaError(`model file: ${source} has version ${JSON.stringify(doc.version)}; this nabla reads version ${VERSION}`);
  const extra = Object.keys(doc).filter((k) => !["format", "version", "architecture", "parameters", "buffers", "metadata"].includes(k));
  if (extra.length) throw new NablaError(`model file: unknown top-level field ${JSON.stringify(extra[0])}`);
  const stored = isObject(doc.parameters) ? Object.values(doc.parameters) : [];
  // The slack lets a file that is a few numbers short reach the precise per-tensor error below.
  const budget = { left: ALLOCATION_SLACK + stored.reduce<number>((n, t) => n + (isObject(t) && Array.isArray(t.data) ? t.data.length : 0), 0), layers: LIMITS.layers };
  const model = buildModule(doc.architecture, "architecture", budget, 0);
  const loaded = model.withParams(readTensors(doc.parameters, "parameters", parameters(model)));
  const state = readTensors(doc.buffers ?? {}, "buffers", buffers(model));
  for (const [path, m] of namedModules(loaded)) {
    const own = Object.keys(m.buffers());
    if (own.length) m.setBuffers(Object.fromEntries(own.map((b) => [b, state[path ? `${path}.${b}` : b]!])));
    checkState(m, path);
  }
  if (doc.metadata !== undefined && !isObject(doc.metadata)) throw new NablaError("model file: \"metadata\" must be an object");
  return { model: loaded.eval(), metadata: doc.metadata ?? {} };
}
