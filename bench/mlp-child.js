// One library's MLP training step (bench/mlp.js) in a process of its own, so that its time
// and resident memory are its own, not shaped by whatever the bench ran before:
//   node --expose-gc bench/mlp-child.js <peer> <dtype> time <warmup> <reps>
//     → {"msPerStep": median of <reps> timed steps after <warmup>}
//   node --expose-gc bench/mlp-child.js <peer> <dtype> serve <warmup> <fresh|mixed>
//     → a long-lived process for bench/mlp-rounds.js (nabla only): `mixed` runs
//       nablaMixedWorkload (bench/mlp.js) first; after <warmup> steps it prints {"ready":true},
//       then for each line N on stdin runs N steps and prints {"wallMs", "cpuMs"} per step
//   node --expose-gc bench/mlp-child.js <peer> float32 memory <steps> <seconds>
//     → steps run, seconds, RSS (MB) after each tenth of the run, and the peak RSS
// with peer one of nabla-native, nabla-wasm, nabla-reference (threads: NABLA_NUM_THREADS;
// a suffix -eager runs valueAndGrad without nb.jit), nabla-step-<backend> (the whole step
// compiled, bench/mlp.js's nablaMlpCompiled), tfjs-cpu, tfjs-wasm, jax. Prints one JSON line (serve:
// one per request), {"error"} if the peer cannot run.
// PyTorch's counterparts are torch_bench.py's "train", "serve" and "trainMemory" cases.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { MLP, jaxMlp, nablaMixedWorkload, nablaMlp, nablaMlpCompiled, tfMlp, timeSteps } from "./mlp.js";
import { loadJax, loadTf, timeMs } from "./peers.js";

const [peer, dtype, mode, firstArg, secondArg] = process.argv.slice(2);

async function build() {
  if (peer.startsWith("nabla-")) {
    const nb = await import("../dist/node.js");
    const compiled = peer.startsWith("nabla-step-");
    const [backend, variant] = peer.slice(compiled ? "nabla-step-".length : "nabla-".length).split("-");
    nb.setBackend(backend);
    if (mode === "serve" && secondArg === "mixed") nablaMixedWorkload(nb);
    return compiled ? nablaMlpCompiled(nb, dtype) : nablaMlp(nb, dtype, { jit: variant !== "eager" });
  }
  if (mode === "serve") throw new Error("the serve mode runs nabla only (PyTorch's is torch_bench.py's)");
  if (peer.startsWith("tfjs-")) {
    const tf = await loadTf(peer.slice("tfjs-".length));
    if (tf.error) throw new Error(tf.error);
    if (dtype !== "float32") throw new Error("TF.js has no float64");
    return tfMlp(tf.lib);
  }
  if (peer === "jax") {
    const jax = await loadJax();
    if (jax.error) throw new Error(jax.error);
    return jaxMlp(jax.lib, dtype);
  }
  throw new Error(`unknown peer ${peer}`);
}

const mb = (bytes) => Math.round(bytes / 2 ** 20);

/**
 * This process's peak resident memory, transient peaks included: Linux's VmHWM. Not
 * getrusage's maxRSS, which a child spawned by a large process starts at its parent's size.
 * Elsewhere, the largest sample.
 */
function peakRssMB(samples) {
  try {
    const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("VmHWM:"));
    if (line) return Math.round(Number(line.split(/\s+/)[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.max(...samples);
}
async function memory(mlp, maxSteps, maxSeconds) {
  const samples = [];
  const every = Math.max(1, Math.floor(maxSteps / 10));
  const t0 = performance.now();
  let steps = 0;
  while (steps < maxSteps && performance.now() - t0 < maxSeconds * 1e3) {
    await mlp.step();
    steps++;
    if (steps % every === 0) samples.push(mb(process.memoryUsage.rss()));
  }
  const seconds = (performance.now() - t0) / 1e3;
  return { steps, seconds, samplesMB: samples, peakMB: peakRssMB(samples), batch: MLP.batch };
}

/** bench/mlp-rounds.js's protocol: ready after the warm-up, then wall and CPU ms per step per request. */
async function serve(mlp, warmup) {
  for (let i = 0; i < warmup; i++) mlp.step();
  mlp.check();
  process.stdout.write(JSON.stringify({ ready: true }) + "\n");
  for await (const line of createInterface({ input: process.stdin })) {
    const times = timeSteps(mlp, Number(line));
    mlp.check();
    process.stdout.write(JSON.stringify(times) + "\n");
  }
}

try {
  const mlp = await build();
  if (mode === "serve") await serve(mlp, Number(firstArg));
  else {
    const result = mode === "time"
      ? { msPerStep: await timeMs(() => mlp.step(), { warmup: Number(firstArg), reps: Number(secondArg) }) }
      : await memory(mlp, Number(firstArg), Number(secondArg));
    mlp.check();
    mlp.dispose();
    process.stdout.write(JSON.stringify(result) + "\n");
  }
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e?.message ?? e).split("\n")[0].slice(0, 80) }) + "\n");
}
