// Times the workloads of issue 18 that the vector math kernels and the native threads target,
// float64, 10⁶ elements (--elements=N for another size), beside PyTorch (one thread) in
// ALTERNATING rounds in one run, as the machine is shared and its speed drifts: value +
// gradient of sum(sin(x)·x) (eager and nb.jit), tanh(x)·x + 1 (eager and nb.jit) and two
// copies of the array, the memory-bandwidth floor: the native backend's identity kernel (the
// same call path, output allocation and threads as a unary op) and Float64Array.slice (one
// memcpy), and tanh(x) alone, the floor of any loop over tanh(x)·x + 1 built on the tanh
// kernel. Every nabla row runs with the default threads (all cores) and with one. Prints
// medians of 15 rounds after 3 warm-ups, and each row's speedup over PyTorch's counterpart
// (> 1: nabla faster).
// Run as `node --expose-gc bench/transcendentals.js` (see timeOnce); at 10⁶ the arrays fit
// in this machine's L3, so the copy measures the cache's bandwidth; at --elements=10000000
// they do not, and it measures memory's.
// `NABLA_NATIVE_BINARY=path` times another build of the addon; `--no-torch` skips PyTorch.
// Needs `npm run build` first.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import * as nb from "../dist/node.js";
import { backend } from "../dist/backend/registry.js";
import { nativeIsa, setNativeThreads } from "../dist/backend/native/index.js";
import { median } from "./peers.js";

const ROUNDS = 15;
const elementsArg = process.argv.find((a) => a.startsWith("--elements="));
const ELEMENTS = elementsArg ? Number(elementsArg.slice("--elements=".length)) : 1_000_000;
if (!Number.isSafeInteger(ELEMENTS) || ELEMENTS < 1) {
  console.error(`--elements takes a positive whole number of elements (got ${elementsArg}); for example --elements=10000000`);
  process.exit(2);
}
const WARMUP = 3;

nb.setBackend("native");
const x = uniformOrExit(ELEMENTS);
const data = x.toFloat64Array?.() ?? new Float64Array(x.toArray());
const grad = nb.valueAndGrad((t) => nb.sum(nb.mul(nb.sin(t), t)));
const jitGrad = nb.jit(grad);
const expr = (t) => nb.add(nb.mul(nb.tanh(t), t), 1);
const jitExpr = nb.jit(expr);
const native = backend();
const arrayOf = (t) => native.contiguous(t.value ?? t);

/** [label, nabla's function, PyTorch's case or null] */
const rows = [
  ["valueAndGrad sum(sin(x)·x)", () => grad(x), "valueAndGrad"],
  ["jit valueAndGrad sum(sin(x)·x)", () => jitGrad(x), "valueAndGrad"],
  ["tanh(x)·x + 1", () => expr(x), "tanh"],
  ["jit tanh(x)·x + 1", () => jitExpr(x), "tanh"],
  ["tanh(x) alone (one pass)", () => nb.tanh(x), "tanhAlone"],
  ["copy (native identity kernel)", () => native.unary("identity", arrayOf(x)), "copy"],
  ["copy (Float64Array.slice)", () => data.slice(), "copy"],
];

/** x uniform in [−1, 1); a size nabla refuses (over nb.config's maxTensorBytes) ends the run with its one-line reason. */
function uniformOrExit(n) {
  try {
    return nb.sub(nb.mul(nb.rand([n], { seed: 1 }), 2), 1);
  } catch (e) {
    if (!(e instanceof nb.NablaError)) throw e;
    console.error(`--elements=${n}: ${e.message}`);
    process.exit(2);
  }
}

function startTorch() {
  if (process.argv.includes("--no-torch")) return null;
  const child = spawn("/usr/bin/python3", [new URL("./transcendentals_torch.py", import.meta.url).pathname, String(ELEMENTS)], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => (await lines.next()).value;
  return { child, next, time: async (c) => (child.stdin.write(`${c}\n`), Number(await next())) };
}

// A collection left pending by the rows before would land inside whichever call comes next
// (each call allocates 8 MB: a major GC every few rounds, on the same row each time, which
// read as a 1-thread copy of 4–7 ms); with --expose-gc each call starts after a full one.
// The collection also leaves x and the output out of cache, so every row is a cold-cache call
// (at 10⁶ the addon's copy takes 0.12 ms warm, 0.9 after a gc()): see the README.
function timeOnce(f) {
  globalThis.gc?.();
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}


const torch = startTorch();
const torchInfo = torch ? await torch.next() : "PyTorch skipped";
const defaultThreads = setNativeThreads(1);
setNativeThreads(defaultThreads);
const samples = rows.map(() => ({ all: [], one: [], torch: [] }));
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  for (const [i, [, f, peer]] of rows.entries()) {
    const keep = round >= WARMUP;
    const tAll = timeOnce(f);
    setNativeThreads(1);
    const tOne = timeOnce(f);
    setNativeThreads(defaultThreads);
    const tTorch = torch && peer ? await torch.time(peer) : NaN;
    if (keep) {
      samples[i].all.push(tAll);
      samples[i].one.push(tOne);
      samples[i].torch.push(tTorch);
    }
  }
}
torch?.child.stdin.end();
const { loadavg } = await import("node:os");
console.log(`native isa: ${nativeIsa()}; ${defaultThreads} threads by default; float64, ${ELEMENTS} elements; median ms of ${ROUNDS} alternating rounds`);
console.log(`${torchInfo.replace(/^ready/, "PyTorch")} (version, threads); load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log(`${"".padEnd(32)} ${"default".padStart(8)} ${"1 thread".padStart(8)} ${"PyTorch".padStart(8)}  speedup vs PyTorch (default, 1 thread)`);
for (const [i, [name]] of rows.entries()) {
  const [a, o, t] = [median(samples[i].all), median(samples[i].one), median(samples[i].torch)];
  const ratio = Number.isNaN(t) ? "" : `${(t / a).toFixed(2)}×, ${(t / o).toFixed(2)}×`;
  console.log(`${name.padEnd(32)} ${a.toFixed(2).padStart(8)} ${o.toFixed(2).padStart(8)} ${t.toFixed(2).padStart(8)}  ${ratio}`);
}
// Issue 18's bar: the jitted loop within 1.2× of the copy. tanh alone is a floor for it (one
// pass, the kernel's own arithmetic): if that is above 1.2×, no fusion can reach the bar.
// Ratios are taken round by round (both timed in the same round, same threads), then the median.
const rowOf = (label) => rows.findIndex(([name]) => name === label);
const perRound = (i, j, key) => median(samples[i][key].map((t, r) => t / samples[j][key][r]));
const copy = rowOf("copy (native identity kernel)");
for (const label of ["jit tanh(x)·x + 1", "tanh(x) alone (one pass)"]) {
  const i = rowOf(label);
  console.log(`${label} ÷ copy (native identity kernel), same round: ${perRound(i, copy, "all").toFixed(2)} (default threads), ${perRound(i, copy, "one").toFixed(2)} (1 thread)`);
}
