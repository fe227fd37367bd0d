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
// lanes) MR=12, NR=2W keeps 24 accumulators + 2 B vectors + 1 broadcast live: enough
// independent FMAs to cover their latency on two pipes, and 12 FMAs per loaded B vector.
//
// Packing copies each block once into contiguous, zero-padded panels in the order the
// micro-kernel reads them, so the kernel's loads are unit-stride and edge tiles need no
// special case inside the loop (only when writing C back).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

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
 * The GEMM reads A in place rather than packing it (see Gemm::run) when A takes at most this
 * many bytes and C at most this many column panels (each panel rereads A).
 */
constexpr size_t kDirectABytes = 128 << 10;
constexpr ptrdiff_t kDirectAPanels = 2;

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
   * over kc. The A panel is packed (MR values of column p adjacent), or with Direct, A itself:
   * row r at ap + r·ars, its columns adjacent; rows past `rows` reread the last row, whose
   * products the edge store drops.
   */
  template <bool Direct>
  static inline void microKernel(ptrdiff_t kc, const T* ap, ptrdiff_t ars, const T* bp, T* c, ptrdiff_t ldc,
                                 int rows, int cols, bool first) {
    // The loops over r and v have constant bounds and are fully unrolled, so that acc[][] and
    // b[] become named registers rather than memory.
    V acc[MR][NV];
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] = Ops::zero();
    // kc ≥ 1 always; a do-while says so, which lets GCC keep acc in registers across the loop.
    do {
      V b[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) b[v] = Ops::load(bp + v * W);
#pragma GCC unroll 16
      for (int r = 0; r < MR; r++) {
        const V a = Ops::broadcast(ap + (Direct ? std::min(r, rows - 1) * ars : r));
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) acc[r][v] = Ops::fma(a, b[v], acc[r][v]);
      }
      ap += Direct ? 1 : MR;
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
   * C = A·B over rows [0, m) and columns [j0, j1) of C (row stride n): one thread's share. A
   * small A with contiguous rows, multiplied by a narrow B, is read in place, not packed: packing
   * it cost as much as the products of a 128×128·128×10 matmul, and its rows stay in cache anyway.
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
  static void multiply(MatView<T> a, MatView<T> b, T* c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t k,
                       ptrdiff_t j0, ptrdiff_t j1, bool subtract) {
    thread_local Scratch scratchA, scratchB;
    const bool direct = !subtract && a.cs == 1 && size_t(m * k) * sizeof(T) <= kDirectABytes && j1 - j0 <= kDirectAPanels * NR;
    for (ptrdiff_t jc = j0; jc < j1; jc += Ops::NC) {
      const ptrdiff_t nc = std::min<ptrdiff_t>(Ops::NC, j1 - jc);
      for (ptrdiff_t pc = 0; pc < k; pc += Ops::KC) {
        const ptrdiff_t kc = std::min<ptrdiff_t>(Ops::KC, k - pc);
        T* bp = scratchB.get<T>(((nc + NR - 1) / NR) * NR * kc);
        packB<T, NR>(b, pc, jc, kc, nc, bp);
        for (ptrdiff_t ic = 0; ic < m; ic += Ops::MC) {
          const ptrdiff_t mc = std::min<ptrdiff_t>(Ops::MC, m - ic);
          T* ap = direct ? nullptr : scratchA.get<T>(((mc + MR - 1) / MR) * MR * kc);
          if (!direct) packA<T, MR>(a, ic, pc, mc, kc, ap, subtract ? T(-1) : T(1));
          for (ptrdiff_t jr = 0; jr < nc; jr += NR) {
            const int cols = int(std::min<ptrdiff_t>(NR, nc - jr));
            const T* bpanel = bp + jr * kc;
            for (ptrdiff_t ir = 0; ir < mc; ir += MR) {
              const int rows = int(std::min<ptrdiff_t>(MR, mc - ir));
              T* ctile = c + (ic + ir) * ldc + jc + jr;
              const bool first = pc == 0 && !subtract;
              if (direct) microKernel<true>(kc, a.data + (ic + ir) * a.rs + pc, a.rs, bpanel, ctile, ldc, rows, cols, first);
              else microKernel<false>(kc, ap + ir * kc, 0, bpanel, ctile, ldc, rows, cols, first);
            }
          }
        }
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

/** Column blocks per thread are rounded to this many columns so threads split on panel edges. */
constexpr ptrdiff_t kThreadColumnAlign = 64;

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
