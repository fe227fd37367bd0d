// The AVX-512 instance of vecmath_impl.h, compiled with -mavx512f -mfma (binding.gyp) and
// called only when the CPU reports AVX-512F at run time.
#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>

#include "chain_impl.h"

namespace nabla {
namespace {

struct Avx512 {
  using D = __m512d;
  using I = __m512i;
  static constexpr int W = 8;
  static D fma(D a, D b, D c) { return _mm512_fmadd_pd(a, b, c); }
  static bool any(I m) { return _mm512_test_epi64_mask(m, m) != 0; }
  // tanhTable's and expTable's needs (vecmath_impl.h); a 16-entry table lives in two registers.
  static constexpr bool kLookup16 = true;
  static constexpr bool kLookupInRegisters = true;
  // A chain keeps eight 64-byte vectors in flight: AVX-512 has 32 registers.
  static constexpr int kChainVectors = 8;
  static D lookup16(const double (&table)[16], D i) {
    return _mm512_permutex2var_pd(_mm512_loadu_pd(table), _mm512_castpd_si512(i), _mm512_loadu_pd(table + 8));
  }
  static D min(D a, D b) { return _mm512_min_pd(a, b); }
  template <int Bias>
  static D pow2k(D a, D t) {  // scalef: a·2^⌊b⌋, b = t/16 − 1.5·2⁴⁸ + Bias = k + Bias + j/16, exact
    return _mm512_scalef_pd(a, _mm512_fmadd_pd(t, _mm512_set1_pd(0.0625), _mm512_set1_pd(-0x1.8p48 + Bias)));
  }
  static D fmaDown(D a, D b, D c) { return _mm512_fmadd_round_pd(a, b, c, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
};

}  // namespace

const VectorMath& vectorMathAvx512() { return vecmath::table<Avx512>(); }

}  // namespace nabla
#endif
