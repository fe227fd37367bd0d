import type { ArrayTensor } from "../tensor/tensor.js";
import type { DType, TypedArray } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";

// The kernel names, one const array per family: the kernel types, the native addon's op codes
// and the backend tests' coverage are derived from these lists (the reference backend's
// formula tables are Records over the types, so a name without a formula does not compile).

/** Elementwise functions of one input. `step` is 1 where x > 0, else 0. */
export const UNARY_KERNELS = [
  "neg", "exp", "log", "log1p", "expm1", "sqrt", "reciprocal", "abs", "sign",
  "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
  "erf", "sigmoid", "softplus", "relu", "step", "identity",
] as const;
export type UnaryKernel = (typeof UNARY_KERNELS)[number];

/**
 * Elementwise functions of two broadcast inputs. Comparisons give 1 or 0.
 * `mulNoNan` is a product in which an exact zero on either side wins (0 · NaN = 0): the
 * chain rule uses it so that a zero cotangent stays zero through a non-finite local derivative.
 * `reluGrad(g, x)` is g where x > 0, else +0: mulNoNan(g, step(x)) in one pass (relu's rules).
 */
export const BINARY_KERNELS = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "mulNoNan",
  "equal", "less", "greater", "reluGrad",
] as const;
export type BinaryKernel = (typeof BINARY_KERNELS)[number];

/** Reductions over a set of axes. */
export const REDUCE_KERNELS = ["sum", "max", "min"] as const;
export type ReduceKernel = (typeof REDUCE_KERNELS)[number];

/**
 * The elementwise computation a primitive declares (its `kernel` in the rule table), which
 * jit's fused loops run: a unary or binary kernel, or the selection of `where`.
 */
export type ElementwiseKernel =
  | { op: "unary"; kernel: UnaryKernel }
  | { op: "binary"; kernel: BinaryKernel }
  | { op: "where" };

/**
 * How a loop reads an operand: `full` has one element per iteration, `scalar` one element
 * for all, `indexed` is a broadcast operand read through an index map (see broadcastIndexMap).
 */
export type OperandAccess = "full" | "scalar" | "indexed";

/** A value of the loop by number: operands first (0 … operands − 1), then one per step. */
export type LoopValue = number;

/** One op of the chain; `dtype` is its output's, as the eager kernel would produce it. */
export type FusedStep =
  | { op: "unary"; kernel: UnaryKernel; x: LoopValue; dtype: DType }
  | { op: "binary"; kernel: BinaryKernel; x: LoopValue; y: LoopValue; dtype: DType }
  | { op: "where"; cond: LoopValue; x: LoopValue; y: LoopValue; dtype: DType };

/** What to generate: the operands, the steps in order, and which values leave the loop. */
export interface FusedLoopSpec {
  operands: readonly { dtype: DType; access: OperandAccess }[];
  steps: readonly FusedStep[];
  /** Values stored element by element, one output array each. */
  stores: readonly LoopValue[];
  /** Values summed over all elements in row-major order, as the eager sum does. */
  sums: readonly LoopValue[];
}

/**
 * Runs the loop over `n` elements: operand k is read from `data[k]` at `offsets[k]` (plus
 * `maps[k][i]` when indexed), store j is written to `outputs[j]`, sum j lands in `sums[j]`.
 */
export type FusedLoop = (
  data: readonly TypedArray[], offsets: readonly number[], maps: readonly (Int32Array | null)[],
  outputs: readonly TypedArray[], sums: Float64Array, n: number,
) => void;


/**
 * The kernel interface: the only code that loops over elements. Inputs may be strided
 * views; outputs are fresh contiguous tensors. Shapes are validated by the ops layer
 * before a kernel is called.
 */
export interface Backend extends LinalgKernels {
  readonly name: string;
  unary(op: UnaryKernel, x: ArrayTensor): ArrayTensor;
  /** `outShape` is the broadcast shape; the output dtype is the promotion of the inputs'. */
  binary(op: BinaryKernel, a: ArrayTensor, b: ArrayTensor, outShape: Shape): ArrayTensor;
  /** Selects `a` where `cond` is non-zero, else `b`, with broadcasting. */
  where(cond: ArrayTensor, a: ArrayTensor, b: ArrayTensor, outShape: Shape): ArrayTensor;
  /** Reduces over `axes` (sorted, unique); the result drops those axes. */
  reduce(op: ReduceKernel, x: ArrayTensor, axes: readonly number[]): ArrayTensor;
  /**
   * Batched matrix product of a [..., m, k] and b [..., k, n]; batch axes broadcast to `outShape`.
   * `out`, when given, is contiguous storage of the result's dtype and size that the caller lends
   * (a jit program's reused buffer): a backend may write the result there, or ignore it.
   */
  matmul(a: ArrayTensor, b: ArrayTensor, outShape: Shape, out?: TypedArray): ArrayTensor;
  /** A contiguous row-major copy of a view (the same tensor if it already is one). */
  contiguous(x: ArrayTensor): ArrayTensor;
  cast(x: ArrayTensor, dtype: DType): ArrayTensor;
  /** Zero padding: `before[i]` and `after[i]` elements around axis i. */
  pad(x: ArrayTensor, before: readonly number[], after: readonly number[]): ArrayTensor;
  concat(xs: readonly ArrayTensor[], axis: number): ArrayTensor;
  /** Takes `indices` (validated, non-negative) along `axis`; the result has indicesShape in place of that axis. */
  gather(x: ArrayTensor, indices: Int32Array, indicesShape: Shape, axis: number): ArrayTensor;
  /** The transpose of gather: adds each slice of `g` into position `indices[i]` of an axis of length `size`. */
  scatterAdd(g: ArrayTensor, indices: Int32Array, indicesShape: Shape, axis: number, size: number): ArrayTensor;
  /**
   * This backend's fused elementwise loop (nb.jit's groups), with the semantics of the
   * reference's generated loop (every step computed in float64 and rounded to its dtype;
   * sums in element order).
   */
  fusedLoop(spec: FusedLoopSpec): FusedLoop;
}

// ---- Linear-algebra kernels (nb.linalg) --------------------------------------------------
// Kept as one block, apart from the elementwise kernel families above. Each takes a batch of
// row-major matrices [..., m, n] (views allowed), computes in float64 and returns fresh
// contiguous tensors of the input's dtype; operands of two-input kernels share one batch shape
// (the ops layer broadcasts them). Implemented in src/backend/reference/linalg-kernels.ts.

/** A Cholesky factorization; `failure` names the first matrix whose pivot was not positive. */
export interface CholeskyResult {
  factor: ArrayTensor;
  failure: { matrix: number; pivot: number; value: number } | null;
}

/** LU with partial pivoting: unit-lower L and U packed in `lu`; row i was swapped with `pivots[i]`. */
export interface LUResult {
  lu: ArrayTensor;
  /** [batch · n] swap indices, matrix after matrix. */
  pivots: Int32Array;
}

export interface LinalgKernels {
  /** Lower Cholesky factor of each matrix's symmetric part (A + Aᵀ)/2; the upper triangle is 0. */
  cholesky(a: ArrayTensor): CholeskyResult;
  /** LU with partial pivoting of each square matrix; a zero pivot does not stop it. */
  lu(a: ArrayTensor): LUResult;
  /** Estimated 1-norm condition number of each matrix of `a` from its LU factors `f` (Hager's method). */
  conditionEstimate(a: ArrayTensor, f: LUResult): Float64Array;
  /**
   * An upper bound on each matrix's 1-norm condition number from its LU factors, in one cheap
   * pass (comparison matrices): never below κ₁ or conditionEstimate, so a bound under a
   * threshold makes the estimate unnecessary; it can be far above κ₁ (then estimate). NaN or
   * infinite when the matrix has a NaN or infinite entry (callers rely on it).
   */
  conditionBound(a: ArrayTensor, f: LUResult): Float64Array;
  /** Solves A·X = B with the factors of `lu`; b is [..., n, k]. */
  luSolve(f: LUResult, b: ArrayTensor): ArrayTensor;
  /** A⁻¹ of each matrix from its LU factors, as a tensor of `dtype` (no solve against a materialised identity). */
  luInverse(f: LUResult, dtype: DType): ArrayTensor;
  /** Solves op(T)·X = B, T the lower/upper triangle of a (op = transpose when asked). */
  triangularSolve(a: ArrayTensor, b: ArrayTensor, lower: boolean, transpose: boolean, unitDiagonal: boolean): ArrayTensor;
  /** Eigen-decomposition of each symmetric part: ascending values [..., n], vectors as columns [..., n, n]. */
  eigh(a: ArrayTensor): { values: ArrayTensor; vectors: ArrayTensor };
  /** The ascending eigenvalues alone (no eigenvectors accumulated: several times cheaper). */
  eigvalsh(a: ArrayTensor): ArrayTensor;
  /** Reduced SVD [..., m, n] → u [..., m, k], s [..., k] (descending), vt [..., k, n], k = min(m, n). */
  svd(a: ArrayTensor): { u: ArrayTensor; s: ArrayTensor; vt: ArrayTensor };
  /** The singular values alone [..., k], descending (no singular vectors accumulated). */
  svdvals(a: ArrayTensor): ArrayTensor;
  /** Reduced Householder QR [..., m, n] → q [..., m, k], r [..., k, n]. */
  qr(a: ArrayTensor): { q: ArrayTensor; r: ArrayTensor };
}
