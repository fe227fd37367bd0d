// The chains of chain.h over blocks, and the kernel table, as a template over the instruction
// set S of vecmath_impl.h (which adds kChainVectors: how many vectors a chain keeps in flight
// per link, 8 where the registers hold them, fewer where they would spill). Compiled with each
// instruction set's flags in vecmath_<isa>.cc, so a chain runs in S's vectors and a function
// link is the same code as that function's eager loop, inlined.
#pragma once

#include <cstring>
#include <type_traits>
#include <utility>

#include "chain.h"
#include "vecmath_impl.h"

namespace nabla {
namespace vecmath {

// The helpers are always inlined into run's per-instruction-set versions, so that they keep
// its registers.
#define NABLA_INLINE inline __attribute__((always_inline))

template <class S>
struct Chains {
  using K = Kernels<S>;
  using D = typename S::D;
  static constexpr int R = S::kChainVectors;
  static constexpr int kMathVectors = 8;

  /** One vector of V for a link: S's double vector, or a float vector of the same bytes. */
  template <typename V>
  using Vec = std::conditional_t<std::is_same_v<V, double>, D, float __attribute__((vector_size(sizeof(D))))>;
  using FloatHalf = float __attribute__((vector_size(sizeof(D) / 2)));

  /** acc = f(acc) lane by lane, through an array (the loop over an array vectorises: vsqrtps, vandps). */
  template <typename V, typename Acc, typename F>
  static NABLA_INLINE void eachLane(Acc& acc, F f) {
    V lanes[sizeof(Acc) / sizeof(V)];
    std::memcpy(lanes, &acc, sizeof acc);
    for (V& l : lanes) l = f(l);
    std::memcpy(&acc, lanes, sizeof acc);
  }

  template <typename V, typename Acc>
  static NABLA_INLINE void applyLink(Link op, Acc& acc, const Acc& x) {
    switch (op) {
      case Link::add: acc = acc + x; break;
      case Link::sub: acc = acc - x; break;
      case Link::mul: acc = acc * x; break;
      case Link::div: acc = acc / x; break;
      case Link::addTo: acc = x + acc; break;
      case Link::subFrom: acc = x - acc; break;
      case Link::mulBy: acc = x * acc; break;
      case Link::divInto: acc = x / acc; break;
      case Link::neg: acc = -acc; break;
      case Link::sqrt: eachLane<V>(acc, [](V l) { return std::sqrt(l); }); break;
      case Link::abs: eachLane<V>(acc, [](V l) { return std::fabs(l); }); break;
      case Link::math: break;  // runAt's mathLink
    }
  }

  /**
   * f over one accumulator as its eager kernel computes it: a double vector directly; float
   * lanes widened, in two halves, and rounded once; a block's last elements one at a time, in
   * a vector's first lane (lanes never affect each other).
   */
  template <VecFn F, typename V, typename Acc>
  static NABLA_INLINE Acc mathOf(Acc a) {
    if constexpr (std::is_same_v<Acc, D>) {
      return K::template of<F>(a);
    } else if constexpr (std::is_same_v<Acc, V>) {
      D v = {};
      v[0] = double(a);
      return V(K::template of<F>(v)[0]);
    } else {
      FloatHalf half[2];
      std::memcpy(half, &a, sizeof a);
      for (FloatHalf& h : half) h = __builtin_convertvector(K::template of<F>(__builtin_convertvector(h, D)), FloatHalf);
      std::memcpy(&a, half, sizeof a);
      return a;
    }
  }

  /** acc[0..count) = fn(acc[r]): out of line, one copy of each function's code per accumulator type. */
  template <typename V, typename Acc>
  static __attribute__((noinline)) void mathLink(VecFn fn, Acc* acc, int count) {
    switch (fn) {
#define NABLA_MATH_CASE(name)                                                 \
  case VecFn::name:                                                           \
    for (int r = 0; r < count; r++) acc[r] = mathOf<VecFn::name, V>(acc[r]); \
    break;
      NABLA_VEC_FNS(NABLA_MATH_CASE)
#undef NABLA_MATH_CASE
      case VecFn::count: break;
    }
  }

  /** x[0..N) = value's elements [i, i + N·lanes), or N copies of its one element. */
  template <typename V, int N, typename Acc>
  static NABLA_INLINE void loadOperand(Acc (&x)[N], V* const* at, int value, bool scalar, ptrdiff_t i) {
    constexpr ptrdiff_t kLanes = sizeof(Acc) / sizeof(V);
    if (scalar) {
      Acc all;  // a scalar's block is filled with it (runFusedPart), so its first lanes are a broadcast
      std::memcpy(&all, at[value], sizeof all);
#pragma GCC unroll 8
      for (int r = 0; r < N; r++) x[r] = all;
    } else {
#pragma GCC unroll 8
      for (int r = 0; r < N; r++) std::memcpy(&x[r], at[value] + i + r * kLanes, sizeof(Acc));
    }
  }

  /**
   * The chain over elements [i, i + N·lanes) in N accumulators of type Acc (a vector, or V for a
   * block's tail). WithMath: the chain has a function link, which takes the accumulators a
   * vector at a time, so they live in memory (cheap beside the function); otherwise registers.
   */
  template <typename V, int N, typename Acc, bool WithMath>
  static NABLA_INLINE void runAt(const Chain& chain, const ChainLink* links, V* const* at, V* o, ptrdiff_t i) {
    constexpr ptrdiff_t kLanes = sizeof(Acc) / sizeof(V);
    Acc acc[N];
#pragma GCC unroll 8
    for (int r = 0; r < N; r++) std::memcpy(&acc[r], at[chain.first] + i + r * kLanes, sizeof(Acc));
    for (int k = 0; k < chain.nLinks; k++) {
      const ChainLink& link = links[k];
      if constexpr (WithMath) {
        if (link.op == Link::math) {
          mathLink<V>(link.fn, acc, N);
          continue;
        }
      }
      Acc x[N] = {};
      if (!isUnary(link.op)) loadOperand<V, N>(x, at, link.value, link.scalar, i);
      if (link.folded) {
        Acc y[N];
        loadOperand<V, N>(y, at, link.preValue, link.preScalar, i);
#pragma GCC unroll 8
        for (int r = 0; r < N; r++) applyLink<V>(link.pre, x[r], y[r]);
      }
#pragma GCC unroll 8
      for (int r = 0; r < N; r++) applyLink<V>(link.op, acc[r], x[r]);
    }
#pragma GCC unroll 8
    for (int r = 0; r < N; r++) std::memcpy(o + i + r * kLanes, &acc[r], sizeof(Acc));
  }

  /** o[0..len) = the chain over operands at[value][0..len), R vectors per link, then one element at a time. */
  template <typename V>
  static void run(const Chain& chain, const ChainLink* links, V* const* at, V* o, ptrdiff_t len) {
    constexpr ptrdiff_t kStride = R * ptrdiff_t(sizeof(Vec<V>) / sizeof(V));
    ptrdiff_t i = 0;
    if (chain.math) {
      constexpr ptrdiff_t kMathStride = kMathVectors * ptrdiff_t(sizeof(Vec<V>) / sizeof(V));
      for (; i + kMathStride <= len; i += kMathStride) runAt<V, kMathVectors, Vec<V>, true>(chain, links, at, o, i);
      for (; i + kStride <= len; i += kStride) runAt<V, R, Vec<V>, true>(chain, links, at, o, i);
      for (; i < len; i++) runAt<V, 1, V, true>(chain, links, at, o, i);
    } else {
      for (; i + kStride <= len; i += kStride) runAt<V, R, Vec<V>, false>(chain, links, at, o, i);
      for (; i < len; i++) runAt<V, 1, V, false>(chain, links, at, o, i);
    }
  }
};

#undef NABLA_INLINE

template <class K, size_t... F>
constexpr std::array<VecKernel, sizeof...(F)> applyEach(std::index_sequence<F...>) {
  return {&K::template apply<VecFn(F)>...};
}

/** The kernel table of instruction set S: its vector math and its chains. */
template <class S>
const VectorMath& table() {
  using K = Kernels<S>;
  static const VectorMath t = {
      applyEach<K>(std::make_index_sequence<size_t(VecFn::count)>{}),
      &K::applyPow,
      &Chains<S>::template run<double>,
      &Chains<S>::template run<float>,
  };
  return t;
}

}  // namespace vecmath
}  // namespace nabla
