// Adam's update alone (issue 18): nb.optim.adam's step on the 784-256-128-10 MLP's parameters
// (float32, 235,146 weights in six leaves, gradients fixed) beside torch.optim.Adam's step() on
// the same shapes (bench/adam_torch.py, a long-lived child on one thread), and beside nabla's own
// floor: one elementwise pass over 235k floats (nb.mul by a number: read one array, write one).
// All three are timed in ALTERNATING rounds and each round's ratios taken, because the shared
// machine's speed drifts within minutes; wall and CPU time both (CPU: all of the process's
// threads, which preemption by other processes does not inflate; nabla may use two).
//   node --expose-gc bench/adam-rounds.js [--rounds=8] [--calls=200]
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import os from "node:os";
import { MLP } from "./mlp.js";
import { median, randomNormal } from "./peers.js";

const args = process.argv.slice(2);
const option = (name, fallback) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);

const nb = await import("../dist/node.js");
const [d0, d1, d2, d3] = MLP.sizes;
const shapes = { w1: [d0, d1], b1: [d1], w2: [d1, d2], b2: [d2], w3: [d2, d3], b3: [d3] };
const tree = (seed, scale) => Object.fromEntries(Object.entries(shapes).map(([k, s], i) =>
  [k, nb.tensor(Float32Array.from(randomNormal(s.reduce((a, b) => a * b, 1), seed + i), (v) => v * scale), { shape: s })]));
const grads = tree(100, 1e-2);
const opt = nb.optim.adam({ lr: MLP.lr });
let params = tree(1, 1);
let state = opt.init(params);
const adamStep = () => ({ params, state } = opt.step(params, grads, state));
const all = nb.tensor(Float32Array.from(randomNormal(235_146, 9)));
const floor = () => nb.mul(all, 1.5);

const torch = spawn("/usr/bin/python3", [new URL("./adam_torch.py", import.meta.url).pathname], {
  env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  stdio: ["pipe", "pipe", "inherit"],
});
const lines = createInterface({ input: torch.stdout })[Symbol.asyncIterator]();
const nextLine = async () => (await lines.next()).value;
const torchTimes = async (calls) => {
  torch.stdin.write(`${calls}\n`);
  return JSON.parse(await nextLine());
};
const nablaTimes = (fn, calls) => {
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  const cpu = process.cpuUsage(c0);
  return { wallMs: (performance.now() - t0) / calls, cpuMs: (cpu.user + cpu.system) / 1e3 / calls };
};

await nextLine();
const rounds = option("rounds", 8), calls = option("calls", 200);
for (let i = 0; i < 50; i++) adamStep(), floor();
const rows = { adam: [], torch: [], floor: [] };
for (let r = 0; r < rounds; r++) {
  rows.adam.push(nablaTimes(adamStep, calls));
  rows.torch.push(await torchTimes(calls));
  rows.floor.push(nablaTimes(floor, calls));
}
torch.stdin.end();
const med = (name, key) => median(rows[name].map((x) => x[key]));
const ratio = (a, b, key) => median(rows[a].map((x, i) => x[key] / rows[b][i][key]));
const us = (ms) => `${(1e3 * ms).toFixed(0)} µs`.padStart(8);
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}; ${rounds} rounds of ${calls} calls, medians (wall, CPU)`);
console.log(`nabla adam step      ${us(med("adam", "wallMs"))} ${us(med("adam", "cpuMs"))}`);
console.log(`torch.optim.Adam     ${us(med("torch", "wallMs"))} ${us(med("torch", "cpuMs"))}`);
console.log(`nabla 235k-float mul ${us(med("floor", "wallMs"))} ${us(med("floor", "cpuMs"))}`);
console.log(`torch ÷ nabla (> 1: nabla faster): wall ${ratio("torch", "adam", "wallMs").toFixed(2)}×, CPU ${ratio("torch", "adam", "cpuMs").toFixed(2)}×; ` +
  `nabla adam ÷ floor: wall ${ratio("adam", "floor", "wallMs").toFixed(2)}×`);
