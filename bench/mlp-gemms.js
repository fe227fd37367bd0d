// The eight matrix products of one training step of bench/mlp.js's 784-256-128-10 MLP
// (float32, batch 128), with the operand strides nabla's step passes to the native GEMM
// (logged from addon.gemm: the backward pass multiplies transposed views in place), timed
// on the native addon at one and two threads beside torch.mm on one thread (OpenBLAS) with
// the same transposes, in ALTERNATING rounds (nabla 1T, nabla 2T, torch, …), so that all
// engines see the same machine load (issue 18).
//   node bench/mlp-gemms.js [--rounds=7] [--baseline=path/to/other/nabla.node] [--squares]
// --baseline adds another build of the addon (e.g. main's) to the rounds: before/after in one run.
// --squares times the bench's matmul rows instead (n×n·n×n, n = 64, 256, 1024, both dtypes).
// Prints per GEMM the median µs per call of each engine and the median over rounds of each
// engine's time ÷ torch's (< 1: nabla faster), then the same for the sum of the eight.
import { spawn } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import os from "node:os";
import { join } from "node:path";
import { median, randomArray } from "./peers.js";

const args = process.argv.slice(2);
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const ROUNDS = Number(option("rounds", 7));
const BASELINE = option("baseline", "");

// [name, m, k, n, A transposed, B transposed, dtype]: C[m×n] = A·B, a transposed operand
// stored as its transpose, contiguous (as the step's tensors are). Batch 128; d = 784, 256, 128, 10.
const STEP = [
  ["x·W1", 128, 784, 256, false, false],
  ["h1·W2", 128, 256, 128, false, false],
  ["h2·W3", 128, 128, 10, false, false],
  ["g3·W3ᵀ", 128, 10, 128, false, true],
  ["h2ᵀ·g3", 128, 128, 10, true, false],
  ["g2·W2ᵀ", 128, 128, 256, false, true],
  ["h1ᵀ·g2", 256, 128, 128, true, false],
  ["xᵀ·g1", 784, 128, 256, true, false],
].map((g) => [...g, "float32"]);
const SQUARES = ["float32", "float64"].flatMap((dtype) => [64, 256, 1024].map((n) => [`n=${n} ${dtype}`, n, n, n, false, false, dtype]));
const GEMMS = args.includes("--squares") ? SQUARES : STEP;

/** Calls per timed sample: enough for ~1 ms of work at ~50 GFLOP/s. */
const callsFor = (m, k, n) => Math.max(2, Math.round(25e6 / (m * k * n)));
const SAMPLES = 5;

const PYTHON = `
import sys, json, time, torch
torch.set_num_threads(1)
gemms = json.loads(sys.argv[1])
ops = []
for i, (name, m, k, n, ta, tb, dtype) in enumerate(gemms):
    g = torch.Generator().manual_seed(i)
    dt = torch.float64 if dtype == "float64" else torch.float32
    a = torch.rand(k, m, generator=g, dtype=dt).t() if ta else torch.rand(m, k, generator=g, dtype=dt)
    b = torch.rand(n, k, generator=g, dtype=dt).t() if tb else torch.rand(k, n, generator=g, dtype=dt)
    ops.append((a, b, torch.empty(m, n, dtype=dt), max(2, round(25e6 / (m * k * n)))))
print("ready", flush=True)
for line in sys.stdin:
    out = []
    for a, b, c, calls in ops:
        torch.mm(a, b, out=c)
        s = []
        for _ in range(${SAMPLES}):
            t0 = time.perf_counter()
            for _ in range(calls): torch.mm(a, b, out=c)
            s.append((time.perf_counter() - t0) * 1e6 / calls)
        s.sort(); out.append(s[len(s) // 2])
    print(json.dumps(out), flush=True)
`;

function torchEngine() {
  const py = spawn("/usr/bin/python3", ["-c", PYTHON, JSON.stringify(GEMMS)], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error("the torch child ended early");
    return value;
  };
  return {
    ready: next,
    async run() {
      py.stdin.write("run\n");
      return JSON.parse(await next());
    },
    close: () => py.stdin.end(),
  };
}

/** One addon at a fixed thread count: the GEMMs on operands strided as nabla's step passes them. */
function nablaEngine(addon, threads) {
  const ops = GEMMS.map(([, m, k, n, ta, tb, dtype], i) => {
    const Ctor = dtype === "float64" ? Float64Array : Float32Array;
    const a = randomArray(m * k, Ctor, 2 * i + 1);
    const b = randomArray(k * n, Ctor, 2 * i + 2);
    const c = new Ctor(m * n);
    const [ars, acs] = ta ? [1, m] : [k, 1];
    const [brs, bcs] = tb ? [1, k] : [n, 1];
    return { call: () => addon.gemm(a, 0, ars, acs, b, 0, brs, bcs, c, 0, m, k, n), calls: callsFor(m, k, n) };
  });
  return {
    ready: async () => {},
    async run() {
      const old = addon.setThreads(threads);
      const out = ops.map(({ call, calls }) => {
        call();
        const s = [];
        for (let r = 0; r < SAMPLES; r++) {
          const t0 = performance.now();
          for (let j = 0; j < calls; j++) call();
          s.push(((performance.now() - t0) * 1e3) / calls);
        }
        return median(s);
      });
      addon.setThreads(old);
      return out;
    },
    close: () => {},
  };
}

/** Loads an addon from a private copy: two builds of one file name would otherwise be one module. */
function loadAddon(path, tag) {
  const copy = join(os.tmpdir(), `nabla-mlp-gemms-${process.pid}-${tag}.node`);
  copyFileSync(path, copy);
  const addon = createRequire(import.meta.url)(copy);
  rmSync(copy, { force: true });
  return addon;
}

const current = loadAddon(new URL("../native/build/Release/nabla.node", import.meta.url).pathname, "current");
const engines = { "nabla 1T": nablaEngine(current, 1), "nabla 2T": nablaEngine(current, 2) };
if (BASELINE) {
  const base = loadAddon(BASELINE, "baseline");
  engines["base 1T"] = nablaEngine(base, 1);
  engines["base 2T"] = nablaEngine(base, 2);
}
engines["torch 1T"] = torchEngine();
for (const e of Object.values(engines)) await e.ready();

const results = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [k, e] of Object.entries(engines)) results[k].push(await e.run());
}
for (const e of Object.values(engines)) e.close();

const names = Object.keys(engines).filter((k) => k !== "torch 1T");
const sum = (xs) => xs.reduce((s, x) => s + x, 0);
/** Median over rounds of engine's µs ÷ torch's for GEMM g (or the sum when g is null). */
const ratio = (k, g) => median(results[k].map((x, r) => (g === null ? sum(x) / sum(results["torch 1T"][r]) : x[g] / results["torch 1T"][r][g])));
const us = (k, g) => median(results[k].map((x) => (g === null ? sum(x) : x[g])));
console.log(`${GEMMS === STEP ? "MLP step GEMMs, float32" : "square matmuls"}; ${ROUNDS} alternating rounds; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}; isa ${current.isa}`);
console.log(`µs per call (median over rounds) and ÷ torch 1T (median of per-round ratios; < 1: nabla faster)`);
console.log(`${"GEMM".padEnd(18)}${"torch 1T".padStart(10)}${names.map((k) => `${k.padStart(10)}${"÷torch".padStart(8)}`).join("")}`);
const row = (label, g) =>
  console.log(`${label.padEnd(18)}${us("torch 1T", g).toFixed(1).padStart(10)}${names.map((k) => `${us(k, g).toFixed(1).padStart(10)}${ratio(k, g).toFixed(2).padStart(8)}`).join("")}`);
GEMMS.forEach(([name, m, k, n], g) => row(GEMMS === STEP ? `${name} ${m}·${k}·${n}`.slice(0, 17) : name, g));
row("sum", null);
