// The chains of chain.h, and the kernel table, as a template over the instruction set S of
// vecmath_impl.h (which adds kChainVectors: how many vectors an arithmetic chain keeps in
// flight per link, 8 where the registers hold them, fewer where they would spill). Compiled
// with each instruction set's flags in vecmath_<isa>.cc, so that a chain runs in S's vectors
// and a function link is the same code as that function's eager loop, inlined.
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

/** Bytes of V as one GCC vector. */
template <typename V, int Bytes>
struct VecOf {
  typedef V type __attribute__((vector_size(Bytes)));
};

template <class S>
struct Chains {
  using K = Kernels<S>;
  using D = typename S::D;
  static constexpr int R = S::kChainVectors;
  // A function chain's vectors per dispatch of its links: one switch per link serves four
  // vectors (5% off tanh(x)·x + 1 with AVX-512, a quarter with AVX2, whose per-vector
  // dispatch had also spilled the running value to the stack).
  static constexpr int kGroup = 4;

  // One vector of V for a link, as many bytes as S's double vector. (Through VecOf: GCC drops
  // the attributes of a type written as a template argument, vector_size included.)
  template <typename V>
  using Vec = typename VecOf<V, sizeof(D)>::type;
  using DoubleVec = Vec<double>;
  using FloatHalf = typename VecOf<float, sizeof(D) / 2>::type;
  static_assert(sizeof(Vec<float>) == sizeof(D) && sizeof(Vec<double>) == sizeof(D), "a link's vectors are S's width");

  /** f(acc) lane by lane, through an array (the loop over an array vectorises: vsqrtps, vandps). */
  template <typename V, typename Acc, typename F>
  static NABLA_INLINE Acc eachLane(Acc acc, F f) {
    V lanes[sizeof(Acc) / sizeof(V)];
    std::memcpy(lanes, &acc, sizeof acc);
    for (V& l : lanes) l = f(l);
    std::memcpy(&acc, lanes, sizeof acc);
    return acc;
  }

  /** acc[r] = f(acc[r], x[r]) for each of the G accumulators. */
  template <int G, typename Acc, typename F>
  static NABLA_INLINE void each(Acc (&acc)[G], const Acc (&x)[G], F f) {
#pragma GCC unroll 8
    for (int r = 0; r < G; r++) acc[r] = f(acc[r], x[r]);
  }

  /** acc[r] = op(acc[r], x[r]) for each r: one dispatch for the group, not one per vector. */
  template <typename V, int G, typename Acc>
  static NABLA_INLINE void applyLinks(Link op, Acc (&acc)[G], const Acc (&x)[G]) {
    switch (op) {
      case Link::add: return each(acc, x, [](Acc a, Acc b) { return a + b; });
      case Link::sub: return each(acc, x, [](Acc a, Acc b) { return a - b; });
      case Link::mul: return each(acc, x, [](Acc a, Acc b) { return a * b; });
      case Link::div: return each(acc, x, [](Acc a, Acc b) { return a / b; });
      case Link::addTo: return each(acc, x, [](Acc a, Acc b) { return b + a; });
      case Link::subFrom: return each(acc, x, [](Acc a, Acc b) { return b - a; });
      case Link::mulBy: return each(acc, x, [](Acc a, Acc b) { return b * a; });
      case Link::divInto: return each(acc, x, [](Acc a, Acc b) { return b / a; });
      case Link::neg: return each(acc, x, [](Acc a, Acc) { return -a; });
      case Link::sqrt: return each(acc, x, [](Acc a, Acc) { return eachLane<V>(a, [](V l) { return std::sqrt(l); }); });
      case Link::abs: return each(acc, x, [](Acc a, Acc) { return eachLane<V>(a, [](V l) { return std::fabs(l); }); });
      case Link::math: return;  // runLinks applies the chain's function
    }
  }

  /**
   * f over one accumulator as its eager kernel computes it: a double vector directly; float
   * lanes widened, in two halves, and rounded once; a block's last elements one at a time, in
   * a vector's first lane (lanes never affect each other).
   */
  template <VecFn F, typename V, typename Acc>
  static NABLA_INLINE Acc mathOf(Acc a) {
    if constexpr (std::is_same_v<Acc, DoubleVec>) {
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

  /** The chain over elements [i, i + N·lanes) in N accumulators of type Acc (a vector, or V for a block's tail). */
  template <typename V, int N, typename Acc>
  static NABLA_INLINE void runAt(const Chain& chain, const ChainLink* links, V* const* at, V* o, ptrdiff_t i) {
    constexpr ptrdiff_t kLanes = sizeof(Acc) / sizeof(V);
    Acc acc[N];
#pragma GCC unroll 8
    for (int r = 0; r < N; r++) std::memcpy(&acc[r], at[chain.first] + i + r * kLanes, sizeof(Acc));
    for (int k = 0; k < chain.nLinks; k++) {
      const ChainLink& link = links[k];
      Acc x[N] = {};
      if (!isUnary(link.op)) loadOperand<V, N>(x, at, link.value, link.scalar, i);
      if (link.folded) {
        Acc y[N];
        loadOperand<V, N>(y, at, link.preValue, link.preScalar, i);
        applyLinks<V, N>(link.pre, x, y);
      }
      applyLinks<V, N>(link.op, acc, x);
    }
#pragma GCC unroll 8
    for (int r = 0; r < N; r++) std::memcpy(o + i + r * kLanes, &acc[r], sizeof(Acc));
  }

  /** A function chain's links, decoded once per call: each link's op and operand (in place, or broadcast). */
  template <typename V>
  struct Decoded {
    Link op[kMaxFunctionChain];
    const V* operand[kMaxFunctionChain];  // null: a scalar (in broadcast) or no operand
    Vec<V> broadcast[kMaxFunctionChain];
  };

  /** acc[0..G) = the arithmetic links [k0, k1) on G accumulators (vectors, or one element) from element i. */
  template <typename V, int G, typename Acc>
  static NABLA_INLINE void arithmetic(const Decoded<V>& d, int k0, int k1, Acc (&acc)[G], ptrdiff_t i) {
    constexpr ptrdiff_t kLanes = sizeof(Acc) / sizeof(V);
    for (int k = k0; k < k1; k++) {
      Acc x[G];
#pragma GCC unroll 8
      for (int r = 0; r < G; r++) {
        if (d.operand[k]) std::memcpy(&x[r], d.operand[k] + i + r * kLanes, sizeof(Acc));
        else std::memcpy(&x[r], &d.broadcast[k], sizeof(Acc));  // a vector's first lanes are the scalar
      }
      applyLinks<V, G>(d.op[k], acc, x);
    }
  }

  /**
   * The chain on G accumulators: the links before the function, the function (at link m,
   * unconditionally, so that its constants stay in registers across the loop), the links
   * after; n = NL links where NL > 0 (then the loops unroll).
   */
  template <typename V, VecFn F, int NL, int G, typename Acc>
  static NABLA_INLINE void runLinks(const Decoded<V>& d, int m, int n, Acc (&acc)[G], ptrdiff_t i) {
    if constexpr (NL > 0) n = NL;
    arithmetic<V, G>(d, 0, m, acc, i);
#pragma GCC unroll 8
    for (int r = 0; r < G; r++) acc[r] = mathOf<F, V>(acc[r]);
    arithmetic<V, G>(d, m + 1, n, acc, i);
  }

  /**
   * A chain with a function link (F), kGroup vectors at a time: the whole chain for them before
   * the next, as the function's eager loop goes, so that its loads and stores interleave with
   * the function's arithmetic (chain.h says what that saved).
   */
  template <typename V, VecFn F>
  static void runVectors(const Chain& chain, const ChainLink* links, V* const* at, V* o, ptrdiff_t len) {
    // Short chains (the usual: a function and an op or two around it) unroll their links.
    switch (chain.nLinks) {
      case 2: return runVectorsOf<V, F, 2>(chain, links, at, o, len);
      case 3: return runVectorsOf<V, F, 3>(chain, links, at, o, len);
      case 4: return runVectorsOf<V, F, 4>(chain, links, at, o, len);
      default: return runVectorsOf<V, F, 0>(chain, links, at, o, len);
    }
  }

  /** The chain over G accumulators of type Acc from element i: loaded, run, stored. */
  template <typename V, VecFn F, int NL, int G, typename Acc>
  static NABLA_INLINE void runGroup(const Decoded<V>& d, int m, int n, const V* first, V* o, ptrdiff_t i) {
    constexpr ptrdiff_t kLanes = sizeof(Acc) / sizeof(V);
    Acc acc[G];
#pragma GCC unroll 8
    for (int r = 0; r < G; r++) std::memcpy(&acc[r], first + i + r * kLanes, sizeof(Acc));
    runLinks<V, F, NL, G>(d, m, n, acc, i);
#pragma GCC unroll 8
    for (int r = 0; r < G; r++) std::memcpy(o + i + r * kLanes, &acc[r], sizeof(Acc));
  }

  template <typename V, VecFn F, int NL>
  static void runVectorsOf(const Chain& chain, const ChainLink* links, V* const* at, V* o, ptrdiff_t len) {
    constexpr ptrdiff_t kLanes = sizeof(Vec<V>) / sizeof(V);
    Decoded<V> d;
    const int n = chain.nLinks;
    int m = 0;
    for (int k = 0; k < n; k++) {
      const ChainLink& link = links[k];
      if (link.op == Link::math) m = k;
      d.op[k] = link.op;
      d.operand[k] = isUnary(link.op) || link.scalar ? nullptr : at[link.value];
      d.broadcast[k] = Vec<V>{};  // read, and ignored, by the unary links
      if (!isUnary(link.op) && link.scalar) std::memcpy(&d.broadcast[k], at[link.value], sizeof(Vec<V>));
    }
    const V* first = at[chain.first];
    ptrdiff_t i = 0;
    for (; i + kGroup * kLanes <= len; i += kGroup * kLanes) runGroup<V, F, NL, kGroup, Vec<V>>(d, m, n, first, o, i);
    for (; i + kLanes <= len; i += kLanes) runGroup<V, F, NL, 1, Vec<V>>(d, m, n, first, o, i);
    for (; i < len; i++) runGroup<V, F, NL, 1, V>(d, m, n, first, o, i);
  }

  /** o[0..len) = the chain over operands at[value][0..len). */
  template <typename V>
  static void run(const Chain& chain, const ChainLink* links, V* const* at, V* o, ptrdiff_t len) {
    switch (chain.fn) {
#define NABLA_FUNCTION_CHAIN(name) \
  case VecFn::name: return runVectors<V, VecFn::name>(chain, links, at, o, len);
      NABLA_VEC_FNS(NABLA_FUNCTION_CHAIN)
#undef NABLA_FUNCTION_CHAIN
      case VecFn::count: break;
    }
    // Arithmetic alone: R vectors a link at a time (a link's dispatch is then paid once per R),
    // then one element at a time.
    constexpr ptrdiff_t kStride = R * ptrdiff_t(sizeof(Vec<V>) / sizeof(V));
    ptrdiff_t i = 0;
    for (; i + kStride <= len; i += kStride) runAt<V, R, Vec<V>>(chain, links, at, o, i);
    for (; i < len; i++) runAt<V, 1, V>(chain, links, at, o, i);
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
