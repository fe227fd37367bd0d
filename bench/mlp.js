// The training benchmark (issue 6): one step of a 784-256-128-10 MLP (ReLU; softmax
// cross-entropy on the logits), batch 128, Adam with lr 1e-3. Every library trains on the
// same inputs (128×784 standard normals) and labels; each initialises its weights its own
// way, which does not change the work. Each builder returns { step, check, dispose }: step()
// runs one training step (a promise for jax-js, whose arrays are realised asynchronously).
import { randomArray, randomNormal } from "./peers.js";

export const MLP = { sizes: [784, 256, 128, 10], batch: 128, lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 };
export const MLP_X = randomNormal(MLP.batch * MLP.sizes[0], 7);
export const MLP_LABELS = Array.from(randomArray(MLP.batch, Float64Array, 11), (u) => Math.min(9, Math.floor((u + 1) * 5)));
const MLP_ONE_HOT = Float64Array.from({ length: MLP.batch * 10 }, (_, k) => (MLP_LABELS[Math.floor(k / 10)] === k % 10 ? 1 : 0));

const ctorOf = (dtype) => (dtype === "float64" ? Float64Array : Float32Array);

/** The bench's MLP as an nn.Sequential of `dtype`, with its batch x and labels y (of the model's dtype: float64 labels would promote a float32 loss). */
function nablaProblem(nb, dtype) {
  const [d0, d1, d2, d3] = MLP.sizes;
  const layer = (i, o, seed) => new nb.nn.Linear(i, o, { seed, dtype, init: "heNormal" });
  const model = new nb.nn.Sequential(layer(d0, d1, 1), new nb.nn.ReLU(), layer(d1, d2, 2), new nb.nn.ReLU(), layer(d2, d3, 3));
  const x = nb.tensor(ctorOf(dtype).from(MLP_X), { shape: [MLP.batch, d0] });
  return { model, x, y: nb.tensor(MLP_LABELS, { dtype }) };
}

/**
 * nabla on its active backend: nn.Sequential, valueAndGrad compiled by nb.jit (as a JAX user
 * writes it: the forward and backward elementwise work fused between the matmuls), and
 * optim.adam (whose arithmetic jit fuses per leaf). `{ jit: false }`: valueAndGrad eager, as
 * a PyTorch user's step runs (every op a kernel call of its own). `{ donate: true }` (the
 * default): the step writes the new parameters and moments over the old ones, the update in
 * place that PyTorch's optimizer makes.
 */
export function nablaMlp(nb, dtype, { jit = true, donate = true } = {}) {
  const { model, x, y } = nablaProblem(nb, dtype);
  const opt = nb.optim.adam({ lr: MLP.lr });
  let params = nb.nn.parameters(model);
  let state = opt.init(params);
  const valueAndGrad = nb.valueAndGrad((p) => nb.nn.softmaxCrossEntropy(model.withParams(p).forward(x), y));
  const lossAndGrad = jit ? nb.jit(valueAndGrad) : valueAndGrad;
  return {
    step() {
      const [, grads] = lossAndGrad(params);
      ({ params, state } = opt.step(params, grads, state, { donate }));
    },
    check() {
      if (params["layers.0.weight"].dtype !== dtype) throw new Error(`parameters became ${params["layers.0.weight"].dtype}`);
    },
    dispose() {},
  };
}

/**
 * nabla, the whole step compiled: nb.nn.trainingStep with { jit: true } traces forward,
 * backward and the Adam update (step count and moments as traced values) into one nb.jit
 * program, as a JAX user jits an optax step.
 */
export function nablaMlpCompiled(nb, dtype, { donate = true } = {}) {
  const { model, x, y } = nablaProblem(nb, dtype);
  const optimizer = nb.optim.adam({ lr: MLP.lr });
  // As a JAX user jits a training step with donate_argnums: the new parameters and moments go
  // into the arrays of the old ones, which the loop never reads again.
  const step = nb.nn.trainingStep(model, { loss: "crossEntropy", optimizer, jit: true, donate: donate ? ["params", "state"] : [] });
  let params = nb.nn.parameters(model);
  let state = optimizer.init(params);
  let compiled = true;
  return {
    step() {
      const r = step(params, state, x, y);
      compiled &&= r.compiled === true;
      ({ params, state } = r);
    },
    check() {
      if (!compiled) throw new Error(`the step ran eagerly: ${step.eagerReason}`);
      if (params["layers.0.weight"].dtype !== dtype) throw new Error(`parameters became ${params["layers.0.weight"].dtype}`);
    },
    dispose() {},
  };
}

/** TF.js (float32 only): tf.train.adam minimize over a tf.sequential. */
export function tfMlp(t) {
  const [d0, d1, d2, d3] = MLP.sizes;
  const x = t.tensor2d(Float32Array.from(MLP_X), [MLP.batch, d0]);
  const y = t.tensor2d(Float32Array.from(MLP_ONE_HOT), [MLP.batch, d3]);
  const model = t.sequential({
    layers: [
      t.layers.dense({ inputShape: [d0], units: d1, activation: "relu" }),
      t.layers.dense({ units: d2, activation: "relu" }),
      t.layers.dense({ units: d3 }),
    ],
  });
  const opt = t.train.adam(MLP.lr, MLP.b1, MLP.b2, MLP.eps);
  return {
    step() {
      t.tidy(() => opt.minimize(() => t.losses.softmaxCrossEntropy(y, model.apply(x)), true)).dispose();
    },
    check() {},
    dispose() {
      opt.dispose();
      model.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

/**
 * jax-js: valueAndGrad over a pytree of weights, then Adam written out (PyTorch's form),
 * eager. Arrays are reference-counted and arguments are consumed, hence the .ref's.
 */
export function jaxMlp(jax, dtype) {
  const Ctor = ctorOf(dtype);
  const [d0, d1, d2, d3] = MLP.sizes;
  const { numpy: np, nn, valueAndGrad, tree } = jax;
  const arr = (values, shape) => np.array(Ctor.from(values)).reshape(shape);
  const he = (i, o, seed) => arr(randomNormal(i * o, seed).map((v) => v * Math.sqrt(2 / i)), [i, o]);
  let params = { w1: he(d0, d1, 1), b1: arr(new Ctor(d1), [d1]), w2: he(d1, d2, 2), b2: arr(new Ctor(d2), [d2]), w3: he(d2, d3, 3), b3: arr(new Ctor(d3), [d3]) };
  let m = tree.map((p) => np.zerosLike(p.ref), params);
  let v = tree.map((p) => np.zerosLike(p.ref), params);
  const x = arr(MLP_X, [MLP.batch, d0]);
  const y = arr(MLP_ONE_HOT, [MLP.batch, d3]);
  const loss = (p) => {
    const h1 = nn.relu(np.matmul(x.ref, p.w1).add(p.b1));
    const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
    const logits = np.matmul(h2, p.w3).add(p.b3);
    return np.mean(np.sum(nn.logSoftmax(logits, -1).mul(y.ref), -1)).mul(-1);
  };
  const lossAndGrad = valueAndGrad(loss);
  let t = 0;
  return {
    async step() {
      t++;
      const [value, grads] = lossAndGrad(tree.ref(params));
      const stepSize = MLP.lr / (1 - MLP.b1 ** t);
      const root2 = Math.sqrt(1 - MLP.b2 ** t);
      const next = { params: {}, m: {}, v: {} };
      for (const k of Object.keys(params)) {
        const g = grads[k];
        const mk = m[k].mul(MLP.b1).add(g.ref.mul(1 - MLP.b1));
        const vk = v[k].mul(MLP.b2).add(g.ref.mul(g).mul(1 - MLP.b2));
        next.params[k] = params[k].sub(mk.ref.mul(stepSize).div(np.sqrt(vk.ref).div(root2).add(MLP.eps)));
        next.m[k] = mk;
        next.v[k] = vk;
      }
      ({ params, m, v } = next);
      (await value.blockUntilReady()).dispose();
      await Promise.all(Object.values(params).map((p) => p.blockUntilReady()));
    },
    check() {},
    dispose() {
      for (const tr of [params, m, v]) tree.dispose(tr);
      x.dispose();
      y.dispose();
    },
  };
}

/**
 * What a long-lived nabla program does before it trains (issue 18): matmuls of other sizes in
 * both dtypes, elementwise work and reductions on large and small arrays, gradients, a Hessian
 * and jit of other functions, a few linalg calls, another model's step. bench/mlp-child.js's
 * serve mode runs it (with `mixed`) before the MLP step's rounds in the same process;
 * torch_bench.py's mixed_workload is PyTorch's counterpart.
 */
export function nablaMixedWorkload(nb) {
  for (const dtype of ["float64", "float32"]) {
    const Ctor = ctorOf(dtype);
    for (const [m, k, n] of [[17, 33, 9], [64, 64, 64], [200, 300, 100], [512, 512, 512], [128, 128, 10], [1000, 50, 3]]) {
      const a = nb.tensor(Ctor.from(randomArray(m * k, Float64Array, m)), { shape: [m, k] });
      const b = nb.tensor(Ctor.from(randomArray(k * n, Float64Array, n)), { shape: [k, n] });
      for (let r = 0; r < 3; r++) nb.sum(nb.matmul(a, b), -1).toArray();
      nb.transpose(a).matmul(a).toArray();
    }
    for (const size of [10, 1000, 100_000, 1_000_000]) {
      const x = nb.tensor(Ctor.from(randomArray(size, Float64Array, size)));
      nb.add(nb.mul(nb.tanh(x), x), 1).toArray();
      nb.exp(nb.neg(nb.square(x))).sum().item();
      nb.max(nb.reshape(x, [size / 10, 10]), -1).toArray();
      const [v, g] = nb.valueAndGrad((t) => nb.sum(nb.mul(nb.sin(t), t)))(x);
      v.item();
      g.toArray();
      nb.jit(nb.grad((t) => nb.mean(nb.log1p(nb.square(t)))))(x).toArray();
    }
  }
  const x = nb.tensor(randomArray(2500, Float64Array, 3), { shape: [50, 50] });
  const spd = nb.add(nb.matmul(x, nb.transpose(x)), nb.mul(nb.eye(50), 50));
  nb.linalg.cholesky(spd).toArray();
  nb.linalg.solve(spd, nb.ones([50, 1])).toArray();
  nb.linalg.inv(spd).toArray();
  nb.linalg.eigh(spd);
  nb.hessian((v) => nb.sum(nb.tanh(nb.matmul(x, v))))(nb.ones([50])).toArray();
  nb.grad((m) => nb.linalg.slogdet(m).logabsdet)(spd).toArray();
  // Another model trained a few steps: a float64 784-64-10 MLP on the same inputs.
  const other = new nb.nn.Sequential(new nb.nn.Linear(784, 64, { seed: 5 }), new nb.nn.Tanh(), new nb.nn.Linear(64, 10, { seed: 6 }));
  const xs = nb.tensor(MLP_X, { shape: [MLP.batch, 784] });
  const ys = nb.tensor(MLP_LABELS);
  const opt = nb.optim.sgd({ lr: 0.01 });
  let params = nb.nn.parameters(other);
  let state = opt.init(params);
  for (let s = 0; s < 20; s++) {
    const [, grads] = nb.valueAndGrad((p) => nb.nn.softmaxCrossEntropy(other.withParams(p).forward(xs), ys))(params);
    ({ params, state } = opt.step(params, grads, state));
  }
}

/** Runs `steps` of an MLP's synchronous step; wall and CPU milliseconds per step (CPU: all of this process's threads). */
export function timeSteps(mlp, steps) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < steps; i++) mlp.step();
  const wallMs = (performance.now() - t0) / steps;
  const cpu = process.cpuUsage(c0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1e3 / steps };
}
