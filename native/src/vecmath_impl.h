// The vector kernels behind vecmath.h, as a template over an instruction set S that supplies
//   D (W doubles), I (W int64s), W, fma(a, b, c) = a·b + c, and any(mask) (a lane is set).
// S may also supply what tanhTable and expTable need (kLookup16 says whether it does;
// kLookupInRegisters, whether a lookup is one permute, cheap enough for exp).
// Each kernel handles the common range branch-free in W lanes and hands the rare lanes
// outside it (NaN, ±∞, overflow, subnormal inputs of log, |x| ≥ 1.6e6 for sin/cos/tan) to libm,
// one lane at a time. The algorithms are the classic ones of fdlibm (Sun, 1993), reworked
// for lanes instead of branches:
//   exp with AVX-512: a 16-entry table of 2^(j/16) in registers and a degree-7 polynomial
//     on |r| ≤ ln2/32 (expTable). Elsewhere, and expm1 everywhere:
//   exp, expm1: x = k·ln2 + r (Cody–Waite: ln2 in two parts, the first with 32 bits so that
//     k·ln2hi is exact), expm1(r) by its Taylor series to r¹³ (|r| ≤ 0.347: the truncation is
//     below 0.05 ulp), then 2ᵏ·(1 + expm1(r)) or 2ᵏ·expm1(r) + (2ᵏ − 1); expm1 adds the
//     rounding error of r back as c·(1 + expm1(r)).
//   log, log1p: x = 2ᵏ·m with m in [√½, √2), log(m) = f − f²/2 + s·(f²/2 + R(s²)) with
//     f = m − 1, s = f/(2 + f) and fdlibm's minimax R (Lg1..Lg7); log1p works on u = 1 + x
//     and adds the rounding error of u as c/u.
//   sin, cos: x = n·π/2 + y, with π/2 in four parts (33, 33, 33 and 53 bits: fdlibm's pio2_1,
//     pio2_2, pio2_3, pio2_3t) and y kept as a double-double (yh, yl) through error-free
//     sums, so the 120 bits of π/2 used cover every double below 1.6e6 (n < 2²⁰, k·pio2_i
//     exact) including those closest to a multiple of π/2; fdlibm's kernels __kernel_sin and
//     __kernel_cos (minimax S1..S6, C1..C6 on [−π/4, π/4]) with the tail yl. Beyond 1.6e6
//     the lane goes to libm (glibc reduces with Payne–Hanek there).
//   tan: the same reduction, fdlibm's __kernel_tan (tan, or −1/tan in odd quadrants).
//   atan: fdlibm's four-interval reduction (atan(c) + atan(t) with c in {½, 1, 3/2, ∞}) and
//     its minimax aT0..aT10.
//   erf: fdlibm's s_erf.c, its three rational approximations and exp(−x²) split in two.
//   tanh: with AVX-512 and AVX2, h = expm1(2|x|)/2 from a 16-entry table of 2^(j/16) (in two
//     registers, or gathered) and tanh = h/(h + 1) with one correction step (tanhTable); in
//     portable C++ fdlibm's t = expm1(∓2|x|), tanh = −t/(t + 2) below 1, 1 − 2/(t + 2) above.
//   sigmoid: e = exp(−|x|), 1/(1 + e) or e/(1 + e); softplus: max(x, 0) + log1p(e).
#pragma once

#include <cmath>
#include <cstring>

#include "vecmath.h"

namespace nabla {
namespace vecmath {

// libm, for the lanes outside a vector kernel's range.
inline double scalarExp(double x) { return std::exp(x); }
inline double scalarLog(double x) { return std::log(x); }
inline double scalarLog1p(double x) { return std::log1p(x); }
inline double scalarExpm1(double x) { return std::expm1(x); }
inline double scalarSin(double x) { return std::sin(x); }
inline double scalarCos(double x) { return std::cos(x); }
inline double scalarTanh(double x) { return std::tanh(x); }
inline double scalarTan(double x) { return std::tan(x); }
inline double scalarAtan(double x) { return std::atan(x); }
inline double scalarErf(double x) { return std::erf(x); }

template <class S>
struct Kernels {
  using D = typename S::D;
  using I = typename S::I;
  static constexpr int W = S::W;

  static D splat(double v) { return D{} + v; }
  static I splatI(long long v) { return I{} + v; }
  static D fma(D a, D b, D c) { return S::fma(a, b, c); }
  static D absv(D x) { return (D)((I)x & splatI(0x7fffffffffffffffLL)); }

  // Adding 1.5·2⁵² rounds a double below 2⁵¹ in magnitude to an integer, which then sits in
  // the low bits of the sum's encoding.
  static constexpr double kShifter = 0x1.8p52;

  /** 2ᵏ for the integer k carried by t = k + kShifter, −1022 ≤ k ≤ 1023. */
  static D pow2(D t) { return (D)(((I)t << 52) + (I)splat(1.0)); }

  /** expm1(r) for |r| ≤ 0.35: r + r²·(1/2! + r/3! + … + r¹¹/13!). */
  static D expm1Poly(D r) {
    D q = splat(1.0 / 6227020800.0);
    q = fma(q, r, splat(1.0 / 479001600.0));
    q = fma(q, r, splat(1.0 / 39916800.0));
    q = fma(q, r, splat(1.0 / 3628800.0));
    q = fma(q, r, splat(1.0 / 362880.0));
    q = fma(q, r, splat(1.0 / 40320.0));
    q = fma(q, r, splat(1.0 / 5040.0));
    q = fma(q, r, splat(1.0 / 720.0));
    q = fma(q, r, splat(1.0 / 120.0));
    q = fma(q, r, splat(1.0 / 24.0));
    q = fma(q, r, splat(1.0 / 6.0));
    q = fma(q, r, splat(0.5));
    return fma(r * r, q, r);
  }

  // ln 2 = kLn2Hi + kLn2Lo; kLn2Hi has 32 significant bits, so k·kLn2Hi is exact for |k| < 2²¹.
  static constexpr double kLn2Hi = 6.93147180369123816490e-01;
  static constexpr double kLn2Lo = 1.90821492927058770002e-10;

  /** x = k·ln2 + r: returns t (carrying k), r, and r's rounding error c. */
  static D reduceLn2(D x, D& r, D& c) {
    const D t = fma(x, splat(1.4426950408889634), splat(kShifter));
    const D k = t - kShifter;
    const D hi = fma(k, splat(-kLn2Hi), x);  // exact
    const D lo = k * kLn2Lo;
    r = hi - lo;
    c = (hi - r) - lo;
    return t;
  }

  /** exp(x) for |x| < 708 (2ᵏ normal), without a table. */
  static D expNoTable(D x) {
    D r, c;
    const D t = reduceLn2(x, r, c);
    return pow2(t) * (1.0 + expm1Poly(r));
  }

  /** expm1(x) for |x| < 708. */
  static D expm1Core(D x) {
    D r, c;
    const D t = reduceLn2(x, r, c);
    D e = expm1Poly(r);
    e = e + fma(c, e, c);  // expm1(r + c) ≈ expm1(r) + c·(1 + expm1(r))
    const D s = pow2(t);
    return fma(s, e, s - 1.0);
  }

  // fdlibm's minimax coefficients for log(1 + f) on [√½ − 1, √2 − 1] (e_log.c).
  static D logR(D s, D& z) {
    z = s * s;
    const D w = z * z;
    const D t1 = w * fma(w, fma(w, splat(1.531383769920937332e-01), splat(2.222219843214978396e-01)), splat(3.999999999940941908e-01));
    const D t2 = z * fma(w, fma(w, fma(w, splat(1.479819860511658591e-01), splat(1.818357216161805012e-01)), splat(2.857142874366239149e-01)), splat(6.666666666666735130e-01));
    return t2 + t1;
  }

  /** Splits a positive normal u as 2ᵏ·m, m in [√½, √2): returns m, sets dk = k. */
  static D splitLog(D u, D& dk) {
    const I iu = (I)u;
    const I tmp = iu - splatI(0x3fe6a09e667f3bcdLL);  // the encoding of √½
    const I k = tmp >> 52;
    dk = (D)(k + (I)splat(kShifter)) - kShifter;
    return (D)(iu - (k << 52));
  }

  /** k·ln2 + log(1 + f) + c, fdlibm's evaluation order. */
  static D logFinish(D f, D dk, D c) {
    const D s = f / (2.0 + f);
    D z;
    const D R = logR(s, z);
    const D hfsq = 0.5 * f * f;
    return dk * kLn2Hi - ((hfsq - (s * (hfsq + R) + fma(dk, splat(kLn2Lo), c))) - f);
  }

  /** log(x) for positive normal finite x. */
  static D logCore(D x) {
    D dk;
    const D m = splitLog(x, dk);
    return logFinish(m - 1.0, dk, D{});
  }

  /** log1p(x) for −1 < x < 2⁵³. */
  static D log1pCore(D x) {
    const D u = 1.0 + x;
    D dk;
    const D m = splitLog(u, dk);
    // The rounding error of 1 + x, exact either way (fdlibm's s_log1p.c), over u.
    const D c = (dk > 0.0 ? 1.0 - (u - x) : x - (u - 1.0)) / u;
    return logFinish(m - 1.0, dk, c);
  }

  /** a + b = s + e exactly (Knuth's TwoSum). */
  static D twoSum(D a, D b, D& e) {
    const D s = a + b;
    const D bb = s - a;
    e = (a - (s - bb)) + (b - bb);
    return s;
  }

  /** x = n·π/2 + yh + yl for |x| < 1.6e6; returns the encoding whose low bits are n. */
  static I reducePio2(D x, D& yh, D& yl) {
    const D t = fma(x, splat(0x1.45f306dc9c883p-1), splat(kShifter));
    const D n = t - kShifter;
    const D a = fma(n, splat(-0x1.921fb54400000p+0), x);  // exact: n·pio2_1 has ≤ 53 bits
    D e1, e2;
    const D s1 = twoSum(a, n * -0x1.0b4611a600000p-34, e1);
    const D s2 = twoSum(s1, n * -0x1.3198a2e000000p-69, e2);
    const D tail = (e1 + e2) - n * 0x1.b839a252049c1p-104;
    yh = twoSum(s2, tail, yl);
    return (I)t;
  }

  /** sin(x + y), |x| ≤ π/4, y a tail (fdlibm's __kernel_sin). */
  static D sinKernel(D x, D y) {
    const D z = x * x;
    const D v = z * x;
    D r = fma(z, splat(1.58969099521155010221e-10), splat(-2.50507602534068634195e-08));
    r = fma(z, r, splat(2.75573137070700676789e-06));
    r = fma(z, r, splat(-1.98412698298579493134e-04));
    r = fma(z, r, splat(8.33333333332248946124e-03));
    return x - ((z * (0.5 * y - v * r) - y) - v * -1.66666666666666324348e-01);
  }

  /** cos(x + y), |x| ≤ π/4, y a tail (fdlibm's __kernel_cos, musl's compensated form). */
  static D cosKernel(D x, D y) {
    const D z = x * x;
    D r = fma(z, splat(-1.13596475577881948265e-11), splat(2.08757232129817482790e-09));
    r = fma(z, r, splat(-2.75573143513906633035e-07));
    r = fma(z, r, splat(2.48015872894767294178e-05));
    r = fma(z, r, splat(-1.38888888888741095749e-03));
    r = fma(z, r, splat(4.16666666666666019037e-02));
    r = z * r;
    const D hz = 0.5 * z;
    const D w = 1.0 - hz;
    return w + (((1.0 - w) - hz) + (z * r - x * y));
  }

  /** sin(x) (quadrantShift 0) or cos(x) (1) for |x| < 1.6e6. */
  static D sinCosCore(D x, long long quadrantShift) {
    D yh, yl;
    const I q = reducePio2(x, yh, yl) + quadrantShift;
    const D s = sinKernel(yh, yl), c = cosKernel(yh, yl);
    const D v = (q & 1) != 0 ? c : s;
    return (D)((I)v ^ ((q & 2) << 62));  // quadrants 2 and 3 negate
  }

  /** tan(x) for |x| < 1.6e6: fdlibm's __kernel_tan (minimax T0..T12 on [−0.6744, 0.6744],
   *  tan(π/4 − y) beyond), −1/tan in odd quadrants, the reciprocal with fdlibm's correction. */
  static D tanCore(D x) {
    D yh, yl;
    const I q = reducePio2(x, yh, yl);
    const auto odd = (q & 1) != 0;
    const auto big = absv(yh) >= 0x1.59428p-1;
    const auto neg = yh < 0.0;
    const D sx = neg ? -yh : yh, sy = neg ? -yl : yl;
    const D xx = big ? (7.85398163397448278999e-01 - sx) + (3.06161699786838301793e-17 - sy) : yh;
    const D yy = big ? D{} : yl;
    const D z = xx * xx, w = z * z;
    D r = fma(w, splat(-1.85586374855275456654e-05), splat(7.81794442939557092300e-05));
    r = fma(w, r, splat(5.88041240820264096874e-04));
    r = fma(w, r, splat(3.59207910759131235356e-03));
    r = fma(w, r, splat(2.18694882948595424599e-02));
    r = fma(w, r, splat(1.33333333333201242699e-01));
    D v = fma(w, splat(2.59073051863633712884e-05), splat(7.14072491382608190305e-05));
    v = fma(w, v, splat(2.46463134818469906812e-04));
    v = fma(w, v, splat(1.45620945432529025516e-03));
    v = fma(w, v, splat(8.86323982359930005737e-03));
    v = z * fma(w, v, splat(5.39682539762260521377e-02));
    const D s = z * xx;
    r = yy + z * (s * (r + v) + yy);
    r = r + 3.33333333333334091986e-01 * s;
    const D t = xx + r;
    // Near π/4: tan = ±(iy − 2·(x − (t²/(t + iy) − r))), iy = 1 (even) or −1 (odd quadrant).
    const D iy = odd ? splat(-1.0) : splat(1.0);
    const D far = iy - 2.0 * (xx - (t * t / (t + iy) - r));
    const D bigResult = neg ? -far : far;
    // −1/(xx + r) with the rounding of t and of the quotient corrected (high halves exact).
    const I high = splatI(static_cast<long long>(0xffffffff00000000ULL));
    const D t0 = (D)((I)t & high);
    const D tail = r - (t0 - xx);
    const D a = -1.0 / t;
    const D a0 = (D)((I)a & high);
    const D cot = a0 + a * ((1.0 + a0 * t0) + a0 * tail);
    return big ? bigResult : odd ? cot : t;
  }

  /** atan(x): fdlibm's s_atan.c, the interval picked by selects instead of branches. */
  static D atanCore(D x) {
    const D ax = absv(x);
    const auto i0 = ax < 0.4375, i1 = ax < 0.6875, i2 = ax < 1.1875, i3 = ax < 2.4375;
    // atan(ax) = atan(c) + atan(t): c = 0 (no reduction), 1/2, 1, 3/2 or ∞ (t = −1/ax).
    const D one = splat(1.0);
    const D num = i0 ? ax : i1 ? 2.0 * ax - 1.0 : i2 ? ax - 1.0 : i3 ? ax - 1.5 : -one;
    const D den = i0 ? one : i1 ? 2.0 + ax : i2 ? ax + 1.0 : i3 ? 1.0 + 1.5 * ax : ax;
    const D hi = i0 ? D{} : i1 ? splat(4.63647609000806093515e-01) : i2 ? splat(7.85398163397448278999e-01)
               : i3 ? splat(9.82793723247329054082e-01) : splat(1.57079632679489655800e+00);
    const D lo = i0 ? D{} : i1 ? splat(2.26987774529616870924e-17) : i2 ? splat(3.06161699786838301793e-17)
               : i3 ? splat(1.39033110312309984516e-17) : splat(6.12323399573676603587e-17);
    const D t = num / den;
    const D z = t * t, w = z * z;
    D s1 = fma(w, splat(1.62858201153657823623e-02), splat(4.97687799461593236017e-02));
    s1 = fma(w, s1, splat(6.66107313738753120669e-02));
    s1 = fma(w, s1, splat(9.09088713343650656196e-02));
    s1 = fma(w, s1, splat(1.42857142725034663711e-01));
    s1 = z * fma(w, s1, splat(3.33333333333329318027e-01));
    D s2 = fma(w, splat(-3.65315727442169155270e-02), splat(-5.83357013379057348645e-02));
    s2 = fma(w, s2, splat(-7.69187620504482999495e-02));
    s2 = fma(w, s2, splat(-1.11111104054623557880e-01));
    s2 = w * fma(w, s2, splat(-1.99999999998764832476e-01));
    const D r = i0 ? t - t * (s1 + s2) : hi - ((t * (s1 + s2) - lo) - t);
    return (D)((I)r | ((I)x & splatI(0x8000000000000000LL)));
  }

  /** Horner's rule over coefficients c[0] + t·(c[1] + t·(…)), highest last. */
  template <int N>
  static D horner(D t, const double (&c)[N]) {
    D r = splat(c[N - 1]);
    for (int i = N - 2; i >= 0; i--) r = fma(r, t, splat(c[i]));
    return r;
  }

  /** Horner's rule choosing, per lane, between two coefficient lists of one length. */
  template <int N, class M>
  static D horner2(D t, M useA, const double (&a)[N], const double (&b)[N]) {
    D r = useA ? splat(a[N - 1]) : splat(b[N - 1]);
    for (int i = N - 2; i >= 0; i--) r = fma(r, t, useA ? splat(a[i]) : splat(b[i]));
    return r;
  }

  /**
   * erf(x) for x not NaN: fdlibm's s_erf.c — x + x·P/Q(x²) below 0.84375, erx + P/Q(|x| − 1)
   * below 1.25, 1 − exp(−z² − 0.5625)·exp((z − x)(z + x) + R/S(1/x²))/x below 6 (z: x with its
   * low 32 bits cleared, so z² is exact), 1 beyond; every lane computes all three, then picks.
   */
  static D erfCore(D x) {
    static constexpr double pp[] = {1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
                                    -5.77027029648944159157e-03, -2.37630166566501626084e-05};
    static constexpr double qq[] = {1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
                                    1.32494738004321644526e-04, -3.96022827877536812320e-06};
    static constexpr double pa[] = {-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
                                    3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
                                    -2.16637559486879084300e-03};
    static constexpr double qa[] = {1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
                                    1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02};
    // erfc on [1.25, 1/0.35) (ra, sa) and [1/0.35, 6) (rb, sb, padded with a zero to one length).
    static constexpr double ra[] = {-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
                                    -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
                                    -8.12874355063065934246e+01, -9.81432934416914548592e+00};
    static constexpr double rb[] = {-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
                                    -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
                                    -4.83519191608651397019e+02, 0.0};
    static constexpr double sa[] = {1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
                                    6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
                                    6.57024977031928170135e+00, -6.04244152148580987438e-02};
    static constexpr double sb[] = {1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
                                    3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
                                    -2.24409524465858183362e+01, 0.0};
    const D ax = absv(x);
    const D z2 = ax * ax;
    const D small = fma(ax, horner(z2, pp) / horner(z2, qq), ax);
    const D s = ax - 1.0;
    const D middle = 8.45062911510467529297e-01 + horner(s, pa) / horner(s, qa);
    const D big = ax > 6.0 ? splat(6.0) : ax;
    const D t = 1.0 / (big * big);
    const auto nearer = big < 0x1.6db6ep+1;  // 1/0.35
    const D rs = horner2(t, nearer, ra, rb) / horner2(t, nearer, sa, sb);
    const D z = (D)((I)big & splatI(static_cast<long long>(0xffffffff00000000ULL)));
    const D r = expCore(-z * z - 0.5625) * expCore(fma(z - big, z + big, rs));
    const D tail = 1.0 - r / big;
    const D y = ax < 0.84375 ? small : ax < 1.25 ? middle : ax < 6.0 ? tail : splat(1.0);
    return (D)((I)y | ((I)x & splatI(0x8000000000000000LL)));
  }

  /** softplus(x) = max(x, 0) + log1p(exp(−|x|)), for |x| < 708. */
  static D softplusCore(D x) {
    const D l = log1pCore(expCore(-absv(x)));
    return x > 0.0 ? x + l : l;
  }

  /** tanh(x) without a table (portable C++, whose lanes have no table lookup). */
  static D tanhExpm1(D x) {
    D ax = absv(x);
    ax = ax > 22.0 ? splat(22.0) : ax;  // tanh rounds to ±1 beyond 22; NaN passes through
    const auto small = ax < 1.0;
    const D t = expm1Core(small ? -2.0 * ax : 2.0 * ax);
    // −t/(t + 2) below 1, 1 − 2/(t + 2) above: one division serves both (it is the slowest step).
    const D q = (small ? -t : splat(2.0)) / (t + 2.0);
    const D z = small ? q : 1.0 - q;
    return (D)((I)z | ((I)x & splatI(0x8000000000000000LL)));
  }

  // 2^(j/16) = kExp2Hi[j]·(1 + kExp2LoRatio[j]), j = 0 … 15 (mpmath at 300 bits, each rounded).
  static constexpr double kExp2Hi[16] = {
      0x1.0000000000000p+0, 0x1.0b5586cf9890fp+0, 0x1.172b83c7d517bp+0, 0x1.2387a6e756238p+0,
      0x1.306fe0a31b715p+0, 0x1.3dea64c123422p+0, 0x1.4bfdad5362a27p+0, 0x1.5ab07dd485429p+0,
      0x1.6a09e667f3bcdp+0, 0x1.7a11473eb0187p+0, 0x1.8ace5422aa0dbp+0, 0x1.9c49182a3f090p+0,
      0x1.ae89f995ad3adp+0, 0x1.c199bdd85529cp+0, 0x1.d5818dcfba487p+0, 0x1.ea4afa2a490dap+0};
  static constexpr double kExp2LoRatio[16] = {
      0.0, 0x1.79aa65d837b6dp-54, -0x1.01b15eaa59348p-55, 0x1.68efde3a8a894p-54,
      0x1.34d754db0abb6p-55, 0x1.59f48a72a4c6dp-55, 0x1.690cebb7aafb0p-56, 0x1.063e1e21c5409p-54,
      -0x1.3b3efbf5e2228p-54, -0x1.b32dcb94da51dp-56, 0x1.db72fc1f0eab4p-55, 0x1.1affc2b91ce27p-56,
      0x1.c1a7792cb3387p-55, 0x1.36eae30af0cb3p-56, 0x1.4a385a63d07a7p-56, -0x1.ff7128fd391f0p-55};

  // 2^(j/16)/2 with j·2⁴⁸ taken off its encoding: adding t's encoding shifted left by 48 bits,
  // (16k + j)·2⁴⁸, puts j back and adds k to the exponent, so 2ᵏ⁻¹·Th[j] costs two integer ops.
  static constexpr double kHalfExp2HiLessJ[16] = {
      0x1.0000000000000p-1, 0x1.fb5586cf9890fp-2, 0x1.f72b83c7d517bp-2, 0x1.f387a6e756238p-2,
      0x1.f06fe0a31b715p-2, 0x1.edea64c123422p-2, 0x1.ebfdad5362a27p-2, 0x1.eab07dd485429p-2,
      0x1.ea09e667f3bcdp-2, 0x1.ea11473eb0187p-2, 0x1.eace5422aa0dbp-2, 0x1.ec49182a3f090p-2,
      0x1.ee89f995ad3adp-2, 0x1.f199bdd85529cp-2, 0x1.f5818dcfba487p-2, 0x1.fa4afa2a490dap-2};

  /**
   * tanh(x) = sign(x)·H/(H + 1), H = expm1(2|x|)/2 from the table above, for the instruction
   * sets whose S supplies lookup16 (a table of 16 entries, picked by the low 4 bits of t's
   * encoding), min (x86's: the second operand where either is NaN) and fmaDown (a·b + c
   * rounded toward −∞, or at most one below):
   *   |x| = (16k + j)·ln2/32 + u with 16k + j = ⌊32|x|/ln2⌋, so 0 ≤ u < ln2/32 (never negative:
   *   the sums below have no cancellation), p = e^(2u) − 1 by a polynomial of degree 7, and
   *   H = hh + hi·p with hi = 2ᵏ⁻¹·Th and hh = hi − ½, Th·(1 + ρ) = 2^(j/16), so the table's
   *   rounding is carried (ρ joins p's first term, 2u + ρ, at no cost). u = c − n·fl(ln2/32) is
   *   one FMA from n; the n·(ln2/32 − fl(ln2/32)) ≤ 7·10⁻¹⁶ it leaves out joins 2u + ρ off
   *   that path (p's higher terms see u that much off: ≤ 2·10⁻¹⁸ in p while n ≤ 32).
   * z = (d − 1)/d with d ≈ H + 1 rounds several times; one correction step removes that: with
   * H = (d − 1) + δ, δ = (hh − (d − 1)) + hi·p, the residual H − z·(H + 1) = (d − 1 − z·d) +
   * δ·(1 − z), and tanh = z + residual·(1 − z), as 1/(H + 1) = 1 − tanh. d need only be near
   * H + 1 (here hi·p + (hi + ½), whose sum may round); hh, d − 1 and hh − (d − 1) are exact
   * while 2ᵏ < 2⁵³ (|x| < 18.4; beyond, tanh is within 2⁻⁵² of 1). One formula for every |x|
   * (near 0, k = j = 0 and H = p(|x|)/2); ±0 and NaN pass through. At most 1.51 ulp from tanh
   * over 2.3·10⁷ inputs (against long double).
   */
  static D tanhTable(D x) {
    const D c = S::min(splat(19.5), absv(x));  // 1 − tanh < 2⁻⁵⁴ beyond 19.06: rounds to 1; NaN stays
    const D t = S::fmaDown(c, splat(0x1.71547652b82fep+5), splat(kShifter));  // 16k + j in the low bits
    const D n = t - kShifter;
    const D u = fma(n, splat(-0x1.62e42fefa39efp-6), c);
    const D lin = (u + u) + fma(n, splat(-0x1.abc9e3b39803fp-60), S::lookup16(kExp2LoRatio, t));
    // p = 2u + ρ + u²·q(u), q a Chebyshev fit of (e^(2u) − 1 − 2u)/u² on [0, ln2/32] (mpmath; p's
    // relative error 1.4·10⁻¹⁷), by Estrin's scheme (a shorter chain than Horner's, no more ops)
    const D u2 = u * u;
    const D a0 = fma(splat(0x1.5555555555663p+0), u, splat(2.0));
    const D a1 = fma(splat(0x1.1111147d1c853p-2), u, splat(0x1.555555542590ep-1));
    const D a2 = fma(splat(0x1.a5c77361dad99p-6), u, splat(0x1.6c0fd9fc2f4a3p-4));
    const D p = fma(u2, fma(fma(a2, u2, a1), u2, a0), lin);
    const D hi = (D)((I)S::lookup16(kHalfExp2HiLessJ, t) + ((I)t << 48));
    const D d = fma(hi, p, hi + 0.5);
    const D dm1 = d - 1.0;
    const D delta = fma(p, hi, (hi - 0.5) - dm1);
    const D z = dm1 / d;
    const D w = 1.0 - z;
    const D r = fma(fma(delta, w, fma(-z, d, dm1)), w, z);
    return (D)((I)r | ((I)x & splatI(0x8000000000000000LL)));
  }

  /**
   * exp(x) for |x| < 708 from the same table: x = (16k + j)·ln2/16 + r with 16k + j the nearest
   * integer to 16x/ln2, |r| ≤ ln2/32, eˣ = 2ᵏ·Th·(1 + ρ + p), p = e^r − 1 = r + r²·g(r), g a
   * Chebyshev fit of (e^r − 1 − r)/r² (mpmath; 1 + p within 4·10⁻⁴ ulp of e^r).
   */
  static D expTable(D x) {
    const D t = fma(x, splat(0x1.71547652b82fep+4), splat(kShifter));
    const D n = t - kShifter;
    // ln2/16 in two parts, the first with 38 bits: n·high is exact for |n| < 2¹⁵.
    const D r = fma(n, splat(-0x1.cf79abc9e3b3ap-44), fma(n, splat(-0x1.62e42fefa0000p-5), x));
    const D r2 = r * r;
    const D b0 = fma(splat(0x1.5555555555556p-3), r, splat(0x1.0000000000001p-1));
    const D b1 = fma(splat(0x1.11111110e10a8p-7), r, splat(0x1.55555554e9468p-5));
    const D b2 = fma(splat(0x1.a01b0c2edac01p-13), r, splat(0x1.6c17ed4cc48cap-10));
    const D p = fma(r2, fma(fma(b2, r2, b1), r2, b0), r + S::lookup16(kExp2LoRatio, t));
    const D th = S::lookup16(kExp2Hi, t);
    return S::template pow2k<0>(fma(th, p, th), t);
  }

  static D expCore(D x) {
    // A gathered table (AVX2) costs exp more than it saves; a permuted one (AVX-512) does not.
    if constexpr (S::kLookupInRegisters) return expTable(x);
    else return expNoTable(x);
  }

  static D tanhCore(D x) {
    if constexpr (S::kLookup16) return tanhTable(x);
    else return tanhExpm1(x);
  }

  static D sigmoidCore(D x) {
    const D e = expCore(-absv(x));
    return (x >= 0.0 ? splat(1.0) : e) / (1.0 + e);
  }

  /** x with the low 32 bits of its encoding cleared: 21 significant bits, so that a product
   *  of two such values is exact. */
  static D high(D x) { return (D)((I)x & splatI(static_cast<long long>(0xffffffff00000000ULL))); }

  /**
   * log₂(ax) = t1 + t2 for ax positive, normal and finite, t1 with 21 significant bits (fdlibm's
   * e_pow.c): ax = 2ⁿ·m with m in [√3/2, √3), m = bp·(1 + s)/(1 − s) with bp = 1 or 3/2,
   * log₂ m = log₂ bp + (2/(3 ln 2))·(3s + s³ + s⁴·R(s²)), s carried as s_h + s_l, every
   * product of high parts exact.
   */
  static void log2Split(D ax, D& t1, D& t2) {
    const I ix = (I)ax;
    const I j = (ix >> 32) & splatI(0xfffff);  // the top 20 bits of the mantissa
    const auto k1 = (j > 0x3988e) & (j < 0xbb67a);  // m in [√(3/2), √3): bp = 3/2
    const auto up = j >= 0xbb67a;                   // m ≥ √3: halve it, n + 1
    I n = ((ix >> 52) & splatI(0x7ff)) - 0x3ff;
    I im = (ix & splatI(0x000fffffffffffffLL)) | splatI(0x3ff0000000000000LL);
    n = up ? n + 1 : n;
    im = up ? im - splatI(0x0010000000000000LL) : im;
    const D m = (D)im;
    const D bp = k1 ? splat(1.5) : splat(1.0);
    const D dpH = k1 ? splat(5.84962487220764160156e-01) : D{};  // log₂(3/2) = dpH + dpL
    const D dpL = k1 ? splat(1.35003920212974897128e-08) : D{};
    const D u = m - bp, v = 1.0 / (m + bp);
    const D ss = u * v;
    const D sH = high(ss);
    const D tH = high(m + bp);
    const D tL = m - (tH - bp);
    const D sL = v * ((u - sH * tH) - sH * tL);
    D s2 = ss * ss;
    D r = fma(s2, splat(2.06975017800338417784e-01), splat(2.30660745775561754067e-01));
    r = fma(s2, r, splat(2.72728123808534006489e-01));
    r = fma(s2, r, splat(3.33333329818377432918e-01));
    r = fma(s2, r, splat(4.28571428578550184252e-01));
    r = fma(s2, r, splat(5.99999999999994648725e-01));
    r = s2 * s2 * r + sL * (sH + ss);
    s2 = sH * sH;
    const D th = high(3.0 + s2 + r);
    const D tl = r - ((th - 3.0) - s2);
    const D pu = sH * th, pv = sL * th + tl * ss;  // s·(3 + s² + …) as pH + pL
    const D pH = high(pu + pv);
    const D pL = pv - (pH - pu);
    // times 2/(3 ln 2) = cpH + cpL, plus log₂ bp and n.
    const D zH = 9.61796700954437255859e-01 * pH;
    const D zL = -7.02846165095275826516e-09 * pH + pL * 9.61796693925975554329e-01 + dpL;
    const D dn = (D)(n + (I)splat(kShifter)) - kShifter;
    t1 = high(((zH + zL) + dpH) + dn);
    t2 = zL - (((t1 - dn) - dpH) - zH);
  }

  /**
   * xʸ for lanes where x is normal and finite (negative only with an integer y below 2⁵¹) and
   * y·log₂|x| lies in (−1021, 1023), so that the result is normal: fdlibm's e_pow.c, y·log₂|x|
   * formed as n + pH + pL with products of 21-bit high parts exact, then 2ⁿ·e^((pH + pL)·ln 2)
   * by fdlibm's exp kernel. `fast` marks those lanes.
   */
  static D powCore(D x, D y, I& fast) {
    const D ax = absv(x);
    D t1, t2;
    log2Split(ax, t1, t2);
    const D y1 = high(y);
    const D pL0 = (y - y1) * t1 + y * t2;
    const D pH0 = y1 * t1;
    const D z = pL0 + pH0;
    // An integer y below 2⁵¹ in magnitude sits in the low bits of |y| + 1.5·2⁵²; odd: bit 0.
    const D ty = absv(y) + kShifter;
    const auto integer = (absv(y) < 0x1p51) & (ty - kShifter == absv(y));
    const auto odd = ((I)ty & 1) != 0;
    fast = (I)((ax >= 0x1p-1022) & (ax <= 0x1.fffffffffffffp1023) & (absv(y) <= 0x1.fffffffffffffp1023) &
               ((x > 0.0) | integer) & (z > -1021.0) & (z < 1023.0));
    const D tn = z + kShifter;  // n = z rounded to an integer
    const D pH = pH0 - (tn - kShifter);
    const D t = high(pL0 + pH);
    const D u = t * 6.93147182464599609375e-01;  // ln 2 = lg2H + lg2L, lg2H with 21 bits
    const D v = (pL0 - (t - pH)) * 6.93147180559945286227e-01 + t * -1.90465429995776804525e-09;
    const D w0 = u + v;
    const D w = v - (w0 - u);
    const D tt = w0 * w0;
    D c = fma(tt, splat(4.13813679705723846039e-08), splat(-1.65339022054652515390e-06));
    c = fma(tt, c, splat(6.61375632143793436117e-05));
    c = fma(tt, c, splat(-2.77777777770155933842e-03));
    c = fma(tt, c, splat(1.66666666666666019037e-01));
    const D c1 = w0 - tt * c;
    const D r = (w0 * c1) / (c1 - 2.0) - (w + w0 * w);
    const D e = 1.0 - (r - w0);  // e^((pH + pL)·ln 2), |pH + pL| ≤ 1/2
    const D result = (D)((I)e + ((I)tn << 52));
    return (x < 0.0) & odd ? -result : result;
  }

  /**
   * One vector of pow: powCore where it is valid, powScalar (JavaScript's Math.pow) elsewhere.
   * Where the exact power is one IEEE operation — x¹ = x, x² = x·x, x⁻¹ = 1/x, x^½ = √x — that
   * operation gives it correctly rounded (powCore is within 1 ulp): nb.pow(x, 2) then equals
   * nb.mul(x, x) and Math.pow, bit for bit.
   */
  static D powOne(D a, D b) {
    I fast;
    D r = powCore(a, b, fast);
    r = b == 2.0 ? a * a : b == 1.0 ? a : r;
    if (S::any((I)(b == -1.0))) r = b == -1.0 ? 1.0 / a : r;
    if (S::any((I)(b == 0.5))) {
      double as[W], bs[W], rs[W];
      std::memcpy(as, &a, sizeof a);
      std::memcpy(bs, &b, sizeof b);
      std::memcpy(rs, &r, sizeof r);
      for (int j = 0; j < W; j++)
        if (bs[j] == 0.5) rs[j] = std::sqrt(as[j]);
      std::memcpy(&r, rs, sizeof r);
    }
    if (S::any(~fast)) {
      double as[W], bs[W], rs[W];
      std::memcpy(as, &a, sizeof a);
      std::memcpy(bs, &b, sizeof b);
      std::memcpy(rs, &r, sizeof r);
      for (int j = 0; j < W; j++)
        if (!fast[j]) rs[j] = powScalar(as[j], bs[j]);
      std::memcpy(&r, rs, sizeof r);
    }
    return r;
  }

  /** W elements of a strided operand (stride 0: one value for all, 1: contiguous). */
  static D load(const double* p, ptrdiff_t stride, ptrdiff_t count) {
    D v;
    if (stride == 1 && count == W) {
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    double buf[W] = {};
    for (ptrdiff_t j = 0; j < count; j++) buf[j] = p[j * stride];
    std::memcpy(&v, buf, sizeof v);
    return v;
  }

  static void applyPow(const double* a, ptrdiff_t as, const double* b, ptrdiff_t bs, double* o, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i += W) {
      const ptrdiff_t count = n - i < W ? n - i : W;
      const D r = powOne(load(a + i * as, as, count), load(b + i * bs, bs, count));
      std::memcpy(o + i, &r, sizeof(double) * count);
    }
  }

  // Where each kernel's vector path is valid (a lane of all ones); other lanes go to libm.
  static I expFast(D x) { return (I)(absv(x) < 708.0); }
  static I logFast(D x) { return (I)((x >= 0x1p-1022) & (x <= 0x1.fffffffffffffp1023)); }
  static I log1pFast(D x) { return (I)((x > -1.0) & (x < 0x1p53)); }
  static I sinCosFast(D x) { return (I)(absv(x) < 1.6e6); }
  static I always(D) { return splatI(-1); }
  static I notNaN(D x) { return (I)(x == x); }
  static D sinCore(D x) { return sinCosCore(x, 0); }
  static D cosCore(D x) { return sinCosCore(x, 1); }

  /** One vector: Vec where Fast holds, Scalar elsewhere; Odd functions keep ±0 as it is. */
  template <D (*Vec)(D), I (*Fast)(D), double (*Scalar)(double), bool Odd>
  static D one(D x) {
    const I fast = Fast(x);
    D r = Vec(x);
    if (Odd) r = x == 0.0 ? x : r;
    if (S::any(~fast)) {
      double xs[W], rs[W];
      std::memcpy(xs, &x, sizeof x);
      std::memcpy(rs, &r, sizeof r);
      for (int j = 0; j < W; j++)
        if (!fast[j]) rs[j] = Scalar(xs[j]);
      std::memcpy(&r, rs, sizeof r);
    }
    return r;
  }

  /** f(x) for one vector: each function's vector core, range test, libm fallback and oddness. */
  template <VecFn F>
  static D of(D x) {
    if constexpr (F == VecFn::exp) return one<&expCore, &expFast, scalarExp, false>(x);
    if constexpr (F == VecFn::log) return one<&logCore, &logFast, scalarLog, false>(x);
    if constexpr (F == VecFn::log1p) return one<&log1pCore, &log1pFast, scalarLog1p, true>(x);
    if constexpr (F == VecFn::expm1) return one<&expm1Core, &expFast, scalarExpm1, true>(x);
    if constexpr (F == VecFn::sin) return one<&sinCore, &sinCosFast, scalarSin, true>(x);
    if constexpr (F == VecFn::cos) return one<&cosCore, &sinCosFast, scalarCos, false>(x);
    if constexpr (F == VecFn::tan) return one<&tanCore, &sinCosFast, scalarTan, true>(x);
    if constexpr (F == VecFn::atan) return one<&atanCore, &always, scalarAtan, true>(x);
    if constexpr (F == VecFn::erf) return one<&erfCore, &notNaN, scalarErf, true>(x);
    if constexpr (F == VecFn::tanh) return one<&tanhCore, &always, scalarTanh, !S::kLookup16>(x);  // tanhTable keeps ±0
    if constexpr (F == VecFn::sigmoid) return one<&sigmoidCore, &expFast, sigmoidScalar, false>(x);
    if constexpr (F == VecFn::softplus) return one<&softplusCore, &expFast, softplusScalar, false>(x);
  }

  /** o[i] = f(x[i]), i < n: whole vectors, then the tail through a zero-padded one. */
  template <VecFn F>
  static void apply(const double* x, double* o, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + W <= n; i += W) {
      D v;
      std::memcpy(&v, x + i, sizeof v);
      const D r = of<F>(v);
      std::memcpy(o + i, &r, sizeof r);
    }
    if (i == n) return;
    double buf[W] = {};
    std::memcpy(buf, x + i, sizeof(double) * (n - i));
    D v;
    std::memcpy(&v, buf, sizeof v);
    const D r = of<F>(v);
    std::memcpy(buf, &r, sizeof r);
    std::memcpy(o + i, buf, sizeof(double) * (n - i));
  }
};

}  // namespace vecmath
}  // namespace nabla
