/**
 * The worked examples of calculus for machine learning, with expected values from the
 * closed-form formulas (never from nabla itself).
 */
import { describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { expectClose } from "./helpers.js";

const sigma = (z: number): number => 1 / (1 + Math.exp(-z));
const points = [-3, -0.5, 0, 0.7, 2.5];

describe("activation derivatives", () => {
  test("σ' = σ(1 − σ)", () => {
    for (const z of points) expectClose(nb.grad(nb.sigmoid)(z), sigma(z) * (1 - sigma(z)), 1e-14, 1e-16);
  });
  test("tanh' = 1 − tanh²", () => {
    for (const z of points) expectClose(nb.grad(nb.tanh)(z), 1 - Math.tanh(z) ** 2, 1e-14, 1e-16);
  });
  test("relu'(0) = 0, abs'(0) = 0, max ties share the gradient", () => {
    expect(nb.grad(nb.relu)(0)).toBe(0);
    expect(nb.grad(nb.abs)(0)).toBe(0);
    expect(nb.grad((x: nb.Tensor[]) => nb.max(x))([1, 3, 3])).toEqual([0, 0.5, 0.5]);
    expect(nb.grad((a, b) => nb.maximum(a, b), { argnums: [0, 1] })(2, 2)).toEqual([0.5, 0.5]);
  });
  test("sigmoid and softplus stay finite and exact far out", () => {
    expect(nb.sigmoid(-800).item()).toBe(0);
    expect(nb.sigmoid(800).item()).toBe(1);
    expect(nb.softplus(-800).item()).toBe(0);
    expect(nb.grad(nb.softplus)(800)).toBe(1);
  });
});

describe("losses", () => {
  const x = nb.tensor([0.5, -1.2, 2.0, 3.3, -0.7]);
  const y = nb.tensor([1.0, -2.0, 2.5, 4.0, 0.1]);
  const xs = Array.from(x.values());
  const ys = Array.from(y.values());
  const n = xs.length;

  test("MSE: ∂L/∂w = (2/n) Σ(ŷ − y)x and ∂L/∂b = (2/n) Σ(ŷ − y)", () => {
    const w = 0.8;
    const b = -0.3;
    const loss = (w: nb.Tensor, b: nb.Tensor) => nb.mean(nb.square(nb.sub(nb.add(nb.mul(w, x), b), y)));
    const [gw, gb] = nb.grad(loss, { argnums: [0, 1] })(w, b) as number[];
    const residual = xs.map((xi, i) => w * xi + b - ys[i]!);
    expectClose(gw!, (2 / n) * residual.reduce((s, r, i) => s + r * xs[i]!, 0));
    expectClose(gb!, (2 / n) * residual.reduce((s, r) => s + r, 0));
  });

  test("logistic regression: ∂L/∂w = (ŷ − y)x for binary cross-entropy on logits", () => {
    const features = nb.tensor([0.3, -1.1, 2.0]);
    const w = nb.tensor([0.5, 0.25, -0.4]);
    const bias = 0.1;
    for (const label of [0, 1]) {
      // BCE on logits z: softplus(z) − y·z = −[y log σ(z) + (1 − y) log(1 − σ(z))], stably.
      const loss = (w: nb.Tensor) => {
        const z = nb.add(nb.dot(w, features), bias);
        return nb.sub(nb.softplus(z), nb.mul(label, z));
      };
      const z = 0.5 * 0.3 + 0.25 * -1.1 + -0.4 * 2.0 + bias;
      const yhat = sigma(z);
      expectClose(nb.grad(loss)(w), [0.3, -1.1, 2.0].map((f) => (yhat - label) * f), 1e-14, 1e-15);
    }
  });

  test("softmax with cross-entropy: ∂L/∂z = p − y", () => {
    const logits = [2.0, -1.0, 0.5, 3.0];
    const onehot = [0, 0, 1, 0];
    const loss = (z: nb.Tensor) => nb.neg(nb.sum(nb.mul(onehot, nb.logSoftmax(z))));
    const e = logits.map(Math.exp);
    const total = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / total);
    expectClose(nb.grad(loss)(nb.tensor(logits)), p.map((pi, i) => pi - onehot[i]!), 1e-14, 1e-15);
  });
});

describe("chain rule", () => {
  test("through one neuron: z = wx + b, a = σ(z), L = (a − y)²", () => {
    const [x, y, w, b] = [1.5, 0.2, -0.7, 0.4];
    const loss = (w: nb.Tensor, b: nb.Tensor) => nb.square(nb.sub(nb.sigmoid(nb.add(nb.mul(w, x), b)), y));
    const z = w * x + b;
    const a = sigma(z);
    const dLda = 2 * (a - y);
    const dadz = a * (1 - a);
    const [gw, gb] = nb.grad(loss, { argnums: [0, 1] })(w, b) as number[];
    expectClose(gw!, dLda * dadz * x, 1e-14);
    expectClose(gb!, dLda * dadz, 1e-14);
  });

  test("multivariable chain rule sums over paths: f = u·v with u = x², v = sin x", () => {
    // x reaches f along two paths; df/dx = (∂f/∂u)(du/dx) + (∂f/∂v)(dv/dx) = sin(x)·2x + x²·cos(x).
    for (const x of [-1.3, 0.4, 2.2]) {
      const f = (x: nb.Tensor) => nb.mul(nb.square(x), nb.sin(x));
      expectClose(nb.grad(f)(x), Math.sin(x) * 2 * x + x * x * Math.cos(x), 1e-14);
    }
  });

  test("a value used many times accumulates its gradient (fan-out)", () => {
    const f = (x: nb.Tensor) => nb.add(nb.add(nb.mul(x, x), nb.mul(3, x)), nb.exp(x));
    expectClose(nb.grad(f)(0.5), 2 * 0.5 + 3 + Math.exp(0.5), 1e-15);
  });
});

describe("higher order, to third order and beyond", () => {
  const d3 = <T>(f: T) => nb.grad(nb.grad(nb.grad(f as (x: nb.Tensor) => nb.Tensor)));
  test("d³/dx³ sin = −cos, exp(2x) → 8e²ˣ, x⁴ → 24x, log → 2/x³", () => {
    for (const x of [0.3, 1.7]) {
      expectClose(d3(nb.sin)(x), -Math.cos(x), 1e-14, 1e-15);
      expectClose(d3((x: nb.Tensor) => nb.exp(nb.mul(2, x)))(x), 8 * Math.exp(2 * x), 1e-14);
      expectClose(d3((x: nb.Tensor) => nb.pow(x, 4))(x), 24 * x, 1e-13);
      expectClose(d3(nb.log)(x), 2 / x ** 3, 1e-13);
    }
  });
  test("tanh''' = −2(1 − t²)(1 − 3t²) and σ''' = σ(1−σ)(1 − 6σ + 6σ²)", () => {
    for (const x of [-0.8, 0.2, 1.4]) {
      const t = Math.tanh(x);
      const s = sigma(x);
      expectClose(d3(nb.tanh)(x), -2 * (1 - t * t) * (1 - 3 * t * t), 1e-13, 1e-15);
      expectClose(d3(nb.sigmoid)(x), s * (1 - s) * (1 - 6 * s + 6 * s * s), 1e-13, 1e-15);
    }
  });
  test("fifth derivative of sin by nesting grad", () => {
    let f: (x: nb.Tensor) => nb.Tensor = nb.sin;
    for (let k = 0; k < 5; k++) {
      const g = f;
      f = (x) => nb.grad(g)(x) as unknown as nb.Tensor;
    }
    expectClose(f(nb.scalar(0.6)), Math.cos(0.6), 1e-13);
  });
  test("mixed partials of f(x, y) = x²y³ by grad of grad", () => {
    const f = (x: nb.Tensor, y: nb.Tensor) => nb.mul(nb.square(x), nb.pow(y, 3));
    const dxdy = nb.grad((x: nb.Tensor, y: nb.Tensor) => nb.grad(f, { argnums: 1 })(x, y) as unknown as nb.Tensor);
    expectClose(dxdy(1.5, 0.5), 2 * 1.5 * 3 * 0.5 ** 2, 1e-14);
  });
  test("nested transforms never confuse perturbations: d/dx [x · d/dy (x + y)] = 1", () => {
    const inner = (x: nb.Tensor) => nb.grad((y: nb.Tensor) => nb.add(x, y))(1) as unknown as nb.Tensor;
    expect(nb.grad((x: nb.Tensor) => nb.mul(x, inner(x)))(1)).toBe(1);
    // d/dx [x · d/dy (x · y)] = d/dx x² = 2x
    const inner2 = (x: nb.Tensor) => nb.grad((y: nb.Tensor) => nb.mul(x, y))(1) as unknown as nb.Tensor;
    expect(nb.grad((x: nb.Tensor) => nb.mul(x, inner2(x)))(3)).toBe(6);
  });
  test("forward over reverse equals reverse over reverse (Hessian-vector product)", () => {
    const f = (x: nb.Tensor) => nb.sum(nb.mul(nb.sin(x), nb.square(x)));
    const x = nb.tensor([0.3, -1.2, 2.0]);
    const v = nb.tensor([1, 0.5, -2]);
    const g = (x: nb.Tensor) => nb.grad(f)(x) as nb.Tensor;
    const [, fwdRev] = nb.jvp(g, [x], [v]);
    const revRev = nb.grad((x: nb.Tensor) => nb.sum(nb.mul(g(x), v)))(x);
    // f'' for each coordinate: d²/dx² (x² sin x) = 2 sin x + 4x cos x − x² sin x (diagonal Hessian).
    const xs = [0.3, -1.2, 2.0];
    const expected = xs.map((t, i) => (2 * Math.sin(t) + 4 * t * Math.cos(t) - t * t * Math.sin(t)) * [1, 0.5, -2][i]!);
    expectClose(fwdRev, expected, 1e-13, 1e-14);
    expectClose(revRev, expected, 1e-13, 1e-14);
  });
});

describe("gradients of composites", () => {
  test("logsumexp's gradient is softmax; prod's is exact at zeros", () => {
    const z = [1, 2, 3];
    const e = z.map(Math.exp);
    const s = e.reduce((a, b) => a + b);
    expectClose(nb.grad((x: nb.Tensor) => nb.logsumexp(x))(nb.tensor(z)), e.map((v) => v / s), 1e-15);
    expect(nb.grad((x: nb.Tensor[]) => nb.prod(x))([2, 0, 5])).toEqual([0, 10, 0]);
    expect(nb.grad((x: nb.Tensor[]) => nb.prod(x))([3, 4, 5, 6, 7])).toEqual([840, 630, 504, 420, 360]);
  });
  test("norm's gradient is x/‖x‖, and 0 at the origin", () => {
    expectClose(nb.grad((x: nb.Tensor) => nb.norm(x))(nb.tensor([3, 4])), [0.6, 0.8], 1e-15);
    expect(nb.grad((x: nb.Tensor) => nb.norm(x))(nb.tensor([0, 0])).toArray()).toEqual([0, 0]);
  });
  test("gelu' = Φ(x) + xφ(x)", () => {
    for (const x of [-1.5, 0.3, 2]) {
      const phi = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
      const Phi = 0.5 * (1 + nb.erf(x / Math.SQRT2).item());
      expectClose(nb.grad((t: nb.Tensor) => nb.gelu(t))(x), Phi + x * phi, 1e-14);
    }
  });
  test("matmul gradients: ∂/∂A sum(A B) = 1 Bᵀ, ∂/∂B = Aᵀ 1", () => {
    const A = [[1, 2, 3], [4, 5, 6]];
    const B = [[1, -1], [0, 2], [3, 1]];
    const [gA, gB] = nb.grad((a: nb.Tensor, b: nb.Tensor) => nb.sum(nb.matmul(a, b)), { argnums: [0, 1] })(nb.tensor(A), nb.tensor(B)) as nb.Tensor[];
    expect(gA!.toArray()).toEqual([[0, 2, 4], [0, 2, 4]]);
    expect(gB!.toArray()).toEqual([[5, 5], [7, 7], [9, 9]]);
  });
});

describe("reverse mode skips cotangents nothing asks for", () => {
  // A data batch is a constant: the backward pass of x·W must not compute ∂L/∂x (a product
  // as large as the forward one). Counted through a backend that records each matmul.
  test("grad with respect to W of sum(x·W) runs one backward matmul, not two", () => {
    const base = nb.backends.reference;
    const calls: string[] = [];
    nb.registerBackend({
      ...base,
      name: "counting",
      matmul: (a, b, outShape) => {
        calls.push(`${a.shape.join("x")}·${b.shape.join("x")}`);
        return base.matmul(a, b, outShape);
      },
    });
    const previous = nb.getBackend();
    nb.setBackend("counting");
    try {
      const x = nb.tensor([[1, 2, 3], [4, 5, 6]]);
      const gW = nb.grad((w: nb.Tensor) => nb.sum(nb.matmul(x, w)))(nb.ones([3, 2]));
      // ∂/∂W Σ (xW) = xᵀ·1: each row i of the gradient is the column sum of x.
      expect(gW.toArray()).toEqual([[5, 5], [7, 7], [9, 9]]);
      expect(calls).toEqual(["2x3·3x2", "3x2·2x2"]);
    } finally {
      nb.setBackend(previous);
    }
  });
});
