/** No manual memory management: graphs are released when unreachable, so memory stays flat. */
import { expect, test } from "vitest";
import * as nb from "../src/index.js";

const gc = (globalThis as { gc?: () => void }).gc;

test("10,000 grad calls on a 100×100 problem leave the heap flat", () => {
  expect(gc, "vitest.config.ts must run tests with --expose-gc").toBeDefined();
  const w = nb.randn([100, 100], { seed: 1 });
  const x = nb.randn([100, 1], { seed: 2 });
  const loss = (w: nb.Tensor) => nb.sum(nb.tanh(nb.matmul(w, x)));
  const run = (n: number) => {
    for (let i = 0; i < n; i++) nb.grad(loss)(w);
  };
  const heap = () => {
    gc!();
    gc!();
    return process.memoryUsage().heapUsed;
  };
  run(500); // warm up compiled code and caches
  const before = heap();
  run(10_000);
  const after = heap();
  // Each call allocates over 80 kB of gradient; a leak of even 1% per call would add 8 MB.
  expect(after - before).toBeLessThan(4 * 1024 * 1024);
});
