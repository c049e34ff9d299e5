// The argument rules of reference SGEMM.
#include "sgemm_arguments.hpp"

#include <algorithm>

namespace nnk::blas {

std::optional<Trans> trans_from_char(char c) {
  switch (c) {
    case 'N':
    case 'n':
      return Trans::No;
    case 'T':
    case 't':
    case 'C':
    case 'c':
      return Trans::Yes;
    default:
      return std::nullopt;
  }
}

int first_invalid_size(Trans trans_a, Trans trans_b, int m, int n, int k, int lda, int ldb, int ldc) {
  // A is stored m x k, or k x m when transposed; B is k x n, or n x k.
  const int rows_a = trans_a == Trans::No ? m : k;
  const int rows_b = trans_b == Trans::No ? k : n;
  if (m < 0) return kM;
  if (n < 0) return kN;
  if (k < 0) return kK;
  if (lda < std::max(1, rows_a)) return kLda;
  if (ldb < std::max(1, rows_b)) return kLdb;
  if (ldc < std::max(1, m)) return kLdc;
  return 0;
}

}  // namespace nnk::blas
