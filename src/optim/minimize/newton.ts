/**
 * Newton's method with a modified Hessian and a line search (Nocedal & Wright §3.4,
 * Algorithm 3.3 "Cholesky with added multiple of the identity"): the Hessian comes from
 * nb.hessian, H + τI is factored with τ raised until the
 * Cholesky factorisation succeeds (so the direction always descends), and the step is
 * chosen by a strong-Wolfe search starting from the full Newton step.
 */
import { lineSearchLoop } from "./line-search-loop.js";
import type { Objective } from "./objective.js";
import type { MethodContext, MethodOutcome } from "./types.js";
import type { Vec } from "./vector.js";

/** The Hessian, symmetrised against rounding. */
function symmetricHessian(objective: Objective, x: Vec): Vec {
  const n = x.length;
  const H = objective.hessian(x);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) H[i * n + j] = H[j * n + i] = (H[i * n + j]! + H[j * n + i]!) / 2;
  }
  return H;
}

/** The lower Cholesky factor of A + τI, or undefined when it is not positive definite. */
function cholesky(A: Vec, n: number, tau: number): Vec | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]! + tau;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! ** 2;
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Solves L Lᵀ p = b. */
function choleskySolve(L: Vec, n: number, b: Vec): Vec {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * p[k]!;
    p[i] = s / L[i * n + i]!;
  }
  return p;
}

/** A factor of H + τI with the smallest τ of the sequence 0 (if H looks definite), β, 2β, 4β, … */
function modifiedCholesky(H: Vec, n: number): Vec {
  const beta = 1e-3;
  let minDiagonal = Infinity;
  for (let i = 0; i < n; i++) minDiagonal = Math.min(minDiagonal, H[i * n + i]!);
  let tau = minDiagonal > 0 ? 0 : beta - minDiagonal;
  for (;;) {
    const L = cholesky(H, n, tau);
    if (L) return L;
    tau = Math.max(2 * tau, beta);
  }
}

export function newton(ctx: MethodContext): MethodOutcome {
  const { objective } = ctx;
  const n = objective.n;
  return lineSearchLoop(ctx, {
    direction: (x, g) => choleskySolve(modifiedCholesky(symmetricHessian(objective, x), n), n, g.map((v) => -v)),
    initialStep: () => 1,
  });
}
