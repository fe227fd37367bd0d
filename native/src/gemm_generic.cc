// Portable micro-kernels for CPUs without AVX2 (and non-x86 machines): "vectors" of one
// lane, a 4×8 tile, left for the compiler to vectorise with whatever the baseline allows.
#include "gemm.h"

namespace nabla {
namespace {

template <typename T>
struct OpsScalar {
  using V = T;
  static constexpr int W = 1, MR = 4, NV = 8;
  static constexpr ptrdiff_t KC = 256, MC = 64, NC = 1024;
  static V zero() { return T(0); }
  static V load(const T* p) { return *p; }
  static V broadcast(const T* p) { return *p; }
  static V fma(V a, V b, V c) { return a * b + c; }
  static void addStore(T* d, V v) { *d += v; }
  static void store(T* d, V v) { *d = v; }
  static void storeUnaligned(T* d, V v) { *d = v; }
};

}  // namespace

void gemmF64Generic(MatView<double> a, MatView<double> b, double* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, ptrdiff_t j0, ptrdiff_t j1) {
  gemmShare<double, OpsScalar<double>>(a, b, c, m, k, n, j0, j1);
}
void gemmUpdateF64Generic(MatView<double> a, MatView<double> b, double* c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t k, ptrdiff_t j0, ptrdiff_t j1) {
  Gemm<double, OpsScalar<double>>::update(a, b, c, ldc, m, k, j0, j1);
}
void gemmF32Generic(MatView<float> a, MatView<float> b, float* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, ptrdiff_t j0, ptrdiff_t j1) {
  gemmShare<float, OpsScalar<float>>(a, b, c, m, k, n, j0, j1);
}

}  // namespace nabla
