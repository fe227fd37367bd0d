/**
 * The short corridor with switched actions (Sutton & Barto, Reinforcement Learning, 2nd ed.,
 * Example 13.1): states 0, 1, 2 and a goal; every step costs −1; "right" moves right except
 * in state 1, where the actions are switched. All states look alike to the agent, so the best
 * it can do is one stochastic policy π(right) = p, whose value from the start is
 * J(p) = (4 − 2p)/(p(p − 1)) — maximal at p* = 2 − √2 ≈ 0.586 (J ≈ −11.66).
 *
 * REINFORCE with baseline (S&B §13.4, γ = 1): w ← w + α_w (Gₜ − w) at each step, and after each
 * episode θ ← θ + α_θ Σₜ (Gₜ − w)∇log π(Aₜ|θ), the gradient from nb.grad of the score-function
 * surrogate (S&B move θ within the episode; summing its steps differs only at second order).
 */
import { Random } from "../tensor/random.js";
import { tensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, mul } from "../ops/primitives/elementwise.js";
import { logSoftmax, softmax } from "../ops/composite.js";
import { sum } from "../ops/primitives/reduce.js";
import { valueAndGrad } from "../autodiff/reverse.js";
import { Categorical } from "../probability/discrete.js";

/** The value of the policy π(right) = p from the start state (S&B Example 13.1). */
export function corridorValue(p: number): number {
  return (4 - 2 * p) / (p * (p - 1));
}

/** The optimal probability of "right", 2 − √2. */
export const CORRIDOR_OPTIMUM = 2 - Math.SQRT2;

/** One step of the corridor: the next state (3 is the goal). */
export function corridorStep(state: number, right: boolean): number {
  const forward = state === 1 ? !right : right;
  return Math.max(0, state + (forward ? 1 : -1));
}

/** Options of the corridor run. */
export interface CorridorOptions {
  episodes?: number;
  /** Step size of the policy parameters (default 2⁻¹⁰; S&B Fig. 13.2 uses 2⁻⁹ with per-step updates). */
  policyStep?: number;
  /** Step size of the baseline w (default 2⁻⁶, as in S&B Fig. 13.2). */
  baselineStep?: number;
  seed?: number;
}

/** The learning curve and the learned policy. */
export interface CorridorResult {
  /** Return of each episode. */
  returns: number[];
  /** π(right) after each episode. */
  probabilityRight: number[];
  finalProbabilityRight: number;
  /** J at the learned policy, and at the optimum. */
  finalValue: number;
  optimalProbabilityRight: number;
  optimalValue: number;
}

/** Runs REINFORCE with baseline on the short corridor. */
export function runShortCorridor(options: CorridorOptions = {}): CorridorResult {
  const episodes = options.episodes ?? 1000;
  const alphaTheta = options.policyStep ?? 2 ** -10;
  const alphaW = options.baselineStep ?? 2 ** -6;
  const rng = new Random(options.seed ?? 0);
  // Logits of [right, left]; starts preferring left (π(right) ≈ 0.05), as in S&B's figure.
  let theta: Tensor = tensor([-1.47, 1.47]);
  let w = 0;
  const returns: number[] = [];
  const probabilityRight: number[] = [];
  for (let e = 0; e < episodes; e++) {
    const p = Math.exp(logSoftmax(theta).values()[0]!);
    const actions: number[] = [];
    for (let s = 0, t = 0; s !== 3 && t < 1000; t++) {
      const right = rng.uniform() < p;
      actions.push(right ? 0 : 1);
      s = corridorStep(s, right);
    }
    const T = actions.length;
    // Gₜ = −(T − t). The baseline moves step by step, as in S&B's algorithm; the policy takes
    // the episode's summed step Σₜ (Gₜ − w)∇log π(Aₜ), the gradient of the surrogate below.
    const advantages = actions.map((_, t) => {
      const delta = -(T - t) - w;
      w += alphaW * delta;
      return delta;
    });
    const policy = (th: Tensor) => new Categorical(softmax(th));
    const surrogate = (th: Tensor) => sum(mul(tensor(advantages), policy(th).logProb(tensor(actions))));
    const [, g] = valueAndGrad(surrogate)(theta);
    theta = add(theta, mul(alphaTheta, g));
    returns.push(-T);
    probabilityRight.push(Math.exp(logSoftmax(theta).values()[0]!));
  }
  const finalProbabilityRight = probabilityRight[probabilityRight.length - 1]!;
  return {
    returns, probabilityRight, finalProbabilityRight, finalValue: corridorValue(finalProbabilityRight),
    optimalProbabilityRight: CORRIDOR_OPTIMUM, optimalValue: corridorValue(CORRIDOR_OPTIMUM),
  };
}
