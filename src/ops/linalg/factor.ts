/**
 * The factorization-based linalg primitives: cholesky, triangularSolve, solve, logAbsDet and
 * detSign. Their rules use solves, never explicit inverses (Giles 2008, "Collected matrix
 * derivative results"; Murray 2016 for Cholesky), and each is written with nabla ops, so it
 * differentiates again. Taylor rules follow from the defining equations coefficient by
 * coefficient (A·X = B gives A₀Xₖ = Bₖ − Σⱼ Aⱼ Xₖ₋ⱼ, and so on): one solve per order.
 */
import { type Primitive, type Series, bind, definePrimitive } from "../core.js";
import { coef } from "../series.js";
import { backend } from "../../backend/registry.js";
import { NablaError } from "../../tensor/errors.js";
import { broadcastShapes, formatShape } from "../../tensor/shape.js";
import { ArrayTensor, type Tensor } from "../../tensor/tensor.js";
import type { LUResult } from "../../backend/interface.js";
import type { DType } from "../../tensor/dtype.js";
import { add, div, mul, neg, sub } from "../primitives/elementwise.js";
import { sum } from "../primitives/reduce.js";
import { reshape } from "../primitives/shape.js";
import {
  batchLabel, broadcastView, diagPart, identity, leadingAxisBatch, mT, mm, requireFinite, sym, triangle,
} from "./helpers.js";

/** Φ(X): the lower triangle with the diagonal halved (the Cholesky rules' projection). */
const phi = (x: Tensor): Tensor => triangle(x, true, 0.5);

/** Σⱼ₌ₗₒ..ₖ product(aⱼ, bₖ₋ⱼ) over the non-zero coefficients (null when all are zero). */
function convolve(a: Series, b: Series, k: number, from: number, to: number, product: (x: Tensor, y: Tensor) => Tensor): Tensor | null {
  let total: Tensor | null = null;
  for (let j = from; j <= to; j++) {
    const x = coef(a, j), y = coef(b, k - j);
    if (x !== null && y !== null) total = total === null ? product(x, y) : add(total, product(x, y));
  }
  return total;
}

const minus = (a: Tensor | null, b: Tensor | null): Tensor | null => (b === null ? a : a === null ? neg(b) : sub(a, b));

// ---- cholesky ---------------------------------------------------------------------------

/**
 * The lower Cholesky factor of the symmetric part (A + Aᵀ)/2 (for a symmetric A, of A itself):
 * using the symmetric part makes the function, its derivatives and its finite differences agree
 * for any perturbation, and gives the symmetric gradient torch.linalg.cholesky reports.
 */
export const choleskyP: Primitive<undefined> = definePrimitive<undefined>({
  name: "cholesky",
  impl: ([a]) => {
    requireFinite("cholesky", a!);
    const { factor, failure } = backend().cholesky(a!);
    if (failure) {
      throw new NablaError(
        `cholesky: the matrix is not positive definite${batchLabel(a!.shape, failure.matrix)}: pivot ${failure.pivot} ` +
          `(the leading ${failure.pivot + 1}×${failure.pivot + 1} minor) came out ${failure.value} ≤ 0. ` +
          `Check that the matrix is symmetric positive definite, or add a small multiple of the identity (jitter)`,
      );
    }
    return factor;
  },
  // dL = L·Φ(L⁻¹ sym(dA) L⁻ᵀ).
  jvp: ([], [ta], l) => (ta ? mm(l, phi(sandwichInverse(l, sym(ta)))) : null),
  // Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹).
  vjp: (g, [], l) => [sym(sandwichInverseT(l, phi(mm(mT(l), g))))],
  // L₀Lₖᵀ + LₖL₀ᵀ = sym(Aₖ) − Σⱼ₌₁..ₖ₋₁ LⱼLₖ₋ⱼᵀ ⇒ Lₖ = L₀·Φ(L₀⁻¹ Rₖ L₀⁻ᵀ).
  taylor: ([a], l0, order) => {
    const ls: (Tensor | null)[] = [l0];
    for (let k = 1; k <= order; k++) {
      const ak = coef(a!, k);
      const r = minus(ak === null ? null : sym(ak), convolve(ls, ls, k, 1, k - 1, (x, y) => mm(x, mT(y))));
      ls.push(r === null ? null : mm(l0, phi(sandwichInverse(l0, r))));
    }
    return ls;
  },
  batch: leadingAxisBatch([2], ([a]) => bind(choleskyP, [a!], undefined)),
  check: { domain: "spd", order: 2, cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 2, 2]], params: undefined }] },
});

/** L⁻¹ X L⁻ᵀ for lower-triangular L. */
function sandwichInverse(l: Tensor, x: Tensor): Tensor {
  const y = trsm(l, x, true, false);
  return mT(trsm(l, mT(y), true, false));
}

/** L⁻ᵀ X L⁻¹ for lower-triangular L. */
function sandwichInverseT(l: Tensor, x: Tensor): Tensor {
  const y = trsm(l, x, true, true);
  return mT(trsm(l, mT(y), true, true));
}

// ---- triangularSolve --------------------------------------------------------------------

/** `lower`: which triangle of a is read (the other is ignored); `transpose`: solve aᵀx = b. */
export interface TriangularParams {
  lower: boolean;
  transpose: boolean;
}

/** op(T)⁻¹ B, T the chosen triangle of a. a is [..., n, n], b [..., n, k]; batch axes broadcast. */
export const trsm = (a: Tensor, b: Tensor, lower: boolean, transpose: boolean): Tensor => bind(triangularSolveP, [a, b], { lower, transpose });

const opT = (t: Tensor, p: TriangularParams): Tensor => (p.transpose ? mT(triangle(t, p.lower)) : triangle(t, p.lower));

export const triangularSolveP: Primitive<TriangularParams> = definePrimitive<TriangularParams>({
  name: "triangularSolve",
  impl: ([a, b], p) => {
    requireFinite("triangularSolve", a!);
    requireFinite("triangularSolve", b!);
    const [ab, bb] = broadcastBatch("triangularSolve", a!, b!);
    requireNonzeroDiagonal(ab);
    return backend().triangularSolve(ab, bb, p.lower, p.transpose, false);
  },
  // dX = op(T)⁻¹ (dB − op(dT) X).
  jvp: ([a], [ta, tb], x, p) => {
    const rhs = minus(tb ?? null, ta ? mm(opT(ta, p), x) : null);
    return rhs === null ? null : trsm(a!, rhs, p.lower, p.transpose);
  },
  // B̄ = op(T)⁻ᵀ X̄; T̄ = −(B̄ Xᵀ, or X B̄ᵀ when transposed), kept to the triangle.
  vjp: (g, [a], x, p, needs) => {
    const gb = trsm(a!, g, p.lower, !p.transpose);
    const ga = needs[0] ? neg(triangle(p.transpose ? mm(x, mT(gb)) : mm(gb, mT(x)), p.lower)) : null;
    return [ga, needs[1] ? gb : null];
  },
  taylor: ([a, b], x0, order, p) => solveSeries(a!, b!, x0, order, (t) => opT(t, p), (r) => trsm(coef(a!, 0)!, r, p.lower, p.transpose)),
  batch: leadingAxisBatch([2, 2], ([a, b], p: TriangularParams) => bind(triangularSolveP, [a!, b!], p)),
  check: {
    domain: "invertible",
    order: 2,
    cases: [
      { shapes: [[3, 3], [3, 2]], params: { lower: true, transpose: false }, domains: ["invertible", "real"] },
      { shapes: [[2, 3, 3], [3, 1]], params: { lower: false, transpose: false }, domains: ["invertible", "real"] },
      { shapes: [[3, 3], [2, 3, 2]], params: { lower: true, transpose: true }, domains: ["invertible", "real"] },
      { shapes: [[2, 2], [2, 2]], params: { lower: false, transpose: true }, domains: ["invertible", "real"] },
    ],
  },
});

/**
 * The series of X with op(A)·X = B: op(A₀)Xₖ = Bₖ − Σⱼ₌₁..ₖ op(Aⱼ)Xₖ₋ⱼ, each solved by `solve0`.
 */
function solveSeries(a: Series, b: Series, x0: Tensor, order: number, op: (t: Tensor) => Tensor, solve0: (r: Tensor) => Tensor): Series {
  const xs: (Tensor | null)[] = [x0];
  for (let k = 1; k <= order; k++) {
    const r = minus(coef(b, k), convolve(a, xs, k, 1, k, (t, x) => mm(op(t), x)));
    xs.push(r === null ? null : solve0(r));
  }
  return xs;
}

function requireNonzeroDiagonal(a: ArrayTensor): void {
  const n = a.shape[a.ndim - 1]!;
  const d = a.contiguousData(false);
  for (let t = 0; t < d.length / (n * n); t++) {
    for (let i = 0; i < n; i++) {
      if (d[t * n * n + i * n + i] === 0) {
        throw new NablaError(`triangularSolve: the triangular matrix is singular${batchLabel(a.shape, t)}: diagonal entry ${i} is 0`);
      }
    }
  }
}

/** a [..., n, n] and b [..., n, k] with their batch axes broadcast to one shape. */
function broadcastBatch(op: string, a: ArrayTensor, b: ArrayTensor): [ArrayTensor, ArrayTensor] {
  const n = a.shape[a.ndim - 1]!;
  if (b.shape[b.ndim - 2] !== n) {
    throw new NablaError(`${op}: b has shape ${formatShape(b.shape)} but a is ${formatShape(a.shape)}: b needs ${n} rows ([..., ${n}, k])`);
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), `${op} (batch axes)`);
  return [broadcastView(a, [...batch, n, n]), broadcastView(b, [...batch, n, b.shape[b.ndim - 1]!])];
}

// ---- solve, logAbsDet, detSign: through LU with partial pivoting --------------------------

/** How far below 1/ε the condition bound must lie for the estimate to be skipped. */
const BOUND_MARGIN = 2 ** -8;

/** LU factors of concrete square matrices, refusing (numerically) singular ones. */
function luChecked(op: string, a: ArrayTensor): LUResult {
  const f = backend().lu(a);
  const limit = 1 / Number.EPSILON;
  // The estimate (several solves) only decides near the limit: a bound far below it, from
  // one cheap pass over the factors, clears the matrix (the margin covers rounding in both).
  // A NaN or ±∞ entry makes ‖A‖₁, and so the bound, NaN or infinite, so the finite-entries
  // check (another pass) only runs, before the estimate, when the bound does not clear.
  if (backend().conditionBound(a, f).every((c) => c < limit * BOUND_MARGIN)) return f;
  requireFinite(op, a);
  const cond = backend().conditionEstimate(a, f);
  const bad = cond.findIndex((c) => !(c < limit));
  if (bad >= 0) {
    const c = cond[bad]!;
    throw new NablaError(
      `${op}: the matrix is singular${batchLabel(a.shape, bad)} to working precision: estimated condition number ` +
        `${Number.isFinite(c) ? c.toExponential(2) : "∞"} (1-norm) ≥ 1/ε = ${(1 / Number.EPSILON).toExponential(2)}. ` +
        `Use nb.linalg.lstsq or nb.linalg.pinv for a least-squares answer`,
    );
  }
  return f;
}

/** A⁻¹B for a [..., n, n], b [..., n, k] (batch axes broadcast). */
export const solveMatrix = (a: Tensor, b: Tensor): Tensor => bind(solveP, [a, b], undefined);

export const solveP: Primitive<undefined> = definePrimitive<undefined>({
  name: "solve",
  impl: ([a, b]) => {
    requireFinite("solve", b!);
    const [ab, bb] = broadcastBatch("solve", a!, b!);
    return backend().luSolve(luChecked("solve", ab), bb);
  },
  // dX = A⁻¹(dB − dA·X).
  jvp: ([a], [ta, tb], x) => {
    const rhs = minus(tb ?? null, ta ? mm(ta, x) : null);
    return rhs === null ? null : solveMatrix(a!, rhs);
  },
  // B̄ = A⁻ᵀX̄, Ā = −B̄Xᵀ.
  vjp: (g, [a], x, _, needs) => {
    const gb = solveMatrix(mT(a!), g);
    return [needs[0] ? neg(mm(gb, mT(x))) : null, needs[1] ? gb : null];
  },
  taylor: ([a, b], x0, order) => solveSeries(a!, b!, x0, order, (t) => t, (r) => solveMatrix(coef(a!, 0)!, r)),
  batch: leadingAxisBatch([2, 2], ([a, b]) => solveMatrix(a!, b!)),
  check: {
    domain: "invertible",
    order: 2,
    cases: [
      { shapes: [[3, 3], [3, 2]], params: undefined, domains: ["invertible", "real"] },
      { shapes: [[2, 3, 3], [3, 1]], params: undefined, domains: ["invertible", "real"] },
      { shapes: [[2, 2], [2, 2, 2]], params: undefined, domains: ["invertible", "real"] },
    ],
  },
});

/**
 * A⁻¹ of [..., n, n], straight from the LU factors (the backend's luInverse: a third less work
 * than a solve against I, and no identity built). Its rules are products with the inverse
 * itself, which the primal already holds.
 */
export const inverseP: Primitive<undefined> = definePrimitive<undefined>({
  name: "inverse",
  impl: ([a]) => backend().luInverse(luChecked("inv", a!), a!.dtype),
  // dX = −X·dA·X.
  jvp: ([], [ta], x) => (ta ? neg(mm(x, mm(ta, x))) : null),
  // Ā = −Xᵀ·X̄·Xᵀ.
  vjp: (g, [], x) => [neg(mm(mT(x), mm(g, mT(x))))],
  // A·X = I: A₀Xₖ = −Σⱼ₌₁..ₖ AⱼXₖ₋ⱼ, and A₀⁻¹ is X₀.
  taylor: ([a], x0, order) => solveSeries(a!, [], x0, order, (t) => t, (r) => mm(x0, r)),
  batch: leadingAxisBatch([2], ([a]) => bind(inverseP, [a!], undefined)),
  check: { domain: "invertible", order: 2, cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 2, 2]], params: undefined }] },
});

/** log|det A| of [..., n, n] → [...]. Its gradient A⁻ᵀ comes from a solve against I. */
export const logAbsDetP: Primitive<undefined> = definePrimitive<undefined>({
  name: "logAbsDet",
  impl: ([a]) => {
    requireFinite("slogdet", a!);
    const f = backend().lu(a!);
    return mapDiagonals(f.lu, a!.dtype, (d) => d.reduce((s, u) => s + Math.log(Math.abs(u)), 0));
  },
  // d log|det A| = tr(A⁻¹ dA).
  jvp: ([a], [ta]) => (ta ? sum(diagPart(solveMatrix(a!, ta)), -1) : null),
  vjp: (g, [a]) => [mul(reshape(g, [...g.shape, 1, 1]), solveMatrix(mT(a!), identity(a!.shape[a!.ndim - 1]!, a!.dtype)))],
  // y′ = tr(A⁻¹A′): with W = A⁻¹A′ as a series, yₖ = tr(Wₖ₋₁)/k.
  taylor: ([a], y0, order) => {
    const a0 = coef(a!, 0)!;
    const derivative: Series = Array.from({ length: order }, (_, j) => {
      const c = coef(a!, j + 1);
      return c === null ? null : mul(c, j + 1);
    });
    const ws: (Tensor | null)[] = [];
    for (let m = 0; m < order; m++) {
      const r = minus(coef(derivative, m), convolve(a!, ws, m, 1, m, mm));
      ws.push(r === null ? null : solveMatrix(a0, r));
    }
    return [y0, ...ws.map((w, m) => (w === null ? null : div(sum(diagPart(w), -1), m + 1)))];
  },
  batch: leadingAxisBatch([2], ([a]) => bind(logAbsDetP, [a!], undefined)),
  check: { domain: "invertible", order: 2, cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 2, 2]], params: undefined }] },
});

/** The sign of det A (−1, 0 or 1): piecewise constant, so its derivative is zero. */
export const detSignP: Primitive<undefined> = definePrimitive<undefined>({
  name: "detSign",
  impl: ([a]) => {
    requireFinite("slogdet", a!);
    const f = backend().lu(a!);
    const n = a!.shape[a!.ndim - 1]!;
    let t = 0;
    return mapDiagonals(f.lu, a!.dtype, (d) => {
      let s = 1;
      for (let i = 0; i < n; i++) if (f.pivots[t * n + i] !== i) s = -s;
      t++;
      return d.reduce((acc, u) => acc * Math.sign(u), s);
    });
  },
  nondifferentiable: true,
  batch: leadingAxisBatch([2], ([a]) => bind(detSignP, [a!], undefined)),
  check: { domain: "invertible", order: 1, cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 2, 2]], params: undefined }] },
});

/** f of each matrix's diagonal, as a tensor of the batch shape. */
function mapDiagonals(x: ArrayTensor, dtype: DType, f: (diagonal: number[]) => number): ArrayTensor {
  const n = x.shape[x.ndim - 1]!;
  const d = x.contiguousData(false);
  const count = d.length / (n * n);
  const out = new Float64Array(count);
  for (let t = 0; t < count; t++) out[t] = f(Array.from({ length: n }, (_, i) => d[t * n * n + i * n + i]!));
  return new ArrayTensor(dtype === "float32" ? Float32Array.from(out) : out, x.shape.slice(0, -2));
}
