// The native backend's symmetric eigensolver and SVD (linalg_eig.cc): Householder
// tridiagonalisation + implicit QL for eigh/eigvalsh, Golub–Kahan bidiagonalisation + implicit-
// shift bidiagonal QR for svd/svdvals, on row-major float64 matrices.
#pragma once

#include <node_api.h>

#include "linalg.h"

namespace nabla {

/** Adds eighF64 and svdF64 to `exports`; their GEMM (accumulating blocks of reflectors) is `product`. */
void defineLinalgEig(napi_env env, napi_value exports, ProductF64 product);

}  // namespace nabla
