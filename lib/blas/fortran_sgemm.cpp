// sgemm_: the Fortran 77 SGEMM entry point (gfortran calling convention) on top of nnk::sgemm.
#include <cstddef>

#include "nnk_blas.h"
#include "run_sgemm.hpp"
#include "sgemm_arguments.hpp"

extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                       const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                       const float* beta, float* c, const int* ldc, std::size_t /*transa_len*/,
                       std::size_t /*transb_len*/) {
  using namespace nnk::blas;
  // gfortran appends the CHARACTER lengths; only the first character matters, so they are ignored. C callers that
  // omit them are fine too: the parameters are never read.
  const auto trans_a = trans_from_char(*transa);
  const auto trans_b = trans_from_char(*transb);
  int info = 0;
  if (!trans_a)
    info = kTransA;
  else if (!trans_b)
    info = kTransB;
  else
    info = first_invalid_size(*trans_a, *trans_b, *m, *n, *k, *lda, *ldb, *ldc);
  if (info != 0) {
    xerbla_("SGEMM ", &info, 6);
    return;
  }
  // m == 0 or n == 0 returns before alpha and beta are read, like the reference.
  if (*m == 0 || *n == 0) return;
  run_sgemm(Entry::FortranSgemm, *trans_a, *trans_b, *m, *n, *k, *alpha, a, *lda, b, *ldb, *beta, c, *ldc);
}
