/**
 * Walks the derivative-rule table: every primitive's JVP is checked against central
 * differences (the independent oracle in src/numeric), its VJP against its JVP by the
 * adjoint identity ⟨u, J v⟩ = ⟨Jᵀu, v⟩, and then the same checks are applied to the
 * derivative functions themselves (forward-derived and reverse-derived) up to the entry's
 * order — never finite differences of finite differences. Each Taylor rule is checked
 * against nested forward mode along a random line, to third order. Each batching rule (vmap)
 * is checked against a loop over the examples, for several choices of mapped axes, including
 * unmapped operands.
 */
import { describe, expect, test } from "vitest";
import * as nb from "../src/index.js";
import { type CheckCase, type Domain, type MatrixDomain, type Primitive, bind, primitives } from "../src/ops/core.js";
import { Random } from "../src/tensor/random.js";

type Fn = (...xs: nb.Tensor[]) => nb.Tensor;

/** A batch of well-conditioned square matrices [..., k, k] (see MatrixDomain in src/ops/core.ts). */
function sampleMatrices(domain: MatrixDomain, shape: number[], rng: Random): nb.Tensor {
  const k = shape[shape.length - 1]!;
  const count = shape.reduce((a, b) => a * b, 1) / (k * k);
  const out: number[] = [];
  for (let t = 0; t < count; t++) {
    const m = Array.from({ length: k * k }, () => 2 * rng.uniform() - 1);
    // Diagonals: a shuffled ladder 1.5 apart (distinct eigenvalues) or a dominant positive one.
    const ladder = Array.from({ length: k }, (_, i) => 1.5 * (i - k / 2) + 0.2 * rng.uniform());
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [ladder[i], ladder[j]] = [ladder[j]!, ladder[i]!];
    }
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const off = domain === "invertible" ? m[i * k + j]! : 0.25 * (m[i * k + j]! + m[j * k + i]!) / k;
        const diagonal = domain === "symmetric" ? ladder[i]! : (domain === "invertible" && rng.uniform() < 0.5 ? -1 : 1) * (k + 1 + rng.uniform());
        out.push(i === j ? diagonal : off);
      }
    }
  }
  return nb.tensor(out, { shape });
}

function sample(domain: Domain, shape: number[], rng: Random): nb.Tensor {
  if (domain === "invertible" || domain === "spd" || domain === "symmetric") return sampleMatrices(domain, shape, rng);
  const n = shape.reduce((a, b) => a * b, 1);
  if (domain === "distinct") {
    // A shuffled ladder with rungs 0.25 apart: no two values within a finite-difference step.
    const ladder = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.25 + 0.05 * rng.uniform());
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [ladder[i], ladder[j]] = [ladder[j]!, ladder[i]!];
    }
    return nb.tensor(ladder, { shape });
  }
  const draw = (): number => {
    const u = rng.uniform();
    switch (domain) {
      case "real": return 4 * u - 2;
      case "positive": return 0.5 + 1.5 * u;
      case "unit": return 1.8 * u - 0.9;
      case "awayFromZero": return (rng.uniform() < 0.5 ? -1 : 1) * (0.5 + 1.5 * u);
      case "boolean": return u < 0.5 ? 0 : 1;
    }
  };
  return nb.tensor(Array.from({ length: n }, draw), { shape });
}

const inner = (a: nb.Tensor, b: nb.Tensor): number => nb.sum(nb.mul(a, b)).item();

/** Tolerance for comparing an autodiff value with a Richardson central difference. */
function assertClose(ad: nb.Tensor, fd: nb.Tensor, what: string): void {
  const scale = Math.max(1, nb.max(nb.abs(fd)).item());
  const err = nb.max(nb.abs(nb.sub(ad, fd))).item();
  expect(err, `${what}: max |AD − FD| = ${err} (scale ${scale})`).toBeLessThanOrEqual(1e-6 * scale);
}

/**
 * Checks f's first derivatives at xs, then recurses into the two derivative functions
 * x ↦ ⟨u, J(x) v⟩ built by forward mode and by reverse mode.
 */
function checkDerivatives(f: Fn, xs: nb.Tensor[], order: number, rng: Random, label: string): void {
  const out = f(...xs);
  const v = xs.map((x) => sample("real", [...x.shape], rng));
  const u = sample("real", [...out.shape], rng);

  const [, jv] = nb.jvp(f, xs, v);
  assertClose(jv, nb.numeric.jvp(f, xs, v), `${label}: JVP vs central difference`);

  const [, pullback] = nb.vjp(f, ...xs);
  const jtu = pullback(u) as nb.Tensor[];
  jtu.forEach((g, i) => expect(g.shape, `${label}: VJP shape of input ${i}`).toEqual(xs[i]!.shape));
  const lhs = inner(u, jv);
  const rhs = jtu.reduce((s, g, i) => s + inner(g, v[i]!), 0);
  expect(Math.abs(lhs - rhs), `${label}: ⟨u, Jv⟩ = ${lhs} but ⟨Jᵀu, v⟩ = ${rhs}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(lhs)));

  if (order <= 1) return;
  const forwardDerived: Fn = (...ys) => nb.sum(nb.mul(nb.jvp(f, ys, v)[1], u));
  const reverseDerived: Fn = (...ys) => {
    const gs = nb.vjp(f, ...ys)[1](u) as nb.Tensor[];
    return gs.reduce<nb.Tensor>((s, g, i) => nb.add(s, nb.sum(nb.mul(g, v[i]!))), nb.scalar(0));
  };
  checkDerivatives(forwardDerived, xs, order - 1, rng, `${label} → d(jvp)`);
  checkDerivatives(reverseDerived, xs, order - 1, rng, `${label} → d(vjp)`);
}

/**
 * Checks the Taylor rule: along the line x + t·v, coefficient k of the jet must equal the
 * k-th derivative by nested forward mode (JVP rules) divided by k!.
 */
function checkTaylor(f: Fn, xs: nb.Tensor[], rng: Random, label: string): void {
  const order = 3;
  const v = xs.map((x) => sample("real", [...x.shape], rng));
  const [, coefficients] = nb.jet(f, xs, v.map((vi) => [vi, nb.zerosLike(vi), nb.zerosLike(vi)]));
  let derivative: Fn = f;
  let factorial = 1;
  for (let k = 1; k <= order; k++) {
    const previous = derivative;
    derivative = (...ys) => nb.jvp(previous, ys, v)[1];
    factorial *= k;
    const expected = nb.div(derivative(...xs), factorial);
    const scale = Math.max(1, nb.max(nb.abs(expected)).item());
    const err = nb.max(nb.abs(nb.sub(coefficients[k - 1]!, expected))).item();
    expect(err, `${label}: Taylor coefficient ${k} differs from nested JVPs by ${err}`).toBeLessThanOrEqual(1e-10 * scale);
  }
}

/**
 * Where each input is mapped in the batching check: at its first axis, its second (or first),
 * and its last, all inputs together and each alone (the others unmapped).
 */
function axisChoices(ranks: readonly number[]): (number | null)[][] {
  const positions = [() => 0, (r: number) => Math.min(1, r), (r: number) => r];
  const choices: (number | null)[][] = positions.map((at) => ranks.map((r) => at(r)));
  if (ranks.length > 1) {
    for (const at of positions) ranks.forEach((r, j) => choices.push(ranks.map((_, i) => (i === j ? at(r) : null))));
  }
  return choices;
}

/** Example k of x along `axis`, taken with plain ops (no vmap). */
function example(x: nb.Tensor, axis: number, k: number): nb.Tensor {
  const begin = x.shape.map((_, i) => (i === axis ? k : 0));
  const size = x.shape.map((d, i) => (i === axis ? 1 : d));
  return nb.squeeze(nb.slice(x, begin, size), axis);
}

/** vmap of the primitive must equal the primitive applied to each example, stacked. */
function checkBatching(prim: Primitive<unknown>, c: CheckCase<unknown>, rng: Random): void {
  const size = 3;
  const domains = c.domains ?? c.shapes.map(() => prim.check.domain);
  for (const axes of axisChoices(c.shapes.map((s) => s.length))) {
    // Each example is drawn from the domain on its own (a batch of SPD matrices is SPD matrices
    // stacked along the mapped axis, wherever that axis is), then stacked.
    const inputs = c.shapes.map((s, i) => {
      const a = axes[i];
      return a === null || a === undefined ? sample(domains[i]!, s, rng) : nb.stack(Array.from({ length: size }, () => sample(domains[i]!, s, rng)), a);
    });
    const batched = nb.vmap((...xs: nb.Tensor[]) => bind(prim, xs, c.params), { inAxes: axes })(...inputs);
    const looped = nb.stack(Array.from({ length: size }, (_, k) => bind(prim, inputs.map((x, i) => (axes[i] === null ? x : example(x, axes[i]!, k))), c.params)));
    const label = `${prim.name} ${caseLabel(c)} with inAxes [${axes.join(", ")}]`;
    expect(batched.shape, `${label}: shape`).toEqual(looped.shape);
    const err = looped.size === 0 ? 0 : nb.max(nb.abs(nb.sub(batched, looped))).item();
    expect(err, `${label}: max |vmap − loop| = ${err}`).toBeLessThanOrEqual(1e-12 * Math.max(1, looped.size === 0 ? 0 : nb.max(nb.abs(looped)).item()));
  }
}

function caseLabel(c: CheckCase<unknown>): string {
  return c.shapes.map((s) => `[${s.join(",")}]`).join(" × ");
}

describe("derivative-rule table", () => {
  test("every primitive carries check metadata", () => {
    const missing = primitives.filter((p) => !p.check || p.check.cases.length === 0 || ![1, 2, 3].includes(p.check.order));
    expect(missing.map((p) => p.name)).toEqual([]);
    const withoutRules = primitives.filter((p) => !p.nondifferentiable && (!p.jvp || !p.vjp || (!p.taylor && !p.check.noTaylor)));
    expect(withoutRules.map((p) => p.name), "differentiable primitives need JVP, VJP and Taylor rules").toEqual([]);
    const withoutBatching = primitives.filter((p) => !p.batch);
    expect(withoutBatching.map((p) => p.name), "every primitive needs a batching rule (vmap)").toEqual([]);
    expect(primitives.length).toBeGreaterThan(40);
  });

  for (const prim of primitives as unknown as Primitive<unknown>[]) {
    describe(prim.name, () => {
      prim.check.cases.forEach((c, k) => {
        test(`${caseLabel(c)} (case ${k})`, () => {
          const rng = new Random(1000 + k);
          const domains = c.domains ?? c.shapes.map(() => prim.check.domain);
          const inputs = c.shapes.map((s, i) => sample(domains[i]!, s, rng));
          // Conditions (boolean inputs) are held fixed: only the others are differentiated.
          const free = domains.flatMap((d, i) => (d === "boolean" ? [] : [i]));
          const f: Fn = (...ys) => {
            const all = inputs.slice();
            free.forEach((i, j) => (all[i] = ys[j]!));
            return bind(prim, all, c.params);
          };
          const xs = free.map((i) => inputs[i]!);
          if (prim.nondifferentiable) {
            const [, pullback] = nb.vjp(f, ...xs);
            const out = f(...xs);
            for (const g of pullback(nb.ones([...out.shape])) as nb.Tensor[]) expect(nb.max(nb.abs(g)).item()).toBe(0);
            const [, t] = nb.jvp(f, xs, xs.map((x) => nb.onesLike(x)));
            expect(nb.max(nb.abs(t)).item()).toBe(0);
            return;
          }
          checkDerivatives(f, xs, prim.check.order, rng, prim.name);
          if (prim.check.noTaylor) {
            // Taylor mode must refuse with an error that names the primitive.
            expect(() => nb.jet(f, xs, xs.map((x) => [nb.onesLike(x)]))).toThrow(prim.name);
          } else checkTaylor(f, xs, rng, prim.name);
        });
        test(`${caseLabel(c)} (case ${k}): batching rule against a loop`, () => {
          checkBatching(prim, c, new Random(2000 + k));
        });
      });
    });
  }
});
