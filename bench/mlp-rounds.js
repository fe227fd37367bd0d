// The MLP training step (bench/mlp.js) on nabla's native backend beside PyTorch (torch_bench.py's
// idiomatic step, one thread), each setting in a long-lived process of its own, started once,
// warmed up, then timed in ALTERNATING rounds: on a shared machine whose speed drifts by 2×
// within minutes, only ratios taken round by round mean anything (issue 18's "same-run ratios,
// long-lived processes"). `npm run bench`'s MLP rows (bench/run.js) take their native and
// PyTorch figures from here; run alone, this script prints every setting's figures:
//   node --expose-gc bench/mlp-rounds.js [--rounds=8] [--steps=40] [--threads=1,<cores>]
// Each process answers, per request of N steps, its wall and CPU milliseconds per step (CPU:
// all of the process's threads, process.cpuUsage / time.process_time, which preemption by
// other processes does not inflate). Rounds run the processes in one order, then the reverse,
// so drift within a round weighs on every process alike.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { MLP_LABELS, MLP_X } from "./mlp.js";
import { median } from "./peers.js";

/**
 * The settings timed in rounds, one bench row each: nabla's three ways to write the step
 * (nb.jit(valueAndGrad) + adam; valueAndGrad eager + adam; the whole step compiled), in a
 * fresh process and after the mixed workload (bench/mlp.js's nablaMixedWorkload, PyTorch's
 * mixed_workload); float64 for nb.jit's fresh step only.
 */
export const MLP_SETTINGS = [
  { dtype: "float32", variant: "jit", mixed: false },
  { dtype: "float64", variant: "jit", mixed: false },
  { dtype: "float32", variant: "eager", mixed: false },
  { dtype: "float32", variant: "eager", mixed: true },
  { dtype: "float32", variant: "jit", mixed: true },
  { dtype: "float32", variant: "compiled", mixed: false },
  { dtype: "float32", variant: "compiled", mixed: true },
];

/** A setting in words, as the bench's row names it: "f32, eager, after a mixed workload". */
export function describeSetting({ dtype, variant, mixed }) {
  const how = { jit: "", eager: ", eager", compiled: ", whole step compiled" }[variant];
  return `${dtype === "float32" ? "f32" : "f64"}${how}${mixed ? ", after a mixed workload" : ""}`;
}

const settingKey = ({ dtype, mixed }) => `${dtype} ${mixed ? "mixed" : "fresh"}`;
/** The process ids: PyTorch's is shared by nabla's variants of one dtype and setting. */
export const torchId = (s) => `torch ${settingKey(s)}`;
export const nablaId = (s, threads) => `nabla ${s.variant} ${settingKey(s)} ${threads}T`;

const MLP_CHILD = new URL("./mlp-child.js", import.meta.url).pathname;
const TORCH_SCRIPT = new URL("./torch_bench.py", import.meta.url).pathname;
const ONE_THREAD = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
const NABLA_PEER = { jit: "nabla-native", eager: "nabla-native-eager", compiled: "nabla-step-native" };

/** The processes for `settings`, grouped so that each PyTorch process leads its nabla ones. */
function engineList(settings, threadCounts) {
  const groups = new Map();
  for (const s of settings) {
    const group = groups.get(torchId(s)) ?? groups.set(torchId(s), new Map([[torchId(s), { library: "torch", ...s }]])).get(torchId(s));
    for (const threads of threadCounts) group.set(nablaId(s, threads), { library: "nabla", ...s, threads });
  }
  return new Map([...groups.values()].flatMap((g) => [...g]));
}

/**
 * A long-lived child answering one JSON line per request line; its first line says it is
 * ready (or why not). Errors carry the child's last line on stderr.
 */
function child(command, argv, env) {
  const proc = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr = (stderr + d).slice(-2000)));
  proc.on("error", (e) => (stderr += `\n${e.message}`));
  const exited = new Promise((resolve) => proc.on("close", resolve));
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) {
      await exited;
      throw new Error(stderr.trim().split("\n").pop() || `${command} ended early`);
    }
    const reply = JSON.parse(value);
    if (reply.error) throw new Error(reply.error);
    return reply;
  };
  return {
    ready: next,
    async run(steps) {
      proc.stdin.write(`${steps}\n`);
      return next();
    },
    /** Ends the child (stdin closed) and waits for it; kills it if it lingers. */
    async close() {
      proc.stdin.end();
      const timer = setTimeout(() => proc.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function spawnEngine(e, warmup, dataFile) {
  if (e.library === "torch") {
    const torchCase = { id: "0", kind: "serve", dtype: e.dtype, labels: MLP_LABELS, data: dataFile, mixed: e.mixed, warmup };
    return child("/usr/bin/python3", [TORCH_SCRIPT, JSON.stringify([torchCase])], ONE_THREAD);
  }
  const argv = ["--expose-gc", MLP_CHILD, NABLA_PEER[e.variant], e.dtype, "serve", String(warmup), e.mixed ? "mixed" : "fresh"];
  return child(process.execPath, argv, { NABLA_NUM_THREADS: String(e.threads) });
}

const reasonOf = (e) => {
  const why = String(e?.message ?? e).split("\n")[0];
  return why.includes("No module named") || why.includes("ENOENT") ? "python3-torch not installed" : why.slice(0, 80);
};

/**
 * Steps each process runs before the rounds. V8 keeps optimising nabla's step for several
 * hundred steps, on the core that the matmul's worker thread also needs (eager float32 step
 * after the mixed workload, one process: 2.1–2.9 ms a step over steps 20–500, 1.5–1.6 ms from
 * 500 on, with the other threads' CPU time falling from 1.8–2.8 to 1.1–1.4 ms a step); a
 * long-lived process spends nearly all its steps past that. PyTorch gets the same warm-up.
 */
export const WARMUP_STEPS = 500;

/** The pause before each process's batch of steps, in milliseconds. */
const SETTLE_MS = 100;

/**
 * Starts one process per setting and thread count (and PyTorch's per dtype and setting), waits
 * until all are warmed up (`warmup` steps), then runs `rounds` rounds of `steps` steps in each.
 * Returns { rounds, steps, processes, torchVersion, times: id → [{ wallMs, cpuMs } per round],
 * errors: id → why that process has no figures }.
 */
export async function runMlpRounds(settings, { threads, rounds, steps, warmup, progress = () => {} }) {
  const engines = engineList(settings, threads);
  const dataFile = join(os.tmpdir(), `nabla-mlp-rounds-${process.pid}.f64`);
  writeFileSync(dataFile, new Uint8Array(MLP_X.buffer));
  const live = new Map();
  const times = {}, errors = {};
  let torchVersion = null;
  const drop = async (id, e) => {
    errors[id] = reasonOf(e);
    delete times[id];
    const p = live.get(id);
    live.delete(id);
    await p.close();
  };
  progress(`MLP step rounds: starting ${engines.size} long-lived processes (warm-up: ${warmup} steps${settings.some((s) => s.mixed) ? ", the mixed workload first in some" : ""})`);
  try {
    for (const [id, e] of engines) live.set(id, spawnEngine(e, warmup, dataFile));
    await Promise.all([...live].map(async ([id, p]) => {
      try {
        const ready = await p.ready();
        torchVersion ??= ready.version ?? null;
        times[id] = [];
      } catch (e) {
        await drop(id, e);
      }
    }));
  } finally {
    rmSync(dataFile, { force: true });
  }
  for (let r = 0; r < rounds; r++) {
    progress(`MLP step rounds: round ${r + 1}/${rounds}, ${steps} steps in each of ${live.size} processes`);
    const order = [...live.keys()];
    if (r % 2) order.reverse();
    for (const id of order) {
      // A pause first, so that the previous process's leftover background work (V8's
      // concurrent marking and sweeping finish after its last step) does not take the core
      // this one's second thread would use.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      try {
        times[id].push(await live.get(id).run(steps));
      } catch (e) {
        await drop(id, e);
      }
    }
  }
  await Promise.all([...live.values()].map((p) => p.close()));
  return { rounds, steps, processes: engines.size, torchVersion, times, errors };
}

/** Median over the rounds of milliseconds per step, by wall clock ("wallMs") or CPU time ("cpuMs"). */
export const medianMs = (rs, unit) => median(rs.map((x) => x[unit]));

/** Median over the rounds of b's time ÷ a's in the same round (> 1: a faster), or null. */
export function roundRatio(times, a, b, unit) {
  if (!times[a] || !times[b]) return null;
  return median(times[a].map((x, i) => times[b][i][unit] / x[unit]));
}

const both = (times, a, b) => {
  const wall = roundRatio(times, a, b, "wallMs"), cpu = roundRatio(times, a, b, "cpuMs");
  return wall === null ? null : { wall, cpu };
};

/**
 * One setting's figures from a runMlpRounds result: PyTorch's and nabla's (per thread count)
 * median wall and CPU ms per step or the reason there are none, nabla's speedup over PyTorch
 * round by round, and for a mixed setting each process's time after the mixed workload ÷ the
 * fresh one's (> 1: slower after it), where the fresh process ran in the same rounds.
 */
export function settingFigures({ times, errors }, s, threads) {
  const figure = (id) => (times[id] ? { wallMs: medianMs(times[id], "wallMs"), cpuMs: medianMs(times[id], "cpuMs") } : { error: errors[id] ?? "not run" });
  const fresh = { ...s, mixed: false };
  const slowdown = (id, freshId) => (s.mixed ? both(times, freshId, id) : null);
  return {
    torch: { ...figure(torchId(s)), mixedOverFresh: slowdown(torchId(s), torchId(fresh)) },
    nabla: Object.fromEntries(threads.map((t) => [t, {
      ...figure(nablaId(s, t)),
      speedup: both(times, nablaId(s, t), torchId(s)),
      mixedOverFresh: slowdown(nablaId(s, t), nablaId(fresh, t)),
    }])),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const threads = [...new Set(option("threads", `1,${cores}`).split(",").map(Number))];
  const rounds = Number(option("rounds", 8)), steps = Number(option("steps", 40));
  const result = await runMlpRounds(MLP_SETTINGS, { threads, rounds, steps, warmup: WARMUP_STEPS, progress: (m) => process.stderr.write(`  ${m}\n`) });
  const x = (r) => (r ? `wall ${r.wall.toFixed(2)}×, cpu ${r.cpu.toFixed(2)}×` : "n/a");
  const ms = (f) => (f.error ? `n/a (${f.error})` : `wall ${f.wallMs.toFixed(2)}, cpu ${f.cpuMs.toFixed(2)} ms/step`);
  console.log(`MLP step, batch 128; ${result.processes} processes, ${rounds} alternating rounds of ${steps} steps; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  for (const s of MLP_SETTINGS) {
    const f = settingFigures(result, s, threads);
    const slower = (m) => (m ? `; mixed ÷ fresh: ${x(m).replaceAll("×", "")}` : "");
    console.log(`${describeSetting(s)}\n  torch ${result.torchVersion ?? ""}, 1 thread: ${ms(f.torch)}${slower(f.torch.mixedOverFresh)}`);
    for (const t of threads) console.log(`  nabla native, ${t} thread${t > 1 ? "s" : ""}: ${ms(f.nabla[t])}; speedup over torch: ${x(f.nabla[t].speedup)}${slower(f.nabla[t].mixedOverFresh)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
