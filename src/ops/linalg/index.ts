/**
 * nb.linalg: differentiable linear algebra that batches over leading axes ([..., m, n]) with
 * numpy / torch.linalg conventions. Conventions, derivative rules and errors: docs/linalg.md.
 */
import { type TensorLike, toTensor, tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { formatShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { bind } from "../core.js";
import { abs, div, exp, greater, mul, pow, sqrt, sub, where } from "../primitives/elementwise.js";
import { max, sum } from "../primitives/reduce.js";
import { concat, reshape, transpose } from "../primitives/shape.js";
import { choleskyP, detSignP, inverseP, logAbsDetP, solveMatrix, trsm } from "./factor.js";
import { colBlock, mT, mm, requireFinite, requireMatrix, requireSquare, rows, scaleColumns } from "./helpers.js";
import { eighP, eigvalshP, qrP, svdP, svdvalsP, unpackEigh, unpackQr, unpackSvd } from "./spectral.js";
import { expmP } from "./expm.js";

export { DEGENERATE_GAP } from "./spectral.js";

/** Treats b as a (batch of) vector(s) as torch.linalg.solve does: one axis fewer than a, matching a's leading shape. */
function asColumns(a: Tensor, b: Tensor): { b: Tensor; vector: boolean } {
  const vector = b.ndim === 1 || (b.ndim === a.ndim - 1 && shapesEqual(b.shape, a.shape.slice(0, -1)));
  return { b: vector ? reshape(b, [...b.shape, 1]) : b, vector };
}

const dropColumn = (x: Tensor): Tensor => reshape(x, x.shape.slice(0, -1));

function requireRows(op: string, a: Tensor, b: Tensor): void {
  if (b.ndim < 1 || b.shape[b.ndim - (b.ndim === 1 ? 1 : 2)] !== rows(a)) {
    throw new NablaError(`${op}: a has shape ${formatShape(a.shape)} but b has ${formatShape(b.shape)}; b must be [..., ${rows(a)}] or [..., ${rows(a)}, k]`);
  }
}

/**
 * The solution x of a·x = b, by LU with partial pivoting. A `b` with one axis fewer than `a`
 * is a (batch of) vector(s). A singular `a` throws, naming a condition estimate.
 * @example
 * nb.linalg.solve([[2, 0], [0, 4]], [2, 8]).toArray(); // => [1, 2]
 */
export function solve(a: TensorLike, b: TensorLike): Tensor {
  const at = toTensor(a);
  requireSquare("solve", at);
  const bt = toTensor(b);
  requireRows("solve", at, bt);
  const { b: cols, vector } = asColumns(at, bt);
  const x = solveMatrix(at, cols);
  return vector ? dropColumn(x) : x;
}

/**
 * The inverse matrix (prefer `solve` for a·x = b).
 * @example
 * nb.linalg.inv([[2, 0], [0, 4]]).toArray(); // => [[0.5, 0], [0, 0.25]]
 */
export function inv(a: TensorLike): Tensor {
  const at = toTensor(a);
  requireSquare("inv", at);
  return bind(inverseP, [at], undefined);
}

/** Sign and log of the absolute determinant. */
export interface Slogdet {
  /** −1, 0 or 1 per matrix. */
  sign: Tensor;
  /** log|det a| (−Infinity for a singular matrix). */
  logabsdet: Tensor;
}

/**
 * sign(det a) and log|det a|, free of the overflow that det itself meets; logabsdet is
 * differentiable wherever a is invertible (gradient a⁻ᵀ).
 * @example
 * nb.linalg.slogdet([[2, 0], [0, -3]]).sign.item(); // => -1
 */
export function slogdet(a: TensorLike): Slogdet {
  const at = toTensor(a);
  requireSquare("slogdet", at);
  return { sign: bind(detSignP, [at], undefined), logabsdet: bind(logAbsDetP, [at], undefined) };
}

/**
 * The determinant, as sign · exp(logabsdet); its gradient det(a)·a⁻ᵀ needs an invertible a.
 * @example
 * nb.linalg.det([[1, 2], [3, 4]]).item(); // ≈ -2
 */
export function det(a: TensorLike): Tensor {
  const at = toTensor(a);
  if (at.level === 0) requireFinite("det", at.concrete());
  const { sign, logabsdet } = slogdet(at);
  return mul(sign, exp(logabsdet));
}

/**
 * The lower Cholesky factor L with L·Lᵀ = a, for symmetric positive-definite a (its
 * symmetric part (a + aᵀ)/2 is used). Throws "not positive definite", naming the failing pivot.
 * @example
 * nb.linalg.cholesky([[4, 2], [2, 2]]).toArray(); // => [[2, 0], [1, 1]]
 */
export function cholesky(a: TensorLike): Tensor {
  const at = toTensor(a);
  requireSquare("cholesky", at);
  return bind(choleskyP, [at], undefined);
}

/** Options of `triangularSolve`. */
export interface TriangularSolveOptions {
  /** Whether `a` is lower triangular (its other triangle is ignored). Default true. */
  lower?: boolean;
  /** Solve aᵀ·x = b instead. Default false. */
  transpose?: boolean;
}

/**
 * The solution x of a·x = b (or aᵀ·x = b) for triangular a, by substitution.
 * @example
 * nb.linalg.triangularSolve([[2, 0], [1, 1]], [2, 3]).toArray(); // => [1, 2]
 */
export function triangularSolve(a: TensorLike, b: TensorLike, options: TriangularSolveOptions = {}): Tensor {
  const at = toTensor(a);
  requireSquare("triangularSolve", at);
  const bt = toTensor(b);
  requireRows("triangularSolve", at, bt);
  const { b: cols, vector } = asColumns(at, bt);
  const x = trsm(at, cols, options.lower ?? true, options.transpose ?? false);
  return vector ? dropColumn(x) : x;
}

/**
 * The solution of (l·lᵀ)·x = b from the lower Cholesky factor l: two triangular solves.
 * @example
 * nb.linalg.choSolve([[2, 0], [1, 1]], [4, 3]).toArray(); // => [0.5, 1]
 */
export function choSolve(l: TensorLike, b: TensorLike): Tensor {
  const lt = toTensor(l);
  requireSquare("choSolve", lt);
  const bt = toTensor(b);
  requireRows("choSolve", lt, bt);
  const { b: cols, vector } = asColumns(lt, bt);
  const x = trsm(lt, trsm(lt, cols, true, false), true, true);
  return vector ? dropColumn(x) : x;
}

/** Eigenvalues (ascending) and unit eigenvectors (as columns). */
export interface Eigh {
  eigenvalues: Tensor;
  eigenvectors: Tensor;
}

/**
 * Eigen-decomposition of a symmetric matrix (its symmetric part is used): ascending
 * eigenvalues and eigenvectors as columns, each with its largest-magnitude entry positive.
 * @example
 * nb.linalg.eigh([[2, 1], [1, 2]]).eigenvalues.toArray(); // => [1, 3]
 */
export function eigh(a: TensorLike): Eigh {
  const at = toTensor(a);
  requireSquare("eigh", at);
  const { values, vectors } = unpackEigh(bind(eighP, [at], undefined));
  return { eigenvalues: values, eigenvectors: vectors };
}

/**
 * Ascending eigenvalues of a symmetric matrix; differentiable everywhere (dλᵢ = vᵢᵀ·da·vᵢ).
 * @example
 * nb.linalg.eigvalsh([[2, 1], [1, 2]]).toArray(); // => [1, 3]
 */
export function eigvalsh(a: TensorLike): Tensor {
  const at = toTensor(a);
  requireSquare("eigvalsh", at);
  return bind(eigvalshP, [at], undefined);
}

/** The reduced SVD a = u·diag(s)·vt. */
export interface Svd {
  u: Tensor;
  s: Tensor;
  vt: Tensor;
}

/**
 * Reduced singular value decomposition: u [..., m, k], s [..., k] descending, vt [..., k, n],
 * k = min(m, n); each right singular vector has its largest-magnitude entry positive.
 * @example
 * nb.linalg.svd([[3, 0], [0, -4]]).s.toArray(); // => [4, 3]
 */
export function svd(a: TensorLike): Svd {
  const at = toTensor(a);
  requireMatrix("svd", at);
  const m = rows(at);
  const { u, s, v } = unpackSvd(bind(svdP, [at], { m }), m);
  return { u, s, vt: mT(v) };
}

/**
 * Singular values, descending; differentiable everywhere (dsᵢ = uᵢᵀ·da·vᵢ).
 * @example
 * nb.linalg.svdvals([[3, 0], [0, -4]]).toArray(); // => [4, 3]
 */
export function svdvals(a: TensorLike): Tensor {
  const at = toTensor(a);
  requireMatrix("svdvals", at);
  return bind(svdvalsP, [at], undefined);
}

/** The reduced QR factorization a = q·r. */
export interface Qr {
  q: Tensor;
  r: Tensor;
}

/**
 * Reduced QR by Householder reflections: q [..., m, k] with orthonormal columns, r [..., k, n]
 * upper triangular, k = min(m, n); signs as LAPACK's (r's diagonal may be negative).
 * @example
 * nb.linalg.qr([[3, 1], [4, 2]]).r.toArray(); // ≈ [[-5, -2.2], [0, 0.4]]
 */
export function qr(a: TensorLike): Qr {
  const at = toTensor(a);
  requireMatrix("qr", at);
  const [m, n] = [rows(at), at.shape[at.ndim - 1]!];
  if (m >= n) return unpackQr(bind(qrP, [at], undefined), m);
  // Wide: factor the leading m×m block, then R's remaining columns are Qᵀ times a's.
  const { q, r } = unpackQr(bind(qrP, [colBlock(at, 0, m)], undefined), m);
  return { q, r: concat([r, mm(mT(q), colBlock(at, m, n - m))], -1) };
}

/** Options of `lstsq` and `pinv`. */
export interface RcondOptions {
  /** Singular values below rcond·max(s) count as zero; default max(m, n)·ε, as torch.linalg. */
  rcond?: number;
}

/** The least-squares solution and its diagnostics. */
export interface Lstsq {
  solution: Tensor;
  /** Squared residual norms per column when a is tall with full rank, else an empty tensor. */
  residuals: Tensor;
  /** Numerical rank per matrix. */
  rank: Tensor;
  singularValues: Tensor;
}

/**
 * The minimum-norm least-squares solution of a·x ≈ b: by QR when a has full column rank, else
 * through the pseudo-inverse.
 * @example
 * nb.linalg.lstsq([[1, 0], [0, 1], [1, 1]], [1, 1, 2]).solution.toArray(); // ≈ [1, 1]
 */
export function lstsq(a: TensorLike, b: TensorLike, options: RcondOptions = {}): Lstsq {
  const at = toTensor(a);
  requireMatrix("lstsq", at);
  const bt = toTensor(b);
  requireRows("lstsq", at, bt);
  const { b: cols, vector } = asColumns(at, bt);
  const [m, n] = [rows(at), at.shape[at.ndim - 1]!];
  const s = svdvals(at);
  const rank = numericalRank(s, m, n, options.rcond);
  const fullRank = rank.values().every((r) => r === Math.min(m, n));
  let x: Tensor;
  if (fullRank && m >= n) {
    const { q, r } = qr(at);
    x = trsm(r, mm(mT(q), cols), false, false);
  } else {
    x = mm(pinv(at, options), cols);
  }
  const residuals = fullRank && m > n ? sum(square(sub(mm(at, x), cols)), -2) : tensor([]);
  return { solution: vector ? dropColumn(x) : x, residuals: vector && residuals.ndim > 0 && residuals.size > 0 ? dropColumn(reshape(residuals, [...residuals.shape, 1])) : residuals, rank, singularValues: s };
}

const square = (x: Tensor): Tensor => mul(x, x);

function cutoff(m: number, n: number, rcond: number | undefined): number {
  return rcond ?? Math.max(m, n) * Number.EPSILON;
}

function numericalRank(s: Tensor, m: number, n: number, rcond: number | undefined): Tensor {
  const tol = mul(max(s, -1, true), cutoff(m, n, rcond));
  return sum(where(greater(s, tol), 1, 0), -1);
}

/**
 * The Moore–Penrose pseudo-inverse v·diag(1/s)·uᵀ, singular values below rcond·max(s) dropped.
 * @example
 * nb.linalg.pinv([[2, 0], [0, 0]]).toArray(); // => [[0.5, 0], [0, 0]]
 */
export function pinv(a: TensorLike, options: RcondOptions = {}): Tensor {
  const at = toTensor(a);
  requireMatrix("pinv", at);
  const [m, n] = [rows(at), at.shape[at.ndim - 1]!];
  const { u, s, vt } = svd(at);
  const keep = greater(s, mul(max(s, -1, true), cutoff(m, n, options.rcond)));
  const sinv = where(keep, div(1, where(keep, s, 1)), 0);
  return mm(scaleColumns(mT(vt), sinv), mT(u));
}

/**
 * The matrix exponential, by scaling and squaring with a Padé approximant (Al-Mohy & Higham 2009).
 * @example
 * nb.linalg.expm([[0, 0], [0, Math.log(2)]]).toArray(); // ≈ [[1, 0], [0, 2]]
 */
export function expm(a: TensorLike): Tensor {
  const at = toTensor(a);
  requireSquare("expm", at);
  return bind(expmP, [at], undefined);
}

/** Orders `norm` accepts: vector p-norms (numbers ≥ 1, Infinity), matrix "fro", "nuc", 1, 2, Infinity. */
export type NormOrder = number | "fro" | "nuc";

/**
 * Vector or matrix norm, numpy semantics: with no axis a vector's (or flattened tensor's)
 * 2-norm, a matrix's with a pair of axes (`[-2, -1]` for a batch). The 2-norm's and Frobenius
 * norm's gradient at 0 is 0 (a subgradient), not NaN.
 * @example
 * nb.linalg.norm([3, 4]).item(); // => 5
 * nb.linalg.norm([[1, 2], [3, 4]], "fro").item(); // ≈ 5.477225575051661
 */
export function norm(x: TensorLike, ord?: NormOrder, axis?: number | readonly [number, number]): Tensor {
  const t = toTensor(x);
  const matrixAxes = Array.isArray(axis) ? (axis as readonly [number, number]) : axis === undefined && ord !== undefined && t.ndim === 2 ? [0, 1] as const : null;
  if (matrixAxes) return matrixNorm(t, ord ?? "fro", matrixAxes);
  const ax = axis === undefined ? undefined : (axis as number);
  if (typeof ord === "string") throw new NablaError(`norm: order "${ord}" is a matrix norm; give a pair of axes (e.g. [-2, -1]) or a matrix`);
  const p = ord ?? 2;
  if (p === 2) return safeRoot(sum(square(t), ax), 2);
  if (p === 1) return sum(abs(t), ax);
  if (p === Infinity) return max(abs(t), ax);
  if (!(p >= 1)) throw new NablaError(`norm: order ${p} is not a vector norm; use p ≥ 1 or Infinity`);
  return safeRoot(sum(pow(abs(t), p), ax), p);
}

/** x^(1/p) with value and gradient 0 at x = 0 (a subgradient of the norm there), not NaN. */
function safeRoot(x: Tensor, p: number): Tensor {
  const positive = greater(x, 0);
  const safe = where(positive, x, 1);
  return where(positive, p === 2 ? sqrt(safe) : pow(safe, 1 / p), 0);
}

function matrixNorm(t: Tensor, ord: NormOrder, axes: readonly [number, number]): Tensor {
  if (t.ndim < 2) throw new NablaError(`norm: a matrix norm needs at least 2 axes, got shape ${formatShape(t.shape)}`);
  const [r, c] = axes.map((a) => (a < 0 ? a + t.ndim : a)) as [number, number];
  if (r === c || r < 0 || c < 0 || r >= t.ndim || c >= t.ndim) throw new NablaError(`norm: axes [${axes.join(", ")}] are not two distinct axes of shape ${formatShape(t.shape)}`);
  if (ord === "fro") return safeRoot(sum(square(t), [r, c]), 2);
  // 1: the largest column sum; Infinity: the largest row sum.
  if (ord === 1) return max(sum(abs(t), r), c > r ? c - 1 : c);
  if (ord === Infinity) return max(sum(abs(t), c), r > c ? r - 1 : r);
  // Spectral norms need the matrix axes last.
  const rest = t.shape.map((_, i) => i).filter((i) => i !== r && i !== c);
  const m = transpose(t, [...rest, r, c]);
  if (ord === "nuc") return sum(svdvals(m), -1);
  if (ord === 2) return max(svdvals(m), -1);
  throw new NablaError(`norm: matrix order ${String(ord)} is not supported; use "fro", "nuc", 1, 2 or Infinity`);
}
