// The symmetric eigensolver and the SVD of the native backend, with the output conventions of
// src/backend/reference/linalg-kernels.ts (eigenvalues ascending, eigenvectors as columns;
// reduced SVD, singular values descending).
//
// eigh: Householder reduction of the symmetric part to tridiagonal T = QᵀAQ (the trailing
// block's upper triangle updated row by row, one step's rank-2 update in the same pass as the
// next step's symmetric product), Qᵀ accumulated from the reflectors (blocks of 32 through the GEMM), then implicit QL
// with Wilkinson-style shifts (EISPACK's tql2, as the reference's) whose rotations combine two
// contiguous rows of Qᵀ.
// svd: the tall orientation T (A, or Aᵀ for a wide A) is bidiagonalised, T = Q·B·Pᵀ, working on
// Tᵀ so that both reflectors' updates run along rows; then implicit-shift QR on the bidiagonal
// B (Golub–Kahan steps with LAPACK dbdsqr's shift, zero diagonal entries chased out of the
// block), rotating rows of Qᵀ and Pᵀ. Without vectors both stop at O(n²) after the reduction.
// Each QR sweep's rotations are recorded as a chain; many chains are applied together, a block
// of columns of the basis at a time (Rows, applyChains).
//
// The vector loops (dot, axpy, rotations) are compiled for AVX-512, AVX2 and baseline x86-64
// and picked at load (target_clones); elsewhere they compile once for the target.
#include "linalg_eig.h"
#include "clones.h"
#include "napi_args.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

namespace nabla {
namespace {

ProductF64 product = nullptr;


constexpr double kEps = std::numeric_limits<double>::epsilon();

// ---- Vector loops ---------------------------------------------------------------------------

/** x·y over n elements; eight partial sums, which the compiler keeps in vector registers. */
NABLA_CLONES double dot(const double* __restrict x, const double* __restrict y, ptrdiff_t n) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  ptrdiff_t p = 0;
  for (; p + 8 <= n; p += 8)
    for (int r = 0; r < 8; r++) s[r] += x[p + r] * y[p + r];
  double t = 0;
  for (; p < n; p++) t += x[p] * y[p];
  return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])) + t;
}

/** y += a·x. */
NABLA_CLONES void axpy(double a, const double* __restrict x, double* __restrict y, ptrdiff_t n) {
  for (ptrdiff_t p = 0; p < n; p++) y[p] += a * x[p];
}

/** y −= a·x + b·z: one row of a symmetric rank-2 update. */
NABLA_CLONES void subtractRank2(double a, const double* __restrict x, double b, const double* __restrict z, double* __restrict y, ptrdiff_t n) {
  for (ptrdiff_t p = 0; p < n; p++) y[p] -= a * x[p] + b * z[p];
}

/** (x, y) ← (c·x + s·y, c·y − s·x): a plane rotation of two rows. */
NABLA_CLONES void rotate(double* __restrict x, double* __restrict y, ptrdiff_t n, double c, double s) {
  for (ptrdiff_t p = 0; p < n; p++) {
    const double a = x[p], b = y[p];
    x[p] = c * a + s * b;
    y[p] = c * b - s * a;
  }
}

/** GCC's generic vector of 8 doubles: one AVX-512 register, two AVX2 ones, four SSE2 ones. */
typedef double Vec8 __attribute__((vector_size(64)));

/**
 * rotationChain on the columns p.. p+8K of its rows from `row`: K vectors of the row rotated
 * next are carried in registers (K independent dependency chains, enough to hide the latency
 * of the multiply-adds when K = 8).
 */
template <int K>
__attribute__((always_inline)) inline void chainColumns(double* row, ptrdiff_t stride, ptrdiff_t count, const double* c, const double* s) {
  constexpr ptrdiff_t W = sizeof(Vec8) / sizeof(double);
  Vec8 carry[K];
  for (int k = 0; k < K; k++) std::memcpy(&carry[k], row + k * W, sizeof(Vec8));
  for (ptrdiff_t j = 0; j < count; j++) {
    double* next = row + stride;
    const double cj = c[j], sj = s[j];
    for (int k = 0; k < K; k++) {
      Vec8 x;
      std::memcpy(&x, next + k * W, sizeof(Vec8));
      const Vec8 fixed = cj * carry[k] + sj * x;
      std::memcpy(row + k * W, &fixed, sizeof(Vec8));
      carry[k] = cj * x - sj * carry[k];
    }
    row = next;
  }
  for (int k = 0; k < K; k++) std::memcpy(row + k * W, &carry[k], sizeof(Vec8));
}

/**
 * A chain of rotations of rows r_j = first + j·dir, j = 0..count: the j-th sets
 * r_j ← c_j·r_j + s_j·r_{j+1} and r_{j+1} ← c_j·r_{j+1} − s_j·r_j, in order (a QR sweep's
 * rotations), with c_j and s_j at coefficients[offset + j] and [offset + count + j].
 */
struct Chain {
  ptrdiff_t first, dir, count, offset;
};

/**
 * Applies the chains in order to the rows of a (row length len), a block of columns at a time:
 * chains act on each column alone, so all of them run over one block of columns, which stays in
 * cache (128 columns of every row: 1 KB a row), before the next block; within a chain the row
 * rotated next is carried in vector registers, so each row is loaded and stored once per chain.
 */
NABLA_CLONES void applyChains(double* a, ptrdiff_t len, const Chain* chains, size_t count, const double* coefficients) {
  // 128 columns a block (16 vectors in flight: 5–10% faster than 8 with AVX-512), then narrower
  // blocks for the rest, so that few columns take the latency-bound narrow paths. (Plain loops:
  // a lambda here would be compiled for the baseline target, not this clone's.)
  ptrdiff_t p = 0;
  for (; p + 128 <= len; p += 128)
    for (const Chain* ch = chains; ch != chains + count; ch++)
      chainColumns<16>(a + ch->first * len + p, ch->dir * len, ch->count, coefficients + ch->offset, coefficients + ch->offset + ch->count);
  for (; p + 32 <= len; p += 32)
    for (const Chain* ch = chains; ch != chains + count; ch++)
      chainColumns<4>(a + ch->first * len + p, ch->dir * len, ch->count, coefficients + ch->offset, coefficients + ch->offset + ch->count);
  for (; p + 8 <= len; p += 8)
    for (const Chain* ch = chains; ch != chains + count; ch++)
      chainColumns<1>(a + ch->first * len + p, ch->dir * len, ch->count, coefficients + ch->offset, coefficients + ch->offset + ch->count);
  for (; p < len; p++) {
    for (const Chain* ch = chains; ch != chains + count; ch++) {
      const double* c = coefficients + ch->offset;
      const double* s = c + ch->count;
      const ptrdiff_t stride = ch->dir * len;
      double* row = a + ch->first * len + p;
      double carry = *row;
      for (ptrdiff_t j = 0; j < ch->count; j++, row += stride) {
        const double x = row[stride];
        *row = c[j] * carry + s[j] * x;
        carry = c[j] * x - s[j] * carry;
      }
      *row = carry;
    }
  }
}

/** √(a² + b²), without std::hypot's cost where the squares can neither overflow nor underflow. */
inline double norm2(double a, double b) {
  const double s = a * a + b * b;
  return s > 1e-290 && s < 1e290 ? std::sqrt(s) : std::hypot(a, b);
}

/**
 * Rows of a matrix (row stride `len`) that rotations act on, or none (a null `p`). Each sweep's
 * rotations are recorded as a chain and applied later by applyChains, many chains per pass over
 * the matrix, so that a large basis (8 MB at n = 1024) is not streamed through memory once per
 * sweep. flush() applies what is recorded; single rotations (rare) flush first.
 */
class Rows {
 public:
  Rows(double* p, ptrdiff_t len) : p_(p), len_(len) {}
  bool active() const { return p_ != nullptr; }

  /** Records a chain of `count` rotations (see Chain) with coefficients c[0..count), s[0..count). */
  void chain(ptrdiff_t first, ptrdiff_t dir, ptrdiff_t count, const double* c, const double* s) {
    if (!p_ || count <= 0) return;
    chains_.push_back({first, dir, count, ptrdiff_t(coefficients_.size())});
    coefficients_.insert(coefficients_.end(), c, c + count);
    coefficients_.insert(coefficients_.end(), s, s + count);
    if (coefficients_.size() >= kRecorded) flush();
  }

  /** Rows i and j ← (c·rᵢ + s·rⱼ, c·rⱼ − s·rᵢ), after the recorded chains. */
  void rotate(ptrdiff_t i, ptrdiff_t j, double c, double s) {
    if (!p_) return;
    flush();
    nabla::rotate(p_ + i * len_, p_ + j * len_, len_, c, s);
  }

  void flush() {
    if (!chains_.empty()) applyChains(p_, len_, chains_.data(), chains_.size(), coefficients_.data());
    chains_.clear();
    coefficients_.clear();
  }

 private:
  /** Coefficients recorded before a flush: 128 KB, which stay in cache beside a block of columns. */
  static constexpr size_t kRecorded = size_t(1) << 14;
  double* p_;
  ptrdiff_t len_;
  std::vector<Chain> chains_;
  std::vector<double> coefficients_;
};

// ---- Householder reflectors -----------------------------------------------------------------

/**
 * The reflector H = I − τ·v·vᵀ with H·x = β·e₀ for x[0..n) (LAPACK's dlarfg): x[1..] becomes
 * v[1..] (v[0] = 1 is implied), β goes to *beta and τ is returned (0 when x[1..] = 0: H = I).
 * The norm is taken of x / max|xᵢ|, so it cannot overflow.
 */
double householder(double* x, ptrdiff_t n, double* beta) {
  const double alpha = x[0];
  double scale = 0;
  for (ptrdiff_t i = 1; i < n; i++) scale = std::max(scale, std::fabs(x[i]));
  *beta = alpha;
  // Below the smallest normal number x[1..] counts as zero: 1/scale would overflow (and
  // subnormal arithmetic is slow); what is dropped is under 2⁻¹⁰²² in a matrix scaled near 1.
  if (!(scale >= std::numeric_limits<double>::min())) return 0;
  scale = std::max(scale, std::fabs(alpha));
  const double inv = 1 / scale;
  double ss = (alpha * inv) * (alpha * inv);
  for (ptrdiff_t i = 1; i < n; i++) ss += (x[i] * inv) * (x[i] * inv);
  const double norm = scale * std::sqrt(ss);
  const double b = alpha >= 0 ? -norm : norm;
  const double f = 1 / (alpha - b);
  for (ptrdiff_t i = 1; i < n; i++) x[i] *= f;
  *beta = b;
  return (b - alpha) / b;
}

/** y ← y·H for rows r0..r1 of a (row stride ld), columns c0..c0+L: one dot and one axpy per row. */
void reflectRows(double* a, ptrdiff_t ld, ptrdiff_t r0, ptrdiff_t r1, ptrdiff_t c0, const double* v, ptrdiff_t L, double tau) {
  if (tau == 0) return;
  for (ptrdiff_t r = r0; r < r1; r++) {
    double* y = a + r * ld + c0;
    axpy(-tau * dot(y, v, L), v, y, L);
  }
}

/** Reflectors per compact-WY block of accumulateReflectors. */
constexpr ptrdiff_t kReflectorBlock = 32;

/**
 * Y ← Y·H_{k0+b−1}⋯H_{k0} for Y = out[c0.., c0..] (row stride cols), c0 = k0 + shift, as
 * Y −= (Y·V)·Tᵀ·Vᵀ with the compact WY form H_{k0}⋯H_{k0+b−1} = I − V·T·Vᵀ (LAPACK's dlarft:
 * V's column j is reflector k0+j from row j, T upper triangular): three GEMMs.
 */
template <typename Vector>
void reflectBlock(double* out, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t k0, ptrdiff_t b, ptrdiff_t shift, Vector vector, const double* tau) {
  const ptrdiff_t c0 = k0 + shift, L = cols - c0, R = rows - c0;
  std::vector<double> v(static_cast<size_t>(L * b), 0.0), t(static_cast<size_t>(b * b), 0.0), z(static_cast<size_t>(b));
  for (ptrdiff_t j = 0; j < b; j++) {
    const double* vj = vector(k0 + j);
    for (ptrdiff_t i = 0; i < L - j; i++) v[(j + i) * b + j] = vj[i];
  }
  // T's column j: τⱼ on the diagonal, −τⱼ·T[:j, :j]·(V[:, :j]ᵀ·vⱼ) above it.
  for (ptrdiff_t j = 0; j < b; j++) {
    std::fill(z.begin(), z.begin() + j, 0.0);
    for (ptrdiff_t p = j; p < L; p++) axpy(v[p * b + j], v.data() + p * b, z.data(), j);
    for (ptrdiff_t i = 0; i < j; i++) t[i * b + j] = -tau[k0 + j] * dot(t.data() + i * b + i, z.data() + i, j - i);
    t[j * b + j] = tau[k0 + j];
  }
  std::vector<double> w(static_cast<size_t>(R * b)), wt(static_cast<size_t>(R * b)), update(static_cast<size_t>(R * L));
  double* y = out + c0 * cols + c0;
  product({y, cols, 1}, {v.data(), b, 1}, w.data(), R, L, b);
  product({w.data(), b, 1}, {t.data(), 1, b}, wt.data(), R, b, b);
  product({wt.data(), b, 1}, {v.data(), 1, b}, update.data(), R, b, L);
  for (ptrdiff_t r = 0; r < R; r++) axpy(-1, update.data() + r * L, y + r * cols, L);
}

/**
 * The first `rows` rows of H_{count−1}⋯H₀ (cols×cols), reflector k acting on indices
 * k+shift.. with the vector vector(k) (leading 1 included) and τ tau[k]: [I 0]·H_{count−1}⋯H₀,
 * from the last reflector, each of which touches only rows k+shift.. (the others are still
 * zero in its columns). Blocks of reflectors go through the GEMM while the trailing part is
 * wide; the last, narrow ones one at a time.
 */
template <typename Vector>
void accumulateReflectors(double* out, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t count, ptrdiff_t shift, Vector vector, const double* tau) {
  std::fill(out, out + rows * cols, 0.0);
  for (ptrdiff_t i = 0; i < rows; i++) out[i * cols + i] = 1;
  for (ptrdiff_t k1 = count; k1 > 0;) {
    const ptrdiff_t k0 = std::max<ptrdiff_t>(0, k1 - kReflectorBlock);
    if (cols - k0 - shift >= 4 * kReflectorBlock) {
      reflectBlock(out, rows, cols, k0, k1 - k0, shift, vector, tau);
    } else {
      for (ptrdiff_t k = k1 - 1; k >= k0; k--) reflectRows(out, cols, k + shift, rows, k + shift, vector(k), cols - k - shift, tau[k]);
    }
    k1 = k0;
  }
}

// ---- Layout helpers -------------------------------------------------------------------------

/** out[i·ldo + j] = row order[j] (or j when order is null) of src, element i: rows become columns, in 32×32 tiles. */
void transposeRows(const double* src, ptrdiff_t lds, const ptrdiff_t* order, ptrdiff_t rows, ptrdiff_t cols, double* out, ptrdiff_t ldo) {
  constexpr ptrdiff_t tile = 32;
  for (ptrdiff_t j0 = 0; j0 < cols; j0 += tile)
    for (ptrdiff_t i0 = 0; i0 < rows; i0 += tile)
      for (ptrdiff_t j = j0; j < std::min(cols, j0 + tile); j++) {
        const double* s = src + (order ? order[j] : j) * lds;
        for (ptrdiff_t i = i0; i < std::min(rows, i0 + tile); i++) out[i * ldo + j] = s[i];
      }
}

/** Indices of values[0..n) ordered by `before` (stable). */
template <typename Before>
std::vector<ptrdiff_t> ordering(const double* values, ptrdiff_t n, Before before) {
  std::vector<ptrdiff_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), ptrdiff_t(0));
  std::stable_sort(order.begin(), order.end(), [&](ptrdiff_t i, ptrdiff_t j) { return before(values[i], values[j]); });
  return order;
}

/**
 * A power of two that brings the largest |entry| of x[0..count) near 1 when it lies outside
 * [2⁻²⁵⁶, 2²⁵⁶] (where products of entries could overflow or underflow), else 1. Scaling by a
 * power of two is exact.
 */
double safeScale(const double* x, ptrdiff_t count) {
  double largest = 0;
  for (ptrdiff_t i = 0; i < count; i++) largest = std::max(largest, std::fabs(x[i]));
  if (largest == 0 || (largest > 0x1p-256 && largest < 0x1p256)) return 1;
  int exponent;
  std::frexp(largest, &exponent);
  return std::ldexp(1.0, std::clamp(-exponent, -1000, 1000));  // 2¹⁰⁷⁴ (for subnormals) would overflow
}

/** True when no entry of x[0..count) is NaN or infinite. */
bool allFinite(const double* x, ptrdiff_t count) {
  double sum = 0;
  for (ptrdiff_t i = 0; i < count; i++) sum += x[i] * 0;  // 0·x is NaN exactly when x is NaN or ±∞
  return sum == 0;
}

/** x[0..count) *= factor. */
void scaleBy(double* x, ptrdiff_t count, double factor) {
  for (ptrdiff_t i = 0; i < count; i++) x[i] *= factor;
}

// ---- Symmetric eigenproblem -----------------------------------------------------------------

/** p = B·v for the symmetric L×L block b (upper triangle, row stride ld): row i gives p_i its terms j ≥ i and each p_j (j > i) b_ij·v_i. */
void symmetricProduct(const double* b, ptrdiff_t ld, const double* v, ptrdiff_t L, double* p) {
  std::fill(p, p + L, 0.0);
  for (ptrdiff_t i = 0; i < L; i++) {
    const double* bi = b + i * ld + i;
    p[i] += dot(bi, v + i, L - i);
    axpy(v[i], bi + 1, p + i + 1, L - i - 1);
  }
}

/** y −= a·x + b·z, then returns y·v and adds c·y to q: one row of tridiagonalize's fused pass. */
NABLA_CLONES double updateAndMultiply(double* __restrict y, double a, const double* __restrict x, double b, const double* __restrict z,
                                             const double* __restrict v, double c, double* __restrict q, ptrdiff_t n) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  ptrdiff_t p = 0;
  for (; p + 8 <= n; p += 8)
    for (int r = 0; r < 8; r++) {
      const double yr = y[p + r] - (a * x[p + r] + b * z[p + r]);
      y[p + r] = yr;
      s[r] += yr * v[p + r];
      q[p + r] += c * yr;
    }
  double t = 0;
  for (; p < n; p++) {
    const double yp = y[p] - (a * x[p] + b * z[p]);
    y[p] = yp;
    t += yp * v[p];
    q[p] += c * yp;
  }
  return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])) + t;
}

/**
 * Reduces the symmetric n×n matrix a (its upper triangle, read and overwritten) to the
 * tridiagonal T = QᵀAQ, Q = H₀⋯H_{n−2}: diagonal d[0..n), off-diagonal e[0..n−1). Reflector k
 * acts on indices k+1..; its vector is left in row k from column k+1, its τ in tau[k]. Step k's
 * rank-2 update of the trailing block B and step k+1's product B'·v' (B' = B without its first
 * row and column, v' made from B's updated first row) share one pass over B.
 */
void tridiagonalize(double* a, ptrdiff_t n, double* d, double* e, double* tau) {
  // w: B·v for the current step (then τ-scaled into the rank-2 update's w); q: the next step's product.
  std::vector<double> w(static_cast<size_t>(n)), q(static_cast<size_t>(n));
  if (n > 1) {
    d[0] = a[0];
    tau[0] = householder(a + 1, n - 1, &e[0]);
    a[1] = 1;
    symmetricProduct(a + n + 1, n, a + 1, n - 1, w.data());
  }
  for (ptrdiff_t k = 0; k + 2 < n; k++) {
    const ptrdiff_t L = n - k - 1;
    const double* v = a + k * n + k + 1;
    double* b = a + (k + 1) * n + k + 1;  // the trailing L×L block
    // w = τ·B·v − (τ²/2)(vᵀB·v)·v (zero when τ = 0: no update), then B's first row −= v₀·w + w₀·v.
    const double t = tau[k];
    for (ptrdiff_t i = 0; i < L; i++) w[i] *= t;
    axpy(-0.5 * t * dot(w.data(), v, L), v, w.data(), L);
    subtractRank2(v[0], w.data(), w[0], v, b, L);
    // The next reflector from that row, then the other rows' updates with the next product.
    double* next = b + 1;
    d[k + 1] = b[0];
    tau[k + 1] = householder(next, L - 1, &e[k + 1]);
    next[0] = 1;
    std::fill(q.begin(), q.begin() + L - 1, 0.0);
    for (ptrdiff_t i = 1; i < L; i++) {
      double* y = b + i * n + i;
      const ptrdiff_t r = i - 1;  // the row's index in B'
      y[0] -= 2 * v[i] * w[i];
      q[r] += y[0] * next[r] + updateAndMultiply(y + 1, v[i], w.data() + i + 1, w[i], v + i + 1, next + r + 1, next[r], q.data() + r + 1, L - i - 1);
    }
    std::swap(w, q);
  }
  if (n > 0) d[n - 1] = a[(n - 1) * n + n - 1];
}

/**
 * Implicit QL with Wilkinson-style shifts on the symmetric tridiagonal (d, e[0..n−1)) (EISPACK
 * tql2, as the reference's tridiagonalQL): d becomes the eigenvalues, unsorted; each sweep's
 * rotations of rows i, i+1 of the tridiagonal are applied to those rows of zt (one chain per
 * sweep). False if it did not converge.
 */
bool tridiagonalQL(double* d, double* e, ptrdiff_t n, Rows& zt) {
  if (n > 0) e[n - 1] = 0;
  std::vector<double> cs(zt.active() ? static_cast<size_t>(n) : 0), sn(cs.size());
  double f = 0, tst1 = 0;
  for (ptrdiff_t l = 0; l < n; l++) {
    tst1 = std::max(tst1, std::fabs(d[l]) + std::fabs(e[l]));
    ptrdiff_t m = l;
    while (m < n - 1 && !(std::fabs(e[m]) <= kEps * tst1)) m++;
    for (ptrdiff_t iter = 0; m > l; iter++) {
      if (iter > 60 * n) return false;
      double g = d[l];
      double p = (d[l + 1] - g) / (2 * e[l]);
      double r = norm2(p, 1);
      if (p < 0) r = -r;
      d[l] = e[l] / (p + r);
      d[l + 1] = e[l] * (p + r);
      const double dl1 = d[l + 1], el1 = e[l + 1];
      double h = g - d[l];
      for (ptrdiff_t i = l + 2; i < n; i++) d[i] -= h;
      f += h;
      p = d[m];
      double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
      for (ptrdiff_t i = m - 1; i >= l; i--) {
        c3 = c2, c2 = c, s2 = s;
        g = c * e[i], h = c * p;
        r = norm2(p, e[i]);
        e[i + 1] = s * r;
        s = e[i] / r, c = p / r;
        p = c * d[i] - s * g;
        d[i + 1] = h + s * (c * g + s * d[i]);
        if (zt.active()) cs[m - 1 - i] = c, sn[m - 1 - i] = s;
      }
      // Rotation i turned rows (i, i+1) into (c·rᵢ − s·rᵢ₊₁, c·rᵢ₊₁ + s·rᵢ): a chain from row m down.
      zt.chain(m, -1, m - l, cs.data(), sn.data());
      p = -s * s2 * c3 * el1 * (e[l] / dl1);  // e[l]/dl1 first: el1·e[l] could overflow or underflow
      e[l] = s * p;
      d[l] = c * p;
      if (!(std::fabs(e[l]) > kEps * tst1)) break;
    }
    d[l] += f;
    e[l] = 0;
  }
  zt.flush();
  return true;
}

/**
 * Eigenvalues (ascending) of the symmetric part of the n×n matrix a (overwritten) into values,
 * and unless `vectors` is null the eigenvectors as its columns (n×n); a matrix of huge or tiny
 * entries is first scaled by a power of two; NaN or infinite entries give NaN throughout.
 * False if QL did not converge.
 */
bool symmetricEigen(double* a, ptrdiff_t n, double* values, double* vectors) {
  if (!allFinite(a, n * n)) {
    // NaN out, at once (the ops layer refuses such input before it gets here).
    std::fill(values, values + n, std::nan(""));
    if (vectors) std::fill(vectors, vectors + n * n, std::nan(""));
    return true;
  }
  const double scale = safeScale(a, n * n);
  if (scale != 1) scaleBy(a, n * n, scale);
  // The symmetric part, in the upper triangle (32×32 tiles: a column walk would miss the cache).
  constexpr ptrdiff_t tile = 32;
  for (ptrdiff_t i0 = 0; i0 < n; i0 += tile)
    for (ptrdiff_t j0 = i0; j0 < n; j0 += tile)
      for (ptrdiff_t i = i0; i < std::min(n, i0 + tile); i++)
        for (ptrdiff_t j = std::max(i + 1, j0); j < std::min(n, j0 + tile); j++) a[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
  std::vector<double> d(static_cast<size_t>(n)), e(static_cast<size_t>(n)), tau(static_cast<size_t>(n));
  tridiagonalize(a, n, d.data(), e.data(), tau.data());
  std::vector<double> qt(vectors ? static_cast<size_t>(n * n) : 0);
  if (vectors) accumulateReflectors(qt.data(), n, n, n - 1, 1, [&](ptrdiff_t k) { return a + k * n + k + 1; }, tau.data());
  Rows basis(vectors ? qt.data() : nullptr, n);
  if (!tridiagonalQL(d.data(), e.data(), n, basis)) return false;
  const std::vector<ptrdiff_t> order = ordering(d.data(), n, [](double x, double y) { return x < y; });
  for (ptrdiff_t j = 0; j < n; j++) values[j] = d[order[j]] / scale;
  if (vectors) transposeRows(qt.data(), n, order.data(), n, n, vectors, n);
  return true;
}

// ---- SVD ------------------------------------------------------------------------------------

/**
 * Golub–Kahan bidiagonalisation of the tall M×N matrix T (M ≥ N) given as w = Tᵀ (N×M,
 * overwritten): T = Q·B·Pᵀ, B upper bidiagonal (d[0..N), e[0..N−1)). Left reflector k (T's
 * rows k..) is left in w's row k from column k, its τ in tauL[k]; right reflector k (T's
 * columns k+1..) in row k of vr (N×N), its τ in tauR[k].
 */
void bidiagonalize(double* w, ptrdiff_t N, ptrdiff_t M, double* d, double* e, double* tauL, double* tauR, double* vr) {
  std::vector<double> r(static_cast<size_t>(M));
  for (ptrdiff_t k = 0; k < N; k++) {
    double* u = w + k * M + k;
    tauL[k] = householder(u, M - k, &d[k]);
    u[0] = 1;
    // T's columns k+1.. (w's rows) times H from the left: w's rows times H from the right.
    reflectRows(w, M, k + 1, N, k, u, M - k, tauL[k]);
    if (k + 1 == N) break;
    // The right reflector from T's row k right of the diagonal: w's column k below row k.
    const ptrdiff_t L = N - k - 1, C = M - k - 1;
    double* v = vr + k * N;
    for (ptrdiff_t i = 0; i < L; i++) v[i] = w[(k + 1 + i) * M + k];
    const double t = tauR[k] = householder(v, L, &e[k]);
    v[0] = 1;
    if (t == 0) continue;
    // T[k+1.., k+1..]·G is G·w[k+1.., k+1..]: r = Σᵢ vᵢ·(row i), then row i −= τ·vᵢ·r.
    std::fill(r.begin(), r.begin() + C, 0.0);
    for (ptrdiff_t i = 0; i < L; i++) axpy(v[i], w + (k + 1 + i) * M + k + 1, r.data(), C);
    for (ptrdiff_t i = 0; i < L; i++) axpy(-t * v[i], r.data(), w + (k + 1 + i) * M + k + 1, C);
  }
}

/** The smaller singular value of the 2×2 upper triangle [[f, g], [0, h]] (LAPACK dlas2's formula). */
double smallerSingularValue(double f, double g, double h) {
  const double fa = std::fabs(f), ha = std::fabs(h);
  const double larger = 0.5 * (std::hypot(fa + ha, g) + std::hypot(fa - ha, g));
  return larger == 0 ? 0 : (fa / larger) * ha;
}

/** A rotation with c·f + s·g = r and c·g − s·f = 0 (LAPACK's dlartg, up to signs). */
inline void givens(double f, double g, double* c, double* s, double* r) {
  if (g == 0) {
    *c = 1, *s = 0, *r = f;
    return;
  }
  const double t = norm2(f, g);
  *c = f / t, *s = g / t, *r = t;
}

/**
 * One implicit-shift QR step on the unreduced block lo..hi of the bidiagonal (d, e) (dbdsqr's
 * chase from the top): the rotations of B's columns go to the rows of vt (Vᵀ), those of B's
 * rows to the rows of ut (Uᵀ), each set as one chain after the sweep.
 */
void golubKahanStep(double* d, double* e, ptrdiff_t lo, ptrdiff_t hi, double shift, Rows& ut, Rows& vt) {
  thread_local std::vector<double> cr, sr, cl, sl;
  if (ut.active() && ptrdiff_t(cr.size()) < hi - lo) cr.resize(hi - lo), sr.resize(hi - lo), cl.resize(hi - lo), sl.resize(hi - lo);
  double f = (std::fabs(d[lo]) - shift) * ((d[lo] >= 0 ? 1 : -1) + shift / d[lo]);
  double g = e[lo];
  for (ptrdiff_t i = lo; i < hi; i++) {
    double c, s, r;
    givens(f, g, &c, &s, &r);
    if (i > lo) e[i - 1] = r;
    f = c * d[i] + s * e[i];
    e[i] = c * e[i] - s * d[i];
    g = s * d[i + 1];
    d[i + 1] *= c;
    if (vt.active()) cr[i - lo] = c, sr[i - lo] = s;
    givens(f, g, &c, &s, &r);
    d[i] = r;
    f = c * e[i] + s * d[i + 1];
    d[i + 1] = c * d[i + 1] - s * e[i];
    if (i + 1 < hi) g = s * e[i + 1], e[i + 1] *= c;
    if (ut.active()) cl[i - lo] = c, sl[i - lo] = s;
  }
  e[hi - 1] = f;
  vt.chain(lo, 1, hi - lo, cr.data(), sr.data());
  ut.chain(lo, 1, hi - lo, cl.data(), sl.data());
}

/**
 * With d[i] = 0 (lo ≤ i ≤ hi), zeroes the coupling of row i: e[i] by rotations of rows i and
 * j = i+1..hi when i < hi, else e[hi−1] by rotations of columns j = hi−1..lo and hi.
 */
void chaseZero(double* d, double* e, ptrdiff_t lo, ptrdiff_t i, ptrdiff_t hi, Rows& ut, Rows& vt) {
  double c, s, r;
  if (i < hi) {
    double f = e[i];
    e[i] = 0;
    for (ptrdiff_t j = i + 1; j <= hi; j++) {
      givens(d[j], f, &c, &s, &r);
      d[j] = r;
      if (j < hi) f = -s * e[j], e[j] *= c;
      ut.rotate(i, j, c, -s);
    }
    return;
  }
  double f = e[hi - 1];
  e[hi - 1] = 0;
  for (ptrdiff_t j = hi - 1; j >= lo; j--) {
    givens(d[j], f, &c, &s, &r);
    d[j] = r;
    if (j > lo) f = -s * e[j - 1], e[j - 1] *= c;
    vt.rotate(j, hi, c, s);
  }
}

/**
 * Diagonalises the upper bidiagonal (d, e[0..N−1)) by implicit-shift QR: d becomes the singular
 * values up to sign, unsorted, rotations accumulated into the rows of ut and vt. Couplings
 * below ε·(|dᵢ| + |dᵢ₊₁|) and entries below ε·‖B‖ count as zero (the bidiagonalisation's own
 * error is that large). False if it did not converge.
 */
bool bidiagonalQR(double* d, double* e, ptrdiff_t N, Rows& ut, Rows& vt) {
  double norm = 0;
  for (ptrdiff_t i = 0; i < N; i++) norm = std::max({norm, std::fabs(d[i]), i + 1 < N ? std::fabs(e[i]) : 0.0});
  const double tiny = kEps * norm;
  const ptrdiff_t maxSteps = 6 * N * N + 60;
  ptrdiff_t hi = N - 1;
  for (ptrdiff_t step = 0; hi > 0; step++) {
    if (step > maxSteps) return false;
    for (ptrdiff_t i = 0; i < hi; i++)
      if (std::fabs(e[i]) <= kEps * (std::fabs(d[i]) + std::fabs(d[i + 1])) || std::fabs(e[i]) <= tiny) e[i] = 0;
    for (ptrdiff_t i = 0; i <= hi; i++)
      if (std::fabs(d[i]) <= tiny) d[i] = 0;
    while (hi > 0 && e[hi - 1] == 0) hi--;
    if (hi == 0) break;
    ptrdiff_t lo = hi - 1;
    while (lo > 0 && e[lo - 1] != 0) lo--;
    const ptrdiff_t zero = std::find(d + lo, d + hi + 1, 0.0) - d;
    if (zero <= hi) {
      chaseZero(d, e, lo, zero, hi, ut, vt);
      continue;
    }
    double shift = smallerSingularValue(d[hi - 1], e[hi - 1], d[hi]);
    if ((shift / std::fabs(d[lo])) * (shift / std::fabs(d[lo])) < kEps) shift = 0;
    golubKahanStep(d, e, lo, hi, shift, ut, vt);
  }
  ut.flush();
  vt.flush();
  return true;
}

/**
 * Reduced SVD of the m×n matrix a (overwritten): s[0..k) descending, k = min(m, n), and unless
 * u is null, u (m×k) and vt (k×n); a matrix of huge or tiny entries is first scaled by a power
 * of two; NaN or infinite entries give NaN throughout. False if the QR iteration did not converge.
 */
bool singularValueDecomposition(double* a, ptrdiff_t m, ptrdiff_t n, double* u, double* s, double* vt) {
  const bool tall = m >= n;
  const ptrdiff_t N = std::min(m, n), M = std::max(m, n);
  if (N == 0) return true;
  if (!allFinite(a, m * n)) {
    // NaN out, at once, rather than QR iterations that cannot converge (the ops layer refuses such input).
    std::fill(s, s + N, std::nan(""));
    if (u) std::fill(u, u + m * N, std::nan("")), std::fill(vt, vt + N * n, std::nan(""));
    return true;
  }
  const double scale = safeScale(a, m * n);
  if (scale != 1) scaleBy(a, m * n, scale);
  // w = Tᵀ (N×M) for the tall T: Aᵀ when A is tall, A itself when it is wide.
  std::vector<double> transposed(tall ? static_cast<size_t>(N * M) : 0);
  if (tall) transposeRows(a, n, nullptr, n, m, transposed.data(), m);
  double* w = tall ? transposed.data() : a;
  std::vector<double> d(static_cast<size_t>(N)), e(static_cast<size_t>(N)), tauL(static_cast<size_t>(N)), tauR(static_cast<size_t>(N)), vr(static_cast<size_t>(N * N));
  bidiagonalize(w, N, M, d.data(), e.data(), tauL.data(), tauR.data(), vr.data());
  // Rows of Uᵀ (N×M) and Vᵀ (N×N) of T.
  std::vector<double> x(u ? static_cast<size_t>(N * M) : 0), y(u ? static_cast<size_t>(N * N) : 0);
  if (u) {
    accumulateReflectors(x.data(), N, M, N, 0, [&](ptrdiff_t k) { return w + k * M + k; }, tauL.data());
    accumulateReflectors(y.data(), N, N, N - 1, 1, [&](ptrdiff_t k) { return vr.data() + k * N; }, tauR.data());
  }
  Rows left(u ? x.data() : nullptr, M), right(u ? y.data() : nullptr, N);
  if (!bidiagonalQR(d.data(), e.data(), N, left, right)) return false;
  for (ptrdiff_t i = 0; i < N; i++) {
    if (d[i] >= 0) continue;
    d[i] = -d[i];
    if (u) for (ptrdiff_t j = 0; j < N; j++) y[i * N + j] = -y[i * N + j];
  }
  const std::vector<ptrdiff_t> order = ordering(d.data(), N, [](double p, double q) { return p > q; });
  for (ptrdiff_t j = 0; j < N; j++) s[j] = d[order[j]] / scale;
  if (!u) return true;
  // T = Xᵀ·S·Y: A = T gives u = Xᵀ, vt = Y; A = Tᵀ gives u = Yᵀ, vt = X.
  const std::vector<double>& columns = tall ? x : y;
  const std::vector<double>& rows = tall ? y : x;
  const ptrdiff_t rowLength = tall ? N : M;
  transposeRows(columns.data(), m, order.data(), m, N, u, N);
  for (ptrdiff_t j = 0; j < N; j++) std::copy_n(rows.data() + order[j] * rowLength, rowLength, vt + j * rowLength);
  return true;
}

// ---- N-API wrappers (offsets count elements; a failed check throws and returns nullptr) ----

/** A Float64Array slice (see slice) whose array may be null: *data is then null (the offset is still checked). */
bool optionalSlice(napi_env env, napi_value array, napi_value offset, int64_t count, double** data) {
  napi_valuetype type;
  if (napi_typeof(env, array, &type) != napi_ok) return false;
  if (type != napi_null) return slice(env, array, napi_float64_array, offset, count, data);
  int64_t unused;
  *data = nullptr;
  return integers(env, {{offset, &unused}});
}

// eighF64(a, offset, n, values, valuesOffset, vectors, vectorsOffset): the ascending eigenvalues
// of the symmetric part of the n×n matrix at a[offset..] (overwritten) and, unless vectors is
// null, the eigenvectors as columns.
napi_value EighF64(napi_env env, napi_callback_info info) {
  napi_value args[7];
  double *a, *values, *vectors;
  int64_t n;
  if (!getArgs(env, info, args) || !integers(env, {{args[2], &n}}) || !slice(env, args[0], napi_float64_array, args[1], n * n, &a) ||
      !slice(env, args[3], napi_float64_array, args[4], n, &values) || !optionalSlice(env, args[5], args[6], n * n, &vectors))
    return nullptr;
  if (!symmetricEigen(a, n, values, vectors))
    napi_throw_error(env, nullptr, "eigh: the QL iteration did not converge");
  return nullptr;
}

// svdF64(a, offset, m, n, u, uOffset, s, sOffset, vt, vtOffset): the reduced SVD of the m×n
// matrix at a[offset..] (overwritten): s descending, and unless u and vt are null, u (m×k) and
// vt (k×n), k = min(m, n).
napi_value SvdF64(napi_env env, napi_callback_info info) {
  napi_value args[10];
  double *a, *u, *s, *vt;
  int64_t m, n;
  if (!getArgs(env, info, args) || !integers(env, {{args[2], &m}, {args[3], &n}})) return nullptr;
  const int64_t k = std::min(m, n);
  if (!slice(env, args[0], napi_float64_array, args[1], m * n, &a) || !optionalSlice(env, args[4], args[5], m * k, &u) ||
      !slice(env, args[6], napi_float64_array, args[7], k, &s) || !optionalSlice(env, args[8], args[9], k * n, &vt))
    return nullptr;
  if (!u != !vt) {
    napi_throw_type_error(env, nullptr, "nabla native linalg: svdF64 takes both u and vt, or neither");
    return nullptr;
  }
  if (!singularValueDecomposition(a, m, n, u, s, vt))
    napi_throw_error(env, nullptr, "svd: the QR iteration did not converge");
  return nullptr;
}

}  // namespace

void defineLinalgEig(napi_env env, napi_value exports, ProductF64 gemm) {
  product = gemm;
  defineMethods(env, exports, {
      {"eighF64", EighF64},
      {"svdF64", SvdF64},
  });
}

}  // namespace nabla
