/**
 * Convolution and pooling over one or two spatial axes, channels last: inputs [batch, length,
 * channels] or [batch, height, width, channels]. Both gather the input's patches with slices
 * (im2col), so their derivatives come from the slice, pad and matmul rules; a convolution is
 * then one matrix product with the weight [k..., inChannels, outChannels].
 */
import type { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape, sizeOf } from "../tensor/shape.js";
import { bind } from "../ops/core.js";
import { add } from "../ops/primitives/elementwise.js";
import { max } from "../ops/primitives/reduce.js";
import { concat, padP, reshape, slice } from "../ops/primitives/shape.js";
import { matmul, mean, stack } from "../ops/composite.js";
import { type ModuleConfig, Module } from "./module.js";
import { type InitializerName, initializerNamed, zeros } from "./init.js";
import { type LayerOptions, checkSize } from "./layers.js";

/** The geometry of a sliding window over the spatial axes. */
export interface Window {
  kernel: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
}

/**
 * The input's patches, one tensor per kernel offset (in row-major order of the offsets), each
 * [batch, ...outSpatial, channels].
 */
function patches(x: Tensor, { kernel, stride, padding }: Window, layer: string): { parts: Tensor[]; outSpatial: number[] } {
  const d = kernel.length;
  if (x.ndim !== d + 2) {
    throw new NablaError(`${layer}: expected inputs [batch, ${d === 1 ? "length" : "height, width"}, channels], got ${formatShape(x.shape)}`);
  }
  const [batch, channels] = [x.shape[0]!, x.shape[d + 1]!];
  const spatial = x.shape.slice(1, d + 1);
  const outSpatial = spatial.map((n, a) => Math.floor((n + 2 * padding[a]! - kernel[a]!) / stride[a]!) + 1);
  if (outSpatial.some((n) => n < 1)) {
    throw new NablaError(`${layer}: the kernel [${kernel.join(", ")}] does not fit the input ${formatShape(x.shape)} with padding [${padding.join(", ")}]`);
  }
  // Zero padding, plus enough at the end that every strided slice below is in range.
  const after = spatial.map((n, a) => Math.max(padding[a]!, kernel[a]! - 1 + outSpatial[a]! * stride[a]! - n - padding[a]!));
  const padded = bind(padP, [x], { before: [0, ...padding, 0], after: [0, ...after, 0] });
  const offsets = sizeOf(kernel);
  const parts: Tensor[] = [];
  for (let f = 0; f < offsets; f++) {
    const offset = kernel.map((_, a) => Math.floor(f / sizeOf(kernel.slice(a + 1))) % kernel[a]!);
    let part = slice(padded, [0, ...offset, 0], [batch, ...outSpatial.map((n, a) => n * stride[a]!), channels]);
    if (stride.some((s) => s > 1)) {
      // Every stride-th position: split each axis into [out, stride] and keep index 0.
      const split = reshape(part, [batch, ...outSpatial.flatMap((n, a) => [n, stride[a]!]), channels]);
      part = reshape(slice(split, split.shape.map(() => 0), [batch, ...outSpatial.flatMap((n) => [n, 1]), channels]), [batch, ...outSpatial, channels]);
    }
    parts.push(part);
  }
  return { parts, outSpatial };
}

/** A length or a per-axis tuple, as a per-axis array. */
function perAxis(value: number | readonly number[], d: number, layer: string, what: string, min: number): number[] {
  const v = typeof value === "number" ? new Array<number>(d).fill(value) : [...value];
  if (v.length !== d || v.some((n) => !Number.isInteger(n) || n < min)) {
    throw new NablaError(`${layer}: ${what} must be ${min === 0 ? "a non-negative" : "a positive"} integer or ${d} of them, got ${JSON.stringify(value)}`);
  }
  return v;
}

/** Options of the convolutions. */
export interface ConvOptions extends LayerOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly number[];
  /** Zeros added on both sides of each spatial axis (default 0). */
  padding?: number | readonly number[];
  bias?: boolean;
  /** How the weight starts (default "heUniform"). */
  init?: InitializerName;
}

abstract class Convolution extends Module {
  weight: Tensor;
  bias?: Tensor;
  readonly window: Window;
  readonly init: InitializerName;

  constructor(readonly inChannels: number, readonly outChannels: number, kernel: number | readonly number[], d: number, options: ConvOptions) {
    super();
    const layer = `Conv${d}d`;
    checkSize(inChannels, layer, "inChannels");
    checkSize(outChannels, layer, "outChannels");
    this.window = {
      kernel: perAxis(kernel, d, layer, "kernel", 1),
      stride: perAxis(options.stride ?? 1, d, layer, "stride", 1),
      padding: perAxis(options.padding ?? 0, d, layer, "padding", 0),
    };
    this.init = options.init ?? "heUniform";
    this.weight = initializerNamed(this.init)([...this.window.kernel, inChannels, outChannels], options);
    if (options.bias ?? true) this.bias = zeros([outChannels], options);
  }

  forward(x: Tensor): Tensor {
    const layer = `Conv${this.window.kernel.length}d`;
    if (x.shape[x.ndim - 1] !== this.inChannels) throw new NablaError(`${layer}: expected ${this.inChannels} input channels (last axis), got ${formatShape(x.shape)}`);
    const { parts, outSpatial } = patches(x, this.window, layer);
    const columns = concat(parts, -1);
    const y = matmul(columns, reshape(this.weight, [-1, this.outChannels]));
    const out = this.bias ? add(y, this.bias) : y;
    return reshape(out, [x.shape[0]!, ...outSpatial, this.outChannels]);
  }

  config(): ModuleConfig {
    const { kernel, stride, padding } = this.window;
    return {
      type: `Conv${kernel.length}d`, inChannels: this.inChannels, outChannels: this.outChannels,
      kernel: [...kernel], stride: [...stride], padding: [...padding], bias: this.bias !== undefined, init: this.init,
    };
  }
}

/**
 * 1-D convolution (cross-correlation, as in every deep-learning library) over [batch, length,
 * channels]; weight [kernel, inChannels, outChannels].
 * @example
 * const conv = new nb.nn.Conv1d(1, 1, 2, { bias: false, init: "zeros" });
 * const smooth = conv.withParams({ weight: nb.tensor([[[0.5]], [[0.5]]]) });
 * smooth.forward(nb.tensor([[[1], [3], [5]]])).toArray(); // => [[[2], [4]]]
 */
export class Conv1d extends Convolution {
  constructor(inChannels: number, outChannels: number, kernel: number, options: ConvOptions = {}) {
    super(inChannels, outChannels, kernel, 1, options);
  }
}

/**
 * 2-D convolution over [batch, height, width, channels]; weight [kh, kw, inChannels, outChannels].
 * @example
 * const conv = new nb.nn.Conv2d(3, 8, 3, { padding: 1, stride: 2, seed: 0 });
 * conv.forward(nb.zeros([2, 28, 28, 3])).shape; // => [2, 14, 14, 8]
 */
export class Conv2d extends Convolution {
  constructor(inChannels: number, outChannels: number, kernel: number | readonly [number, number], options: ConvOptions = {}) {
    super(inChannels, outChannels, kernel, 2, options);
  }
}

abstract class Pooling extends Module {
  readonly window: Window;

  constructor(readonly kind: "max" | "avg", kernel: number | readonly number[], stride: number | readonly number[] | undefined, d: number) {
    super();
    const layer = this.layerName(d);
    const k = perAxis(kernel, d, layer, "kernel", 1);
    this.window = { kernel: k, stride: stride === undefined ? k : perAxis(stride, d, layer, "stride", 1), padding: new Array<number>(d).fill(0) };
  }

  private layerName(d: number): string {
    return `${this.kind === "max" ? "Max" : "Avg"}Pool${d}d`;
  }

  forward(x: Tensor): Tensor {
    const d = this.window.kernel.length;
    const windows = stack(patches(x, this.window, this.layerName(d)).parts, -1);
    return this.kind === "max" ? max(windows, -1) : mean(windows, -1);
  }

  config(): ModuleConfig {
    return { type: this.layerName(this.window.kernel.length), kernel: [...this.window.kernel], stride: [...this.window.stride] };
  }
}

/**
 * Maximum over windows of [batch, length, channels] (stride = kernel unless given); ties share the gradient.
 * @example
 * new nb.nn.MaxPool1d(2).forward(nb.tensor([[[1], [3], [2], [0]]])).toArray(); // => [[[3], [2]]]
 */
export class MaxPool1d extends Pooling {
  constructor(kernel: number, stride?: number) {
    super("max", kernel, stride, 1);
  }
}

/**
 * Maximum over windows of [batch, height, width, channels] (stride = kernel unless given).
 * @example
 * new nb.nn.MaxPool2d(2).forward(nb.arange(16).reshape([1, 4, 4, 1])).reshape([2, 2]).toArray(); // => [[5, 7], [13, 15]]
 */
export class MaxPool2d extends Pooling {
  constructor(kernel: number | readonly [number, number], stride?: number | readonly [number, number]) {
    super("max", kernel, stride, 2);
  }
}

/**
 * Mean over windows of [batch, length, channels] (stride = kernel unless given).
 * @example
 * new nb.nn.AvgPool1d(2).forward(nb.tensor([[[1], [3], [2], [0]]])).toArray(); // => [[[2], [1]]]
 */
export class AvgPool1d extends Pooling {
  constructor(kernel: number, stride?: number) {
    super("avg", kernel, stride, 1);
  }
}

/**
 * Mean over windows of [batch, height, width, channels] (stride = kernel unless given).
 * @example
 * new nb.nn.AvgPool2d(2).forward(nb.arange(16).reshape([1, 4, 4, 1])).reshape([2, 2]).toArray(); // => [[2.5, 4.5], [10.5, 12.5]]
 */
export class AvgPool2d extends Pooling {
  constructor(kernel: number | readonly [number, number], stride?: number | readonly [number, number]) {
    super("avg", kernel, stride, 2);
  }
}

/**
 * Flattens every axis but the first: [batch, ...] → [batch, features], between convolutions and Linear layers.
 * @example
 * new nb.nn.Flatten().forward(nb.zeros([2, 3, 4, 5])).shape; // => [2, 60]
 */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0] ?? 1, -1]);
  }
  config(): ModuleConfig {
    return { type: "Flatten" };
  }
}
