/**
 * Finite differences against closed-form derivatives: sin → cos, exp, x³, a quadratic form's
 * Hessian A + Aᵀ, Rosenbrock's gradient and Hessian. Error orders are measured, not assumed.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

const maxAbsDiff = (a: nb.Tensor, b: nb.TensorLike): number => nb.max(nb.abs(nb.sub(a, b))).item();

/** Rosenbrock's function (1 − x)² + 100 (y − x²)² and its closed-form derivatives. */
const rosenbrock = (p: nb.Tensor): nb.Tensor => {
  const [x, y] = [nb.slice(p, [0], [1]), nb.slice(p, [1], [1])];
  return nb.sum(nb.add(nb.square(nb.sub(1, x)), nb.mul(100, nb.square(nb.sub(y, nb.square(x))))));
};
const rosenbrockGrad = (x: number, y: number): number[] => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];
const rosenbrockHessian = (x: number, y: number): number[][] => [[2 - 400 * y + 1200 * x * x, -400 * x], [-400 * x, 200]];

describe("numeric.derivative", () => {
  const cases: [string, (x: number) => number, (x: number) => number][] = [
    ["sin", Math.sin, Math.cos],
    ["exp", Math.exp, Math.exp],
    ["x³", (x) => x ** 3, (x) => 3 * x * x],
  ];
  for (const [name, f, df] of cases) {
    test(`${name}: every method matches the analytic derivative`, () => {
      for (const x of [-1.7, 0, 0.3, 2]) {
        const exact = df(x);
        const scale = Math.max(1, Math.abs(exact));
        expect(Math.abs(nb.numeric.derivative(f, x) - exact)).toBeLessThan(1e-9 * scale);
        expect(Math.abs(nb.numeric.derivative(f, x, { method: "forward" }) - exact)).toBeLessThan(1e-6 * scale);
        expect(Math.abs(nb.numeric.derivative(f, x, { method: "backward" }) - exact)).toBeLessThan(1e-6 * scale);
        for (const method of ["forward", "backward", "central"] as const) {
          expect(Math.abs(nb.numeric.derivative(f, x, { method, richardson: true }) - exact)).toBeLessThan(1e-11 * scale);
        }
      }
    });
  }

  test("f may return a one-element tensor", () => {
    expect(nb.numeric.derivative((x) => nb.sin(x), 1, { richardson: true })).toBeCloseTo(Math.cos(1), 12);
    expect(nb.numeric.derivative((x) => nb.tensor([[x * x]]), 3)).toBeCloseTo(6, 8);
  });

  test("the default step scales with |x|, so large arguments stay accurate", () => {
    // At x = 1e8 an absolute step of 6e-6 would be swamped by the spacing of doubles (1.5e-8).
    const x = 1e8;
    expect(Math.abs(nb.numeric.derivative((t) => t * t, x) - 2 * x) / (2 * x)).toBeLessThan(1e-9);
    expect(Math.abs(nb.numeric.derivative((t) => t * t, x, { method: "forward" }) - 2 * x) / (2 * x)).toBeLessThan(1e-7);
  });

  describe("error order (measured at two step sizes on exp at 1, where f′ = e)", () => {
    const error = (options: nb.numeric.DiffOptions): number => nb.numeric.derivative(Math.exp, 1, options) - Math.E;

    test("forward and backward errors are ∝ h, with opposite signs for a convex f", () => {
      const forward = [error({ method: "forward", h: 1e-3 }), error({ method: "forward", h: 5e-4 })] as const;
      const backward = [error({ method: "backward", h: 1e-3 }), error({ method: "backward", h: 5e-4 })] as const;
      // Leading term f″h/2 = e·h/2.
      expect(forward[0] / (Math.E * 1e-3 / 2)).toBeCloseTo(1, 2);
      expect(forward[0] / forward[1]).toBeCloseTo(2, 2);
      expect(backward[0] / backward[1]).toBeCloseTo(2, 2);
      expect(forward[0]).toBeGreaterThan(0);
      expect(backward[0]).toBeLessThan(0);
    });

    test("central errors are ∝ h²", () => {
      const [coarse, fine] = [error({ h: 1e-2 }), error({ h: 5e-3 })];
      // Leading term f‴h²/6 = e·h²/6.
      expect(coarse / (Math.E * 1e-4 / 6)).toBeCloseTo(1, 3);
      expect(coarse / fine).toBeCloseTo(4, 2);
    });

    test("Richardson extrapolation cuts the error by orders of magnitude at the same first step", () => {
      for (const method of ["forward", "backward", "central"] as const) {
        const plain = Math.abs(error({ method, h: 1e-2 }));
        const extrapolated = Math.abs(error({ method, h: 1e-2, richardson: true }));
        expect(extrapolated).toBeLessThan(1e-5 * plain);
      }
    });
  });

  test("bad input gets a clear error", () => {
    expect(() => nb.numeric.derivative(Math.sin, NaN)).toThrow(/numeric\.derivative: x must be a finite number, got NaN/);
    expect(() => nb.numeric.derivative(Math.sin, Infinity)).toThrow(/finite number, got Infinity/);
    expect(() => nb.numeric.derivative((x) => nb.tensor([x, x, x]), 1)).toThrow(/must return a scalar .* returned shape \[3\]/);
    expect(() => nb.numeric.derivative(() => "one" as unknown as number, 1)).toThrow(/must return a number or a Tensor, but it returned "one"/);
    expect(() => nb.numeric.derivative(Math.sin, 1, { h: 0 })).toThrow(/step h must be a finite positive number, got 0/);
    expect(() => nb.numeric.derivative(Math.sin, 1, { method: "sideways" as "central" })).toThrow(/method must be "forward", "backward" or "central", got "sideways"/);
    expect(() => nb.numeric.derivative(Math.sin, 1, { h: -1 })).toThrow(nb.NablaError);
  });
});

describe("numeric.grad", () => {
  test("Rosenbrock's gradient from the closed form, at its minimum and at (−1.2, 1)", () => {
    for (const [x, y] of [[1, 1], [-1.2, 1], [0.5, -0.3]] as const) {
      const g = nb.numeric.grad(rosenbrock, [x, y], { richardson: true });
      expect(g.shape).toEqual([2]);
      expect(maxAbsDiff(g, rosenbrockGrad(x, y))).toBeLessThan(1e-9 * 216);
      expect(maxAbsDiff(nb.numeric.grad(rosenbrock, [x, y]), rosenbrockGrad(x, y))).toBeLessThan(1e-6);
    }
    expect(maxAbsDiff(nb.numeric.grad(rosenbrock, [-1.2, 1], { richardson: true }), [-215.6, -88])).toBeLessThan(1e-8);
  });

  test("the result has the kind and shape of x: a number for a number, a float64 tensor otherwise", () => {
    const g = nb.numeric.grad((x) => nb.sin(x), 0.5);
    expect(typeof g).toBe("number");
    expect(g).toBeCloseTo(Math.cos(0.5), 9);
    const x = nb.tensor([[0.1, 0.2, 0.3], [-1, 0, 1]]);
    const fromTensor = nb.numeric.grad((t) => nb.sum(nb.exp(t)), x, { richardson: true });
    expect(fromTensor.shape).toEqual([2, 3]);
    expect(fromTensor.dtype).toBe("float64");
    expect(maxAbsDiff(fromTensor, nb.exp(x))).toBeLessThan(1e-12);
    const fromArrays = nb.numeric.grad((t) => nb.sum(nb.exp(t)), [[0.1, 0.2, 0.3], [-1, 0, 1]], { richardson: true });
    expect(fromArrays.toArray()).toEqual(fromTensor.toArray());
  });

  test("float32 inputs are evaluated in float64", () => {
    const x = nb.tensor([0.1, 0.7], { dtype: "float32" });
    const seen: string[] = [];
    const g = nb.numeric.grad((t) => {
      seen.push(t.dtype);
      return nb.sum(nb.sin(t));
    }, x, { richardson: true });
    expect(new Set(seen)).toEqual(new Set(["float64"]));
    expect(g.dtype).toBe("float64");
    // The derivative at the float32 point itself, to float64 accuracy (far beyond float32's 1e-7).
    expect(maxAbsDiff(g, Array.from(x.values(), Math.cos))).toBeLessThan(1e-12);
  });

  test("forward differences evaluate f(x) once, not once per coordinate", () => {
    let calls = 0;
    nb.numeric.grad((t) => {
      calls++;
      return nb.sum(t);
    }, [1, 2, 3, 4], { method: "forward" });
    expect(calls).toBe(5);
  });

  test("bad input gets a clear error", () => {
    expect(() => nb.numeric.grad((x) => nb.sum(x), [1, Infinity])).toThrow(/numeric\.grad: x must be finite, but its element \[1\] is Infinity/);
    expect(() => nb.numeric.grad((x) => nb.sum(x), [[1, 2], [NaN, 0]])).toThrow(/element \[1, 0\] is NaN/);
    expect(() => nb.numeric.grad((x) => x, [1, 2, 3])).toThrow(/numeric\.grad: f must return a scalar .* returned shape \[3\]/);
    expect(() => nb.numeric.grad((x) => nb.mul(x, 2), [[1, 2], [3, 4]])).toThrow(/returned shape \[2, 2\]/);
  });
});

describe("numeric.hessian", () => {
  test("a quadratic form xᵀAx has Hessian A + Aᵀ, exactly symmetric", () => {
    const A = [[2, 1, 0], [3, 4, -1], [0.5, 0, 1]];
    const expected = A.map((row, i) => row.map((a, j) => a + A[j]![i]!));
    const quadratic = (x: nb.Tensor): nb.Tensor => nb.dot(x, nb.matmul(A, x));
    for (const options of [{}, { richardson: true }, { method: "forward" as const }]) {
      const H = nb.numeric.hessian(quadratic, [0.3, -1, 2], options);
      expect(H.shape).toEqual([3, 3]);
      expect(maxAbsDiff(H, expected)).toBeLessThan(1e-4);
      expect(H.toArray()).toEqual(nb.transpose(H).toArray());
    }
    expect(maxAbsDiff(nb.numeric.hessian(quadratic, [0.3, -1, 2], { richardson: true }), expected)).toBeLessThan(1e-9);
  });

  test("Rosenbrock's Hessian from the closed form, at (1, 1) and (−1.2, 1)", () => {
    expect(maxAbsDiff(nb.numeric.hessian(rosenbrock, [1, 1], { richardson: true }), [[802, -400], [-400, 200]])).toBeLessThan(1e-7);
    expect(maxAbsDiff(nb.numeric.hessian(rosenbrock, [-1.2, 1], { richardson: true }), [[1330, 480], [480, 200]])).toBeLessThan(1e-7);
    expect(maxAbsDiff(nb.numeric.hessian(rosenbrock, [-1.2, 1]), rosenbrockHessian(-1.2, 1))).toBeLessThan(1e-4 * 1330);
  });

  test("shape x.shape ++ x.shape, and a number for a number", () => {
    const x = nb.tensor([[0.2, -0.4], [1.1, 0.7]]);
    const H = nb.numeric.hessian((t) => nb.sum(nb.sin(t)), x, { richardson: true });
    expect(H.shape).toEqual([2, 2, 2, 2]);
    const expected = nb.zeros([4, 4]).toArray() as number[][];
    Array.from(x.values()).forEach((v, i) => (expected[i]![i] = -Math.sin(v)));
    expect(maxAbsDiff(nb.reshape(H, [4, 4]), expected)).toBeLessThan(1e-9);
    const h = nb.numeric.hessian((t) => nb.exp(t), 0.5);
    expect(typeof h).toBe("number");
    expect(h).toBeCloseTo(Math.exp(0.5), 6);
  });

  test("non-scalar output is rejected with its shape", () => {
    expect(() => nb.numeric.hessian((x) => nb.mul(x, x), [1, 2])).toThrow(/numeric\.hessian: f must return a scalar .* returned shape \[2\]/);
  });
});

describe("numeric.jvp", () => {
  // f(a, b) = a·sin(b) has J·(u, w) = u·sin(b) + a·cos(b)·w.
  const f = (a: nb.Tensor, b: nb.Tensor): nb.Tensor => nb.mul(a, nb.sin(b));
  const a = [[0.5, -1.2, 2], [1, 0.3, -0.7]];
  const b = [[1.1, 0.2, -2], [0.9, -0.4, 1.6]];
  const u = [[1, 0.5, -2], [0.3, 0, 1]];
  const w = [[-0.4, 2, 1], [1, -1, 0.25]];
  const exact = a.map((row, i) => row.map((ai, j) => u[i]![j]! * Math.sin(b[i]![j]!) + ai * Math.cos(b[i]![j]!) * w[i]![j]!));

  test("matches the analytic directional derivative to ~1e-10 by default", () => {
    const jv = nb.numeric.jvp(f, [a, b], [u, w]);
    expect(jv.shape).toEqual([2, 3]);
    expect(jv.dtype).toBe("float64");
    expect(maxAbsDiff(jv, exact)).toBeLessThan(1e-10);
    const plain = nb.numeric.jvp(f, [a, b], [u, w], { richardson: false });
    expect(maxAbsDiff(plain, exact)).toBeLessThan(1e-7);
    expect(maxAbsDiff(plain, exact)).toBeGreaterThan(maxAbsDiff(jv, exact));
  });

  test("a tensor function of tensors, as the rule-table test calls it", () => {
    const g = (...xs: nb.Tensor[]): nb.Tensor => nb.matmul(xs[0]!, nb.exp(xs[1]!));
    const x = [nb.randn([3, 4], { seed: 1 }), nb.randn([4, 2], { seed: 2 })];
    const v = [nb.randn([3, 4], { seed: 3 }), nb.randn([4, 2], { seed: 4 })];
    // d(X·exp(Y)) = dX·exp(Y) + X·(exp(Y) ⊙ dY).
    const analytic = nb.add(nb.matmul(v[0]!, nb.exp(x[1]!)), nb.matmul(x[0]!, nb.mul(nb.exp(x[1]!), v[1]!)));
    const jv = nb.numeric.jvp(g, x, v);
    expect(jv.shape).toEqual([3, 2]);
    expect(maxAbsDiff(jv, analytic)).toBeLessThan(1e-9 * Math.max(1, nb.max(nb.abs(analytic)).item()));
  });

  test("numbers in, a rank-0 tensor out; a zero direction gives zeros", () => {
    const jv = nb.numeric.jvp((x, y) => nb.mul(x, nb.exp(y)), [2, 0.5], [1, 0]);
    expect(jv.shape).toEqual([]);
    expect(jv.item()).toBeCloseTo(Math.exp(0.5), 11);
    expect(nb.numeric.jvp(f, [a, b], [nb.zeros([2, 3]), nb.zeros([2, 3])]).toArray()).toEqual(nb.zeros([2, 3]).toArray());
  });

  test("float32 primals are evaluated in float64", () => {
    const x = nb.tensor([0.25, 1.5], { dtype: "float32" });
    const jv = nb.numeric.jvp((t) => nb.exp(t), [x], [[1, 1]]);
    expect(jv.dtype).toBe("float64");
    expect(maxAbsDiff(jv, Array.from(x.values(), Math.exp))).toBeLessThan(1e-11);
  });

  test("bad input gets a clear error", () => {
    expect(() => nb.numeric.jvp(f, [a, b], [u])).toThrow(/numeric\.jvp: primals and tangents must be arrays of the same length/);
    expect(() => nb.numeric.jvp(f, [a, b], [u, [1, 2]])).toThrow(/tangent 1 has shape \[2\] but its primal has shape \[2, 3\]/);
    expect(() => nb.numeric.jvp(f, [a, [[NaN, 0, 0], [0, 0, 0]]], [u, w])).toThrow(/primal 1\): x must be finite, but its element \[0, 0\] is NaN/);
  });
});
