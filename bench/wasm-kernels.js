// The wasm backend's own kernels (transcendentals, arithmetic, sums) beside the reference
// backend's JavaScript loops, ns per element, float64 and float32: medians of rounds that
// alternate the two backends in one process (so machine load drifts equally on both).
// Needs `npm run build`. `node bench/wasm-kernels.js [unary kernel ...]` times only those.
import "../dist/node.js";
import { registeredBackends } from "../dist/backend/registry.js";
import { ArrayTensor } from "../dist/tensor/tensor.js";
import { median, msPerCall } from "./peers.js";

const N = 100_000;
const ROUNDS = 9;
const [reference, wasm] = ["reference", "wasm"].map((name) => registeredBackends().find((b) => b.name === name));
const KERNELS = process.argv.length > 2 ? process.argv.slice(2) : ["exp", "expm1", "tanh", "sigmoid", "log", "log1p", "sin", "cos", "tan", "atan", "erf", "neg", "abs", "sqrt", "relu", "step"];

/** Inputs in each kernel's usual range: positive for log and sqrt, above −1 for log1p. */
function input(kernel, dtype) {
  const data = dtype === "float64" ? new Float64Array(N) : new Float32Array(N);
  let seed = 1;
  for (let i = 0; i < N; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const u = (seed / 2 ** 32) * 10 - 5;
    data[i] = kernel === "log" || kernel === "sqrt" ? Math.abs(u) + 1e-3 : kernel === "log1p" ? Math.abs(u) - 0.9 : u;
  }
  return new ArrayTensor(data, [N]);
}

const nsPerElement = (f) => (msPerCall(f, 20) * 1e6) / N;


/** Times `run(backend)` on both backends in alternating rounds; prints ns/element and the speedup. */
function row(label, elements, run) {
  const times = { reference: [], wasm: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const be of [reference, wasm]) times[be.name].push((nsPerElement(() => run(be)) * N) / elements);
  }
  const [tr, tw] = [median(times.reference), median(times.wasm)];
  console.log(`${label.padEnd(34)} ${tr.toFixed(2).padStart(9)} ${tw.toFixed(2).padStart(6)}  ${(tr / tw).toFixed(2)}×`);
}

console.log(`ns/element, medians of ${ROUNDS} alternating rounds`);
console.log(`${"kernel".padEnd(34)} reference   wasm  speedup`);
for (const kernel of KERNELS) {
  for (const dtype of ["float64", "float32"]) {
    const x = input(kernel, dtype);
    row(`${kernel} ${dtype}, n = ${N}`, N, (be) => be.unary(kernel, x));
  }
}
if (process.argv.length <= 2) {
  for (const dtype of ["float64", "float32"]) {
    const [a, b] = [input("add", dtype), input("sin", dtype)];
    for (const op of ["add", "mul", "div", "maximum", "mulNoNan"]) row(`${op} ${dtype}, n = ${N}`, N, (be) => be.binary(op, a, b, [N]));
    const half = new ArrayTensor(dtype === "float64" ? Float64Array.of(0.5) : Float32Array.of(0.5), [1]);
    row(`mul by a scalar ${dtype}, n = ${N}`, N, (be) => be.binary("mul", a, half, [N]));
    const [small, smallB] = [new ArrayTensor(a.data.slice(0, 1280), [128, 10]), new ArrayTensor(b.data.slice(0, 1280), [128, 10])];
    row(`add ${dtype}, [128, 10]`, 1280, (be) => be.binary("add", small, smallB, [128, 10]));
    row(`sum ${dtype}, n = ${N}`, N, (be) => be.reduce("sum", a, [0]));
    const matrix = new ArrayTensor(a.data.slice(0, 128 * 256), [128, 256]);
    row(`sum over axis 0 ${dtype}, [128, 256]`, 128 * 256, (be) => be.reduce("sum", matrix, [0]));
    row(`sum over axis 1 ${dtype}, [128, 256]`, 128 * 256, (be) => be.reduce("sum", matrix, [1]));
  }
}
