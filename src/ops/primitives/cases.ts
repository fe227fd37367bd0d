import type { CheckCase, Domain } from "../core.js";

/** Rank 0, a vector and a matrix: the shapes every elementwise rule is checked on. */
export function unaryCases(): CheckCase<undefined>[] {
  return [[], [5], [2, 3]].map((s) => ({ shapes: [s], params: undefined }));
}

/** Same shapes, a broadcast row, a rank-0 operand on each side, and an outer-product broadcast. */
export function binaryCases(domains?: Domain[]): CheckCase<undefined>[] {
  const pairs: number[][][] = [[[2, 3], [2, 3]], [[2, 3], [3]], [[], [2, 3]], [[4], []], [[2, 1], [1, 3]], [[], []]];
  return pairs.map((shapes) => ({ shapes, params: undefined, ...(domains ? { domains } : {}) }));
}
