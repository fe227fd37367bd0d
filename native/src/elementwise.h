// Elementwise and reduction loops of the native backend. Each op computes in double and
// rounds once to the output type, exactly as the reference backend does (its JavaScript
// expressions run on doubles read from the typed arrays), so float32 results agree with it
// up to the last-bit differences between glibc's libm and V8's.
#pragma once

#include <cstddef>
#include <functional>

namespace nabla {

// The order of these names is the op code the JavaScript side passes; addon.cc exports the
// lists so that the TypeScript wrapper maps names to codes without repeating the order.
#define NABLA_UNARY_OPS(X)                                                                       \
  X(neg) X(exp) X(log) X(log1p) X(expm1) X(sqrt) X(reciprocal) X(abs) X(sign) X(sin) X(cos)     \
  X(tan) X(asin) X(acos) X(atan) X(sinh) X(cosh) X(tanh) X(erf) X(sigmoid) X(softplus) X(relu)  \
  X(step) X(identity)
#define NABLA_BINARY_OPS(X)                                                                      \
  X(add) X(sub) X(mul) X(div) X(pow) X(maximum) X(minimum) X(atan2) X(mulNoNan) X(equal)        \
  X(less) X(greater) X(reluGrad)
#define NABLA_REDUCE_OPS(X) X(sum) X(max) X(min)

#define NABLA_ENUM(name) name,
enum class UnaryOp { NABLA_UNARY_OPS(NABLA_ENUM) count };
enum class BinaryOp { NABLA_BINARY_OPS(NABLA_ENUM) count };
enum class ReduceOp { NABLA_REDUCE_OPS(NABLA_ENUM) count };
#undef NABLA_ENUM

struct VectorMath;

/**
 * Routes exp, log, log1p, expm1, sin, cos, tan, atan, erf, tanh, sigmoid, softplus and pow (eager and fused) through these
 * vector kernels (vecmath.h); the addon calls it once at load with its instruction set's.
 */
void useVectorMath(const VectorMath& math);

/**
 * Runs job(0) on the caller and job(1) … job(t − 1) on workers, in parallel where it can, and
 * returns when all have finished; a worker's job that has not started when job(0) returns may
 * never run, so every job takes its work from a counter they share.
 */
using ParallelRun = void (*)(unsigned t, const std::function<void(unsigned)>& job);

/**
 * Lets loops over many elements split across the addon's worker pool (the GEMM's): `run`
 * starts the shares, `threads()` says how many to use now (NABLA_NUM_THREADS, setThreads).
 * Until the addon calls it, every loop runs on the calling thread. Elementwise results do not
 * depend on the split; sums add fixed chunks in a fixed order, so they do not either.
 */
void useThreads(ParallelRun run, unsigned (*threads)());

/** o[i] = f(x[i]) for i < n. */
void unaryF64(UnaryOp op, const double* x, double* o, ptrdiff_t n);
void unaryF32(UnaryOp op, const float* x, float* o, ptrdiff_t n);

/** o[i] = f(a[i·as], b[i·bs]) for i < n; as and bs are 0 (a repeated value) or 1. */
void binaryF64(BinaryOp op, const double* a, ptrdiff_t as, const double* b, ptrdiff_t bs, double* o, ptrdiff_t n);
void binaryF32(BinaryOp op, const float* a, ptrdiff_t as, const float* b, ptrdiff_t bs, float* o, ptrdiff_t n);

/** o[r] = reduction of x[r·len .. (r+1)·len) for r < rows. */
void reduceF64(ReduceOp op, const double* x, ptrdiff_t rows, ptrdiff_t len, double* o);
void reduceF32(ReduceOp op, const float* x, ptrdiff_t rows, ptrdiff_t len, float* o);

/** o[j] = reduction over r < rows of x[r·cols + j], for j < cols (reducing leading axes). */
void reduceColumnsF64(ReduceOp op, const double* x, ptrdiff_t rows, ptrdiff_t cols, double* o);
void reduceColumnsF32(ReduceOp op, const float* x, ptrdiff_t rows, ptrdiff_t cols, float* o);

// ---------------------------------------------------------------------------------------
// Fused elementwise loops (nb.jit's groups; see src/backend/reference/fused.ts for the
// JavaScript twin and src/backend/native/index.ts for the encoding).

/** How a fused loop reads an operand: every element, one value for all, or through a map. */
enum class Access { full = 0, scalar = 1, indexed = 2 };

struct FusedOperand {
  const void* data;  // float or double, by f32
  bool f32;
  Access access;
  const int* map;  // indexed: element i reads data[map[i]]
};

enum class StepKind { unary = 0, binary = 1, where = 2 };

/** One op; values are numbered operands first, then steps. f32: round the result to float. */
struct FusedStep {
  StepKind kind;
  int op;
  int x, y, z;
  bool f32;
};

struct FusedOutput {
  void* data;  // float or double, by f32
  bool f32;
  int value;
};

/**
 * Runs the chain over n elements, a block at a time so that every intermediate stays in L1,
 * long loops split across threads: stores each output's value element by element and returns
 * each sum's total, in double, added exactly as reduceF64/reduceF32 add a row (eight lanes by
 * index mod 8 within chunks of 16384, the chunks in order). Every step computes in double and
 * rounds to its own dtype, as the eager kernels do, so results equal theirs bit for bit.
 */
void runFused(const FusedOperand* operands, int nOperands, const FusedStep* steps, int nSteps,
              const FusedOutput* stores, int nStores, const int* sumValues, double* sums, int nSums,
              ptrdiff_t n);

}  // namespace nabla
