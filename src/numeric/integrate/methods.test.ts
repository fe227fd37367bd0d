import { describe, expect, test } from "vitest";
import * as nb from "../../index.js";
import type { Tensor } from "../../tensor/tensor.js";

const { trapezoid, simpson, cumulativeTrapezoid, tanhSinh, monteCarlo } = nb.integrate;

// References from scipy 1.10: x = [0, .3, .5, 1.1, 1.6, 2], y = exp(x).
const X = [0, 0.3, 0.5, 1.1, 1.6, 2.0];
const Y = X.map(Math.exp);

describe("sampled data", () => {
  test("trapezoid and cumulativeTrapezoid equal scipy's", () => {
    expect(trapezoid(Y, { x: X }).item()).toBeCloseTo(6.505920334108522, 14);
    const c = cumulativeTrapezoid(Y, { x: X }).values();
    [0.35247882113640044, 0.6523368289640136, 2.048203017357982, 4.037502629443369, 6.505920334108522].forEach((v, i) => expect(c[i]).toBeCloseTo(v, 14));
    expect(cumulativeTrapezoid([1, 2, 3]).toArray()).toEqual([1.5, 4]);
    expect(trapezoid([[1, 2, 3], [0, 0, 2]], { dx: 0.5 }).toArray()).toEqual([2, 0.5]);
  });
  test("simpson: scipy's value on an odd count; exact for quadratics on uneven gaps and an even count", () => {
    expect(simpson(Y.slice(0, 5), { x: X.slice(0, 5) }).item()).toBeCloseTo(3.949010598427819, 14);
    const q = (x: number) => 3 * x * x - x + 2;
    expect(simpson(X.map(q), { x: X }).item()).toBeCloseTo(8 - 2 + 4, 13);
    expect(simpson([0, 1, 8, 27, 64], { dx: 1 }).item()).toBeCloseTo(64, 13);
  });
  test("AUC of a ROC curve, and a gradient with respect to the samples", () => {
    const fpr = [0, 0.1, 0.3, 0.6, 1];
    const tpr = [0, 0.5, 0.8, 0.95, 1];
    const auc = 0.1 * 0.25 + 0.2 * 0.65 + 0.3 * 0.875 + 0.4 * 0.975;
    expect(trapezoid(tpr, { x: fpr }).item()).toBeCloseTo(auc, 15);
    const g = nb.grad((y: Tensor) => trapezoid(y, { x: fpr }))(nb.tensor(tpr)).values();
    [0.05, 0.15, 0.25, 0.35, 0.2].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 15));
  });
  test("bad input", () => {
    expect(() => trapezoid([1, 2], { x: [0, 1, 2] })).toThrow("x has 3 values but y has 2 samples");
    expect(() => trapezoid([1, 2], { x: [0, 1], dx: 1 })).toThrow("give x or dx, not both");
  });
});

describe("tanhSinh", () => {
  test.each([
    ["x^−½ on [0, 1]", (x: Tensor) => nb.div(1, nb.sqrt(x)), 0, 1, 2],
    ["log² x on [0, 1]", (x: Tensor) => nb.square(nb.log(x)), 0, 1, 2],
    ["e^{−x}/√x on [0, ∞)", (x: Tensor) => nb.div(nb.exp(nb.neg(x)), nb.sqrt(x)), 0, Infinity, Math.sqrt(Math.PI)],
    ["1/(1 + x²) on ℝ", (x: Tensor) => nb.div(1, nb.add(1, nb.square(x))), -Infinity, Infinity, Math.PI],
    ["eˣ on (−∞, 1]", (x: Tensor) => nb.exp(x), -Infinity, 1, Math.E],
  ])("%s", (_, f, a, b, exact) => {
    const r = tanhSinh(f, a, b);
    expect(r.success).toBe(true);
    expect(Math.abs(r.value.item() - exact)).toBeLessThanOrEqual(Math.max(r.error, 1e-15));
    expect(Math.abs(r.value.item() - exact)).toBeLessThan(1e-8 * Math.abs(exact));
  });
  test("derivatives in a parameter and in an endpoint", () => {
    // d/dp ∫₀¹ x^p dx = −1/(p + 1)²; d/db ∫₀ᵇ 1/√x = 1/√b
    const dp = nb.grad((p: Tensor) => tanhSinh((x) => nb.pow(x, p), 0, 1).value)(nb.scalar(0.5)).item();
    expect(dp).toBeCloseTo(-1 / 2.25, 8);
    const db = nb.grad((b: Tensor) => tanhSinh((x) => nb.div(1, nb.sqrt(x)), 0, b).value)(nb.scalar(4)).item();
    expect(db).toBeCloseTo(0.5, 8);
  });
  test("a singularity at the right end, written in x, cannot be resolved past 1 − ε: an honest failure", () => {
    // 2√π Γ(3/4)/Γ(1/4) (mpmath); the part within ~1e-16 of x = 1 is ~1e-8 and out of reach.
    const r = tanhSinh((x) => nb.div(nb.sqrt(x), nb.sqrt(nb.sub(1, nb.square(x)))), 0, 1);
    expect(r.success).toBe(false);
    expect(r.error).toBeGreaterThanOrEqual(Math.abs(r.value.item() - 1.1981402347355922));
  });
  test("an oscillatory integral on an infinite range fails honestly", () => {
    const r = tanhSinh((x) => nb.sin(x), 0, Infinity);
    expect(r.success).toBe(false);
  });
});

describe("monteCarlo", () => {
  const f = (p: Tensor) => nb.prod(nb.add(1, nb.mul(2, nb.sub(p, 0.5))), 1); // ∫ over [0,1]³ = 1
  test.each(["mc", "sobol", "halton"] as const)("%s: within 5 standard errors, seeded", (method) => {
    const r = monteCarlo(f, [0, 0, 0], [1, 1, 1], { n: 4096, seed: 3, method });
    expect(Math.abs(r.value.item() - 1)).toBeLessThan(5 * r.error);
    expect(r.nfev).toBe(4096);
    expect(monteCarlo(f, [0, 0, 0], [1, 1, 1], { n: 4096, seed: 3, method }).value.item()).toBe(r.value.item());
  });
  test("scrambled Sobol's error is far below plain Monte Carlo's on a smooth integrand", () => {
    const mc = monteCarlo(f, [0, 0, 0], [1, 1, 1], { n: 4096, seed: 1 });
    const qmc = monteCarlo(f, [0, 0, 0], [1, 1, 1], { n: 4096, seed: 1, method: "sobol" });
    expect(qmc.error).toBeLessThan(mc.error / 10);
  });
  test("the value is differentiable: d/dθ E_U[θ·x₁²] over [0, 2]² = 8/3·2", () => {
    const g = nb.grad((t: Tensor) => monteCarlo((p) => nb.mul(t, nb.square(nb.slice(p, [0, 0], [p.shape[0]!, 1]).reshape([p.shape[0]!]))), [0, 0], [2, 2], { n: 1024, method: "sobol", seed: 2 }).value)(nb.scalar(1)).item();
    expect(g).toBeCloseTo(16 / 3, 2);
  });
  test("bad input", () => {
    expect(() => monteCarlo(f, [0, 0], [1], {})).toThrow("same nonzero length");
    expect(() => monteCarlo(f, [0], [1], { method: "sobol", n: 8 })).toThrow("n must be an integer ≥ 16");
  });
});
