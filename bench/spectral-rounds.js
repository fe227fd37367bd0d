// nb.linalg's eigh, eigvalsh, svd and svdvals against torch.linalg's in alternating rounds
// (nabla, torch, nabla, …), float64, one thread each: CPU time per call (process.cpuUsage and
// Python's time.process_time), which a loaded, shared machine disturbs far less than wall time.
// Prints the median of each side's per-round medians and their ratio.
//
//   node bench/spectral-rounds.js [n …]          (default 64 256; builds on dist/: npm run build)
//
// PyTorch runs as one child process that reads "op n reps" lines and answers a median in ms.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import * as nb from "../dist/node.js";
import { setNativeThreads } from "../dist/backend/native/index.js";
import { median, randomArray } from "./peers.js";

const TORCH = `
import sys, time, torch
torch.set_num_threads(1)
cache = {}
for line in sys.stdin:
    op, n, reps = line.split(); n = int(n); reps = int(reps)
    if n not in cache:
        x = torch.rand(n, n, dtype=torch.float64, generator=torch.Generator().manual_seed(1)) * 2 - 1
        cache[n] = (x, x @ x.T + n * torch.eye(n, dtype=torch.float64))
    x, spd = cache[n]
    f = {"eigh": lambda: torch.linalg.eigh(spd), "eigvalsh": lambda: torch.linalg.eigvalsh(spd),
         "svd": lambda: torch.linalg.svd(x, full_matrices=False), "svdvals": lambda: torch.linalg.svdvals(x)}[op]
    f(); ts = []
    for _ in range(reps):
        t = time.process_time(); f(); ts.append(time.process_time() - t)
    ts.sort(); print(ts[len(ts) // 2] * 1000, flush=True)
`;

const cpuMs = (f) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};

const python = spawn("/usr/bin/python3", ["-c", TORCH], { env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" }, stdio: ["pipe", "pipe", "inherit"] });
const answers = createInterface({ input: python.stdout })[Symbol.asyncIterator]();
const torchMs = async (op, n, reps) => {
  python.stdin.write(`${op} ${n} ${reps}\n`);
  return Number((await answers.next()).value);
};

nb.setBackend("native");
setNativeThreads(1);
const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length ? sizes : [64, 256]) {
  const x = nb.tensor(randomArray(n * n, Float64Array, 1), { shape: [n, n] });
  const spd = nb.add(nb.matmul(x, nb.transpose(x)), nb.mul(nb.eye(n), n));
  const calls = { eigh: () => nb.linalg.eigh(spd), eigvalsh: () => nb.linalg.eigvalsh(spd), svd: () => nb.linalg.svd(x), svdvals: () => nb.linalg.svdvals(x) };
  const reps = n >= 1024 ? 1 : n >= 256 ? 3 : 15, rounds = n >= 1024 ? 3 : 7;
  for (const [op, f] of Object.entries(calls)) {
    f();
    const mine = [], theirs = [];
    for (let r = 0; r < rounds; r++) {
      mine.push(median(Array.from({ length: reps }, () => cpuMs(f))));
      theirs.push(await torchMs(op, n, reps));
    }
    const a = median(mine), b = median(theirs);
    console.log(`${op} ${n}: nabla ${a.toFixed(2)} ms, torch ${b.toFixed(2)} ms, nabla's time / torch's ${(a / b).toFixed(2)}×`);
  }
}
python.stdin.end();
