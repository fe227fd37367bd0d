/**
 * The decomposition primitives: eigh, eigvalsh, svd, svdvals and qr.
 *
 * A primitive has one Tensor output, so a decomposition with several factors is one primitive
 * whose output packs them (eigh: [λ; V] as n+1 rows; svd: [U; s; V] as m+1+n rows; qr: [Q; R]),
 * and the public functions slice it. Packing keeps one kernel call, one rule and one shared
 * set of 1/(λⱼ − λᵢ) terms per decomposition; the value-only functions (eigvalsh, svdvals)
 * are primitives of their own, because their rules need no such terms and stay smooth across
 * repeated values.
 *
 * Degenerate spectra: an eigenvector (singular-vector) rule divides by gaps λⱼ − λᵢ
 * (σⱼ² − σᵢ²). Pairs whose gap is at most DEGENERATE_GAP relative to the largest |λ| get the
 * term 0 instead of ±∞: the derivative of the invariant subspace, which is exact for functions
 * that do not depend on the basis chosen inside a repeated eigenspace (projectors, traces of
 * matrix functions) and arbitrary for those that do. When the vectors' cotangent is exactly zero
 * (only the values were used), the terms are skipped altogether.
 */
import { type Primitive, type Series, bind, definePrimitive } from "../core.js";
import { coef } from "../series.js";
import { backend } from "../../backend/registry.js";
import { NablaError } from "../../tensor/errors.js";
import { ArrayTensor, type Tensor } from "../../tensor/tensor.js";
import { abs, add, div, greater, mul, stopGradient, sub, where } from "../primitives/elementwise.js";
import { max, sum } from "../primitives/reduce.js";
import { concat, reshape } from "../primitives/shape.js";
import {
  constantMatrix, cols, diagEmbed, diagPart, leadingAxisBatch, mT, mm, requireFinite, rowBlock, rows, scaleColumns, strictLower, sym,
} from "./helpers.js";
import { trsm } from "./factor.js";

/** Relative eigenvalue gap below which a pair counts as degenerate (see the module comment). */
export const DEGENERATE_GAP = 1e-12;

const TAYLOR_REASON = "its Taylor rule is not implemented; nest nb.jvp for higher derivatives";

/**
 * F[i, j] = 1/(wⱼ − wᵢ) off the diagonal, 0 on it and for (near-)degenerate pairs; w [..., n].
 * Differentiable in w; the mask is built with ops (no value is read), so jit traces it.
 */
function inverseGaps(w: Tensor): Tensor {
  const n = cols(w);
  const diff = sub(reshape(w, [...w.shape.slice(0, -1), 1, n]), reshape(w, [...w.shape, 1]));
  const scale = reshape(max(abs(w), -1), [...w.shape.slice(0, -1), 1, 1]);
  const offDiagonal = constantMatrix(n, n, (i, j) => (i === j ? 0 : 1));
  const m = stopGradient(mul(greater(abs(diff), mul(scale, DEGENERATE_GAP)), offDiagonal));
  return where(m, div(1, where(m, diff, 1)), 0);
}

/** True when g is a concrete tensor of zeros: the cotangent of an unused output. */
function isZero(g: Tensor): boolean {
  if (g.level !== 0) return false;
  const d = g.values();
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/** Flips each column of v so that its largest-magnitude entry is positive (a deterministic sign). */
function normalizeSigns(v: Float64Array, n: number, k: number, flips?: Float64Array): void {
  for (let t = 0; t < v.length / (n * k); t++) {
    for (let j = 0; j < k; j++) {
      let best = 0;
      for (let i = 0; i < n; i++) if (Math.abs(v[t * n * k + i * k + j]!) > Math.abs(best)) best = v[t * n * k + i * k + j]!;
      const s = best < 0 ? -1 : 1;
      if (flips) flips[t * k + j] = s;
      if (s < 0) for (let i = 0; i < n; i++) v[t * n * k + i * k + j] = -v[t * n * k + i * k + j]!;
    }
  }
}

// ---- eigh ----------------------------------------------------------------------------------

/** λ [..., n] and V [..., n, n] from eigh's packed output. */
export function unpackEigh(packed: Tensor): { values: Tensor; vectors: Tensor } {
  const n = cols(packed);
  return { values: reshape(rowBlock(packed, 0, 1), [...packed.shape.slice(0, -2), n]), vectors: rowBlock(packed, 1, n) };
}

/**
 * The series of eigh's packed output along A(t) = Σ Aₖtᵏ, from A(t)V(t) = V(t)Λ(t) and
 * V(t)ᵀV(t) = I order by order: with Vₖ = V₀Cₖ and
 * Rₖ = V₀ᵀ(Σⱼ₌₁..ₖ sym(Aⱼ)Vₖ₋ⱼ − Σⱼ₌₁..ₖ₋₁ VⱼΛₖ₋ⱼ), λₖ = diag(Rₖ), Cₖ = F∘Rₖ off the diagonal and
 * −½ diag(Σⱼ₌₁..ₖ₋₁ VⱼᵀVₖ₋ⱼ) on it (distinct eigenvalues; degenerate pairs as in the JVP).
 */
function eighSeries(a: Series, y0: Tensor, order: number): Series {
  const { values: l0, vectors: v0 } = unpackEigh(y0);
  const f = inverseGaps(l0);
  const ls: Tensor[] = [l0], vs: Tensor[] = [v0];
  const out: Tensor[] = [y0];
  for (let k = 1; k <= order; k++) {
    let r: Tensor | null = null;
    const acc = (t: Tensor): void => void (r = r === null ? t : add(r, t));
    for (let j = 1; j <= k; j++) {
      const aj = coef(a, j);
      if (aj !== null) acc(mm(sym(aj), vs[k - j]!));
    }
    for (let j = 1; j < k; j++) acc(mul(scaleColumns(vs[j]!, ls[k - j]!), -1));
    const rk = r === null ? mul(v0, 0) : mm(mT(v0), r);
    let gram: Tensor | null = null;
    for (let j = 1; j < k; j++) gram = gram === null ? mm(mT(vs[j]!), vs[k - j]!) : add(gram, mm(mT(vs[j]!), vs[k - j]!));
    let c = mul(f, rk);
    if (gram !== null) c = add(c, diagEmbed(mul(diagPart(gram), -0.5)));
    ls.push(diagPart(rk));
    vs.push(mm(v0, c));
    out.push(concat([reshape(ls[k]!, [...l0.shape.slice(0, -1), 1, cols(l0)]), vs[k]!], -2));
  }
  return out;
}

/**
 * Eigen-decomposition of the symmetric part (A + Aᵀ)/2: output [..., n+1, n], row 0 the
 * ascending eigenvalues, rows 1..n the eigenvectors as columns (each with its largest-magnitude
 * entry positive).
 */
export const eighP: Primitive<undefined> = definePrimitive<undefined>({
  name: "eigh",
  impl: ([a]) => {
    requireFinite("eigh", a!);
    const { values, vectors } = backend().eigh(a!);
    const n = a!.shape[a!.ndim - 1]!;
    const v = vectors.contiguousData(true) as Float64Array;
    normalizeSigns(v, n, n);
    const lead = a!.shape.slice(0, -2);
    return concatRows(new ArrayTensor(values.contiguousData(false), [...lead, 1, n]), new ArrayTensor(v, a!.shape));
  },
  // With M = Vᵀ sym(dA) V: dλ = diag(M), dV = V (F ∘ M).
  jvp: ([], [ta], out) => {
    if (!ta) return null;
    const { values, vectors } = unpackEigh(out);
    const m = mm(mT(vectors), mm(sym(ta), vectors));
    const dl = reshape(diagPart(m), [...values.shape.slice(0, -1), 1, cols(values)]);
    return concat([dl, mm(vectors, mul(inverseGaps(values), m))], -2);
  },
  // Ā = sym(V (diag(λ̄) + F ∘ VᵀV̄) Vᵀ).
  vjp: (g, [], out) => {
    const { values, vectors } = unpackEigh(out);
    const { values: gl, vectors: gv } = unpackEigh(g);
    let inner = diagEmbed(gl);
    if (!isZero(gv)) inner = add(inner, mul(inverseGaps(values), mm(mT(vectors), gv)));
    return [sym(mm(vectors, mm(inner, mT(vectors))))];
  },
  taylor: ([a], y0, order) => eighSeries(a!, y0, order),
  batch: leadingAxisBatch([2], ([a]) => bind(eighP, [a!], undefined)),
  check: { domain: "symmetric", order: 2, cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 2, 2]], params: undefined }] },
});

/** Packs a [..., p, n] over b [..., q, n] (concrete). */
function concatRows(a: ArrayTensor, b: ArrayTensor): ArrayTensor {
  return backend().concat([a, b], a.ndim - 2);
}

/** Ascending eigenvalues of the symmetric part; smooth where they are distinct, with a gradient everywhere. */
export const eigvalshP: Primitive<undefined> = definePrimitive<undefined>({
  name: "eigvalsh",
  impl: ([a]) => {
    requireFinite("eigvalsh", a!);
    return backend().eigvalsh(a!);
  },
  // dλᵢ = vᵢᵀ sym(dA) vᵢ.
  jvp: ([a], [ta]) => {
    if (!ta) return null;
    const v = unpackEigh(bind(eighP, [a!], undefined)).vectors;
    return sum(mul(v, mm(sym(ta), v)), -2);
  },
  // Ā = V diag(λ̄) Vᵀ.
  vjp: (g, [a]) => {
    const v = unpackEigh(bind(eighP, [a!], undefined)).vectors;
    return [mm(scaleColumns(v, g), mT(v))];
  },
  taylor: ([a], _, order) => eighSeries(a!, bind(eighP, [coef(a!, 0)!], undefined), order).map((y) => (y === null ? null : unpackEigh(y).values)),
  batch: leadingAxisBatch([2], ([a]) => bind(eigvalshP, [a!], undefined)),
  check: { domain: "symmetric", order: 2, cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 2, 2]], params: undefined }] },
});

// ---- svd -----------------------------------------------------------------------------------

/** U [..., m, k], s [..., k], V [..., n, k] from svd's packed output ([U; s; V], m+1+n rows). */
export function unpackSvd(packed: Tensor, m: number): { u: Tensor; s: Tensor; v: Tensor } {
  const k = cols(packed);
  const n = rows(packed) - m - 1;
  return {
    u: rowBlock(packed, 0, m),
    s: reshape(rowBlock(packed, m, 1), [...packed.shape.slice(0, -2), k]),
    v: rowBlock(packed, m + 1, n),
  };
}

/**
 * Reduced SVD A = U diag(s) Vᵀ, packed as [U; s; V] ([..., m+1+n, k], k = min(m, n)), s
 * descending, each column of V with its largest-magnitude entry positive (U's follows).
 */
export const svdP: Primitive<{ m: number }> = definePrimitive<{ m: number }>({
  name: "svd",
  impl: ([a]) => {
    requireFinite("svd", a!);
    const { u, s, vt } = backend().svd(a!);
    const [m, n] = [a!.shape[a!.ndim - 2]!, a!.shape[a!.ndim - 1]!];
    const k = Math.min(m, n);
    const lead = a!.shape.slice(0, -2);
    const v = backend().contiguous(new ArrayTensor(vt.data, [...lead, n, k], swapLast(vt.strides))).contiguousData(true) as Float64Array;
    const flips = new Float64Array(v.length / n);
    normalizeSigns(v, n, k, flips);
    const ud = u.contiguousData(true) as Float64Array;
    for (let i = 0; i < ud.length; i++) ud[i] = ud[i]! * flips[Math.floor(i / (m * k)) * k + (i % k)]!;
    return backend().concat([new ArrayTensor(ud, u.shape), new ArrayTensor(s.contiguousData(false), [...lead, 1, k]), new ArrayTensor(v, [...lead, n, k])], lead.length);
  },
  jvp: ([], [ta], out, p) => (ta ? svdJvp(ta, out, p.m) : null),
  vjp: (g, [], out, p) => [svdVjp(g, out, p.m)],
  batch: leadingAxisBatch([2], ([a], p: { m: number }) => bind(svdP, [a!], p)),
  check: {
    domain: "real",
    order: 2,
    noTaylor: TAYLOR_REASON,
    cases: [{ shapes: [[3, 3]], params: { m: 3 } }, { shapes: [[4, 2]], params: { m: 4 } }, { shapes: [[2, 2, 3]], params: { m: 2 } }],
  },
});

const swapLast = (s: readonly number[]): number[] => [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!];

/** X − U(UᵀX): the part of X outside the span of U's orthonormal columns. */
const outside = (u: Tensor, x: Tensor): Tensor => sub(x, mm(u, mm(mT(u), x)));

/** F[i, j] = 1/(sⱼ² − sᵢ²) (0 on the diagonal and for degenerate pairs). */
const squaredGaps = (s: Tensor): Tensor => inverseGaps(mul(s, s));

/**
 * With P = Uᵀ dA V: ds = diag(P), dU = U(F∘(PS + SPᵀ)) + (I − UUᵀ) dA V S⁻¹,
 * dV = V(F∘(SP + PᵀS)) + (I − VVᵀ) dAᵀ U S⁻¹.
 */
function svdJvp(ta: Tensor, out: Tensor, m: number): Tensor {
  const { u, s, v } = unpackSvd(out, m);
  const p = mm(mT(u), mm(ta, v));
  const f = squaredGaps(s);
  const ps = scaleColumns(p, s);
  const sp = mT(scaleColumns(mT(p), s));
  const du = add(mm(u, mul(f, add(ps, mT(ps)))), scaleColumns(outside(u, mm(ta, v)), div(1, s)));
  const dv = add(mm(v, mul(f, add(sp, mT(sp)))), scaleColumns(outside(v, mm(mT(ta), u)), div(1, s)));
  const ds = reshape(diagPart(p), [...s.shape.slice(0, -1), 1, cols(s)]);
  return concat([du, ds, dv], -2);
}

/** Ā = U P̄ Vᵀ + (I − UUᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I − VVᵀ), P̄ = (J + Jᵀ)S + S(K + Kᵀ) + diag(s̄). */
function svdVjp(g: Tensor, out: Tensor, m: number): Tensor {
  const { u, s, v } = unpackSvd(out, m);
  const { u: gu, s: gs, v: gv } = unpackSvd(g, m);
  let pbar = diagEmbed(gs);
  const vectorsUsed = !isZero(gu) || !isZero(gv);
  if (!vectorsUsed) return mm(u, mm(pbar, mT(v)));
  const f = squaredGaps(s);
  const j = mul(f, mm(mT(u), gu));
  const k = mul(f, mm(mT(v), gv));
  pbar = add(pbar, add(scaleColumns(add(j, mT(j)), s), mT(scaleColumns(add(k, mT(k)), s))));
  const inv = div(1, s);
  return add(
    mm(u, mm(pbar, mT(v))),
    add(mm(scaleColumns(outside(u, gu), inv), mT(v)), mT(mm(scaleColumns(outside(v, gv), inv), mT(u)))),
  );
}

/** Singular values, descending. */
export const svdvalsP: Primitive<undefined> = definePrimitive<undefined>({
  name: "svdvals",
  impl: ([a]) => {
    requireFinite("svdvals", a!);
    return backend().svdvals(a!);
  },
  // dsᵢ = uᵢᵀ dA vᵢ.
  jvp: ([a], [ta]) => {
    if (!ta) return null;
    const { u, v } = unpackSvd(bind(svdP, [a!], { m: rows(a!) }), rows(a!));
    return sum(mul(u, mm(ta, v)), -2);
  },
  vjp: (g, [a]) => {
    const { u, v } = unpackSvd(bind(svdP, [a!], { m: rows(a!) }), rows(a!));
    return [mm(scaleColumns(u, g), mT(v))];
  },
  batch: leadingAxisBatch([2], ([a]) => bind(svdvalsP, [a!], undefined)),
  check: { domain: "real", order: 2, noTaylor: TAYLOR_REASON, cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 2, 3]], params: undefined }] },
});

// ---- qr ------------------------------------------------------------------------------------

/** Q [..., m, n] and R [..., n, n] from qr's packed output [Q; R] (m ≥ n). */
export function unpackQr(packed: Tensor, m: number): { q: Tensor; r: Tensor } {
  return { q: rowBlock(packed, 0, m), r: rowBlock(packed, m, cols(packed)) };
}

/** X R⁻¹ for upper-triangular R. */
const rightSolveUpper = (x: Tensor, r: Tensor): Tensor => mT(trsm(r, mT(x), false, true));

/**
 * Reduced Householder QR of a tall or square matrix (m ≥ n), packed as [Q; R] ([..., m+n, n]).
 * A wide matrix is factored by the public qr through its leading square block.
 */
export const qrP: Primitive<undefined> = definePrimitive<undefined>({
  name: "qr",
  impl: ([a]) => {
    requireFinite("qr", a!);
    if (a!.shape[a!.ndim - 2]! < a!.shape[a!.ndim - 1]!) throw new NablaError("qr: the packed primitive takes m ≥ n; use nb.linalg.qr");
    const { q, r } = backend().qr(a!);
    return backend().concat([q, r], a!.ndim - 2);
  },
  // With C = Qᵀ dA R⁻¹ and Ω = L(C) − L(C)ᵀ: dQ = QΩ + (I − QQᵀ) dA R⁻¹, dR = (C − Ω)R.
  jvp: ([a], [ta], out) => {
    if (!ta) return null;
    const { q, r } = unpackQr(out, rows(a!));
    const b = rightSolveUpper(ta, r);
    const c = mm(mT(q), b);
    const omega = sub(strictLower(c), mT(strictLower(c)));
    return concat([add(mm(q, omega), outside(q, b)), mm(sub(c, omega), r)], -2);
  },
  // N = QᵀQ̄ − R̄Rᵀ, C̄ = L(N − Nᵀ) − N, Ā = (Q̄ + QC̄) R⁻ᵀ.
  vjp: (g, [a], out) => {
    const m = rows(a!);
    const { q, r } = unpackQr(out, m);
    const { q: gq, r: gr } = unpackQr(g, m);
    const nn = sub(mm(mT(q), gq), mm(gr, mT(r)));
    const cbar = sub(strictLower(sub(nn, mT(nn))), nn);
    return [mT(trsm(r, mT(add(gq, mm(q, cbar))), false, false))];
  },
  batch: leadingAxisBatch([2], ([a]) => bind(qrP, [a!], undefined)),
  check: { domain: "invertible", order: 2, noTaylor: TAYLOR_REASON, cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 4, 2]], params: undefined, domains: ["real"] }] },
});

