/**
 * safetensors: exact round trips, files written by an independent implementation of the
 * specification (test/fixtures/safetensors/reference.py, Python struct/json/numpy/torch), our
 * files read by it, and every malformed file refused with a NablaError before allocating.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { refusal } from "../../test/helpers.js";

const fixtures = fileURLToPath(new URL("../../test/fixtures/safetensors/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nabla-st-"));

/** The tensors of nabla-written.safetensors (edge values of both dtypes, an empty and a rank-0 tensor). */
function nablaTensors(): Record<string, nb.Tensor> {
  return {
    "layer.weight": nb.tensor([[0.1, -0, 1e-310], [1.7976931348623157e308, Math.PI, -2.5]]),
    bias: nb.tensor([1.5, -2.25, 3.4028234663852886e38, 1e-45], { dtype: "float32" }),
    empty: nb.zeros([0, 3]),
    scalar: nb.scalar(-7, { dtype: "float32" }),
  };
}
const METADATA = { format: "pt", source: "nabla" };

/** A file from a header object and a data section, with the header length given or computed. */
function forge(header: unknown, data: Uint8Array = new Uint8Array(0), length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe("round trips", () => {
  test("float64 and float32 round-trip bit for bit, with shapes, dtypes and metadata", () => {
    const path = join(dir, "round.safetensors");
    nb.io.saveSafetensors(path, nablaTensors(), METADATA);
    const { tensors, metadata } = nb.io.readSafetensors(path);
    expect(metadata).toEqual(METADATA);
    for (const [name, t] of Object.entries(nablaTensors())) {
      const back = tensors[name]!;
      expect([back.dtype, back.shape]).toEqual([t.dtype, t.shape]);
      expect(Array.from(back.values()).map((v) => Object.is(v, -0) ? "-0" : v)).toEqual(Array.from(t.values()).map((v) => Object.is(v, -0) ? "-0" : v));
    }
    expect(Object.keys(nb.io.loadSafetensors(path)).sort()).toEqual(["bias", "empty", "layer.weight", "scalar"]);
  });

  test("our bytes are the committed file that Python's independent reader read", () => {
    const bytes = nb.io.encodeSafetensors(nablaTensors(), METADATA);
    expect(Buffer.from(bytes).equals(readFileSync(join(fixtures, "nabla-written.safetensors")))).toBe(true);
    const python = JSON.parse(readFileSync(join(fixtures, "nabla-written.read-by-python.json"), "utf8")) as {
      metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>; headerLength: number;
    };
    expect(python.metadata).toEqual(METADATA);
    expect(python.headerLength % 8).toBe(0);
    for (const [name, t] of Object.entries(nablaTensors())) {
      const seen = python.tensors[name]!;
      expect([seen.dtype, seen.shape]).toEqual([t.dtype === "float64" ? "F64" : "F32", t.shape]);
      expect(seen.values).toEqual(Array.from(t.values()));
    }
  });

  test("a file written by Python: every dtype converted exactly (values from numpy and torch)", () => {
    const { tensors, metadata } = nb.io.readSafetensors(join(fixtures, "python-written.safetensors"));
    const expected = JSON.parse(readFileSync(join(fixtures, "python-written.expected.json"), "utf8")) as Record<string, number[]>;
    expect(metadata).toEqual({ format: "pt", writer: "reference.py" });
    for (const [name, values] of Object.entries(expected)) expect(Array.from(tensors[name]!.values()), name).toEqual(values);
    expect(tensors.f64!.dtype).toBe("float64");
    expect(tensors.f16!.dtype).toBe("float32");
    expect(tensors.i64!.dtype).toBe("float64");
    expect(tensors.u8!.shape).toEqual([1, 2]);
    expect(tensors.empty!.shape).toEqual([0, 4]);
  });
});

describe("malformed files are refused without large allocations", () => {
  const f64 = (n: number) => new Uint8Array(8 * n);
  test.each([
    ["too short", new Uint8Array(5), "too short"],
    ["a header length of 2^63", forge({}, new Uint8Array(0), 2n ** 63n), "past the end"],
    ["a header length past the end", forge({}, new Uint8Array(0), 1000n), "past the end"],
    ["a header that is not JSON", forge("{not json"), "not a JSON object"],
    ["a header that is an array", forge("[1, 2]"), "not a JSON object"],
    ["a header that is not UTF-8", Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0x7d), "not valid UTF-8"],
    ["an unsupported dtype, by name", forge({ t: { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), 'dtype "F8_E4M3"'],
    ["a shape that does not match the offsets", forge({ t: { dtype: "F64", shape: [3], data_offsets: [0, 16] } }, f64(2)), "needs 24 bytes"],
    ["a huge shape", forge({ t: { dtype: "F64", shape: [2 ** 40, 2 ** 20], data_offsets: [0, 8] } }, f64(1)), "needs"],
    ["overlapping tensors", forge({ a: { dtype: "F64", shape: [2], data_offsets: [0, 16] }, b: { dtype: "F64", shape: [1], data_offsets: [8, 16] } }, f64(2)), "overlaps"],
    ["a hole between tensors", forge({ a: { dtype: "F64", shape: [1], data_offsets: [0, 8] }, b: { dtype: "F64", shape: [1], data_offsets: [16, 24] } }, f64(3)), "belong to no tensor"],
    ["bytes after the last tensor", forge({ a: { dtype: "F64", shape: [1], data_offsets: [0, 8] } }, f64(2)), "after the last tensor"],
    ["offsets past the data", forge({ a: { dtype: "F64", shape: [4], data_offsets: [0, 32] } }, f64(1)), "truncated"],
    ["negative or reversed offsets", forge({ a: { dtype: "F64", shape: [1], data_offsets: [8, 0] } }, f64(1)), "begin ≤ end"],
    ["metadata that is not strings", forge({ __metadata__: { a: 1 } }), "map strings to strings"],
    ["an unknown field", forge({ a: { dtype: "F64", shape: [1], data_offsets: [0, 8], extra: 1 } }, f64(1)), 'unknown field "extra"'],
  ])("%s", (_label, bytes, message) => {
    expect(refusal(() => nb.io.decodeSafetensors(bytes))).toContain(message);
  });

  test("64-bit integers past 2^53 are refused, not rounded", () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigInt64(0, 2n ** 53n + 1n, true);
    expect(refusal(() => nb.io.decodeSafetensors(forge({ i: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, data)))).toContain("9007199254740993");
  });

  test("a tensor over maxTensorBytes is refused before it is read", () => {
    nb.config({ maxTensorBytes: 64 });
    try {
      expect(refusal(() => nb.io.decodeSafetensors(forge({ a: { dtype: "F64", shape: [9], data_offsets: [0, 72] } }, f64(9))))).toContain("maxTensorBytes");
    } finally {
      nb.config({ maxTensorBytes: 2 ** 31 });
    }
  });
});

describe("files", () => {
  test("an existing file is replaced only with overwrite, and a missing file is named", () => {
    const path = join(dir, "keep.safetensors");
    writeFileSync(path, "precious");
    expect(refusal(() => nb.io.saveSafetensors(path, { a: nb.ones([2]) }))).toContain("already exists");
    expect(readFileSync(path, "utf8")).toBe("precious");
    nb.io.saveSafetensors(path, { a: nb.ones([2]) }, undefined, { overwrite: true });
    expect(nb.io.loadSafetensors(path).a!.toArray()).toEqual([1, 1]);
    expect(refusal(() => nb.io.loadSafetensors(join(dir, "missing.safetensors")))).toContain("no such file");
    expect(existsSync(join(dir, "missing.safetensors"))).toBe(false);
  });
  test("names and values are checked on save", () => {
    expect(refusal(() => nb.io.encodeSafetensors({ __metadata__: nb.ones([1]) }))).toContain("cannot name a tensor");
    expect(refusal(() => nb.io.encodeSafetensors({ a: [1, 2] as unknown as nb.Tensor }))).toContain("is not a Tensor");
    const proto = JSON.parse('{"__proto__": 1}') as Record<string, number>;
    const bytes = nb.io.encodeSafetensors({ ["__proto__"]: nb.ones([1]) } as Record<string, nb.Tensor>);
    expect(Object.keys(nb.io.decodeSafetensors(bytes).tensors)).toEqual(Object.keys(proto));
  });
});
