// Times the two workloads of issue 18 that the vector math kernels target, on the native
// backend, float64, 10⁶ elements: value + gradient of sum(sin(x)·x), and tanh(x)·x + 1
// (eager), beside a plain copy of the array (the memory-bandwidth floor). Median of 15 runs
// after 3 warm-ups. `NABLA_NATIVE_BINARY=path node bench/transcendentals.js` times another
// build of the addon (e.g. one without the vector kernels). Needs `npm run build` first.
import { performance } from "node:perf_hooks";
import * as nb from "../dist/node.js";
import { nativeIsa } from "../dist/backend/native/index.js";

function median(f) {
  for (let i = 0; i < 3; i++) f();
  const times = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[7];
}

nb.setBackend("native");
const x = nb.randn([1_000_000], { seed: 1 });
const data = x.toFloat64Array?.() ?? new Float64Array(x.toArray());
const grad = nb.valueAndGrad((t) => nb.sum(nb.mul(nb.sin(t), t)));
const rows = {
  "valueAndGrad sum(sin(x)·x)": () => grad(x),
  "jit valueAndGrad sum(sin(x)·x)": ((g) => () => g(x))(nb.jit(grad)),
  "tanh(x)·x + 1": () => nb.add(nb.mul(nb.tanh(x), x), 1),
  "copy (Float64Array.slice)": () => data.slice(),
};
console.log(`native isa: ${nativeIsa()}; float64, 10⁶ elements; median ms of 15`);
for (const [name, f] of Object.entries(rows)) console.log(`${name.padEnd(34)} ${median(f).toFixed(2)}`);
