/** SAM and the saddle-escaping noise transforms on small problems with known answers. */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";

// x² − y² + y⁴/4: a strict saddle at 0, minima f = −1 at (0, ±√2).
const f = (p: nb.Tensor) => {
  const [x, y] = [p.slice([0], [1]), p.slice([1], [1])];
  return nb.sum(nb.add(nb.sub(nb.square(x), nb.square(y)), nb.div(nb.pow(y, 4), 4)));
};
const gradient = nb.grad(f);

function descend(opt: nb.optim.Transform, steps: number): nb.Tensor {
  let params: nb.Tensor = nb.tensor([0.001, 0]);
  let state = opt.init(params);
  for (let i = 0; i < steps; i++) ({ params, state } = opt.step(params, gradient(params), state));
  return params;
}

describe("escaping a strict saddle", () => {
  test("plain gradient descent stays on the saddle's stable manifold", () => {
    expect(f(descend(nb.optim.sgd({ lr: 0.1 }), 300)).item()).toBeCloseTo(0, 8);
  });
  test("perturbAtSaddles kicks it off, and it reaches a minimum f = −1", () => {
    const opt = nb.optim.chain(nb.optim.perturbAtSaddles({ radius: 1e-2, threshold: 1e-3, seed: 4 }), nb.optim.scaleByLearningRate(0.1));
    const end = descend(opt, 300);
    // Kicks of radius 1e-2 recur wherever ‖g‖ ≤ 1e-3, at the minimum too: f to ~1e-5, y to ~1e-3.
    expect(f(end).item()).toBeCloseTo(-1, 4);
    expect(Math.abs((end.toArray() as number[])[1]!)).toBeCloseTo(Math.SQRT2, 2);
  });
  test("annealed Gaussian noise does too", () => {
    const opt = nb.optim.chain(nb.optim.addNoise({ eta: 1e-4, seed: 5 }), nb.optim.scaleByLearningRate(0.1));
    expect(f(descend(opt, 400)).item()).toBeLessThan(-0.99);
  });
});

describe("sam", () => {
  test("on a quadratic L = ½aθ², a SAM step is the SGD step from θ with the gradient at θ + ρ·sign(θ)", () => {
    const a = 4;
    const opt = nb.optim.sam(nb.optim.sgd({ lr: 0.05 }), { rho: 0.1 });
    let params = { w: 1 };
    let state = opt.init(params);
    ({ params, state } = opt.step(params, { w: a * params.w }, state));
    expect(params.w).toBeCloseTo(1.1, 12);
    ({ params, state } = opt.step(params, { w: a * params.w }, state));
    expect(params.w).toBeCloseTo(1 - 0.05 * a * 1.1, 12);
  });
  test("passes the original parameters to a wrapped optimizer that needs them (decoupled weight decay)", () => {
    const opt = nb.optim.sam(nb.optim.adamw({ lr: 0.1, weightDecay: 0.5 }), { rho: 0.1 });
    const plain = nb.optim.adamw({ lr: 0.1, weightDecay: 0.5 });
    let params = [1];
    let state = opt.init(params);
    ({ params, state } = opt.step(params, [2], state));
    ({ params, state } = opt.step(params, [3], state));
    // The same as AdamW's step from θ = 1 with the gradient 3 seen at the perturbed point.
    expect(params[0]).toBeCloseTo(plain.step([1], [3], plain.init([1])).params[0]!, 12);
  });
});
