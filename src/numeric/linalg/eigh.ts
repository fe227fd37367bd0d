/**
 * Eigenvalues and eigenvectors of a small symmetric matrix as plain numbers, for verdicts
 * (Hessian curvature, CLI reports). It runs nb.linalg.eigh (Householder tridiagonalisation +
 * implicit QL); to differentiate through a spectrum use nb.linalg.eigh or nb.linalg.eigvalsh,
 * which return tensors.
 */
import { type TensorLike, toTensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import { eigh } from "../../ops/linalg/index.js";

/** Eigenvalues in ascending order and a unit eigenvector for each. */
export interface SymmetricEigen {
  values: number[];
  /** `vectors[k]` belongs to `values[k]`; its largest component (by magnitude) is positive. */
  vectors: number[][];
}

function readSymmetric(matrix: TensorLike): number[][] {
  const t = toTensor(matrix);
  if (t.level > 0) {
    throw new NablaError(
      "symmetricEigen returns plain numbers, which carry no derivative; inside grad/jvp use " +
        "nb.linalg.eigvalsh(a) (eigenvalues) or nb.linalg.eigh(a) (both), which are differentiable",
    );
  }
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
 * The eigen-decomposition A = V diag(λ) Vᵀ of a real symmetric matrix, as plain numbers.
 *
 * @example
 * nb.numeric.symmetricEigen([[2, 1], [1, 2]]).values; // => [1, 3]
 * nb.numeric.symmetricEigen([[2, 1], [1, 2]]).vectors; // => [[Math.SQRT1_2, -Math.SQRT1_2], [Math.SQRT1_2, Math.SQRT1_2]]
 */
export function symmetricEigen(matrix: TensorLike): SymmetricEigen {
  const a = readSymmetric(matrix);
  const { eigenvalues, eigenvectors } = eigh(a);
  const columns = eigenvectors.toArray() as number[][];
  return {
    values: eigenvalues.toArray() as number[],
    vectors: columns.map((_, k) => columns.map((row) => row[k]!)),
  };
}
