// The AVX2 instance of vecmath_impl.h, compiled with -mavx2 -mfma (binding.gyp) and called
// only when the CPU reports AVX2 and FMA at run time.
#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

#include "vecmath_impl.h"

namespace nabla {
namespace {

struct Avx2 {
  using D = __m256d;
  using I = __m256i;
  static constexpr bool kLookup16 = false;  // no 16-entry permute: tanh without a table
  static constexpr int W = 4;
  static D fma(D a, D b, D c) { return _mm256_fmadd_pd(a, b, c); }
  static bool any(I m) { return !_mm256_testz_si256(m, m); }
};

}  // namespace

const VectorMath& vectorMathAvx2() { return vecmath::table<Avx2>(); }

}  // namespace nabla
#endif
