// The jit-compiled MLP training step (bench/mlp.js nablaMlpCompiled: forward, backward and Adam
// in one nb.jit program) beside nb.jit(valueAndGrad) + Adam and PyTorch's idiomatic step
// (torch_bench.py "serve", one thread), each in a long-lived process, timed in ALTERNATING
// rounds so a loaded machine's drift weighs on all alike (issue 18: "jit-compiled step ≥ 1.5×").
//   node bench/jit-step-rounds.js [--rounds=6] [--steps=30] [--baseline=<a dist/ directory>]
// nabla runs with one thread (NABLA_NUM_THREADS=1) and in its default configuration (2T).
// --baseline adds the compiled step of another build (say, a checkout of main's dist/) to the
// same rounds: a before/after comparison that the machine's drift does not distort.
// Internally `--serve=<compiled|jit>` (with `--dist=<dir>`) makes this script a nabla child
// answering {wallMs, cpuMs} per line of stdin (a step count). Needs dist/ (npm run build) and
// /usr/bin/python3 with torch.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import os from "node:os";
import { MLP_LABELS, MLP_X, nablaMlp, nablaMlpCompiled, timeSteps } from "./mlp.js";
import { median } from "./peers.js";

const args = process.argv.slice(2);
const option = (name, fallback) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const text = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SERVE = text("serve");

async function serve(variant) {
  const nb = await import(new URL(`${text("dist") ?? "../dist"}/node.js`, import.meta.url).href);
  const mlp = variant === "compiled" ? nablaMlpCompiled(nb, "float32") : nablaMlp(nb, "float32", { jit: true });
  for (let i = 0; i < 20; i++) mlp.step();
  mlp.check();
  process.stdout.write("ready\n");
  for await (const line of createInterface({ input: process.stdin })) process.stdout.write(JSON.stringify(timeSteps(mlp, Number(line))) + "\n");
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
  return { ready: next, run: async (steps) => (proc.stdin.write(`${steps}\n`), JSON.parse(await next())), close: () => proc.stdin.end() };
}

async function drive() {
  const rounds = option("rounds", 6), steps = option("steps", 30);
  const data = join(os.tmpdir(), `nabla-jit-rounds-${process.pid}.f64`);
  writeFileSync(data, new Uint8Array(MLP_X.buffer));
  const script = new URL(import.meta.url).pathname;
  const oneThread = { NABLA_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const nabla = (variant, env, dist) => child(process.execPath, ["--expose-gc", script, `--serve=${variant}`, ...(dist ? [`--dist=${dist}`] : [])], env);
  const baseline = text("baseline");
  const engines = {
    ...(baseline ? { "baseline compiled 1T": nabla("compiled", oneThread, resolve(baseline)), "baseline compiled 2T": nabla("compiled", {}, resolve(baseline)) } : {}),
    "compiled 1T": nabla("compiled", oneThread),
    "compiled 2T": nabla("compiled", {}),
    "jit(valueAndGrad) 1T": nabla("jit", oneThread),
    "jit(valueAndGrad) 2T": nabla("jit", {}),
    torch: child("/usr/bin/python3", [new URL("./torch_bench.py", import.meta.url).pathname, JSON.stringify([{ id: "0", kind: "serve", dtype: "float32", labels: MLP_LABELS, data, mixed: false }])], oneThread),
  };
  try {
    for (const e of Object.values(engines)) await e.ready();
  } finally {
    rmSync(data, { force: true });
  }
  const results = Object.fromEntries(Object.keys(engines).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [k, e] of Object.entries(engines)) results[k].push(await e.run(steps));
  for (const e of Object.values(engines)) e.close();
  console.log(`MLP step f32, batch 128; ${rounds} alternating rounds of ${steps} steps; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  for (const [k, rs] of Object.entries(results)) {
    // Median over rounds of torch's time ÷ this engine's (> 1: nabla faster). CPU time (all of a
    // process's threads) is what preemption by other processes inflates least.
    const speedup = (unit) => median(rs.map((x, i) => results.torch[i][unit] / x[unit])).toFixed(2);
    console.log(`  ${k.padEnd(21)} wall ${median(rs.map((x) => x.wallMs)).toFixed(2)} ms/step, cpu ${median(rs.map((x) => x.cpuMs)).toFixed(2)} ms/step` +
      (k === "torch" ? "" : `; speedup over torch: wall ${speedup("wallMs")}×, cpu ${speedup("cpuMs")}×`));
  }
}

await (SERVE ? serve(SERVE) : drive());
