/** Schedules at points worked out by hand from their formulas (t counts from 0). */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const { schedules } = nb.optim;

describe("schedules follow their formulas", () => {
  test.each([
    ["constant", schedules.constant(0.3), [[0, 0.3], [10 ** 6, 0.3]]],
    ["step: 2·0.1^⌊t/3⌋", schedules.step(2, 3, 0.1), [[2, 2], [3, 0.2], [7, 0.02]]],
    ["exponential: 1·0.5^(t/2)", schedules.exponential(1, 0.5, 2), [[1, Math.SQRT1_2], [4, 0.25]]],
    ["exponential staircase: 1·0.5^⌊t/2⌋", schedules.exponential(1, 0.5, 2, true), [[1, 1], [3, 0.5], [4, 0.25]]],
    ["inverse time: 3/(1 + 2t/4)", schedules.inverseTime(3, 2, 4), [[2, 1.5], [10, 0.5]]],
    ["polynomial: (1 − 0.1)(1 − t/4)³ + 0.1", schedules.polynomial(1, 0.1, 4, 3), [[2, 0.9 * 0.125 + 0.1], [4, 0.1], [9, 0.1]]],
    ["cosine with floor α = 0.2", schedules.cosine(2, 4, 0.2), [[0, 2], [2, 2 * (0.8 * 0.5 + 0.2)], [4, 0.4], [8, 0.4]]],
    ["linear warmup 0.5 → 1.5 over 4", schedules.linearWarmup(0.5, 1.5, 4), [[1, 0.75], [4, 1.5], [5, 1.5]]],
    // Warmup to 1 over 4 steps, then cosine to 0 over 8: halfway (t = 8) is 0.5, t = 6 is ½(1 + cos π/4).
    ["warmup-cosine", schedules.warmupCosine(0, 1, 4, 12), [[2, 0.5], [4, 1], [6, 0.5 * (1 + Math.SQRT1_2)], [8, 0.5], [12, 0], [20, 0]]],
    // PyTorch's OneCycleLR: peak at 0.3·10 − 1 = 2, end at 9; halfway down (t = 5.5) the mean of max and min.
    ["one-cycle", schedules.oneCycle(10, 1), [[0, 0.04], [1, 0.52], [2, 1], [5.5, (1 + 0.04 / 1e4) / 2], [9, 0.04 / 1e4]]],
    ["join restarts the count", schedules.join([schedules.constant(1), schedules.linearWarmup(0, 1, 10), schedules.constant(7)], [2, 12]), [[1, 1], [2, 0], [7, 0.5], [12, 7]]],
  ] as const)("%s", (_, schedule, points) => {
    for (const [t, value] of points) expect(schedule(t), `t = ${t}`).toBeCloseTo(value, 14);
  });
  test("a schedule is a learning rate: sgd with cosine decay steps by −lr(t)·g", () => {
    const opt = nb.optim.sgd({ lr: schedules.cosine(1, 2) });
    let params = [0];
    let state = opt.init(params);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = params[0]!;
      ({ params, state } = opt.step(params, [1], state));
      seen.push(before - params[0]!);
    }
    expect(seen).toEqual([1, 0.5 * (1 + Math.cos(Math.PI / 2)), 0]);
  });
  test("bad arguments say which", () => {
    expect(() => schedules.cosine(1, 0)).toThrow("schedules.cosine: steps must be positive, got 0");
    expect(() => schedules.join([schedules.constant(1)], [3])).toThrow("1 schedules need 0 boundaries, got 1");
  });
});
