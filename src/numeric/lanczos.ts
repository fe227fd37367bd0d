/**
 * The Lanczos process on a symmetric linear operator given only as v ↦ A·v: an orthonormal
 * basis Q of the Krylov space span{q₁, A q₁, A² q₁, …} and the tridiagonal T = QᵀAQ whose
 * eigenvalues (Ritz values) approximate A's extreme eigenvalues after far fewer products than
 * A's size. Every new vector is reorthogonalised against the whole basis (twice, "twice is
 * enough"), so no spurious copies of converged eigenvalues appear; the memory is steps × n.
 * Used by the landscape tools (Hessian spectra, densities) and by minimize's saddle check.
 */
import { Random } from "../tensor/random.js";
import { symmetricEigen } from "./linalg/eigh.js";

/** A flat vector. */
type Vec = Float64Array<ArrayBuffer>;

/** The state of a Lanczos run: the basis, the tridiagonal's diagonal and off-diagonal. */
export interface LanczosRun {
  /** Orthonormal basis vectors q₁…q_m. */
  basis: Vec[];
  /** T's diagonal α₁…α_m. */
  alpha: number[];
  /** T's off-diagonal β₁…β_m (β_m couples to the next, not yet computed vector). */
  beta: number[];
  /** Products with A so far. */
  products: number;
  /** True when the Krylov space is invariant and the whole space (all n directions) is spanned. */
  exhausted: boolean;
}

/** Eigenvalues (ascending) of T with their eigenvectors' last components and the vectors. */
export interface RitzPairs {
  values: number[];
  /** `vectors[i]` is T's unit eigenvector for `values[i]` (length m). */
  vectors: number[][];
  /** |β_m · s_{m,i}| = ‖A y − θ y‖ for the Ritz vector y: how far each pair is from converged. */
  residuals: number[];
}

function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Removes from w, in place, its components along every (orthonormal) basis vector: classical Gram–Schmidt, applied twice. */
export function orthogonalise(w: Vec, basis: readonly Vec[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const q of basis) {
      const c = dot(w, q);
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - c * q[i]!;
    }
  }
}

function normalised(w: Vec): Vec | undefined {
  const norm = Math.sqrt(dot(w, w));
  if (!(norm > 0)) return undefined;
  return w.map((v) => v / norm);
}

/** A random unit vector orthogonal to the basis (undefined when the basis spans everything). */
function freshDirection(n: number, basis: readonly Vec[], random: Random): Vec | undefined {
  if (basis.length >= n) return undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = random.normal();
    orthogonalise(w, basis);
    const q = normalised(w);
    if (q && Math.sqrt(dot(w, w)) > 1e-8) return q;
  }
  return undefined;
}

/**
 * Starts a Lanczos run from `start` (or a seeded Gaussian vector). Call `lanczosExtend` to
 * take steps.
 */
export function lanczosStart(n: number, options: { seed?: number; start?: Vec } = {}): LanczosRun & { random: Random } {
  const random = new Random(options.seed ?? 0);
  const first = options.start ? normalised(options.start.slice()) : undefined;
  const q = first ?? freshDirection(n, [], random)!;
  return { basis: [q], alpha: [], beta: [], products: 0, exhausted: false, random };
}

/**
 * Takes Lanczos steps until T has `steps` rows (at most n). When the Krylov space closes
 * (β ≈ 0) the run continues from a fresh random direction orthogonal to the basis, with a
 * zero coupling, so T stays exactly QᵀAQ and its eigenvalues stay eigenvalues of A.
 */
export function lanczosExtend(run: LanczosRun & { random: Random }, apply: (v: Vec) => Vec, steps: number): void {
  const n = run.basis[0]!.length;
  const target = Math.min(steps, n);
  while (run.alpha.length < target && !run.exhausted) {
    const j = run.alpha.length;
    const q = run.basis[j]!;
    const w = apply(q).slice();
    run.products++;
    const a = dot(w, q);
    run.alpha.push(a);
    orthogonalise(w, run.basis);
    const b = Math.sqrt(dot(w, w));
    const scale = Math.max(Math.abs(a), ...run.beta.map(Math.abs), 1e-300);
    if (run.basis.length >= n) {
      run.beta.push(0);
      run.exhausted = true;
    } else if (b > 1e-10 * scale) {
      run.beta.push(b);
      run.basis.push(w.map((v) => v / b));
    } else {
      run.beta.push(0);
      const next = freshDirection(n, run.basis, run.random);
      if (next) run.basis.push(next);
      else run.exhausted = true;
    }
  }
}

/** The eigen-decomposition of the run's tridiagonal T, with each Ritz pair's residual. */
export function ritzPairs(run: LanczosRun): RitzPairs {
  const m = run.alpha.length;
  const T = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (__, j) => (i === j ? run.alpha[i]! : Math.abs(i - j) === 1 ? run.beta[Math.min(i, j)]! : 0)));
  const { values, vectors } = symmetricEigen(T);
  const last = run.exhausted ? 0 : run.beta[m - 1]!;
  return { values, vectors, residuals: vectors.map((s) => Math.abs(last * s[m - 1]!)) };
}

/** The Ritz vector Q s for T's eigenvector s. */
export function ritzVector(run: LanczosRun, s: readonly number[]): Vec {
  const n = run.basis[0]!.length;
  const y = new Float64Array(n);
  s.forEach((c, j) => {
    const q = run.basis[j]!;
    for (let i = 0; i < n; i++) y[i] = y[i]! + c * q[i]!;
  });
  return y;
}
