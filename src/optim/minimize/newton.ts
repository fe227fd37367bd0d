/**
 * Newton's method with a modified Hessian and a line search (Nocedal & Wright §3.4,
 * Algorithm 3.3 "Cholesky with added multiple of the identity"): the Hessian comes from
 * nb.hessian, H + τI is factored by nb.linalg.cholesky with τ raised until the
 * factorisation succeeds (so the direction always descends), and the step is
 * chosen by a strong-Wolfe search starting from the full Newton step.
 */
import { cholesky, choSolve } from "../../ops/linalg/index.js";
import { tensor } from "../../tensor/create.js";
import { NablaError } from "../../tensor/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
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
function factorShifted(A: Vec, n: number, tau: number): Tensor | undefined {
  const shifted = Float64Array.from(A, (v, k) => (k % (n + 1) === 0 ? v + tau : v));
  try {
    return cholesky(tensor(shifted, { shape: [n, n] }));
  } catch (e) {
    if (e instanceof NablaError) return undefined;
    throw e;
  }
}

/** A factor of H + τI with the smallest τ of the sequence 0 (if H looks definite), β, 2β, 4β, … */
function modifiedCholesky(H: Vec, n: number): Tensor {
  const beta = 1e-3;
  let minDiagonal = Infinity;
  for (let i = 0; i < n; i++) minDiagonal = Math.min(minDiagonal, H[i * n + i]!);
  let tau = minDiagonal > 0 ? 0 : beta - minDiagonal;
  for (;;) {
    const L = factorShifted(H, n, tau);
    if (L) return L;
    tau = Math.max(2 * tau, beta);
  }
}

/** Solves L Lᵀ p = −g. */
function newtonStep(L: Tensor, g: Vec): Vec {
  return Float64Array.from(choSolve(L, tensor(Float64Array.from(g, (v) => -v))).values());
}

export function newton(ctx: MethodContext): MethodOutcome {
  const { objective } = ctx;
  const n = objective.n;
  return lineSearchLoop(ctx, {
    direction: (x, g) => newtonStep(modifiedCholesky(symmetricHessian(objective, x), n), g),
    initialStep: () => 1,
  });
}
