// One library's MLP training (bench/mlp.js) for up to N steps in a process of its own, so its
// resident memory is its own: `node --expose-gc bench/mlp-memory.js <peer> <steps> <seconds>`
// with peer one of nabla-native, nabla-wasm, nabla-reference, tfjs-cpu, tfjs-wasm, jax. Prints one JSON
// line: steps run, seconds, RSS (MB) after each tenth of the run, and the peak RSS. Run by
// bench/run.js's memory section; PyTorch's counterpart is torch_bench.py's "trainMemory".
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { MLP, jaxMlp, nablaMlp, tfMlp } from "./mlp.js";
import { loadJax, loadTf } from "./peers.js";

const [peer, stepsArg, secondsArg] = process.argv.slice(2);
const maxSteps = Number(stepsArg);
const maxSeconds = Number(secondsArg);

async function build() {
  if (peer.startsWith("nabla-")) {
    const nb = await import("../dist/node.js");
    nb.setBackend(peer.slice("nabla-".length));
    return nablaMlp(nb, "float32");
  }
  if (peer.startsWith("tfjs-")) {
    const tf = await loadTf(peer.slice("tfjs-".length));
    if (tf.error) throw new Error(tf.error);
    return tfMlp(tf.lib);
  }
  if (peer === "jax") {
    const jax = await loadJax();
    if (jax.error) throw new Error(jax.error);
    return jaxMlp(jax.lib, "float32");
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
try {
  const mlp = await build();
  const samples = [];
  const every = Math.max(1, Math.floor(maxSteps / 10));
  const t0 = performance.now();
  let steps = 0;
  while (steps < maxSteps && performance.now() - t0 < maxSeconds * 1e3) {
    await mlp.step();
    steps++;
    if (steps % every === 0) samples.push(mb(process.memoryUsage.rss()));
  }
  mlp.check();
  const seconds = (performance.now() - t0) / 1e3;
  process.stdout.write(JSON.stringify({ steps, seconds, samplesMB: samples, peakMB: peakRssMB(samples), batch: MLP.batch }) + "\n");
  mlp.dispose();
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e?.message ?? e).split("\n")[0].slice(0, 80) }) + "\n");
}
