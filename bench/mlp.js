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

/**
 * nabla on its active backend: nn.Sequential, valueAndGrad compiled by nb.jit (as a JAX user
 * writes it: the forward and backward elementwise work fused between the matmuls), and
 * optim.adam (whose arithmetic jit fuses per leaf).
 */
export function nablaMlp(nb, dtype) {
  const [d0, d1, d2, d3] = MLP.sizes;
  const layer = (i, o, seed) => new nb.nn.Linear(i, o, { seed, dtype, init: "heNormal" });
  const model = new nb.nn.Sequential(layer(d0, d1, 1), new nb.nn.ReLU(), layer(d1, d2, 2), new nb.nn.ReLU(), layer(d2, d3, 3));
  const x = nb.tensor(ctorOf(dtype).from(MLP_X), { shape: [MLP.batch, d0] });
  // Labels of the model's dtype: a float64 label tensor would promote a float32 loss.
  const y = nb.tensor(MLP_LABELS, { dtype });
  const opt = nb.optim.adam({ lr: MLP.lr });
  let params = nb.nn.parameters(model);
  let state = opt.init(params);
  const lossAndGrad = nb.jit(nb.valueAndGrad((p) => nb.nn.softmaxCrossEntropy(model.withParams(p).forward(x), y)));
  return {
    step() {
      const [, grads] = lossAndGrad(params);
      ({ params, state } = opt.step(params, grads, state));
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
export function nablaMlpCompiled(nb, dtype) {
  const [d0, d1, d2, d3] = MLP.sizes;
  const layer = (i, o, seed) => new nb.nn.Linear(i, o, { seed, dtype, init: "heNormal" });
  const model = new nb.nn.Sequential(layer(d0, d1, 1), new nb.nn.ReLU(), layer(d1, d2, 2), new nb.nn.ReLU(), layer(d2, d3, 3));
  const x = nb.tensor(ctorOf(dtype).from(MLP_X), { shape: [MLP.batch, d0] });
  const y = nb.tensor(MLP_LABELS, { dtype });
  const optimizer = nb.optim.adam({ lr: MLP.lr });
  const step = nb.nn.trainingStep(model, { loss: "crossEntropy", optimizer, jit: true });
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
