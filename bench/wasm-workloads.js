// Issue 18's workloads on the wasm backend, with its own elementwise kernels and without them
// ("wasm, JS kernels": the same backend with every kernel but matmul delegated to the reference,
// as it was before), beside a plain copy of the array (the memory-bandwidth floor): medians of
// rounds that alternate the two in one process. Needs `npm run build`.
// `node bench/wasm-workloads.js`.
import * as nb from "../dist/node.js";
import { nablaMlp } from "./mlp.js";
import { median, msPerCall } from "./peers.js";

const ROUNDS = 7;
const wasm = nb.listBackends().includes("wasm") ? "wasm" : undefined;
if (!wasm) throw new Error("no wasm backend in this engine");
nb.setBackend("wasm");
const { backend } = await import("../dist/backend/registry.js");
const { referenceBackend: ref } = await import("../dist/backend/reference/index.js");
const current = backend();
nb.registerBackend({ ...current, name: "wasm-js-kernels", unary: ref.unary, binary: ref.binary, reduce: ref.reduce, fusedLoop: ref.fusedLoop });

const N = 1_000_000;
const x = nb.randn([N], { seed: 1 });
const data = new Float64Array(x.values());
const tanhExpr = (t) => nb.add(nb.mul(nb.tanh(t), t), 1);
const sinGrad = nb.valueAndGrad((t) => nb.sum(nb.mul(nb.sin(t), t)));

/** Each workload, built once per backend (nb.jit compiles per backend). */
function workloads() {
  const jitTanh = nb.jit(tanhExpr), jitGrad = nb.jit(sinGrad);
  const mlp = nablaMlp(nb, "float32");
  return {
    "tanh(x)*x+1, 1e6 f64 (ns/elem)": [() => tanhExpr(x), 1e6 / N],
    "tanh(x)*x+1, nb.jit (ns/elem)": [() => jitTanh(x), 1e6 / N],
    "valueAndGrad sum(sin(x)*x), 1e6 (ms)": [() => sinGrad(x), 1],
    "valueAndGrad sum(sin(x)*x), nb.jit (ms)": [() => jitGrad(x), 1],
    "MLP float32 Adam step, batch 128 (ms)": [() => mlp.step(), 1],
  };
}

function time(f, scale) {
  f();
  return msPerCall(f, 150) * scale;
}

const names = ["wasm", "wasm-js-kernels"];
const built = Object.fromEntries(names.map((name) => (nb.setBackend(name), [name, workloads()])));
const times = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const name of names) {
    nb.setBackend(name);
    for (const [label, [f, scale]] of Object.entries(built[name])) (times[label] ??= { wasm: [], "wasm-js-kernels": [] })[name].push(time(f, scale));
  }
  (times["copy, 1e6 f64 (ns/elem)"] ??= { copy: [] }).copy.push(time(() => data.slice(), 1e6 / N));
}
console.log(`medians of ${ROUNDS} alternating rounds`);
console.log(`${"workload".padEnd(42)} wasm   JS kernels  speedup`);
for (const [label, t] of Object.entries(times)) {
  if (t.copy) console.log(`${label.padEnd(42)} ${median(t.copy).toFixed(2)}`);
  else console.log(`${label.padEnd(42)} ${median(t.wasm).toFixed(2).padStart(6)} ${median(t["wasm-js-kernels"]).toFixed(2).padStart(10)}  ${(median(t["wasm-js-kernels"]) / median(t.wasm)).toFixed(2)}×`);
}
