/**
 * XGBoost's regression tree from per-sample gradients g and Hessians h (Chen & Guestrin 2016):
 * a node's score is G²/(H + λ); a split's gain is ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] − γ;
 * a leaf's weight is −G/(H + λ); a child needs ΣH ≥ minChildWeight. Trees grow level by level
 * to maxDepth, taking at every node the split of largest gain, then are pruned bottom-up as
 * XGBoost prunes: a split whose two children are leaves and whose gain is below zero becomes
 * a leaf, repeatedly.
 *
 * Candidate thresholds come from bins: "exact" makes every distinct training value its own bin
 * (thresholds half-way between neighbouring values a node holds, XGBoost's exact greedy
 * enumeration), "hist" uses at most maxBin quantile bins per feature (thresholds at the bin
 * edges). Both scan per-node histograms of g and h, one pass over the samples per feature and
 * level.
 */
import type { Matrix } from "./base.js";

/** Tree-growing parameters. */
export interface TreeParams {
  maxDepth: number;
  lambda: number;
  gamma: number;
  minChildWeight: number;
  learningRate: number;
}

/** Per-feature bins: each sample's bin and the thresholds between bins. */
export interface Binning {
  /** bin[i * cols + j]: the bin of sample i in feature j. */
  bin: Int32Array;
  /** Per feature: each bin's distinct value (exact) or its upper edge (hist, the last +Infinity). */
  values: Float64Array[];
  /** Per feature: whether `values` are distinct values (thresholds at midpoints) rather than edges. */
  exact: boolean[];
}

/** A fitted tree in flat arrays; node 0 is the root, a leaf has feature −1. */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Leaf weights (already scaled by the learning rate); for inner nodes, the weight they would have. */
  value: number[];
  /** The split's gain (0 for leaves). */
  gain: number[];
}

function sortedDistinct(column: Float64Array): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const out: number[] = [];
  for (const v of sorted) if (out.length === 0 || v !== out[out.length - 1]) out.push(v);
  return Float64Array.from(out);
}

/** The first index k with values[k] ≥ v (strict: values[k] > v), by binary search. */
function firstAbove(values: Float64Array, v: number, strict: boolean): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < v || (strict && values[mid] === v)) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** At most maxBin − 1 quantile edges of a column and +Infinity; bin k holds [edge k−1, edge k). */
function quantileEdges(column: Float64Array, maxBin: number): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const n = sorted.length;
  const edges = new Set<number>();
  for (let b = 1; b < maxBin; b++) {
    const v = sorted[Math.ceil((b * n) / maxBin)]!;
    if (v > sorted[0]!) edges.add(v);
  }
  return Float64Array.from([...[...edges].sort((a, b) => a - b), Infinity]);
}

/**
 * Bins the training matrix. exact: bin k holds the k-th distinct value; a split after bin k is
 * at the midpoint to the next value present. hist: at most maxBin quantile bins [edge k−1,
 * edge k); a split after bin k is at edge k. Either way x < threshold ⇔ bin ≤ k.
 */
export function makeBins(x: Matrix, method: "exact" | "hist", maxBin: number): Binning {
  const { rows, cols, data } = x;
  const bin = new Int32Array(rows * cols);
  const values: Float64Array[] = [];
  const exact: boolean[] = [];
  for (let j = 0; j < cols; j++) {
    const column = Float64Array.from({ length: rows }, (_, i) => data[i * cols + j]!);
    const distinct = sortedDistinct(column);
    const hist = method === "hist" && distinct.length > maxBin;
    const reps = hist ? quantileEdges(column, maxBin) : distinct;
    values.push(reps);
    exact.push(!hist);
    for (let i = 0; i < rows; i++) bin[i * cols + j] = firstAbove(reps, column[i]!, hist);
  }
  return { bin, values, exact };
}

/** The best split found so far for one node. */
interface Candidate {
  gain: number;
  feature: number;
  threshold: number;
  bin: number;
}

function score(g: number, h: number, lambda: number): number {
  return (g * g) / (h + lambda);
}

/** Scans one feature's histogram of one node for its best split (largest positive gain). */
function scanFeature(
  hg: Float64Array, hh: Float64Array, offset: number, bins: number, values: Float64Array, exact: boolean,
  total: { g: number; h: number }, p: TreeParams, feature: number, best: Candidate,
): void {
  const parent = score(total.g, total.h, p.lambda);
  let gl = 0;
  let hl = 0;
  let last = -1;
  for (let b = 0; b < bins; b++) {
    const gb = hg[offset + b]!;
    const hb = hh[offset + b]!;
    if (gb === 0 && hb === 0) continue;
    if (last >= 0 && hl >= p.minChildWeight && total.h - hl >= p.minChildWeight) {
      const gain = 0.5 * (score(gl, hl, p.lambda) + score(total.g - gl, total.h - hl, p.lambda) - parent);
      if (gain > best.gain) {
        best.gain = gain;
        best.feature = feature;
        best.bin = last;
        best.threshold = exact ? (values[last]! + values[b]!) / 2 : values[last]!;
      }
    }
    gl += gb;
    hl += hb;
    last = b;
  }
}

/** Grows one tree on (g, h) by levels; `position` maps samples to nodes and is reused. */
export function growTree(bins: Binning, rows: number, g: Float64Array, h: Float64Array, p: TreeParams): Tree {
  const cols = bins.values.length;
  const tree: Tree = { feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0], gain: [0] };
  const position = new Int32Array(rows);
  let level = [0];
  const sums = new Map<number, { g: number; h: number }>();
  sums.set(0, { g: g.reduce((a, v) => a + v, 0), h: h.reduce((a, v) => a + v, 0) });
  for (let depth = 0; depth < p.maxDepth && level.length > 0; depth++) {
    const slot = new Map(level.map((node, k) => [node, k]));
    const best: Candidate[] = level.map(() => ({ gain: 1e-12, feature: -1, threshold: 0, bin: -1 }));
    for (let j = 0; j < cols; j++) {
      const nb = bins.values[j]!.length;
      const hg = new Float64Array(level.length * nb);
      const hh = new Float64Array(level.length * nb);
      for (let i = 0; i < rows; i++) {
        const k = slot.get(position[i]!);
        if (k === undefined) continue;
        const at = k * nb + bins.bin[i * cols + j]!;
        hg[at]! += g[i]!;
        hh[at]! += h[i]!;
      }
      level.forEach((node, k) => scanFeature(hg, hh, k * nb, nb, bins.values[j]!, bins.exact[j]!, sums.get(node)!, p, j, best[k]!));
    }
    const next: number[] = [];
    level.forEach((node, k) => {
      const c = best[k]!;
      if (c.feature < 0) return;
      const l = tree.feature.length;
      for (const _ of [0, 1]) { tree.feature.push(-1); tree.threshold.push(0); tree.left.push(-1); tree.right.push(-1); tree.value.push(0); tree.gain.push(0); }
      tree.feature[node] = c.feature;
      tree.threshold[node] = c.threshold;
      tree.left[node] = l;
      tree.right[node] = l + 1;
      tree.gain[node] = c.gain;
      sums.set(l, { g: 0, h: 0 });
      sums.set(l + 1, { g: 0, h: 0 });
      next.push(l, l + 1);
    });
    for (let i = 0; i < rows; i++) {
      const node = position[i]!;
      const c = slot.has(node) ? best[slot.get(node)!]! : undefined;
      if (!c || c.feature < 0) continue;
      const child = bins.bin[i * cols + c.feature]! <= c.bin ? tree.left[node]! : tree.right[node]!;
      position[i] = child;
      const s = sums.get(child)!;
      s.g += g[i]!;
      s.h += h[i]!;
    }
    level = next;
  }
  for (const [node, s] of sums) tree.value[node] = (-s.g / (s.h + p.lambda)) * p.learningRate;
  prune(tree, p.gamma);
  return tree;
}

/** XGBoost's pruning: a split with two leaf children and gain − γ < 0 becomes a leaf, repeatedly. */
function prune(tree: Tree, gamma: number): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (let node = 0; node < tree.feature.length; node++) {
      if (tree.feature[node]! < 0) continue;
      const l = tree.left[node]!;
      const r = tree.right[node]!;
      if (tree.feature[l]! < 0 && tree.feature[r]! < 0 && tree.gain[node]! - gamma < 0) {
        tree.feature[node] = -1;
        tree.gain[node] = 0;
        changed = true;
      }
    }
  }
}

/** The leaf value the tree gives each row of x. */
export function predictTree(tree: Tree, x: Matrix, out: Float64Array, stride = 1, offset = 0): void {
  for (let i = 0; i < x.rows; i++) {
    let node = 0;
    while (tree.feature[node]! >= 0) node = x.data[i * x.cols + tree.feature[node]!]! < tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
    out[i * stride + offset]! += tree.value[node]!;
  }
}

/** The number of leaves reachable from the root. */
export function countLeaves(tree: Tree, node = 0): number {
  return tree.feature[node]! < 0 ? 1 : countLeaves(tree, tree.left[node]!) + countLeaves(tree, tree.right[node]!);
}
