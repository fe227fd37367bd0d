// The loops are templates over the op (a functor), so each (op, dtype, layout) is one tight
// loop the compiler can vectorise; target_clones compiles each for AVX-512, AVX2 and the
// baseline and picks one at load time (GCC ifunc), so no -m flag is needed for this file.
#include "elementwise.h"

#include "vecmath.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

namespace nabla {
namespace {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NABLA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NABLA_CLONES
#endif

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
struct Relu {
  static double f(double x) { return x > 0 ? x : 0.0 * x; }
  static float f(float x) { return x > 0 ? x : 0.0f * x; }
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
// JavaScript's Math.pow differs from C's pow in two places: a NaN exponent always gives NaN,
// and (±1)^±∞ is NaN (C says 1).
struct Pow {
  static double f(double x, double y) {
    if (y != y) return kNaN;
    if (std::isinf(y) && std::fabs(x) == 1.0) return kNaN;
    return std::pow(x, y);
  }
};
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
// A product in which an exact zero factor wins over NaN and infinity (0 · NaN = +0). One
// select, no early return, so that the loop vectorises.
struct MulNoNan {
  static double f(double x, double y) { return x == 0 || y == 0 ? 0.0 : x * y; }
  static float f(float x, float y) { return x == 0 || y == 0 ? 0.0f : x * y; }
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
    NABLA_CASE(less, Less) NABLA_CASE(greater, Greater)
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

// Sums accumulate in double with eight independent partial sums: the compiler may then keep
// them in one vector register (the reassociation is written out, not left to -ffast-math).
template <typename T>
NABLA_CLONES double sumRow(const T* __restrict x, ptrdiff_t n) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  ptrdiff_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) s[j] += double(x[i + j]);
  double total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (; i < n; i++) total += double(x[i]);
  return total;
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

VecKernel vectorKernel(UnaryOp op) {
  if (!vectorMath) return nullptr;
  switch (op) {
    case UnaryOp::exp: return vectorMath->exp;
    case UnaryOp::log: return vectorMath->log;
    case UnaryOp::log1p: return vectorMath->log1p;
    case UnaryOp::expm1: return vectorMath->expm1;
    case UnaryOp::sin: return vectorMath->sin;
    case UnaryOp::cos: return vectorMath->cos;
    case UnaryOp::tan: return vectorMath->tan;
    case UnaryOp::atan: return vectorMath->atan;
    case UnaryOp::erf: return vectorMath->erf;
    case UnaryOp::tanh: return vectorMath->tanh;
    case UnaryOp::sigmoid: return vectorMath->sigmoid;
    case UnaryOp::softplus: return vectorMath->softplus;
    default: return nullptr;
  }
}

void applyVector(VecKernel kernel, const double* x, double* o, ptrdiff_t n) { kernel(x, o, n); }

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
  if (VecKernel kernel = vectorKernel(op)) return applyVector(kernel, x, o, n);
  withUnary(op, [&](auto f) { unaryLoop<typename decltype(f)::type, T>(x, o, n); });
}

template <typename T>
void binaryDispatch(BinaryOp op, const T* a, ptrdiff_t as, const T* b, ptrdiff_t bs, T* o, ptrdiff_t n) {
  withBinary(op, [&](auto f) { binaryLoop<typename decltype(f)::type, T>(a, as, b, bs, o, n); });
}

// Reductions over leading axes: o[j] = reduction over r of x[r·cols + j], row by row so that
// every pass is contiguous and vectorises; sums accumulate in double, as sumRow does.
template <typename T>
NABLA_CLONES void sumColumns(const T* __restrict x, ptrdiff_t rows, ptrdiff_t cols, double* __restrict acc) {
  for (ptrdiff_t j = 0; j < cols; j++) acc[j] = 0;
  for (ptrdiff_t r = 0; r < rows; r++, x += cols)
    for (ptrdiff_t j = 0; j < cols; j++) acc[j] += double(x[j]);
}

template <typename T, bool IsMax>
void extremumColumns(const T* x, ptrdiff_t rows, ptrdiff_t cols, double* acc) {
  for (ptrdiff_t j = 0; j < cols; j++) acc[j] = IsMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  for (ptrdiff_t r = 0; r < rows; r++, x += cols)
    for (ptrdiff_t j = 0; j < cols; j++) {
      const double v = x[j];
      // NaN propagates, and stays: no comparison with a NaN accumulator is true.
      if (v != v) acc[j] = kNaN;
      else if (IsMax ? v > acc[j] : v < acc[j]) acc[j] = v;
    }
}

template <typename T>
void reduceColumnsDispatch(ReduceOp op, const T* x, ptrdiff_t rows, ptrdiff_t cols, T* o) {
  std::vector<double> acc(cols);
  if (op == ReduceOp::sum) sumColumns(x, rows, cols, acc.data());
  else if (op == ReduceOp::max) extremumColumns<T, true>(x, rows, cols, acc.data());
  else extremumColumns<T, false>(x, rows, cols, acc.data());
  for (ptrdiff_t j = 0; j < cols; j++) o[j] = T(acc[j]);
}

template <typename T>
void reduceDispatch(ReduceOp op, const T* x, ptrdiff_t rows, ptrdiff_t len, T* o) {
  for (ptrdiff_t r = 0; r < rows; r++, x += len) {
    const double v = op == ReduceOp::sum ? sumRow(x, len)
                   : op == ReduceOp::max ? extremumRow<T, true>(x, len)
                                         : extremumRow<T, false>(x, len);
    o[r] = T(v);
  }
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
  withBinary(op, [&](auto f) { binaryBlock<typename decltype(f)::type, V>(a, b, o, n); });
}

template <typename T, typename V>
NABLA_CLONES void copyBlock(const T* __restrict from, V* __restrict to, ptrdiff_t len) {
  for (ptrdiff_t i = 0; i < len; i++) to[i] = V(from[i]);
}

/** True when map[0..len) counts up by one from map[0] (an OR over differences: vectorises). */
NABLA_CLONES bool isRun(const int* __restrict map, ptrdiff_t len) {
  int differs = 0;
  for (ptrdiff_t i = 0; i < len; i++) differs |= map[i] ^ (map[0] + int(i));
  return differs == 0;
}

template <typename T, typename V>
void loadBlock(const FusedOperand& op, ptrdiff_t i0, ptrdiff_t len, V* out) {
  const T* data = static_cast<const T*>(op.data);
  if (op.access == Access::full) {
    copyBlock(data + i0, out, len);
    return;
  }
  // A broadcast operand is often read in runs (a bias row under each row of a batch): a
  // block whose map counts up by one is a plain copy.
  const int* map = op.map + i0;
  if (isRun(map, len)) {
    copyBlock(data + map[0], out, len);
  } else {
    for (ptrdiff_t i = 0; i < len; i++) out[i] = V(data[map[i]]);
  }
}

template <typename V>
void runFusedTyped(const FusedOperand* operands, int nOperands, const FusedStep* steps, int nSteps,
                   const FusedOutput* stores, int nStores, const int* sumValues, double* sums, int nSums,
                   ptrdiff_t n) {
  constexpr bool isFloat = std::is_same_v<V, float>;
  thread_local std::vector<V> scratch;
  scratch.resize(size_t(nOperands + nSteps) * kBlock);
  V* values = scratch.data();
  auto block = [&](int value) { return values + ptrdiff_t(value) * kBlock; };
  // Where each value of the current block is read from. A full operand already of type V is
  // read in place, and a step stored (once, in type V) is computed straight into its output:
  // no copy either way. Everything else lives in its scratch block.
  std::vector<V*> at(nOperands + nSteps);
  std::vector<int> storedInPlace(nSteps, -1);
  for (int o = 0; o < nStores; o++) {
    const int j = stores[o].value - nOperands;
    if (j >= 0 && stores[o].f32 == isFloat && storedInPlace[j] < 0) storedInPlace[j] = o;
  }
  auto inPlace = [&](const FusedOperand& op) { return op.access == Access::full && op.f32 == isFloat; };
  for (int v = 0; v < nOperands + nSteps; v++) at[v] = block(v);
  // Scalars fill their block once; it is never overwritten.
  for (int k = 0; k < nOperands; k++) {
    const FusedOperand& op = operands[k];
    if (op.access != Access::scalar) continue;
    const V v = op.f32 ? V(*static_cast<const float*>(op.data)) : V(*static_cast<const double*>(op.data));
    std::fill(block(k), block(k) + kBlock, v);
  }
  for (int s = 0; s < nSums; s++) sums[s] = 0;
  for (ptrdiff_t i0 = 0; i0 < n; i0 += kBlock) {
    const ptrdiff_t len = std::min(kBlock, n - i0);
    for (int k = 0; k < nOperands; k++) {
      const FusedOperand& op = operands[k];
      if (op.access == Access::scalar) continue;
      if (inPlace(op)) at[k] = const_cast<V*>(static_cast<const V*>(op.data)) + i0;
      else if (op.f32) loadBlock<float>(op, i0, len, block(k));
      else loadBlock<double>(op, i0, len, block(k));
    }
    for (int j = 0; j < nSteps; j++) {
      const FusedStep& st = steps[j];
      V* out = storedInPlace[j] >= 0 ? static_cast<V*>(stores[storedInPlace[j]].data) + i0 : block(nOperands + j);
      at[nOperands + j] = out;
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
    for (int o = 0; o < nStores; o++) {
      const FusedOutput& st = stores[o];
      const int j = st.value - nOperands;
      if (j >= 0 && storedInPlace[j] == o) continue;
      if (st.f32) copyBlock(at[st.value], static_cast<float*>(st.data) + i0, len);
      else copyBlock(at[st.value], static_cast<double*>(st.data) + i0, len);
    }
    // Sums accumulate element by element, in order and in double, as the JavaScript loop does.
    for (int s = 0; s < nSums; s++) {
      const V* v = at[sumValues[s]];
      double total = sums[s];
      for (ptrdiff_t i = 0; i < len; i++) total += double(v[i]);
      sums[s] = total;
    }
  }
}

}  // namespace

void runFused(const FusedOperand* operands, int nOperands, const FusedStep* steps, int nSteps,
              const FusedOutput* stores, int nStores, const int* sumValues, double* sums, int nSums,
              ptrdiff_t n) {
  bool allFloat = true;
  for (int k = 0; k < nOperands; k++) allFloat = allFloat && operands[k].f32;
  for (int j = 0; j < nSteps; j++) allFloat = allFloat && steps[j].f32;
  if (allFloat) runFusedTyped<float>(operands, nOperands, steps, nSteps, stores, nStores, sumValues, sums, nSums, n);
  else runFusedTyped<double>(operands, nOperands, steps, nSteps, stores, nStores, sumValues, sums, nSums, n);
}

void useVectorMath(const VectorMath& math) { vectorMath = &math; }

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
