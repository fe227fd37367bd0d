// The packed, register-blocked matrix product behind the native backend's matmul.
//
// C[m×n] = A[m×k] · B[k×n], C row-major and contiguous, A and B read through arbitrary
// element strides (so a transposed view is multiplied without first being copied). C's
// previous contents are never read (the first slice of k stores, later ones add), so its
// memory need not be zeroed first; k ≥ 1.
//
// Blocking, as in GotoBLAS/BLIS, from the outside in:
//   jc: NC columns of B and C at a time        (the packed B block lives in L3)
//   pc: KC of the shared dimension at a time   (one rank-KC update of C)
//   ic: MC rows of A and C at a time           (the packed A block lives in L2)
//   jr: NR columns: one packed B micro-panel   (KC×NR, reused from L1 across every ir)
//   ir: MR rows:    one packed A micro-panel   (MR×KC, streamed from L2)
// The micro-kernel keeps an MR×NR tile of C in registers for the whole KC loop: per step of
// p it loads NR/W vectors of one row of the B micro-panel, broadcasts each of the MR values
// of A's column p, and issues MR·NR/W fused multiply-adds. With AVX-512 (32 registers of W
// lanes) MR=8, NR=2W keeps 16 accumulators + 2 B vectors + 1 broadcast live: enough
// independent FMAs to cover their latency, 8 FMAs per loaded B vector, and no padded rows
// for the row counts of a training step (batch 128; 256, 784 in weight gradients), where 12
// rows wasted a tenth of the products on 128 = 10·12 + 8.
//
// Packing copies each block once into contiguous, zero-padded panels in the order the
// micro-kernel reads them, so the kernel's loads are unit-stride and edge tiles need no
// special case inside the loop (only when writing C back). An A that fits in L2 is not
// packed but read in place, by rows or (transposed) by columns, see AForm.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace nabla {

/** Strided read-only view of a matrix: element (i, j) is data[i*rs + j*cs]. */
template <typename T>
struct MatView {
  const T* data;
  ptrdiff_t rs;
  ptrdiff_t cs;
};

/** A growable, 64-byte aligned scratch buffer, one per thread and role. */
struct Scratch {
  void* ptr = nullptr;
  size_t bytes = 0;
  ~Scratch() { std::free(ptr); }
  template <typename T>
  T* get(size_t count) {
    size_t need = (count * sizeof(T) + 63) & ~size_t(63);
    if (need > bytes) {
      std::free(ptr);
      ptr = std::aligned_alloc(64, need);
      bytes = need;
    }
    return static_cast<T*>(ptr);
  }
};

/**
 * Packs rows [i0, i0+mc) × columns [p0, p0+kc) of A, times `scale` (±1, exact), as MR-row
 * micro-panels: within a panel, the MR values of column p are adjacent. Rows past mc are zero.
 */
template <typename T, int MR>
void packA(MatView<T> a, ptrdiff_t i0, ptrdiff_t p0, ptrdiff_t mc, ptrdiff_t kc, T* out, T scale) {
  for (ptrdiff_t ip = 0; ip < mc; ip += MR) {
    const ptrdiff_t rows = std::min<ptrdiff_t>(MR, mc - ip);
    for (ptrdiff_t p = 0; p < kc; p++) {
      const T* src = a.data + (i0 + ip) * a.rs + (p0 + p) * a.cs;
      ptrdiff_t r = 0;
      for (; r < rows; r++) out[r] = scale * src[r * a.rs];
      for (; r < MR; r++) out[r] = T(0);
      out += MR;
    }
  }
}

/** Packs rows [p0, p0+kc) × columns [j0, j0+nc) of B as NR-column micro-panels, zero-padded. */
template <typename T, int NR>
void packB(MatView<T> b, ptrdiff_t p0, ptrdiff_t j0, ptrdiff_t kc, ptrdiff_t nc, T* out) {
  for (ptrdiff_t jp = 0; jp < nc; jp += NR) {
    const ptrdiff_t cols = std::min<ptrdiff_t>(NR, nc - jp);
    if (b.rs == 1 && b.cs != 1) {
      // A transposed B (W in x·Wᵀ): each column is contiguous in memory, so read columns
      // and scatter them into the panel, which is small enough for L1, rather than gather
      // a row of the panel from NR places far apart.
      for (ptrdiff_t c = 0; c < NR; c++) {
        if (c < cols) {
          const T* src = b.data + p0 + (j0 + jp + c) * b.cs;
          for (ptrdiff_t p = 0; p < kc; p++) out[p * NR + c] = src[p];
        } else {
          for (ptrdiff_t p = 0; p < kc; p++) out[p * NR + c] = T(0);
        }
      }
      out += NR * kc;
      continue;
    }
    if (b.cs == 1 && cols == NR) {
      // A whole panel of a row-major B: NR adjacent values a row, copied by a loop of constant
      // length that compiles to a few vector moves (a memcpy of cols·sizeof(T) bytes became
      // `rep movsq`, whose start-up cost made packing a third of a 128×784·784×256 product).
      for (ptrdiff_t p = 0; p < kc; p++) {
        const T* src = b.data + (p0 + p) * b.rs + j0 + jp;
        for (int c = 0; c < NR; c++) out[c] = src[c];
        out += NR;
      }
      continue;
    }
    for (ptrdiff_t p = 0; p < kc; p++) {
      const T* src = b.data + (p0 + p) * b.rs + (j0 + jp) * b.cs;
      ptrdiff_t c = 0;
      for (; c < cols; c++) out[c] = src[c * b.cs];
      for (; c < NR; c++) out[c] = T(0);
      out += NR;
    }
  }
}

/**
 * The GEMM reads A in place rather than packing it when A takes at most this many bytes: it
 * stays in L2 across the column panels that reread it, and packing it cost as much as the
 * products of a 128×128·128×10 matmul (and 5–15% of 128×784·784×256's).
 */
constexpr size_t kDirectABytes = 512 << 10;
/** ... and k at least this: over a short k the in-place tile's setup costs more than packing. */
constexpr ptrdiff_t kDirectAMinDepth = 32;

/** How the micro-kernel reads A: packed into micro-panels, or in place by rows or by columns. */
enum class AForm { Packed, Rows, Columns };

/**
 * Whether C = A·B reads this m×k A in place (by columns, or by rows where `byRows`: not in the
 * portable build, see Gemm::formOf) rather than packing it.
 */
template <typename T>
bool readsAInPlace(MatView<T> a, ptrdiff_t m, ptrdiff_t k, bool byRows) {
  return ((byRows && a.cs == 1) || a.rs == 1) && size_t(m * k) * sizeof(T) <= kDirectABytes && k >= kDirectAMinDepth;
}

/**
 * Ops supplies the instruction set: a vector type V of W lanes of T, and
 *   static V zero(); static V load(const T*); static V broadcast(const T*);
 *   static V fma(V a, V b, V acc);          // a·b + acc
 *   static void addStore(T* dst, V v);       // dst[0..W) += v
 *   static void store(T* dst, V v);          // dst[0..W) = v, dst 64-byte aligned
 *   static void storeUnaligned(T* dst, V v); // dst[0..W) = v
 * plus the blocking constants MR, NV (NR = NV·W), KC, MC, NC. NVOverride runs the micro-kernel
 * that many vectors wide instead of NV (see gemmShare).
 */
template <typename T, typename Ops, int NVOverride = Ops::NV>
struct Gemm {
  using V = typename Ops::V;
  static constexpr int W = Ops::W;
  static constexpr int MR = Ops::MR;
  static constexpr int NV = NVOverride;
  static constexpr int NR = NV * W;

  /**
   * C tile (MR×NR at c, row stride ldc) = (first ? 0 : C tile) + A panel · packed B panel
   * over kc. How the A panel is read (see AForm): packed (the MR values of column p adjacent);
   * in place, only for full tiles (rows = MR): Rows, row r at ap + r·step, its columns adjacent;
   * Columns, rows adjacent, column p at ap + p·step (a transposed A: hᵀ·g in a weight gradient).
   */
  template <AForm Form>
  static inline void microKernel(ptrdiff_t kc, const T* ap, ptrdiff_t step, const T* bp, T* c, ptrdiff_t ldc,
                                 int rows, int cols, bool first) {
    // The loops over r and v have constant bounds and are fully unrolled, so that acc[][] and
    // b[] become named registers rather than memory.
    V acc[MR][NV];
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++)
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) acc[r][v] = Ops::zero();
    // kc ≥ 1 always; a do-while says so, which lets GCC keep acc in registers across the loop.
    do {
      V b[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) b[v] = Ops::load(bp + v * W);
#pragma GCC unroll 16
      for (int r = 0; r < MR; r++) {
        const V a = Ops::broadcast(ap + (Form == AForm::Rows ? r * step : r));
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) acc[r][v] = Ops::fma(a, b[v], acc[r][v]);
      }
      ap += Form == AForm::Packed ? MR : Form == AForm::Rows ? 1 : step;
      bp += NR;
    } while (--kc > 0);
    if (rows == MR && cols == NR) {
      for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) {
          if (first) Ops::storeUnaligned(c + r * ldc + v * W, acc[r][v]);
          else Ops::addStore(c + r * ldc + v * W, acc[r][v]);
        }
      return;
    }
    // An edge tile: spill the registers, then add only the part inside C.
    alignas(64) T tile[MR * NR];
    for (int r = 0; r < MR; r++)
      for (int v = 0; v < NV; v++) Ops::store(tile + r * NR + v * W, acc[r][v]);
    for (int r = 0; r < rows; r++)
      for (int j = 0; j < cols; j++) c[r * ldc + j] = (first ? T(0) : c[r * ldc + j]) + tile[r * NR + j];
  }

  /**
   * C = A·B over rows [0, m) and columns [j0, j1) of C (row stride n): one thread's share.
   */
  static void run(MatView<T> a, MatView<T> b, T* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n,
                  ptrdiff_t j0, ptrdiff_t j1) {
    multiply(a, b, c, n, m, k, j0, j1, false);
  }

  /**
   * C −= A·B in place, C's row stride ldc: the trailing updates of blocked factorizations,
   * with A packed negated and every slice of k accumulated, so no product is stored apart.
   */
  static void update(MatView<T> a, MatView<T> b, T* c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t k,
                     ptrdiff_t j0, ptrdiff_t j1) {
    multiply(a, b, c, ldc, m, k, j0, j1, true);
  }

 private:
  /** How this call reads A: in place where A is small enough to stay in cache, else packed. */
  static AForm formOf(MatView<T> a, ptrdiff_t m, ptrdiff_t k, bool subtract) {
    // With one-lane "vectors" (the portable build) the compiler vectorises across the tile's
    // columns and rows: a packed A's adjacent rows suit that, A's rows read in place do not
    // (half the speed), so there a row-major A is packed.
    if (subtract || !readsAInPlace(a, m, k, W > 1)) return AForm::Packed;
    return a.rs == 1 ? AForm::Columns : AForm::Rows;
  }

  static void multiply(MatView<T> a, MatView<T> b, T* c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t k,
                       ptrdiff_t j0, ptrdiff_t j1, bool subtract) {
    thread_local Scratch scratchA, scratchB;
    const AForm form = formOf(a, m, k, subtract);
    // Slices of k of equal length (784 = 4·196, not 3·256 + 16): each slice reloads and
    // stores C, which a short last slice does for few products.
    const ptrdiff_t slices = (k + Ops::KC - 1) / Ops::KC, kStep = (k + slices - 1) / slices;
    for (ptrdiff_t jc = j0; jc < j1; jc += Ops::NC) {
      const ptrdiff_t nc = std::min<ptrdiff_t>(Ops::NC, j1 - jc);
      for (ptrdiff_t pc = 0; pc < k; pc += kStep) {
        const ptrdiff_t kc = std::min<ptrdiff_t>(kStep, k - pc);
        T* bp = scratchB.get<T>(((nc + NR - 1) / NR) * NR * kc);
        packB<T, NR>(b, pc, jc, kc, nc, bp);
        const bool first = pc == 0 && !subtract;
        for (ptrdiff_t ic = 0; ic < m; ic += Ops::MC) {
          const ptrdiff_t mc = std::min<ptrdiff_t>(Ops::MC, m - ic);
          if (form == AForm::Packed) {
            T* ap = scratchA.get<T>(((mc + MR - 1) / MR) * MR * kc);
            packA<T, MR>(a, ic, pc, mc, kc, ap, subtract ? T(-1) : T(1));
            sweep<AForm::Packed>(ap, 0, bp, c + ic * ldc + jc, ldc, mc, kc, nc, first, nullptr);
          } else {
            // A partial last tile read in place would read rows past A's: that one is packed.
            const ptrdiff_t lastRows = mc % MR;
            T* edge = lastRows ? scratchA.get<T>(MR * kc) : nullptr;
            if (lastRows) packA<T, MR>(a, ic + mc - lastRows, pc, lastRows, kc, edge, T(1));
            const T* a0 = a.data + ic * a.rs + pc * a.cs;
            if (form == AForm::Rows) sweep<AForm::Rows>(a0, a.rs, bp, c + ic * ldc + jc, ldc, mc, kc, nc, first, edge);
            else sweep<AForm::Columns>(a0, a.cs, bp, c + ic * ldc + jc, ldc, mc, kc, nc, first, edge);
          }
        }
      }
    }
  }

  /**
   * C block (mc×nc at c) (+)= A block · packed B block (kc deep): every micro-panel of B, and
   * for each, every MR rows of A (read as Form says; `edge`, if any, the packed partial last tile).
   */
  template <AForm Form>
  static void sweep(const T* a, ptrdiff_t step, const T* bp, T* c, ptrdiff_t ldc, ptrdiff_t mc, ptrdiff_t kc,
                    ptrdiff_t nc, bool first, const T* edge) {
    for (ptrdiff_t jr = 0; jr < nc; jr += NR) {
      const int cols = int(std::min<ptrdiff_t>(NR, nc - jr));
      const T* bpanel = bp + jr * kc;
      for (ptrdiff_t ir = 0; ir < mc; ir += MR) {
        const int rows = int(std::min<ptrdiff_t>(MR, mc - ir));
        T* ctile = c + ir * ldc + jr;
        if (Form == AForm::Packed) microKernel<Form>(kc, a + ir * kc, 0, bpanel, ctile, ldc, rows, cols, first);
        else if (rows < MR) microKernel<AForm::Packed>(kc, edge, 0, bpanel, ctile, ldc, rows, cols, first);
        else microKernel<Form>(kc, a + ir * (Form == AForm::Rows ? step : 1), step, bpanel, ctile, ldc, rows, cols, first);
      }
    }
  }
};

/**
 * One thread's share of C = A·B (columns [j0, j1)). A share at most one vector wide (a
 * classifier's 10 outputs) runs a one-vector micro-kernel (NR = W): the full-width one would
 * compute NV·W columns, most of them padding (32 for 10 in float32 with AVX-512).
 */
template <typename T, typename Ops>
void gemmShare(MatView<T> a, MatView<T> b, T* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, ptrdiff_t j0, ptrdiff_t j1) {
  if (Ops::NV > 1 && j1 - j0 <= Ops::W) Gemm<T, Ops, 1>::run(a, b, c, m, k, n, j0, j1);
  else Gemm<T, Ops>::run(a, b, c, m, k, n, j0, j1);
}

/**
 * Threads split C into blocks of a multiple of this many columns, or rows, so that blocks
 * meet on micro-panel edges for every instruction set (NR: 32, 16 or 8; MR: 8, 6 or 4).
 */
constexpr ptrdiff_t kThreadColumnAlign = 32, kThreadRowAlign = 24;

// One entry point per instruction set and dtype, each compiled in its own translation unit
// with that unit's -m flags (gemm_avx512.cc, gemm_avx2.cc, gemm_generic.cc).
using GemmF64 = void (*)(MatView<double>, MatView<double>, double*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
using GemmF32 = void (*)(MatView<float>, MatView<float>, float*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
/** C −= A·B (Gemm::update): a, b, c, ldc, m, k, j0, j1. */
using GemmUpdateF64 = void (*)(MatView<double>, MatView<double>, double*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);

void gemmF64Avx512(MatView<double>, MatView<double>, double*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
void gemmF32Avx512(MatView<float>, MatView<float>, float*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
void gemmF64Avx2(MatView<double>, MatView<double>, double*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
void gemmF32Avx2(MatView<float>, MatView<float>, float*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
void gemmF64Generic(MatView<double>, MatView<double>, double*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
void gemmF32Generic(MatView<float>, MatView<float>, float*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
void gemmUpdateF64Avx512(MatView<double>, MatView<double>, double*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
void gemmUpdateF64Avx2(MatView<double>, MatView<double>, double*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
void gemmUpdateF64Generic(MatView<double>, MatView<double>, double*, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);

}  // namespace nabla
