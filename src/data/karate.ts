/**
 * Zachary's karate club (W. W. Zachary, "An information flow model for conflict and fission in
 * small groups", J. Anthropological Research 33, 1977): 34 members, 78 friendships observed
 * outside the club, and the faction each member joined when the club split — the instructor
 * "Mr. Hi" (member 0) or the officer (member 33). Public-domain data; the edge list and
 * factions are as networkx 2.8's `karate_club_graph` gives them (unweighted).
 */
import { tensor } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";

const EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6], [0, 7], [0, 8], [0, 10], [0, 11], [0, 12], [0, 13], [0, 17],
  [0, 19], [0, 21], [0, 31], [1, 2], [1, 3], [1, 7], [1, 13], [1, 17], [1, 19], [1, 21], [1, 30], [2, 3], [2, 7],
  [2, 8], [2, 9], [2, 13], [2, 27], [2, 28], [2, 32], [3, 7], [3, 12], [3, 13], [4, 6], [4, 10], [5, 6], [5, 10],
  [5, 16], [6, 16], [8, 30], [8, 32], [8, 33], [9, 33], [13, 33], [14, 32], [14, 33], [15, 32], [15, 33], [18, 32], [18, 33],
  [19, 33], [20, 32], [20, 33], [22, 32], [22, 33], [23, 25], [23, 27], [23, 29], [23, 32], [23, 33], [24, 25], [24, 27], [24, 31],
  [25, 31], [26, 29], [26, 33], [27, 33], [28, 31], [28, 33], [29, 32], [29, 33], [30, 32], [30, 33], [31, 32], [31, 33], [32, 33],
];

/** 0 = Mr. Hi's faction, 1 = the officer's, by member. */
const FACTIONS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

/** A graph for node classification. */
export interface GraphDataset {
  /** Symmetric 0/1 adjacency [n, n], no self-loops. */
  adjacency: Tensor;
  /** Edges as [i, j] with i < j. */
  edges: [number, number][];
  /** The class of each node, [n]. */
  y: Tensor;
  targetNames: string[];
}

/**
 * Zachary's karate club as a node-classification problem: predict each member's faction.
 * @example
 * const club = nb.data.karateClub();
 * [club.adjacency.shape, club.edges.length, nb.sum(club.y).item()]; // => [[34, 34], 78, 17]
 */
export function karateClub(): GraphDataset {
  const n = FACTIONS.length;
  const a = new Float64Array(n * n);
  for (const [i, j] of EDGES) a[i * n + j] = a[j * n + i] = 1;
  return {
    adjacency: tensor(a, { shape: [n, n] }),
    edges: EDGES.map(([i, j]) => [i, j]),
    y: tensor(FACTIONS),
    targetNames: ["Mr. Hi", "Officer"],
  };
}
