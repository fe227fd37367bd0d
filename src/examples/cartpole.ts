/**
 * CartPole (Barto, Sutton & Anderson 1983) with the constants and Euler integration of
 * Gym's CartPole-v1, and REINFORCE with a baseline that learns to balance it.
 *
 * The policy is logistic in the state s = (x, ẋ, θ, θ̇): π(push right | s) = σ(w·s + b). After
 * each batch of episodes the parameters move along the score-function gradient
 * Σ (Gₜ − bₜ)∇log π(Aₜ|Sₜ), computed by nb.grad of the surrogate and applied by Adam; the
 * baseline bₜ is the mean discounted return-to-go at step t of the batch's other episodes
 * (leave-one-out: independent of this episode's actions, so the gradient stays unbiased).
 */
import { Random } from "../tensor/random.js";
import { tensor, zeros } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { add, mul, sigmoid, sub } from "../ops/primitives/elementwise.js";
import { matmul } from "../ops/composite.js";
import { reshape } from "../ops/primitives/shape.js";
import { sum } from "../ops/primitives/reduce.js";
import { grad } from "../autodiff/reverse.js";
import { Bernoulli } from "../probability/discrete.js";
import { adam } from "../optim/aliases.js";

/** Gym CartPole-v1's physical constants. */
const GRAVITY = 9.8, CART_MASS = 1.0, POLE_MASS = 0.1, HALF_LENGTH = 0.5, FORCE = 10.0, TAU = 0.02;
const TOTAL_MASS = CART_MASS + POLE_MASS, POLE_MOMENT = POLE_MASS * HALF_LENGTH;
/** Episodes end when the pole leans past 12° or the cart leaves ±2.4, or after 500 steps. */
const ANGLE_LIMIT = (12 * 2 * Math.PI) / 360, POSITION_LIMIT = 2.4, MAX_STEPS = 500;

/** State (x, ẋ, θ, θ̇). */
export type CartPoleState = [number, number, number, number];

/** One Euler step of Gym CartPole-v1 under a push left (false) or right (true); `done` when it fails. */
export function cartPoleStep([x, v, theta, omega]: CartPoleState, right: boolean): { state: CartPoleState; done: boolean } {
  const force = right ? FORCE : -FORCE;
  const cos = Math.cos(theta), sin = Math.sin(theta);
  const temp = (force + POLE_MOMENT * omega * omega * sin) / TOTAL_MASS;
  const angular = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4 / 3 - (POLE_MASS * cos * cos) / TOTAL_MASS));
  const linear = temp - (POLE_MOMENT * angular * cos) / TOTAL_MASS;
  const state: CartPoleState = [x + TAU * v, v + TAU * linear, theta + TAU * omega, omega + TAU * angular];
  return { state, done: Math.abs(state[0]) > POSITION_LIMIT || Math.abs(state[2]) > ANGLE_LIMIT };
}

/** Policy parameters: weights on the state and a bias. */
interface Policy {
  w: Tensor;
  b: Tensor;
}
type PolicyTree = Policy & Record<string, Tensor>;

const probabilityRight = (p: Policy, states: Tensor): Tensor => sigmoid(add(reshape(matmul(states, p.w), [states.shape[0]!]), p.b));

/** One episode under the current policy: visited states, actions, and its length. */
function rollout(policy: Policy, rng: Random): { states: number[][]; actions: number[] } {
  let state = [0, 0, 0, 0].map(() => 0.1 * rng.uniform() - 0.05) as CartPoleState;
  const [w, b] = [policy.w.values(), policy.b.item()];
  const states: number[][] = [], actions: number[] = [];
  for (let t = 0; t < MAX_STEPS; t++) {
    // probabilityRight's σ(w·s + b) in plain numbers: acting needs no gradient, and a tensor
    // call per simulation step would dominate the run.
    const logit = state.reduce((acc, s, i) => acc + s * w[i]!, b);
    const right = rng.uniform() < 1 / (1 + Math.exp(-logit));
    states.push(state);
    actions.push(right ? 1 : 0);
    const next = cartPoleStep(state, right);
    state = next.state;
    if (next.done) break;
  }
  return { states, actions };
}

/** Options of the CartPole run. */
export interface CartPoleOptions {
  /** Stop after this many episodes (default 2000) or once solved. */
  maxEpisodes?: number;
  /** Episodes per gradient step (default 10). */
  batch?: number;
  lr?: number;
  /** Discount for the policy gradient's returns (default 0.99); the reported return is undiscounted. */
  gamma?: number;
  seed?: number;
  /** Episodes run with the final policy to report its average return (default 100). */
  evaluationEpisodes?: number;
}

/** The learning curve and whether the task was solved. */
export interface CartPoleResult {
  /** Return (steps balanced, at most 500) of each training episode. */
  returns: number[];
  /** First episode at which the mean return over the last 100 episodes reached 195, or null. */
  solvedAtEpisode: number | null;
  /** Mean return over 100 consecutive episodes of the final policy (no learning). */
  evaluationReturn: number;
  weights: number[];
  bias: number;
}

/** Runs REINFORCE with a baseline on CartPole until solved (mean of 100 consecutive returns ≥ 195). */
export function runCartPole(options: CartPoleOptions = {}): CartPoleResult {
  const maxEpisodes = options.maxEpisodes ?? 2000, batch = options.batch ?? 10, gamma = options.gamma ?? 0.99;
  const rng = new Random(options.seed ?? 0);
  const opt = adam({ lr: options.lr ?? 0.1 });
  let params: PolicyTree = { w: zeros([4]), b: zeros([]) };
  let state = opt.init(params);
  const returns: number[] = [];
  let solvedAtEpisode: number | null = null;
  while (returns.length < maxEpisodes && solvedAtEpisode === null) {
    const episodes = Array.from({ length: batch }, () => rollout(params, rng));
    for (const e of episodes) {
      returns.push(e.actions.length);
      if (solvedAtEpisode === null && returns.length >= 100 && mean(returns.slice(-100)) >= 195) solvedAtEpisode = returns.length;
    }
    const g = grad((p: PolicyTree) => negatedSurrogate(p, episodes, gamma))(params);
    ({ params, state } = opt.step(params, g, state));
  }
  const evaluation = Array.from({ length: options.evaluationEpisodes ?? 100 }, () => rollout(params, rng).actions.length);
  return { returns, solvedAtEpisode, evaluationReturn: mean(evaluation), weights: Array.from(params.w.values()), bias: params.b.item() };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** −Σ (Gₜ − bₜ)·log π(Aₜ|Sₜ) / episodes: minimising it ascends the REINFORCE gradient. */
function negatedSurrogate(p: Policy, episodes: { states: number[][]; actions: number[] }[], gamma: number): Tensor {
  const discounted = episodes.map((e) => {
    const g = new Array<number>(e.actions.length);
    for (let t = e.actions.length - 1, acc = 0; t >= 0; t--) g[t] = acc = 1 + gamma * acc;
    return g;
  });
  // Leave-one-out baseline: at step t, the mean return-to-go of the other episodes (0 after they
  // ended), which does not depend on this episode's actions. (Its advantages are B/(B − 1) times
  // those of the plain batch mean, so under Adam, which ignores scale, the two runs coincide.)
  const longest = Math.max(...discounted.map((g) => g.length));
  const totals = Array.from({ length: longest }, (_, t) => discounted.reduce((acc, g) => acc + (g[t] ?? 0), 0));
  const others = Math.max(1, episodes.length - 1);
  const states = tensor(episodes.flatMap((e) => e.states));
  const actions = tensor(episodes.flatMap((e) => e.actions));
  const advantages = tensor(discounted.flatMap((g) => g.map((v, t) => v - (totals[t]! - v) / others)));
  const logp = new Bernoulli(probabilityRight(p, states)).logProb(actions);
  return mul(sub(0, sum(mul(advantages, logp))), 1 / episodes.length);
}
