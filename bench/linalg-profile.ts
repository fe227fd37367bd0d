/**
 * Where nb.linalg's time goes on one backend (native by default): each linalg kernel
 * (cholesky, lu, conditionEstimate, luSolve, triangularSolve) timed alone, and the share of it
 * spent in calls to the backend's matmul (counted by wrapping it). The TypeScript kernels (the
 * reference's, which wasm inherits) call matmul for their updates; the native backend's C++
 * kernels call the GEMM from C++, so there the share is 0 and the time is all theirs.
 * Run: npx vite-node bench/linalg-profile.ts [--backend=wasm|reference] [n ...]
 */
import { performance } from "node:perf_hooks";
import { registeredBackends } from "../src/backend/registry.js";
import type { Backend } from "../src/backend/interface.js";
import { ArrayTensor } from "../src/tensor/tensor.js";
import "../src/node.js";

const wanted = process.argv.find((a) => a.startsWith("--backend="))?.slice("--backend=".length) ?? "native";
const chosen = registeredBackends().find((b) => b.name === wanted);
if (!chosen) throw new Error(`linalg-profile: no backend named "${wanted}" is registered here`);
let gemmMs = 0, gemmCalls = 0;
const counted: Backend = {
  ...chosen,
  matmul(a, b, s) {
    const t0 = performance.now();
    const r = chosen.matmul(a, b, s);
    gemmMs += performance.now() - t0;
    gemmCalls++;
    return r;
  },
};

function spd(n: number): ArrayTensor {
  const x = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let p = 0; p < n; p++) {
    const xip = x[i * n + p]!;
    for (let j = 0; j < n; j++) a[i * n + j] = a[i * n + j]! + xip * x[j * n + p]!;
  }
  for (let i = 0; i < n; i++) a[i * n + i] = a[i * n + i]! + n;
  return new ArrayTensor(a, [n, n]);
}

function time(label: string, reps: number, f: () => unknown): void {
  f();
  gemmMs = 0, gemmCalls = 0;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) f();
  const ms = (performance.now() - t0) / reps;
  const g = gemmMs / reps;
  console.log(`${label.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms   in matmul ${g.toFixed(2).padStart(8)} ms (${(gemmCalls / reps).toFixed(0)} calls)   elsewhere ${(ms - g).toFixed(2).padStart(8)} ms`);
}

const sizes = process.argv.slice(2).map(Number).filter((v) => v > 0);
for (const n of sizes.length > 0 ? sizes : [256, 1024]) {
  const a = spd(n);
  const reps = n >= 1024 ? 3 : 10;
  const b1 = new ArrayTensor(Float64Array.from({ length: n }, (_, i) => Math.cos(i)), [n, 1]);
  const eye = new ArrayTensor(Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)), [n, n]);
  const f = counted.lu(a);
  time(`cholesky ${n}`, reps, () => counted.cholesky(a));
  time(`lu ${n}`, reps, () => counted.lu(a));
  time(`conditionEstimate ${n}`, reps, () => counted.conditionEstimate(a, f));
  time(`luSolve ${n}×1`, reps, () => counted.luSolve(f, b1));
  time(`luSolve ${n}×${n} (inv)`, reps, () => counted.luSolve(f, eye));
  time(`triangularSolve ${n}×${n}`, reps, () => counted.triangularSolve(f.lu, eye, true, false, false));
}
