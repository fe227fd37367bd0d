/**
 * Optimizers against their papers: three steps on a small problem compared with the update
 * rule written out in plain scalar JS (independent of nabla's ops), and convergence to the
 * known minimum of a convex problem.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import { expectClose } from "../../test/helpers.js";

// f(θ) = Σ aᵢ(θᵢ − cᵢ)², so gᵢ = 2aᵢ(θᵢ − cᵢ), minimum at θ = c.
const a = [1, 10];
const c = [3, -2];
const theta0 = [0.5, 1.5];
const gradOf = (th: number[]): number[] => th.map((t, i) => 2 * a[i]! * (t - c[i]!));
const loss = (th: nb.Tensor) => nb.sum(nb.mul(a, nb.square(nb.sub(th, c))));

/** A per-element reference: the new θ and state from the old, with t counted from 1. */
type Rule<S> = { init: () => S; step: (th: number, g: number, s: S, t: number) => [number, S] };

function reference<S>(rule: Rule<S>, steps: number): number[][] {
  let th = theta0.slice();
  let states = th.map(() => rule.init());
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g = gradOf(th);
    const next = th.map((x, i) => rule.step(x, g[i]!, states[i]!, t));
    th = next.map(([x]) => x);
    states = next.map(([, s]) => s);
    out.push(th);
  }
  return out;
}

function nablaSteps(opt: nb.optim.Transform<nb.optim.OptimizerState>, steps: number): number[][] {
  let params = nb.tensor(theta0);
  let state = opt.init(params);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    ({ params, state } = opt.step(params, nb.grad(loss)(params), state));
    out.push(Array.from(params.values()));
  }
  return out;
}

const lr = 0.05;
const cases: [string, nb.optim.Transform<nb.optim.OptimizerState>, Rule<Record<string, number>>][] = [
  ["sgd", nb.optim.sgd({ lr }), { init: () => ({}), step: (th, g, s) => [th - lr * g, s] }],
  ["sgd momentum", nb.optim.sgd({ lr, momentum: 0.9 }), {
    init: () => ({ v: 0 }),
    step: (th, g, s) => { const v = 0.9 * s.v! + g; return [th - lr * v, { v }]; },
  }],
  ["sgd nesterov", nb.optim.sgd({ lr, momentum: 0.9, nesterov: true }), {
    init: () => ({ v: 0 }),
    step: (th, g, s) => { const v = 0.9 * s.v! + g; return [th - lr * (g + 0.9 * v), { v }]; },
  }],
  ["adagrad", nb.optim.adagrad({ lr: 0.5 }), {
    init: () => ({ G: 0 }),
    step: (th, g, s) => { const G = s.G! + g * g; return [th - (0.5 * g) / (Math.sqrt(G) + 1e-10), { G }]; },
  }],
  ["rmsprop", nb.optim.rmsprop({ lr: 0.1 }), {
    init: () => ({ v: 0 }),
    step: (th, g, s) => { const v = 0.99 * s.v! + 0.01 * g * g; return [th - (0.1 * g) / (Math.sqrt(v) + 1e-8), { v }]; },
  }],
  ["rmsprop centered", nb.optim.rmsprop({ lr: 0.1, centered: true, decay: 0.9 }), {
    init: () => ({ v: 0, m: 0 }),
    step: (th, g, s) => {
      const v = 0.9 * s.v! + 0.1 * g * g;
      const m = 0.9 * s.m! + 0.1 * g;
      return [th - (0.1 * g) / (Math.sqrt(v - m * m) + 1e-8), { v, m }];
    },
  }],
  ["adam", nb.optim.adam({ lr: 0.1 }), {
    init: () => ({ m: 0, v: 0 }),
    step: (th, g, s, t) => {
      const m = 0.9 * s.m! + 0.1 * g;
      const v = 0.999 * s.v! + 0.001 * g * g;
      return [th - (0.1 * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8), { m, v }];
    },
  }],
  ["adam amsgrad", nb.optim.adam({ lr: 0.1, amsgrad: true, b2: 0.5 }), {
    init: () => ({ m: 0, v: 0, vmax: 0 }),
    step: (th, g, s, t) => {
      const m = 0.9 * s.m! + 0.1 * g;
      const v = 0.5 * s.v! + 0.5 * g * g;
      const vmax = Math.max(s.vmax!, v);
      return [th - (0.1 * (m / (1 - 0.9 ** t))) / (Math.sqrt(vmax / (1 - 0.5 ** t)) + 1e-8), { m, v, vmax }];
    },
  }],
  ["adamw", nb.optim.adamw({ lr: 0.1, weightDecay: 0.3 }), {
    init: () => ({ m: 0, v: 0 }),
    step: (th, g, s, t) => {
      const m = 0.9 * s.m! + 0.1 * g;
      const v = 0.999 * s.v! + 0.001 * g * g;
      const adamStep = m / (1 - 0.9 ** t) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
      return [th - 0.1 * (adamStep + 0.3 * th), { m, v }];
    },
  }],
  ["nadam", nb.optim.nadam({ lr: 0.1 }), {
    init: () => ({ m: 0, v: 0 }),
    step: (th, g, s, t) => {
      const m = 0.9 * s.m! + 0.1 * g;
      const v = 0.999 * s.v! + 0.001 * g * g;
      const mHat = (0.9 * m) / (1 - 0.9 ** (t + 1)) + (0.1 * g) / (1 - 0.9 ** t);
      return [th - (0.1 * mHat) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8), { m, v }];
    },
  }],
  ["adamax", nb.optim.adamax({ lr: 0.1 }), {
    init: () => ({ m: 0, u: 0 }),
    step: (th, g, s, t) => {
      const m = 0.9 * s.m! + 0.1 * g;
      const u = Math.max(0.999 * s.u!, Math.abs(g));
      return [th - (0.1 / (1 - 0.9 ** t)) * (m / (u + 1e-8)), { m, u }];
    },
  }],
  ["adadelta", nb.optim.adadelta(), {
    init: () => ({ eg: 0, ed: 0 }),
    step: (th, g, s) => {
      const eg = 0.95 * s.eg! + 0.05 * g * g;
      const d = (Math.sqrt(s.ed! + 1e-6) / Math.sqrt(eg + 1e-6)) * g;
      return [th - d, { eg, ed: 0.95 * s.ed! + 0.05 * d * d }];
    },
  }],
  ["lion", nb.optim.lion({ lr: 0.1, weightDecay: 0.2 }), {
    init: () => ({ m: 0 }),
    step: (th, g, s) => [th - 0.1 * (Math.sign(0.9 * s.m! + 0.1 * g) + 0.2 * th), { m: 0.99 * s.m! + 0.01 * g }],
  }],
];

describe("first three steps match the paper's update rule", () => {
  test.each(cases)("%s", (_, opt, rule) => {
    const got = nablaSteps(opt, 3);
    const want = reference(rule, 3);
    got.forEach((th, i) => expectClose(th, want[i]!, 1e-13, 1e-14));
  });
});

describe("optimizers reach the minimum of a convex problem", () => {
  const runs: [string, nb.optim.Transform<nb.optim.OptimizerState>, number][] = [
    ["sgd", nb.optim.sgd({ lr: 0.04 }), 300],
    ["sgd nesterov", nb.optim.sgd({ lr: 0.02, momentum: 0.5, nesterov: true }), 300],
    ["adagrad", nb.optim.adagrad({ lr: 1 }), 1500],
    ["rmsprop", nb.optim.rmsprop({ lr: nb.optim.schedules.exponential(0.1, 0.99) }), 1000],
    ["adam", nb.optim.adam({ lr: nb.optim.schedules.cosine(0.5, 1000) }), 1000],
    ["nadam", nb.optim.nadam({ lr: nb.optim.schedules.cosine(0.5, 1000) }), 1000],
    ["adamax", nb.optim.adamax({ lr: nb.optim.schedules.cosine(0.5, 1000) }), 1000],
    ["adadelta", nb.optim.adadelta({ lr: nb.optim.schedules.cosine(50, 1500) }), 1500],
    ["lion", nb.optim.lion({ lr: nb.optim.schedules.cosine(0.05, 1000) }), 1000],
  ];
  test.each(runs)("%s", (_, opt, steps) => {
    const [last] = nablaSteps(opt, steps).slice(-1);
    expectClose(last!, c, 0, 1e-3);
  });
});

describe("penalties", () => {
  test("the L1 transform equals the gradient of the L1 loss term, subgradient 0 at 0", () => {
    const params = { w: nb.tensor([-2, 0, 0.5]) };
    const t = nb.optim.addElasticNet(0.3, 1);
    const [u] = t.update({ w: nb.zeros([3]) }, t.init(params), params);
    const g = nb.grad((p: typeof params) => nb.optim.l1Penalty(p, 0.3))(params);
    expectClose((u as typeof params).w, g.w);
    expectClose(g.w, [-0.3, 0, 0.3]);
  });
  test("proximal L1 (ISTA) finds the lasso solution with exact zeros", () => {
    // min ½‖θ − z‖² + λ‖θ‖₁ has the closed form θ = soft(z, λ).
    const z = nb.tensor([3, 0.2, -0.5, -2]);
    const lambda = 0.6;
    const opt = nb.optim.chain(nb.optim.sgd({ lr: 0.5 }), nb.optim.proximalL1(lambda, 0.5));
    let params = nb.zeros([4]);
    let state = opt.init(params);
    for (let i = 0; i < 60; i++) {
      ({ params, state } = opt.step(params, nb.grad((p: nb.Tensor) => nb.mul(0.5, nb.sum(nb.square(nb.sub(p, z)))))(params), state));
    }
    expect([params.values()[1], params.values()[2]]).toEqual([0, 0]);
    expectClose(params, [2.4, 0, 0, -1.4], 1e-12, 1e-12);
  });
  test("weight decay and clipping compose in a chain; state is a plain serialisable pytree", () => {
    const opt = nb.optim.chain(nb.optim.clipByGlobalNorm(1), nb.optim.adamw({ lr: 0.1 }));
    const state = opt.init({ w: nb.zeros([2]) });
    const { state: next } = opt.step({ w: nb.zeros([2]) }, { w: nb.tensor([30, 40]) }, state);
    const json = JSON.parse(JSON.stringify(nb.treeMap((leaf) => (typeof leaf === "number" ? leaf : leaf.toArray()), next)));
    expect(json[1][0].count).toBe(1);
    expectClose(json[1][0].mu.w, [0.1 * 0.6, 0.1 * 0.8]);
  });
});

describe("adam and adamw step in one fused loop per leaf", () => {
  // `step` must be `update` then `applyUpdates`, to the last bit: the fused loop performs the
  // same operations with the same roundings, in both dtypes, with a schedule, on a pytree
  // with a number leaf, and leaves a state that `update` continues from.
  const optimizers: [string, () => nb.optim.Transform<nb.optim.OptimizerState>][] = [
    ["adam", () => nb.optim.adam({ lr: (count) => 0.1 / (1 + count) })],
    ["adamw", () => nb.optim.adamw({ lr: 0.05, weightDecay: 0.3, eps: 1e-6 })],
  ];
  test.each(optimizers.flatMap(([name, make]) => (["float32", "float64"] as const).map((dtype) => [name, make, dtype] as const)))(
    "%s, %s", (_, make, dtype) => {
      const opt = make();
      let fused: nb.PyTree = { w: nb.tensor([[0.5, -1.5, 2], [3, -0.25, 1e-3]], { dtype }), b: 0.75 };
      let plain = fused;
      let fusedState = opt.init(fused);
      let plainState = fusedState;
      for (let t = 1; t <= 4; t++) {
        const grads = { w: nb.mul(nb.tensor([[1, -2, 0.5], [0, 3, -1]], { dtype }), t), b: -0.5 * t };
        ({ params: fused, state: fusedState } = opt.step(fused, grads, fusedState));
        const [updates, next] = opt.update(grads, plainState, plain);
        plain = nb.optim.applyUpdates(plain, updates);
        plainState = next;
      }
      const f = fused as { w: nb.Tensor; b: number };
      const p = plain as { w: nb.Tensor; b: number };
      expect(f.w.dtype).toBe(dtype);
      expect(Array.from(f.w.values())).toEqual(Array.from(p.w.values()));
      expect(f.b).toBe(p.b);
      const firstMoment = (state: nb.optim.OptimizerState): number[] => Array.from((state[0] as { mu: { w: nb.Tensor } }).mu.w.values());
      expect(firstMoment(fusedState)).toEqual(firstMoment(plainState));
    },
  );
});

describe("the optimizer registry", () => {
  test("gives each name the optimizer and default learning rate of its alias", () => {
    // One step from θ = 1 with gradient 2: with the entry's lr passed explicitly and left out,
    // the alias must agree, so the registry's stated default is the one actually used.
    const aliasDefaults: Record<string, () => nb.optim.Transform> = {
      adagrad: () => nb.optim.adagrad(), rmsprop: () => nb.optim.rmsprop(), adam: () => nb.optim.adam(), adamw: () => nb.optim.adamw(),
      nadam: () => nb.optim.nadam(), adamax: () => nb.optim.adamax(), adadelta: () => nb.optim.adadelta(), lion: () => nb.optim.lion(),
    };
    for (const [name, make] of Object.entries(aliasDefaults)) {
      const entry = nb.optim.optimizers[name as nb.optim.OptimizerName];
      const step = (opt: nb.optim.Transform): number => (opt.step([1], [2], opt.init([1])).params as number[])[0]!;
      expect(step(entry.make()), name).toBe(step(make()));
      expect(step(entry.make({ lr: entry.lr })), name).toBe(step(make()));
    }
    // Plain gradient descent, heavy ball and Nesterov by hand: θ − lr·g, with v = g on the first step.
    expect(nb.optim.optimizers.gd.make({ lr: 0.1 }).step([1], [2], nb.optim.optimizers.gd.make().init([1])).params).toEqual([0.8]);
    const nesterov = nb.optim.optimizers.nesterov.make({ lr: 0.1, momentum: 0.5 });
    expect((nesterov.step([1], [2], nesterov.init([1])).params as number[])[0]).toBeCloseTo(1 - 0.1 * (2 + 0.5 * 2), 15);
  });

  test("is what minimize's first-order methods run, and names unknown optimizers", () => {
    expect(nb.minimizeMethods).toEqual(expect.arrayContaining([...nb.optim.optimizerNames, "lbfgs", "nelder-mead"]));
    const r = nb.minimize((x) => nb.square(nb.sub(x, 3)), 0, { method: "adamw", lr: 0.1, maxIter: 3, quiet: true });
    expect(r.history.length).toBe(4);
    expect(() => nb.optim.optimizer("adamm")).toThrow('unknown optimizer "adamm"; use one of gd, momentum');
  });
});

describe("optimizers under nb.jit: the step count is traced", () => {
  const names = ["sgd", "adam", "adamw", "nadam", "adamax", "rmsprop", "adagrad", "adadelta", "lion"] as const;
  test.each(names)("%s: 8 jitted steps (traced once) equal 8 eager steps, and the count stays a number", (name) => {
    const opt = nb.optim[name]({ lr: 0.05 });
    const grad = nb.grad((p: { w: nb.Tensor; b: nb.Tensor }) => nb.sum(nb.square(nb.sub(nb.mul(p.w, p.b), 1))));
    let traces = 0;
    const jitted = nb.jit((p: { w: nb.Tensor; b: nb.Tensor }, s: nb.PyTree[]) => {
      traces++;
      return opt.step(p, grad(p), s);
    });
    let [pe, pj] = [{ w: nb.tensor([0.5, -1, 2]), b: nb.tensor([1.5, 0.2, -0.3]) }, { w: nb.tensor([0.5, -1, 2]), b: nb.tensor([1.5, 0.2, -0.3]) }];
    let [se, sj] = [opt.init(pe), opt.init(pj)];
    for (let t = 0; t < 8; t++) {
      ({ params: pe, state: se } = opt.step(pe, grad(pe), se));
      const r = jitted(pj, sj);
      pj = r.params;
      // A traced count comes back a rank-0 tensor; as a number again, the signature stays the same.
      sj = nb.treeMap((v) => (v instanceof nb.Tensor && v.ndim === 0 ? v.item() : v), r.state) as nb.PyTree[];
    }
    expect(traces).toBe(1);
    for (const k of ["w", "b"] as const) expect(nb.max(nb.abs(nb.sub(pe[k], pj[k]))).item()).toBeLessThan(1e-12);
  });

  test("a learning-rate schedule cannot be traced and says so", () => {
    const opt = nb.optim.adam({ lr: nb.optim.schedules.cosine(0.1, 10) });
    const step = nb.jit((w: nb.Tensor, s: nb.PyTree[]) => opt.step(w, nb.mul(w, 2), s));
    expect(() => step(nb.tensor([1]), opt.init(nb.tensor([1])))).toThrow(nb.TracedValueError);
    expect(() => step(nb.tensor([1]), opt.init(nb.tensor([1])))).toThrow(/learning-rate schedule .* cannot be traced/);
  });
});
