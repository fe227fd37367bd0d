/**
 * spectralDensity: the Hessian's eigenvalue density by stochastic Lanczos quadrature (Lin,
 * Saad & Yang 2016; Ghorbani, Krishnan & Xiao 2019). For a random unit v, m Lanczos steps from
 * v give a Gauss quadrature rule: nodes θⱼ (T's eigenvalues) and weights τⱼ = (first component
 * of T's j-th eigenvector)², with Σ τⱼ g(θⱼ) ≈ vᵀg(H)v, whose mean over v is tr g(H)/n. The
 * density is that rule smoothed by a Gaussian of width σ, averaged over the probes.
 */
import { NablaError } from "../tensor/errors.js";
import type { PyTree } from "../autodiff/pytree.js";
import { lanczosExtend, lanczosStart, ritzPairs } from "../numeric/lanczos.js";
import { FlatFunction, type LandscapeFunction } from "./flat.js";

/** Options of spectralDensity. */
export interface SpectralDensityOptions {
  /** Lanczos steps per probe (default min(n, 40)). */
  steps?: number;
  /** Random start vectors averaged over (default 4). */
  probes?: number;
  /** Width of the Gaussian broadening (default 1% of the spectrum's range). */
  sigma?: number;
  /** Points of the grid (default 200). */
  points?: number;
  seed?: number;
}

/** A smoothed density on a grid and the quadrature rule it comes from. */
export interface SpectralDensity {
  /** Evenly spaced eigenvalues from below the smallest node to above the largest. */
  grid: number[];
  /** The density at each grid point (integrates to 1 over the grid). */
  density: number[];
  /** All probes' quadrature nodes (Ritz values). */
  nodes: number[];
  /** Their weights, summing to 1: Σ wᵢ θᵢᵏ estimates tr(Hᵏ)/n. */
  weights: number[];
  nhvp: number;
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new NablaError(`spectralDensity: ${name} must be a positive integer, got ${value}`);
}

/**
 * The Hessian's eigenvalue density at x by stochastic Lanczos quadrature, from probes × steps
 * Hessian-vector products. The quadrature's moments estimate tr(H)/n (first) and ‖H‖²_F/n
 * (second).
 * @example
 * const f = (p: nb.Tensor) => nb.sum(nb.mul([1, 1, 3], nb.square(p))); // eigenvalues 2, 2, 6
 * const d = nb.landscape.spectralDensity(f, nb.tensor([0, 0, 0]), { probes: 8 });
 * d.nodes.length > 0 && d.density.length === d.grid.length; // => true
 */
export function spectralDensity<X>(f: LandscapeFunction<X>, x: X, options: SpectralDensityOptions = {}): SpectralDensity {
  const fn = new FlatFunction(f, x, "spectralDensity");
  const point = fn.layout.flatten(x as PyTree, "spectralDensity");
  const { steps = Math.min(fn.n, 40), probes = 4, points = 200, seed = 0 } = options;
  positiveInteger(steps, "steps");
  positiveInteger(probes, "probes");
  positiveInteger(points, "points");
  if (options.sigma !== undefined && !(options.sigma > 0)) throw new NablaError(`spectralDensity: sigma must be positive, got ${options.sigma}`);
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let p = 0; p < probes; p++) {
    const run = lanczosStart(fn.n, { seed: seed + 7919 * p });
    lanczosExtend(run, fn.hessianAt(point), steps);
    const { values, vectors } = ritzPairs(run);
    values.forEach((theta, j) => {
      nodes.push(theta);
      weights.push(vectors[j]![0]! ** 2 / probes);
    });
  }
  const lo = Math.min(...nodes);
  const hi = Math.max(...nodes);
  const sigma = options.sigma ?? Math.max((hi - lo) / 100, 1e-8 * Math.max(1, Math.abs(hi)));
  const [a, b] = [lo - 5 * sigma, hi + 5 * sigma];
  const grid = Array.from({ length: points }, (_, i) => a + ((b - a) * i) / Math.max(1, points - 1));
  const norm = 1 / (sigma * Math.sqrt(2 * Math.PI));
  const density = grid.map((t) => nodes.reduce((s, theta, i) => s + weights[i]! * norm * Math.exp(-0.5 * ((t - theta) / sigma) ** 2), 0));
  return { grid, density, nodes, weights, nhvp: fn.nhvp };
}
