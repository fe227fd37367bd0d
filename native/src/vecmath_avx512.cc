// The AVX-512 instance of vecmath_impl.h, compiled with -mavx512f -mfma (binding.gyp) and
// called only when the CPU reports AVX-512F at run time.
#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>

#include "vecmath_impl.h"

namespace nabla {
namespace {

struct Avx512 {
  using D = __m512d;
  using I = __m512i;
  static constexpr int W = 8;
  static D fma(D a, D b, D c) { return _mm512_fmadd_pd(a, b, c); }
  static bool any(I m) { return _mm512_test_epi64_mask(m, m) != 0; }
};

}  // namespace

const VectorMath& vectorMathAvx512() { return vecmath::table<Avx512>(); }

}  // namespace nabla
#endif
