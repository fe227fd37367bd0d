/**
 * Genz's test families (A. Genz, "Testing multidimensional integration routines", 1984) on
 * [0, 1]^d with closed-form integrals: at epsrel 1e-6 the relative error must be ≤ 1e-5, and the
 * error estimate must cover the true error.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { erf } from "../../ops/index.js";

const erfNumber = (x: number) => erf(x).item();

interface Family {
  name: string;
  f: (a: number[], u: number[]) => (p: Tensor) => Tensor;
  exact: (a: number[], u: number[]) => number;
}

const row = (v: number[]) => nb.tensor([v]);

const FAMILIES: Family[] = [
  {
    name: "oscillatory",
    f: (a, u) => (p) => nb.cos(nb.add(2 * Math.PI * u[0]!, nb.sum(nb.mul(p, row(a)), 1))),
    // Re[e^{2πiu₁} Π (e^{iaₖ} − 1)/(iaₖ)]
    exact: (a, u) => {
      let [re, im] = [Math.cos(2 * Math.PI * u[0]!), Math.sin(2 * Math.PI * u[0]!)];
      for (const ak of a) {
        const [fr, fi] = [Math.sin(ak) / ak, (1 - Math.cos(ak)) / ak];
        [re, im] = [re * fr - im * fi, re * fi + im * fr];
      }
      return re;
    },
  },
  {
    name: "product peak",
    f: (a, u) => (p) => nb.prod(nb.div(1, nb.add(row(a.map((x) => x ** -2)), nb.square(nb.sub(p, row(u))))), 1),
    exact: (a, u) => a.reduce((s, ak, k) => s * ak * (Math.atan(ak * (1 - u[k]!)) + Math.atan(ak * u[k]!)), 1),
  },
  {
    name: "corner peak",
    f: (a) => (p) => nb.pow(nb.add(1, nb.sum(nb.mul(p, row(a)), 1)), -(a.length + 1)),
    exact: (a) => {
      const d = a.length;
      let total = 0;
      for (let mask = 0; mask < 2 ** d; mask++) {
        let dot = 0;
        let bits = 0;
        for (let k = 0; k < d; k++) if ((mask >> k) & 1) (dot += a[k]!), bits++;
        total += (bits % 2 ? -1 : 1) / (1 + dot);
      }
      const factorial = Array.from({ length: d }, (_, k) => k + 1).reduce((s, k) => s * k, 1);
      return total / (factorial * a.reduce((s, x) => s * x, 1));
    },
  },
  {
    name: "Gaussian",
    f: (a, u) => (p) => nb.exp(nb.neg(nb.sum(nb.mul(row(a.map((x) => x * x)), nb.square(nb.sub(p, row(u)))), 1))),
    exact: (a, u) => a.reduce((s, ak, k) => s * (Math.sqrt(Math.PI) / (2 * ak)) * (erfNumber(ak * (1 - u[k]!)) + erfNumber(ak * u[k]!)), 1),
  },
];

// Difficulty and shift per dimension: fixed, moderate instances (the test stays fast).
const INSTANCES: Record<number, { a: number[]; u: number[] }> = {
  2: { a: [1.2, 0.7], u: [0.3, 0.6] },
  3: { a: [0.9, 1.1, 0.6], u: [0.4, 0.2, 0.7] },
  5: { a: [0.5, 0.8, 0.4, 0.6, 0.7], u: [0.5, 0.3, 0.6, 0.4, 0.2] },
};

describe("cubature on Genz's families", () => {
  for (const d of [2, 3, 5]) {
    for (const family of FAMILIES) {
      test(`${family.name}, d = ${d}`, () => {
        const { u } = INSTANCES[d]!;
        // The corner peak in 5-D is made milder: at the shared difficulty it needs ~10⁶ points.
        const a = family.name === "corner peak" && d === 5 ? INSTANCES[d]!.a.map((x) => x / 3) : INSTANCES[d]!.a;
        const lower = new Array<number>(d).fill(0);
        const upper = new Array<number>(d).fill(1);
        const r = nb.integrate.cubature(family.f(a, u), lower, upper, { epsrel: 1e-6 });
        const exact = family.exact(a, u);
        const trueError = Math.abs(r.value.item() - exact);
        expect(r.success).toBe(true);
        expect(trueError / Math.abs(exact)).toBeLessThanOrEqual(1e-5);
        expect(r.error).toBeGreaterThanOrEqual(trueError);
      });
    }
  }
});

describe("cubature", () => {
  test("non-unit boxes, derivatives, limits and bad input", () => {
    // ∫∫ over [0, 2] × [−1, 1] of x·y² = 2 · 2/3
    const r = nb.integrate.cubature((p) => nb.mul(nb.slice(p, [0, 0], [p.shape[0]!, 1]).reshape([p.shape[0]!]), nb.square(nb.slice(p, [0, 1], [p.shape[0]!, 1]).reshape([p.shape[0]!]))), [0, -1], [2, 1]);
    expect(r.value.item()).toBeCloseTo(4 / 3, 12);
    // d/dθ ∫∫_{[0,1]²} e^{θ(x+y)} = 2·(e^θ − 1)/θ · (θe^θ − e^θ + 1)/θ² at θ = 1
    const g = nb.grad((t: Tensor) => nb.integrate.cubature((p) => nb.exp(nb.mul(t, nb.sum(p, 1))), [0, 0], [1, 1]).value)(nb.scalar(1)).item();
    expect(g).toBeCloseTo(2 * (Math.E - 1), 8);
    const capped = nb.integrate.cubature((p) => nb.sqrt(nb.sum(nb.abs(nb.sub(p, 0.31)), 1)), [0, 0, 0], [1, 1, 1], { epsrel: 1e-12, maxEval: 2000 });
    expect(capped.success).toBe(false);
    expect(capped.nfev).toBeLessThanOrEqual(2000);
    expect(() => nb.integrate.cubature((p) => nb.sum(p, 1), [0], [1])).toThrow("2 to 10 dimensions");
  });
});
