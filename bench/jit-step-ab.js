// Before/after for the compiled MLP step (bench/mlp.js nablaMlpCompiled) with both builds in ONE
// process, alternating blocks of steps, so a loaded machine's drift weighs on both alike:
//   node --expose-gc bench/jit-step-ab.js <baseline dist/ directory> [blocks = 80] [steps per block = 5]
// Threads: NABLA_NUM_THREADS (both builds share the native addon). Prints each build's median
// ms/step and the median over blocks of baseline ÷ this build (> 1: this build is faster).
import { resolve } from "node:path";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { nablaMlpCompiled } from "./mlp.js";
import { median } from "./peers.js";

const [baselineDir, blocks = "80", perBlock = "5"] = process.argv.slice(2);
if (!baselineDir) throw new Error("usage: node --expose-gc bench/jit-step-ab.js <baseline dist/ directory> [blocks] [steps per block]");
const builds = {
  baseline: await import(pathToFileURL(resolve(baselineDir, "node.js")).href),
  current: await import(new URL("../dist/node.js", import.meta.url).href),
};
const steps = Object.fromEntries(Object.entries(builds).map(([name, nb]) => [name, nablaMlpCompiled(nb, "float32")]));
for (let i = 0; i < 20; i++) for (const s of Object.values(steps)) s.step();
const times = { baseline: [], current: [] };
const block = (s) => {
  const t0 = performance.now();
  for (let i = 0; i < Number(perBlock); i++) s.step();
  return (performance.now() - t0) / Number(perBlock);
};
for (let b = 0; b < Number(blocks); b++) for (const name of ["baseline", "current"]) times[name].push(block(steps[name]));
for (const s of Object.values(steps)) s.check();
const ratio = median(times.baseline.map((t, i) => t / times.current[i]));
console.log(`compiled MLP step f32, ${blocks} alternating blocks of ${perBlock} steps; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log(`  baseline ${median(times.baseline).toFixed(3)} ms/step, current ${median(times.current).toFixed(3)} ms/step; baseline ÷ current ${ratio.toFixed(3)}`);
