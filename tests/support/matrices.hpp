// Small matrix helpers for hand-written tests: literals, explicit transposes, the view form of the reference GEMM.
#pragma once

#include <initializer_list>

#include "nnk/matrix.hpp"
#include "nnk/types.hpp"

namespace nnk::test {

// A matrix written the way it reads on paper, one row per inner list: matrix_from_rows({{1, 2}, {3, 4}}) has
// (0, 1) == 2. Every row must have the same length (else std::invalid_argument).
Matrix matrix_from_rows(std::initializer_list<std::initializer_list<float>> rows);

// A compact copy of the transpose of x.
Matrix transposed(ConstMatrixView x);

// C <- alpha * op(A) * op(B) + beta * C through nnk::ref::sgemm, with m, n, k taken from the views.
// Throws std::invalid_argument when the shapes do not form a GEMM.
void ref_gemm(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta,
              MatrixView c);

}  // namespace nnk::test
