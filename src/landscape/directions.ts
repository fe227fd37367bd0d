/**
 * Directions in parameter space for slices: random Gaussian directions with Li et al.'s
 * (2018) filter normalisation, and the principal directions of an optimisation trajectory.
 */
import { NablaError } from "../tensor/errors.js";
import { Random } from "../tensor/random.js";
import type { PyTree } from "../autodiff/pytree.js";
import { symmetricEigen } from "../numeric/linalg/eigh.js";
import { FlatLayout, type Vec, dot } from "./flat.js";

/** Options of randomDirections. */
export interface RandomDirectionOptions {
  /** Scale each output unit's direction to the norm of its weights, zero bias directions (default true). */
  filterNormalize?: boolean;
  /** How many directions (default 2). */
  count?: number;
  seed?: number;
}

/**
 * Filter normalisation in place: for a leaf of rank ≥ 2 (weights stored [..., in, out], as
 * nabla's layers do), each output unit's slice d[..., j] is scaled to ‖w[..., j]‖; leaves of
 * rank ≤ 1 (biases) get a zero direction. A point with no leaf of rank ≥ 2 (a plain vector)
 * has no filters: its direction is scaled to ‖x‖ as a whole.
 */
function filterNormalise(layout: FlatLayout<unknown>, w: Vec, d: Vec): void {
  const hasFilters = layout.slots.some((s) => s.shape.length >= 2);
  if (!hasFilters) {
    const scale = Math.sqrt(dot(w, w) / Math.max(dot(d, d), Number.MIN_VALUE));
    for (let i = 0; i < d.length; i++) d[i] = d[i]! * scale;
    return;
  }
  for (const slot of layout.slots) {
    if (slot.shape.length < 2) {
      d.fill(0, slot.offset, slot.offset + slot.size);
      continue;
    }
    const units = slot.shape.at(-1)!;
    for (let j = 0; j < units; j++) {
      let [wn, dn] = [0, 0];
      for (let i = slot.offset + j; i < slot.offset + slot.size; i += units) [wn, dn] = [wn + w[i]! ** 2, dn + d[i]! ** 2];
      const scale = dn > 0 ? Math.sqrt(wn / dn) : 0;
      for (let i = slot.offset + j; i < slot.offset + slot.size; i += units) d[i] = d[i]! * scale;
    }
  }
}

/**
 * Random Gaussian directions shaped like params, filter-normalised by default (Li et al.
 * 2018) so that slices of networks with different weight scales can be compared.
 * @example
 * const params = { w: nb.tensor([[3, 0], [4, 0]]), b: nb.tensor([1, 1]) };
 * const d = nb.landscape.randomDirections(params, { count: 1, seed: 1 })[0]!;
 * // Output unit 0's weights (a column) have norm 5, so its direction does too; biases get 0.
 * [Math.round(nb.norm(d.w.slice([0, 0], [2, 1])).item() * 1e9) / 1e9, d.b.toArray()]; // => [5, [0, 0]]
 */
export function randomDirections<X>(params: X, options: RandomDirectionOptions = {}): X[] {
  const { filterNormalize = true, count = 2, seed = 0 } = options;
  if (!Number.isInteger(count) || count < 1) throw new NablaError(`randomDirections: count must be a positive integer, got ${count}`);
  const layout = new FlatLayout(params, "randomDirections");
  const w = layout.flatten(params as PyTree, "randomDirections");
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const d = new Float64Array(layout.n);
    for (let i = 0; i < d.length; i++) d[i] = random.normal();
    if (filterNormalize) filterNormalise(layout as FlatLayout<unknown>, w, d);
    return layout.unflatten(d);
  });
}

/** Options of trajectoryPCA. */
export interface TrajectoryPcaOptions {
  /** Principal directions to keep (default 2). */
  components?: number;
}

/** The principal directions of a trajectory and each point's coordinates along them. */
export interface TrajectoryPca<X> {
  /** Unit directions shaped like the points. */
  directions: X[];
  /** coordinates[t][k]: point t − final point, along direction k. */
  coordinates: number[][];
  /** The share of the trajectory's spread (about the final point) along each direction. */
  explained: number[];
}

/**
 * PCA of an optimisation path (Li et al. 2018, §7): the differences between each point and
 * the final one, and their top principal directions, which a 2-D slice can use so that the
 * path lies (mostly) in the plotted plane. Points are pytrees of one structure.
 * @example
 * const path = [nb.tensor([2, 1]), nb.tensor([1, 0.5]), nb.tensor([0, 0])];
 * const pca = nb.landscape.trajectoryPCA(path, { components: 1 });
 * pca.explained.map((e) => Math.round(e * 1e9) / 1e9); // => [1]
 */
export function trajectoryPCA<X>(points: readonly X[], options: TrajectoryPcaOptions = {}): TrajectoryPca<X> {
  const { components = 2 } = options;
  if (points.length < 2) throw new NablaError(`trajectoryPCA: needs at least 2 points, got ${points.length}`);
  const layout = new FlatLayout(points[0]!, "trajectoryPCA");
  const flat = points.map((p, i) => layout.flatten(p as PyTree, `trajectoryPCA (point ${i})`));
  const last = flat.at(-1)!;
  const diffs = flat.map((p) => p.map((v, i) => v - last[i]!));
  // The Gram matrix of the differences has the same nonzero spectrum as their covariance.
  const gram = diffs.map((a) => diffs.map((b) => dot(a, b)));
  const { values, vectors } = symmetricEigen(gram);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, Math.min(components, points.length - 1));
  const directions = order.map(([v, i]) => {
    const d = new Float64Array(layout.n);
    diffs.forEach((row, t) => {
      const c = vectors[i]![t]! / Math.sqrt(Math.max(v, Number.MIN_VALUE));
      for (let j = 0; j < d.length; j++) d[j] = d[j]! + c * row[j]!;
    });
    return d;
  });
  return {
    directions: directions.map((d) => layout.unflatten(d)),
    coordinates: diffs.map((row) => directions.map((d) => dot(row, d))),
    explained: order.map(([v]) => (total > 0 ? Math.max(0, v) / total : 0)),
  };
}
