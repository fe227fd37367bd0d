/**
 * Model files for nb.models estimators, with the rules of the networks' files
 * (src/nn/serialize.ts): JSON with a format name and version, the estimator type from a fixed
 * table, its options as plain JSON values, and its fitted state as tensors and numbers. Loading
 * checks every field (type, shape, finiteness, index ranges) before building anything and
 * names the field in its error; nothing in a file is executed. A boosting model with a
 * function objective cannot be saved (the function is code), and says so.
 */
import { tensor } from "../tensor/create.js";
import { NablaError } from "../tensor/errors.js";
import { formatShape, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { readTextFile, writeTextFile } from "../util/files.js";

const FORMAT = "nabla-estimator";
const VERSION = 1;

/** A JSON value as a model file holds it. */
export type StateJson = number | string | boolean | null | StateJson[] | { [key: string]: StateJson };

/** What an estimator writes: its options and its fitted state. */
export interface EstimatorState {
  options: { [key: string]: StateJson };
  fitted: { [key: string]: Tensor | StateJson };
}

/** An estimator that can be written to a model file. */
export interface Saveable {
  toState(): EstimatorState;
}

function isObject(v: unknown): v is { [key: string]: StateJson } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads one file's options and fitted fields; every error names the field. */
export class StateReader {
  private readonly used = new Set<string>();

  constructor(readonly type: string, private readonly opts: { [key: string]: StateJson }, private readonly fitted: { [key: string]: StateJson }) {}

  fail(message: string): never {
    throw new NablaError(`model file: ${this.type}: ${message}`);
  }

  /** The options, each a number, string or boolean (or an object of them), among `allowed`. */
  options<T>(allowed: readonly string[]): T {
    for (const [k, v] of Object.entries(this.opts)) {
      if (!allowed.includes(k)) this.fail(`options.${k} is not an option of ${this.type} (options: ${allowed.join(", ")})`);
      const flat = (x: StateJson) => typeof x === "number" ? Number.isFinite(x) : typeof x === "string" || typeof x === "boolean";
      if (!(flat(v) || (isObject(v) && Object.values(v).every(flat)) || (Array.isArray(v) && v.every((row) => Array.isArray(row) ? row.every(flat) : flat(row))))) {
        this.fail(`options.${k} must be a number, string or boolean, got ${JSON.stringify(v)}`);
      }
    }
    return { ...this.opts } as T;
  }

  private get(name: string): StateJson | undefined {
    this.used.add(name);
    return this.fitted[name];
  }

  /** A tensor; `shape` gives each axis's size, or −1 where any size is accepted. */
  tensor(name: string, shape: readonly number[]): Tensor {
    const v = this.get(name);
    const where = `fitted.${name}`;
    if (!isObject(v)) this.fail(`${where} is missing or not a tensor`);
    const { dtype, shape: dims, data } = v;
    if (dtype !== "float64" && dtype !== "float32") this.fail(`${where}.dtype must be "float64" or "float32", got ${JSON.stringify(dtype)}`);
    if (!Array.isArray(dims) || dims.length !== shape.length || dims.some((d, i) => typeof d !== "number" || !Number.isInteger(d) || d < 0 || (shape[i]! >= 0 && d !== shape[i]))) {
      this.fail(`${where}.shape must be [${shape.map((d) => (d < 0 ? "n" : d)).join(", ")}], got ${JSON.stringify(dims)}`);
    }
    const size = sizeOf(dims as number[]);
    if (!Array.isArray(data) || data.length !== size) this.fail(`${where}.data must hold ${size} numbers for shape ${formatShape(dims as number[])}, got ${Array.isArray(data) ? data.length : typeof data}`);
    const bad = data.findIndex((x) => typeof x !== "number" || !Number.isFinite(x));
    if (bad >= 0) this.fail(`${where}.data[${bad}] is ${JSON.stringify(data[bad])}, not a finite number`);
    return tensor(data as number[], { shape: dims as number[], dtype });
  }

  number(name: string): number {
    const v = this.get(name);
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(`fitted.${name} must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  }

  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.get(name);
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) this.fail(`fitted.${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    return v;
  }

  boolean(name: string): boolean {
    const v = this.get(name);
    if (typeof v !== "boolean") this.fail(`fitted.${name} must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  choice<T extends string>(name: string, choices: readonly T[]): T {
    const v = this.get(name);
    if (typeof v !== "string" || !choices.includes(v as T)) this.fail(`fitted.${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  /** Finite numbers (integers in [min, max] when given), of a given length unless −1. */
  numbers(name: string, length: number, range?: [number, number]): number[] {
    const v = this.get(name);
    if (!Array.isArray(v) || (length >= 0 && v.length !== length)) this.fail(`fitted.${name} must be an array of ${length >= 0 ? length : "n"} numbers`);
    const bad = v.findIndex((x) => typeof x !== "number" || !Number.isFinite(x) || (range !== undefined && (!Number.isInteger(x) || x < range[0] || x > range[1])));
    if (bad >= 0) this.fail(`fitted.${name}[${bad}] is ${JSON.stringify(v[bad])}, not ${range ? `an integer in [${range[0]}, ${range[1]}]` : "a finite number"}`);
    return v as number[];
  }

  /** A raw JSON array, for nested structures the estimator checks itself (boosting trees). */
  array(name: string): StateJson[] {
    const v = this.get(name);
    if (!Array.isArray(v)) this.fail(`fitted.${name} must be an array`);
    return v;
  }

  /** Rejects fitted fields nobody read. */
  done(): void {
    const extra = Object.keys(this.fitted).filter((k) => !this.used.has(k));
    if (extra.length) this.fail(`unknown field fitted.${extra[0]}`);
  }
}

/** Serialises a state's tensors as {dtype, shape, data}. */
function storeFitted(fitted: EstimatorState["fitted"]): { [key: string]: StateJson } {
  return Object.fromEntries(Object.entries(fitted).map(([k, v]) => {
    if (v === null || typeof v !== "object" || Array.isArray(v) || !("shape" in v && "dtype" in v && typeof (v as Tensor).values === "function")) return [k, v as StateJson];
    const t = v as Tensor;
    return [k, { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.values()) }];
  }));
}

/** The JSON text of an estimator's model file. */
export function estimatorToJson(type: string, estimator: Saveable, metadata?: { [key: string]: StateJson }): string {
  const state = estimator.toState();
  return JSON.stringify({ format: FORMAT, version: VERSION, type, options: state.options, fitted: storeFitted(state.fitted), ...(metadata ? { metadata } : {}) });
}

/** Parses and checks a model file's frame; the type's restorer reads the rest. */
export function readEstimatorFile<E>(text: string, source: string, restorers: Record<string, (r: StateReader) => E>): { estimator: E; type: string; metadata: { [key: string]: StateJson } } {
  let doc: StateJson;
  try {
    doc = JSON.parse(text) as StateJson;
  } catch (e) {
    throw new NablaError(`model file: not valid JSON (truncated?) in ${source}: ${(e as Error).message}`);
  }
  if (!isObject(doc) || doc.format !== FORMAT) throw new NablaError(`model file: ${source} is not a nabla estimator file (expected "format": "${FORMAT}")`);
  if (doc.version !== VERSION) throw new NablaError(`model file: ${source} has version ${JSON.stringify(doc.version)}; this nabla reads version ${VERSION}`);
  const extra = Object.keys(doc).filter((k) => !["format", "version", "type", "options", "fitted", "metadata"].includes(k));
  if (extra.length) throw new NablaError(`model file: unknown top-level field ${JSON.stringify(extra[0])}`);
  const type = doc.type;
  if (typeof type !== "string" || !Object.hasOwn(restorers, type)) throw new NablaError(`model file: "type" must be one of ${Object.keys(restorers).join(", ")}, got ${JSON.stringify(type)}`);
  if (!isObject(doc.options) || !isObject(doc.fitted)) throw new NablaError(`model file: "options" and "fitted" must be objects`);
  if (doc.metadata !== undefined && !isObject(doc.metadata)) throw new NablaError("model file: \"metadata\" must be an object");
  const reader = new StateReader(type, doc.options, doc.fitted);
  const estimator = restorers[type]!(reader);
  reader.done();
  return { estimator, type, metadata: (doc.metadata ?? {}) as { [key: string]: StateJson } };
}

/** Writes text to a new file (or replaces one with overwrite), Node only. */
export function writeEstimatorFile(path: string, text: string, overwrite: boolean): void {
  writeTextFile(path, text, { overwrite, where: "saveModel" });
}

export function readEstimatorText(path: string): string {
  return readTextFile(path, "loadModel");
}
