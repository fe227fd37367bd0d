/**
 * The landscape tools against PyTorch float64 on a 67-parameter MLP loss (reference/
 * mlp_hessian.py made reference/mlp_hessian.json: every eigenvalue of the dense Hessian, its
 * trace, ‖H‖²_F and per-layer block traces), at a random point and at a trained minimum.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../index.js";
import reference from "./reference/mlp_hessian.json" with { type: "json" };

type Params = { w1: nb.Tensor; b1: nb.Tensor; w2: nb.Tensor; b2: nb.Tensor };
type Point = (typeof reference)["random"];

const X = nb.tensor(reference.X);
const onehot = nb.tensor(reference.y.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));
const DECAY = 1e-2;

function loss(p: Params): nb.Tensor {
  const h = nb.tanh(nb.add(nb.matmul(X, p.w1), p.b1));
  const z = nb.add(nb.matmul(h, p.w2), p.b2);
  const ce = nb.mean(nb.sub(nb.logsumexp(z, 1), nb.sum(nb.mul(z, onehot), 1)));
  const decay = [p.w1, p.b1, p.w2, p.b2].reduce((s: nb.Tensor, t) => nb.add(s, nb.sum(nb.square(t))), nb.scalar(0));
  return nb.add(ce, nb.mul(DECAY, decay));
}

function paramsOf(point: Point): Params {
  const { w1, b1, w2, b2 } = point.params;
  return { w1: nb.tensor(w1), b1: nb.tensor(b1), w2: nb.tensor(w2), b2: nb.tensor(b2) };
}

describe.each(["random", "trained"] as const)("a 67-parameter MLP's Hessian at the %s point", (which) => {
  const point = reference[which];
  const params = paramsOf(point);
  const n = point.eigenvalues.length;
  const exact = point.eigenvalues;
  const lambdaMax = Math.max(...exact.map(Math.abs));

  test("the loss matches PyTorch's", () => {
    expect(loss(params).item()).toBeCloseTo(point.loss, 12);
  });

  test("hessianEigs: the 3 largest and 3 smallest to 1e-6·|λ|max in under 10·n products", () => {
    const r = nb.landscape.hessianEigs(loss, params, { k: 3, which: "both" });
    const expected = [...exact.slice(-3).reverse(), ...exact.slice(0, 3).reverse()]; // "both" is descending
    r.eigenvalues.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-6 * lambdaMax));
    expect(r.nhvp).toBeLessThan(10 * n);
    expect(r.converged).toBe(true);
    // Eigenvectors come back in the parameters' structure, unit length, and satisfy Hv = λv.
    const v = r.eigenvectors[0]!;
    expect(v.w1.shape).toEqual([4, 8]);
    const Hv = nb.hvp(loss, params, v);
    for (const key of ["w1", "b1", "w2", "b2"] as const) {
      expect(Math.abs(nb.sub(Hv[key], nb.mul(r.eigenvalues[0]!, v[key])).abs().max().item())).toBeLessThan(1e-6 * lambdaMax);
    }
  });

  test("hessianTrace: Hutchinson and Hutch++ within 5 standard errors, with per-layer traces", () => {
    const h = nb.landscape.hessianTrace(loss, params, { samples: 60, seed: 1 });
    expect(Math.abs(h.trace - point.trace)).toBeLessThan(5 * h.stderr);
    expect(h.nhvp).toBe(60);
    for (const [name, block] of Object.entries(point.blockTraces)) {
      const g = h.groups![name]!;
      expect(Math.abs(g.trace - block)).toBeLessThan(5 * g.stderr + 1e-12);
    }
    const pp = nb.landscape.hessianTrace(loss, params, { samples: 60, method: "hutch++", seed: 2 });
    expect(Math.abs(pp.trace - point.trace)).toBeLessThan(5 * pp.stderr + 1e-9);
    expect(pp.stderr).toBeLessThan(h.stderr);
  });

  test("spectralDensity: the quadrature's moments estimate tr(H)/n and ‖H‖²_F/n", () => {
    const d = nb.landscape.spectralDensity(loss, params, { steps: 20, probes: 6, seed: 3 });
    const moment = (k: number) => d.nodes.reduce((s, t, i) => s + d.weights[i]! * t ** k, 0);
    expect(d.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Six random probes: each moment is an average of six Hutchinson-like samples; allow 35%.
    expect(Math.abs(moment(1) - point.trace / n)).toBeLessThan(0.35 * Math.abs(point.frobenius2 / n) ** 0.5);
    expect(moment(2) / (point.frobenius2 / n)).toBeGreaterThan(0.65);
    expect(moment(2) / (point.frobenius2 / n)).toBeLessThan(1.35);
    const dt = d.grid[1]! - d.grid[0]!;
    expect(d.density.reduce((a, b) => a + b, 0) * dt).toBeCloseTo(1, 2);
  });

  test("classify: the whole spectrum, the Morse index and the kind", () => {
    const c = nb.landscape.classify(loss, params);
    expect(c.exact).toBe(true);
    c.eigenvalues.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThan(1e-8 * lambdaMax));
    if (which === "trained") expect(c.kind).toBe("minimum");
    else {
      expect(c.kind).toBe("not-critical");
      expect(c.morseIndex).toBe(exact.filter((v) => v < -1e-6 * lambdaMax).length);
    }
    expect(c.gradNorm).toBeCloseTo(point.gradNorm, 6);
  });
});
