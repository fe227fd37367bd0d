/**
 * Eigenvalues and eigenvectors of a small symmetric matrix by the cyclic Jacobi method: plane
 * rotations zero each off-diagonal entry in turn, sweep after sweep, until the off-diagonal
 * mass is negligible. Slower than tridiagonal QR for large n, but simple, backward stable and
 * accurate to a few ulps in every eigenvalue, which is what Hessian verdicts need.
 */
import { type TensorLike, tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";

/** Eigenvalues in ascending order and a unit eigenvector for each. */
export interface SymmetricEigen {
  values: number[];
  /** `vectors[k]` belongs to `values[k]`; its largest component (by magnitude) is positive. */
  vectors: number[][];
}

const MAX_SWEEPS = 64;

function readSymmetric(matrix: TensorLike): number[][] {
  const t = tensor(matrix);
  if (t.ndim !== 2 || t.shape[0] !== t.shape[1]) throw new NablaError(`symmetricEigen: expected a square matrix, got shape [${t.shape.join(", ")}]`);
  const a = t.toArray() as number[][];
  const n = a.length;
  const scale = Math.max(1, ...a.flat().map(Math.abs));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (!Number.isFinite(a[i]![j]!)) throw new NablaError(`symmetricEigen: entry [${i}, ${j}] is ${a[i]![j]}`);
      if (Math.abs(a[i]![j]! - a[j]![i]!) > 1e-10 * scale) {
        throw new NablaError(`symmetricEigen: the matrix is not symmetric (entries [${i}, ${j}] = ${a[i]![j]} and [${j}, ${i}] = ${a[j]![i]})`);
      }
    }
  }
  return a;
}

/**
 * The eigen-decomposition A = V diag(λ) Vᵀ of a real symmetric matrix, by cyclic Jacobi.
 *
 * @example
 * nb.numeric.symmetricEigen([[2, 1], [1, 2]]).values; // => [1, 3]
 * nb.numeric.symmetricEigen([[2, 1], [1, 2]]).vectors; // => [[Math.SQRT1_2, -Math.SQRT1_2], [Math.SQRT1_2, Math.SQRT1_2]]
 */
export function symmetricEigen(matrix: TensorLike): SymmetricEigen {
  const a = readSymmetric(matrix);
  const n = a.length;
  const v: number[][] = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  const total = Math.hypot(...a.flat());
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (Math.sqrt(off) <= Number.EPSILON * total) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p][q]; t = tan θ is taken as the smaller root for stability.
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [a[k]![p]!, a[k]![q]!];
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [a[p]![k]!, a[q]![k]!];
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
          const [vkp, vkq] = [v[k]![p]!, v[k]![q]!];
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = a.map((row, i) => [row[i]!, i] as const).sort((x, y) => x[0] - y[0]);
  return {
    values: order.map(([value]) => value),
    vectors: order.map(([, i]) => {
      const column = v.map((row) => row[i]!);
      const largest = column.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0);
      return column.map((x) => (largest < 0 ? -x : x));
    }),
  };
}
