/**
 * hessianTrace: tr ∇²f(x) from Hessian-vector products with random probes. Hutchinson's
 * estimator averages zᵀHz over Rademacher z (unbiased, variance 2‖H‖²_F minus the diagonal's
 * share); Hutch++ (Meyer, Musco, Musco & Woodruff 2021) first takes the trace exactly on the
 * span of H·S for a third of the budget and applies Hutchinson only to the rest, which wins
 * when a few eigenvalues dominate, as they do in trained networks.
 */
import { NablaError } from "../tensor/errors.js";
import { Random } from "../tensor/random.js";
import type { PyTree } from "../autodiff/pytree.js";
import { orthogonalise } from "../numeric/lanczos.js";
import { FlatFunction, type LandscapeFunction, type Vec, dot } from "./flat.js";

/** Options of hessianTrace. */
export interface HessianTraceOptions {
  /** Hessian-vector products to spend (default 30; Hutch++ needs at least 3). */
  samples?: number;
  /** "hutchinson" (default; also gives per-group traces) or "hutch++". */
  method?: "hutchinson" | "hutch++";
  /** Seed of the probes (default 0). */
  seed?: number;
}

/** A trace estimate with its standard error. */
export interface TraceEstimate {
  trace: number;
  /** The estimate's standard error (the probes' sample standard deviation / √count). */
  stderr: number;
}

/** The trace, its standard error, and for a pytree the trace of each leaf's diagonal block. */
export interface HessianTrace extends TraceEstimate {
  /** Per leaf of a pytree point (a layer's weight, its bias, …), by path: tr of that diagonal block. Hutchinson only. */
  groups?: Record<string, TraceEstimate>;
  nhvp: number;
}

function rademacher(n: number, random: Random): Vec {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = random.uniform() < 0.5 ? -1 : 1;
  return z;
}

/** Mean and standard error of the mean. */
function meanAndError(samples: readonly number[]): TraceEstimate {
  const m = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / m;
  if (m < 2) return { trace: mean, stderr: Infinity };
  const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1);
  return { trace: mean, stderr: Math.sqrt(variance / m) };
}

function hutchinson<X>(fn: FlatFunction<X>, x: Vec, samples: number, random: Random): Omit<HessianTrace, "nhvp"> {
  const slots = fn.layout.slots;
  const total: number[] = [];
  const perGroup: number[][] = slots.map(() => []);
  for (let s = 0; s < samples; s++) {
    const z = rademacher(fn.n, random);
    const Hz = fn.hvp(x, z);
    total.push(dot(z, Hz));
    slots.forEach((slot, g) => {
      let q = 0;
      for (let i = slot.offset; i < slot.offset + slot.size; i++) q += z[i]! * Hz[i]!;
      perGroup[g]!.push(q);
    });
  }
  const estimate = meanAndError(total);
  if (slots.length < 2) return estimate;
  return { ...estimate, groups: Object.fromEntries(slots.map((slot, g) => [slot.name, meanAndError(perGroup[g]!)])) };
}

/** An orthonormal basis of the vectors' span (Gram–Schmidt twice), dropping dependent ones. */
function orthonormal(vectors: readonly Vec[]): Vec[] {
  const basis: Vec[] = [];
  for (const v of vectors) {
    const w = v.slice();
    orthogonalise(w, basis);
    const norm = Math.sqrt(dot(w, w));
    if (norm > 1e-10 * Math.sqrt(dot(v, v))) basis.push(w.map((u) => u / norm));
  }
  return basis;
}

function hutchPlusPlus<X>(fn: FlatFunction<X>, x: Vec, samples: number, random: Random): TraceEstimate {
  const sketch = Math.max(1, Math.floor(samples / 3));
  const residualProbes = Math.max(1, samples - 2 * sketch);
  const Q = orthonormal(Array.from({ length: sketch }, () => fn.hvp(x, rademacher(fn.n, random))));
  const exact = Q.reduce((sum, q) => sum + dot(q, fn.hvp(x, q)), 0);
  const project = (z: Vec): Vec => {
    const w = z.slice();
    orthogonalise(w, Q);
    return w;
  };
  const residual = Array.from({ length: residualProbes }, () => {
    const w = project(rademacher(fn.n, random));
    return dot(w, project(fn.hvp(x, w)));
  });
  const rest = meanAndError(residual);
  return { trace: exact + rest.trace, stderr: rest.stderr };
}

/**
 * An unbiased estimate of the Hessian's trace at x with its standard error, from `samples`
 * Hessian-vector products (never forming H). For a pytree x (a network's parameters) the
 * Hutchinson estimate also gives each leaf's block trace, the per-layer curvature.
 * @example
 * const f = (p: nb.Tensor) => nb.sum(nb.mul([1, 3, -2], nb.square(p))); // H = diag(2, 6, −4)
 * // Rademacher probes are exact for a diagonal H: every zᵀHz equals the trace.
 * nb.landscape.hessianTrace(f, nb.tensor([0, 0, 0]), { samples: 5 }).trace; // => 4
 */
export function hessianTrace<X>(f: LandscapeFunction<X>, x: X, options: HessianTraceOptions = {}): HessianTrace {
  const { samples = 30, method = "hutchinson", seed = 0 } = options;
  if (!Number.isInteger(samples) || samples < (method === "hutch++" ? 3 : 1)) {
    throw new NablaError(`hessianTrace: samples must be an integer ≥ ${method === "hutch++" ? 3 : 1}, got ${samples}`);
  }
  if (method !== "hutchinson" && method !== "hutch++") throw new NablaError(`hessianTrace: method must be "hutchinson" or "hutch++", got "${method}"`);
  const fn = new FlatFunction(f, x, "hessianTrace");
  const point = fn.layout.flatten(x as PyTree, "hessianTrace");
  const random = new Random(seed);
  const estimate = method === "hutchinson" ? hutchinson(fn, point, samples, random) : hutchPlusPlus(fn, point, samples, random);
  return { ...estimate, nhvp: fn.nhvp };
}
