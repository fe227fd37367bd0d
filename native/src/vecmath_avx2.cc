// The AVX2 instance of vecmath_impl.h, compiled with -mavx2 -mfma (binding.gyp) and called
// only when the CPU reports AVX2 and FMA at run time.
#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

#include "chain_impl.h"

namespace nabla {
namespace {

struct Avx2 {
  using D = __m256d;
  using I = __m256i;
  static constexpr int W = 4;
  static D fma(D a, D b, D c) { return _mm256_fmadd_pd(a, b, c); }
  static bool any(I m) { return !_mm256_testz_si256(m, m); }
  // tanhTable's needs (vecmath_impl.h), without AVX-512's permute and rounding control: a
  // gather. (exp keeps fdlibm's form here: expTable's gathers would cost more than they save.)
  static constexpr bool kLookup16 = true;
  static constexpr bool kLookupInRegisters = false;
  // Eight 32-byte vectors per chain link (64-byte ones spill with AVX2's 16 registers: 3.5× slower).
  static constexpr int kChainVectors = 8;
  static D lookup16(const double (&table)[16], D i) {
    return _mm256_i64gather_pd(table, _mm256_and_si256(_mm256_castpd_si256(i), _mm256_set1_epi64x(15)), 8);
  }
  static D min(D a, D b) { return _mm256_min_pd(a, b); }
  // ⌊a·b⌋ + c where a·b rounds up to an integer is that integer: at most one below the exact
  // floor, which leaves tanhTable's reduced argument a rounding error below zero (harmless).
  static D fmaDown(D a, D b, D c) {
    return _mm256_add_pd(_mm256_round_pd(_mm256_mul_pd(a, b), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC), c);
  }
};

}  // namespace

const VectorMath& vectorMathAvx2() { return vecmath::table<Avx2>(); }

}  // namespace nabla
#endif
