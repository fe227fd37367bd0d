/** `nabla example`: the worked probability models (VAE, REINFORCE on CartPole and the short corridor). */
import { ProgressBar } from "../../index.js";
import {
  type CartPoleResult, type CorridorResult, type VaeResult, runCartPole, runShortCorridor, runVae,
} from "../../examples/index.js";
import { type Command, UsageError, formatNumber, numberOption, stringOption } from "../command.js";

/** What a run returns: which example, and its own result. */
export type ExampleResult =
  | { example: "vae"; result: VaeResult }
  | { example: "cartpole"; result: CartPoleResult }
  | { example: "corridor"; result: CorridorResult };

const NAMES = ["vae", "cartpole", "corridor"] as const;

function seedOf(input: Parameters<Command["run"]>[0]): number {
  const text = stringOption(input, "seed");
  if (text === undefined) return 0;
  const seed = numberOption(text, "--seed");
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed: expected a non-negative integer, got "${text}"`);
  return seed;
}

/** Mean of each block of `size` values: a learning curve short enough to print. */
function blocks(xs: readonly number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size).reduce((a, b) => a + b, 0) / Math.min(size, xs.length - i));
  return out;
}

/** An 8×8 image of values in [0, 1] as two characters per pixel. */
function picture(pixels: readonly number[]): string[] {
  return Array.from({ length: 8 }, (_, r) => pixels.slice(8 * r, 8 * r + 8).map((v) => (v > 0.75 ? "██" : v > 0.5 ? "▓▓" : v > 0.25 ? "░░" : "  ")).join(""));
}

function renderVae(r: VaeResult): string {
  const lines = [
    `VAE on binarised digits (${r.trainSize} train, ${r.testSize} test images), ELBO in nats per image (higher is better)`,
    `  training ELBO by epoch: ${blocks(r.trainElbo, Math.max(1, Math.ceil(r.trainElbo.length / 10))).map((v) => v.toFixed(2)).join(" → ")}`,
    `  test ELBO:                                ${r.testElbo.toFixed(2)}`,
    `  factorised Bernoulli baseline (test log-likelihood): ${r.baselineTestLogLikelihood.toFixed(2)}`,
    "  test images | reconstructions:",
  ];
  for (let i = 0; i < r.testImages.length; i++) {
    const a = picture(r.testImages[i]!), b = picture(r.reconstructions[i]!);
    lines.push(...a.map((row, k) => `    |${row}|  |${b[k]}|`), "");
  }
  return lines.join("\n");
}

function renderCartPole(r: CartPoleResult): string {
  const solved = r.solvedAtEpisode === null ? "not solved" : `solved at episode ${r.solvedAtEpisode} (mean of the last 100 returns ≥ 195)`;
  return [
    `REINFORCE with a baseline on CartPole-v1: ${solved}`,
    `  mean return per 50 episodes: ${blocks(r.returns, 50).map((v) => v.toFixed(0)).join(" ")}`,
    `  final policy, 100 further episodes: mean return ${r.evaluationReturn.toFixed(1)}`,
    `  policy σ(w·s + b): w = [${r.weights.map((w) => formatNumber(Number(w.toPrecision(4)))).join(", ")}], b = ${formatNumber(Number(r.bias.toPrecision(4)))}`,
  ].join("\n");
}

function renderCorridor(r: CorridorResult): string {
  const late = r.probabilityRight.slice(Math.floor(r.probabilityRight.length / 2));
  const meanLate = late.reduce((a, b) => a + b, 0) / late.length;
  return [
    "REINFORCE with baseline on the short corridor (Sutton & Barto, Example 13.1)",
    `  π(right) per 100 episodes: ${blocks(r.probabilityRight, 100).map((v) => v.toFixed(3)).join(" ")}`,
    `  mean return per 100 episodes: ${blocks(r.returns, 100).map((v) => v.toFixed(1)).join(" ")}`,
    `  π(right) over the second half: ${meanLate.toFixed(3)}; optimum 2 − √2 = ${r.optimalProbabilityRight.toFixed(3)} (J = ${r.optimalValue.toFixed(2)})`,
  ].join("\n");
}

export const example: Command<ExampleResult> = {
  name: "example",
  describe: "run a worked probability model: vae, cartpole (REINFORCE) or corridor (REINFORCE)",
  usage: "<vae|cartpole|corridor> [--quick] [--seed N]",
  examples: ["nabla example vae", "nabla example cartpole --seed 1", "nabla example corridor --json", "nabla example vae --quick"],
  options: [
    { name: "quick", type: "boolean", description: "a short run (seconds): 6 VAE epochs, 2000 corridor episodes" },
    { name: "seed", type: "string", placeholder: "0", description: "random seed of the run" },
    { name: "quiet", type: "boolean", description: "no progress bar" },
  ],
  run(input) {
    const name = input.args[0];
    if (input.args.length !== 1 || !NAMES.includes(name as (typeof NAMES)[number])) {
      throw new UsageError(`expected one example name: ${NAMES.join(", ")}${name ? `; got "${input.args.join(" ")}"` : ""}`);
    }
    const seed = seedOf(input);
    const quick = Boolean(input.options.quick);
    if (name === "vae") {
      const epochs = quick ? 6 : 100;
      const bar = new ProgressBar({ total: epochs, label: "vae", quiet: Boolean(input.options.quiet || input.options.json) });
      const result = runVae({ epochs, seed, onEpoch: (e, elbo) => bar.update(e, { elbo }) });
      bar.done();
      return { example: "vae", result };
    }
    if (name === "cartpole") return { example: "cartpole", result: runCartPole({ seed }) };
    return { example: "corridor", result: runShortCorridor({ episodes: quick ? 2000 : 5000, seed }) };
  },
  render(r) {
    if (r.example === "vae") return renderVae(r.result);
    return r.example === "cartpole" ? renderCartPole(r.result) : renderCorridor(r.result);
  },
};
