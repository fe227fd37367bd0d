// Same-run ratios for the MLP training step (issue 18's quality bar "jit-compiled step ≥ 1.5×
// idiomatic PyTorch"): fresh processes in alternating rounds (nabla compiled step, nabla
// jit(valueAndGrad) + Adam, PyTorch's bench/torch_bench.py "train" case on one thread), so a
// loaded machine's drift weighs on all three alike; prints each one's median and the ratios.
//   node bench/mlp-step-ratio.js [rounds = 5] [dtype = float32]
// Needs dist/ (npm run build) and /usr/bin/python3 with torch for the PyTorch column.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { MLP, MLP_LABELS, MLP_X } from "./mlp.js";
import { median } from "./peers.js";

const rounds = Number(process.argv[2] ?? 5);
const dtype = process.argv[3] ?? "float32";
const [warmup, reps] = [10, 31];
const here = (file) => new URL(file, import.meta.url).pathname;
const single = { NABLA_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

function nabla(peer) {
  const r = spawnSync(process.execPath, ["--expose-gc", here("./mlp-child.js"), peer, dtype, "time", String(warmup), String(reps)], { encoding: "utf8", env: { ...process.env, ...single } });
  const out = JSON.parse(r.stdout.trim().split("\n").pop());
  if (out.error) throw new Error(`${peer}: ${out.error}`);
  return MLP.batch / (out.msPerStep / 1e3);
}

const data = join(os.tmpdir(), `nabla-mlp-ratio-${process.pid}.f64`);
function torch() {
  const cases = [{ id: "0", kind: "train", dtype, warmup, reps, labels: MLP_LABELS, data }];
  const r = spawnSync("/usr/bin/python3", [here("./torch_bench.py"), JSON.stringify(cases)], { encoding: "utf8", env: { ...process.env, ...single } });
  return JSON.parse(r.stdout.trim().split("\n").pop()).results["0"];
}

writeFileSync(data, new Uint8Array(MLP_X.buffer));
const figures = { compiled: [], valueAndGrad: [], torch: [] };
try {
  for (let i = 0; i < rounds; i++) {
    figures.compiled.push(nabla("nabla-step-native"));
    figures.torch.push(torch());
    figures.valueAndGrad.push(nabla("nabla-native"));
    console.error(`round ${i + 1}/${rounds}: ${Object.entries(figures).map(([k, v]) => `${k} ${v.at(-1).toFixed(0)}`).join(", ")} samples/s`);
  }
} finally {
  rmSync(data, { force: true });
}
const m = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, median(v)]));
console.log(JSON.stringify({
  dtype, rounds, load: os.loadavg().map((l) => l.toFixed(2)).join(" "), samplesPerSecond: m,
  compiledOverTorch: +(m.compiled / m.torch).toFixed(3), valueAndGradOverTorch: +(m.valueAndGrad / m.torch).toFixed(3), compiledOverValueAndGrad: +(m.compiled / m.valueAndGrad).toFixed(3),
}));
