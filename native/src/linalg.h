// Dense linear algebra for the native backend (linalg.cc): blocked Cholesky, LU with partial
// pivoting, triangular solves and Hager's condition estimate on row-major float64 matrices, whose O(n³) work runs in the
// backend's GEMM without a round trip through JavaScript.
#pragma once

#include <node_api.h>

#include "gemm.h"

namespace nabla {

/** C[m×n] (contiguous, row stride n) = A·B through the backend's dispatched, threaded GEMM; k ≥ 1. */
using ProductF64 = void (*)(MatView<double> a, MatView<double> b, double* c, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n);

/** C[m×n] (row stride ldc) −= A·B in place, through the same dispatched, threaded GEMM; k ≥ 1. */
using UpdateF64 = void (*)(MatView<double> a, MatView<double> b, double* c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n);

/**
 * Adds choleskyF64, luF64, luSolveF64, luInverseF64, triangularSolveF64, conditionEstimateF64
 * and conditionBoundF64 to `exports`; their GEMMs are `product` and `update`.
 */
void defineLinalg(napi_env env, napi_value exports, ProductF64 product, UpdateF64 update);

}  // namespace nabla
