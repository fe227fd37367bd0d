/**
 * nb.jit against eager evaluation. The fused loops use the reference kernels' own formulas
 * (rounded to float32 where an eager kernel stores float32), so results must be identical:
 * every comparison here is exact (Object.is per element: NaN equals NaN, −0 differs from 0).
 */
import { describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { traceProgram } from "../src/autodiff/jit.js";
import { flatten } from "../src/autodiff/pytree.js";

type Expression = (xs: readonly nb.Tensor[]) => nb.Tensor;

/** A small deterministic generator, so every failing expression can be reproduced. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const UNARY = [
  nb.neg, nb.exp, nb.log, nb.log1p, nb.expm1, nb.sqrt, nb.reciprocal, nb.abs, nb.sign, nb.sin, nb.cos, nb.tan,
  nb.asin, nb.acos, nb.atan, nb.sinh, nb.cosh, nb.tanh, nb.erf, nb.sigmoid, nb.softplus, nb.relu, nb.square,
] as const;
const BINARY = [nb.add, nb.sub, nb.mul, nb.div, nb.pow, nb.maximum, nb.minimum, nb.atan2, nb.mulNoNan, nb.equal, nb.less, nb.greater] as const;

/** A random expression over the inputs: unary and binary ops, where, scalar constants. */
function randomExpression(random: () => number, inputs: number, depth: number): Expression {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  if (depth === 0 || random() < 0.15) {
    if (random() < 0.2) {
      const c = pick([0, -0, 1, 2.5, -3, 0.1]);
      return () => nb.scalar(c);
    }
    const i = Math.floor(random() * inputs);
    return (xs) => xs[i]!;
  }
  const kind = random();
  if (kind < 0.4) {
    const op = pick(UNARY);
    const a = randomExpression(random, inputs, depth - 1);
    return (xs) => op(a(xs));
  }
  if (kind < 0.85) {
    const op = pick(BINARY);
    const a = randomExpression(random, inputs, depth - 1);
    const b = random() < 0.3 ? (() => { const c = pick([2, -1.5, 0.5]); return () => c; })() : randomExpression(random, inputs, depth - 1);
    return (xs) => op(a(xs), b(xs) as nb.Tensor);
  }
  const c = randomExpression(random, inputs, depth - 1);
  const a = randomExpression(random, inputs, depth - 1);
  const b = randomExpression(random, inputs, depth - 1);
  return (xs) => nb.where(nb.greater(c(xs), 0), a(xs), b(xs));
}

function expectIdentical(actual: unknown, expected: unknown): void {
  const a = actual instanceof nb.Tensor ? { shape: actual.shape, dtype: actual.dtype, values: Array.from(actual.values()) } : actual;
  const e = expected instanceof nb.Tensor ? { shape: expected.shape, dtype: expected.dtype, values: Array.from(expected.values()) } : expected;
  expect(a).toEqual(e);
}

/** Compares every leaf of two results exactly. */
function expectSameTree(actual: unknown, expected: unknown): void {
  if (actual instanceof nb.Tensor || expected instanceof nb.Tensor || typeof expected === "number") return expectIdentical(actual, expected);
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => expectSameTree((actual as unknown[])[i], e));
    return;
  }
  const keys = Object.keys(expected as object);
  expect(Object.keys(actual as object)).toEqual(keys);
  for (const k of keys) expectSameTree((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
}

/** How many fused loops and other primitives one call of jit(f) runs on these arguments. */
function stepsOf(f: (...args: nb.Tensor[]) => unknown, ...args: nb.Tensor[]): { fused: number; primitives: number } {
  const flat = flatten(args, "test");
  return traceProgram(f as (...a: unknown[]) => unknown, args, new Set(), flat.def, args.map((a) => a.concrete())).program.stepCounts;
}

describe("jit gives exactly the eager results", () => {
  const shapes = [[3, 4], [4], [], [3, 1], [3, 4]];
  for (const dtypes of [["float64"], ["float32"], ["float32", "float64"]] as const) {
    test(`200 random elementwise expressions with broadcasting, ${dtypes.join(" and ")}`, () => {
      const random = lcg(dtypes.length * 7 + dtypes[0].length);
      for (let trial = 0; trial < 200; trial++) {
        const xs = shapes.map((shape, i) => nb.mul(nb.randn(shape, { seed: trial * 10 + i, dtype: dtypes[i % dtypes.length]! }), 2));
        const expression = randomExpression(random, xs.length, 5);
        const f = (...args: nb.Tensor[]) => {
          const y = expression(args);
          return [y, nb.sum(y), nb.mul(y, args[0]!)];
        };
        expectSameTree(nb.jit(f)(...xs), f(...xs));
      }
    });
  }

  test("every unary and binary op, as a chain and summed", () => {
    const x = nb.linspace(-3, 3, 101);
    const y = nb.linspace(0.5, 2, 101);
    for (const op of UNARY) {
      const f = (a: nb.Tensor) => [op(nb.mul(a, 0.9)), nb.sum(nb.add(op(a), 1))];
      expectSameTree(nb.jit(f)(x), f(x));
    }
    for (const op of BINARY) {
      const f = (a: nb.Tensor, b: nb.Tensor) => nb.add(op(nb.sin(a), b), op(b, a));
      expectSameTree(nb.jit(f)(x, y), f(x, y));
    }
  });

  test("casts, stopGradient, reshape inside a chain, and non-elementwise ops between chains", () => {
    const a = nb.randn([4, 3], { seed: 1 });
    const w = nb.randn([3, 5], { seed: 2 });
    const f = (x: nb.Tensor) => {
      const h = nb.tanh(nb.matmul(nb.exp(nb.mul(x, 0.5)), w));
      const r = nb.reshape(nb.add(h, 1), [5, 4]);
      const c = nb.cast(nb.sigmoid(r), "float32");
      return { c, s: nb.sum(nb.stopGradient(nb.square(r)), 0), t: nb.transpose(nb.relu(r)), m: nb.max(r) };
    };
    expectSameTree(nb.jit(f)(a), f(a));
  });

  test("non-contiguous and offset inputs (transposed, sliced)", () => {
    const base = nb.randn([5, 6], { seed: 3 });
    const f = (x: nb.Tensor, y: nb.Tensor) => nb.add(nb.mul(nb.cos(x), y), x);
    const args = [nb.transpose(base), nb.slice(nb.randn([8, 5], { seed: 4 }), [2, 0], [6, 5])] as const;
    expectSameTree(nb.jit(f)(...args), f(...args));
  });

  test("value and gradient of a summed chain run as one fused loop", () => {
    const x = nb.randn([1000], { seed: 5 });
    const f = (v: nb.Tensor) => nb.valueAndGrad((u: nb.Tensor) => nb.sum(nb.mul(nb.sin(u), u)))(v);
    const [value, g] = nb.jit(f)(x);
    const [eagerValue, eagerG] = f(x);
    expectIdentical(value, eagerValue);
    expectIdentical(g, eagerG);
    expect(stepsOf(f, x)).toEqual({ fused: 1, primitives: 0 });
  });

  test("broadcast operands and reshapes stay inside the loop; matmul splits chains", () => {
    const bias = (v: nb.Tensor, b: nb.Tensor) => nb.relu(nb.reshape(nb.add(nb.mul(v, 2), b), [12]));
    expect(stepsOf(bias, nb.randn([3, 4]), nb.randn([4]))).toEqual({ fused: 1, primitives: 0 });
    const layer = (v: nb.Tensor, w: nb.Tensor) => nb.tanh(nb.matmul(nb.exp(v), w));
    expect(stepsOf(layer, nb.randn([3, 4]), nb.randn([4, 2]))).toEqual({ fused: 2, primitives: 1 });
  });
});

describe("jit tracing and caching", () => {
  test("f is traced once per signature and replayed on new values", () => {
    let traces = 0;
    const f = nb.jit((x: nb.Tensor) => {
      traces++;
      return nb.mul(x, 2);
    });
    expect(f(nb.tensor([1, 2])).toArray()).toEqual([2, 4]);
    expect(f(nb.tensor([5, 6])).toArray()).toEqual([10, 12]);
    expect(traces).toBe(1);
    expect(f(nb.tensor([1, 2, 3])).toArray()).toEqual([2, 4, 6]);
    expect(traces).toBe(2);
    expect(f(nb.tensor([1, 2], { dtype: "float32" })).dtype).toBe("float32");
    expect(traces).toBe(3);
    expect(f(nb.tensor([7, 8])).toArray()).toEqual([14, 16]);
    expect(traces).toBe(3);
  });

  test("pytrees in and out, numbers as traced scalars", () => {
    let traces = 0;
    const f = nb.jit((p: { w: nb.Tensor; b: [nb.Tensor, nb.Tensor] }, s: nb.Tensor) => {
      traces++;
      return { sum: nb.add(p.w, p.b[0]), scaled: [nb.mul(p.b[1], s)], constant: 3 };
    });
    const out = f({ w: nb.tensor([1, 2]), b: [nb.tensor(10), nb.tensor([1, 1])] }, 2);
    expect(out.sum.toArray()).toEqual([11, 12]);
    expect(out.scaled[0]!.toArray()).toEqual([2, 2]);
    expect(out.constant).toBe(3);
    expect(f({ w: nb.tensor([0, 0]), b: [nb.tensor(1), nb.tensor([2, 3])] }, 5).scaled[0]!.toArray()).toEqual([10, 15]);
    expect(traces).toBe(1);
  });

  test("arguments with the same leaves in another structure get a program of their own", () => {
    let traces = 0;
    const f = nb.jit((p: Record<string, nb.Tensor> | nb.Tensor[]) => {
      traces++;
      return Array.isArray(p) ? nb.sub(p[0]!, p[1]!) : nb.sub(p["b"]!, p["a"]!);
    });
    const [one, two] = [nb.tensor([1]), nb.tensor([2])];
    expect(f({ a: one, b: two }).toArray()).toEqual([1]);
    expect(f({ b: one, a: two }).toArray()).toEqual([-1]);
    expect(f([one, two]).toArray()).toEqual([-1]);
    expect(f({ a: two, b: one }).toArray()).toEqual([-1]);
    expect(traces).toBe(3);
  });

  test("a call reuses the latest program only when count, structure, every leaf's kind, shape and dtype, and static values all match", () => {
    let traces = 0;
    const f = nb.jit((x: nb.Tensor | number, y: nb.Tensor, scale: number) => {
      traces++;
      return nb.mul(nb.add(x, y), scale);
    }, { staticArgnums: 2 });
    const run = (x: nb.Tensor | number, y: nb.Tensor, scale: number): unknown => f(x, y, scale).toArray();
    expect(run(nb.scalar(1), nb.tensor([1, 2]), 2)).toEqual([4, 6]);
    expect(run(1, nb.tensor([1, 2]), 2)).toEqual([4, 6]); // a number where a rank-0 tensor was
    expect(run(nb.scalar(1), nb.tensor([[1, 2]]), 2)).toEqual([[4, 6]]); // same size, another shape
    expect(run(nb.scalar(1, { dtype: "float32" }), nb.tensor([1, 2], { dtype: "float32" }), 2)).toEqual([4, 6]);
    expect(run(nb.scalar(1), nb.tensor([1, 2]), 3)).toEqual([6, 9]); // another static value
    expect(traces).toBe(5);
    // Back to each earlier signature: the cached programs, with the new values.
    expect(run(nb.scalar(2), nb.tensor([1, 2]), 2)).toEqual([6, 8]);
    expect(run(2, nb.tensor([1, 2]), 2)).toEqual([6, 8]);
    expect(run(nb.scalar(2), nb.tensor([1, 2]), 3)).toEqual([9, 12]);
    expect(run(nb.scalar(2), nb.tensor([[1, 2]]), 2)).toEqual([[6, 8]]);
    expect(traces).toBe(5);
    // Under grad the latest program's signature matches, but the arguments carry tracers: f runs inline.
    expect(nb.grad((s: nb.Tensor) => nb.sum(f(s, nb.tensor([[1, 2]]), 2)))(nb.scalar(2)).item()).toBe(4);
    expect(traces).toBe(6);
  });

  test("staticArgnums: values steer control flow, each distinct value traces once", () => {
    let traces = 0;
    const f = nb.jit((x: nb.Tensor, mode: string, power: number) => {
      traces++;
      const y = mode === "double" ? nb.mul(x, 2) : nb.neg(x);
      return power > 1 ? nb.pow(y, power) : y;
    }, { staticArgnums: [1, 2] });
    expect(f(nb.tensor([1, 2]), "double", 1).toArray()).toEqual([2, 4]);
    expect(f(nb.tensor([3, 4]), "double", 1).toArray()).toEqual([6, 8]);
    expect(traces).toBe(1);
    expect(f(nb.tensor([1, 2]), "negate", 2).toArray()).toEqual([1, 4]);
    expect(traces).toBe(2);
  });

  test("captured views that are not row-major (a transpose, a broadcast) read correctly in fused loops, call after call", () => {
    const transposed = nb.transpose(nb.reshape(nb.arange(12), [3, 4]));
    const broadcast = nb.broadcastTo(nb.reshape(nb.tensor([1, -2, 3]), [3, 1]), [3, 4]);
    const g = (x: nb.Tensor): nb.Tensor[] => [nb.mul(nb.add(x, transposed), 2), nb.sub(nb.transpose(x), broadcast)];
    const f = nb.jit(g);
    for (const seed of [1, 2]) {
      const x = nb.randn([4, 3], { seed });
      expectSameTree(f(x), g(x));
    }
  });

  test("captured tensors are constants of the program", () => {
    const w = nb.tensor([1, 2, 3]);
    const f = nb.jit((x: nb.Tensor) => nb.add(nb.mul(x, w), nb.sum(w)));
    expect(f(nb.tensor([1, 1, 1])).toArray()).toEqual([7, 8, 9]);
    expect(f(nb.tensor([0, 0, 2])).toArray()).toEqual([6, 6, 12]);
  });

  test("reading a traced value is an error that says what to do", () => {
    const f = nb.jit((x: nb.Tensor) => (x.item() > 0 ? x : nb.neg(x)));
    expect(() => f(nb.tensor(1))).toThrow(/jit: f read the value of a traced tensor.*nb\.where.*staticArgnums/);
    const g = nb.jit((x: nb.Tensor) => nb.tensor(x.toArray()));
    expect(() => g(nb.tensor([1, 2]))).toThrow(/jit: f read the value/);
    const h = nb.jit(nb.grad((x: nb.Tensor) => (nb.sum(x).item() > 0 ? nb.sum(x) : nb.sum(nb.neg(x)))));
    expect(() => h(nb.tensor([1, 2]))).toThrow(/jit: f read the value/);
    const withWhere = nb.jit((x: nb.Tensor) => nb.where(nb.greater(x, 0), x, nb.neg(x)));
    expect(withWhere(nb.tensor([-2, 3])).toArray()).toEqual([2, 3]);
  });

  test("a tracer of an enclosing transform captured by f is reported", () => {
    const outer = (x: nb.Tensor) => nb.jit((y: nb.Tensor) => nb.mul(x, y))(nb.tensor(2));
    expect(() => nb.grad(outer)(3)).toThrow(/jit: 'mul' received a value traced by an enclosing grad/);
  });

  test("debugNans names the op inside a jitted function", () => {
    nb.config({ debugNans: true });
    try {
      const f = nb.jit((x: nb.Tensor) => nb.add(nb.log(x), 1));
      expect(f(nb.tensor([1, 2])).toArray()).toEqual([1, 1 + Math.log(2)]);
      expect(() => f(nb.tensor([1, -1]))).toThrow(/debugNans: 'log' produced NaN/);
    } finally {
      nb.config({ debugNans: false });
    }
  });
});

describe("jit composes with the transforms", () => {
  const loss = (w: nb.Tensor, x: nb.Tensor, y: nb.Tensor) => nb.mean(nb.square(nb.sub(nb.matmul(x, w), y)));
  const x = nb.randn([20, 3], { seed: 7 });
  const y = nb.matmul(x, nb.tensor([[1], [-2], [0.5]]));
  const w0 = nb.zeros([3, 1]);

  test("jit(grad(f)) and jit(valueAndGrad(f)) equal the eager derivatives", () => {
    expectIdentical(nb.jit(nb.grad(loss))(w0, x, y), nb.grad(loss)(w0, x, y));
    expectSameTree(nb.jit(nb.valueAndGrad(loss))(w0, x, y), nb.valueAndGrad(loss)(w0, x, y));
    const f = (v: nb.Tensor) => nb.sum(nb.mul(nb.tanh(v), nb.softplus(v)));
    const v = nb.randn([50], { seed: 8 });
    expectIdentical(nb.jit(nb.grad(nb.grad((s: nb.Tensor) => f(nb.mul(v, s)))))(nb.tensor(0.7)), nb.grad(nb.grad((s: nb.Tensor) => f(nb.mul(v, s))))(nb.tensor(0.7)));
    expectSameTree(nb.jit((a: nb.Tensor) => nb.jvp(f, [a], [nb.onesLike(a)]))(v), nb.jvp(f, [v], [nb.onesLike(v)]));
  });

  test("grad(jit(f)) and jvp(jit(f)) run f inline", () => {
    let traces = 0;
    const f = nb.jit((v: nb.Tensor) => {
      traces++;
      return nb.sum(nb.mul(nb.sin(v), v));
    });
    const v = nb.tensor([0.5, 1, 2]);
    expectIdentical(nb.grad(f)(v), nb.grad((u: nb.Tensor) => nb.sum(nb.mul(nb.sin(u), u)))(v));
    expect(nb.grad(nb.grad((s: nb.Tensor) => f(nb.mul(v, s))))(1)).toBeCloseTo(nb.grad(nb.grad((s: nb.Tensor) => nb.sum(nb.mul(nb.sin(nb.mul(v, s)), nb.mul(v, s)))))(1), 14);
    const [, t] = nb.jvp(f, [v], [nb.onesLike(v)]);
    expect(t.item()).toBeCloseTo([0.5, 1, 2].reduce((s, a) => s + Math.sin(a) + a * Math.cos(a), 0), 14);
    expect(traces).toBe(3);
  });

  test("jit inside jit is traced into the outer program", () => {
    let inner = 0;
    const g = nb.jit((a: nb.Tensor) => {
      inner++;
      return nb.exp(a);
    });
    const f = nb.jit((a: nb.Tensor) => nb.add(g(a), g(nb.neg(a))));
    const a = nb.tensor([0, 1]);
    expectIdentical(f(a), nb.add(nb.exp(a), nb.exp(nb.neg(a))));
    f(nb.tensor([2, 3]));
    expect(inner).toBe(2);
  });

  test("a training step under jit: gradients inside, an optimizer outside and a plain SGD update inside", () => {
    const opt = nb.optim.adam({ lr: 0.1 });
    const gradStep = nb.jit(nb.valueAndGrad(loss));
    let w = w0, state = opt.init(w);
    let eagerW = w0, eagerState = opt.init(eagerW);
    for (let i = 0; i < 20; i++) {
      const [, g] = gradStep(w, x, y);
      ({ params: w, state } = opt.step(w, g, state));
      const [, eg] = nb.valueAndGrad(loss)(eagerW, x, y);
      ({ params: eagerW, state: eagerState } = opt.step(eagerW, eg, eagerState));
    }
    expectIdentical(w, eagerW);

    const sgd = nb.jit((p: nb.Tensor, a: nb.Tensor, b: nb.Tensor) => {
      const [value, g] = nb.valueAndGrad(loss)(p, a, b);
      return { p: nb.sub(p, nb.mul(g, 0.1)), value };
    });
    let p = w0;
    let first = Infinity, last = Infinity;
    for (let i = 0; i < 200; i++) {
      const r = sgd(p, x, y);
      p = r.p;
      last = (r.value as nb.Tensor).item();
      if (i === 0) first = last;
    }
    expect(last).toBeLessThan(first * 1e-6);
    expect(Array.from(p.values()).map((v) => Math.round(v * 1e3) / 1e3)).toEqual([1, -2, 0.5]);
  });
});
