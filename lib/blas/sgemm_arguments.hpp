// The argument rules of reference SGEMM, shared by the Fortran and the CBLAS entry points.
#pragma once

#include <optional>

#include "nnk/types.hpp"

namespace nnk::blas {

// Positions in the Fortran argument list SGEMM(TRANSA, TRANSB, M, N, K, ALPHA, A, LDA, B, LDB, BETA, C, LDC).
enum FortranPosition : int {
  kTransA = 1,
  kTransB = 2,
  kM = 3,
  kN = 4,
  kK = 5,
  kLda = 8,
  kLdb = 10,
  kLdc = 13,
};

// A BLAS TRANS character: 'N' means op(X) = X; 'T' and 'C' mean X^T (conjugation is a no-op on real data).
// Either case is accepted, as LSAME does. Anything else: nullopt.
std::optional<Trans> trans_from_char(char c);

// The position of the first invalid size or leading dimension in reference order (M, N, K, LDA, LDB, LDC),
// or 0 when all are valid.
int first_invalid_size(Trans trans_a, Trans trans_b, int m, int n, int k, int lda, int ldb, int ldc);

}  // namespace nnk::blas
