/** REINFORCE with a baseline: CartPole solved, and the short corridor's known optimum found. */
import { describe, expect, test } from "vitest";
import { Random } from "../tensor/random.js";
import { cartPoleStep, runCartPole } from "./cartpole.js";
import { CORRIDOR_OPTIMUM, corridorStep, corridorValue, runShortCorridor } from "./short-corridor.js";

describe("CartPole", () => {
  test("one step follows the Barto–Sutton–Anderson equations (values computed by hand from them)", () => {
    // From rest with the pole at 0.1 rad, pushed right: θ̈ = (g sin θ − cos θ·F/M)/(l(4/3 − m cos²θ/M)).
    const { state, done } = cartPoleStep([0, 0, 0.1, 0], true);
    const temp = 10 / 1.1;
    const thetaAcc = (9.8 * Math.sin(0.1) - Math.cos(0.1) * temp) / (0.5 * (4 / 3 - (0.1 * Math.cos(0.1) ** 2) / 1.1));
    const xAcc = temp - (0.05 * thetaAcc * Math.cos(0.1)) / 1.1;
    expect(state).toEqual([0, 0.02 * xAcc, 0.1, 0.02 * thetaAcc]);
    expect(done).toBe(false);
    expect(cartPoleStep([0, 0, 0.2, 1], false).done).toBe(true);
  });

  test("REINFORCE with a baseline solves it: mean return ≥ 195 over 100 consecutive episodes", () => {
    const r = runCartPole({ seed: 0 });
    expect(r.solvedAtEpisode).not.toBeNull();
    expect(r.returns.slice(r.solvedAtEpisode! - 100, r.solvedAtEpisode!).reduce((a, b) => a + b, 0) / 100).toBeGreaterThanOrEqual(195);
    expect(r.evaluationReturn).toBeGreaterThanOrEqual(195);
    // The learning curve rises: the first 100 episodes balance far less long.
    expect(r.returns.slice(0, 100).reduce((a, b) => a + b, 0) / 100).toBeLessThan(60);
  });
});

describe("short corridor (Sutton & Barto, Example 13.1)", () => {
  test("J(p) = (4 − 2p)/(p(p − 1)) agrees with simulated episodes", () => {
    const rng = new Random(4);
    const p = 0.4, n = 20000;
    let total = 0;
    for (let i = 0; i < n; i++) for (let s = 0; s !== 3; total--) s = corridorStep(s, rng.uniform() < p);
    expect(Math.abs(total / n - corridorValue(p))).toBeLessThan(0.3);
    expect(CORRIDOR_OPTIMUM).toBeCloseTo(0.5858, 4);
  });

  test("REINFORCE with baseline learns π(right) ≈ 0.59, the optimal stochastic policy", () => {
    const r = runShortCorridor({ episodes: 2000, seed: 1 });
    const late = r.probabilityRight.slice(1000);
    const p = late.reduce((a, b) => a + b, 0) / late.length;
    expect(Math.abs(p - CORRIDOR_OPTIMUM)).toBeLessThan(0.04);
    expect(r.probabilityRight[0]).toBeLessThan(0.1);
  });
});
