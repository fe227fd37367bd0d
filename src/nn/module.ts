/**
 * The Module protocol, after micrograd and tinygrad: a module is an object whose fields hold
 * its parameters (Tensors) and its submodules (Modules, or arrays of them). Walking those
 * fields gives a path-keyed pytree of parameters, `{"layers.0.weight": Tensor, …}`, and
 * `withParams` rebuilds the module around another such pytree, so `nb.grad`, `nb.hessian`
 * and every other transform differentiate a model with no adapter:
 * `nb.grad((p) => loss(model.withParams(p), batch))(nb.nn.parameters(model))`.
 *
 * Fields of any other kind (numbers, strings, plain objects) are configuration or state:
 * never parameters. Mutable state (BatchNorm's running statistics, Dropout's random stream)
 * lives in plain holder objects that `withParams` copies share, so statistics gathered while
 * differentiating a copy persist; `clone()` gives a copy with state of its own.
 */
import { Tensor } from "../tensor/tensor.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";

/** A model's parameters: one Tensor per path ("layers.0.weight"), a pytree every transform accepts. */
export type Params = Record<string, Tensor>;

/** A JSON value, as module configurations are written to a model file. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A module's architecture: its type name and constructor arguments; submodules nest. */
export interface ModuleConfig {
  type: string;
  [argument: string]: JsonValue;
}

/**
 * The base of every layer and model: parameters in fields, `forward`, train/eval mode.
 * Subclasses implement `forward` and `config` (their constructor arguments, for saving).
 *
 * @example
 * class Scale extends nb.nn.Module {
 *   factor = nb.tensor([2]);
 *   forward(x: nb.Tensor) { return nb.mul(x, this.factor); }
 *   config() { return { type: "Scale" }; }
 * }
 * const m = new Scale();
 * Object.keys(m.parameters()); // => ["factor"]
 * nb.grad((p: nb.nn.Params) => nb.sum(m.withParams(p).forward(nb.tensor([1, 2]))))(m.parameters()).factor!.toArray(); // => [3]
 */
export abstract class Module {
  /** Training mode (the default) or evaluation mode; changes Dropout and BatchNorm. */
  training = true;
  /**
   * Shared by a module and all its copies (withParams, clone): how the gradient-flow monitor
   * recognises, inside a differentiated copy, which layer of the original model it sees.
   */
  readonly identity: { readonly id: number } = { id: nextIdentity++ };

  /** The module applied to an input. */
  abstract forward(x: Tensor): Tensor;

  /** The constructor arguments that rebuild this module's architecture (not its weights). */
  abstract config(): ModuleConfig;

  /** The parameters, keyed by path; the same as `nb.nn.parameters(this)`. */
  parameters(): Params {
    return parameters(this);
  }

  /**
   * A new module of the same architecture holding `params` (keys and shapes as
   * `parameters()` gives them); this one is unchanged. Pure, so transforms can differentiate
   * through it; the values may be tracers.
   */
  withParams(params: Params): this {
    checkParams(this, params);
    return rebuild(this, (path) => params[path]!);
  }

  /** A copy with the same parameters and its own copy of any state (running statistics, random streams). */
  clone(): this {
    const copy = rebuild(this, (_, value) => value);
    for (const [, m] of namedModules(copy)) m.detachState();
    return copy;
  }

  /** Sets training mode (or evaluation mode with `false`) on this module and all submodules; returns this. */
  train(on = true): this {
    for (const [, m] of namedModules(this)) m.training = on;
    return this;
  }

  /** Sets evaluation mode on this module and all submodules; returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Non-trainable tensors saved with the model (BatchNorm's running statistics), by name. */
  buffers(): Params {
    return {};
  }

  /** Replaces the buffers (same names and shapes as `buffers()`), as loading a saved model does. */
  setBuffers(buffers: Params): void {
    if (Object.keys(buffers).length > 0) throw new NablaError(`${this.config().type} has no buffers`);
  }

  /** Gives this copy state of its own (called by clone); modules with state override it. */
  protected detachState(): void {}
}

let nextIdentity = 0;

/** The parameter fields and child modules of one module, in field order. */
function children(m: Module): { tensors: [string, Tensor][]; modules: [string, Module][] } {
  const tensors: [string, Tensor][] = [];
  const modules: [string, Module][] = [];
  const fields = m as unknown as Record<string, unknown>;
  // Keys, not entries: withParams walks every module each step, and entries makes a pair per field.
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value instanceof Tensor) tensors.push([key, value]);
    else if (value instanceof Module) modules.push([key, value]);
    else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
      value.forEach((v: Module, i) => modules.push([`${key}.${i}`, v]));
    }
  }
  return { tensors, modules };
}

const join = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/**
 * A module and every submodule, depth first, with their paths ("" for the root).
 * @example
 * const net = new nb.nn.Sequential(new nb.nn.Linear(2, 3, { seed: 0 }), new nb.nn.ReLU());
 * nb.nn.namedModules(net).map(([path, m]) => `${path}:${m.config().type}`); // => [":Sequential", "layers.0:Linear", "layers.1:ReLU"]
 */
export function namedModules(model: Module, prefix = ""): [string, Module][] {
  const out: [string, Module][] = [[prefix, model]];
  for (const [name, child] of children(model).modules) out.push(...namedModules(child, join(prefix, name)));
  return out;
}

/**
 * The parameters of a model as a path-keyed pytree: `{"layers.0.weight": Tensor, …}`, in
 * field order. Pass it to any transform, an optimizer, or `model.withParams`.
 * @example
 * const net = new nb.nn.Sequential(new nb.nn.Linear(2, 3, { seed: 0 }), new nb.nn.ReLU(), new nb.nn.Linear(3, 1, { seed: 1 }));
 * Object.entries(nb.nn.parameters(net)).map(([k, v]) => `${k} ${v.shape}`); // => ["layers.0.weight 2,3", "layers.0.bias 3", "layers.2.weight 3,1", "layers.2.bias 1"]
 */
export function parameters(model: Module): Params {
  const out: Params = {};
  for (const [path, m] of namedModules(model)) {
    for (const [name, t] of children(m).tensors) out[join(path, name)] = t;
  }
  return out;
}

/**
 * The buffers (non-trainable state such as running statistics) of a model, path-keyed like `parameters`.
 * @example
 * Object.keys(nb.nn.buffers(new nb.nn.BatchNorm(3))); // => ["runningMean", "runningVariance"]
 */
export function buffers(model: Module): Params {
  const out: Params = {};
  for (const [path, m] of namedModules(model)) {
    for (const [name, t] of Object.entries(m.buffers())) out[join(path, name)] = t;
  }
  return out;
}

/**
 * The number of scalar parameters of a model.
 * @example
 * nb.nn.parameterCount(new nb.nn.Linear(4, 3)); // => 15
 */
export function parameterCount(model: Module): number {
  return Object.values(parameters(model)).reduce((n, t) => n + t.size, 0);
}

function checkParams(model: Module, params: Params): void {
  const expected = parameters(model);
  if (typeof params !== "object" || params === null) throw new NablaError("withParams: expected an object of Tensors keyed by parameter path");
  const missing = Object.keys(expected).filter((k) => !(k in params));
  const extra = Object.keys(params).filter((k) => !(k in expected));
  if (missing.length || extra.length) {
    const parts = [missing.length ? `missing ${missing.join(", ")}` : "", extra.length ? `unknown ${extra.join(", ")}` : ""];
    throw new NablaError(`withParams: the parameters do not fit this ${model.config().type}: ${parts.filter(Boolean).join("; ")}`);
  }
  for (const [k, t] of Object.entries(expected)) {
    const given = params[k];
    if (!(given instanceof Tensor)) throw new NablaError(`withParams: parameter ${k} must be a Tensor`);
    if (!shapesEqual(given.shape, t.shape)) {
      throw new NablaError(`withParams: parameter ${k} has shape ${formatShape(given.shape)}; the model needs ${formatShape(t.shape)}`);
    }
  }
}

/** A structural copy of a module tree whose parameter fields are `pick(path, current)`. */
function rebuild<M extends Module>(model: M, pick: (path: string, current: Tensor) => Tensor, prefix = ""): M {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(model) as object) as M, model);
  const fields = copy as unknown as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value instanceof Tensor) fields[key] = pick(join(prefix, key), value);
    else if (value instanceof Module) fields[key] = rebuild(value, pick, join(prefix, key));
    else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
      fields[key] = value.map((v: Module, i) => rebuild(v, pick, join(prefix, `${key}.${i}`)));
    }
  }
  return copy;
}

/** Who sees layer outputs while activations are recorded (the gradient-flow monitor). */
let activationObserver: ((module: Module, output: Tensor) => void) | null = null;

/** Runs `body` with `observer` told each output that activation layers report. */
export function observeActivations<T>(observer: (module: Module, output: Tensor) => void, body: () => T): T {
  const previous = activationObserver;
  activationObserver = observer;
  try {
    return body();
  } finally {
    activationObserver = previous;
  }
}

/** Called by activation layers with their output; costs nothing unless a monitor listens. */
export function reportActivation(module: Module, output: Tensor): void {
  activationObserver?.(module, output);
}
