// Blocked Cholesky, LU with partial pivoting, triangular solves and Hager's condition estimate
// for the native backend: the C++ counterparts of src/backend/reference/linalg.ts, with the same
// contracts and the same blocked algorithms (the triangular solves recursive within a block,
// Cholesky with narrower blocks). The O(n³) updates call the backend's GEMM directly; what is
// left in scalar loops (diagonal blocks, narrow LU panels, small inverses) is O(n²·block).
#include "linalg.h"
#include "clones.h"
#include "napi_args.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace nabla {
namespace {

// The O(n²·block) loops (diagonal blocks, LU panels, substitutions) are compiled for AVX-512
// and AVX2 too, and the CPU's best is picked at load: this file is otherwise built for the
// baseline instruction set, where those loops run two lanes wide (NABLA_CLONES, clones.h).

ProductF64 product = nullptr;
UpdateF64 update = nullptr;

/** A row-major block: element (i, j) is p[i·ld + j]. */
struct Block {
  double* p;
  ptrdiff_t ld;
  double* row(ptrdiff_t i) const { return p + i * ld; }
  Block at(ptrdiff_t i, ptrdiff_t j) const { return {p + i * ld + j, ld}; }
  MatView<double> view() const { return {p, ld, 1}; }
  MatView<double> transposed() const { return {p, 1, ld}; }
};

/** Panel width for an n×n matrix: wider panels for large n make fewer, larger GEMMs. */
ptrdiff_t blockFor(ptrdiff_t n) { return n >= 512 ? 128 : n >= 128 ? 64 : 32; }
/** Diagonal blocks up to this size are factored by the scalar loop. */
constexpr ptrdiff_t kUnblocked = 32;
/** Triangular solves split recursively down to this many columns. */
constexpr ptrdiff_t kRecursionBase = 16;
/** Below this many multiply-adds a product stays in a plain loop (packing costs more). */
constexpr ptrdiff_t kSmallProduct = 32 * 32 * 32;

/**
 * x·y over n elements in eight partial sums: lane q sums the products at p ≡ q (mod 8), a
 * fixed-width inner loop the compiler turns into one AVX-512 vector (or two AVX2 ones) in the
 * cloned callers; separate scalar sums were left as a chain of dependent adds.
 */
inline double dot(const double* x, const double* y, ptrdiff_t n) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  ptrdiff_t p = 0;
  for (; p + 8 <= n; p += 8)
    for (int q = 0; q < 8; q++) s[q] += x[p + q] * y[p + q];
  for (; p < n; p++) s[0] += x[p] * y[p];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/** Scratch memory left uninitialised (zero-filling it would cost as much as the copies into it). */
using Buffer = std::unique_ptr<double[]>;
Buffer buffer(ptrdiff_t count) { return Buffer(new double[size_t(count)]); }

/** A contiguous copy of the m×n block. */
Buffer copyOf(Block x, ptrdiff_t m, ptrdiff_t n) {
  Buffer t = buffer(m * n);
  for (ptrdiff_t i = 0; i < m; i++) std::memcpy(t.get() + i * n, x.row(i), size_t(n) * sizeof(double));
  return t;
}

/** C[m×n] −= A[m×k]·B[k×n] (A and B strided views). */
NABLA_CLONES void gemmSubtract(Block c, MatView<double> a, MatView<double> b, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n) {
  if (m == 0 || n == 0 || k == 0) return;
  if (n == 1 && a.cs == 1) {
    // A matrix-vector product: one dot product per row.
    Buffer x = buffer(k);
    for (ptrdiff_t p = 0; p < k; p++) x[p] = b.data[p * b.rs];
    for (ptrdiff_t i = 0; i < m; i++) c.p[i * c.ld] -= dot(a.data + i * a.rs, x.get(), k);
    return;
  }
  if (m * n * k < kSmallProduct) {
    for (ptrdiff_t i = 0; i < m; i++) {
      double* ci = c.row(i);
      for (ptrdiff_t p = 0; p < k; p++) {
        const double aip = a.data[i * a.rs + p * a.cs];
        if (aip == 0) continue;
        const double* bp = b.data + p * b.rs;
        for (ptrdiff_t j = 0; j < n; j++) ci[j] -= aip * bp[j * b.cs];
      }
    }
    return;
  }
  update(a, b, c.p, c.ld, m, k, n);
}

/**
 * The inverse of the n×n lower triangle at l (unit diagonal when `unit`), contiguous, by rows:
 * row i = (eᵢ − Σ_{p<i} l_ip·row p) / l_ii, each term a vectorisable update of a row prefix.
 */
NABLA_CLONES std::vector<double> lowerInverse(Block l, ptrdiff_t n, bool unit) {
  std::vector<double> inv(size_t(n * n), 0.0);
  for (ptrdiff_t i = 0; i < n; i++) {
    double* ri = inv.data() + i * n;
    const double* li = l.row(i);
    for (ptrdiff_t p = 0; p < i; p++) {
      const double c = li[p];
      if (c == 0) continue;
      const double* rp = inv.data() + p * n;
      for (ptrdiff_t j = 0; j <= p; j++) ri[j] -= c * rp[j];
    }
    ri[i] = 1;
    if (!unit) {
      const double d = 1 / li[i];
      for (ptrdiff_t j = 0; j <= i; j++) ri[j] *= d;
    }
  }
  return inv;
}

/**
 * X ← L⁻¹X for the b×b lower block L (unit diagonal when `unit`) and the b×k block X,
 * recursively: the top half of X, a GEMM update of the bottom half, then the bottom half.
 * Half the multiply-adds of a product with L⁻¹, nearly all of them in the GEMM, and no copies.
 */
NABLA_CLONES void lowerSolve(Block l, Block x, ptrdiff_t b, ptrdiff_t k, bool unit) {
  if (b > kRecursionBase && b * b * k >= kSmallProduct) {
    const ptrdiff_t h = b / 2;
    lowerSolve(l, x, h, k, unit);
    gemmSubtract(x.at(h, 0), l.at(h, 0).view(), x.view(), b - h, h, k);
    lowerSolve(l.at(h, h), x.at(h, 0), b - h, k, unit);
    return;
  }
  for (ptrdiff_t i = 0; i < b; i++) {
    double* xi = x.row(i);
    for (ptrdiff_t p = 0; p < i; p++) {
      const double c = l.row(i)[p];
      if (c == 0) continue;
      const double* xp = x.row(p);
      for (ptrdiff_t j = 0; j < k; j++) xi[j] -= c * xp[j];
    }
    if (unit) continue;
    const double d = l.row(i)[i];
    for (ptrdiff_t j = 0; j < k; j++) xi[j] /= d;
  }
}

// ---- Cholesky ----------------------------------------------------------------------------

/** In-place lower Cholesky of the n×n block (upper triangle untouched); −1 or the failing pivot, its value left on the diagonal. */
NABLA_CLONES ptrdiff_t choleskyUnblocked(Block a, ptrdiff_t n) {
  for (ptrdiff_t j = 0; j < n; j++) {
    double* rj = a.row(j);
    const double d = rj[j] - dot(rj, rj, j);
    if (!(d > 0)) {
      rj[j] = d;
      return j;
    }
    const double ljj = std::sqrt(d);
    rj[j] = ljj;
    for (ptrdiff_t i = j + 1; i < n; i++) {
      double* ri = a.row(i);
      ri[j] = (ri[j] - dot(ri, rj, j)) / ljj;
    }
  }
  return -1;
}

/**
 * Blocked left-looking Cholesky (as the reference's choleskyInPlace): each block column gets
 * the update from the columns to its left in one GEMM, then its diagonal block is factored
 * (recursively, with narrower blocks) and the panel below is multiplied by that factor's
 * inverse transpose. Only the lower triangle is read; the upper one is left as scratch.
 */
ptrdiff_t choleskyBlocked(Block a, ptrdiff_t n) {
  if (n <= kUnblocked) return choleskyUnblocked(a, n);
  // Narrower than LU's panels: Cholesky's panel work (a 32-wide diagonal factor and its
  // inverse) is cheap, and narrow block columns waste less of the GEMM on the diagonal block's
  // upper half (measured in CPU time: 15% less at n = 128 and 256, even at 1024).
  const ptrdiff_t block = n >= 512 ? 64 : 32;
  for (ptrdiff_t k = 0; k < n; k += block) {
    const ptrdiff_t b = std::min(block, n - k);
    const Block column = a.at(k, k);
    // A[k:, k:k+b] −= L[k:, :k] · L[k:k+b, :k]ᵀ.
    if (k > 0) gemmSubtract(column, a.at(k, 0).view(), a.at(k, 0).transposed(), n - k, k, b);
    const ptrdiff_t failed = choleskyBlocked(column, b);
    if (failed >= 0) return k + failed;
    const ptrdiff_t rest = n - k - b;
    if (rest == 0) break;
    // L21 = A21 · L11⁻ᵀ.
    const std::vector<double> inv = lowerInverse(column, b, false);
    const Block panel = a.at(k + b, k);
    const Buffer copy = copyOf(panel, rest, b);
    Buffer out = buffer(rest * b);
    product({copy.get(), b, 1}, {inv.data(), 1, b}, out.get(), rest, b, b);
    for (ptrdiff_t i = 0; i < rest; i++) std::memcpy(panel.row(i), out.get() + i * b, size_t(b) * sizeof(double));
  }
  return -1;
}

/**
 * Cholesky of the symmetric part of the n×n matrix at src into out (which may be src itself;
 * its upper triangle is zeroed on success).
 */
NABLA_CLONES ptrdiff_t cholesky(const double* src, double* out, ptrdiff_t n) {
  const Block a{out, n};
  // The lower triangle of (A + Aᵀ)/2 (all the factorization reads), in 32×32 tiles: a column
  // walk over the whole matrix would miss the cache on every element. Only src's upper
  // triangle is read, so writing the lower one in place is safe.
  constexpr ptrdiff_t tile = 32;
  for (ptrdiff_t i0 = 0; i0 < n; i0 += tile)
    for (ptrdiff_t j0 = 0; j0 <= i0; j0 += tile)
      for (ptrdiff_t i = i0; i < std::min(n, i0 + tile); i++)
        for (ptrdiff_t j = j0; j <= std::min(i, j0 + tile - 1); j++) a.row(i)[j] = 0.5 * (src[i * n + j] + src[j * n + i]);
  const ptrdiff_t failed = choleskyBlocked(a, n);
  if (failed >= 0) return failed;
  for (ptrdiff_t i = 0; i < n; i++) std::fill(a.row(i) + i + 1, a.row(i) + n, 0.0);
  return -1;
}

// ---- LU with partial pivoting ------------------------------------------------------------

/** Columns below which the LU panel runs the scalar loop. */
constexpr ptrdiff_t kPanelBase = 16;

void swapRows(Block a, ptrdiff_t r1, ptrdiff_t r2, ptrdiff_t cols) {
  if (r1 != r2) std::swap_ranges(a.row(r1), a.row(r1) + cols, a.row(r2));
}

/**
 * Unblocked right-looking LU with partial pivoting of columns j0..j1 (rows j0..n), with the
 * reference's arithmetic. The panel is worked on as a column-major copy, so the pivot search,
 * the scaling and the updates all walk contiguous columns (in the row-major matrix each row
 * visited would be another cache line); the swaps reach the rest of the rows afterwards.
 */
NABLA_CLONES void luScalar(Block a, ptrdiff_t n, int32_t* pivots, ptrdiff_t j0, ptrdiff_t j1) {
  const ptrdiff_t w = j1 - j0, rows = n - j0;
  const Buffer panel = buffer(w * rows);
  double* cols = panel.get();
  for (ptrdiff_t i = 0; i < rows; i++)
    for (ptrdiff_t c = 0; c < w; c++) cols[c * rows + i] = a.row(j0 + i)[j0 + c];
  for (ptrdiff_t c = 0; c < w; c++) {
    double* v = cols + c * rows;
    // The first row of largest |v|: the maximum in four independent chains (a single chain
    // of compare-and-select is latency-bound), then the first row that attains it.
    double m[4] = {0, 0, 0, 0};
    ptrdiff_t i = c;
    for (; i + 4 <= rows; i += 4)
      for (int q = 0; q < 4; q++) m[q] = std::max(m[q], std::fabs(v[i + q]));
    for (; i < rows; i++) m[0] = std::max(m[0], std::fabs(v[i]));
    const double best = std::max(std::max(m[0], m[1]), std::max(m[2], m[3]));
    // No row attains it only when the column holds NaNs (an overflow, or a non-finite input
    // the caller rejects afterwards): keep the diagonal, as the reference does.
    ptrdiff_t p = c;
    while (p < rows && !(std::fabs(v[p]) == best)) p++;
    if (p == rows) p = c;
    pivots[j0 + c] = int32_t(j0 + p);
    if (p != c)
      for (ptrdiff_t d = 0; d < w; d++) std::swap(cols[d * rows + c], cols[d * rows + p]);
    const double pivot = v[c];
    if (pivot == 0) continue;
    for (ptrdiff_t i = c + 1; i < rows; i++) v[i] /= pivot;
    for (ptrdiff_t d = c + 1; d < w; d++) {
      double* u = cols + d * rows;
      const double ucd = u[c];
      if (ucd == 0) continue;
      for (ptrdiff_t i = c + 1; i < rows; i++) u[i] -= v[i] * ucd;
    }
  }
  for (ptrdiff_t i = 0; i < rows; i++)
    for (ptrdiff_t c = 0; c < w; c++) a.row(j0 + i)[j0 + c] = cols[c * rows + i];
  for (ptrdiff_t c = 0; c < w; c++) {
    const ptrdiff_t r1 = j0 + c, r2 = pivots[j0 + c];
    if (r1 == r2) continue;
    std::swap_ranges(a.row(r1), a.row(r1) + j0, a.row(r2));
    std::swap_ranges(a.row(r1) + j1, a.row(r1) + n, a.row(r2) + j1);
  }
}

/** Factors columns j0..j1 of rows j0..n recursively (Toledo 1997): left half, GEMM update, right half. */
void luPanel(Block a, ptrdiff_t n, int32_t* pivots, ptrdiff_t j0, ptrdiff_t j1) {
  const ptrdiff_t width = j1 - j0;
  if (width <= kPanelBase) {
    luScalar(a, n, pivots, j0, j1);
    return;
  }
  const ptrdiff_t h = width >> 1;
  luPanel(a, n, pivots, j0, j0 + h);
  const Block a12 = a.at(j0, j0 + h);
  lowerSolve(a.at(j0, j0), a12, h, width - h, true);
  gemmSubtract(a.at(j0 + h, j0 + h), a.at(j0 + h, j0).view(), a12.view(), n - j0 - h, h, width - h);
  luPanel(a, n, pivots, j0 + h, j1);
}

/** Blocked right-looking LU of the n×n matrix at src into out (as the reference's luInPlace; out may be src). */
void lu(const double* src, double* data, ptrdiff_t n, int32_t* pivots) {
  if (src != data) std::memcpy(data, src, size_t(n * n) * sizeof(double));
  const Block a{data, n};
  const ptrdiff_t block = blockFor(n);
  for (ptrdiff_t k = 0; k < n; k += block) {
    const ptrdiff_t b = std::min(block, n - k);
    luPanel(a, n, pivots, k, k + b);
    const ptrdiff_t rest = n - k - b;
    if (rest == 0) break;
    // U12 = L11⁻¹ A12, then A22 −= L21 · U12.
    const Block a12 = a.at(k, k + b);
    lowerSolve(a.at(k, k), a12, b, rest, true);
    gemmSubtract(a.at(k + b, k + b), a.at(k + b, k).view(), a12.view(), rest, b, rest);
  }
}

// ---- Triangular solves -------------------------------------------------------------------

/**
 * Solves L·X = X in place for the n×n lower triangle L (unit diagonal when `unit`; only the
 * strict lower triangle, and the diagonal unless `unit`, is read) and the n×k block X.
 */
void forwardSubstitute(Block l, ptrdiff_t n, bool unit, Block x, ptrdiff_t k) {
  const ptrdiff_t block = blockFor(n);
  for (ptrdiff_t s = 0; s < n; s += block) {
    const ptrdiff_t b = std::min(block, n - s);
    // X_s −= L[s, :s] · X[:s], then X_s = L_ss⁻¹ · X_s.
    gemmSubtract(x.at(s, 0), l.at(s, 0).view(), x.view(), b, s, k);
    lowerSolve(l.at(s, s), x.at(s, 0), b, k, unit);
  }
}

/** X ← U⁻¹X for the b×b upper block U and the b×k block X, recursively (bottom half first). */
NABLA_CLONES void upperSolve(Block u, Block x, ptrdiff_t b, ptrdiff_t k) {
  if (b > kRecursionBase && b * b * k >= kSmallProduct) {
    const ptrdiff_t h = b / 2;
    upperSolve(u.at(h, h), x.at(h, 0), b - h, k);
    gemmSubtract(x, u.at(0, h).view(), x.at(h, 0).view(), h, b - h, k);
    upperSolve(u, x, h, k);
    return;
  }
  for (ptrdiff_t i = b - 1; i >= 0; i--) {
    double* xi = x.row(i);
    for (ptrdiff_t p = i + 1; p < b; p++) {
      const double c = u.row(i)[p];
      if (c == 0) continue;
      const double* xp = x.row(p);
      for (ptrdiff_t j = 0; j < k; j++) xi[j] -= c * xp[j];
    }
    const double d = u.row(i)[i];
    for (ptrdiff_t j = 0; j < k; j++) xi[j] /= d;
  }
}

/** Solves U·X = X in place for the n×n upper triangle U (only it is read) and the n×k block X, by block rows from the bottom. */
void backSubstitute(Block u, ptrdiff_t n, Block x, ptrdiff_t k) {
  const ptrdiff_t block = blockFor(n);
  for (ptrdiff_t end = n; end > 0; end -= block) {
    const ptrdiff_t s = std::max<ptrdiff_t>(0, end - block), b = end - s;
    // X_s −= U[s, end:] · X[end:], then X_s = U_ss⁻¹ · X_s.
    gemmSubtract(x.at(s, 0), u.at(s, end).view(), x.at(end, 0).view(), b, n - end, k);
    upperSolve(u.at(s, s), x.at(s, 0), b, k);
  }
}

/**
 * Solves op(T)·X = B in place in B (n×k), T the n×n triangle at t. T lower, or upper with its
 * own diagonal (LU's U), is read in place; any other op(T) is first copied as a lower triangle
 * (an upper one with rows and columns reversed, B's rows reversed to match).
 */
void triangularSolve(const double* t, ptrdiff_t n, double* b, ptrdiff_t k, bool lower, bool transpose, bool unit) {
  // The substitutions only read their triangle.
  if (lower && !transpose) {
    forwardSubstitute({const_cast<double*>(t), n}, n, unit, {b, k}, k);
    return;
  }
  if (!lower && !transpose && !unit) {
    backSubstitute({const_cast<double*>(t), n}, n, {b, k}, k);
    return;
  }
  const bool effLower = lower != transpose;
  // Only m's lower triangle is written, and only it is read.
  const Buffer m = buffer(n * n);
  for (ptrdiff_t i = 0; i < n; i++) {
    const ptrdiff_t r = effLower ? i : n - 1 - i;
    for (ptrdiff_t j = 0; j <= i; j++) {
      const ptrdiff_t c = effLower ? j : n - 1 - j;
      m[i * n + j] = transpose ? t[c * n + r] : t[r * n + c];
    }
  }
  if (effLower) {
    forwardSubstitute({m.get(), n}, n, unit, {b, k}, k);
    return;
  }
  Buffer x = buffer(n * k);
  for (ptrdiff_t i = 0; i < n; i++) std::memcpy(x.get() + i * k, b + (n - 1 - i) * k, size_t(k) * sizeof(double));
  forwardSubstitute({m.get(), n}, n, unit, {x.get(), k}, k);
  for (ptrdiff_t i = 0; i < n; i++) std::memcpy(b + (n - 1 - i) * k, x.get() + i * k, size_t(k) * sizeof(double));
}

NABLA_CLONES void luApply(const double* lu, ptrdiff_t n, const int32_t* pivots, double* x, bool transpose);

/** Solves A·X = B in place in B (n×k) from the LU factors and pivots of luF64. */
void luSolve(const double* factors, ptrdiff_t n, const int32_t* pivots, double* b, ptrdiff_t k) {
  if (k == 1) {
    // One right-hand side: substitution along the factors' rows, with no copy of a triangle.
    luApply(factors, n, pivots, b, false);
    return;
  }
  const Block x{b, k};
  for (ptrdiff_t i = 0; i < n; i++) swapRows(x, i, pivots[i], k);
  triangularSolve(factors, n, b, k, true, false, true);
  triangularSolve(factors, n, b, k, false, false, false);
}

/**
 * A⁻¹ into x (n×n) from the LU factors: PA = LU, so A⁻¹ = U⁻¹L⁻¹P. L⁻¹ by forward substitution
 * on the identity's block columns, each starting at its diagonal block (the rows above stay
 * zero), then U⁻¹ by back substitution, then P's column swaps: 4n³/3 flops after the LU
 * where a solve against a materialised identity takes 2n³ (LAPACK's getri does the same work).
 */
void luInverse(const double* factors, ptrdiff_t n, const int32_t* pivots, double* x) {
  const Block f{const_cast<double*>(factors), n}, out{x, n};
  for (ptrdiff_t i = 0; i < n; i++) {
    std::fill(out.row(i), out.row(i) + n, 0.0);
    out.row(i)[i] = 1;
  }
  const ptrdiff_t block = blockFor(n);
  for (ptrdiff_t s = 0; s < n; s += block) forwardSubstitute(f.at(s, s), n - s, true, out.at(s, s), std::min(block, n - s));
  backSubstitute(f, n, out, n);
  // X·P = X·S₍ₙ₋₁₎···S₀ (Sᵢ swaps columns i and pivots[i]) as one gather per row.
  std::vector<ptrdiff_t> from(size_t(n), 0);
  for (ptrdiff_t j = 0; j < n; j++) from[size_t(j)] = j;
  for (ptrdiff_t i = n - 1; i >= 0; i--) std::swap(from[size_t(i)], from[size_t(pivots[i])]);
  const Buffer row = buffer(n);
  for (ptrdiff_t i = 0; i < n; i++) {
    double* xi = out.row(i);
    for (ptrdiff_t j = 0; j < n; j++) row[j] = xi[from[size_t(j)]];
    std::memcpy(xi, row.get(), size_t(n) * sizeof(double));
  }
}

// ---- Condition estimate ------------------------------------------------------------------

/** x ← A⁻¹x (or A⁻ᵀx) for one vector from the LU factors, by substitution along rows of the factors. */
NABLA_CLONES void luApply(const double* lu, ptrdiff_t n, const int32_t* pivots, double* x, bool transpose) {
  if (!transpose) {
    for (ptrdiff_t i = 0; i < n; i++) std::swap(x[i], x[pivots[i]]);
    for (ptrdiff_t i = 0; i < n; i++) x[i] -= dot(lu + i * n, x, i);
    for (ptrdiff_t i = n - 1; i >= 0; i--) x[i] = (x[i] - dot(lu + i * n + i + 1, x + i + 1, n - i - 1)) / lu[i * n + i];
    return;
  }
  // Aᵀ = Uᵀ Lᵀ P: Uᵀ forwards, then Lᵀ backwards, as updates by rows of U and L; then undo the swaps.
  for (ptrdiff_t j = 0; j < n; j++) {
    const double* r = lu + j * n;
    const double xj = (x[j] /= r[j]);
    for (ptrdiff_t i = j + 1; i < n; i++) x[i] -= r[i] * xj;
  }
  for (ptrdiff_t j = n - 1; j >= 0; j--) {
    const double* r = lu + j * n;
    const double xj = x[j];
    for (ptrdiff_t i = 0; i < j; i++) x[i] -= r[i] * xj;
  }
  for (ptrdiff_t i = n - 1; i >= 0; i--) std::swap(x[i], x[pivots[i]]);
}

/** The largest of n non-negative values, NaN if any is NaN (std::max would drop it). */
double largestOf(const double* v, ptrdiff_t n) {
  double largest = 0;
  for (ptrdiff_t i = 0; i < n; i++)
    if (v[i] > largest || v[i] != v[i]) largest = v[i];
  return largest;
}

/** ‖A‖₁, the largest column sum of |A|. */
NABLA_CLONES double oneNorm(const double* a, ptrdiff_t n) {
  std::vector<double> sums(static_cast<size_t>(n), 0.0);
  for (ptrdiff_t i = 0; i < n; i++)
    for (ptrdiff_t j = 0; j < n; j++) sums[j] += std::fabs(a[i * n + j]);
  return largestOf(sums.data(), n);
}

/**
 * The 1-norm condition estimate ‖A‖₁·‖A⁻¹‖₁ by Hager's method, as the reference's
 * conditionEstimate (same iteration, same tie-breaking); Infinity when a pivot is zero.
 */
double conditionEstimate(const double* a, const double* lu, ptrdiff_t n, const int32_t* pivots) {
  const double norm = oneNorm(a, n);
  for (ptrdiff_t i = 0; i < n; i++)
    if (lu[i * n + i] == 0) return HUGE_VAL;
  std::vector<double> x(static_cast<size_t>(n), 1.0 / double(n)), y(x), z(x);
  double estimate = 0;
  for (int iter = 0; iter < 5; iter++) {
    y = x;
    luApply(lu, n, pivots, y.data(), false);
    estimate = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
      estimate += std::fabs(y[i]);
      z[i] = y[i] >= 0 ? 1 : -1;
    }
    luApply(lu, n, pivots, z.data(), true);
    ptrdiff_t j = 0;
    double zx = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
      if (std::fabs(z[i]) > std::fabs(z[j])) j = i;
      zx += z[i] * x[i];
    }
    if (std::fabs(z[j]) <= zx) break;
    std::fill(x.begin(), x.end(), 0.0);
    x[j] = 1;
  }
  return norm * estimate;
}

/** The upper bound on κ₁(A) of the reference's conditionBound (comparison matrices), same order of operations. */
NABLA_CLONES double conditionBound(const double* a, const double* lu, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; i++)
    if (lu[i * n + i] == 0) return HUGE_VAL;
  std::vector<double> y(size_t(n), 1.0);
  for (ptrdiff_t j = 0; j < n; j++) {
    const double* r = lu + j * n;
    const double yj = (y[j] /= std::fabs(r[j]));
    for (ptrdiff_t i = j + 1; i < n; i++) y[i] += std::fabs(r[i]) * yj;
  }
  for (ptrdiff_t j = n - 1; j >= 0; j--) {
    const double* r = lu + j * n;
    const double yj = y[j];
    for (ptrdiff_t i = 0; i < j; i++) y[i] += std::fabs(r[i]) * yj;
  }
  return oneNorm(a, n) * largestOf(y.data(), n);
}

// ---- N-API wrappers (offsets count elements; a failed check throws and returns nullptr) ----

bool validPivots(napi_env env, const int32_t* pivots, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    if (pivots[i] < 0 || pivots[i] >= n) {
      napi_throw_range_error(env, nullptr, "nabla native linalg: a pivot index is out of range");
      return false;
    }
  }
  return true;
}

// choleskyF64(a, offset, out, outOffset, n): the lower Cholesky factor of the symmetric part of
// the n×n matrix at a[offset..], written to out[outOffset..] (out may be a, at the same offset);
// returns −1, or the failing pivot (its value on the diagonal).
napi_value CholeskyF64(napi_env env, napi_callback_info info) {
  napi_value args[5];
  double *a, *out;
  int64_t n;
  if (!getArgs(env, info, args) || !integers(env, {{args[4], &n}}) || !slice(env, args[0], napi_float64_array, args[1], n * n, &a) ||
      !slice(env, args[2], napi_float64_array, args[3], n * n, &out))
    return nullptr;
  napi_value result;
  napi_create_int64(env, cholesky(a, out, n), &result);
  return result;
}

// luF64(a, offset, out, outOffset, n, pivots, pivotOffset): LU with partial pivoting of the n×n
// matrix at a[offset..], written to out[outOffset..] (out may be a, at the same offset);
// pivots[i] is the row swapped with row i.
napi_value LuF64(napi_env env, napi_callback_info info) {
  napi_value args[7];
  double *a, *out;
  int32_t* pivots;
  int64_t n;
  if (!getArgs(env, info, args) || !integers(env, {{args[4], &n}}) || !slice(env, args[0], napi_float64_array, args[1], n * n, &a) ||
      !slice(env, args[2], napi_float64_array, args[3], n * n, &out) || !slice(env, args[5], napi_int32_array, args[6], n, &pivots))
    return nullptr;
  lu(a, out, n, pivots);
  return nullptr;
}

// luInverseF64(lu, offset, n, pivots, pivotOffset, out, outOffset): A⁻¹ (n×n) into out from the
// factors and pivots of luF64.
napi_value LuInverseF64(napi_env env, napi_callback_info info) {
  napi_value args[7];
  double *f, *out;
  int32_t* pivots;
  int64_t n;
  if (!getArgs(env, info, args) || !integers(env, {{args[2], &n}}) || !slice(env, args[0], napi_float64_array, args[1], n * n, &f) ||
      !slice(env, args[3], napi_int32_array, args[4], n, &pivots) || !slice(env, args[5], napi_float64_array, args[6], n * n, &out) ||
      !validPivots(env, pivots, n))
    return nullptr;
  luInverse(f, n, pivots, out);
  return nullptr;
}

// luSolveF64(lu, offset, n, pivots, pivotOffset, b, bOffset, k): solves A·X = B in place in B (n×k).
napi_value LuSolveF64(napi_env env, napi_callback_info info) {
  napi_value args[8];
  double *f, *b;
  int32_t* pivots;
  int64_t n, k;
  if (!getArgs(env, info, args) || !integers(env, {{args[2], &n}, {args[7], &k}}) ||
      !slice(env, args[0], napi_float64_array, args[1], n * n, &f) || !slice(env, args[3], napi_int32_array, args[4], n, &pivots) ||
      !slice(env, args[5], napi_float64_array, args[6], n * k, &b) || !validPivots(env, pivots, n))
    return nullptr;
  luSolve(f, n, pivots, b, k);
  return nullptr;
}

// conditionEstimateF64(a, aOffset, lu, luOffset, n, pivots, pivotOffset): the estimated 1-norm
// condition number of the n×n matrix at a from its LU factors.
napi_value ConditionEstimateF64(napi_env env, napi_callback_info info) {
  napi_value args[7];
  double *a, *f;
  int32_t* pivots;
  int64_t n;
  if (!getArgs(env, info, args) || !integers(env, {{args[4], &n}}) || !slice(env, args[0], napi_float64_array, args[1], n * n, &a) ||
      !slice(env, args[2], napi_float64_array, args[3], n * n, &f) || !slice(env, args[5], napi_int32_array, args[6], n, &pivots) ||
      !validPivots(env, pivots, n))
    return nullptr;
  napi_value result;
  napi_create_double(env, conditionEstimate(a, f, n, pivots), &result);
  return result;
}

// conditionBoundF64(a, aOffset, lu, luOffset, n): an upper bound on the 1-norm condition number
// of the n×n matrix at a from its LU factors.
napi_value ConditionBoundF64(napi_env env, napi_callback_info info) {
  napi_value args[5];
  double *a, *f;
  int64_t n;
  if (!getArgs(env, info, args) || !integers(env, {{args[4], &n}}) || !slice(env, args[0], napi_float64_array, args[1], n * n, &a) ||
      !slice(env, args[2], napi_float64_array, args[3], n * n, &f))
    return nullptr;
  napi_value result;
  napi_create_double(env, conditionBound(a, f, n), &result);
  return result;
}

// triangularSolveF64(t, offset, n, b, bOffset, k, lower, transpose, unit): solves op(T)·X = B in
// place in B (n×k).
napi_value TriangularSolveF64(napi_env env, napi_callback_info info) {
  napi_value args[9];
  double *t, *b;
  int64_t n, k;
  bool flags[3];
  if (!getArgs(env, info, args) || !integers(env, {{args[2], &n}, {args[5], &k}}) ||
      !slice(env, args[0], napi_float64_array, args[1], n * n, &t) || !slice(env, args[3], napi_float64_array, args[4], n * k, &b))
    return nullptr;
  for (int i = 0; i < 3; i++) {
    if (napi_get_value_bool(env, args[6 + i], &flags[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "nabla native linalg: expected a boolean");
      return nullptr;
    }
  }
  triangularSolve(t, n, b, k, flags[0], flags[1], flags[2]);
  return nullptr;
}

}  // namespace

void defineLinalg(napi_env env, napi_value exports, ProductF64 gemm, UpdateF64 gemmUpdate) {
  product = gemm;
  update = gemmUpdate;
  defineMethods(env, exports, {
      {"choleskyF64", CholeskyF64},
      {"luF64", LuF64},
      {"luSolveF64", LuSolveF64},
      {"luInverseF64", LuInverseF64},
      {"triangularSolveF64", TriangularSolveF64},
      {"conditionEstimateF64", ConditionEstimateF64},
      {"conditionBoundF64", ConditionBoundF64},
  });
}

}  // namespace nabla
