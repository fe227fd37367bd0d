/**
 * safetensors, the tensor file format of PyTorch and Hugging Face: an 8-byte little-endian
 * header length N, N bytes of JSON (`{name: {dtype, shape, data_offsets: [begin, end]}, …,
 * "__metadata__": {string: string}}`), then the raw little-endian data, offsets counted from
 * its start. Reading checks the whole header before allocating anything: the header length
 * against the file, every dtype, shape and offset, and that the tensors tile the data
 * section exactly (no overlap, no hole, nothing after the last) — a forged file is refused
 * with a NablaError, never answered with a large allocation.
 */
import { type DType, checkTensorSize } from "../tensor/dtype.js";
import { NablaError } from "../tensor/errors.js";
import { MAX_RANK } from "../tensor/shape.js";
import { ArrayTensor, Tensor } from "../tensor/tensor.js";
import { type ByteSource, memoryBytes, openBytes, writeTextFile } from "../util/files.js";

/** A file's tensors by name, and its free-form string metadata. */
export interface Safetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** The header limit of the reference implementation (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";

interface StoredType {
  bytes: number;
  /** The nabla dtype that holds every value of this type exactly. */
  dtype: DType;
  /** Element i of the little-endian data. */
  read: (view: DataView, i: number) => number;
}

const halfToFloat = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
};
const bfloat16 = new DataView(new ArrayBuffer(4));

/** 64-bit integers convert only while float64 holds them exactly (|v| ≤ 2⁵³). */
const exactInteger = (v: bigint): number => {
  if (v > 2n ** 53n || v < -(2n ** 53n)) throw new RangeError(String(v));
  return Number(v);
};

const TYPES: Readonly<Record<string, StoredType>> = {
  F64: { bytes: 8, dtype: "float64", read: (v, i) => v.getFloat64(8 * i, true) },
  F32: { bytes: 4, dtype: "float32", read: (v, i) => v.getFloat32(4 * i, true) },
  F16: { bytes: 2, dtype: "float32", read: (v, i) => halfToFloat(v.getUint16(2 * i, true)) },
  BF16: { bytes: 2, dtype: "float32", read: (v, i) => (bfloat16.setUint32(0, v.getUint16(2 * i, true) << 16), bfloat16.getFloat32(0)) },
  I64: { bytes: 8, dtype: "float64", read: (v, i) => exactInteger(v.getBigInt64(8 * i, true)) },
  U64: { bytes: 8, dtype: "float64", read: (v, i) => exactInteger(v.getBigUint64(8 * i, true)) },
  I32: { bytes: 4, dtype: "float64", read: (v, i) => v.getInt32(4 * i, true) },
  U32: { bytes: 4, dtype: "float64", read: (v, i) => v.getUint32(4 * i, true) },
  I16: { bytes: 2, dtype: "float32", read: (v, i) => v.getInt16(2 * i, true) },
  U16: { bytes: 2, dtype: "float32", read: (v, i) => v.getUint16(2 * i, true) },
  I8: { bytes: 1, dtype: "float32", read: (v, i) => v.getInt8(i) },
  U8: { bytes: 1, dtype: "float32", read: (v, i) => v.getUint8(i) },
  BOOL: { bytes: 1, dtype: "float32", read: (v, i) => (v.getUint8(i) ? 1 : 0) },
};

interface Entry {
  name: string;
  type: StoredType;
  shape: number[];
  begin: number;
  end: number;
}

function fail(where: string, detail: string): never {
  throw new NablaError(`${where}: ${detail}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isSafeCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** Checks one header entry against the data section's length. */
function readEntry(name: string, value: unknown, dataBytes: number, where: string): Entry {
  const at = `tensor ${JSON.stringify(name)}`;
  if (!isRecord(value)) fail(where, `${at} must be an object with dtype, shape and data_offsets`);
  const extra = Object.keys(value).filter((k) => !["dtype", "shape", "data_offsets"].includes(k));
  if (extra.length) fail(where, `${at} has an unknown field ${JSON.stringify(extra[0])}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string") fail(where, `${at}: dtype must be a string`);
  if (!Object.hasOwn(TYPES, dtype)) {
    fail(where, `${at} has dtype ${JSON.stringify(dtype).slice(0, 40)}, which nabla does not read (it reads ${Object.keys(TYPES).join(", ")}: those float32 or float64 hold exactly)`);
  }
  const type = TYPES[dtype]!;
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isSafeCount)) fail(where, `${at}: shape must be at most ${MAX_RANK} non-negative integers`);
  const elements = shape.reduce((a: number, b: number) => a * b, 1);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSafeCount) || offsets[0]! > offsets[1]!) {
    fail(where, `${at}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataBytes) fail(where, `${at} ends at byte ${end} of a data section of ${dataBytes} bytes (truncated file?)`);
  if (end - begin !== elements * type.bytes) {
    fail(where, `${at}: shape [${shape.join(", ")}] of ${dtype} needs ${elements * type.bytes} bytes, but data_offsets span ${end - begin}`);
  }
  return { name, type, shape, begin, end };
}

/** The tensors must tile the data section: sorted by offset, each starts where the last ended. */
function checkTiling(entries: Entry[], dataBytes: number, where: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin < expected) fail(where, `tensor ${JSON.stringify(e.name)} overlaps the one before it (bytes ${e.begin}..${e.end})`);
    if (e.begin > expected) fail(where, `bytes ${expected}..${e.begin} before tensor ${JSON.stringify(e.name)} belong to no tensor`);
    expected = e.end;
  }
  if (expected !== dataBytes) fail(where, `the data section has ${dataBytes - expected} bytes after the last tensor`);
}

function readHeader(source: ByteSource, where: string): { header: Record<string, unknown>; dataStart: number } {
  if (source.size < 8) fail(where, `${source.size} bytes is too short for a safetensors file (it starts with an 8-byte header length)`);
  const length = new DataView(source.read(0, 8).buffer).getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, source.size - 8))) {
    fail(where, `the header length ${length} is past the end of the ${source.size}-byte file or over ${MAX_HEADER_BYTES} bytes; not a safetensors file?`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(source.read(8, Number(length)));
  } catch {
    fail(where, "the header is not valid UTF-8");
  }
  let header: unknown;
  try {
    if (!text.startsWith("{")) throw new Error("it does not start with '{'");
    header = JSON.parse(text);
  } catch (e) {
    fail(where, `the header is not a JSON object: ${(e as Error).message.slice(0, 100)}`);
  }
  if (!isRecord(header)) fail(where, "the header is not a JSON object");
  return { header, dataStart: 8 + Number(length) };
}

function readMetadata(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) fail(where, `${METADATA_KEY} must map strings to strings`);
  return Object.fromEntries(Object.entries(value)) as Record<string, string>;
}

/** Converts one tensor's bytes, exactly, into the dtype that holds them. */
function readTensor(source: ByteSource, dataStart: number, e: Entry, where: string): Tensor {
  const elements = (e.end - e.begin) / e.type.bytes;
  checkTensorSize(elements, e.type.dtype, `${where}: tensor ${JSON.stringify(e.name)}`, e.shape);
  const bytes = source.read(dataStart + e.begin, e.end - e.begin);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = e.type.dtype === "float64" ? new Float64Array(elements) : new Float32Array(elements);
  try {
    for (let i = 0; i < elements; i++) out[i] = e.type.read(view, i);
  } catch (error) {
    fail(where, `tensor ${JSON.stringify(e.name)} holds the integer ${(error as Error).message}, which float64 cannot hold exactly`);
  }
  return new ArrayTensor(out, e.shape);
}

function decode(source: ByteSource, where: string): Safetensors {
  const { header, dataStart } = readHeader(source, where);
  const dataBytes = source.size - dataStart;
  const entries = Object.entries(header).filter(([name]) => name !== METADATA_KEY).map(([name, value]) => readEntry(name, value, dataBytes, where));
  checkTiling(entries, dataBytes, where);
  const metadata = readMetadata(header[METADATA_KEY], where);
  // fromEntries defines each name as an own property, "__proto__" included.
  const tensors = Object.fromEntries(entries.map((e) => [e.name, readTensor(source, dataStart, e, where)]));
  return { tensors, metadata };
}

/**
 * Reads safetensors bytes already in memory (for example fetched in a browser).
 * @example
 * const bytes = nb.io.encodeSafetensors({ w: nb.tensor([[1, 2]], { dtype: "float32" }) }, { by: "nabla" });
 * const { tensors, metadata } = nb.io.decodeSafetensors(bytes);
 * [tensors.w!.dtype, tensors.w!.toArray(), metadata.by]; // => ["float32", [[1, 2]], "nabla"]
 */
export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  return decode(memoryBytes(bytes), "decodeSafetensors");
}

/**
 * Reads a safetensors file (Node only): its tensors by name. float64 and float32 load exactly
 * as stored; F16, BF16, 8- and 16-bit integers and BOOL become float32, 32-bit integers and
 * 64-bit integers up to 2⁵³ float64, all exactly; other dtypes are refused by name.
 * @example
 * typeof nb.io.loadSafetensors; // => "function"
 */
export function loadSafetensors(path: string): Record<string, Tensor> {
  return readSafetensors(path).tensors;
}

/**
 * Reads a safetensors file with its `__metadata__` (Node only).
 * @example
 * typeof nb.io.readSafetensors; // => "function"
 */
export function readSafetensors(path: string): Safetensors {
  const source = openBytes(path, "loadSafetensors");
  try {
    return decode(source, `loadSafetensors: ${path}`);
  } finally {
    source.close();
  }
}

function checkInput(tensors: unknown, metadata: unknown, where: string): [string, Tensor][] {
  if (!isRecord(tensors)) fail(where, "tensors must be a plain object of name → Tensor");
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) fail(where, `${JSON.stringify(name)} is not a Tensor`);
    if (name === METADATA_KEY || name === "") fail(where, `${JSON.stringify(name)} cannot name a tensor in safetensors`);
  }
  if (metadata !== undefined && (!isRecord(metadata) || !Object.values(metadata).every((v) => typeof v === "string"))) {
    fail(where, "metadata must map strings to strings");
  }
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) as [string, Tensor][];
}

/**
 * Tensors as safetensors bytes: float64 as F64 and float32 as F32, in name order, with the
 * header padded to 8 bytes so every tensor's data is aligned.
 * @example
 * const bytes = nb.io.encodeSafetensors({ b: nb.zeros([2]) });
 * new DataView(bytes.buffer).getBigUint64(0, true) % 8n; // => 0n
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const entries = checkInput(tensors, metadata, "saveSafetensors");
  const header: Record<string, unknown> = metadata ? { [METADATA_KEY]: metadata } : {};
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = t.size * (t.dtype === "float64" ? 8 : 4);
    Object.defineProperty(header, name, { value: { dtype: t.dtype === "float64" ? "F64" : "F32", shape: t.shape, data_offsets: [offset, offset + bytes] }, enumerable: true });
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const [, t] of entries) {
    const values = t.values();
    const step = t.dtype === "float64" ? 8 : 4;
    for (let i = 0; i < values.length; i++, at += step) {
      if (step === 8) view.setFloat64(at, values[i]!, true);
      else view.setFloat32(at, values[i]!, true);
    }
  }
  return out;
}

/**
 * Writes tensors as a safetensors file (Node only) that PyTorch's and Hugging Face's readers
 * load; float64 and float32 are stored exactly. An existing file is replaced only with
 * `{overwrite: true}`, and then only a regular file.
 * @example
 * typeof nb.io.saveSafetensors; // => "function"
 */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>, options: { overwrite?: boolean } = {}): void {
  writeTextFile(path, encodeSafetensors(tensors, metadata), { overwrite: options.overwrite ?? false, where: "saveSafetensors" });
}
