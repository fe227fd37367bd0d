// `npm run bench`: nabla's reference backend against TensorFlow.js (cpu), jax-js (Wasm) and
// hand-written JavaScript, on this machine, in one run. `--json` prints machine-readable
// results; `--quiet` hides the progress lines on stderr; `--only=TEXT` runs only the rows
// whose name contains TEXT. Every figure is the median of
// several timed repetitions after warm-up. Not part of `npm test`: nothing here asserts.
import os from "node:os";
import { performance } from "node:perf_hooks";
import * as nb from "../dist/index.js";

const argv = new Set(process.argv.slice(2));
const JSON_OUT = argv.has("--json");
const QUIET = JSON_OUT || argv.has("--quiet");
const ONLY = [...argv].find((a) => a.startsWith("--only="))?.slice("--only=".length);
const progress = (msg) => {
  if (!QUIET) process.stderr.write(`  ${msg}\n`);
};

// ---------------------------------------------------------------------------------------
// Timing

/**
 * Median milliseconds per call of `fn`. Each sample runs `inner` calls back to back (so
 * sub-microsecond work is timed above the clock's resolution). `fn` may return a promise,
 * which is awaited (jax-js realises its lazy arrays asynchronously); sync results are not,
 * so a synchronous library pays no microtask per call.
 */
async function timeMs(fn, { warmup = 2, reps = 5, inner = 1 } = {}) {
  const run = async () => {
    for (let i = 0; i < inner; i++) {
      const r = fn();
      if (r && typeof r.then === "function") await r;
    }
  };
  for (let i = 0; i < warmup; i++) await run();
  globalThis.gc?.();
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    samples.push((performance.now() - t0) / inner);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

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
// Peers, loaded defensively: a missing or broken peer becomes "n/a", never a crash.

async function loadTf() {
  try {
    const tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-cpu");
    // Production mode: no debug checks and no console banner; TF.js at its fastest.
    tf.enableProdMode();
    await tf.setBackend("cpu");
    await tf.ready();
    if (tf.getBackend() !== "cpu") throw new Error(`backend is ${tf.getBackend()}`);
    registerTfGradients(tf);
    return { lib: tf };
  } catch (e) {
    return { error: `failed to load: ${String(e?.message ?? e).split("\n")[0]}` };
  }
}

/**
 * tfjs-core's Node bundle ships no gradient functions (its ESM-only register_all_gradients
 * cannot be imported by Node), so the three the bench differentiates are registered here,
 * as TF.js defines them: d sin = cos·dy, d(a·b) = (b·dy, a·dy), d sum = dy broadcast.
 */
function registerTfGradients(tf) {
  const has = (name) => tf.getGradient(name) !== undefined;
  if (!has("Sin")) tf.registerGradient({ kernelName: "Sin", inputsToSave: ["x"], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy, tf.cos(x)) }) });
  if (!has("Multiply")) {
    tf.registerGradient({
      kernelName: "Multiply",
      inputsToSave: ["a", "b"],
      gradFunc: (dy, [a, b]) => ({ a: () => tf.mul(dy, b), b: () => tf.mul(dy, a) }),
    });
  }
  if (!has("Sum")) {
    tf.registerGradient({
      kernelName: "Sum",
      inputsToSave: ["x"],
      gradFunc: (dy, [x]) => ({ x: () => tf.mul(tf.reshape(dy, x.shape.map(() => 1)), tf.onesLike(x)) }),
    });
  }
}

async function loadJax() {
  try {
    // jax-js tests `instanceof Float16Array`, which Node 20 lacks; an empty stand-in class
    // matches nothing, so no value is ever mistaken for float16.
    if (typeof globalThis.Float16Array === "undefined") globalThis.Float16Array = class Float16Array {};
    const jax = await import("@jax-js/jax");
    const devices = await jax.init("wasm");
    if (!devices.includes("wasm")) throw new Error("no wasm device");
    jax.defaultDevice("wasm");
    return { lib: jax };
  } catch (e) {
    return { error: `failed to load: ${String(e?.message ?? e).split("\n")[0]}` };
  }
}

// ---------------------------------------------------------------------------------------
// Inputs and hand-written baselines

function randomArray(n, Ctor = Float64Array, seed = 1) {
  const out = new Ctor(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 * 2 - 1;
  }
  return out;
}

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
  const reps = n >= 1024 ? 3 : n >= 256 ? 7 : 25;
  const inner = n >= 1024 ? 1 : n >= 256 ? 2 : 40;
  const warmup = n >= 1024 ? 1 : 2;
  const opts = { warmup, reps, inner };
  const gflops = (ms) => flops / (ms * 1e6);
  const Ctor = dtype === "float64" ? Float64Array : Float32Array;
  const A = randomArray(n * n, Ctor, 1);
  const B = randomArray(n * n, Ctor, 2);
  const label = `matmul ${n}×${n} ${dtype}`;

  const nabla = await attempt(`${label}: nabla`, async () => {
    const a = nb.tensor(A, { shape: [n, n] });
    const b = nb.tensor(B, { shape: [n, n] });
    return ok(gflops(await timeMs(() => nb.matmul(a, b), opts)));
  });
  const tfjs = tf.error ? na(tf.error) : dtype === "float64" ? na("TF.js has no float64")
    : await attempt(`${label}: tfjs-cpu`, async () => {
      const t = tf.lib;
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
  return { nabla, tfjs, jax: jx, hand };
}

async function tanhCase(tf, jax) {
  const N = 1e6;
  const X = randomArray(N);
  const opts = { warmup: 3, reps: 9 };
  const nsPerElement = (ms) => (ms * 1e6) / N;
  const label = "tanh(x)*x+1";
  const nabla = await attempt(`${label}: nabla`, async () => {
    const x = nb.tensor(X);
    return ok(nsPerElement(await timeMs(() => nb.add(nb.mul(nb.tanh(x), x), 1), opts)));
  });
  const tfjs = tf.error ? na(tf.error) : await attempt(`${label}: tfjs-cpu`, async () => {
    const t = tf.lib;
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
  progress(`${label}: hand JS`);
  const hand = ok(nsPerElement(await timeMs(() => handTanhExpr(X), opts)));
  return { nabla, tfjs, jax: jx, hand };
}

async function gradCase(tf, jax) {
  const N = 1e6;
  const X = randomArray(N);
  const opts = { warmup: 3, reps: 7 };
  const label = "valueAndGrad sum(sin(x)*x)";
  const nabla = await attempt(`${label}: nabla`, async () => {
    const x = nb.tensor(X);
    const f = nb.valueAndGrad((x) => nb.sum(nb.mul(nb.sin(x), x)));
    return ok(await timeMs(() => f(x), opts));
  });
  const tfjs = tf.error ? na(tf.error) : await attempt(`${label}: tfjs-cpu`, async () => {
    const t = tf.lib;
    const x = t.tensor1d(Float32Array.from(X));
    const f = t.valueAndGrad((x) => t.sum(t.mul(t.sin(x), x)));
    const r = ok(await timeMs(() => {
      const { value, grad } = f(x);
      value.dispose();
      grad.dispose();
    }, opts), "float32; gradients of Sin, Multiply, Sum registered by the bench");
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
  progress(`${label}: hand JS`);
  const hand = ok(await timeMs(() => handSinValueAndGrad(X), opts));
  return { nabla, tfjs, jax: jx, hand };
}

async function tinyEagerCase(tf, jax) {
  const A = new Float64Array([1, 2]);
  const B = new Float64Array([3, 4]);
  const opts = { warmup: 3, reps: 9, inner: 20000 };
  const us = (ms) => ms * 1e3;
  const label = "tiny add, eager";
  const nabla = await attempt(`${label}: nabla`, async () => {
    const a = nb.tensor(A), b = nb.tensor(B);
    return ok(us(await timeMs(() => nb.add(a, b), opts)));
  });
  const tfjs = tf.error ? na(tf.error) : await attempt(`${label}: tfjs-cpu`, async () => {
    const t = tf.lib;
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
  return { nabla, tfjs, jax: jx, hand };
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
  const nabla = await attempt(`${label}: nabla`, async () => {
    const a = nb.tensor(A), b = nb.tensor(B);
    const f = (x) => {
      let y = nb.add(x, b);
      for (let i = 1; i < RECORDED_OPS; i++) y = nb.add(x, b);
      return y;
    };
    return ok(perOp(await timeMs(() => nb.vjp(f, a), opts)), "nb.vjp forward");
  });
  const tfjs = tf.error ? na(tf.error) : await attempt(`${label}: tfjs-cpu`, async () => {
    const t = tf.lib;
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
  return { nabla, tfjs, jax: jx, hand: na("no graph to record") };
}

// ---------------------------------------------------------------------------------------
// Report

const fmt = (x) => (x === null ? "n/a" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));
const isF32 = (f) => f.note?.startsWith("float32") ?? false;
const cell = (f) => (f.value === null ? "n/a" : fmt(f.value) + (isF32(f) ? "*" : ""));
const ratio = (a, b) => (a.value === null || b.value === null ? null : a.value / b.value);

async function main() {
  const tf = await loadTf();
  const jax = await loadJax();
  const rows = [];
  const add = async (work, unit, better, run) => {
    if (ONLY === undefined || work.includes(ONLY)) rows.push({ work, unit, better, ...(await run()) });
  };

  for (const dtype of ["float64", "float32"]) {
    for (const n of [64, 256, 1024]) await add(`matmul ${n} ${dtype}`, "GFLOP/s", "higher", () => matmulCase(n, dtype, tf, jax));
  }
  await add("tanh(x)*x+1, 1e6 f64", "ns/elem", "lower", () => tanhCase(tf, jax));
  await add("valueAndGrad sum(sin(x)*x), 1e6", "ms", "lower", () => gradCase(tf, jax));
  await add("tiny add [2], eager", "µs/op", "lower", () => tinyEagerCase(tf, jax));
  await add("tiny add [2], recorded", "µs/op", "lower", () => tinyRecordedCase(tf, jax));

  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
  const peers = ["tfjs", "jax", "hand"];

  if (JSON_OUT) {
    const out = rows.map((r) => ({
      work: r.work,
      unit: r.unit,
      better: r.better,
      ...Object.fromEntries(["nabla", ...peers].map((k) => [k, r[k]])),
      ratios: Object.fromEntries(peers.map((k) => [`nabla/${k}`, ratio(r.nabla, r[k])])),
    }));
    process.stdout.write(JSON.stringify({ machine, results: out }, null, 2) + "\n");
    return;
  }

  const header = ["work", "unit", "nabla", "tfjs-cpu", "jax-js", "hand JS", "n/tfjs", "n/jax", "n/hand"];
  const table = rows.map((r) => [
    r.work, `${r.unit} (${r.better === "higher" ? "↑" : "↓"})`,
    cell(r.nabla), cell(r.tfjs), cell(r.jax), cell(r.hand),
    ...peers.map((k) => { const q = ratio(r.nabla, r[k]); return q === null ? "-" : `${q.toFixed(2)}×`; }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`nabla bench — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of table) console.log(line(row));
  console.log("\n↑ higher is better, ↓ lower; n/x = nabla ÷ x in the row's unit. * = float32 (TF.js has no float64).");
  const notes = [];
  for (const r of rows) {
    for (const k of ["nabla", ...peers]) {
      const f = r[k];
      if (f.value === null) notes.push(`${r.work} — ${k}: n/a (${f.reason})`);
      else if (f.note && f.note !== "float32") notes.push(`${r.work} — ${k}: ${f.note}`);
    }
  }
  if (notes.length) console.log(notes.map((n) => `  ${n}`).join("\n"));
}

await main();
