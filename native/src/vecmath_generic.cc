// The portable instance of vecmath_impl.h: two-lane GCC vectors (SSE2 on x86-64, NEON or
// scalar code elsewhere) and no fused multiply-add; fdlibm's evaluation orders do not need one.
#include "chain_impl.h"

namespace nabla {
namespace {

struct Generic {
  using D = double __attribute__((vector_size(16)));
  using I = long long __attribute__((vector_size(16)));
  static constexpr bool kLookup16 = false;  // no table lookup in lanes: fdlibm's tanh
  static constexpr bool kLookupInRegisters = false;
  static constexpr int kChainVectors = 4;  // four 16-byte vectors per chain link
  static constexpr int W = 2;
  static D fma(D a, D b, D c) { return a * b + c; }
  static bool any(I m) { return (m[0] | m[1]) != 0; }
};

}  // namespace

const VectorMath& vectorMathGeneric() { return vecmath::table<Generic>(); }

}  // namespace nabla
