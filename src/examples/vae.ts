/**
 * A variational autoencoder (Kingma & Welling 2014) on the bundled 8×8 digits, binarised
 * (pixel ≥ 8 of 16 → 1). Gaussian encoder q(z|x) = N(μ(x), σ(x)²), standard normal prior,
 * Bernoulli decoder p(x|z) with logits from a small network; trained by Adam on the negative
 * ELBO, E_q[log p(x|z)] − KL(q(z|x) ‖ N(0, I)), with the expectation estimated from one
 * reparameterised draw (Normal.rsample) and the KL in closed form (nb.distributions.kl).
 *
 * The baseline it must beat is the best factorised model of the pixels: independent
 * Bernoullis with each pixel's training frequency (add-one smoothed), whose test
 * log-likelihood is exact. Both are reported in nats per image, higher is better; the VAE's
 * ELBO is a lower bound on its own log-likelihood.
 */
import { randn, zeros } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, exp, greater, log, log1p, mul, neg, softplus, sub, tanh } from "../ops/primitives/elementwise.js";
import { mean, matmul } from "../ops/composite.js";
import { sum } from "../ops/primitives/reduce.js";
import { valueAndGrad } from "../autodiff/reverse.js";
import { Normal } from "../probability/continuous.js";
import { kl } from "../probability/kl.js";
import { adam } from "../optim/aliases.js";
import { load } from "../data/datasets.js";
import { batches, permutation, takeRows } from "../data/prepare.js";

/** Encoder and decoder weights, each layer [in, out]. */
type VaeParams = Record<"w1" | "b1" | "wMu" | "bMu" | "wLogSigma" | "bLogSigma" | "v1" | "c1" | "v2" | "c2", Tensor>;

/** Options of the VAE run. */
export interface VaeOptions {
  epochs?: number;
  hidden?: number;
  latent?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  /** Draws of z per test image for the test ELBO (default 10). */
  testSamples?: number;
  /** Called after each epoch with the mean training ELBO (nats per image). */
  onEpoch?: (epoch: number, trainElbo: number) => void;
}

/** ELBOs in nats per image, the baseline, and a few test images with their reconstructions. */
export interface VaeResult {
  trainElbo: number[];
  testElbo: number;
  /** Test log-likelihood of the factorised Bernoulli baseline (exact). */
  baselineTestLogLikelihood: number;
  testImages: number[][];
  /** Decoder pixel probabilities at the encoder's mean for those images. */
  reconstructions: number[][];
  trainSize: number;
  testSize: number;
}

function initialise(hidden: number, latent: number, seed: number): VaeParams {
  const layer = (fanIn: number, fanOut: number, s: number) => mul(randn([fanIn, fanOut], { seed: seed + s }), 1 / Math.sqrt(fanIn));
  return {
    w1: layer(64, hidden, 1), b1: zeros([hidden]), wMu: layer(hidden, latent, 2), bMu: zeros([latent]),
    wLogSigma: mul(layer(hidden, latent, 3), 0.1), bLogSigma: zeros([latent]),
    v1: layer(latent, hidden, 4), c1: zeros([hidden]), v2: layer(hidden, 64, 5), c2: zeros([64]),
  };
}

/** q(z|x) for a batch of images [B, 64]. */
function encode(p: VaeParams, x: Tensor): Normal {
  const h = tanh(add(matmul(x, p.w1), p.b1));
  return new Normal(add(matmul(h, p.wMu), p.bMu), exp(add(matmul(h, p.wLogSigma), p.bLogSigma)));
}

/** Decoder logits [..., 64] for latents [..., k]. */
const decode = (p: VaeParams, z: Tensor): Tensor => add(matmul(tanh(add(matmul(z, p.v1), p.c1)), p.v2), p.c2);

/** Per-image ELBO [S, B] with S reparameterised draws: Σ log p(x|z) − KL(q ‖ N(0, I)). */
function elbo(p: VaeParams, x: Tensor, draws: number, seed: number): Tensor {
  const q = encode(p, x);
  const logits = decode(p, q.rsample([draws], { seed }));
  const logLikelihood = sum(sub(mul(x, logits), softplus(logits)), -1);
  return sub(logLikelihood, sum(kl(q, new Normal(0, 1)), -1));
}

/** Test log-likelihood of independent Bernoulli pixels with add-one-smoothed training frequencies. */
function factorisedBaseline(train: Tensor, test: Tensor): number {
  const p = mul(add(sum(train, 0), 1), 1 / (train.shape[0]! + 2));
  return mean(sum(add(mul(test, log(p)), mul(sub(1, test), log1p(neg(p)))), -1)).item();
}

/** Trains the VAE on 80% of the digits and evaluates on the rest. */
export function runVae(options: VaeOptions = {}): VaeResult {
  const { epochs = 60, hidden = 128, latent = 8, batchSize = 64, lr = 2e-3, seed = 0, testSamples = 10 } = options;
  const digits = load("digits");
  const x = greater(digits.x, 7.5);
  const order = permutation(x.shape[0]!, seed);
  const cut = Math.round(0.8 * order.length);
  const train = takeRows(x, order.slice(0, cut)), test = takeRows(x, order.slice(cut));
  let params = initialise(hidden, latent, seed);
  const opt = adam({ lr });
  let state = opt.init(params);
  const loss = (p: VaeParams, batch: Tensor, s: number) => neg(mean(elbo(p, batch, 1, s)));
  const step = valueAndGrad(loss);
  const trainElbo: number[] = [];
  for (let epoch = 0, s = seed * 1000003; epoch < epochs; epoch++) {
    let total = 0, count = 0;
    for (const batch of batches(train, train, { batchSize, seed: seed + epoch })) {
      const [value, g] = step(params, batch.x, s++);
      ({ params, state } = opt.step(params, g as VaeParams, state));
      total -= (value as Tensor).item() * batch.x.shape[0]!;
      count += batch.x.shape[0]!;
    }
    trainElbo.push(total / count);
    options.onEpoch?.(epoch + 1, total / count);
  }
  const shown = takeRows(test, [0, 1, 2, 3]);
  const reconstructions = sigmoidRows(decode(params, encode(params, shown).loc));
  return {
    trainElbo, testElbo: mean(elbo(params, test, testSamples, seed + 7)).item(),
    baselineTestLogLikelihood: factorisedBaseline(train, test),
    testImages: rows(shown), reconstructions, trainSize: train.shape[0]!, testSize: test.shape[0]!,
  };
}

const rows = (t: Tensor): number[][] => t.toArray() as number[][];
const sigmoidRows = (logits: Tensor): number[][] => rows(exp(neg(softplus(neg(logits)))));

