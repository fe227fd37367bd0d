// The MLP step of bench/mlp.js, nabla (eager and nb.jit) beside PyTorch (torch_bench.py's
// idiomatic step, one thread), each in a long-lived process of its own, fresh and after a mixed
// workload (nablaMixedWorkload, PyTorch's mixed_workload: what a long-lived program does before
// it trains), all six timed in ALTERNATING rounds: on a shared machine whose speed drifts by 2×
// within minutes, only ratios taken round by round mean anything (issue 18).
//   node --expose-gc bench/mlp-rounds.js [--rounds=8] [--steps=40]
// Prints, per process, the median wall and CPU milliseconds per step (CPU: all of the process's
// threads, getrusage / process_time, which preemption by other processes does not inflate), the median over rounds of mixed ÷ fresh (> 1: slower after the mixed workload) and
// of PyTorch's time ÷ nabla's in the same setting (> 1: nabla faster).
// Internally `--serve=<eager|jit>` (with `--mixed`) makes this script a nabla child: it reads
// a step count per line on stdin and answers {wallMs, cpuMs} per step.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import os from "node:os";
import { MLP_LABELS, MLP_X, nablaMixedWorkload, nablaMlp } from "./mlp.js";
import { median } from "./peers.js";

const args = process.argv.slice(2);
const option = (name, fallback) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const MIXED = args.includes("--mixed");
const SERVE = args.find((a) => a.startsWith("--serve="))?.split("=")[1];

async function serve(variant) {
  const nb = await import("../dist/node.js");
  if (MIXED) nablaMixedWorkload(nb);
  const mlp = nablaMlp(nb, "float32", { jit: variant === "jit" });
  for (let i = 0; i < 20; i++) mlp.step();
  process.stdout.write("ready\n");
  for await (const line of createInterface({ input: process.stdin })) {
    const steps = Number(line);
    const c0 = process.cpuUsage(), t0 = performance.now();
    for (let i = 0; i < steps; i++) mlp.step();
    const wallMs = (performance.now() - t0) / steps;
    const cpu = process.cpuUsage(c0);
    process.stdout.write(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1e3 / steps }) + "\n");
  }
  mlp.check();
}

/** A long-lived child answering one JSON line per request line. */
function child(command, argv, env) {
  const proc = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${command} ended early`);
    return value;
  };
  return {
    ready: next,
    async run(steps) {
      proc.stdin.write(`${steps}\n`);
      return JSON.parse(await next());
    },
    close: () => proc.stdin.end(),
  };
}


async function drive() {
  const rounds = option("rounds", 8), steps = option("steps", 40);
  const data = join(os.tmpdir(), `nabla-mlp-rounds-${process.pid}.f64`);
  writeFileSync(data, new Uint8Array(MLP_X.buffer));
  const script = new URL(import.meta.url).pathname;
  const torchScript = new URL("./torch_bench.py", import.meta.url).pathname;
  const oneThread = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const engines = {};
  for (const setting of ["fresh", "mixed"]) {
    const mixed = setting === "mixed";
    for (const variant of ["eager", "jit"]) {
      engines[`nabla ${variant}, ${setting}`] = child(process.execPath, ["--expose-gc", script, `--serve=${variant}`, ...(mixed ? ["--mixed"] : [])]);
    }
    const torchCase = { id: "0", kind: "serve", dtype: "float32", labels: MLP_LABELS, data, mixed };
    engines[`torch, ${setting}`] = child("/usr/bin/python3", [torchScript, JSON.stringify([torchCase])], oneThread);
  }
  for (const e of Object.values(engines)) await e.ready();
  rmSync(data, { force: true });
  const results = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [k, e] of Object.entries(engines)) results[k].push(await e.run(steps));
  }
  for (const e of Object.values(engines)) e.close();
  /** Median over rounds of a's time ÷ b's, on wall and CPU time. */
  const ratio = (a, b) => ["wallMs", "cpuMs"].map((u) => median(results[a].map((x, i) => x[u] / results[b][i][u])).toFixed(2));
  console.log(`MLP step f32, batch 128; ${rounds} alternating rounds of ${steps} steps; load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  for (const [k, rs] of Object.entries(results)) {
    const [engine, setting] = k.split(", ");
    const slowdown = setting === "mixed" ? ratio(k, `${engine}, fresh`) : null;
    const speedup = engine === "torch" ? null : ratio(`torch, ${setting}`, k);
    console.log(`  ${k.padEnd(19)} wall ${median(rs.map((x) => x.wallMs)).toFixed(2)} ms/step, cpu ${median(rs.map((x) => x.cpuMs)).toFixed(2)} ms/step` +
      (slowdown ? `; mixed ÷ fresh: wall ${slowdown[0]}, cpu ${slowdown[1]}` : "") +
      (speedup ? `; speedup over torch: wall ${speedup[0]}×, cpu ${speedup[1]}×` : ""));
  }
}

await (SERVE ? serve(SERVE) : drive());
