// The AVX2+FMA micro-kernels, compiled with -mavx2 -mfma (see binding.gyp) and called when
// the CPU has them but not AVX-512. 16 vector registers: a 6×2W tile (12 accumulators, 2 B
// vectors, 1 broadcast), the classic Haswell-era shape.
#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "gemm.h"

namespace nabla {
namespace {

struct OpsF64 {
  using V = __m256d;
  static constexpr int W = 4, MR = 6, NV = 2;
  static constexpr ptrdiff_t KC = 256, MC = 96, NC = 2048;
  static V zero() { return _mm256_setzero_pd(); }
  static V load(const double* p) { return _mm256_load_pd(p); }
  static V broadcast(const double* p) { return _mm256_broadcast_sd(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static void addStore(double* d, V v) { _mm256_storeu_pd(d, _mm256_add_pd(_mm256_loadu_pd(d), v)); }
  static void store(double* d, V v) { _mm256_store_pd(d, v); }
  static void storeUnaligned(double* d, V v) { _mm256_storeu_pd(d, v); }
};

struct OpsF32 {
  using V = __m256;
  static constexpr int W = 8, MR = 6, NV = 2;
  static constexpr ptrdiff_t KC = 256, MC = 192, NC = 4096;
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_load_ps(p); }
  static V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static void addStore(float* d, V v) { _mm256_storeu_ps(d, _mm256_add_ps(_mm256_loadu_ps(d), v)); }
  static void store(float* d, V v) { _mm256_store_ps(d, v); }
  static void storeUnaligned(float* d, V v) { _mm256_storeu_ps(d, v); }
};

}  // namespace

void gemmF64Avx2(MatView<double> a, MatView<double> b, double* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, ptrdiff_t j0, ptrdiff_t j1) {
  gemmShare<double, OpsF64>(a, b, c, m, k, n, j0, j1);
}
void gemmUpdateF64Avx2(MatView<double> a, MatView<double> b, double* c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t k, ptrdiff_t j0, ptrdiff_t j1) {
  Gemm<double, OpsF64>::update(a, b, c, ldc, m, k, j0, j1);
}
void gemmF32Avx2(MatView<float> a, MatView<float> b, float* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, ptrdiff_t j0, ptrdiff_t j1) {
  gemmShare<float, OpsF32>(a, b, c, m, k, n, j0, j1);
}

}  // namespace nabla
#endif
