/** minimize: every method on problems with known minima, and the result's contract. */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import { expectClose } from "../../../test/helpers.js";
import { moreThuente } from "../linesearch/more-thuente.js";

const { rosenbrock, booth, beale, himmelblau, illConditionedQuadratic } = nb.testFunctions;

describe("each method reaches the known minimum", () => {
  const secondOrder: nb.Method[] = ["bfgs", "lbfgs", "newton", "newton-cg", "trust-ncg"];
  test.each(secondOrder)("%s on Rosenbrock, Beale and the ill-conditioned quadratic", (method) => {
    for (const p of [rosenbrock, beale, illConditionedQuadratic]) {
      const r = nb.minimize(p.f, p.x0, { method });
      expect(r.success, r.message).toBe(true);
      expectClose(r.x, p.xmin!, 0, 1e-4);
      expect(r.fun).toBeLessThan(1e-6);
    }
  });
  test("nelder-mead on Rosenbrock and Himmelblau, without gradients", () => {
    for (const p of [rosenbrock, himmelblau]) {
      const r = nb.minimize(p.f, p.x0, { method: "nelder-mead" });
      expect(r.success, r.message).toBe(true);
      expectClose(r.x, p.xmin!, 0, 1e-3);
      expect(r.ngev).toBe(1); // the gradient reported at the end, only
    }
  });
  test.each([
    ["gd", { lr: 0.05 }], ["momentum", { lr: 0.02 }], ["nesterov", { lr: 0.02 }],
    ["adagrad", { lr: 1 }], ["rmsprop", { lr: 0.01 }], ["adam", { lr: 0.1 }],
  ] as const)("%s on Booth's quadratic", (method, options) => {
    const r = nb.minimize(booth.f, booth.x0, { method, ...options, tol: 1e-6, maxIter: 20_000 });
    expect(r.success, r.message).toBe(true);
    expectClose(r.x, booth.xmin!, 0, 1e-5);
  });
  test("newton takes the exact step on a quadratic, with one dense Hessian (n products)", () => {
    const r = nb.minimize(booth.f, booth.x0, { method: "newton" });
    expect(r.nit).toBe(1);
    // n products for the dense Hessian, n for the curvature check where it stops.
    expect(r.nhev).toBe(4);
    expectClose(r.x, [1, 3], 1e-12, 1e-12);
  });
  test("newton's modified Hessian descends from a saddle region (indefinite Hessian)", () => {
    // Himmelblau's Hessian is indefinite near (0, 0); the unmodified Newton step would climb.
    const r = nb.minimize(himmelblau.f, [-0.27, -0.92], { method: "newton" });
    expect(r.success, r.message).toBe(true);
    expect(r.fun).toBeLessThan(1e-12);
    expect(r.history.every((h, i) => i === 0 || h.f < r.history[i - 1]!.f)).toBe(true);
  });
});

describe("the result", () => {
  const quadratic = (x: nb.Tensor) => nb.sum(nb.square(nb.sub(x, 2)));
  test("x and grad have the kind of x0: number, number[] or Tensor of any shape", () => {
    const fromNumber = nb.minimize(quadratic, 0);
    expect(typeof fromNumber.x).toBe("number");
    expect(fromNumber.x).toBeCloseTo(2, 8);
    expect(Array.isArray(nb.minimize(quadratic, [0, 1]).x)).toBe(true);
    const fromTensor = nb.minimize(quadratic, nb.zeros([2, 2]));
    expect(fromTensor.x).toBeInstanceOf(nb.Tensor);
    expect(fromTensor.x.shape).toEqual([2, 2]);
    expect(fromTensor.grad.shape).toEqual([2, 2]);
  });
  test("history has the start then one entry per iteration; counts match the evaluations", () => {
    let calls = 0;
    const counted = (x: nb.Tensor) => {
      calls++;
      return rosenbrock.f(x);
    };
    const r = nb.minimize(counted, rosenbrock.x0, { method: "bfgs" });
    expect(r.history.length).toBe(r.nit + 1);
    const { iteration, x, f, stepSize } = r.history[0]!;
    expect({ iteration, x, stepSize }).toEqual({ iteration: 0, x: rosenbrock.x0, stepSize: 0 });
    expect(f).toBeCloseTo(24.2, 12);
    expect(r.history.at(-1)!.f).toBe(r.fun);
    // f is also traced by the curvature check's Hessian-vector products (exact for n = 2: 2 of them).
    expect(r.nhev).toBe(2);
    expect(r.nfev + r.nhev!).toBe(calls);
  });
  test("the callback sees every iteration and can stop the run; maxIter is reported honestly", () => {
    const seen: number[] = [];
    const stopped = nb.minimize(rosenbrock.f, rosenbrock.x0, { callback: (rec) => (seen.push(rec.iteration), rec.iteration === 3) });
    expect(seen).toEqual([1, 2, 3]);
    expect([stopped.success, stopped.message, stopped.nit]).toEqual([false, "stopped by the callback", 3]);
    const limited = nb.minimize(rosenbrock.f, rosenbrock.x0, { method: "gd", lr: 1e-3, maxIter: 50 });
    expect([limited.success, limited.message, limited.nit]).toEqual([false, "maximum number of iterations reached", 50]);
  });
  test("an unbounded objective is a failure, not a success", () => {
    for (const method of ["lbfgs", "bfgs", "newton", "newton-cg"] as const) {
      const r = nb.minimize(nb.testFunctions.saddle.f, nb.testFunctions.saddle.x0, { method });
      expect([r.success, r.message]).toEqual([false, "f still decreases at the line search's largest step: it looks unbounded below"]);
      expect(r.fun).toBeLessThan(-1e10);
    }
  });
  test("a long run shows a progress bar on the given stream unless quiet", () => {
    const lines: string[] = [];
    const slow = (x: nb.Tensor) => {
      const until = Date.now() + 3;
      while (Date.now() < until);
      return quadratic(x);
    };
    nb.minimize(slow, [0, 0], { method: "gd", lr: 1e-4, maxIter: 500, progressStream: { write: (s: string) => lines.push(s) } });
    expect(lines.some((l) => l.includes("minimize gd"))).toBe(true);
    lines.length = 0;
    nb.minimize(slow, [0, 0], { method: "gd", lr: 1e-4, maxIter: 500, quiet: true, progressStream: { write: (s: string) => lines.push(s) } });
    expect(lines).toEqual([]);
  });
  test("an unknown method names the choices", () => {
    expect(() => nb.minimize(quadratic, 0, { method: "simplex" as nb.Method })).toThrow(/unknown method "simplex"; use one of .*trust-ncg/);
  });
});

describe("the Moré–Thuente line search", () => {
  test("returns a step satisfying the strong Wolfe conditions", () => {
    // φ(α) = (α − 3)² − 9 + α⁴/100: a quartic with its minimum past the first trial.
    const phi = (a: number): [number, number] => [(a - 3) ** 2 - 9 + a ** 4 / 100, 2 * (a - 3) + a ** 3 / 25];
    const [f0, d0] = phi(0);
    for (const initial of [1e-3, 1, 100]) {
      const r = moreThuente(phi, f0, d0, initial, { c1: 1e-4, c2: 0.1 });
      expect(r.ok, r.message).toBe(true);
      expect(r.value).toBeLessThanOrEqual(f0 + 1e-4 * r.step * d0);
      expect(Math.abs(r.slope)).toBeLessThanOrEqual(0.1 * Math.abs(d0));
    }
  });
  test("refuses an ascent direction", () => {
    expect(moreThuente((a) => [a, 1], 0, 1, 1).message).toBe("not a descent direction");
  });
});
