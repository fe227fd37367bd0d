// The AVX-512 micro-kernels, compiled with -mavx512f (see binding.gyp) and called only when
// the CPU reports AVX-512F at run time. 32 vector registers allow an 8×2W register tile
// (see gemm.h for why 8 rows rather than the 12 that would fit).
#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>

#include "gemm.h"

namespace nabla {
namespace {

struct OpsF64 {
  using V = __m512d;
  static constexpr int W = 8, MR = 8, NV = 2;
  // KC·NR·8 B = 32 KB: the packed B micro-panel that every A micro-panel of a block reuses
  // sits in a 32 KB L1d; MC·KC·8 B = 192 KB of A stays in a 1 MB L2; KC·NC·8 B = 4 MB of B in L3.
  static constexpr ptrdiff_t KC = 256, MC = 96, NC = 2048;
  static V zero() { return _mm512_setzero_pd(); }
  static V load(const double* p) { return _mm512_load_pd(p); }
  static V broadcast(const double* p) { return _mm512_set1_pd(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static void addStore(double* d, V v) { _mm512_storeu_pd(d, _mm512_add_pd(_mm512_loadu_pd(d), v)); }
  static void store(double* d, V v) { _mm512_store_pd(d, v); }
  static void storeUnaligned(double* d, V v) { _mm512_storeu_pd(d, v); }
};

struct OpsF32 {
  using V = __m512;
  static constexpr int W = 16, MR = 8, NV = 2;
  // The float32 panels are half the bytes: the same KC keeps B's micro-panel at 32 KB.
  static constexpr ptrdiff_t KC = 256, MC = 192, NC = 4096;
  static V zero() { return _mm512_setzero_ps(); }
  static V load(const float* p) { return _mm512_load_ps(p); }
  static V broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static void addStore(float* d, V v) { _mm512_storeu_ps(d, _mm512_add_ps(_mm512_loadu_ps(d), v)); }
  static void store(float* d, V v) { _mm512_store_ps(d, v); }
  static void storeUnaligned(float* d, V v) { _mm512_storeu_ps(d, v); }
};

}  // namespace

void gemmF64Avx512(MatView<double> a, MatView<double> b, double* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, ptrdiff_t j0, ptrdiff_t j1) {
  gemmShare<double, OpsF64>(a, b, c, m, k, n, j0, j1);
}
void gemmUpdateF64Avx512(MatView<double> a, MatView<double> b, double* c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t k, ptrdiff_t j0, ptrdiff_t j1) {
  Gemm<double, OpsF64>::update(a, b, c, ldc, m, k, j0, j1);
}
void gemmF32Avx512(MatView<float> a, MatView<float> b, float* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, ptrdiff_t j0, ptrdiff_t j1) {
  gemmShare<float, OpsF32>(a, b, c, m, k, n, j0, j1);
}

}  // namespace nabla
#endif
