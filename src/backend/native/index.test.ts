/**
 * The native backend's memory advice: large output buffers are marked for transparent huge
 * pages (the kernel's own record, /proc/self/smaps, shows the flag), their contents are
 * untouched by the advice, and buffers too small to be fresh mappings are left alone.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { DEFAULT_BINARY, adviseHugePages, loadNativeBackend } from "./index.js";

const built = existsSync(DEFAULT_BINARY);
if (built) loadNativeBackend();

/** Sizes in bytes of the mappings the kernel has marked for huge pages (VmFlags "hg"). */
function hugePageMappings(): number[] {
  const sizes: number[] = [];
  let size = 0;
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const kb = /^Size:\s+(\d+) kB/.exec(line);
    if (kb) size = Number(kb[1]) * 1024;
    if (line.startsWith("VmFlags:") && line.split(/\s+/).includes("hg")) sizes.push(size);
  }
  return sizes;
}

describe.runIf(built)("adviseHugePages", () => {
  const MB = 1 << 20;

  test.runIf(process.platform === "linux")("marks a buffer of 70 MB for huge pages and keeps what it holds", () => {
    const before = hugePageMappings().filter((s) => s >= 60 * MB).length;
    const buffer = Buffer.allocUnsafeSlow(70 * MB).buffer as ArrayBuffer;
    const view = new Float64Array(buffer);
    view[0] = 1.5;
    view[view.length - 1] = -2.5;
    expect(adviseHugePages(buffer)).toBe(buffer);
    // The advised interior: the 2 MB-aligned part of 70 MB, at least 66 MB.
    expect(hugePageMappings().filter((s) => s >= 60 * MB).length).toBe(before + 1);
    view.fill(3, 1, view.length - 1);
    expect([view[0], view[1], view[view.length - 2], view[view.length - 1]]).toEqual([1.5, 3, 3, -2.5]);
  });

  test.runIf(process.platform === "linux")("leaves a buffer of 8 MB (served from the reused heap) alone", () => {
    const before = hugePageMappings().length;
    const buffer = Buffer.allocUnsafeSlow(8 * MB).buffer as ArrayBuffer;
    expect(adviseHugePages(buffer)).toBe(buffer);
    expect(hugePageMappings().length).toBe(before);
  });
});
