// `npm run bench`: nabla's backends (reference, wasm, and native with its matmul on one thread
// and on all cores) against TensorFlow.js (cpu and wasm backends), jax-js (Wasm), PyTorch (where
// Debian's python3-torch is installed: /usr/bin/python3, one thread), SciPy (the quad rows, in
// the same Python child) and hand-written
// JavaScript, on this machine, in one run: kernels, autodiff, per-op overhead, and the
// throughput of one training step of a 784-256-128-10 MLP with Adam (issue 6); then the
// optimisation section of bench/optim.js (minimize against SciPy, in evaluation counts).
// Writes the results to bench/results/latest.json (bench/results/partial.json with --only).
// `--quick` runs fewer sizes and repetitions (about a minute); `--json` prints the record
// instead of the table; `--quiet` hides the progress lines on stderr; `--only=TEXT` runs only
// the rows whose name contains TEXT (`--only=memory`: only the memory section, which trains
// each library's MLP in a process of its own and reports its resident memory). Every figure is the median of several timed repetitions
// after warm-up; the MLP rows' native and PyTorch figures, of alternating rounds of long-lived
// processes (bench/mlp-rounds.js). Not part of `npm test`: nothing here asserts.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import os from "node:os";
import { performance } from "node:perf_hooks";
import * as nb from "../dist/node.js";
import { nativeIsa, setNativeThreads } from "../dist/backend/native/index.js";
import { backend } from "../dist/backend/registry.js";
import { optimSection } from "./optim.js";
import { integrateSection, quadProblems, quadRunner } from "./integrate.js";
import { modelsSection } from "./models.js";
import { MLP, MLP_LABELS, MLP_X } from "./mlp.js";
import { MLP_SETTINGS, WARMUP_STEPS, describeSetting, runMlpRounds, settingFigures } from "./mlp-rounds.js";
import { loadJax, loadTf, randomArray, timeMs } from "./peers.js";

const argv = new Set(process.argv.slice(2));
const JSON_OUT = argv.has("--json");
const QUIET = JSON_OUT || argv.has("--quiet");
const ONLY = [...argv].find((a) => a.startsWith("--only="))?.slice("--only=".length);
const QUICK = argv.has("--quick");
/** A full run's record is the one the README quotes; a partial (--only) run writes beside it. */
const RECORD_FILE = ONLY === undefined ? "latest.json" : "partial.json";
const CORES = os.availableParallelism?.() ?? os.cpus().length;
const progress = (msg) => {
  if (!QUIET) process.stderr.write(`  ${msg}\n`);
};

/** A figure, or why there is none. */
const na = (reason) => ({ value: null, reason });
const ok = (value, note) => (note ? { value, note } : { value });

async function attempt(label, body) {
  progress(label);
  try {
    return await body();
  } catch (e) {
    return na(String(e?.message ?? e).split("\n")[0].slice(0, 80));
  }
}

// ---------------------------------------------------------------------------------------
// nabla's backends and TF.js's, each timed on the same work

/**
 * nabla's variants: every backend that loaded, and for matmul and 10⁶-element rows the native
 * backend again with all cores (the others run single-threaded, as PyTorch does here).
 */
const NABLA_VARIANTS = [
  { key: "reference", backend: "reference", threads: 1 },
  { key: "wasm", backend: "wasm", threads: 1 },
  { key: "native", backend: "native", threads: 1 },
  { key: `native ${CORES}T`, backend: "native", threads: CORES, threadedOnly: true },
];

async function forNabla(label, { threaded = false }, body) {
  const out = {};
  for (const v of NABLA_VARIANTS) {
    if (v.threadedOnly && !threaded) {
      out[v.key] = na("threads only matter for matmul and long loops");
      continue;
    }
    if (!nb.listBackends().includes(v.backend)) {
      out[v.key] = na(`backend ${v.backend} did not load`);
      continue;
    }
    nb.setBackend(v.backend);
    if (v.backend === "native") setNativeThreads(v.threads);
    out[v.key] = await attempt(`${label}: nabla ${v.key}`, body);
  }
  nb.setBackend(nb.listBackends().includes("native") ? "native" : "reference");
  return out;
}

/** Runs `body(tf)` once per TF.js backend that loaded; a peer that failed to load is n/a. */
async function forTf(tfs, label, body) {
  const out = {};
  for (const [key, tf] of Object.entries(tfs)) {
    if (tf.error) {
      out[key] = na(tf.error);
      continue;
    }
    await tf.use();
    out[key] = await attempt(`${label}: ${key}`, () => body(tf.lib));
  }
  return out;
}

/**
 * PyTorch's figures for every case, from one child process of Debian's Python (torch is never
 * a project dependency); {} with a reason where it is not installed.
 */
function runTorch(cases) {
  const python = "/usr/bin/python3";
  progress("PyTorch (child process)");
  const run = spawnSync(python, [new URL("./torch_bench.py", import.meta.url).pathname, JSON.stringify(cases)], {
    encoding: "utf8",
    timeout: 600_000,
    // torch.set_num_threads(1) does not reach OpenBLAS, whose own pool would use every core
    // (measured: 178 vs 92 GFLOP/s at n = 1024); one thread must be set where BLAS reads it.
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  });
  if (run.error || run.status !== 0) {
    const why = run.error ? String(run.error.message) : (run.stderr.trim().split("\n").pop() ?? "failed");
    return { error: why.includes("No module named") || why.includes("ENOENT") ? "python3-torch not installed" : why.slice(0, 80) };
  }
  return JSON.parse(run.stdout);
}

// ---------------------------------------------------------------------------------------
// Inputs and hand-written baselines

/** C = A·B, n×n row-major, 4×4 register tiles (n a multiple of 4: the bench sizes are). */
function handMatmul(a, b, n, Ctor) {
  const c = new Ctor(n * n);
  for (let i = 0; i < n; i += 4) {
    for (let j = 0; j < n; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < n; p++) {
        const bp = p * n + j;
        const b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
        let x = a[i * n + p];
        c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
        x = a[(i + 1) * n + p];
        c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
        x = a[(i + 2) * n + p];
        c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
        x = a[(i + 3) * n + p];
        c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
      }
      let o = i * n + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
  }
  return c;
}

function handTanhExpr(x) {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]) * x[i] + 1;
  return out;
}

/** Value and gradient of Σ sin(x)·x, derived by hand: grad = cos(x)·x + sin(x). */
function handSinValueAndGrad(x) {
  const g = new Float64Array(x.length);
  let v = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i], s = Math.sin(xi);
    v += s * xi;
    g[i] = Math.cos(xi) * xi + s;
  }
  return [v, g];
}

function handTinyAdd(a, b) {
  const out = new Float64Array(2);
  out[0] = a[0] + b[0];
  out[1] = a[1] + b[1];
  return out;
}

// ---------------------------------------------------------------------------------------
// Cases. Each returns { nabla, tfjs, jax, hand }, every entry a figure or n/a.

const RECORDED_OPS = 1000;

async function matmulCase(n, dtype, tf, jax) {
  const flops = 2 * n ** 3;
  const opts = matmulOpts(n);
  const gflops = (ms) => flops / (ms * 1e6);
  const Ctor = dtype === "float64" ? Float64Array : Float32Array;
  const A = randomArray(n * n, Ctor, 1);
  const B = randomArray(n * n, Ctor, 2);
  const label = `matmul ${n}×${n} ${dtype}`;

  const nabla = await forNabla(label, { threaded: true }, async () => {
    const a = nb.tensor(A, { shape: [n, n] });
    const b = nb.tensor(B, { shape: [n, n] });
    return ok(gflops(await timeMs(() => nb.matmul(a, b), opts)));
  });
  const tfjs = await forTf(tf, label, async (t) => {
      if (dtype === "float64") return na("TF.js has no float64");
      const a = t.tensor2d(A, [n, n]);
      const b = t.tensor2d(B, [n, n]);
      const r = ok(gflops(await timeMs(() => t.matMul(a, b).dispose(), opts)));
      a.dispose();
      b.dispose();
      return r;
    });
  const jx = jax.error ? na(jax.error) : await attempt(`${label}: jax-js`, async () => {
    const np = jax.lib.numpy;
    const a = np.array(A).reshape([n, n]);
    const b = np.array(B).reshape([n, n]);
    const r = ok(gflops(await timeMs(async () => (await np.matmul(a.ref, b.ref).blockUntilReady()).dispose(), opts)));
    a.dispose();
    b.dispose();
    return r;
  });
  progress(`${label}: hand JS`);
  const hand = ok(gflops(await timeMs(() => handMatmul(A, B, n, Ctor), opts)));
  return { ...nabla, ...tfjs, jax: jx, hand };
}

/** What the peers report on nb.jit's rows: only the hand loop and PyTorch's eager figure are measured. */
const NO_JIT_PEERS = { "tfjs-cpu": na("not measured under jit"), "tfjs-wasm": na("not measured under jit"), jax: na("not measured under jit") };

async function tanhCase(tf, jax, { jit = false } = {}) {
  const N = 1e6;
  const X = randomArray(N);
  const opts = { warmup: 3, reps: 9 };
  const nsPerElement = (ms) => (ms * 1e6) / N;
  const label = `tanh(x)*x+1${jit ? ", jit" : ""}`;
  const nabla = await forNabla(label, { threaded: true }, async () => {
    const x = nb.tensor(X);
    const f = (x) => nb.add(nb.mul(nb.tanh(x), x), 1);
    const g = jit ? nb.jit(f) : f;
    return ok(nsPerElement(await timeMs(() => g(x), opts)));
  });
  progress(`${label}: hand JS`);
  const hand = ok(nsPerElement(await timeMs(() => handTanhExpr(X), opts)));
  if (jit) return { ...nabla, ...NO_JIT_PEERS, hand };
  const tfjs = await forTf(tf, label, async (t) => {
    const x = t.tensor1d(Float32Array.from(X));
    const r = ok(nsPerElement(await timeMs(() => t.tidy(() => t.add(t.mul(t.tanh(x), x), 1)).dispose(), opts)), "float32");
    x.dispose();
    return r;
  });
  const jx = jax.error ? na(jax.error) : await attempt(`${label}: jax-js`, async () => {
    const np = jax.lib.numpy;
    const x = np.array(X);
    const r = ok(nsPerElement(await timeMs(async () => (await np.tanh(x.ref).mul(x.ref).add(1).blockUntilReady()).dispose(), opts)));
    x.dispose();
    return r;
  });
  return { ...nabla, ...tfjs, jax: jx, hand };
}

/**
 * The memory-bandwidth floor of the 10⁶-element rows: the array copied into a fresh one by
 * each backend's identity kernel (the call path, output allocation and threads of a unary
 * op), PyTorch's clone, and Float64Array.slice as the hand version.
 */
async function copyCase() {
  const N = 1e6;
  const X = randomArray(N);
  const opts = { warmup: 3, reps: 9 };
  const nsPerElement = (ms) => (ms * 1e6) / N;
  const label = "copy 1e6 f64";
  const nabla = await forNabla(label, { threaded: true }, async () => {
    const x = nb.tensor(X);
    return ok(nsPerElement(await timeMs(() => backend().unary("identity", x), opts)));
  });
  progress(`${label}: hand JS`);
  const hand = ok(nsPerElement(await timeMs(() => X.slice(), opts)));
  const none = na("not measured");
  return { ...nabla, "tfjs-cpu": none, "tfjs-wasm": none, jax: none, hand };
}

async function gradCase(tf, jax, { jit = false } = {}) {
  const N = 1e6;
  const X = randomArray(N);
  const opts = { warmup: 3, reps: 7 };
  const label = `valueAndGrad sum(sin(x)*x)${jit ? ", jit" : ""}`;
  const nabla = await forNabla(label, { threaded: true }, async () => {
    const x = nb.tensor(X);
    const f = nb.valueAndGrad((x) => nb.sum(nb.mul(nb.sin(x), x)));
    const g = jit ? nb.jit(f) : f;
    return ok(await timeMs(() => g(x), opts));
  });
  progress(`${label}: hand JS`);
  const hand = ok(await timeMs(() => handSinValueAndGrad(X), opts));
  if (jit) return { ...nabla, ...NO_JIT_PEERS, hand };
  const tfjs = await forTf(tf, label, async (t) => {
    const x = t.tensor1d(Float32Array.from(X));
    const f = t.valueAndGrad((x) => t.sum(t.mul(t.sin(x), x)));
    const r = ok(await timeMs(() => {
      const { value, grad } = f(x);
      value.dispose();
      grad.dispose();
    }, opts), "float32");
    x.dispose();
    return r;
  });
  const jx = jax.error ? na(jax.error) : await attempt(`${label}: jax-js`, async () => {
    const { numpy: np, valueAndGrad } = jax.lib;
    const x = np.array(X);
    const f = valueAndGrad((x) => np.sum(np.sin(x.ref).mul(x)));
    const r = ok(await timeMs(async () => {
      const [value, grad] = f(x.ref);
      (await value.blockUntilReady()).dispose();
      (await grad.blockUntilReady()).dispose();
    }, opts));
    x.dispose();
    return r;
  });
  return { ...nabla, ...tfjs, jax: jx, hand };
}

async function tinyEagerCase(tf, jax) {
  const A = new Float64Array([1, 2]);
  const B = new Float64Array([3, 4]);
  const opts = { warmup: 3, reps: 9, inner: 20000 };
  const us = (ms) => ms * 1e3;
  const label = "tiny add, eager";
  const nabla = await forNabla(label, {}, async () => {
    const a = nb.tensor(A), b = nb.tensor(B);
    return ok(us(await timeMs(() => nb.add(a, b), opts)));
  });
  const tfjs = await forTf(tf, label, async (t) => {
    const a = t.tensor1d(Float32Array.from(A)), b = t.tensor1d(Float32Array.from(B));
    const r = ok(us(await timeMs(() => t.add(a, b).dispose(), opts)), "float32");
    a.dispose();
    b.dispose();
    return r;
  });
  const jx = jax.error ? na(jax.error) : await attempt(`${label}: jax-js`, async () => {
    const np = jax.lib.numpy;
    const a = np.array(A), b = np.array(B);
    const r = ok(us(await timeMs(async () => (await a.ref.add(b.ref).blockUntilReady()).dispose(), { ...opts, inner: 2000 })));
    a.dispose();
    b.dispose();
    return r;
  });
  progress(`${label}: hand JS`);
  const hand = ok(us(await timeMs(() => handTinyAdd(A, B), opts)));
  return { ...nabla, ...tfjs, jax: jx, hand };
}

/**
 * Per-op cost while a reverse-mode trace records: the forward pass of a function doing
 * RECORDED_OPS tiny adds, under each library's gradient recording, divided by the count.
 * No backward pass runs.
 */
async function tinyRecordedCase(tf, jax) {
  const A = new Float64Array([1, 2]);
  const B = new Float64Array([3, 4]);
  const opts = { warmup: 3, reps: 9, inner: 5 };
  const perOp = (ms) => (ms * 1e3) / RECORDED_OPS;
  const label = "tiny add, recorded";
  const nabla = await forNabla(label, {}, async () => {
    const a = nb.tensor(A), b = nb.tensor(B);
    const f = (x) => {
      let y = nb.add(x, b);
      for (let i = 1; i < RECORDED_OPS; i++) y = nb.add(x, b);
      return y;
    };
    return ok(perOp(await timeMs(() => nb.vjp(f, a), opts)), "nb.vjp forward");
  });
  const tfjs = await forTf(tf, label, async (t) => {
    const engine = t.engine();
    const a = t.tensor1d(Float32Array.from(A)), b = t.tensor1d(Float32Array.from(B));
    const f = () => {
      let y = t.add(a, b);
      for (let i = 1; i < RECORDED_OPS; i++) y = t.add(a, b);
      return y;
    };
    // What tf.grad does before its backward pass: run f with a gradient tape recording.
    const r = ok(perOp(await timeMs(() => {
      engine.scopedRun(() => engine.startTape(), () => engine.endTape(), () => engine.tidy("forward", f)).dispose();
    }, opts)), "float32, engine tape");
    a.dispose();
    b.dispose();
    return r;
  });
  const jx = jax.error ? na(jax.error) : await attempt(`${label}: jax-js`, async () => {
    const { numpy: np, vjp } = jax.lib;
    const a = np.array(A), b = np.array(B);
    const f = (x) => {
      let y = x.ref.add(b.ref);
      for (let i = 1; i < RECORDED_OPS; i++) {
        y.dispose();
        y = x.ref.add(b.ref);
      }
      x.dispose();
      return y;
    };
    const r = ok(perOp(await timeMs(async () => {
      const [y, pullback] = vjp(f, [a.ref]);
      (await y.blockUntilReady()).dispose();
      pullback.dispose();
    }, { ...opts, inner: 1 })), "jax.vjp forward");
    a.dispose();
    b.dispose();
    return r;
  });
  return { ...nabla, ...tfjs, jax: jx, hand: na("no graph to record") };
}

// ---------------------------------------------------------------------------------------
// Small operations (issue 18): per-call cost of eager ops on a classifier head's sizes
// ([128, 10] logits, a [10] bias) and of small matmuls, in µs per call, beside PyTorch's.

const SMALL_MATMULS = ["4x4x4", "16x16x16", "64x64x64", "128x128x10"];
const SMALL_OPS = [...SMALL_MATMULS.map((s) => `matmul ${s}`), "sum", "mean", "max", "add bias"];
const smallOpts = (op) => ({ warmup: 3, reps: 9, inner: op === "matmul 64x64x64" || op === "matmul 128x128x10" ? 200 : 2000 });

/** The same inputs PyTorch's small_op times: uniform values, [128, 10] and a [10] bias, or m×k and k×n. */
async function smallOpCase(op, dtype) {
  const Ctor = dtype === "float64" ? Float64Array : Float32Array;
  const nabla = await forNabla(`small ${op} ${dtype}`, {}, async () => {
    let fn;
    if (op.startsWith("matmul")) {
      const [m, k, n] = op.split(" ")[1].split("x").map(Number);
      const a = nb.tensor(randomArray(m * k, Ctor, 1), { shape: [m, k] });
      const b = nb.tensor(randomArray(k * n, Ctor, 2), { shape: [k, n] });
      fn = () => nb.matmul(a, b);
    } else {
      const x = nb.tensor(randomArray(1280, Ctor, 1), { shape: [128, 10] });
      const bias = nb.tensor(randomArray(10, Ctor, 2));
      fn = { sum: () => nb.sum(x, -1), mean: () => nb.mean(x, -1), max: () => nb.max(x, -1), "add bias": () => nb.add(x, bias) }[op];
    }
    return ok((await timeMs(fn, smallOpts(op))) * 1e3);
  });
  const none = na("not measured");
  return { ...nabla, "tfjs-cpu": none, "tfjs-wasm": none, jax: none, hand: none };
}

// ---------------------------------------------------------------------------------------
// vmap (issue 12): per-example gradients of a 784-256-10 MLP, batched against a loop of
// nb.grad, and a Hessian built by one vmapped pass against PyTorch's vectorized one.

const PER_EXAMPLE = { n: 256, warmup: 1, reps: 3 };
const HESSIAN_N = 200;
/**
 * A Hessian takes about a millisecond: two warm-up calls leave nabla's transforms still
 * interpreted (V8 optimises them after 15–20 calls; 3–4 ms per call until then), so both sides
 * get 20. PyTorch's times do not change with warm-up.
 */
const HESSIAN_TIMING = { warmup: 20, reps: 9 };

/** The MLP's parameters, a batch and one-hot labels, seeded (the values do not matter for time). */
function perExampleInputs() {
  const scaled = (n, seed) => nb.mul(nb.tensor(randomArray(n, Float64Array, seed)), 0.05);
  const params = { W1: nb.reshape(scaled(784 * 256, 1), [784, 256]), b1: nb.zeros([256]), W2: nb.reshape(scaled(256 * 10, 2), [256, 10]), b2: nb.zeros([10]) };
  const X = nb.reshape(nb.tensor(randomArray(PER_EXAMPLE.n * 784, Float64Array, 3)), [PER_EXAMPLE.n, 784]);
  const Y = nb.tensor(Array.from({ length: PER_EXAMPLE.n }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0))));
  return { params, X, Y };
}

const perExampleLoss = (p, x, y) => nb.neg(nb.sum(nb.mul(y, nb.logSoftmax(nb.add(nb.matmul(nb.relu(nb.add(nb.matmul(x, p.W1), p.b1)), p.W2), p.b2)))));

async function perExampleCase(mode) {
  const label = `per-example grads, ${mode}`;
  const nabla = await forNabla(label, {}, async () => {
    const { params, X, Y } = perExampleInputs();
    if (mode === "vmap") {
      const perExample = nb.vmap(nb.grad(perExampleLoss), { inAxes: [null, 0, 0] });
      return ok(await timeMs(() => perExample(params, X, Y), PER_EXAMPLE), "nb.vmap(nb.grad(loss), {inAxes: [null, 0, 0]})");
    }
    const g = nb.grad(perExampleLoss);
    const rows = Array.from({ length: PER_EXAMPLE.n }, (_, i) => [nb.reshape(nb.slice(X, [i, 0], [1, -1]), [784]), nb.reshape(nb.slice(Y, [i, 0], [1, -1]), [10])]);
    return ok(await timeMs(() => rows.map(([x, y]) => g(params, x, y)), PER_EXAMPLE), "a JS loop of nb.grad(loss), one call per example");
  });
  return { ...nabla, ...NO_VMAP_PEERS, hand: na("no hand-written version") };
}

async function hessianCase() {
  const label = `hessian sum(tanh(A·x)), n = ${HESSIAN_N}`;
  const nabla = await forNabla(label, {}, async () => {
    const A = nb.div(nb.reshape(nb.tensor(randomArray(HESSIAN_N * HESSIAN_N, Float64Array, 4)), [HESSIAN_N, HESSIAN_N]), Math.sqrt(HESSIAN_N));
    const x = nb.tensor(randomArray(HESSIAN_N, Float64Array, 5));
    const H = nb.hessian((v) => nb.sum(nb.tanh(nb.matmul(A, v))));
    return ok(await timeMs(() => H(x), HESSIAN_TIMING), "nb.hessian: one vmapped forward-over-reverse pass");
  });
  return { ...nabla, ...NO_VMAP_PEERS, hand: na("no hand-written version") };
}

/** The JavaScript peers have no vmap to compare: the rows compare nabla with itself and PyTorch. */
const NO_VMAP_PEERS = { "tfjs-cpu": na("no vmap"), "tfjs-wasm": na("no vmap"), jax: na("not measured") };

// ---------------------------------------------------------------------------------------
// Training throughput (issue 6): one step of the MLP of bench/mlp.js, in samples per second.

/** The inputs for PyTorch's child process (float64, row-major), written by main() and removed after. */
const MLP_DATA_FILE = join(os.tmpdir(), `nabla-bench-mlp-${process.pid}.f64`);

function trainOpts() {
  return QUICK ? { warmup: 3, reps: 7 } : { warmup: 10, reps: 31 };
}

const MLP_CHILD = new URL("./mlp-child.js", import.meta.url).pathname;

/** Runs bench/mlp-child.js for one library and returns its JSON line, or why there is none. */
function mlpChild(peer, dtype, mode, first, second, env = {}) {
  const child = spawnSync(process.execPath, ["--expose-gc", MLP_CHILD, peer, dtype, mode, String(first), String(second)], {
    encoding: "utf8",
    timeout: 900_000,
    env: { ...process.env, ...env },
  });
  const line = child.stdout?.trim().split("\n").pop();
  try {
    return JSON.parse(line);
  } catch {
    return { error: child.error ? String(child.error.message) : (child.stderr?.trim().split("\n").pop() ?? "no output").slice(0, 80) };
  }
}

/** The alternating rounds behind the MLP rows' native and PyTorch figures (bench/mlp-rounds.js). */
function roundsOpts() {
  return QUICK ? { rounds: 5, steps: 15, warmup: 5 } : { rounds: 10, steps: 30, warmup: WARMUP_STEPS };
}
/** The native columns (one thread, all cores), each a long-lived process per setting in the rounds. */
const NATIVE_VARIANTS = NABLA_VARIANTS.filter((v) => v.backend === "native");
const nativeThreads = () => (nb.listBackends().includes("native") ? [...new Set(NATIVE_VARIANTS.map((v) => v.threads))] : []);
let mlpRounds;
/** One set of rounds for every selected MLP row, started by the first of them. */
function sharedMlpRounds() {
  mlpRounds ??= runMlpRounds(ROWS.flatMap((r) => (r.mlp ? [r.mlp] : [])), { threads: nativeThreads(), ...roundsOpts(), progress });
  return mlpRounds;
}

const STEP_NOTES = {
  jit: "nb.jit(nb.valueAndGrad(loss)) + nb.optim.adam",
  eager: "nb.valueAndGrad(loss), eager + nb.optim.adam",
  compiled: "nb.nn.trainingStep(model, { jit: true }): one program",
};

/** A figure in samples/s from a setting's median ms per step in the rounds (and by CPU time). */
const fromRounds = (f, note) => (f.error ? na(f.error) : { value: MLP.batch / (f.wallMs / 1e3), cpuValue: MLP.batch / (f.cpuMs / 1e3), note });

/**
 * One MLP row. The native columns and PyTorch's come from the alternating rounds of long-lived
 * processes (the ratios that matter, taken round by round); the reference and wasm columns and
 * the other libraries' are timed as before, each library in a fresh process of its own
 * (bench/mlp-child.js), so that what the bench ran before does not weigh on it. The mixed rows
 * run the native backend only; the other libraries are on the fresh rows.
 */
async function mlpCase(s, tf, jax) {
  const { warmup, reps } = trainOpts();
  const what = STEP_NOTES[s.variant] + (s.mixed ? ", after the mixed workload" : "");
  const timed = (peer, note, env) => {
    progress(`MLP train step ${describeSetting(s)}: ${peer} (own process)`);
    const r = mlpChild(peer, s.dtype, "time", warmup, reps, env);
    return r.error ? na(r.error) : ok(MLP.batch / (r.msPerStep / 1e3), note);
  };
  const result = await sharedMlpRounds();
  const f = settingFigures(result, s, nativeThreads());
  const out = {};
  for (const v of NABLA_VARIANTS) {
    if (!nb.listBackends().includes(v.backend)) out[v.key] = na(`backend ${v.backend} did not load`);
    else if (v.backend === "native") out[v.key] = fromRounds(f.nabla[v.threads], `${what}; long-lived process, alternating rounds`);
    else if (s.mixed) out[v.key] = na("the mixed workload runs on the native backend");
    else out[v.key] = timed(`nabla-${s.variant === "compiled" ? "step-" : ""}${v.backend}${s.variant === "eager" ? "-eager" : ""}`, what, { NABLA_NUM_THREADS: String(v.threads) });
  }
  out.torch = fromRounds(f.torch, `torch ${result.torchVersion}, 1 thread`);
  if (s.variant === "jit" && !s.mixed) {
    for (const [key, t] of Object.entries(tf)) {
      out[key] = t.error ? na(t.error) : s.dtype === "float64" ? na("TF.js has no float64") : timed(key, "float32; tf.train.adam minimize over a tf.sequential");
    }
    out.jax = jax.error ? na(jax.error) : timed("jax", "jax.valueAndGrad + Adam written out, eager (no jit)");
  } else {
    const elsewhere = na(s.variant === "compiled" && !s.mixed ? "see the row above" : "see the MLP rows above");
    Object.assign(out, { "tfjs-cpu": elsewhere, "tfjs-wasm": elsewhere, jax: elsewhere });
  }
  out.hand = na("no hand-written training step");
  const perVariant = (pick) => Object.fromEntries(NATIVE_VARIANTS.map((v) => [v.key, pick(f.nabla[v.threads])]));
  out.rounds = {
    rounds: result.rounds, steps: result.steps, processes: result.processes,
    speedups: Object.fromEntries(NATIVE_VARIANTS.map((v) => [`${v.key} vs torch`, f.nabla[v.threads]?.speedup ?? null])),
    ...(s.mixed ? { mixedOverFresh: { ...perVariant((x) => x?.mixedOverFresh ?? null), torch: f.torch.mixedOverFresh } } : {}),
  };
  return out;
}

/**
 * After the table: the MLP rows' speedups over PyTorch as the rounds measured them (the median
 * of each round's ratio, by wall clock and by CPU time) and, on the mixed rows, each process's
 * time after the mixed workload ÷ the fresh one's.
 */
function printMlpRounds(rows) {
  const { rounds, steps, processes } = rows[0].rounds;
  console.log(`\nMLP step rows — nabla native and PyTorch: ${processes} long-lived processes (one per setting, started once and warmed up), ${rounds} alternating rounds of ${steps} steps; figures are medians over the rounds.`);
  console.log("Speedup over PyTorch (the median of each round's PyTorch time ÷ nabla's; > 1: nabla faster), by wall clock and by CPU time (all of a process's threads; preemption by other processes does not inflate it):");
  const x = (q) => (q === null ? "n/a" : `${q.toFixed(2)}×`);
  for (const r of rows) {
    const speedups = Object.entries(r.rounds.speedups).map(([k, q]) => `${k.replace(" vs torch", "")} ${x(q?.wall ?? null)} wall, ${x(q?.cpu ?? null)} cpu`);
    const slower = r.rounds.mixedOverFresh
      ? `; mixed ÷ fresh time (wall, cpu): ${Object.entries(r.rounds.mixedOverFresh).map(([k, q]) => `${k} ${q ? `${q.wall.toFixed(2)}, ${q.cpu.toFixed(2)}` : "n/a"}`).join("; ")}`
      : "";
    console.log(`  ${r.work.replace("MLP train step, batch 128, ", "")}: ${speedups.join("; ")}${slower}`);
  }
}

// ---------------------------------------------------------------------------------------
// Memory: each library trains the float32 MLP for up to MEMORY.steps steps (or MEMORY.seconds)
// in a process of its own, so that its resident set is its own; the table shows RSS after the
// first tenth of the run and at the end (flat = no growth between them) and the peak.

const MEMORY = QUICK ? { steps: 200, seconds: 20 } : { steps: 1000, seconds: 90 };
const MEMORY_PEERS = ["nabla-native", "nabla-wasm", "tfjs-cpu", "tfjs-wasm", "jax"];

function memoryRun(peer) {
  progress(`MLP memory: ${peer} (own process, up to ${MEMORY.steps} steps or ${MEMORY.seconds} s)`);
  return mlpChild(peer, "float32", "memory", MEMORY.steps, MEMORY.seconds);
}

function memorySection() {
  const rows = MEMORY_PEERS.filter((p) => !p.startsWith("nabla-") || nb.listBackends().includes(p.slice("nabla-".length))).map((peer) => ({ peer, ...memoryRun(peer) }));
  writeFileSync(MLP_DATA_FILE, new Uint8Array(MLP_X.buffer));
  const torch = runTorch([{ id: "0", kind: "trainMemory", labels: MLP_LABELS, data: MLP_DATA_FILE, ...MEMORY }]);
  rmSync(MLP_DATA_FILE, { force: true });
  rows.push({ peer: "torch", ...(torch.error ? { error: torch.error } : torch.results?.["0"] ?? { error: "no result" }) });
  return rows.map((r) => {
    if (r.error) return { peer: r.peer, error: r.error };
    const first = r.samplesMB[0];
    const last = r.samplesMB[r.samplesMB.length - 1];
    // Throughput of the whole run in a fresh process: tracing, warm-up and every GC included.
    const samplesPerSecond = (r.steps * MLP.batch) / r.seconds;
    return { peer: r.peer, steps: r.steps, seconds: r.seconds, samplesPerSecond, rssAfterTenthMB: first, rssAtEndMB: last, growthMB: last - first, peakMB: r.peakMB };
  });
}

function printMemory(rows) {
  console.log(`\nMemory — MLP train step f32, each library in its own process, up to ${MEMORY.steps} steps or ${MEMORY.seconds} s (samples/s over the whole run, first steps and GC included):`);
  const header = ["library", "steps", "seconds", "samples/s", "RSS at 1/10 (MB)", "RSS at end (MB)", "growth (MB)", "peak RSS (MB)"];
  const cells = rows.map((r) => r.error
    ? [r.peer, `n/a (${r.error})`, "", "", "", "", "", ""]
    : [r.peer, String(r.steps), r.seconds.toFixed(1), fmt(r.samplesPerSecond), String(r.rssAfterTenthMB), String(r.rssAtEndMB), `${r.growthMB >= 0 ? "+" : ""}${r.growthMB}`, String(r.peakMB)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  for (const row of [header, ...cells]) console.log("  " + row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}

// ---------------------------------------------------------------------------------------
// Report

const fmt = (x) => (x === null ? "n/a" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));
const isF32 = (f) => f.note?.startsWith("float32") ?? false;
const cell = (f) => (f.value === null ? "n/a" : fmt(f.value) + (isF32(f) ? "*" : ""));
const ratio = (a, b) => (a.value === null || b.value === null ? null : a.value / b.value);
/**
 * How many times faster a is than b on a row, whatever its unit: a ÷ b where higher is better
 * (GFLOP/s, samples/s), b ÷ a where lower is (ms, ns/elem). Above 1, a is faster.
 */
const speedup = (a, b, better) => (better === "higher" ? ratio(a, b) : ratio(b, a));

/** Repetitions of one linalg row (shared with the PyTorch script). */
function linalgOpts(n) {
  // At n = 256 a call takes under a millisecond: more repetitions steady the median on a shared machine.
  return { warmup: n >= 1024 ? 1 : 3, reps: n >= 1024 ? 3 : 21 };
}

/**
 * A float64 nb.linalg call against torch.linalg's (LAPACK over OpenBLAS, one thread), in ms, on
 * the same kind of input: an SPD matrix x·xᵀ + n·I for cholesky/solve/inv/eigh/eigvalsh, x itself for svd/svdvals.
 */
async function linalgCase(op, n) {
  const X = randomArray(n * n, Float64Array, 1);
  const B = randomArray(n, Float64Array, 2);
  const nabla = await forNabla(`linalg ${op} ${n}`, {}, async () => {
    const x = nb.tensor(X, { shape: [n, n] });
    const spd = nb.add(nb.matmul(x, nb.transpose(x)), nb.mul(nb.eye(n), n));
    const b = nb.tensor(B, { shape: [n, 1] });
    const fns = {
      cholesky: () => nb.linalg.cholesky(spd),
      solve: () => nb.linalg.solve(spd, b),
      inv: () => nb.linalg.inv(spd),
      eigh: () => nb.linalg.eigh(spd),
      eigvalsh: () => nb.linalg.eigvalsh(spd),
      svd: () => nb.linalg.svd(x),
      svdvals: () => nb.linalg.svdvals(x),
    };
    return ok(await timeMs(fns[op], linalgOpts(n)));
  });
  const none = na("no float64 linalg to compare");
  return { ...nabla, "tfjs-cpu": none, "tfjs-wasm": none, jax: none, hand: na("not measured") };
}

/** Repetitions of one quad row (shared with the Python script): calls per timed loop, loops. */
const QUAD_OPTS = { warmup: 2, reps: 7, inner: 20 };
/** Integrands of the quad test set with a row each: smooth, an endpoint singularity, an infinite interval, break points. */
const QUAD_ROWS = ["bjl01", "bjl05", "bjl13", "gsl_f454"];

/**
 * µs per nb.integrate.quad call beside scipy.integrate.quad's (default tolerances, Python
 * integrand) on one problem of src/numeric/integrate/quad-reference.json. The native figure
 * notes the integrand and the evaluation counts (the same on every backend) beside scipy's.
 */
async function quadCase(p) {
  const nabla = await forNabla(`quad ${p.name}`, {}, async () => {
    const run = quadRunner(nb, p);
    return ok(1000 * (await timeMs(run, QUAD_OPTS)));
  });
  if (nabla.native.value !== null) nabla.native.note = `${p.f} on [${p.a}, ${p.b}]: ${quadRunner(nb, p)().nfev} evaluations (scipy ${p.calls})`;
  const none = na("no quadrature to compare");
  return { ...nabla, "tfjs-cpu": none, "tfjs-wasm": none, jax: none, torch: na("no PyTorch quadrature"), hand: na("not measured") };
}

/** Timing repetitions of one matmul size (shared with the PyTorch script, so both do the same). */
function matmulOpts(n) {
  if (QUICK) return { warmup: 1, reps: n >= 1024 ? 2 : 5, inner: n >= 256 ? 1 : 10 };
  return { warmup: n >= 1024 ? 1 : 2, reps: n >= 1024 ? 3 : n >= 256 ? 7 : 25, inner: n >= 1024 ? 1 : n >= 256 ? 2 : 40 };
}

const MATMUL_SIZES = QUICK ? [256, 1024] : [64, 256, 1024];
/** Every row: its PyTorch case and the JavaScript that measures everything else. */
const ROWS = [
  ...["float64", "float32"].flatMap((dtype) => MATMUL_SIZES.map((n) => ({
    work: `matmul ${n} ${dtype}`, unit: "GFLOP/s", better: "higher",
    torch: { kind: "matmul", n, dtype, ...matmulOpts(n) },
    run: (tf, jax) => matmulCase(n, dtype, tf, jax),
  }))),
  { work: "tanh(x)*x+1, 1e6 f64", unit: "ns/elem", better: "lower", torch: { kind: "tanh", reps: 9 }, run: tanhCase },
  { work: "tanh(x)*x+1, 1e6 f64, nb.jit", unit: "ns/elem", better: "lower", torch: { kind: "tanh", reps: 9 }, run: (tf, jax) => tanhCase(tf, jax, { jit: true }) },
  { work: "copy 1e6 f64 (bandwidth floor)", unit: "ns/elem", better: "lower", torch: { kind: "copy", reps: 9 }, run: copyCase },
  { work: "valueAndGrad sum(sin(x)*x), 1e6", unit: "ms", better: "lower", torch: { kind: "grad", reps: 7 }, run: gradCase },
  { work: "valueAndGrad sum(sin(x)*x), 1e6, nb.jit", unit: "ms", better: "lower", torch: { kind: "grad", reps: 7 }, run: (tf, jax) => gradCase(tf, jax, { jit: true }) },
  { work: "tiny add [2], eager", unit: "µs/op", better: "lower", torch: { kind: "tinyEager", reps: 9 }, run: tinyEagerCase },
  { work: "tiny add [2], recorded", unit: "µs/op", better: "lower", torch: { kind: "tinyRecorded", reps: 9, ops: RECORDED_OPS }, run: tinyRecordedCase },
  ...["float64", "float32"].flatMap((dtype) => SMALL_OPS.map((op) => ({
    work: `small ${op.startsWith("matmul") ? op : `${op} [128,10]${op === "add bias" ? "+[10]" : ", last axis"}`} ${dtype === "float32" ? "f32" : "f64"}`,
    unit: "µs/op", better: "lower",
    torch: { kind: "small", op, dtype, ...smallOpts(op) },
    run: () => smallOpCase(op, dtype),
  }))),
  ...[["cholesky", 256], ["cholesky", 1024], ["solve", 256], ["solve", 1024], ["inv", 256], ["inv", 1024], ["eigh", 256], ["svd", 256], ["eigvalsh", 256], ["svdvals", 256]].map(([op, n]) => ({
    work: `linalg ${op} ${n} f64`, unit: "ms", better: "lower",
    torch: { kind: "linalg", op, n, ...linalgOpts(n) },
    // Issue 12's bar is a ratio in one run: PyTorch's case runs right before nabla's.
    torchBeside: true,
    run: () => linalgCase(op, n),
  })),
  ...["vmap", "loop"].map((mode) => ({
    work: `per-example grads, MLP 784-256-10 ×${PER_EXAMPLE.n}, ${mode === "vmap" ? "vmap" : "loop of nb.grad"}`, unit: "ms", better: "lower",
    torch: { kind: "perExample", mode, ...PER_EXAMPLE },
    run: () => perExampleCase(mode),
  })),
  ...quadProblems().filter((p) => QUAD_ROWS.includes(p.name)).map((p) => ({
    work: `quad ${p.name}`, unit: "µs", better: "lower",
    torch: { kind: "quad", f: p.f, a: p.a, b: p.b, points: p.points, ...QUAD_OPTS }, peer: "scipy",
    run: () => quadCase(p),
  })),
  { work: `hessian sum(tanh(A·x)), x in R^${HESSIAN_N}`, unit: "ms", better: "lower", torch: { kind: "hessianTanh", n: HESSIAN_N, ...HESSIAN_TIMING }, run: hessianCase },
  // nabla native's and PyTorch's figures from alternating rounds (bench/mlp-rounds.js), hence no torch case.
  ...MLP_SETTINGS.map((setting) => ({
    work: `MLP train step, batch 128, ${describeSetting(setting)}`, unit: "samples/s", better: "higher",
    mlp: setting,
    run: (tf, jax) => mlpCase(setting, tf, jax),
  })),
].filter((r) => ONLY === undefined || r.work.includes(ONLY));

const NABLA_KEYS = NABLA_VARIANTS.map((v) => v.key);
const PEER_KEYS = ["tfjs-cpu", "tfjs-wasm", "jax", "torch", "scipy", "hand"];
/**
 * The speedups printed (> 1: the first is faster, on every row): the native backend (one
 * thread) against each peer, the wasm backend against TF.js's (both WebAssembly SIMD, one
 * thread), and the reference against the hand loop and TF.js cpu.
 */
const RATIOS = [["native", "torch"], ["native", "scipy"], ["native", "tfjs-wasm"], ["wasm", "tfjs-wasm"], ["native", "jax"], ["native", "hand"], ["reference", "hand"], ["reference", "tfjs-cpu"]];

async function main() {
  const tf = { "tfjs-cpu": await loadTf("cpu"), "tfjs-wasm": await loadTf("wasm") };
  const jax = await loadJax();
  writeFileSync(MLP_DATA_FILE, new Uint8Array(MLP_X.buffer));
  const torch = runTorch(ROWS.flatMap((r, id) => (r.torchBeside || !r.torch ? [] : [{ id: String(id), ...r.torch }])));
  const rows = [];
  for (const [id, r] of ROWS.entries()) {
    // This shared machine's speed drifts by ±20% over minutes: a row whose ratio matters most
    // runs PyTorch's case right before nabla's, in the same minute, instead of at the start.
    const beside = r.torchBeside ? runTorch([{ id: String(id), ...r.torch }]) : null;
    const figures = await r.run(tf, jax);
    const source = beside ?? torch;
    const t = source.results?.[String(id)];
    // The Python child's figure is PyTorch's, or SciPy's on the rows that name it their peer.
    const peer = r.peer ?? "torch";
    const label = peer === "scipy" ? `scipy ${source.scipy}` : `torch ${source.version}, 1 thread`;
    // A row without a PyTorch case (the MLP rows: alternating rounds) brings its own figure.
    if (r.torch) figures[peer] = source.error ? na(source.error) : typeof t === "number" ? ok(peer === "scipy" ? 1000 * t : t, label) : na("no result");
    figures.scipy ??= na("no SciPy counterpart");
    rows.push({ work: r.work, unit: r.unit, better: r.better, ...figures });
  }
  rmSync(MLP_DATA_FILE, { force: true });

  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: CORES,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    nativeIsa: nativeIsa() ?? null,
    torch: torch.version ?? null,
    load: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  const record = {
    date: new Date().toISOString(),
    quick: QUICK,
    machine,
    results: rows.map((r) => ({
      work: r.work,
      unit: r.unit,
      better: r.better,
      ...Object.fromEntries([...NABLA_KEYS, ...PEER_KEYS].map((k) => [k, r[k]])),
      // The MLP rows' native-vs-PyTorch speedups are the rounds' (median of the per-round ratios, by wall clock).
      speedups: Object.fromEntries(RATIOS.map(([a, b]) => [`${a} vs ${b}`, r.rounds?.speedups[`${a} vs ${b}`]?.wall ?? speedup(r[a], r[b], r.better)])),
      ...(r.rounds ? { rounds: r.rounds } : {}),
    })),
  };
  const memory = ONLY === undefined || "memory".includes(ONLY) ? memorySection() : null;
  if (memory) record.memory = memory;
  const dir = new URL("./results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  if (JSON_OUT) {
    // The optimisation section: nabla's minimize against SciPy on the MGH set (counts, not times).
    record.optim = await optimSection({ json: true, quiet: true });
    record.integrate = await integrateSection({ json: true });
    if (ONLY === undefined || ONLY === "models") record.models = await modelsSection({ json: true, quiet: true });
    writeFileSync(new URL(RECORD_FILE, dir), JSON.stringify(record, null, 2) + "\n");
    process.stdout.write(JSON.stringify(record, null, 2) + "\n");
    return;
  }
  writeFileSync(new URL(RECORD_FILE, dir), JSON.stringify(record, null, 2) + "\n");

  const header = ["work", "unit", ...NABLA_KEYS, ...PEER_KEYS.map((k) => (k === "hand" ? "hand JS" : k === "jax" ? "jax-js" : k)),
    ...RATIOS.map(([a, b]) => `${{ reference: "ref", native: "nat" }[a] ?? a} vs ${b}`)];
  const table = rows.map((r, i) => [
    r.work, `${r.unit} (${r.better === "higher" ? "↑" : "↓"})`,
    ...[...NABLA_KEYS, ...PEER_KEYS].map((k) => cell(r[k])),
    ...RATIOS.map(([a, b]) => { const q = record.results[i].speedups[`${a} vs ${b}`]; return q === null ? "-" : `${q.toFixed(2)}×`; }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`nabla bench${QUICK ? " (--quick)" : ""} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, native kernels: ${machine.nativeIsa ?? "not loaded"}, load average ${machine.load.join(" ")}`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of table) console.log(line(row));
  console.log("\n↑ higher is better, ↓ lower; a vs b = how many times faster a is than b, on every row (> 1: a faster; nat = nabla native, 1 thread; ref = nabla reference).");
  console.log(`* = float32 (TF.js has no float64). PyTorch runs one thread. Written to bench/results/${RECORD_FILE}.`);
  const notes = [];
  for (const r of rows) {
    for (const k of [...NABLA_KEYS, ...PEER_KEYS]) {
      const f = r[k];
      if (f.value === null && !notes.some((n) => n.endsWith(`${k}: n/a (${f.reason})`))) notes.push(`${r.work} — ${k}: n/a (${f.reason})`);
      else if (f.note && f.note !== "float32" && !f.note.startsWith("torch") && !f.note.startsWith("scipy")) notes.push(`${r.work} — ${k}: ${f.note}`);
    }
  }
  if (notes.length) console.log(notes.map((n) => `  ${n}`).join("\n"));
  const vmapRow = rows.find((r) => r.work.startsWith("per-example grads") && r.work.endsWith("vmap"));
  const loopRow = rows.find((r) => r.work.startsWith("per-example grads") && r.work.endsWith("loop of nb.grad"));
  if (vmapRow && loopRow) {
    const speedups = NABLA_KEYS.flatMap((k) => { const q = ratio(loopRow[k], vmapRow[k]); return q === null ? [] : [`${k} ${q.toFixed(1)}×`]; });
    console.log(`  per-example gradients, vmap over the loop of nb.grad: ${speedups.join(", ")}`);
  }
  const roundRows = rows.filter((r) => r.rounds);
  if (roundRows.length) printMlpRounds(roundRows);
  if (memory) printMemory(memory);
  // The optimisation section (bench/optim.js): printed after the table, and kept in the record.
  record.optim = await optimSection({ quiet: QUIET });
  // The integration section (bench/integrate.js): quad against scipy.integrate.quad.
  record.integrate = await integrateSection();
  // The models section (bench/models.js): nb.models fit times beside scikit-learn / XGBoost.
  if (ONLY === undefined || ONLY === "models") record.models = await modelsSection({ quiet: QUIET });
  writeFileSync(new URL(RECORD_FILE, dir), JSON.stringify(record, null, 2) + "\n");
}

await main();
