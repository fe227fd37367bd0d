// The N-API surface of the native backend: thin, synchronous wrappers that check their
// arguments and hand raw pointers to the kernels. All allocation happens in JavaScript (the
// output typed arrays are created there), so a kernel never owns memory across calls.
#include <node_api.h>
#include "clones.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "elementwise.h"
#include "gemm.h"
#include "vecmath.h"
#include "linalg.h"
#include "linalg_eig.h"
#include "napi_args.h"

namespace nabla {
namespace {

// ---------------------------------------------------------------------------------------
// Instruction-set selection, once, at load.

struct Isa {
  const char* name;
  GemmF64 f64;
  GemmF32 f32;
  const VectorMath& (*math)();
  GemmUpdateF64 updateF64;
  bool readsRowsInPlace;  // readsAInPlace's byRows for these kernels
};

Isa selectIsa() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  // NABLA_NATIVE_ISA=avx2|generic caps the choice: a way to test the other kernels here.
  const char* cap = std::getenv("NABLA_NATIVE_ISA");
  const std::string want = cap ? cap : "";
  const bool allow512 = want.empty() || want == "avx512";
  const bool allow2 = allow512 || want == "avx2";
  if (allow512 && __builtin_cpu_supports("avx512f")) return {"avx512", gemmF64Avx512, gemmF32Avx512, vectorMathAvx512, gemmUpdateF64Avx512, true};
  if (allow2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return {"avx2", gemmF64Avx2, gemmF32Avx2, vectorMathAvx2, gemmUpdateF64Avx2, true};
#endif
  return {"generic", gemmF64Generic, gemmF32Generic, vectorMathGeneric, gemmUpdateF64Generic, false};
}

const Isa isa = selectIsa();
unsigned threadCount = std::max(1u, std::thread::hardware_concurrency());

// ---------------------------------------------------------------------------------------
// Argument helpers. A failed check throws a JavaScript error and returns nullptr.

struct Array {
  napi_typedarray_type type;
  void* data;
  size_t length;
};

bool getArray(napi_env env, napi_value v, Array* out) {
  napi_value buffer;
  size_t byteOffset;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &byteOffset) != napi_ok ||
      (out->type != napi_float64_array && out->type != napi_float32_array)) {
    napi_throw_type_error(env, nullptr, "nabla native: expected a Float64Array or Float32Array");
    return false;
  }
  return true;
}

bool getInt(napi_env env, napi_value v, int64_t* out) {
  if (napi_get_value_int64(env, v, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, "nabla native: expected an integer");
    return false;
  }
  return true;
}

/** Checks that indices off + Σ (extent_i − 1)·stride_i stay inside the array. */
bool inBounds(napi_env env, const Array& a, int64_t off, std::initializer_list<std::pair<int64_t, int64_t>> dims) {
  int64_t lo = off, hi = off;
  bool empty = false;
  for (auto [extent, stride] : dims) {
    if (extent <= 0) empty = true;
    else if (stride >= 0) hi += (extent - 1) * stride;
    else lo += (extent - 1) * stride;
  }
  if (empty || (lo >= 0 && hi < int64_t(a.length))) return true;
  napi_throw_range_error(env, nullptr, "nabla native: index out of bounds");
  return false;
}

// ---------------------------------------------------------------------------------------
// matmul

/**
 * Below this many multiply-adds (about 20 µs on one core) a second thread costs more than it
 * saves. Above, even a worker that wakes late costs little: the caller takes the blocks it has
 * not started (gemmThreaded), so 128×256·256×128, a training step's hidden-layer product, is split.
 */
constexpr int64_t kThreadedWork = int64_t(1) << 21;

/**
 * Worker threads kept between calls: starting a thread costs tens of microseconds, as much
 * as a whole 128×256×128 product, while handing a job to a watching one (see loop) costs
 * about one. `run(t, job)` calls job(0) on the caller and job(1..t-1) on workers, and returns
 * when all are done. One caller at a time (Node's worker_threads may share the addon): a
 * second concurrent caller runs its whole job alone rather than wait. With `retract`, the
 * shares no worker has started when job(0) returns are withdrawn (for jobs that take work
 * from a shared counter, so job(0) has done it all): on a busy machine the caller then never
 * waits for a worker to be scheduled.
 */
class WorkerPool {
 public:
  void run(unsigned t, const std::function<void(unsigned)>& job, bool retract = false) {
    std::unique_lock<std::mutex> caller(callerMutex_, std::try_to_lock);
    if (!caller.owns_lock() || t <= 1) {
      for (unsigned i = 0; i < t; i++) job(i);
      return;
    }
    while (workers_.size() < t - 1) workers_.emplace_back([this, id = unsigned(workers_.size()) + 1] { loop(id); });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      active_ = t;
      started_ = 1;
      retracted_ = false;
      pending_.store(t - 1, std::memory_order_relaxed);
      generation_++;
    }
    wake_.notify_all();
    job(0);
    if (retract) {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_.fetch_sub(active_ - started_, std::memory_order_relaxed);
      retracted_ = true;  // a worker waking later finds no share
    }
    // The workers' shares take as long as ours: spin briefly, then yield.
    for (int spins = 0; pending_.load(std::memory_order_acquire) != 0; spins++) {
      if (spins > 2000) std::this_thread::yield();
    }
  }

 private:
  void loop(unsigned id) {
    uint64_t seen = 0;
    for (;;) {
      // Waking a parked thread costs 20–30 µs on a virtual machine, half of a 128×256·256×128
      // product's share, and a training step calls the addon again within tens of µs: watch
      // for the next job a while first. Yielding, not pausing, so that on a busy core the
      // watch never delays the caller or another process.
      const auto until = std::chrono::steady_clock::now() + kWatch;
      while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) std::this_thread::yield();
      const std::function<void(unsigned)>* job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
        seen = generation_.load(std::memory_order_relaxed);
        if (id >= active_ || retracted_) continue;
        job = job_;
        started_++;
      }
      (*job)(id);
      pending_.fetch_sub(1, std::memory_order_release);
    }
  }

  std::mutex callerMutex_, mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  const std::function<void(unsigned)>* job_ = nullptr;
  unsigned active_ = 0, started_ = 0;
  bool retracted_ = false;
  std::atomic<uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  static constexpr std::chrono::microseconds kWatch{50};
};

// Never destroyed: the parked workers end with the process (joining them at exit would
// block it, and destroying joinable std::threads would abort it).
WorkerPool& pool = *new WorkerPool();

/** How gemmThreaded cuts C: `count` blocks of `size` columns, or rows. */
struct GemmBlocks {
  bool byColumns;
  ptrdiff_t size, count;
};

/**
 * Blocks of columns where C has at least two: they share A, and where A is read in place a
 * block costs nothing the whole product would not (each packs its own columns of B), so there
 * are several per thread and a thread that starts late (a busy machine) takes fewer. A packed
 * A is packed again by every block: one block per thread. A narrower C is cut into blocks of
 * rows, each packing all of its (narrow) B.
 */
GemmBlocks gemmBlocks(ptrdiff_t m, ptrdiff_t n, unsigned t, bool inPlaceA) {
  const auto roundUp = [](ptrdiff_t x, ptrdiff_t to) { return (x + to - 1) / to * to; };
  if (n >= 2 * kThreadColumnAlign) {
    const ptrdiff_t blocks = inPlaceA ? 4 * ptrdiff_t(t) : ptrdiff_t(t);
    const ptrdiff_t size = roundUp((n + blocks - 1) / blocks, kThreadColumnAlign);
    return {true, size, (n + size - 1) / size};
  }
  const ptrdiff_t size = roundUp((m + t - 1) / t, kThreadRowAlign);
  return {false, size, (m + size - 1) / size};
}

/**
 * `kernel` over C (m×n, row stride ldc, n when not given), its blocks (gemmBlocks) taken in
 * turn by the threads; `inPlaceA` says whether the kernel reads A unpacked. The caller takes
 * blocks too, and the pool withdraws the shares of workers that had not started when the caller
 * ran out of blocks: on a busy machine the caller never waits for a worker to be scheduled.
 */
template <typename T, typename Fn>
void gemmThreaded(Fn kernel, MatView<T> a, MatView<T> b, T* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, bool inPlaceA,
                  ptrdiff_t ldc = 0) {
  if (ldc == 0) ldc = n;
  const unsigned t = int64_t(m) * n * k < kThreadedWork ? 1u : threadCount;
  const GemmBlocks blocks = t > 1 ? gemmBlocks(m, n, t, inPlaceA) : GemmBlocks{true, n, 1};
  if (blocks.count <= 1) {
    kernel(a, b, c, m, k, n, 0, n);
    return;
  }
  std::atomic<ptrdiff_t> next{0};
  const std::function<void(unsigned)> share = [&](unsigned) {
    for (ptrdiff_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < blocks.count;) {
      const ptrdiff_t lo = i * blocks.size;
      if (blocks.byColumns) {
        kernel(a, b, c, m, k, n, lo, std::min(n, lo + blocks.size));
      } else {
        const ptrdiff_t rows = std::min(m, lo + blocks.size) - lo;
        kernel(MatView<T>{a.data + lo * a.rs, a.rs, a.cs}, b, c + lo * ldc, rows, k, n, 0, n);
      }
    }
  };
  pool.run(unsigned(std::min<ptrdiff_t>(t, blocks.count)), share, true);
}

// gemm(a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, c, cOffset, m, k, n):
// c[cOffset ..] (contiguous m×n) = A·B, never reading c's old contents; k ≥ 1 (the caller
// zero-fills C itself when k = 0). a, b and c share one dtype.
napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value args[13];
  if (!getArgs(env, info, args)) return nullptr;
  Array a, b, c;
  int64_t ao, ars, acs, bo, brs, bcs, co, m, k, n;
  if (!getArray(env, args[0], &a) || !getInt(env, args[1], &ao) || !getInt(env, args[2], &ars) ||
      !getInt(env, args[3], &acs) || !getArray(env, args[4], &b) || !getInt(env, args[5], &bo) ||
      !getInt(env, args[6], &brs) || !getInt(env, args[7], &bcs) || !getArray(env, args[8], &c) ||
      !getInt(env, args[9], &co) || !getInt(env, args[10], &m) || !getInt(env, args[11], &k) ||
      !getInt(env, args[12], &n))
    return nullptr;
  if (a.type != b.type || a.type != c.type) {
    napi_throw_type_error(env, nullptr, "nabla native gemm: operands must share a dtype");
    return nullptr;
  }
  if (!inBounds(env, a, ao, {{m, ars}, {k, acs}}) || !inBounds(env, b, bo, {{k, brs}, {n, bcs}}) ||
      !inBounds(env, c, co, {{m, n}, {n, 1}}))
    return nullptr;
  if (m == 0 || n == 0 || k == 0) return nullptr;
  if (a.type == napi_float64_array) {
    const MatView<double> av{static_cast<double*>(a.data) + ao, ars, acs};
    gemmThreaded(isa.f64, av, MatView<double>{static_cast<double*>(b.data) + bo, brs, bcs}, static_cast<double*>(c.data) + co, m, k, n,
                 readsAInPlace(av, m, k, isa.readsRowsInPlace));
  } else {
    const MatView<float> av{static_cast<float*>(a.data) + ao, ars, acs};
    gemmThreaded(isa.f32, av, MatView<float>{static_cast<float*>(b.data) + bo, brs, bcs}, static_cast<float*>(c.data) + co, m, k, n,
                 readsAInPlace(av, m, k, isa.readsRowsInPlace));
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Elementwise and reductions

// unary(op, x, xOffset, out, n): out[0..n) = f(x[xOffset ..]); x and out share a dtype.
napi_value Unary(napi_env env, napi_callback_info info) {
  napi_value args[5];
  if (!getArgs(env, info, args)) return nullptr;
  Array x, o;
  int64_t op, xo, n;
  if (!getInt(env, args[0], &op) || !getArray(env, args[1], &x) || !getInt(env, args[2], &xo) ||
      !getArray(env, args[3], &o) || !getInt(env, args[4], &n))
    return nullptr;
  if (op < 0 || op >= int64_t(UnaryOp::count) || x.type != o.type) {
    napi_throw_type_error(env, nullptr, "nabla native unary: bad op or dtype");
    return nullptr;
  }
  if (!inBounds(env, x, xo, {{n, 1}}) || !inBounds(env, o, 0, {{n, 1}})) return nullptr;
  if (x.type == napi_float64_array) unaryF64(UnaryOp(op), static_cast<double*>(x.data) + xo, static_cast<double*>(o.data), n);
  else unaryF32(UnaryOp(op), static_cast<float*>(x.data) + xo, static_cast<float*>(o.data), n);
  return nullptr;
}

// binary(op, a, aOffset, aStride, b, bOffset, bStride, out, outOffset, n); strides 0 or 1.
napi_value Binary(napi_env env, napi_callback_info info) {
  napi_value args[10];
  if (!getArgs(env, info, args)) return nullptr;
  Array a, b, o;
  int64_t op, ao, as, bo, bs, oo, n;
  if (!getInt(env, args[0], &op) || !getArray(env, args[1], &a) || !getInt(env, args[2], &ao) ||
      !getInt(env, args[3], &as) || !getArray(env, args[4], &b) || !getInt(env, args[5], &bo) ||
      !getInt(env, args[6], &bs) || !getArray(env, args[7], &o) || !getInt(env, args[8], &oo) ||
      !getInt(env, args[9], &n))
    return nullptr;
  if (op < 0 || op >= int64_t(BinaryOp::count) || a.type != o.type || b.type != o.type) {
    napi_throw_type_error(env, nullptr, "nabla native binary: bad op or dtype");
    return nullptr;
  }
  if (!inBounds(env, a, ao, {{n, as}}) || !inBounds(env, b, bo, {{n, bs}}) || !inBounds(env, o, oo, {{n, 1}})) return nullptr;
  if (o.type == napi_float64_array) {
    binaryF64(BinaryOp(op), static_cast<double*>(a.data) + ao, as, static_cast<double*>(b.data) + bo, bs, static_cast<double*>(o.data) + oo, n);
  } else {
    binaryF32(BinaryOp(op), static_cast<float*>(a.data) + ao, as, static_cast<float*>(b.data) + bo, bs, static_cast<float*>(o.data) + oo, n);
  }
  return nullptr;
}

// binaryRows(op, a, aOffset, aRowStride, aStride, b, bOffset, bRowStride, bStride, out, rows, n):
// binary's loop over `rows` rows of n outputs each, out contiguous: a broadcast such as a bias
// row added to every row of a batch, or a [128, 1] column against [128, 10], in one call
// rather than one per row (each call from JavaScript costs as much as ~1000 additions).
napi_value BinaryRows(napi_env env, napi_callback_info info) {
  napi_value args[12];
  if (!getArgs(env, info, args)) return nullptr;
  Array a, b, o;
  int64_t op, ao, ars, as, bo, brs, bs, rows, n;
  if (!getInt(env, args[0], &op) || !getArray(env, args[1], &a) || !getInt(env, args[2], &ao) ||
      !getInt(env, args[3], &ars) || !getInt(env, args[4], &as) || !getArray(env, args[5], &b) ||
      !getInt(env, args[6], &bo) || !getInt(env, args[7], &brs) || !getInt(env, args[8], &bs) ||
      !getArray(env, args[9], &o) || !getInt(env, args[10], &rows) || !getInt(env, args[11], &n))
    return nullptr;
  if (op < 0 || op >= int64_t(BinaryOp::count) || a.type != o.type || b.type != o.type || as < 0 || as > 1 || bs < 0 || bs > 1) {
    napi_throw_type_error(env, nullptr, "nabla native binaryRows: bad op, dtype or stride");
    return nullptr;
  }
  if (!inBounds(env, a, ao, {{n, as}, {rows, ars}}) || !inBounds(env, b, bo, {{n, bs}, {rows, brs}}) ||
      !inBounds(env, o, 0, {{n * rows, 1}}))
    return nullptr;
  for (int64_t r = 0; r < rows; r++) {
    if (o.type == napi_float64_array) {
      binaryF64(BinaryOp(op), static_cast<double*>(a.data) + ao + r * ars, as, static_cast<double*>(b.data) + bo + r * brs, bs,
                static_cast<double*>(o.data) + r * n, n);
    } else {
      binaryF32(BinaryOp(op), static_cast<float*>(a.data) + ao + r * ars, as, static_cast<float*>(b.data) + bo + r * brs, bs,
                static_cast<float*>(o.data) + r * n, n);
    }
  }
  return nullptr;
}

// reduce(op, x, xOffset, rows, len, out): out[r] = reduction of x's r-th contiguous row.
napi_value Reduce(napi_env env, napi_callback_info info) {
  napi_value args[6];
  if (!getArgs(env, info, args)) return nullptr;
  Array x, o;
  int64_t op, xo, rows, len;
  if (!getInt(env, args[0], &op) || !getArray(env, args[1], &x) || !getInt(env, args[2], &xo) ||
      !getInt(env, args[3], &rows) || !getInt(env, args[4], &len) || !getArray(env, args[5], &o))
    return nullptr;
  if (op < 0 || op >= int64_t(ReduceOp::count) || x.type != o.type) {
    napi_throw_type_error(env, nullptr, "nabla native reduce: bad op or dtype");
    return nullptr;
  }
  if (!inBounds(env, x, xo, {{rows * len, 1}}) || !inBounds(env, o, 0, {{rows, 1}})) return nullptr;
  if (x.type == napi_float64_array) reduceF64(ReduceOp(op), static_cast<double*>(x.data) + xo, rows, len, static_cast<double*>(o.data));
  else reduceF32(ReduceOp(op), static_cast<float*>(x.data) + xo, rows, len, static_cast<float*>(o.data));
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Fused elementwise loops

bool getElement(napi_env env, napi_value array, uint32_t i, napi_value* out) {
  if (napi_get_element(env, array, i, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, "nabla native fused: expected an array");
    return false;
  }
  return true;
}

bool fail(napi_env env, const char* msg) {
  napi_throw_range_error(env, nullptr, msg);
  return false;
}

/** Whether every map[i] (i < n) lies in [0, limit): one min and max, which vectorise. */
NABLA_CLONES bool mapInBounds(const int32_t* __restrict map, int64_t n, int64_t limit) {
  int32_t lo = 0, hi = 0;
  for (int64_t i = 0; i < n; i++) {
    lo = std::min(lo, map[i]);
    hi = std::max(hi, map[i]);
  }
  return lo >= 0 && (n == 0 || hi < limit);
}

// fused(program, data, offsets, maps, outputs, sums, n): runs one fused loop (runFused).
// program (Int32Array): nOperands, nSteps, nStores, nSums, then an access code per operand,
// (kind, op, x, y, z, f32) per step, a value per store, a value per sum. data[k], offsets[k],
// maps[k] (an Int32Array or null) are operand k's; outputs[j] receives store j; sums[s] sum s.
napi_value Fused(napi_env env, napi_callback_info info) {
  napi_value args[7];
  if (!getArgs(env, info, args)) return nullptr;
  napi_typedarray_type ptype;
  size_t plen;
  void* pdata;
  napi_value pbuf;
  size_t poff;
  if (napi_get_typedarray_info(env, args[0], &ptype, &plen, &pdata, &pbuf, &poff) != napi_ok || ptype != napi_int32_array || plen < 4) {
    napi_throw_type_error(env, nullptr, "nabla native fused: the program must be an Int32Array");
    return nullptr;
  }
  const int32_t* prog = static_cast<const int32_t*>(pdata);
  const int nOperands = prog[0], nSteps = prog[1], nStores = prog[2], nSums = prog[3];
  if (nOperands < 0 || nSteps < 0 || nStores < 0 || nSums < 0 ||
      plen != size_t(4 + nOperands + 6 * nSteps + nStores + nSums)) {
    fail(env, "nabla native fused: malformed program");
    return nullptr;
  }
  int64_t n;
  Array sums;
  if (!getInt(env, args[6], &n) || !getArray(env, args[5], &sums)) return nullptr;
  if (sums.type != napi_float64_array || sums.length < size_t(nSums)) {
    fail(env, "nabla native fused: sums must be a Float64Array with a slot per sum");
    return nullptr;
  }
  const int32_t* p = prog + 4;
  std::vector<FusedOperand> operands(nOperands);
  for (int k = 0; k < nOperands; k++, p++) {
    napi_value dv, ov, mv;
    Array d;
    int64_t off;
    if (!getElement(env, args[1], k, &dv) || !getArray(env, dv, &d) || !getElement(env, args[2], k, &ov) || !getInt(env, ov, &off))
      return nullptr;
    const Access access = Access(*p);
    const size_t elem = d.type == napi_float32_array ? 4 : 8;
    FusedOperand& op = operands[k];
    op.f32 = d.type == napi_float32_array;
    op.access = access;
    op.map = nullptr;
    if (off < 0 || (access != Access::indexed && !inBounds(env, d, off, {{access == Access::full ? n : 1, 1}}))) {
      if (off < 0) fail(env, "nabla native fused: index out of bounds");
      return nullptr;
    }
    if (access == Access::indexed) {
      // Only an indexed operand's map is read: each element read is a call into the engine.
      if (!getElement(env, args[3], k, &mv)) return nullptr;
      napi_typedarray_type mtype;
      size_t mlen;
      void* mdata;
      napi_value mbuf;
      size_t moff;
      if (napi_get_typedarray_info(env, mv, &mtype, &mlen, &mdata, &mbuf, &moff) != napi_ok || mtype != napi_int32_array ||
          mlen < size_t(n)) {
        fail(env, "nabla native fused: an indexed operand needs an Int32Array map of n entries");
        return nullptr;
      }
      op.map = static_cast<const int*>(mdata);
      if (!mapInBounds(op.map, n, int64_t(d.length) - off)) {
        fail(env, "nabla native fused: index out of bounds");
        return nullptr;
      }
    } else if (access != Access::full && access != Access::scalar) {
      fail(env, "nabla native fused: bad access code");
      return nullptr;
    }
    op.data = static_cast<const char*>(d.data) + off * elem;
  }
  std::vector<FusedStep> steps(nSteps);
  for (int j = 0; j < nSteps; j++, p += 6) {
    const int limit = nOperands + j;  // a step reads only earlier values
    const StepKind kind = StepKind(p[0]);
    const int arity = kind == StepKind::unary ? 1 : kind == StepKind::binary ? 2 : 3;
    const bool opOk = kind == StepKind::unary ? p[1] >= 0 && p[1] < int(UnaryOp::count)
                    : kind == StepKind::binary ? p[1] >= 0 && p[1] < int(BinaryOp::count)
                    : kind == StepKind::where;
    bool ok = opOk;
    for (int a = 0; a < arity; a++) ok = ok && p[2 + a] >= 0 && p[2 + a] < limit;
    if (!ok) {
      fail(env, "nabla native fused: malformed step");
      return nullptr;
    }
    steps[j] = {kind, p[1], p[2], arity > 1 ? p[3] : 0, arity > 2 ? p[4] : 0, p[5] != 0};
  }
  const int values = nOperands + nSteps;
  std::vector<FusedOutput> stores(nStores);
  for (int o = 0; o < nStores; o++, p++) {
    napi_value ov;
    Array out;
    if (!getElement(env, args[4], o, &ov) || !getArray(env, ov, &out)) return nullptr;
    if (*p < 0 || *p >= values || out.length < size_t(n)) {
      fail(env, "nabla native fused: bad store");
      return nullptr;
    }
    stores[o] = {out.data, out.type == napi_float32_array, *p};
  }
  std::vector<int> sumValues(p, p + nSums);
  for (int v : sumValues)
    if (v < 0 || v >= values) {
      fail(env, "nabla native fused: bad sum");
      return nullptr;
    }
  runFused(operands.data(), nOperands, steps.data(), nSteps, stores.data(), nStores, sumValues.data(),
           static_cast<double*>(sums.data), nSums, n);
  return nullptr;
}

// reduceColumns(op, x, xOffset, rows, cols, out): out[j] = reduction of column j of the
// contiguous rows×cols matrix at x[xOffset ..].
napi_value ReduceColumns(napi_env env, napi_callback_info info) {
  napi_value args[6];
  if (!getArgs(env, info, args)) return nullptr;
  Array x, o;
  int64_t op, xo, rows, cols;
  if (!getInt(env, args[0], &op) || !getArray(env, args[1], &x) || !getInt(env, args[2], &xo) ||
      !getInt(env, args[3], &rows) || !getInt(env, args[4], &cols) || !getArray(env, args[5], &o))
    return nullptr;
  if (op < 0 || op >= int64_t(ReduceOp::count) || x.type != o.type) {
    napi_throw_type_error(env, nullptr, "nabla native reduceColumns: bad op or dtype");
    return nullptr;
  }
  if (!inBounds(env, x, xo, {{rows * cols, 1}}) || !inBounds(env, o, 0, {{cols, 1}})) return nullptr;
  if (x.type == napi_float64_array) reduceColumnsF64(ReduceOp(op), static_cast<double*>(x.data) + xo, rows, cols, static_cast<double*>(o.data));
  else reduceColumnsF32(ReduceOp(op), static_cast<float*>(x.data) + xo, rows, cols, static_cast<float*>(o.data));
  return nullptr;
}

// setThreads(n): threads for large matmuls and elementwise loops from now on (at least 1); returns the old count.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value args[1];
  int64_t n;
  if (!getArgs(env, info, args) || !getInt(env, args[0], &n)) return nullptr;
  napi_value old;
  napi_create_uint32(env, threadCount, &old);
  threadCount = unsigned(std::clamp<int64_t>(n, 1, 256));
  return old;
}

// lineOffset(bytes): how many bytes past the start of the Uint8Array `bytes` its first
// 64-byte boundary lies (0–63), for the loader's line-aligned allocator (src/backend/native).
napi_value LineOffset(napi_env env, napi_callback_info info) {
  napi_value args[1];
  if (!getArgs(env, info, args)) return nullptr;
  napi_typedarray_type type;
  size_t length, byteOffset;
  void* data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, args[0], &type, &length, &data, &buffer, &byteOffset) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, nullptr, "nabla native lineOffset: expected a Uint8Array");
    return nullptr;
  }
  napi_value offset;
  napi_create_uint32(env, uint32_t((64 - reinterpret_cast<uintptr_t>(data) % 64) % 64), &offset);
  return offset;
}

napi_value names(napi_env env, std::initializer_list<const char*> list) {
  napi_value arr;
  napi_create_array_with_length(env, list.size(), &arr);
  uint32_t i = 0;
  for (const char* s : list) {
    napi_value str;
    napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &str);
    napi_set_element(env, arr, i++, str);
  }
  return arr;
}

/**
 * Output tensors are typed arrays that V8 allocates with calloc. glibc serves blocks over
 * 128 KB with a fresh mmap and unmaps them when freed, so every medium-sized op output costs
 * a page fault per 4 KB (about half the time of a 128×784×256 product). Keeping blocks up to
 * 1 GB in the heap, and trimming it only past 1 GB of free memory at its top, lets freed
 * outputs be reused instead. Large ones matter most: the 411 MB of per-example gradients of a
 * 784-256-10 MLP over 256 examples cost 100k faults and 5× the CPU time of writing them into
 * reused memory. The price: up to 1 GB of freed memory stays resident for the next outputs.
 * NABLA_MALLOC_TUNING=0 leaves the allocator as it is.
 */
void tuneAllocator() {
#if defined(__GLIBC__)
  const char* opt = std::getenv("NABLA_MALLOC_TUNING");
  if (opt && std::string(opt) == "0") return;
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

napi_value Init(napi_env env, napi_value exports) {
  tuneAllocator();
  useVectorMath(isa.math());
  useThreads([](unsigned t, const std::function<void(unsigned)>& job) { pool.run(t, job, true); }, [] { return threadCount; });
#define NABLA_NAME(name) #name,
  defineMethods(env, exports, {
      {"gemm", Gemm},
      {"unary", Unary},
      {"binary", Binary},
      {"binaryRows", BinaryRows},
      {"reduce", Reduce},
      {"fused", Fused},
      {"reduceColumns", ReduceColumns},
      {"setThreads", SetThreads},
      {"lineOffset", LineOffset},
  });
  const ProductF64 productF64 = [](MatView<double> a, MatView<double> b, double* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n) {
    gemmThreaded(isa.f64, a, b, c, m, k, n, readsAInPlace(a, m, k, isa.readsRowsInPlace));
  };
  defineLinalg(env, exports, productF64, [](MatView<double> a, MatView<double> b, double* c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n) {
    const auto update = [ldc](MatView<double> a, MatView<double> b, double* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t, ptrdiff_t j0, ptrdiff_t j1) {
      isa.updateF64(a, b, c, ldc, m, k, j0, j1);
    };
    gemmThreaded(update, a, b, c, m, k, n, false, ldc);
  });
  defineLinalgEig(env, exports, productF64);
  napi_value isaName, maxThreads;
  napi_create_string_utf8(env, isa.name, NAPI_AUTO_LENGTH, &isaName);
  napi_create_uint32(env, std::max(1u, std::thread::hardware_concurrency()), &maxThreads);
  napi_set_named_property(env, exports, "isa", isaName);
  napi_set_named_property(env, exports, "maxThreads", maxThreads);
  napi_set_named_property(env, exports, "unaryOps", names(env, {NABLA_UNARY_OPS(NABLA_NAME)}));
  napi_set_named_property(env, exports, "binaryOps", names(env, {NABLA_BINARY_OPS(NABLA_NAME)}));
  napi_set_named_property(env, exports, "reduceOps", names(env, {NABLA_REDUCE_OPS(NABLA_NAME)}));
#undef NABLA_NAME
  return exports;
}

}  // namespace
}  // namespace nabla

NAPI_MODULE(NODE_GYP_MODULE_NAME, nabla::Init)
