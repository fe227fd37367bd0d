/**
 * The wasm backend in a real headless Chromium: it is the default there, Chromium validates
 * relaxed SIMD (so the fused multiply-add kernels run, which Node 20 cannot test), and those
 * kernels agree with the reference backend within the matmul rounding bound of
 * test/backends.test.ts; its transcendental modules compile on the page and agree too. Serves the built dist/ (npm test builds it first).
 */
import { readFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
let server: Server;
let browser: Browser;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/") return void res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>nabla</title>");
    if (!path.startsWith("/dist/")) return void res.writeHead(404).end();
    try {
      res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(root + path));
    } catch {
      res.writeHead(404).end();
    }
  }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

test("in Chromium the wasm backend is the default, with relaxed SIMD, and agrees with the reference", async () => {
  const page = await browser.newPage();
  await page.goto(url);
  // A string, not a function: vitest would rewrite a function's import() for Node.
  const result = (await page.evaluate(`(async () => {
    const nb = await import("/dist/index.js");
    const wasm = await import("/dist/backend/wasm/index.js");
    const start = nb.getBackend();
    const worst = {};
    for (const dtype of ["float32", "float64"]) {
      const a = nb.randn([65, 300], { seed: 1, dtype }), b = nb.randn([300, 97], { seed: 2, dtype });
      nb.setBackend("wasm");
      const fast = nb.matmul(a, b);
      nb.setBackend("reference");
      worst[dtype] = nb.max(nb.div(nb.abs(nb.sub(fast, nb.matmul(a, b))), nb.matmul(nb.abs(a), nb.abs(b)))).item();
    }
    // The elementwise kernels' modules compile on the page too: each agrees with the reference
    // within the contract's 16u·(1 + |ref|) (erf: the reference's series, 1e-13).
    const x = nb.mul(nb.randn([3000], { seed: 3 }), 3);
    const elementwise = {};
    for (const op of ["exp", "log1p", "sin", "tan", "atan", "tanh", "erf", "sigmoid"]) {
      const arg = op === "log1p" ? nb.abs(x) : x;
      nb.setBackend("wasm");
      const fast = nb[op](arg);
      nb.setBackend("reference");
      const want = nb[op](arg);
      const gap = nb.max(nb.div(nb.abs(nb.sub(fast, want)), nb.add(nb.abs(want), 1))).item();
      elementwise[op] = gap <= (op === "erf" ? 1e-13 : 16 * 2 ** -53);
    }
    return { start, features: wasm.detectWasmFeatures(), worst, elementwise };
  })()`)) as { start: string; features: { simd: boolean; relaxedSimd: boolean }; worst: Record<string, number>; elementwise: Record<string, boolean> };
  expect(result.elementwise).toEqual({ exp: true, log1p: true, sin: true, tan: true, atan: true, tanh: true, erf: true, sigmoid: true });
  expect(result.start).toBe("wasm");
  expect(result.features).toEqual({ simd: true, relaxedSimd: true });
  expect(result.worst["float32"]).toBeLessThan(2 * 300 * 2 ** -24);
  expect(result.worst["float64"]).toBeLessThan(2 * 300 * 2 ** -53);
}, 60_000);
