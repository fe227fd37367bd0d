/**
 * Flat float64 vector arithmetic for minimize's bookkeeping. minimize works on the problem's
 * variables as one Float64Array, as scipy.optimize does: f, ∇f and H·v come from nabla's
 * tensors, while the O(n) and O(n²) updates between evaluations (quasi-Newton matrices,
 * two-loop recursions, CG iterations, simplices) are a few scalar loops that would only pay
 * per-op overhead as graph ops on the small problems these methods are for.
 */

/** A flat vector of the variables. */
export type Vec = Float64Array<ArrayBuffer>;

export function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm2(a: Vec): number {
  return Math.sqrt(dot(a, a));
}

export function normInf(a: Vec): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** a + s·b, as a new vector. */
export function axpy(a: Vec, s: number, b: Vec): Vec {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + s * b[i]!;
  return out;
}

/** s·a, as a new vector. */
export function scale(a: Vec, s: number): Vec {
  return a.map((v) => v * s);
}

/** a − b, as a new vector. */
export function sub(a: Vec, b: Vec): Vec {
  return axpy(a, -1, b);
}

/** A symmetric n×n matrix times a vector; the matrix is row-major in a flat array. */
export function matVec(m: Vec, v: Vec): Vec {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += m[i * n + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}
