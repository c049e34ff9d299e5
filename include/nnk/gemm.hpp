// nnk::sgemm: single-precision GEMM with the BLAS contract, column-major.
#pragma once

#include <cstdint>

#include "nnk/matrix.hpp"
#include "nnk/types.hpp"

namespace nnk {

// C <- alpha * op(A) * op(B) + beta * C, column-major. op(A) is m x k, op(B) is k x n, C is m x n.
// lda >= max(1, rows of A as stored), likewise ldb, ldc >= max(1, m). beta == 0 never reads C (C may hold NaN).
// m, n or k may be 0. Bad arguments throw nnk::Error naming the argument.
// For a given ISA the result is bitwise identical for any thread count.
void sgemm(Trans trans_a, Trans trans_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc);

// View form: C <- alpha * op(A) * op(B) + beta * C with the shapes taken from the views.
void sgemm(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta, MatrixView c);

// Work applied to each tile of C right after its last update, while it is still in cache, instead of in separate
// passes over memory. In this order, each step optional:
//   1. C(i, j) += bias[i]                                   bias: m floats
//   2. C(i, j) = g(C(i, j))                                 activation (elementwise ones only, not Softmax)
//   3. C(i, j) *= g'(S(i, j)), g' taken from the output S  derivative_of: m x n, leading dimension derivative_ld
//   4. row_sums[i] = row_sums_scale * sum_j C(i, j)          row_sums: m floats, overwritten
// The row sums are combined in a fixed order: bitwise identical for any thread count.
struct GemmEpilogue {
  const float* bias = nullptr;
  Activation activation = Activation::Identity;
  const float* derivative_of = nullptr;
  std::int64_t derivative_ld = 0;
  Activation derivative_activation = Activation::Identity;
  float* row_sums = nullptr;
  float row_sums_scale = 1.0f;
};

// sgemm followed by the epilogue, fused. Same arguments and checks as sgemm, plus the epilogue's.
void sgemm(Trans trans_a, Trans trans_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc,
           const GemmEpilogue& epilogue);

}  // namespace nnk
