/**
 * The wasm backend's transcendental kernels, generated as WebAssembly SIMD (two float64 lanes)
 * with the emitter: the algorithms of the native backend's vector math (native/src/
 * vecmath_impl.h, after fdlibm), each lane branch-free, with plain multiply and add where the
 * native code may fuse them (fdlibm's own order; every reduction step stays exact). Lanes
 * outside a kernel's vector range (NaN, ±∞, overflow, subnormal inputs of log, |x| ≥ 1.6e6
 * for sin, cos and tan) are recomputed by the reference's scalar formula, imported from
 * JavaScript.
 *
 * Each module imports the one memory it works on ("env"."memory", shared by all of them) and
 * its scalar fallbacks, and exports one loop per kernel, `<name>(src, dst, pairs, float32)`:
 * float64 elements, or (float32 = 1) float32 ones widened to float64 and rounded once at the
 * store. Addresses are in bytes; a loop maps `pairs` two-element vectors (at least one) and
 * may run in place (src = dst). The formulas are inlined into the loops (a call per vector
 * costs V8 a spill of every live v128). Modules stay under 4 KB so that they compile
 * synchronously.
 */
import { F64, type FunctionImport, type FunctionSpec, I32, V128, type ValueType, emitModule, op } from "./emitter.js";

/** The unary kernels with a SIMD implementation here. */
export const VECMATH_KERNELS = ["exp", "expm1", "tanh", "sigmoid", "log", "log1p", "softplus", "sin", "cos", "tan", "atan", "erf"] as const;
export type VecmathKernel = (typeof VECMATH_KERNELS)[number];

/** Code that leaves one v128 on the stack. */
type Expr = number[];

const splat = (v: number): Expr => [...op.f64Const(v), ...op.f64x2Splat()];
const bits = (b: bigint): Expr => op.v128ConstBits(b, b);
const binary = (code: () => number[]) => (a: Expr, b: Expr): Expr => [...a, ...b, ...code()];
const add = binary(op.f64x2Add), sub = binary(op.f64x2Sub), mul = binary(op.f64x2Mul), div = binary(op.f64x2Div);
const lt = binary(op.f64x2Lt), gt = binary(op.f64x2Gt), ge = binary(op.f64x2Ge), le = binary(op.f64x2Le), eq = binary(op.f64x2Eq);
const and = binary(op.v128And), or = binary(op.v128Or), xor = binary(op.v128Xor);
const iadd = binary(op.i64x2Add), isub = binary(op.i64x2Sub);
const abs = (a: Expr): Expr => [...a, ...op.f64x2Abs()];
const neg = (a: Expr): Expr => [...a, ...op.f64x2Neg()];
const shl = (a: Expr, n: number): Expr => [...a, ...op.i32Const(n), ...op.i64x2Shl()];
const shrS = (a: Expr, n: number): Expr => [...a, ...op.i32Const(n), ...op.i64x2ShrS()];
/** Per lane: `a` where `mask` is all ones, else `b`. */
const select = (mask: Expr, a: Expr, b: Expr): Expr => [...a, ...b, ...mask, ...op.v128Bitselect()];
/** a·b + c, unfused. */
const madd = (a: Expr, b: Expr, c: Expr): Expr => add(mul(a, b), c);
/** Horner's rule, c[0] + t·(c[1] + t·(…)): coefficients lowest first, `t` read once a step. */
const horner = (t: Expr, c: readonly number[]): Expr => c.slice(0, -1).reduceRight((r, ci) => madd(r, t, splat(ci)), splat(c.at(-1)!));

const SIGN = 0x8000000000000000n;
/** The high 32 bits of a double: a value with 21 significant bits or fewer, so its square is exact. */
const HIGH = 0xffffffff00000000n;
/** Adding 1.5·2⁵² rounds a double below 2⁵¹ in magnitude to an integer held in its low bits. */
const SHIFTER = 6755399441055744.0;
const SHIFTER_BITS = 0x4338000000000000n;
const ONE_BITS = 0x3ff0000000000000n;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 32 significant bits, so k·LN2_HI is exact for |k| < 2²¹. */
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
/** x's sign bit on a non-negative y. */
const withSignOf = (y: Expr, x: Expr): Expr => or(y, and(x, bits(SIGN)));

/** One function's body under construction: its v128 locals after `params` parameters. */
class Body {
  readonly code: number[] = [];
  readonly locals: ValueType[] = [];
  constructor(private readonly params: number) {}

  /** Evaluates `e` once into a new local; returns the code that reads it. */
  let(e: Expr): Expr {
    const index = this.params + this.locals.length;
    this.locals.push(V128);
    this.code.push(...e, ...op.localSet(index));
    return op.localGet(index);
  }
}

/** expm1(r) for |r| ≤ 0.35: r + r²·(1/2! + r/3! + … + r¹¹/13!) (truncation below 0.05 ulp). */
function expm1Poly(r: Expr): Expr {
  const inverseFactorials = [0.5, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320, 1 / 362880, 1 / 3628800, 1 / 39916800, 1 / 479001600, 1 / 6227020800];
  return madd(mul(r, r), horner(r, inverseFactorials), r);
}

/** x = k·ln2 + r (Cody–Waite): t carries k (see pow2), c is r's rounding error. */
function reduceLn2(f: Body, x: Expr): { t: Expr; r: Expr; c: Expr } {
  const t = f.let(madd(x, splat(1.4426950408889634), splat(SHIFTER)));
  const k = f.let(sub(t, splat(SHIFTER)));
  const hi = f.let(sub(x, mul(k, splat(LN2_HI)))); // exact
  const lo = f.let(mul(k, splat(LN2_LO)));
  const r = f.let(sub(hi, lo));
  const c = f.let(sub(sub(hi, r), lo));
  return { t, r, c };
}

/** 2ᵏ for the k carried by t = k + SHIFTER, −1022 ≤ k ≤ 1023. */
const pow2 = (t: Expr): Expr => iadd(shl(t, 52), bits(ONE_BITS));

/** exp(x) for |x| < 708. */
function expCore(f: Body, x: Expr): Expr {
  const { t, r } = reduceLn2(f, x);
  return mul(pow2(t), add(splat(1), expm1Poly(r)));
}

/** expm1(x) for |x| < 708: 2ᵏ·expm1(r + c) + (2ᵏ − 1), the product exact (2ᵏ a power of two). */
function expm1Core(f: Body, x: Expr): Expr {
  const { t, r, c } = reduceLn2(f, x);
  const e0 = f.let(expm1Poly(r));
  const e = f.let(add(e0, madd(c, e0, c))); // expm1(r + c) ≈ expm1(r) + c·(1 + expm1(r))
  const s = f.let(pow2(t));
  return madd(s, e, sub(s, splat(1)));
}

/** Splits a positive normal u as 2ᵏ·m with m in [√½, √2): returns m and k as a double. */
function splitLog(f: Body, u: Expr): { m: Expr; dk: Expr } {
  const k = f.let(shrS(isub(u, bits(0x3fe6a09e667f3bcdn)), 52)); // the encoding of √½
  const dk = f.let(sub(iadd(k, bits(SHIFTER_BITS)), splat(SHIFTER)));
  return { m: isub(u, shl(k, 52)), dk };
}

/** k·ln2 + log(1 + f) + c in fdlibm's order, with its minimax Lg1..Lg7 (e_log.c). */
function logFinish(f: Body, fm: Expr, dk: Expr, c: Expr): Expr {
  const s = f.let(div(fm, add(splat(2), fm)));
  const z = f.let(mul(s, s));
  const w = f.let(mul(z, z));
  const t1 = mul(w, horner(w, [3.999999999940941908e-01, 2.222219843214978396e-01, 1.531383769920937332e-01]));
  const t2 = mul(z, horner(w, [6.666666666666735130e-01, 2.857142874366239149e-01, 1.818357216161805012e-01, 1.479819860511658591e-01]));
  const r = f.let(add(t2, t1));
  const hfsq = f.let(mul(mul(splat(0.5), fm), fm));
  return sub(mul(dk, splat(LN2_HI)), sub(sub(hfsq, add(mul(s, add(hfsq, r)), madd(dk, splat(LN2_LO), c))), fm));
}

function logCore(f: Body, x: Expr): Expr {
  const { m, dk } = splitLog(f, x);
  const fm = f.let(sub(m, splat(1)));
  return logFinish(f, fm, dk, splat(0));
}

/** log1p(x) for −1 < x < 2⁵³: log of u = 1 + x plus u's rounding error over u (s_log1p.c). */
function log1pCore(f: Body, x: Expr): Expr {
  const u = f.let(add(splat(1), x));
  const { m, dk } = splitLog(f, u);
  const c = f.let(div(select(gt(dk, splat(0)), sub(splat(1), sub(u, x)), sub(x, sub(u, splat(1)))), u));
  const fm = f.let(sub(m, splat(1)));
  return logFinish(f, fm, dk, c);
}

/** a + b = s + e exactly (Knuth's TwoSum). */
function twoSum(f: Body, a: Expr, b: Expr): { s: Expr; e: Expr } {
  const av = f.let(a), bv = f.let(b);
  const s = f.let(add(av, bv));
  const bb = f.let(sub(s, av));
  return { s, e: f.let(add(sub(av, sub(s, bb)), sub(bv, bb))) };
}

/**
 * x = n·π/2 + yh + yl for |x| < 1.6e6, π/2 in four parts (fdlibm's pio2_1, pio2_2, pio2_3 of
 * 33 bits, so n·pio2_i is exact for n < 2²⁰, and pio2_3t), summed without error; q's low bits
 * are n.
 */
function reducePio2(f: Body, x: Expr): { q: Expr; yh: Expr; yl: Expr } {
  const q = f.let(madd(x, splat(0.6366197723675814), splat(SHIFTER)));
  const n = f.let(sub(q, splat(SHIFTER)));
  const a = sub(x, mul(n, splat(1.5707963267341256))); // exact
  const first = twoSum(f, a, mul(n, splat(-6.077100506303966e-11)));
  const second = twoSum(f, first.s, mul(n, splat(-2.0222662487111665e-21)));
  const tail = sub(add(first.e, second.e), mul(n, splat(8.4784276603689e-32)));
  const y = twoSum(f, second.s, tail);
  return { q, yh: y.s, yl: y.e };
}

/** sin(x + y), |x| ≤ π/4, y a tail: fdlibm's __kernel_sin. */
function sinKernel(f: Body, x: Expr, y: Expr): Expr {
  const z = f.let(mul(x, x));
  const v = f.let(mul(z, x));
  const r = horner(z, [8.33333333332248946124e-03, -1.98412698298579493134e-04, 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10]);
  return sub(x, sub(sub(mul(z, sub(mul(splat(0.5), y), mul(v, r))), y), mul(v, splat(-1.66666666666666324348e-01))));
}

/** cos(x + y), |x| ≤ π/4, y a tail: fdlibm's __kernel_cos in musl's compensated form. */
function cosKernel(f: Body, x: Expr, y: Expr): Expr {
  const z = f.let(mul(x, x));
  const r = mul(z, horner(z, [4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05, -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11]));
  const hz = f.let(mul(splat(0.5), z));
  const w = f.let(sub(splat(1), hz));
  return add(w, add(sub(sub(splat(1), w), hz), sub(mul(z, r), mul(x, y))));
}

/** sin (quadrant shift 0) or cos (1) for |x| < 1.6e6: odd quadrants take cos, 2 and 3 negate. */
function sinCosCore(f: Body, x: Expr, quadrantShift: number): Expr {
  const { q: t, yh, yl } = reducePio2(f, x);
  const q = f.let(iadd(t, bits(BigInt(quadrantShift))));
  const odd = shrS(shl(q, 63), 63);
  const v = select(odd, cosKernel(f, yh, yl), sinKernel(f, yh, yl));
  return xor(v, shl(and(q, bits(2n)), 62));
}

/**
 * tan for |x| < 1.6e6: fdlibm's __kernel_tan (minimax T0..T12 on [−0.6744, 0.6744],
 * tan(π/4 − y) beyond), −1/tan in odd quadrants with fdlibm's correction of the reciprocal.
 */
function tanCore(f: Body, x: Expr): Expr {
  const { q, yh, yl } = reducePio2(f, x);
  const odd = f.let(shrS(shl(q, 63), 63));
  const big = f.let(ge(abs(yh), splat(0.6743354797363281)));
  const negative = f.let(lt(yh, splat(0)));
  const sx = select(negative, neg(yh), yh), sy = select(negative, neg(yl), yl);
  const xx = f.let(select(big, add(sub(splat(7.85398163397448278999e-01), sx), sub(splat(3.06161699786838301793e-17), sy)), yh));
  const yy = f.let(select(big, splat(0), yl));
  const z = f.let(mul(xx, xx));
  const w = f.let(mul(z, z));
  const odds = horner(w, [1.33333333333201242699e-01, 2.18694882948595424599e-02, 3.59207910759131235356e-03, 5.88041240820264096874e-04, 7.81794442939557092300e-05, -1.85586374855275456654e-05]);
  const evens = mul(z, horner(w, [5.39682539762260521377e-02, 8.86323982359930005737e-03, 1.45620945432529025516e-03, 2.46463134818469906812e-04, 7.14072491382608190305e-05, 2.59073051863633712884e-05]));
  const s = f.let(mul(z, xx));
  const r0 = add(yy, mul(z, add(mul(s, add(odds, evens)), yy)));
  const r = f.let(add(r0, mul(splat(3.33333333333334091986e-01), s)));
  const t = f.let(add(xx, r));
  // Near π/4: ±(iy − 2·(x − (t²/(t + iy) − r))), iy = 1 in even quadrants, −1 in odd ones.
  const iy = f.let(select(odd, splat(-1), splat(1)));
  const far = f.let(sub(iy, mul(splat(2), sub(xx, sub(div(mul(t, t), add(t, iy)), r)))));
  // −1/(xx + r), the rounding of t and of the quotient corrected (high halves exact).
  const t0 = f.let(and(t, bits(HIGH)));
  const tail = sub(r, sub(t0, xx));
  const a = f.let(div(splat(-1), t));
  const a0 = f.let(and(a, bits(HIGH)));
  const cot = add(a0, mul(a, add(add(splat(1), mul(a0, t0)), mul(a0, tail))));
  return select(big, select(negative, neg(far), far), select(odd, cot, t));
}

/** atan: fdlibm's s_atan.c, atan(c) + atan(t) with c in {0, ½, 1, 3/2, ∞} chosen per lane. */
function atanCore(f: Body, x: Expr): Expr {
  const ax = f.let(abs(x));
  const [i0, i1, i2, i3] = [0.4375, 0.6875, 1.1875, 2.4375].map((bound) => f.let(lt(ax, splat(bound)))) as [Expr, Expr, Expr, Expr];
  const pick = (v: readonly [Expr, Expr, Expr, Expr, Expr]): Expr => select(i0, v[0], select(i1, v[1], select(i2, v[2], select(i3, v[3], v[4]))));
  const num = pick([ax, sub(mul(splat(2), ax), splat(1)), sub(ax, splat(1)), sub(ax, splat(1.5)), splat(-1)]);
  const den = pick([splat(1), add(splat(2), ax), add(ax, splat(1)), add(splat(1), mul(splat(1.5), ax)), ax]);
  const hi = f.let(pick([splat(0), splat(4.63647609000806093515e-01), splat(7.85398163397448278999e-01), splat(9.82793723247329054082e-01), splat(1.57079632679489655800e+00)]));
  const lo = f.let(pick([splat(0), splat(2.26987774529616870924e-17), splat(3.06161699786838301793e-17), splat(1.39033110312309984516e-17), splat(6.12323399573676603587e-17)]));
  const t = f.let(div(num, den));
  const z = f.let(mul(t, t));
  const w = f.let(mul(z, z));
  const s1 = mul(z, horner(w, [3.33333333333329318027e-01, 1.42857142725034663711e-01, 9.09088713343650656196e-02, 6.66107313738753120669e-02, 4.97687799461593236017e-02, 1.62858201153657823623e-02]));
  const s2 = mul(w, horner(w, [-1.99999999998764832476e-01, -1.11111104054623557880e-01, -7.69187620504482999495e-02, -5.83357013379057348645e-02, -3.65315727442169155270e-02]));
  const s = f.let(add(s1, s2));
  const r = select(i0, sub(t, mul(t, s)), sub(hi, sub(sub(mul(t, s), lo), t)));
  return withSignOf(r, x);
}

/** Horner's rule choosing, per lane, between two coefficient lists of one length. */
function horner2(t: Expr, useA: Expr, a: readonly number[], b: readonly number[]): Expr {
  const pick = (i: number): Expr => select(useA, splat(a[i]!), splat(b[i]!));
  return a.slice(0, -1).reduceRight((r, _, i) => madd(r, t, pick(i)), pick(a.length - 1));
}

/**
 * erf(x) for x not NaN: fdlibm's s_erf.c — x + x·P/Q(x²) below 0.84375, erx + P/Q(|x| − 1)
 * below 1.25, 1 − exp(−z² − 0.5625)·exp((z − x)(z + x) + R/S(1/x²))/x below 6 (z: x with its
 * low 32 bits cleared, so z² is exact), 1 beyond; every lane computes all three, then picks.
 */
function erfCore(f: Body, x: Expr): Expr {
  const ax = f.let(abs(x));
  const z2 = f.let(mul(ax, ax));
  const pp = [1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02, -5.77027029648944159157e-03, -2.37630166566501626084e-05];
  const qq = [1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03, 1.32494738004321644526e-04, -3.96022827877536812320e-06];
  const small = madd(ax, div(horner(z2, pp), horner(z2, qq)), ax);
  const s = f.let(sub(ax, splat(1)));
  const pa = [-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01, 3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02, -2.16637559486879084300e-03];
  const qa = [1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02, 1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02];
  const middle = add(splat(8.45062911510467529297e-01), div(horner(s, pa), horner(s, qa)));
  // erfc on [1.25, 1/0.35) (ra, sa) and [1/0.35, 6) (rb, sb, padded with a zero to one length).
  const ra = [-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01, -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02, -8.12874355063065934246e+01, -9.81432934416914548592e+00];
  const rb = [-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01, -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03, -4.83519191608651397019e+02, 0.0];
  const sa = [1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02, 6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02, 6.57024977031928170135e+00, -6.04244152148580987438e-02];
  const sb = [1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03, 3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02, -2.24409524465858183362e+01, 0.0];
  const big = f.let(select(gt(ax, splat(6)), splat(6), ax));
  const t = f.let(div(splat(1), mul(big, big)));
  const nearer = f.let(lt(big, splat(2.8571434020996094))); // 1/0.35
  const rs = div(horner2(t, nearer, ra, rb), horner2(t, nearer, sa, sb));
  const z = f.let(and(big, bits(HIGH)));
  const e1 = f.let(expCore(f, f.let(sub(neg(mul(z, z)), splat(0.5625)))));
  const r = mul(e1, expCore(f, f.let(madd(sub(z, big), add(z, big), rs))));
  const tail = sub(splat(1), div(r, big));
  const y = select(lt(ax, splat(0.84375)), small, select(lt(ax, splat(1.25)), middle, select(lt(ax, splat(6)), tail, splat(1))));
  return withSignOf(y, x);
}

/** tanh: fdlibm's t = expm1(∓2|x|), −t/(t + 2) below 1, 1 − 2/(t + 2) above; ±1 beyond 22. */
function tanhCore(f: Body, x: Expr): Expr {
  const ax = f.let(abs(x));
  const clamped = f.let(select(gt(ax, splat(22)), splat(22), ax)); // NaN passes through
  const small = f.let(lt(clamped, splat(1)));
  const t = f.let(expm1Core(f, f.let(mul(select(small, splat(-2), splat(2)), clamped))));
  const z = select(small, div(neg(t), add(t, splat(2))), sub(splat(1), div(splat(2), add(t, splat(2)))));
  return withSignOf(z, x);
}

/** sigmoid: e = exp(−|x|), 1/(1 + e) for x ≥ 0, e/(1 + e) below. */
function sigmoidCore(f: Body, x: Expr): Expr {
  const e = f.let(expCore(f, f.let(neg(abs(x)))));
  return div(select(ge(x, splat(0)), splat(1), e), add(splat(1), e));
}

/** softplus(x) = max(x, 0) + log1p(exp(−|x|)), for |x| < 708. */
function softplusCore(f: Body, x: Expr): Expr {
  const l = f.let(log1pCore(f, f.let(expCore(f, f.let(neg(abs(x)))))));
  return select(gt(x, splat(0)), add(x, l), l);
}

/** Where each kernel's vector path holds (a lane of ones); other lanes take the scalar formula. */
const FAST: Partial<Record<VecmathKernel, (x: Expr) => Expr>> = {
  exp: (x) => lt(abs(x), splat(708)),
  expm1: (x) => lt(abs(x), splat(708)),
  sigmoid: (x) => lt(abs(x), splat(708)),
  softplus: (x) => lt(abs(x), splat(708)),
  log: (x) => and(ge(x, splat(2.2250738585072014e-308)), le(x, splat(1.7976931348623157e308))),
  log1p: (x) => and(gt(x, splat(-1)), lt(x, splat(9007199254740992))),
  sin: (x) => lt(abs(x), splat(1.6e6)),
  cos: (x) => lt(abs(x), splat(1.6e6)),
  tan: (x) => lt(abs(x), splat(1.6e6)),
  erf: (x) => eq(x, x),
};

/** Odd functions return ±0 as given (their vector formulas may lose the sign of a zero). */
const ODD: ReadonlySet<VecmathKernel> = new Set(["expm1", "log1p", "sin", "tan", "atan", "erf", "tanh"]);

/** A kernel's vector formula of x (a local), its code emitted into f as it goes. */
type Core = (f: Body, x: Expr) => Expr;

const CORES: Record<VecmathKernel, Core> = {
  exp: expCore,
  expm1: expm1Core,
  tanh: tanhCore,
  sigmoid: sigmoidCore,
  log: logCore,
  log1p: log1pCore,
  softplus: softplusCore,
  sin: (f, x) => sinCosCore(f, x, 0),
  cos: (f, x) => sinCosCore(f, x, 1),
  tan: tanCore,
  atan: atanCore,
  erf: erfCore,
};

/** The modules, each a list of kernels, grouped so that each module stays under 4 KB. */
export const VECMATH_MODULES: readonly (readonly VecmathKernel[])[] = [
  ["exp", "expm1", "tanh", "sigmoid"],
  ["log", "log1p", "softplus"],
  ["sin", "cos"],
  ["tan", "atan"],
  ["erf"],
];

/**
 * The loop of one kernel (params src, dst, pairs, float32), its formula inlined: loads two
 * elements (float32 ones widened), stores the formula's result (float32 rounded once), then
 * recomputes the lanes outside the vector range with the imported scalar function `scalar`.
 */
function applyLoop(kernel: VecmathKernel, scalar: number): FunctionSpec {
  const [SRC, DST, PAIRS, FLOAT32] = [0, 1, 2, 3];
  const f = new Body(4);
  const ifFloat32 = (then: number[], otherwise: number[], type?: ValueType): number[] => [
    ...op.localGet(FLOAT32), ...(type === undefined ? op.if() : op.ifResult(type)), ...then, ...op.else(), ...otherwise, ...op.end(),
  ];
  // Blocks see no values from outside: each branch pushes its own address and value.
  const src = op.localGet(SRC), dst = op.localGet(DST);
  const x = f.let(ifFloat32([...src, ...op.v128Load64Zero(0), ...op.f64x2PromoteLowF32x4()], [...src, ...op.v128Load(0)], V128));
  const formula = CORES[kernel](f, x);
  const r = f.let(ODD.has(kernel) ? select(eq(x, splat(0)), x, formula) : formula);
  f.code.push(...ifFloat32([...dst, ...r, ...op.f32x4DemoteF64x2Zero(), ...op.v128Store64Lane(0, 0)], [...dst, ...r, ...op.v128Store(0)]));
  const fast = FAST[kernel];
  if (fast) {
    const mask = f.let(fast(x));
    f.code.push(...mask, ...op.i64x2AllTrue(), ...op.i32Eqz(), ...op.if());
    for (const lane of [0, 1]) {
      const value = [...x, ...op.f64x2ExtractLane(lane), ...op.call(scalar)];
      f.code.push(
        ...mask, ...op.i64x2ExtractLane(lane), ...op.i64Eqz(), ...op.if(),
        ...ifFloat32([...dst, ...value, ...op.f32DemoteF64(), ...op.f32Store(lane * 4)], [...dst, ...value, ...op.f64Store(lane * 8)]),
        ...op.end(),
      );
    }
    f.code.push(...op.end());
  }
  // Both pointers step one vector's worth: 8 bytes of float32, 16 of float64.
  const step = [...op.i32Const(16), ...op.localGet(FLOAT32), ...op.i32Const(8), ...op.i32Mul(), ...op.i32Sub()];
  const advance = (local: number): number[] => [...op.localGet(local), ...step, ...op.i32Add(), ...op.localSet(local)];
  const body = [...op.loop(), ...f.code, ...advance(SRC), ...advance(DST), ...op.localGet(PAIRS), ...op.i32Const(1), ...op.i32Sub(), ...op.localTee(PAIRS), ...op.brIf(0), ...op.end()];
  return { name: kernel, params: [I32, I32, I32, I32], locals: f.locals, body, exported: true };
}

/** The imported scalar fallback of a kernel, "env".<kernel>: (f64) → f64. */
const scalarImport = (kernel: VecmathKernel): FunctionImport => ({ name: kernel, params: [F64], results: [F64] });

/** Builds one module of VECMATH_MODULES: it imports the memory and its kernels' scalar fallbacks. */
export function vecmathModuleBytes(kernels: readonly VecmathKernel[]): Uint8Array<ArrayBuffer> {
  return emitModule(kernels.map((name, i) => applyLoop(name, i)), 0, { functions: kernels.map(scalarImport), memory: true });
}
