// Vectorised transcendental functions of the native backend (float64; float32 data is widened,
// computed here and rounded once, which keeps it within 1 ulp of the correctly rounded float).
// The code is written once, over GCC vector types, in vecmath_impl.h and compiled three times:
// vecmath_avx512.cc (8 lanes), vecmath_avx2.cc (4 lanes), each with its own -m flags like the
// GEMM kernels, and vecmath_generic.cc (2 lanes, the baseline ISA); addon.cc picks one at load.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

namespace nabla {

/** o[i] = f(x[i]) for i < n; x and o may be the same array. */
using VecKernel = void (*)(const double* x, double* o, ptrdiff_t n);

/** o[i] = f(a[i·as], b[i·bs]) for i < n (strides 0 or 1); a or b and o may be the same array. */
using VecKernel2 = void (*)(const double* a, ptrdiff_t as, const double* b, ptrdiff_t bs, double* o, ptrdiff_t n);

/** The functions of one operand with a vector kernel: an index into VectorMath::unary. */
#define NABLA_VEC_FNS(X) X(exp) X(log) X(log1p) X(expm1) X(sin) X(cos) X(tan) X(atan) X(erf) X(tanh) X(sigmoid) X(softplus)
#define NABLA_VEC_FN_ENUM(name) name,
enum class VecFn : unsigned char { NABLA_VEC_FNS(NABLA_VEC_FN_ENUM) count };
#undef NABLA_VEC_FN_ENUM

struct Chain;
struct ChainLink;

/** A fused loop's chain over one block (chain.h): o[0..len) from the operands' blocks at[value]. */
template <typename V>
using ChainKernel = void (*)(const Chain& chain, const ChainLink* links, V* const* at, V* o, ptrdiff_t len);

struct VectorMath {
  std::array<VecKernel, size_t(VecFn::count)> unary;
  VecKernel2 pow;
  // Chains are compiled with the kernels, so that a function in a chain is computed in its registers.
  ChainKernel<double> chainF64;
  ChainKernel<float> chainF32;
};

const VectorMath& vectorMathAvx512();
const VectorMath& vectorMathAvx2();
const VectorMath& vectorMathGeneric();

/**
 * The logistic function with exp's argument kept non-positive (no overflow, no cancellation):
 * the scalar definition both the elementwise table and the vector kernels' out-of-range lanes use.
 */
inline double sigmoidScalar(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

/**
 * xʸ as JavaScript's Math.pow (the reference backend's) defines it: C99's pow but for a NaN
 * exponent, which always gives NaN, and (±1)^±∞, which is NaN (C says 1).
 */
inline double powScalar(double x, double y) {
  if (y != y) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(y) && std::fabs(x) == 1.0) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(x, y);
}

/** log(1 + eˣ) without overflow: the scalar definition, as sigmoidScalar. */
inline double softplusScalar(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

}  // namespace nabla
