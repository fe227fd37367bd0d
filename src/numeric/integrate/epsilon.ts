/**
 * Wynn's ε-algorithm as QUADPACK's QELG uses it: the partial sums of an adaptive integration
 * near an endpoint singularity converge like a geometric series, and the ε-table extrapolates
 * them to their limit, with an error estimate from the last three extrapolated values.
 */

const LIMEXP = 50;
const EPMACH = Number.EPSILON;
/** QUADPACK's "overflow" marker: the largest finite number (∞ would poison the tolerances). */
const OFLOW = Number.MAX_VALUE;

/** The ε-table: push the next partial sum, read the best extrapolation and its error. */
export class EpsilonTable {
  /** 1-based like the algorithm's description: t[1…n] holds the current lower diagonal. */
  private readonly t = new Float64Array(LIMEXP + 4);
  private n = 0;
  private last3: number[] = [];
  private calls = 0;

  /** Number of elements in the table now (the algorithm may discard some). */
  get size(): number {
    return this.n;
  }

  /** Adds a partial sum; returns the extrapolated limit and an estimate of its error. */
  push(value: number): { result: number; error: number } {
    const t = this.t;
    const n0 = ++this.n;
    t[n0] = value;
    const finish = (result: number, error: number) => ({ result, error: Math.max(error, 5 * EPMACH * Math.abs(result)) });
    if (n0 < 3) return finish(value, Infinity);
    this.calls++;
    t[n0 + 2] = t[n0]!;
    const newelm = Math.floor((n0 - 1) / 2);
    t[n0] = OFLOW;
    let n = n0;
    let k1 = n0;
    let result = value;
    let abserr = Infinity;
    for (let i = 1; i <= newelm; i++) {
      const e0 = t[k1 - 2]!;
      const e1 = t[k1 - 1]!;
      const e2 = t[k1 + 2]!;
      const delta2 = e2 - e1;
      const err2 = Math.abs(delta2);
      const tol2 = Math.max(Math.abs(e2), Math.abs(e1)) * EPMACH;
      const delta3 = e1 - e0;
      const err3 = Math.abs(delta3);
      const tol3 = Math.max(Math.abs(e1), Math.abs(e0)) * EPMACH;
      if (err2 <= tol2 && err3 <= tol3) {
        // e0, e1, e2 agree to rounding: converged (the table is left for the next push).
        t[n0] = value;
        return finish(e2, err2 + err3);
      }
      const e3 = t[k1]!;
      t[k1] = e1;
      const delta1 = e1 - e3;
      const err1 = Math.abs(delta1);
      const tol1 = Math.max(Math.abs(e1), Math.abs(e3)) * EPMACH;
      const ss = 1 / delta1 + 1 / delta2 - 1 / delta3;
      if (err1 <= tol1 || err2 <= tol2 || err3 <= tol3 || Math.abs(ss * e1) <= 1e-4) {
        // Two elements (nearly) equal, or irregular behaviour: drop the rest of the table.
        n = i + i - 1;
        break;
      }
      const next = e1 + 1 / ss;
      t[k1] = next;
      k1 -= 2;
      const error = err2 + Math.abs(next - e2) + err3;
      if (error <= abserr) {
        abserr = error;
        result = next;
      }
    }
    this.shift(n0, n, newelm);
    if (this.calls < 4) {
      this.last3.push(result);
      return finish(result, Infinity);
    }
    const [r1, r2, r3] = this.last3 as [number, number, number];
    this.last3 = [r2, r3, result];
    return finish(result, Math.abs(result - r3) + Math.abs(result - r2) + Math.abs(result - r1));
  }

  /** Moves the new lower diagonal into place and keeps the table at most LIMEXP long. */
  private shift(num: number, n: number, newelm: number): void {
    const t = this.t;
    if (n === LIMEXP) n = 2 * Math.floor(LIMEXP / 2) - 1;
    let ib = num % 2 === 0 ? 2 : 1;
    for (let i = 1; i <= newelm + 1; i++, ib += 2) t[ib] = t[ib + 2]!;
    if (num !== n) {
      let indx = num - n + 1;
      for (let i = 1; i <= n; i++) t[i] = t[indx++]!;
    }
    this.n = n;
  }
}
