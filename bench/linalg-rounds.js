// Alternating-rounds comparison of nb.linalg's cholesky/solve/inv (native backend, one thread)
// with torch.linalg (OpenBLAS, one thread) in one long-lived Python child: nabla, torch, nabla,
// torch, … so both sides see the same machine load. Prints per-round ratios (torch ms ÷ nabla
// ms: > 1 means nabla is faster) with their min and median, and the load average.
//
// Run: `npm run build --silent && node --expose-gc bench/linalg-rounds.js [rounds] [op:n ...]`
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import os from "node:os";
import * as nb from "../dist/node.js";
import { setNativeThreads } from "../dist/backend/native/index.js";
import { median, randomArray, timeMs } from "./peers.js";

const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const CASES = args.filter((a) => a.includes(":")).map((a) => a.split(":")).map(([op, n]) => [op, Number(n)]);
const DEFAULT_CASES = [["cholesky", 256], ["solve", 256], ["inv", 256], ["cholesky", 1024], ["solve", 1024], ["inv", 1024]];
const reps = (n) => ({ warmup: 1, reps: n >= 1024 ? 3 : 9 });

const PYTHON = `
import sys, json, time, torch
torch.set_num_threads(1)
cache = {}
def inputs(n):
    if n not in cache:
        x = torch.tensor(json.loads(sys.stdin.readline()), dtype=torch.float64).reshape(n, n)
        b = torch.tensor(json.loads(sys.stdin.readline()), dtype=torch.float64).reshape(n, 1)
        cache[n] = (x @ x.T + n * torch.eye(n, dtype=torch.float64), b)
    return cache[n]
for line in sys.stdin:
    op, n, warmup, reps = line.split(); n, warmup, reps = int(n), int(warmup), int(reps)
    spd, b = inputs(n)
    fn = {"cholesky": lambda: torch.linalg.cholesky(spd), "solve": lambda: torch.linalg.solve(spd, b), "inv": lambda: torch.linalg.inv(spd)}[op]
    for _ in range(warmup): fn()
    s = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); s.append((time.perf_counter() - t0) * 1e3)
    s.sort(); print(s[len(s) // 2], flush=True)
`;

const py = spawn("/usr/bin/python3", ["-c", PYTHON], {
  env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  stdio: ["pipe", "pipe", "inherit"],
});
const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
const sent = new Set();
async function torchMs(op, n, X, B) {
  let msg = `${op} ${n} ${reps(n).warmup} ${reps(n).reps}\n`;
  if (!sent.has(n)) {
    msg += `${JSON.stringify(Array.from(X))}\n${JSON.stringify(Array.from(B))}\n`;
    sent.add(n);
  }
  py.stdin.write(msg);
  return Number((await lines.next()).value);
}

nb.setBackend("native");
setNativeThreads(1);
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}; ${ROUNDS} rounds; ratio = torch ms / nabla ms (> 1: nabla faster)`);
for (const [op, n] of CASES.length ? CASES : DEFAULT_CASES) {
  const X = randomArray(n * n, Float64Array, 1);
  const B = randomArray(n, Float64Array, 2);
  const x = nb.tensor(X, { shape: [n, n] });
  const spd = nb.add(nb.matmul(x, nb.transpose(x)), nb.mul(nb.eye(n), n));
  const b = nb.tensor(B, { shape: [n, 1] });
  const fn = { cholesky: () => nb.linalg.cholesky(spd), solve: () => nb.linalg.solve(spd, b), inv: () => nb.linalg.inv(spd) }[op];
  const ratios = [], ours = [], theirs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = await timeMs(fn, reps(n));
    const t = await torchMs(op, n, X, B);
    ours.push(a), theirs.push(t), ratios.push(t / a);
  }
  console.log(`${op} ${n}: nabla ${median(ours).toFixed(2)} ms, torch ${median(theirs).toFixed(2)} ms; ratio min ${Math.min(...ratios).toFixed(2)} median ${median(ratios).toFixed(2)} max ${Math.max(...ratios).toFixed(2)}`);
}
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
py.stdin.end();
