/**
 * The matrix exponential by scaling and squaring with a diagonal Padé approximant of degree
 * 3, 5, 7, 9 or 13, the degree and scaling chosen from the norms of the powers A⁴, A⁶, A⁸, A¹⁰
 * as in Al-Mohy & Higham, "A new scaling and squaring algorithm for the matrix exponential"
 * (SIAM J. Matrix Anal. Appl. 31, 2009), Algorithm 5.1, without its ℓ backward-error
 * correction. Its derivative is the Fréchet derivative L(A, E), the top-right block of
 * expm([[A, E], [0, A]]) (Mathias 1996), so both rules are expm again and differentiate to
 * any order.
 */
import { type Primitive, bind, definePrimitive } from "../core.js";
import { backend } from "../../backend/registry.js";
import { ArrayTensor, type Tensor } from "../../tensor/tensor.js";
import { zeros } from "../../tensor/create.js";
import { abs, div, maximum, mul, stopGradient } from "../primitives/elementwise.js";
import { max } from "../primitives/reduce.js";
import { concat } from "../primitives/shape.js";
import { colBlock, cols, leadingAxisBatch, mT, requireFinite, rowBlock } from "./helpers.js";

/** θₘ: the largest ‖2⁻ˢA‖ for which the degree-m Padé approximant is accurate to unit roundoff. */
const THETA: Record<number, number> = { 3: 1.495585217958292e-2, 5: 2.539398330063230e-1, 7: 9.504178996162932e-1, 9: 2.097847961257068, 13: 5.371920351148152 };

/** Coefficients b₀ … bₘ of the degree-m Padé numerator. */
const PADE: Record<number, readonly number[]> = {
  3: [120, 60, 12, 1],
  5: [30240, 15120, 3360, 420, 30, 1],
  7: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1],
  9: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1],
  13: [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
  ],
};

type Mat = Float64Array;

function product(a: Mat, b: Mat, n: number): Mat {
  const out = backend().matmul(new ArrayTensor(a, [n, n]), new ArrayTensor(b, [n, n]), [n, n]).contiguousData(false);
  return out instanceof Float64Array ? out : Float64Array.from(out);
}

function norm1(a: Mat, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    best = Math.max(best, s);
  }
  return best;
}

/** Σ cᵢ·Xᵢ (+ c·I when `identity` is given). */
function combine(terms: readonly [number, Mat][], n: number, identity = 0): Mat {
  const out = new Float64Array(n * n);
  for (const [c, x] of terms) for (let i = 0; i < out.length; i++) out[i] = out[i]! + c * x[i]!;
  for (let i = 0; i < n; i++) out[i * n + i] = out[i * n + i]! + identity;
  return out;
}

/** The degree m and scaling s of Algorithm 5.1 from the exact powers' norms. */
function chooseDegree(a4: Mat, a6: Mat, n: number): { m: number; s: number } {
  const d4 = norm1(a4, n) ** 0.25, d6 = norm1(a6, n) ** (1 / 6);
  const eta1 = Math.max(d4, d6);
  if (eta1 <= THETA[3]!) return { m: 3, s: 0 };
  if (eta1 <= THETA[5]!) return { m: 5, s: 0 };
  const d8 = norm1(product(a4, a4, n), n) ** 0.125;
  const eta3 = Math.max(d6, d8);
  if (eta3 <= THETA[7]!) return { m: 7, s: 0 };
  if (eta3 <= THETA[9]!) return { m: 9, s: 0 };
  const d10 = norm1(product(a4, a6, n), n) ** 0.1;
  const eta5 = Math.min(eta3, Math.max(d8, d10));
  return { m: 13, s: Math.max(0, Math.ceil(Math.log2(eta5 / THETA[13]!))) };
}

/** exp of one n×n matrix. */
function expmOne(a0: Mat, n: number): Mat {
  let a = a0;
  let a2 = product(a, a, n), a4 = product(a2, a2, n), a6 = product(a4, a2, n);
  const { m, s } = chooseDegree(a4, a6, n);
  if (s > 0) {
    const f = 2 ** -s;
    a = a.map((x) => x * f);
    a2 = a2.map((x) => x * f * f);
    a4 = a4.map((x) => x * f ** 4);
    a6 = a6.map((x) => x * f ** 6);
  }
  const b = PADE[m]!;
  let u: Mat, v: Mat;
  if (m === 13) {
    const uInner = product(a6, combine([[b[13]!, a6], [b[11]!, a4], [b[9]!, a2]], n), n);
    u = product(a, combine([[1, uInner], [b[7]!, a6], [b[5]!, a4], [b[3]!, a2]], n, b[1]!), n);
    const vInner = product(a6, combine([[b[12]!, a6], [b[10]!, a4], [b[8]!, a2]], n), n);
    v = combine([[1, vInner], [b[6]!, a6], [b[4]!, a4], [b[2]!, a2]], n, b[0]!);
  } else {
    const powers = [a2, a4, a6, m === 9 ? product(a6, a2, n) : a6];
    const odd: [number, Mat][] = [], even: [number, Mat][] = [];
    for (let j = 1; 2 * j <= m; j++) {
      odd.push([b[2 * j + 1]!, powers[j - 1]!]);
      even.push([b[2 * j]!, powers[j - 1]!]);
    }
    u = product(a, combine(odd, n, b[1]!), n);
    v = combine(even, n, b[0]!);
  }
  // r = (V − U)⁻¹ (V + U), then square s times.
  const lhs = new ArrayTensor(combine([[1, v], [-1, u]], n), [n, n]);
  const rhs = new ArrayTensor(combine([[1, v], [1, u]], n), [n, n]);
  let r = backend().luSolve(backend().lu(lhs), rhs).contiguousData(false) as Mat;
  for (let k = 0; k < s; k++) r = product(r, r, n);
  return r;
}

export const expmP: Primitive<undefined> = definePrimitive<undefined>({
  name: "expm",
  impl: ([x]) => {
    requireFinite("expm", x!);
    const n = x!.shape[x!.ndim - 1]!;
    const data = x!.contiguousData(false);
    const out = new Float64Array(data.length);
    for (let t = 0; t < data.length / (n * n); t++) out.set(expmOne(Float64Array.from(data.subarray(t * n * n, (t + 1) * n * n)), n), t * n * n);
    return new ArrayTensor(x!.dtype === "float32" ? Float32Array.from(out) : out, x!.shape);
  },
  jvp: ([a], [ta]) => (ta ? frechet(a!, ta) : null),
  // ⟨Ḡ, L(A, E)⟩ = ⟨L(Aᵀ, Ḡ), E⟩.
  vjp: (g, [a]) => [frechet(mT(a!), g)],
  batch: leadingAxisBatch([2], ([a]) => bind(expmP, [a!], undefined)),
  check: {
    domain: "real",
    order: 2,
    noTaylor: "its Taylor rule is not implemented; nest nb.jvp for higher derivatives",
    cases: [{ shapes: [[3, 3]], params: undefined }, { shapes: [[2, 2, 2]], params: undefined }],
  },
});

/**
 * L(A, E), the top-right block of expm([[A, E], [0, A]]). E is first scaled to A's size (L is
 * linear in E, and the scale is a constant to differentiation) so that a large E does not force
 * extra squarings; the scale is computed with ops, so jit traces it.
 */
function frechet(a: Tensor, e: Tensor): Tensor {
  const n = cols(a);
  const size = (x: Tensor): Tensor => max(abs(x), [-2, -1], true);
  const scale = stopGradient(div(maximum(size(e), Number.MIN_VALUE), maximum(size(a), 1)));
  const top = concat([a, div(e, scale)], -1);
  const bottom = concat([zeros([...a.shape.slice(0, -2), n, n]), a], -1);
  const block = bind(expmP, [concat([top, bottom], -2)], undefined);
  return mul(colBlock(rowBlock(block, 0, n), n, n), scale);
}
