// The cost of the landscape tools at network scale: hessianEigs(k = 1) (Lanczos) on the loss
// of a 784-256-128-10 tanh MLP (235,146 parameters) over 1,000 digits, beside power iteration
// to the same relative accuracy. The digits are sklearn's 8×8 images scaled up to 28×28
// (nearest neighbour), so the input layer has MNIST's size. Times depend on the machine and
// its load; the counts of Hessian-vector products do not.
//
//   npm run build && node bench/landscape.js [--json]
import { performance } from "node:perf_hooks";
import * as nb from "../dist/node.js";

const SAMPLES = 1000;
const SIZES = [784, 256, 128, 10];

function digits28() {
  const { x, y } = nb.data.load("digits");
  const small = x.values();
  const big = new Float64Array(SAMPLES * 784);
  for (let s = 0; s < SAMPLES; s++) {
    for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) big[s * 784 + i * 28 + j] = small[s * 64 + Math.floor((i * 8) / 28) * 8 + Math.floor((j * 8) / 28)] / 16;
  }
  const labels = Array.from(y.values()).slice(0, SAMPLES);
  const onehot = nb.tensor(labels.map((c) => Array.from({ length: 10 }, (_, k) => (k === c ? 1 : 0))));
  return { x: nb.tensor(big, { shape: [SAMPLES, 784] }), onehot };
}

function mlpParams() {
  return Object.fromEntries(SIZES.slice(1).flatMap((out, l) => [
    [`w${l}`, nb.mul(nb.randn([SIZES[l], out], { seed: 10 + l }), 1 / Math.sqrt(SIZES[l]))],
    [`b${l}`, nb.zeros([out])],
  ]));
}

const { x, onehot } = digits28();
const loss = (p) => {
  let h = x;
  for (let l = 0; l < SIZES.length - 1; l++) {
    h = nb.add(nb.matmul(h, p[`w${l}`]), p[`b${l}`]);
    if (l < SIZES.length - 2) h = nb.tanh(h);
  }
  return nb.mean(nb.sub(nb.logsumexp(h, 1), nb.sum(nb.mul(h, onehot), 1)));
};
const params = mlpParams();
const n = Object.values(params).reduce((s, t) => s + t.size, 0);

// One Hessian-vector product, for scale.
const [v] = nb.landscape.randomDirections(params, { filterNormalize: false, count: 1, seed: 1 });
let t = performance.now();
nb.hvp(loss, params, v);
const hvpMs = performance.now() - t;

t = performance.now();
const lanczos = nb.landscape.hessianEigs(loss, params, { k: 1, tol: 1e-6 });
const lanczosMs = performance.now() - t;

// Power iteration on H to the same accuracy: |λₖ − λₖ₋₁| ≤ 1e-6·|λₖ| (it also converges to the
// eigenvalue of largest magnitude, which here is the largest, λmax > 0).
t = performance.now();
let u = v;
let lambda = NaN;
let products = 0;
for (; products < 500; ) {
  const Hu = nb.hvp(loss, params, u);
  products++;
  const norm = Math.sqrt(Object.values(Hu).reduce((s, h) => s + nb.sum(nb.square(h)).item(), 0));
  const dot = Object.keys(Hu).reduce((s, k) => s + nb.sum(nb.mul(Hu[k], u[k])).item(), 0);
  const unorm = Math.sqrt(Object.values(u).reduce((s, h) => s + nb.sum(nb.square(h)).item(), 0));
  const next = dot / (unorm * unorm);
  u = Object.fromEntries(Object.entries(Hu).map(([k, h]) => [k, nb.div(h, norm)]));
  if (Math.abs(next - lambda) <= 1e-6 * Math.abs(next)) {
    lambda = next;
    break;
  }
  lambda = next;
}
const powerMs = performance.now() - t;

const result = {
  parameters: n, samples: SAMPLES, hvpMs,
  lanczos: { lambdaMax: lanczos.eigenvalues[0], nhvp: lanczos.nhvp, seconds: lanczosMs / 1000, converged: lanczos.converged },
  power: { lambdaMax: lambda, nhvp: products, seconds: powerMs / 1000 },
};
if (process.argv.includes("--json")) console.log(JSON.stringify(result, null, 1));
else {
  console.log(`hessianEigs(k = 1) on a ${SIZES.join("-")} MLP (${n} parameters), mean cross-entropy over ${SAMPLES} digits (28×28):`);
  console.log(`  one Hessian-vector product: ${hvpMs.toFixed(0)} ms`);
  console.log(`  Lanczos:         λmax = ${result.lanczos.lambdaMax.toPrecision(8)} in ${result.lanczos.nhvp} products, ${result.lanczos.seconds.toFixed(1)} s`);
  console.log(`  power iteration: λmax = ${result.power.lambdaMax.toPrecision(8)} in ${result.power.nhvp} products, ${result.power.seconds.toFixed(1)} s`);
}
