// The loops are templates over the op (a functor), so each (op, dtype, layout) is one tight
// loop the compiler can vectorise; target_clones compiles each for AVX-512, AVX2 and the
// baseline and picks one at load time (GCC ifunc), so no -m flag is needed for this file.
#include "elementwise.h"
#include "chain.h"
#include "clones.h"

#include "vecmath.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace nabla {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Each functor is the C++ spelling of the reference backend's JavaScript expression for the
// op (src/backend/reference/elementwise.ts), including its NaN and signed-zero behaviour.
struct Neg {
  static double f(double x) { return -x; }
  static float f(float x) { return -x; }
};
struct Exp { static double f(double x) { return std::exp(x); } };
struct Log { static double f(double x) { return std::log(x); } };
struct Log1p { static double f(double x) { return std::log1p(x); } };
struct Expm1 { static double f(double x) { return std::expm1(x); } };
// Float overloads (here and below) are taken by fused float32 loops: +, −, ×, ÷ and √ are
// correctly rounded, and float64 has more than 2·24 + 2 bits, so rounding the float64 result
// to float32 gives exactly the float32 operation's result. Functors without one compute in
// double and round, as the eager loops do.
struct Sqrt {
  static double f(double x) { return std::sqrt(x); }
  static float f(float x) { return std::sqrt(x); }
};
struct Reciprocal { static double f(double x) { return 1.0 / x; } };
struct Abs {
  static double f(double x) { return std::fabs(x); }
  static float f(float x) { return std::fabs(x); }
};
struct Sign { static double f(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; } };
struct Sin { static double f(double x) { return std::sin(x); } };
struct Cos { static double f(double x) { return std::cos(x); } };
struct Tan { static double f(double x) { return std::tan(x); } };
struct Asin { static double f(double x) { return std::asin(x); } };
struct Acos { static double f(double x) { return std::acos(x); } };
struct Atan { static double f(double x) { return std::atan(x); } };
struct Sinh { static double f(double x) { return std::sinh(x); } };
struct Cosh { static double f(double x) { return std::cosh(x); } };
struct Tanh { static double f(double x) { return std::tanh(x); } };
struct Erf { static double f(double x) { return std::erf(x); } };
struct Sigmoid { static double f(double x) { return sigmoidScalar(x); } };
struct Softplus { static double f(double x) { return softplusScalar(x); } };
// Both arms computed and blended bitwise: GCC keeps a conditional `0 · x` a branch (under
// -ftrapping-math it will not speculate it), which on pre-activations of random sign
// mispredicts half the time (6× slower on a [128, 256] float32 layer).
template <typename T, typename Bits>
T bitSelect(bool keepFirst, T first, T second) {
  Bits a, b;
  std::memcpy(&a, &first, sizeof a);
  std::memcpy(&b, &second, sizeof b);
  const Bits mask = keepFirst ? ~Bits(0) : Bits(0);
  const Bits bits = (a & mask) | (b & ~mask);
  T out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}
struct Relu {
  static double f(double x) { return bitSelect<double, std::uint64_t>(x > 0, x, 0.0 * x); }
  static float f(float x) { return bitSelect<float, std::uint32_t>(x > 0, x, 0.0f * x); }
};
struct Step {
  static double f(double x) { return x > 0 ? 1.0 : 0.0; }
  static float f(float x) { return x > 0 ? 1.0f : 0.0f; }
};
struct Identity {
  static double f(double x) { return x; }
  static float f(float x) { return x; }
};

struct Add {
  static double f(double x, double y) { return x + y; }
  static float f(float x, float y) { return x + y; }
};
struct Sub {
  static double f(double x, double y) { return x - y; }
  static float f(float x, float y) { return x - y; }
};
struct Mul {
  static double f(double x, double y) { return x * y; }
  static float f(float x, float y) { return x * y; }
};
struct Div {
  static double f(double x, double y) { return x / y; }
  static float f(float x, float y) { return x / y; }
};
struct Pow { static double f(double x, double y) { return powScalar(x, y); } };
// Math.max/min: NaN if either is NaN; +0 is larger than −0.
struct Maximum {
  static double f(double x, double y) {
    if (x != x || y != y) return kNaN;
    if (x == y) return std::signbit(x) ? y : x;
    return x > y ? x : y;
  }
};
struct Minimum {
  static double f(double x, double y) {
    if (x != x || y != y) return kNaN;
    if (x == y) return std::signbit(x) ? x : y;
    return x < y ? x : y;
  }
};
struct Atan2 { static double f(double x, double y) { return std::atan2(x, y); } };
// A product in which an exact zero factor wins over NaN and infinity (0 · NaN = +0), blended
// as Relu is, so that the loop vectorises and does not branch on a ReLU mask's random zeros.
struct MulNoNan {
  static double f(double x, double y) { return bitSelect<double, std::uint64_t>((x != 0) & (y != 0), x * y, 0.0); }
  static float f(float x, float y) { return bitSelect<float, std::uint32_t>((x != 0) & (y != 0), x * y, 0.0f); }
};
// mulNoNan(g, step(x)) in one pass: g where x > 0, +0 where g is ±0 or x is not positive.
struct ReluGrad {
  static double f(double g, double x) { return bitSelect<double, std::uint64_t>((x > 0) & (g != 0), g, 0.0); }
  static float f(float g, float x) { return bitSelect<float, std::uint32_t>((x > 0) & (g != 0), g, 0.0f); }
};
struct Equal {
  static double f(double x, double y) { return x == y ? 1.0 : 0.0; }
  static float f(float x, float y) { return x == y ? 1.0f : 0.0f; }
};
struct Less {
  static double f(double x, double y) { return x < y ? 1.0 : 0.0; }
  static float f(float x, float y) { return x < y ? 1.0f : 0.0f; }
};
struct Greater {
  static double f(double x, double y) { return x > y ? 1.0 : 0.0; }
  static float f(float x, float y) { return x > y ? 1.0f : 0.0f; }
};

/** A functor as a value, so that a generic lambda can receive it. */
template <typename F>
struct Functor {
  using type = F;
};

// The one table from op code to functor: visit(Functor<F>{}) runs with the op's functor.
template <typename Visit>
void withUnary(UnaryOp op, Visit&& visit) {
  switch (op) {
#define NABLA_CASE(name, F) case UnaryOp::name: return visit(Functor<F>{});
    NABLA_CASE(neg, Neg) NABLA_CASE(exp, Exp) NABLA_CASE(log, Log) NABLA_CASE(log1p, Log1p)
    NABLA_CASE(expm1, Expm1) NABLA_CASE(sqrt, Sqrt) NABLA_CASE(reciprocal, Reciprocal)
    NABLA_CASE(abs, Abs) NABLA_CASE(sign, Sign) NABLA_CASE(sin, Sin) NABLA_CASE(cos, Cos)
    NABLA_CASE(tan, Tan) NABLA_CASE(asin, Asin) NABLA_CASE(acos, Acos) NABLA_CASE(atan, Atan)
    NABLA_CASE(sinh, Sinh) NABLA_CASE(cosh, Cosh) NABLA_CASE(tanh, Tanh) NABLA_CASE(erf, Erf)
    NABLA_CASE(sigmoid, Sigmoid) NABLA_CASE(softplus, Softplus) NABLA_CASE(relu, Relu)
    NABLA_CASE(step, Step) NABLA_CASE(identity, Identity)
#undef NABLA_CASE
    case UnaryOp::count: break;
  }
}

template <typename Visit>
void withBinary(BinaryOp op, Visit&& visit) {
  switch (op) {
#define NABLA_CASE(name, F) case BinaryOp::name: return visit(Functor<F>{});
    NABLA_CASE(add, Add) NABLA_CASE(sub, Sub) NABLA_CASE(mul, Mul) NABLA_CASE(div, Div)
    NABLA_CASE(pow, Pow) NABLA_CASE(maximum, Maximum) NABLA_CASE(minimum, Minimum)
    NABLA_CASE(atan2, Atan2) NABLA_CASE(mulNoNan, MulNoNan) NABLA_CASE(equal, Equal)
    NABLA_CASE(less, Less) NABLA_CASE(greater, Greater) NABLA_CASE(reluGrad, ReluGrad)
#undef NABLA_CASE
    case BinaryOp::count: break;
  }
}

template <typename F, typename T>
NABLA_CLONES void unaryLoop(const T* __restrict x, T* __restrict o, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; i++) o[i] = T(F::f(double(x[i])));
}

// Three layouts, each its own loop so that the contiguous case vectorises: both sides
// contiguous, or one side a single repeated value.
template <typename F, typename T>
NABLA_CLONES void binaryLoop(const T* __restrict a, ptrdiff_t as, const T* __restrict b, ptrdiff_t bs, T* __restrict o, ptrdiff_t n) {
  if (as == 1 && bs == 1) {
    for (ptrdiff_t i = 0; i < n; i++) o[i] = T(F::f(double(a[i]), double(b[i])));
  } else if (as == 0 && bs == 1) {
    const double x = a[0];
    for (ptrdiff_t i = 0; i < n; i++) o[i] = T(F::f(x, double(b[i])));
  } else if (as == 1 && bs == 0) {
    const double y = b[0];
    for (ptrdiff_t i = 0; i < n; i++) o[i] = T(F::f(double(a[i]), y));
  } else {
    for (ptrdiff_t i = 0; i < n; i++) o[i] = T(F::f(double(a[i * as]), double(b[i * bs])));
  }
}

// Sums accumulate in double with eight independent partial sums, element i into lane i mod 8:
// the compiler may then keep them in one vector register (the reassociation is written out,
// not left to -ffast-math). The fused loops add their sums the same way, a block at a time.

/** lanes[j] += x[i] for i < n (a multiple of 8), i mod 8 = j. */
template <typename T>
NABLA_CLONES void addToLanes(const T* __restrict x, ptrdiff_t n, double* __restrict lanes) {
  double s[8];
  for (int j = 0; j < 8; j++) s[j] = lanes[j];
  for (ptrdiff_t i = 0; i < n; i += 8)
    for (int j = 0; j < 8; j++) s[j] += double(x[i + j]);
  for (int j = 0; j < 8; j++) lanes[j] = s[j];
}

/** The lanes' total, then x[0 .. rest) added in order (the elements past the last full eight). */
template <typename T>
double finishLanes(const double* s, const T* x, ptrdiff_t rest) {
  double total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (ptrdiff_t i = 0; i < rest; i++) total += double(x[i]);
  return total;
}

template <typename T>
double sumRow(const T* x, ptrdiff_t n) {
  double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const ptrdiff_t full = n & ~ptrdiff_t(7);
  addToLanes(x, full, lanes);
  return finishLanes(lanes, x + full, n - full);
}

// max and min propagate NaN, as the reference does.
template <typename T, bool IsMax>
double extremumRow(const T* x, ptrdiff_t n) {
  double m = IsMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  for (ptrdiff_t i = 0; i < n; i++) {
    const double v = x[i];
    if (v != v) return kNaN;
    if (IsMax ? v > m : v < m) m = v;
  }
  return m;
}

// The instruction set's vector kernels (vecmath.h), set once by the addon at load; until
// then, and for ops without one, the functor loops above run.
const VectorMath* vectorMath = nullptr;

/** The vector kernel's function for op, or VecFn::count where it has none. */
VecFn vecFnOf(UnaryOp op) {
  switch (op) {
#define NABLA_VEC_FN_OF(name) \
  case UnaryOp::name: return VecFn::name;
    NABLA_VEC_FNS(NABLA_VEC_FN_OF)
#undef NABLA_VEC_FN_OF
    default: return VecFn::count;
  }
}

VecKernel vectorKernel(UnaryOp op) {
  const VecFn fn = vecFnOf(op);
  return vectorMath && fn != VecFn::count ? vectorMath->unary[size_t(fn)] : nullptr;
}

// The addon's worker pool (useThreads); null until the addon installs it.
ParallelRun parallelRun = nullptr;
unsigned (*threadsNow)() = nullptr;

// Below these many elements a loop stays on one thread. Waking a parked worker costs a few
// microseconds (addon.cc's pool); at these sizes a share is tens of microseconds of work for
// a transcendental kernel (1–2 ns an element) and for an add (0.3–1 ns), so the wake-up is
// a small part of it.
constexpr ptrdiff_t kThreadedCostly = ptrdiff_t(1) << 14;
constexpr ptrdiff_t kThreadedCheap = ptrdiff_t(1) << 17;

thread_local bool inShare = false;  // a part that splits again runs on its own thread

/**
 * body(i0, i1) over [0, n) in parts of a fixed length (a multiple of `align`, four per
 * thread) that every thread takes from a shared counter until none is left; one part when
 * n < minimum or the pool is absent. The caller keeps taking parts while a worker waits to be
 * scheduled, so a busy machine costs no more than one thread would.
 */
template <typename Body>
void parallelFor(ptrdiff_t n, ptrdiff_t minimum, ptrdiff_t align, Body&& body) {
  const ptrdiff_t want = parallelRun && !inShare && n >= minimum ? std::min<ptrdiff_t>(threadsNow(), n / (minimum / 2)) : 1;
  if (want <= 1) {
    body(ptrdiff_t(0), n);
    return;
  }
  const unsigned t = unsigned(want);
  const ptrdiff_t per = ((n + 4 * t - 1) / (4 * t) + align - 1) / align * align;
  std::atomic<ptrdiff_t> next{0};
  parallelRun(t, [&](unsigned) {
    inShare = true;
    for (ptrdiff_t i0; (i0 = next.fetch_add(per, std::memory_order_relaxed)) < n;) body(i0, std::min(n, i0 + per));
    inShare = false;
  });
}

/** Ops whose per-element cost is well above a memory access (transcendentals, libm calls). */
bool isCostly(UnaryOp op) {
  switch (op) {
    case UnaryOp::neg: case UnaryOp::sqrt: case UnaryOp::reciprocal: case UnaryOp::abs: case UnaryOp::sign:
    case UnaryOp::relu: case UnaryOp::step: case UnaryOp::identity: return false;
    default: return true;
  }
}
bool isCostly(BinaryOp op) { return op == BinaryOp::pow || op == BinaryOp::atan2; }

VecKernel2 vectorKernel(BinaryOp op) { return vectorMath && op == BinaryOp::pow ? vectorMath->pow : nullptr; }

void applyVector(VecKernel kernel, const double* x, double* o, ptrdiff_t n) { kernel(x, o, n); }
void applyVector(VecKernel2 kernel, const double* a, ptrdiff_t as, const double* b, ptrdiff_t bs, double* o, ptrdiff_t n) {
  kernel(a, as, b, bs, o, n);
}

/** Float data through a double kernel of two operands, as the one-operand version below. */
void applyVector(VecKernel2 kernel, const float* a, ptrdiff_t as, const float* b, ptrdiff_t bs, float* o, ptrdiff_t n) {
  constexpr ptrdiff_t kChunk = 256;
  double bufA[kChunk], bufB[kChunk];
  for (ptrdiff_t i0 = 0; i0 < n; i0 += kChunk) {
    const ptrdiff_t len = std::min(kChunk, n - i0);
    for (ptrdiff_t i = 0; i < len; i++) bufA[i] = a[(i0 + i) * as];
    for (ptrdiff_t i = 0; i < len; i++) bufB[i] = b[(i0 + i) * bs];
    kernel(bufA, 1, bufB, 1, bufA, len);
    for (ptrdiff_t i = 0; i < len; i++) o[i0 + i] = float(bufA[i]);
  }
}

/** Float data through a double kernel: widened a block at a time, rounded once on the way out. */
void applyVector(VecKernel kernel, const float* x, float* o, ptrdiff_t n) {
  constexpr ptrdiff_t kChunk = 256;
  double buf[kChunk];
  for (ptrdiff_t i0 = 0; i0 < n; i0 += kChunk) {
    const ptrdiff_t len = std::min(kChunk, n - i0);
    for (ptrdiff_t i = 0; i < len; i++) buf[i] = x[i0 + i];
    kernel(buf, buf, len);
    for (ptrdiff_t i = 0; i < len; i++) o[i0 + i] = float(buf[i]);
  }
}

template <typename T>
void unaryDispatch(UnaryOp op, const T* x, T* o, ptrdiff_t n) {
  parallelFor(n, isCostly(op) ? kThreadedCostly : kThreadedCheap, 64, [&](ptrdiff_t i0, ptrdiff_t i1) {
    if (VecKernel kernel = vectorKernel(op)) return applyVector(kernel, x + i0, o + i0, i1 - i0);
    withUnary(op, [&](auto f) { unaryLoop<typename decltype(f)::type, T>(x + i0, o + i0, i1 - i0); });
  });
}

template <typename T>
void binaryDispatch(BinaryOp op, const T* a, ptrdiff_t as, const T* b, ptrdiff_t bs, T* o, ptrdiff_t n) {
  parallelFor(n, isCostly(op) ? kThreadedCostly : kThreadedCheap, 64, [&](ptrdiff_t i0, ptrdiff_t i1) {
    if (VecKernel2 kernel = vectorKernel(op)) return applyVector(kernel, a + i0 * as, as, b + i0 * bs, bs, o + i0, i1 - i0);
    withBinary(op, [&](auto f) { binaryLoop<typename decltype(f)::type, T>(a + i0 * as, as, b + i0 * bs, bs, o + i0, i1 - i0); });
  });
}

// Reductions over leading axes: o[j] = reduction over r of x[r·cols + j], row by row so that
// every pass is contiguous and vectorises; sums accumulate in double, as sumRow does.
// Each takes columns [0, cols) of a matrix whose rows are `stride` apart (a thread's share).
template <typename T>
NABLA_CLONES void sumColumns(const T* __restrict x, ptrdiff_t rows, ptrdiff_t stride, ptrdiff_t cols, double* __restrict acc) {
  for (ptrdiff_t j = 0; j < cols; j++) acc[j] = 0;
  for (ptrdiff_t r = 0; r < rows; r++, x += stride)
    for (ptrdiff_t j = 0; j < cols; j++) acc[j] += double(x[j]);
}

template <typename T, bool IsMax>
void extremumColumns(const T* x, ptrdiff_t rows, ptrdiff_t stride, ptrdiff_t cols, double* acc) {
  for (ptrdiff_t j = 0; j < cols; j++) acc[j] = IsMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  for (ptrdiff_t r = 0; r < rows; r++, x += stride)
    for (ptrdiff_t j = 0; j < cols; j++) {
      const double v = x[j];
      // NaN propagates, and stays: no comparison with a NaN accumulator is true.
      if (v != v) acc[j] = kNaN;
      else if (IsMax ? v > acc[j] : v < acc[j]) acc[j] = v;
    }
}

/** Long sums add chunks of this many elements, each by sumRow, in chunk order. */
constexpr ptrdiff_t kSumChunk = ptrdiff_t(1) << 14;

/**
 * A row's reduction; the chunks of a long sum, or the parts of a long max or min, are shared
 * among threads, and the result never depends on the thread count.
 */
template <typename T>
double reduceRow(ReduceOp op, const T* x, ptrdiff_t len) {
  if (op != ReduceOp::sum) {
    const bool isMax = op == ReduceOp::max;
    const ptrdiff_t parts = len >= kThreadedCheap ? 16 : 1;  // max and min are exact in any order
    double part[16];
    parallelFor(parts, 2, 1, [&](ptrdiff_t p0, ptrdiff_t p1) {
      for (ptrdiff_t p = p0; p < p1; p++) {
        const ptrdiff_t i0 = len * p / parts, i1 = len * (p + 1) / parts;
        part[p] = isMax ? extremumRow<T, true>(x + i0, i1 - i0) : extremumRow<T, false>(x + i0, i1 - i0);
      }
    });
    double m = part[0];
    for (ptrdiff_t p = 1; p < parts; p++) m = m != m || part[p] != part[p] ? kNaN : isMax ? std::max(m, part[p]) : std::min(m, part[p]);
    return m;
  }
  if (len <= kSumChunk) return sumRow(x, len);
  const ptrdiff_t chunks = (len + kSumChunk - 1) / kSumChunk;
  std::vector<double> part(chunks);
  parallelFor(chunks, len >= kThreadedCheap ? 2 : chunks + 1, 1, [&](ptrdiff_t c0, ptrdiff_t c1) {
    for (ptrdiff_t c = c0; c < c1; c++) part[c] = sumRow(x + c * kSumChunk, std::min(kSumChunk, len - c * kSumChunk));
  });
  double total = 0;
  for (double p : part) total += p;
  return total;
}

template <typename T>
void reduceDispatch(ReduceOp op, const T* x, ptrdiff_t rows, ptrdiff_t len, T* o) {
  if (rows == 1) {
    o[0] = T(reduceRow(op, x, len));
    return;
  }
  // Many rows: each thread takes whole rows (a row's result is the same on any thread).
  const ptrdiff_t minRows = std::max<ptrdiff_t>(2, kThreadedCheap / std::max<ptrdiff_t>(len, 1));
  parallelFor(rows, minRows, 1, [&](ptrdiff_t r0, ptrdiff_t r1) {
    for (ptrdiff_t r = r0; r < r1; r++) o[r] = T(reduceRow(op, x + r * len, len));
  });
}

template <typename T>
void reduceColumnsDispatch(ReduceOp op, const T* x, ptrdiff_t rows, ptrdiff_t cols, T* o) {
  // One column is one contiguous row (a sum over every axis): the row loop vectorises.
  if (cols == 1) return reduceDispatch(op, x, 1, rows, o);
  std::vector<double> acc(cols);
  // Threads take column ranges; each column still adds its rows in order.
  const ptrdiff_t minCols = std::max<ptrdiff_t>(16, kThreadedCheap / std::max<ptrdiff_t>(rows, 1));
  parallelFor(cols, minCols, 8, [&](ptrdiff_t j0, ptrdiff_t j1) {
    if (op == ReduceOp::sum) sumColumns(x + j0, rows, cols, j1 - j0, acc.data() + j0);
    else if (op == ReduceOp::max) extremumColumns<T, true>(x + j0, rows, cols, j1 - j0, acc.data() + j0);
    else extremumColumns<T, false>(x + j0, rows, cols, j1 - j0, acc.data() + j0);
  });
  for (ptrdiff_t j = 0; j < cols; j++) o[j] = T(acc[j]);
}

// Fused loops: each value of the chain is a block of V (float when every operand and step is
// float32, else double) in one scratch buffer small enough to stay in L1.
constexpr ptrdiff_t kBlock = 256;

template <typename F, typename V>
NABLA_CLONES void unaryBlock(const V* __restrict x, V* __restrict o, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; i++) o[i] = V(F::f(x[i]));
}

template <typename F, typename V>
NABLA_CLONES void binaryBlock(const V* __restrict a, const V* __restrict b, V* __restrict o, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; i++) o[i] = V(F::f(a[i], b[i]));
}

NABLA_CLONES void roundToFloat(double* x, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; i++) x[i] = double(float(x[i]));
}

template <typename V>
void unaryBlockDispatch(UnaryOp op, const V* x, V* o, ptrdiff_t n) {
  if (VecKernel kernel = vectorKernel(op)) return applyVector(kernel, x, o, n);
  withUnary(op, [&](auto f) { unaryBlock<typename decltype(f)::type, V>(x, o, n); });
}

template <typename V>
void binaryBlockDispatch(BinaryOp op, const V* a, const V* b, V* o, ptrdiff_t n) {
  if (VecKernel2 kernel = vectorKernel(op)) return applyVector(kernel, a, 1, b, 1, o, n);
  withBinary(op, [&](auto f) { binaryBlock<typename decltype(f)::type, V>(a, b, o, n); });
}

template <typename T, typename V>
NABLA_CLONES void copyBlock(const T* __restrict from, V* __restrict to, ptrdiff_t len) {
  for (ptrdiff_t i = 0; i < len; i++) to[i] = V(from[i]);
}

/** FusedProgram::chainAt's mark for a step computed inside the next step's chain. */
constexpr int kFolded = -2;

/** The chain over a block, in the instruction set's kernels (chain_impl.h). */
template <typename V>
void chainBlock(const Chain& chain, const ChainLink* links, V* const* at, V* o, ptrdiff_t len) {
  const VectorMath& math = vectorMath ? *vectorMath : vectorMathGeneric();
  if constexpr (std::is_same_v<V, float>) math.chainF32(chain, links, at, o, len);
  else math.chainF64(chain, links, at, o, len);
}

/** True when map[0..len) counts up by one from map[0] (an OR over differences: vectorises). */
NABLA_CLONES bool isRun(const int* __restrict map, ptrdiff_t len) {
  int differs = 0;
  for (ptrdiff_t i = 0; i < len; i++) differs |= map[i] ^ (map[0] + int(i));
  return differs == 0;
}

/** How many leading entries of map[0..len) count up by one from map[0] (at least 1). */
ptrdiff_t runLength(const int* map, ptrdiff_t len) {
  if (isRun(map, len)) return len;
  // Eight at a time (vectorised), then one by one to the break, which lies before len since
  // map[0..len) is not a run; map[0] always counts, so the result is at least 1.
  ptrdiff_t i = 0;
  for (; i + 8 <= len; i += 8) {
    int differs = 0;
    for (int j = 0; j < 8; j++) differs |= map[i + j] ^ (map[0] + int(i) + j);
    if (differs != 0) break;
  }
  while (map[i] == map[0] + int(i)) i++;
  return i;
}

template <typename T, typename V>
NABLA_CLONES void gatherBlock(const T* __restrict data, const int* __restrict map, V* __restrict out, ptrdiff_t len) {
  for (ptrdiff_t i = 0; i < len; i++) out[i] = V(data[map[i]]);
}

template <typename T, typename V>
void loadBlock(const FusedOperand& op, ptrdiff_t i0, ptrdiff_t len, V* out) {
  const T* data = static_cast<const T*>(op.data);
  if (op.access == Access::full) {
    copyBlock(data + i0, out, len);
    return;
  }
  // A broadcast operand is mostly read in runs (a bias row under each row of a batch), which
  // a block may straddle (blocks start where the outputs' cache lines do, not where rows do):
  // each run is a plain copy. Runs shorter than a vector (a column broadcast along a row) are
  // gathered.
  const int* map = op.map + i0;
  for (ptrdiff_t j = 0; j < len;) {
    const ptrdiff_t run = runLength(map + j, len - j);
    if (run < 16) {
      gatherBlock(data, map + j, out + j, len - j);
      return;
    }
    copyBlock(data + map[j], out + j, run);
    j += run;
  }
}

/** A fused program's shape, shared read-only by every thread that runs part of it. */
struct FusedProgram {
  const FusedOperand* operands;
  int nOperands;
  const FusedStep* steps;
  int nSteps;
  const FusedOutput* stores;
  int nStores;
  const int* sumValues;
  int nSums;
  // storedInPlace[j]: the store that step j is computed straight into (in its own type), or −1.
  std::vector<int> storedInPlace;
  // chainAt[j]: the chain (of chains) that starts at step j, or −1; its links are in links.
  std::vector<int> chainAt;
  std::vector<Chain> chains;
  std::vector<ChainLink> links;
  // The program is one function chain (every step), reading its operands in place or as
  // scalars and storing its one output in place: it runs over a thread's part in one pass.
  bool onePass = false;
};

/** Elements from i0 until the first stored output (else full operand) of type V is on a 64-byte line. */
template <typename V>
ptrdiff_t leadToLine(const FusedProgram& p, ptrdiff_t i0) {
  const void* first = nullptr;
  for (int o = 0; o < p.nStores && !first; o++)
    if (p.stores[o].f32 == std::is_same_v<V, float>) first = p.stores[o].data;
  for (int k = 0; k < p.nOperands && !first; k++)
    if (p.operands[k].access == Access::full && p.operands[k].f32 == std::is_same_v<V, float>) first = p.operands[k].data;
  if (!first) return 0;
  const uintptr_t at = reinterpret_cast<uintptr_t>(static_cast<const V*>(first) + i0);
  return at % sizeof(V) == 0 ? ptrdiff_t((64 - at % 64) % 64 / sizeof(V)) : 0;
}

/** Whether a fused loop over V reads op where it lies: a full operand already of type V. */
template <typename V>
bool readInPlace(const FusedOperand& op) {
  return op.access == Access::full && op.f32 == std::is_same_v<V, float>;
}

/**
 * Elements [i0, i1) of the program, a block at a time; sets sums[s] to sum s over the part,
 * added as sumRow adds a row (i0 is a multiple of the block, itself a multiple of 8).
 */
template <typename V>
void runFusedPart(const FusedProgram& p, ptrdiff_t i0, ptrdiff_t i1, double* sums) {
  constexpr bool isFloat = std::is_same_v<V, float>;
  const int nValues = p.nOperands + p.nSteps;
  thread_local std::vector<V> scratch;
  thread_local std::vector<V*> at;
  // Blocks start on cache lines: a vector load or store that straddles two lines costs
  // both (30% of a float32 Adam loop's time when they did not).
  constexpr size_t kLine = 64 / sizeof(V);
  scratch.resize(size_t(nValues) * kBlock + kLine);
  at.resize(nValues);
  V* values = scratch.data() + (kLine - reinterpret_cast<uintptr_t>(scratch.data()) / sizeof(V) % kLine) % kLine;
  auto block = [&](int value) { return values + ptrdiff_t(value) * kBlock; };
  // Where each value of the current block is read from. A full operand already of type V is
  // read in place (readInPlace), and a step stored (once, in type V) is computed straight into
  // its output: no copy either way. Everything else lives in its scratch block.
  for (int v = 0; v < nValues; v++) at[v] = block(v);
  // Scalars fill their block once; it is never overwritten.
  for (int k = 0; k < p.nOperands; k++) {
    const FusedOperand& op = p.operands[k];
    if (op.access != Access::scalar) continue;
    const V v = op.f32 ? V(*static_cast<const float*>(op.data)) : V(*static_cast<const double*>(op.data));
    std::fill(block(k), block(k) + kBlock, v);
  }
  thread_local std::vector<double> lanes;
  lanes.assign(size_t(p.nSums) * 8, 0.0);
  for (int s = 0; s < p.nSums; s++) sums[s] = kNaN;  // set when the part's last block is added
  if (p.onePass) {  // blocks would only add their bookkeeping (a tenth of tanh(x)·x + 1's time)
    for (int k = 0; k < p.nOperands; k++)
      if (readInPlace<V>(p.operands[k])) at[k] = const_cast<V*>(static_cast<const V*>(p.operands[k].data)) + i0;
    const Chain& chain = p.chains[0];
    chainBlock<V>(chain, &p.links[chain.firstLink], at.data(), static_cast<V*>(p.stores[0].data) + i0, i1 - i0);
    return;
  }
  // Without sums (whose lanes follow the index), a short first block brings the first
  // output's blocks onto cache lines, like the scratch's; arrays from one allocator
  // usually share that offset, so the operands' blocks land on lines too.
  const ptrdiff_t lead = p.nSums == 0 ? leadToLine<V>(p, i0) : 0;
  for (ptrdiff_t b0 = i0, len; b0 < i1; b0 += len) {
    len = std::min(b0 == i0 && lead > 0 ? lead : kBlock, i1 - b0);
    for (int k = 0; k < p.nOperands; k++) {
      const FusedOperand& op = p.operands[k];
      if (op.access == Access::scalar) continue;
      if (readInPlace<V>(op)) at[k] = const_cast<V*>(static_cast<const V*>(op.data)) + b0;
      else if (op.f32) loadBlock<float>(op, b0, len, block(k));
      else loadBlock<double>(op, b0, len, block(k));
    }
    for (int j = 0; j < p.nSteps; j++) {
      const FusedStep& st = p.steps[j];
      if (p.chainAt[j] == kFolded) continue;  // computed by the next chain
      if (p.chainAt[j] >= 0) {  // steps j..end in one pass
        const Chain& chain = p.chains[p.chainAt[j]];
        const int store = p.storedInPlace[chain.end];
        V* out = store >= 0 ? static_cast<V*>(p.stores[store].data) + b0 : block(p.nOperands + chain.end);
        chainBlock<V>(chain, &p.links[chain.firstLink], at.data(), out, len);
        at[p.nOperands + chain.end] = out;
        j = chain.end;
        continue;
      }
      const int store = p.storedInPlace[j];
      V* out = store >= 0 ? static_cast<V*>(p.stores[store].data) + b0 : block(p.nOperands + j);
      at[p.nOperands + j] = out;
      if (st.kind == StepKind::unary) {
        unaryBlockDispatch<V>(UnaryOp(st.op), at[st.x], out, len);
      } else if (st.kind == StepKind::binary) {
        binaryBlockDispatch<V>(BinaryOp(st.op), at[st.x], at[st.y], out, len);
      } else {
        const V *c = at[st.x], *a = at[st.y], *b = at[st.z];
        for (ptrdiff_t i = 0; i < len; i++) out[i] = c[i] != 0 ? a[i] : b[i];
      }
      // A float32 step of a mixed program rounds like its eager kernel would.
      if constexpr (!isFloat) {
        if (st.f32) roundToFloat(out, len);
      }
    }
    for (int o = 0; o < p.nStores; o++) {
      const FusedOutput& st = p.stores[o];
      const int j = st.value - p.nOperands;
      if (j >= 0 && p.storedInPlace[j] == o) continue;
      if (st.f32) copyBlock(at[st.value], static_cast<float*>(st.data) + b0, len);
      else copyBlock(at[st.value], static_cast<double*>(st.data) + b0, len);
    }
    const ptrdiff_t full = len & ~ptrdiff_t(7);
    for (int s = 0; s < p.nSums; s++) {
      const V* v = at[p.sumValues[s]];
      addToLanes(v, full, lanes.data() + 8 * s);
      if (b0 + len == i1) sums[s] = finishLanes(lanes.data() + 8 * s, v + full, len - full);
    }
  }
}

// Sums add chunks of this many elements (each as sumRow adds) in chunk order, as an eager sum
// does (reduceRow): the two agree bit for bit. Threads take whole chunks, so a sum does not
// depend on the thread count.
constexpr ptrdiff_t kFusedChunk = kSumChunk;
static_assert(kSumChunk % kBlock == 0 && kBlock % 8 == 0, "a chunk is whole blocks of whole lanes");

/** Step st as a link on the running value `acc` (−1: st starts the chain, and `first` is what it loads); false if it cannot be one. */
bool asLink(const FusedStep& st, int acc, ChainLink& link, int& first) {
  if (st.kind == StepKind::unary) {
    const UnaryOp u = UnaryOp(st.op);
    link = {u == UnaryOp::sqrt ? Link::sqrt : u == UnaryOp::neg ? Link::neg : Link::abs, false, -1};
    if (vectorKernel(u)) link.op = Link::math;  // the function's vector kernel, as its eager loop
    first = st.x;
    return (u == UnaryOp::sqrt || u == UnaryOp::neg || u == UnaryOp::abs || link.op == Link::math) && (acc < 0 || st.x == acc);
  }
  if (st.kind != StepKind::binary || st.op > int(BinaryOp::div)) return false;  // add, sub, mul, div come first
  const bool reversed = acc >= 0 && st.x != acc;  // the running value is the right operand
  link = {Link(st.op - int(BinaryOp::add) + (reversed ? int(Link::addTo) : 0)), false, reversed ? st.x : st.y};
  first = reversed ? st.y : st.x;
  return acc < 0 || first == acc;
}

/**
 * The longest run of steps from `start` in which each step reads the previous one's result,
 * its only reader (readers[v] == 1: neither stored nor summed); appends its links. False if
 * no run of two or more.
 */
template <typename V>
bool planChain(const FusedProgram& p, const std::vector<int>& readers, int start, std::vector<ChainLink>& links, Chain& chain) {
  const bool isFloat = std::is_same_v<V, float>;
  const int base = int(links.size());
  int end = start - 1, first = -1;
  VecFn fn = VecFn::count;
  for (int j = start; j < p.nSteps; j++) {
    const FusedStep& st = p.steps[j];
    const int acc = j == start ? -1 : p.nOperands + j - 1;
    if (acc >= 0 && readers[acc] != 1) break;
    ChainLink link;
    int loads;
    // A float32 step of a float64 program rounds, which a link does not.
    if ((!isFloat && st.f32) || !asLink(st, acc, link, loads)) break;
    // One function per chain, whose loop is specialised to it, of at most kMaxFunctionChain links (chain_impl.h).
    if (link.op == Link::math && fn != VecFn::count) break;
    const VecFn chainFn = link.op == Link::math ? vecFnOf(UnaryOp(st.op)) : fn;
    if (chainFn != VecFn::count && int(links.size()) - base >= kMaxFunctionChain) break;
    fn = chainFn;
    if (j == start) first = loads;
    link.scalar = link.value >= 0 && link.value < p.nOperands && p.operands[link.value].access == Access::scalar;
    links.push_back(link);
    end = j;
  }
  if (end > start) {
    chain = {end, first, base, end - start + 1, fn};
    return true;
  }
  links.resize(base);
  return false;
}

/**
 * Folds step `pre` (just before a chain: no pass runs between them) into the chain's link
 * that reads it, when that is its only reader and it is one op of two operands: Adam's
 * m·b1, v·b2 and m'·bc1 then cost no pass of their own.
 */
template <typename V>
bool foldInto(const FusedProgram& p, const std::vector<int>& readers, int pre, ChainLink* links, int nLinks) {
  const FusedStep& st = p.steps[pre];
  const int value = p.nOperands + pre;
  int first;
  ChainLink asPre;
  if (readers[value] != 1 || st.kind != StepKind::binary || (!std::is_same_v<V, float> && st.f32) || !asLink(st, -1, asPre, first)) return false;
  const auto isScalar = [&](int v) { return v < p.nOperands && p.operands[v].access == Access::scalar; };
  for (int k = 0; k < nLinks; k++) {
    ChainLink& link = links[k];
    if (isUnary(link.op) || link.value != value) continue;
    link.value = st.x;
    link.scalar = isScalar(st.x);
    link.folded = true;
    link.pre = asPre.op;
    link.preValue = st.y;
    link.preScalar = isScalar(st.y);
    return true;
  }
  return false;
}

/** Plans the runs of steps that become chains; the rest run a step per pass. */
template <typename V>
void planChains(FusedProgram& p) {
  std::vector<int> readers(p.nOperands + p.nSteps, 0);
  for (int j = 0; j < p.nSteps; j++) {
    const FusedStep& st = p.steps[j];
    readers[st.x]++;
    if (st.kind != StepKind::unary) readers[st.y]++;
    if (st.kind == StepKind::where) readers[st.z]++;
  }
  for (int o = 0; o < p.nStores; o++) readers[p.stores[o].value] += 2;  // kept, never an intermediate
  for (int s = 0; s < p.nSums; s++) readers[p.sumValues[s]] += 2;
  p.chainAt.assign(p.nSteps, -1);
  p.chains.clear();
  p.links.clear();
  for (int j = 0, covered = 0; j < p.nSteps; j++) {  // steps before `covered` are in a chain
    Chain chain;
    if (!planChain<V>(p, readers, j, p.links, chain)) continue;
    p.chainAt[j] = int(p.chains.size());
    p.chains.push_back(chain);
    // A function chain runs a few vectors at a time (chain_impl.h), without folded steps.
    if (j > covered && chain.fn == VecFn::count && foldInto<V>(p, readers, j - 1, &p.links[chain.firstLink], chain.nLinks))
      p.chainAt[j - 1] = kFolded;
    j = chain.end;
    covered = j + 1;
  }
}

template <typename V>
void runFusedTyped(FusedProgram& p, double* sums, ptrdiff_t n) {
  constexpr bool isFloat = std::is_same_v<V, float>;
  p.storedInPlace.assign(p.nSteps, -1);
  for (int o = 0; o < p.nStores; o++) {
    const int j = p.stores[o].value - p.nOperands;
    if (j >= 0 && p.stores[o].f32 == isFloat && p.storedInPlace[j] < 0) p.storedInPlace[j] = o;
  }
  planChains<V>(p);
  p.onePass = p.nSums == 0 && p.nStores == 1 && p.chains.size() == 1 && p.chainAt[0] == 0 &&
              p.chains[0].end == p.nSteps - 1 && p.chains[0].fn != VecFn::count && p.storedInPlace[p.nSteps - 1] == 0 &&
              std::all_of(p.operands, p.operands + p.nOperands, [](const FusedOperand& op) {
                return op.access == Access::scalar || readInPlace<V>(op);
              });
  for (int s = 0; s < p.nSums; s++) sums[s] = 0;
  const ptrdiff_t chunks = (n + kFusedChunk - 1) / kFusedChunk;
  std::vector<double> partial(size_t(chunks) * p.nSums, 0.0);
  // A chunk of a transcendental-free chain costs about as much as an add's loop over it.
  parallelFor(chunks, std::max<ptrdiff_t>(2, kThreadedCostly / kFusedChunk), 1, [&](ptrdiff_t c0, ptrdiff_t c1) {
    for (ptrdiff_t c = c0; c < c1; c++)
      runFusedPart<V>(p, c * kFusedChunk, std::min(n, (c + 1) * kFusedChunk), partial.data() + c * p.nSums);
  });
  for (ptrdiff_t c = 0; c < chunks; c++)
    for (int s = 0; s < p.nSums; s++) sums[s] += partial[c * p.nSums + s];
}

}  // namespace

void runFused(const FusedOperand* operands, int nOperands, const FusedStep* steps, int nSteps,
              const FusedOutput* stores, int nStores, const int* sumValues, double* sums, int nSums,
              ptrdiff_t n) {
  bool allFloat = true;
  for (int k = 0; k < nOperands; k++) allFloat = allFloat && operands[k].f32;
  for (int j = 0; j < nSteps; j++) allFloat = allFloat && steps[j].f32;
  FusedProgram program{operands, nOperands, steps, nSteps, stores, nStores, sumValues, nSums, {}, {}, {}, {}};
  if (allFloat) runFusedTyped<float>(program, sums, n);
  else runFusedTyped<double>(program, sums, n);
}

void useVectorMath(const VectorMath& math) { vectorMath = &math; }

void useThreads(ParallelRun run, unsigned (*threads)()) {
  parallelRun = run;
  threadsNow = threads;
}

void unaryF64(UnaryOp op, const double* x, double* o, ptrdiff_t n) { unaryDispatch(op, x, o, n); }
void unaryF32(UnaryOp op, const float* x, float* o, ptrdiff_t n) { unaryDispatch(op, x, o, n); }
void binaryF64(BinaryOp op, const double* a, ptrdiff_t as, const double* b, ptrdiff_t bs, double* o, ptrdiff_t n) {
  binaryDispatch(op, a, as, b, bs, o, n);
}
void binaryF32(BinaryOp op, const float* a, ptrdiff_t as, const float* b, ptrdiff_t bs, float* o, ptrdiff_t n) {
  binaryDispatch(op, a, as, b, bs, o, n);
}
void reduceF64(ReduceOp op, const double* x, ptrdiff_t rows, ptrdiff_t len, double* o) { reduceDispatch(op, x, rows, len, o); }
void reduceF32(ReduceOp op, const float* x, ptrdiff_t rows, ptrdiff_t len, float* o) { reduceDispatch(op, x, rows, len, o); }
void reduceColumnsF64(ReduceOp op, const double* x, ptrdiff_t rows, ptrdiff_t cols, double* o) { reduceColumnsDispatch(op, x, rows, cols, o); }
void reduceColumnsF32(ReduceOp op, const float* x, ptrdiff_t rows, ptrdiff_t cols, float* o) { reduceColumnsDispatch(op, x, rows, cols, o); }

}  // namespace nabla
