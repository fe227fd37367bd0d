/**
 * The allocator tuning the native addon applies when it loads (native/src/addon.cc,
 * tuneAllocator): a large output that was freed is reused by the next one, so writing it
 * costs no page faults (counted by the kernel, process.resourceUsage). Without the tuning,
 * glibc would unmap the freed block and every 4 KB of the next one would fault.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, test } from "vitest";
import { allocateUninitialized } from "../../tensor/dtype.js";
import { DEFAULT_BINARY } from "./index.js";

const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
const gc = (globalThis as { gc?: () => void }).gc;

test.runIf(existsSync(DEFAULT_BINARY) && glibc !== undefined && gc !== undefined)("a freed 200 MB output is reused: writing the next one costs no page faults", async () => {
  await import("../../node.js"); // loads the addon and installs the allocator of uncleared memory
  const length = 25 * 2 ** 20; // 200 MB of float64
  let first: Float64Array | null = allocateUninitialized("float64", length) as Float64Array;
  first.fill(1);
  first = null;
  gc!();
  gc!();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const before = process.resourceUsage().minorPageFault;
  const second = allocateUninitialized("float64", length);
  second.fill(2);
  // 51,200 pages of 4 KB; a few faults from unrelated work are allowed.
  expect(process.resourceUsage().minorPageFault - before).toBeLessThan(1000);
  expect(second[length - 1]).toBe(2);
});

test.runIf(existsSync(DEFAULT_BINARY))("outputs from 4 KB up start on a 64-byte cache line", async () => {
  await import("../../node.js"); // loads the addon and installs the allocator that aligns through it
  const addon = createRequire(import.meta.url)(DEFAULT_BINARY) as { lineOffset(bytes: Uint8Array): number };
  const bytes = new Uint8Array(256);
  // lineOffset itself: moving the start k bytes on moves the boundary k bytes nearer.
  for (const k of [1, 5, 16, 63, 64, 100]) expect(addon.lineOffset(bytes.subarray(k))).toBe((((addon.lineOffset(bytes) - k) % 64) + 64) % 64);
  const startOf = (a: { buffer: ArrayBufferLike; byteOffset: number }): number => addon.lineOffset(new Uint8Array(a.buffer, a.byteOffset, 1));
  for (const length of [1024, 5000, 32768, 200704]) {
    for (const dtype of ["float32", "float64"] as const) expect(startOf(allocateUninitialized(dtype, length))).toBe(0);
  }
  // Kernel outputs come from it.
  const { registeredBackends } = await import("../registry.js");
  const { ArrayTensor } = await import("../../tensor/tensor.js");
  const x = new ArrayTensor(new Float32Array(32768).fill(1), [128, 256]);
  const native = registeredBackends().find((b) => b.name === "native")!;
  expect(startOf(native.unary("relu", x).contiguousData(false))).toBe(0);
});

test.runIf(existsSync(DEFAULT_BINARY))("the addon's fused loop refuses an index map that reads outside its operand, and lineOffset anything but bytes", () => {
  type Fused = (program: Int32Array, data: Float64Array[], offsets: number[], maps: (Int32Array | null)[], outputs: Float64Array[], sums: Float64Array, n: number) => void;
  const addon = createRequire(import.meta.url)(DEFAULT_BINARY) as { fused: Fused; unaryOps: string[]; lineOffset(bytes: unknown): number };
  // One indexed operand, one step (neg), its value stored: out[i] = −data[offset + map[i]].
  const program = Int32Array.from([1, 1, 1, 0, 2, 0, addon.unaryOps.indexOf("neg"), 0, 0, 0, 0, 1]);
  const data = Float64Array.from([10, 20, 30, 40]);
  const run = (map: number[]): Float64Array => {
    const out = new Float64Array(3);
    addon.fused(program, [data], [1], [Int32Array.from(map)], [out], new Float64Array(0), 3);
    return out;
  };
  expect([...run([2, 0, 1])]).toEqual([-40, -20, -30]); // the last element in bounds is read
  for (const bad of [[0, 3, 1], [-1, 0, 0], [0, 0, 2 ** 31 - 1]]) expect(() => run(bad)).toThrow(/index out of bounds/);
  for (const notBytes of [new Float64Array(8), 64, null]) expect(() => addon.lineOffset(notBytes)).toThrow(/expected a Uint8Array/);
});
