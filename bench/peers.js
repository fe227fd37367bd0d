// The bench's peers, loaded defensively (a missing or broken peer becomes "n/a", never a
// crash), the seeded inputs every library is timed on, and the timing itself. Shared by
// bench/run.js and the one-library child processes of bench/mlp-child.js.
import { performance } from "node:perf_hooks";


/** Uniform values in [−1, 1) from a 32-bit LCG: the same inputs in every run and library. */
export function randomArray(n, Ctor = Float64Array, seed = 1) {
  const out = new Ctor(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 * 2 - 1;
  }
  return out;
}

/** Standard normal values (Box–Muller on randomArray). */
export function randomNormal(n, seed) {
  const u = randomArray(2 * n, Float64Array, seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log((u[2 * i] + 1) / 2 + 1e-300));
    out[i] = r * Math.cos(Math.PI * u[2 * i + 1]);
  }
  return out;
}

/**
 * TF.js with one of its backends ("cpu" or "wasm"), or why it cannot run. The union package
 * `@tensorflow/tfjs` (core, cpu backend, layers, optimizers and every gradient: tfjs-core's
 * Node bundle alone ships no gradient functions); the wasm backend registers into the same
 * global engine.
 */
export async function loadTf(backend) {
  try {
    const tf = await import("@tensorflow/tfjs");
    if (backend === "wasm") await import("@tensorflow/tfjs-backend-wasm");
    // Production mode: no debug checks and no console banner; TF.js at its fastest.
    tf.enableProdMode();
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialise`);
    await tf.ready();
    if (tf.getBackend() !== backend) throw new Error(`backend is ${tf.getBackend()}`);
    // Both TF.js backends share one engine: each case switches to the one it times.
    return { lib: tf, use: () => tf.setBackend(backend) };
  } catch (e) {
    return { error: `failed to load: ${String(e?.message ?? e).split("\n")[0]}` };
  }
}

export async function loadJax() {
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

/**
 * Median milliseconds per call of `fn`. Each sample runs `inner` calls back to back (so
 * sub-microsecond work is timed above the clock's resolution). `fn` may return a promise,
 * which is awaited (jax-js realises its lazy arrays asynchronously); sync results are not,
 * so a synchronous library pays no microtask per call.
 */
export async function timeMs(fn, { warmup = 2, reps = 5, inner = 1 } = {}) {
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
  return median(samples);
}

/** Milliseconds per call of f, calling it until at least `minMs` have passed. */
export function msPerCall(f, minMs) {
  const t0 = performance.now();
  let reps = 0;
  do {
    f();
    reps++;
  } while (performance.now() - t0 < minMs);
  return (performance.now() - t0) / reps;
}

/** The middle value (the upper one of an even count), leaving xs as it is. */
export function median(xs) {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}

