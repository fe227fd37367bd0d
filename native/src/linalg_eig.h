// The native backend's symmetric eigensolver and SVD (linalg_eig.cc): Householder
// tridiagonalisation + implicit QL for eigh/eigvalsh, Golub–Kahan bidiagonalisation + implicit-
// shift bidiagonal QR for svd/svdvals, on row-major float64 matrices.
#pragma once

#include <node_api.h>

namespace nabla {

/** Adds eighF64 and svdF64 to `exports`. */
void defineLinalgEig(napi_env env, napi_value exports);

}  // namespace nabla
