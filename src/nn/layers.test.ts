/**
 * Every layer's and loss's gradients against finite differences (nb.checkGrad, float64), the
 * module protocol (parameters, withParams, clone, modes), and the Hessian of a small MLP
 * through model.withParams against a finite-difference Hessian.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const nn = nb.nn;

/**
 * checkGrad of ⟨layer(x), r⟩ with respect to the input (unless integer indices) and every
 * parameter: a random weighting r so that no output sum has an identically zero gradient
 * (softmax and the normalisations sum to constants).
 */
function checkLayer(make: () => nb.nn.Module, x: nb.Tensor, options: { input?: boolean; rtol?: number } = {}) {
  const layer = make();
  const names = Object.keys(layer.parameters());
  const weight = nb.randn(layer.forward(x).shape, { seed: 99 });
  const withInput = options.input ?? true;
  const f = (...args: nb.Tensor[]) => {
    const input = withInput ? args[0]! : x;
    const values = withInput ? args.slice(1) : args;
    const params = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
    return nb.sum(nb.mul(make().withParams(params).forward(input), weight));
  };
  const args = [...(withInput ? [x] : []), ...Object.values(layer.parameters())];
  const result = nb.checkGrad(f, args, { rtol: options.rtol ?? 1e-6 });
  expect(result.ok, `worst ${JSON.stringify(result.worst)}`).toBe(true);
}

const x = nb.randn([4, 3], { seed: 1 });
/** Inputs away from activation kinks (|x| ≥ 0.1), so finite differences never straddle one. */
const awayFromZero = nb.add(nb.mul(nb.sign(x), 0.1), x);

describe("layer gradients match finite differences", () => {
  test("Linear, with and without bias", () => {
    checkLayer(() => new nn.Linear(3, 2, { seed: 0 }), x);
    checkLayer(() => new nn.Linear(3, 2, { seed: 0, bias: false }), x);
  });
  test.each([
    ["ReLU", () => new nn.ReLU()],
    ["LeakyReLU", () => new nn.LeakyReLU(0.2)],
    ["Sigmoid", () => new nn.Sigmoid()],
    ["Tanh", () => new nn.Tanh()],
    ["GELU", () => new nn.GELU()],
    ["GELU tanh", () => new nn.GELU("tanh")],
    ["SiLU", () => new nn.SiLU()],
    ["Softplus", () => new nn.Softplus()],
    ["Softmax", () => new nn.Softmax()],
  ] as const)("%s", (_, make) => checkLayer(make, awayFromZero));
  test("BatchNorm in training mode (batch statistics) and evaluation mode (running statistics)", () => {
    checkLayer(() => new nn.BatchNorm(3), x);
    const trained = new nn.BatchNorm(3);
    trained.forward(nb.randn([8, 3], { seed: 5 }));
    checkLayer(() => trained.clone().eval(), x);
  });
  test("LayerNorm", () => checkLayer(() => new nn.LayerNorm(3), x));
  test("Dropout with a fixed seed (the same mask on every call)", () => checkLayer(() => new nn.Dropout(0.5, { seed: 3 }), x));
  test("Residual", () => checkLayer(() => new nn.Residual(new nn.Sequential(new nn.Linear(3, 3, { seed: 0 }), new nn.Tanh())), x));
  test("Embedding and PositionalEmbedding", () => {
    checkLayer(() => new nn.Embedding(5, 3, { seed: 0 }), nb.tensor([[0, 4, 4], [2, 1, 0]]), { input: false });
    checkLayer(() => new nn.PositionalEmbedding(6, 3, { seed: 0 }), nb.randn([2, 4, 3], { seed: 2 }));
  });
  test("MultiHeadSelfAttention, plain and causal, batched and not", () => {
    checkLayer(() => new nn.MultiHeadSelfAttention(4, 2, { seed: 0 }), nb.randn([3, 4], { seed: 2 }));
    checkLayer(() => new nn.MultiHeadSelfAttention(4, 2, { seed: 0, causal: true }), nb.randn([2, 3, 4], { seed: 2 }));
  });
  test("SpectralNorm (at convergence of the power iteration, where treating u, v as constants is exact)", () => {
    const sn = new nn.SpectralNorm(new nn.Linear(3, 3, { seed: 0 }), { powerIterations: 300 });
    sn.forward(x);
    checkLayer(() => sn.clone().eval(), x, { rtol: 1e-5 });
  });
});

describe("loss gradients match finite differences", () => {
  const logits = nb.randn([4, 3], { seed: 7 });
  const probabilities = nb.softmax(nb.randn([4, 3], { seed: 8 }));
  const labels = nb.tensor([0, 2, 1, 2]);
  const target = nb.randn([4, 3], { seed: 9 });
  test.each([
    ["mseLoss", (o: nb.Tensor) => nn.mseLoss(o, target)],
    ["maeLoss", (o: nb.Tensor) => nn.maeLoss(o, target)],
    ["huberLoss", (o: nb.Tensor) => nn.huberLoss(o, target, 0.7)],
    ["binaryCrossEntropyWithLogits", (o: nb.Tensor) => nn.binaryCrossEntropyWithLogits(o, probabilities)],
    ["softmaxCrossEntropy (labels)", (o: nb.Tensor) => nn.softmaxCrossEntropy(o, labels)],
    ["softmaxCrossEntropy (probabilities, smoothing)", (o: nb.Tensor) => nn.softmaxCrossEntropy(o, probabilities, { labelSmoothing: 0.1 })],
    ["nllLoss", (o: nb.Tensor) => nn.nllLoss(nb.logSoftmax(o), labels)],
    ["hingeLoss", (o: nb.Tensor) => nn.hingeLoss(o, nb.tensor([[1, -1, 1], [-1, -1, 1], [1, 1, 1], [-1, 1, -1]]))],
    ["klDivergence", (o: nb.Tensor) => nn.klDivergence(nb.logSoftmax(o), probabilities)],
  ] as const)("%s", (_, loss) => {
    expect(nb.checkGrad(loss, [logits]).ok).toBe(true);
  });

  test("values from their definitions", () => {
    // Cross-entropy with smoothing ε over k classes: −Σ q log p with q = (1−ε)·onehot + ε/k.
    const lp = nb.logSoftmax(logits).toArray() as number[][];
    const eps = 0.1;
    const expected = -lp.reduce((s, row, i) => s + row.reduce((t, v, c) => t + ((c === [0, 2, 1, 2][i] ? 1 - eps : 0) + eps / 3) * v, 0), 0) / 4;
    expect(nn.softmaxCrossEntropy(logits, labels, { labelSmoothing: eps }).item()).toBeCloseTo(expected, 14);
    // Binary cross-entropy on logits equals −y log σ(z) − (1−y) log(1 − σ(z)) where that is finite.
    const z = 0.3, y = 0.8, s = 1 / (1 + Math.exp(-z));
    expect(nn.binaryCrossEntropyWithLogits(nb.tensor([z]), [y]).item()).toBeCloseTo(-y * Math.log(s) - (1 - y) * Math.log(1 - s), 15);
    expect(() => nn.softmaxCrossEntropy(logits, [0, 3, 1, 2])).toThrow("softmaxCrossEntropy: label 3 at position 1 is not a class in 0..2");
    expect(() => nn.hingeLoss(nb.tensor([1]), [0])).toThrow("labels must be −1 or +1");
  });
});

describe("modules are pytrees", () => {
  const mlp = () => new nn.Sequential(new nn.Linear(2, 3, { seed: 0 }), new nn.Tanh(), new nn.Linear(3, 1, { seed: 1 }));
  const batch = { x: nb.randn([5, 2], { seed: 3 }), y: nb.randn([5, 1], { seed: 4 }) };

  test("the Hessian of a small MLP's loss through withParams matches finite differences", () => {
    const model = mlp();
    const params = nn.parameters(model);
    const loss = (p: nb.nn.Params) => nn.mseLoss(model.withParams(p).forward(batch.x), batch.y);
    const H = nb.hessian(loss)(params) as unknown as Record<string, Record<string, nb.Tensor>>;
    // The same Hessian by finite differences over the flattened parameter vector.
    const names = Object.keys(params);
    const sizes = names.map((n) => params[n]!.size);
    const unflatten = (theta: nb.Tensor) => {
      let offset = 0;
      return Object.fromEntries(names.map((n, i) => {
        const part = theta.slice([offset], [sizes[i]!]).reshape(params[n]!.shape);
        offset += sizes[i]!;
        return [n, part];
      }));
    };
    const theta = nb.concat(names.map((n) => params[n]!.reshape([-1])));
    const numeric = nb.numeric.hessian((t) => loss(unflatten(t)), theta).toArray() as number[][];
    const assembled = names.flatMap((a, i) => Array.from({ length: sizes[i]! }, (_, r) =>
      names.flatMap((b, j) => Array.from(H[a]![b]!.reshape([sizes[i]!, sizes[j]!]).values()).slice(r * sizes[j]!, (r + 1) * sizes[j]!))));
    expect(assembled.length).toBe(13);
    const worst = Math.max(...assembled.flatMap((row, i) => row.map((v, j) => Math.abs(v - numeric[i]![j]!))));
    expect(worst).toBeLessThan(1e-6);
  });

  test("withParams is pure and checks its argument", () => {
    const model = mlp();
    const before = model.forward(batch.x).toArray();
    const zeroed = model.withParams(nb.treeMap((t) => nb.zerosLike(t as nb.Tensor), nn.parameters(model)) as nb.nn.Params);
    expect(zeroed.forward(batch.x).toArray()).toEqual([[0], [0], [0], [0], [0]]);
    expect(model.forward(batch.x).toArray()).toEqual(before);
    expect(() => model.withParams({})).toThrow("missing layers.0.weight");
    expect(() => model.withParams({ ...model.parameters(), "layers.0.bias": nb.zeros([4]) })).toThrow("parameter layers.0.bias has shape [4]; the model needs [3]");
  });

  test("train and eval reach every submodule; clone owns its state", () => {
    const net = new nn.Sequential(new nn.BatchNorm(2), new nn.Dropout(0.5, { seed: 0 }));
    net.eval();
    expect(nn.namedModules(net).every(([, m]) => !m.training)).toBe(true);
    const copy = net.clone().train();
    copy.forward(nb.tensor([[1, 2], [3, 4]]));
    expect(nn.buffers(net)["layers.0.runningMean"]!.toArray()).toEqual([0, 0]);
    expect(nn.buffers(copy)["layers.0.runningMean"]!.toArray()).toEqual([0.2, 0.30000000000000004]);
  });

  test("initialisers have the variances they promise and are seeded", () => {
    const w = nn.heUniform([500, 400], { seed: 1 });
    expect(nb.variance(w).item()).toBeCloseTo(2 / 500, 4);
    expect(nn.glorotUniform([3, 3], { seed: 4 }).toArray()).toEqual(nn.glorotUniform([3, 3], { seed: 4 }).toArray());
    const wide = nn.orthogonal([3, 5], { seed: 2 });
    const rows = nb.matmul(wide, nb.transpose(wide)).toArray() as number[][];
    rows.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 12)));
  });

  test("spectral normalisation makes the largest singular value 1", () => {
    const layer = new nn.Linear(4, 6, { seed: 0 });
    expect(nn.spectralNormOf(layer.weight)).toBeGreaterThan(1.2);
    const sn = new nn.SpectralNorm(layer, { powerIterations: 100, seed: 1 });
    sn.forward(nb.ones([1, 4]));
    expect(nn.spectralNormOf(sn.normalizedWeight())).toBeCloseTo(1, 10);
  });
});

describe("convolution and pooling", () => {
  test("Conv1d and Conv2d gradients match finite differences (stride, padding)", () => {
    checkLayer(() => new nn.Conv1d(2, 3, 3, { seed: 0, padding: 1 }), nb.randn([2, 5, 2], { seed: 1 }));
    checkLayer(() => new nn.Conv2d(2, 2, [2, 3], { seed: 0, stride: 2, padding: [1, 0] }), nb.randn([1, 5, 6, 2], { seed: 1 }));
  });
  test("pooling gradients match finite differences (distinct values, so max has no ties)", () => {
    const distinct = nb.tensor(nb.data.permutation(48, 5)).reshape([1, 4, 6, 2]);
    checkLayer(() => new nn.MaxPool2d(2), distinct);
    checkLayer(() => new nn.AvgPool2d([2, 3], [1, 3]), distinct);
    checkLayer(() => new nn.MaxPool1d(3, 2), distinct.reshape([2, 12, 2]));
    checkLayer(() => new nn.Sequential(new nn.AvgPool1d(2), new nn.Flatten()), distinct.reshape([2, 12, 2]));
  });
  test("Conv2d equals a direct sum over the kernel", () => {
    const conv = new nn.Conv2d(2, 3, 3, { seed: 0, padding: 1, stride: 2 });
    const x = nb.randn([2, 5, 5, 2], { seed: 4 });
    const out = conv.forward(x).toArray() as number[][][][];
    const xs = x.toArray() as number[][][][];
    const w = conv.weight.toArray() as number[][][][];
    const b = conv.bias!.toArray() as number[];
    for (const [n, i, j, o] of [[0, 0, 0, 0], [1, 2, 1, 2], [0, 1, 2, 1]] as const) {
      let expected = b[o]!;
      for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) for (let c = 0; c < 2; c++) {
        const [r, s] = [2 * i + p - 1, 2 * j + q - 1];
        if (r >= 0 && r < 5 && s >= 0 && s < 5) expected += xs[n]![r]![s]![c]! * w[p]![q]![c]![o]!;
      }
      expect(out[n]![i]![j]![o]!).toBeCloseTo(expected, 12);
    }
    expect(conv.forward(x).shape).toEqual([2, 3, 3, 3]);
  });
});

describe("dropout with keys", () => {
  const x = nb.ones([4000]);
  test("nb.nn.dropout: zeroes a fraction `rate` (within 5 standard errors) and scales the rest by 1/(1 − rate), keeping the dtype", () => {
    const y = nn.dropout(nb.ones([4000], { dtype: "float32" }), 0.3, nb.random.key(2));
    expect(y.dtype).toBe("float32");
    const v = y.values();
    const zeros = v.filter((e) => e === 0).length;
    expect(v.every((e) => e === 0 || Math.abs(e - 1 / 0.7) < 1e-6)).toBe(true);
    expect(Math.abs(zeros / 4000 - 0.3)).toBeLessThan(5 * Math.sqrt(0.21 / 4000));
    expect(nn.dropout(x, 0, nb.random.key(2))).toBe(x);
    expect(() => nn.dropout(x, 1, nb.random.key(2))).toThrow(/rate must be in \[0, 1\)/);
  });

  test("the mask is a function of the key: equal under jit, one mask per key under vmap, no gradient through the mask", () => {
    const f = (v: nb.Tensor, k: nb.Tensor) => nn.dropout(v, 0.5, k);
    const k = nb.random.key(7);
    expect(nb.jit(f)(x, k).toArray()).toEqual(f(x, k).toArray());
    const keys = nb.random.split(k, 3);
    const batched = nb.vmap((kk: nb.Tensor) => f(nb.ones([5]), kk))(keys);
    for (let i = 0; i < 3; i++) {
      expect(batched.slice([i, 0], [1, 5]).reshape([5]).toArray()).toEqual(f(nb.ones([5]), keys.slice([i, 0], [1, 2]).reshape([2])).toArray());
    }
    // d/dx of sum(dropout(x)) is the mask itself, scaled.
    expect(nb.grad((v: nb.Tensor) => nb.sum(f(v, k)))(nb.ones([6])).toArray()).toEqual(f(nb.ones([6]), k).toArray());
  });

  test("Dropout layers inside withKey draw distinct masks, reproducibly", () => {
    const net = new nn.Sequential(new nn.Dropout(0.5), new nn.Dropout(0.5));
    const [first, second] = net.layers as nb.nn.Dropout[];
    const masks = nn.withKey(nb.random.key(1), () => [first!.forward(x), second!.forward(x)].map((t) => t.toArray()));
    expect(masks[0]).not.toEqual(masks[1]);
    expect(nn.withKey(nb.random.key(1), () => first!.forward(x).toArray())).toEqual(masks[0]);
  });
});
