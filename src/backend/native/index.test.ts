/**
 * The allocator tuning the native addon applies when it loads (native/src/addon.cc,
 * tuneAllocator): a large output that was freed is reused by the next one, so writing it
 * costs no page faults (counted by the kernel, process.resourceUsage). Without the tuning,
 * glibc would unmap the freed block and every 4 KB of the next one would fault.
 */
import { existsSync } from "node:fs";
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
