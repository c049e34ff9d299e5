// The one place where the C ABI calls into nnk::sgemm (arguments already validated, column-major).
#pragma once

#include "nnk/types.hpp"

namespace nnk::blas {

// Which C ABI entry point is calling; named in messages.
enum class Entry { FortranSgemm, CblasSgemm };

// Takes reference BLAS's quick return (C untouched), else computes C <- alpha*op(A)*op(B) + beta*C with nnk::sgemm.
// Never throws: an exception from nnk (null pointer, out of memory, ...) is printed to stderr and C is left as the
// failed call left it. With NNK_BLAS_VERBOSE set (and not "0") the first call of each entry point says on stderr that
// nnk computed it, so that a test can tell libnnk_blas from a BLAS that silently took its place.
void run_sgemm(Entry entry, Trans trans_a, Trans trans_b, int m, int n, int k, float alpha, const float* a, int lda,
               const float* b, int ldb, float beta, float* c, int ldc) noexcept;

}  // namespace nnk::blas
