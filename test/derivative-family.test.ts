/**
 * Forward mode and the derivative family: Jacobians, Hessians, Hessian-vector products,
 * Taylor series, directional derivatives and custom rules. Expected values come from closed
 * forms, finite differences (src/numeric) or an independent mode.
 */
import { afterEach, describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { expectClose } from "./helpers.js";

type Fn = (x: nb.Tensor) => nb.Tensor;

/** The Jacobian by central differences, column by column. */
function numericJacobian(f: Fn, x: nb.Tensor): nb.Tensor {
  const columns = Array.from({ length: x.size }, (_, e) => {
    const basis = nb.reshape(nb.gather(nb.eye(x.size), [e]), [...x.shape]);
    return nb.numeric.jvp(f, [x], [basis]);
  });
  const out = f(x);
  return nb.reshape(nb.stack(columns, out.ndim), [...out.shape, ...x.shape]);
}

const battery: [string, Fn, nb.Tensor][] = [
  ["elementwise sin·x²", (x) => nb.mul(nb.sin(x), nb.square(x)), nb.tensor([0.3, -1.2, 2])],
  ["softmax", (x) => nb.softmax(x), nb.tensor([0.5, -1, 2, 0])],
  ["matrix-vector tanh", (x) => nb.tanh(nb.matmul(nb.tensor([[1, 2, -1], [0.5, -0.3, 2]]), x)), nb.tensor([0.2, 0.1, -0.4])],
  ["outer product to a matrix", (x) => nb.outer(x, nb.exp(x)), nb.tensor([0.1, 0.7])],
  ["reductions", (x) => nb.stack([nb.logsumexp(x), nb.norm(x), nb.prod(x)]), nb.tensor([[0.5, 1.5], [-0.7, 2]])],
];

describe("Jacobians", () => {
  for (const [name, f, x] of battery) {
    test(`jacfwd = jacrev = jacobian = finite differences: ${name}`, () => {
      const fd = numericJacobian(f, x);
      const fwd = nb.jacfwd(f)(x);
      const rev = nb.jacrev(f)(x);
      expect(fwd.shape).toEqual([...f(x).shape, ...x.shape]);
      expectClose(fwd, fd, 1e-8, 1e-9);
      expectClose(rev, fwd, 1e-13, 1e-14);
      expectClose(nb.jacobian(f)(x), fwd, 1e-13, 1e-14);
    });
  }
  test("pytree inputs and outputs give nested blocks", () => {
    const f = (p: { w: nb.Tensor; b: nb.Tensor }) => ({ y: nb.add(nb.mul(p.w, [1, 2]), p.b), s: nb.sum(p.w) });
    // The static type already has the nested shape: output structure outside, input inside.
    const J = nb.jacrev(f)({ w: nb.tensor([1, 1]), b: nb.scalar(0) });
    expect(J.y.w.toArray()).toEqual([[1, 0], [0, 2]]);
    expect(J.y.b.toArray()).toEqual([1, 1]);
    expect(J.s.w.toArray()).toEqual([1, 1]);
    const Jf = nb.jacfwd(f)({ w: nb.tensor([1, 1]), b: nb.scalar(0) });
    expect(Jf.y.w.toArray()).toEqual([[1, 0], [0, 2]]);
  });
  test("argnums picks the differentiated argument", () => {
    const J = nb.jacfwd((a: nb.Tensor, b: nb.Tensor) => nb.mul(a, b), { argnums: 1 })(nb.tensor([2, 3]), nb.tensor([1, 1]));
    expect(J.toArray()).toEqual([[2, 0], [0, 3]]);
  });
});

describe("Hessians", () => {
  const rosenbrock = (v: nb.Tensor) => {
    const [x, y] = [nb.slice(v, [0], [1]), nb.slice(v, [1], [1])];
    return nb.sum(nb.add(nb.square(nb.sub(1, x)), nb.mul(100, nb.square(nb.sub(y, nb.square(x))))));
  };
  test("Rosenbrock: H = [[1200x² − 400y + 2, −400x], [−400x, 200]]", () => {
    for (const [x, y] of [[1, 1], [-1.2, 1], [0.3, -0.8]] as const) {
      const H = nb.hessian(rosenbrock)(nb.tensor([x, y]));
      expectClose(H, [[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200]], 1e-14, 1e-11);
    }
  });
  test("a quadratic form xᵀAx has Hessian A + Aᵀ, symmetric to rounding", () => {
    const A = nb.tensor([[1, 2, 0], [-1, 3, 4], [0.5, 0, -2]]);
    const f = (x: nb.Tensor) => nb.dot(x, nb.matmul(A, x));
    const H = nb.hessian(f)(nb.tensor([0.3, -0.2, 1.1]));
    expectClose(H, nb.add(A, nb.transpose(A)), 1e-15, 1e-15);
    const h = H.toArray() as number[][];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(h[i]![j]! - h[j]![i]!)).toBeLessThan(1e-14);
  });
  test("hvp = hessian · v, and matches finite differences of the gradient", () => {
    const f = (x: nb.Tensor) => nb.sum(nb.mul(nb.exp(nb.mul(x, 0.5)), nb.sin(x)));
    const x = nb.tensor([0.1, 0.9, -1.4]);
    const v = nb.tensor([1, -2, 0.5]);
    const Hv = nb.hvp(f, x, v);
    expectClose(Hv, nb.matmul(nb.hessian(f)(x), v), 1e-13, 1e-14);
    expectClose(Hv, nb.numeric.jvp((y) => nb.grad(f)(y) as nb.Tensor, [x], [v]), 1e-8, 1e-9);
  });
  test("hvp on 10⁵ inputs, without forming the 10⁵×10⁵ Hessian", () => {
    const n = 100_000;
    // f(x) = Σ xᵢ⁴/4 + (Σ xᵢ)²/2 → H = diag(3xᵢ²) + 11ᵀ, so H·1 = 3x² + n.
    const f = (x: nb.Tensor) => nb.add(nb.sum(nb.div(nb.pow(x, 4), 4)), nb.div(nb.square(nb.sum(x)), 2));
    const x = nb.linspace(-1, 1, n);
    const Hv = nb.hvp(f, x, nb.ones([n]));
    expectClose(Hv, nb.add(nb.mul(3, nb.square(x)), n), 1e-12, 1e-9);
  });
  test("hessian of a function that itself calls grad", () => {
    // g(x) = |∇f(x)|² for f = Σ sin(xᵢ): g = Σ cos²(xᵢ), g'' = −2cos(2xᵢ) on the diagonal.
    const g = (x: nb.Tensor) => nb.sum(nb.square(nb.grad((y: nb.Tensor) => nb.sum(nb.sin(y)))(x) as nb.Tensor));
    const x = nb.tensor([0.4, 1.3]);
    expectClose(nb.hessian(g)(x), [[-2 * Math.cos(0.8), 0], [0, -2 * Math.cos(2.6)]], 1e-13, 1e-14);
  });
});

describe("dense-size guard", () => {
  afterEach(() => nb.config({ maxDenseBytes: 2 ** 30 }));
  test("a Hessian too large to hold says so before any work, and points to hvp", () => {
    const f = (x: nb.Tensor) => nb.sum(nb.square(x));
    let message = "";
    try {
      nb.hessian(f)(nb.zeros([100_000]));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("hessian: the dense Hessian would be [100000, 100000]");
    expect(message).toContain("74.5 GiB");
    expect(message).toContain("nb.hvp(f, x, v)");
  });
  test("the limit is configurable and applies to Jacobians", () => {
    nb.config({ maxDenseBytes: 1000 });
    expect(() => nb.jacfwd((x: nb.Tensor) => nb.mul(x, 2))(nb.zeros([20]))).toThrow(/dense Jacobian would be \[20, 20\]/);
    expect(nb.jacrev((x: nb.Tensor) => nb.mul(x, 2))(nb.zeros([5])).shape).toEqual([5, 5]);
  });
  test("a basis too large for one batched pass runs in chunks under the limit, with the same result", () => {
    // J of Σ xᵢ³ is 3x² (160 bytes, under the limit); the 20×20 basis (3200 bytes) is not.
    nb.config({ maxDenseBytes: 200 });
    const x = nb.linspace(-1, 1, 20);
    const J = nb.jacfwd((v: nb.Tensor) => nb.sum(nb.pow(v, 3)))(x);
    expectClose(J, nb.mul(3, nb.square(x)), 1e-15, 1e-15);
  });
  test("hessian of a non-scalar function is a clear error naming the shape", () => {
    expect(() => nb.hessian((x: nb.Tensor) => nb.mul(x, x))(nb.tensor([1, 2]))).toThrow(/hessian: f must return a scalar, but it returned shape \[2\]/);
  });
});

describe("Taylor mode", () => {
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const order = 9;
  const closedForms: [string, Fn, (k: number, x: number) => number, number[]][] = [
    ["exp", nb.exp, (_, x) => Math.exp(x), [0, 0.7, -2]],
    ["sin", nb.sin, (k, x) => Math.sin(x + (k * Math.PI) / 2), [0, 0.7, 2.5]],
    ["log(1 + x)", nb.log1p, (k, x) => (k === 0 ? Math.log1p(x) : ((-1) ** (k - 1) * factorial(k - 1)) / (1 + x) ** k), [0, 0.7, 3]],
    ["1/(1 − x)", (x) => nb.div(1, nb.sub(1, x)), (k, x) => factorial(k) / (1 - x) ** (k + 1), [0, 0.5, -1]],
  ];
  for (const [name, f, dk, points] of closedForms) {
    test(`derivatives of ${name} to order ${order} match the closed form`, () => {
      for (const x0 of points) {
        const got = nb.derivatives(f, x0, order);
        got.forEach((g, k) => expectClose(g, dk(k, x0), 1e-12, 1e-12));
      }
    });
  }
  test("sigmoid's Maclaurin series: 1/2 + x/4 − x³/48 + x⁵/480 − 17x⁷/80640 + 31x⁹/1451520", () => {
    const p = nb.taylor(nb.sigmoid, 0, 9);
    expectClose(p.coefficients, [0.5, 0.25, 0, -1 / 48, 0, 1 / 480, 0, -17 / 80640, 0, 31 / 1451520], 1e-13, 1e-17);
  });
  test("tanh, atan, sqrt, erf, pow and a composite agree with nested reverse mode", () => {
    const functions: [Fn, number][] = [
      [nb.tanh, 0.3], [nb.atan, -0.6], [nb.sqrt, 1.7], [nb.erf, 0.4], [(x) => nb.pow(x, 2.5), 1.3],
      [(x) => nb.add(nb.tanh(nb.mul(nb.sin(x), nb.square(x))), nb.exp(nb.neg(nb.square(x)))), 0.8],
      [(x) => nb.div(nb.softplus(x), nb.add(nb.cosh(x), nb.asin(nb.mul(x, 0.5)))), -0.2],
    ];
    for (const [f, x0] of functions) {
      const jetDerivatives = nb.derivatives(f, x0, 5);
      let g: (x: nb.Tensor) => nb.Tensor = f;
      for (let k = 1; k <= 5; k++) {
        const previous = g;
        g = (x) => nb.grad(previous)(x) as unknown as nb.Tensor;
        expectClose(jetDerivatives[k]!, g(nb.scalar(x0)), 1e-10, 1e-11);
      }
    }
  });
  test("pow with integer exponents is exact at zero, where exp(b log a) would fail", () => {
    expect(nb.derivatives((x) => nb.pow(x, 3), 0, 4)).toEqual([0, 0, 0, 6, 0]);
  });
  test("evaluate and the truncation-error estimate", () => {
    const p = nb.taylor(nb.exp, 0, 5);
    for (const x of [0.05, 0.2]) {
      const err = Math.abs(p.evaluate(x) - Math.exp(x));
      // The first omitted term, x⁶/720, is the leading part of the error.
      expect(p.errorEstimate(x)).toBeCloseTo(x ** 6 / 720, 15);
      expect(err / p.errorEstimate(x)).toBeGreaterThan(1);
      expect(err / p.errorEstimate(x)).toBeLessThan(1.1);
    }
  });
  test("on a tensor input, order 2 gives Newton's quadratic model", () => {
    // f = e^x₀ + e^x₁ + x₀x₁
    const f = (v: nb.Tensor) => nb.add(nb.sum(nb.exp(v)), nb.sum(nb.mul(nb.slice(v, [0], [1]), nb.slice(v, [1], [1]))));
    const x0 = nb.tensor([0.2, -0.1]);
    const q = nb.taylor(f, x0, 2);
    expectClose(q.gradient, [Math.exp(0.2) - 0.1, Math.exp(-0.1) + 0.2], 1e-15);
    expectClose(q.hessian, [[Math.exp(0.2), 1], [1, Math.exp(-0.1)]], 1e-15);
    const near = [0.21, -0.095];
    expect(Math.abs(q.evaluate(near) - f(nb.tensor(near)).item())).toBeLessThan(1e-6);
  });
});

describe("directional derivatives", () => {
  const f = (x: nb.Tensor) => nb.sum(nb.mul(nb.sin(x), nb.exp(nb.mul(x, [0.3, -0.5, 1]))));
  const x = nb.tensor([0.4, -1, 0.8]);
  test("∇f·u equals the limit of (f(x + hu) − f(x))/h", () => {
    const u = nb.tensor([0.6, 0, -0.8]);
    const definition = nb.numeric.derivative((h: number) => f(nb.add(x, nb.mul(h, u))), 0, { richardson: true });
    expectClose(nb.directional(f, x, u), definition, 1e-10, 1e-12);
  });
  test("the gradient is the direction of steepest ascent: no unit direction beats it", () => {
    const g = nb.grad(f)(x) as nb.Tensor;
    const best = nb.norm(g).item();
    expectClose(nb.directional(f, x, nb.div(g, best)), best, 1e-14);
    const directions = nb.randn([2000, 3], { seed: 5 });
    const units = nb.div(directions, nb.norm(directions, 1, true));
    const slopes = nb.matmul(units, g);
    expect(nb.max(slopes).item()).toBeLessThanOrEqual(best);
    expect(nb.max(slopes).item()).toBeGreaterThan(0.99 * best);
  });
});

describe("one-sided derivatives", () => {
  test("relu has left and right derivatives 0 and 1 at 0; smooth functions agree", () => {
    expect(nb.numeric.oneSidedDerivatives((x) => nb.relu(x), 0)).toEqual({ left: 0, right: 1, differentiable: false });
    const abs = nb.numeric.oneSidedDerivatives((x) => nb.abs(x), 0);
    expect([abs.left, abs.right]).toEqual([-1, 1]);
    const smooth = nb.numeric.oneSidedDerivatives(Math.exp, 0.5);
    expect(smooth.differentiable).toBe(true);
    expectClose(smooth.left, Math.exp(0.5), 1e-10);
  });
});

describe("composition and perturbation confusion", () => {
  test("jvp of grad, grad of jvp and grad of grad of grad agree with closed forms", () => {
    const f = (x: nb.Tensor) => nb.mul(nb.pow(x, 3), nb.sin(x));
    const x0 = 0.9;
    const d2 = 6 * x0 * Math.sin(x0) + 6 * x0 ** 2 * Math.cos(x0) - x0 ** 3 * Math.sin(x0);
    const d3 = 6 * Math.sin(x0) + 18 * x0 * Math.cos(x0) - 9 * x0 ** 2 * Math.sin(x0) - x0 ** 3 * Math.cos(x0);
    expectClose(nb.jvp((x: nb.Tensor) => nb.grad(f)(x) as unknown as nb.Tensor, [x0], [1])[1], d2, 1e-13);
    expectClose(nb.grad((x: nb.Tensor) => nb.jvp(f, [x], [1])[1])(x0), d2, 1e-13);
    expectClose(nb.grad(nb.grad(nb.grad(f)))(x0), d3, 1e-13);
    expectClose(nb.derivatives(f, x0, 3)[3]!, d3, 1e-13);
  });
  test("ForwardDiff.jl #83: d/dx [x · d/dy (x + y)] = 1, in every mode", () => {
    const inner = (x: nb.Tensor) => nb.jvp((y: nb.Tensor) => nb.add(x, y), [1], [1])[1];
    expect(nb.jvp((x: nb.Tensor) => nb.mul(x, inner(x)), [1], [1])[1].item()).toBe(1);
    expect(nb.grad((x: nb.Tensor) => nb.mul(x, inner(x)))(1)).toBe(1);
    expect(nb.derivatives((x) => nb.mul(x, inner(x)), 1, 1)[1]).toBe(1);
  });
  test("ForwardDiff.jl #83: ∇ of sum(v)·d/dy (y·‖v‖) at v = [1] is 2", () => {
    const f = (v: nb.Tensor) => nb.mul(nb.sum(v), nb.jvp((y: nb.Tensor) => nb.mul(y, nb.norm(v)), [1], [1])[1]);
    expect((nb.grad(f)(nb.tensor([1])) as nb.Tensor).toArray()).toEqual([2]);
  });
  test("ReverseDiff.jl #45: d/dx [x · d/dy (x·y)] = 2x", () => {
    const D = (f: Fn, x: number) => nb.jvp(f, [x], [1])[1];
    expect(D((x) => nb.mul(x, D((y) => nb.mul(x, y), 1)), 4).item()).toBe(8);
  });
  test("ForwardDiff.jl #313: a function that differentiates itself gets distinct perturbations", () => {
    const D = (f: Fn, x: number | nb.Tensor) => nb.jvp(f, [x], [1])[1];
    const confuse = (whoami: boolean, x: nb.Tensor | number): Fn => (xy) => (whoami ? nb.mul(xy, D(confuse(false, xy), 1)) : nb.add(x, xy));
    expect(D(confuse(true, 0), 1).item()).toBe(1);
  });
});

describe("custom rules", () => {
  const naiveSoftplus = nb.customJvp(
    function softplusWithRule(x) {
      return nb.log(nb.add(1, nb.exp(x)));
    },
    ([x], [t]) => [nb.softplus(x!), nb.mul(t!, nb.sigmoid(x!))],
  );
  test("customJvp is used by jvp, grad (transposed), hessian and jacrev", () => {
    expect(nb.jvp((x: nb.Tensor) => naiveSoftplus(x), [1000], [2])[1].item()).toBe(2);
    expect(nb.grad((x: nb.Tensor) => naiveSoftplus(x))(1000)).toBe(1);
    const s = 1 / (1 + Math.exp(-0.5));
    expectClose(nb.hessian((x: nb.Tensor) => nb.sum(naiveSoftplus(x)))(nb.tensor([0.5])), [[s * (1 - s)]], 1e-15);
    expectClose(nb.jacrev((x: nb.Tensor) => naiveSoftplus(x))(nb.tensor([0.5, 0.5])), [[s, 0], [0, s]], 1e-15);
  });
  test("customVjp is used by grad and grad of grad; forward mode names the function and the stack", () => {
    const cube = nb.customVjp(
      function cubed(x) {
        return nb.pow(x, 3);
      },
      (x) => [nb.pow(x, 3), x],
      (x, g) => [nb.mul(g, nb.mul(3, nb.square(x)))],
    );
    expect(nb.grad((x: nb.Tensor) => cube(x))(2)).toBe(12);
    expect(nb.grad(nb.grad((x: nb.Tensor) => cube(x)))(2)).toBe(12);
    expect(() => nb.jvp((x: nb.Tensor) => cube(x), [2], [1])).toThrow("jvp → cubed: no JVP rule");
    expect(() => nb.hessian((x: nb.Tensor) => nb.sum(cube(x)))(nb.tensor([1]))).toThrow("hessian → jacrev → cubed: no JVP rule");
  });
  test("linearize returns the output and the tangent map", () => {
    const [y, at] = nb.linearize((x: nb.Tensor) => nb.sin(x), nb.tensor([0, Math.PI]));
    expectClose(y, [0, Math.sin(Math.PI)]);
    expectClose(at(nb.tensor([2, 3])), [2, -3], 1e-15);
  });
});
