// The linear part of a layer, naive: C <- alpha*op(A)*op(B) + beta*C, and its companion reduction db = scale*rowsum(dZ).
#include <algorithm>
#include <cstdint>

#include "nnk/ref.hpp"
#include "core/argument_checks.hpp"
#include "core/eltwise_argument_checks.hpp"

namespace nnk::ref {

namespace {

constexpr const char* kSgemm = "nnk::ref::sgemm";

// The BLAS rule for a leading dimension: ld >= max(1, rows as stored). `rows_name` says which of m, n, k that is.
void check_leading_dimension(const char* name, std::int64_t ld, const char* rows_name, std::int64_t rows) {
  const std::int64_t minimum = std::max<std::int64_t>(1, rows);
  if (ld < minimum) nnk::detail::fail(kSgemm, ": ", name, " must be >= max(1, ", rows_name, ") = ", minimum, ", got ", ld);
}

// A pointer may be null only when its matrix has no elements or is not read.
void check_pointer(const char* name, const void* p, bool is_read, std::int64_t rows, std::int64_t cols) {
  if (p == nullptr && is_read && rows > 0 && cols > 0)
    nnk::detail::fail(kSgemm, ": ", name, " is null, expected a ", rows, " x ", cols, " matrix");
}

// Element (i, j) of op(X) where X is stored column-major with leading dimension ld.
double op_element(Trans t, const float* x, std::int64_t ld, std::int64_t i, std::int64_t j) {
  return t == Trans::No ? x[i + j * ld] : x[j + i * ld];
}

}  // namespace

void sgemm(Trans trans_a, Trans trans_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc) {
  // Checked in the order of the BLAS argument list, as xerbla reports them.
  nnk::detail::expect_valid(kSgemm, "trans_a", trans_a);
  nnk::detail::expect_valid(kSgemm, "trans_b", trans_b);
  if (m < 0) nnk::detail::fail(kSgemm, ": m must be >= 0, got ", m);
  if (n < 0) nnk::detail::fail(kSgemm, ": n must be >= 0, got ", n);
  if (k < 0) nnk::detail::fail(kSgemm, ": k must be >= 0, got ", k);
  const bool a_transposed = trans_a == Trans::Yes;
  const bool b_transposed = trans_b == Trans::Yes;
  // A is stored as m x k (No) or k x m (Yes); B as k x n (No) or n x k (Yes).
  check_leading_dimension("lda", lda, a_transposed ? "k" : "m", a_transposed ? k : m);
  check_leading_dimension("ldb", ldb, b_transposed ? "n" : "k", b_transposed ? n : k);
  check_leading_dimension("ldc", ldc, "m", m);
  const bool products_read = alpha != 0.0f;
  check_pointer("a", a, products_read && n > 0, m, k);
  check_pointer("b", b, products_read && m > 0, k, n);
  check_pointer("c", c, true, m, n);

  if (m == 0 || n == 0) return;

  for (std::int64_t j = 0; j < n; ++j) {
    for (std::int64_t i = 0; i < m; ++i) {
      double product_sum = 0;
      if (products_read)
        for (std::int64_t p = 0; p < k; ++p)
          product_sum += op_element(trans_a, a, lda, i, p) * op_element(trans_b, b, ldb, p, j);
      float& cij = c[i + j * ldc];
      // beta == 0 overwrites C without reading it, so NaN or garbage in C never leaks into the result.
      const double scaled_c = beta == 0.0f ? 0.0 : static_cast<double>(beta) * cij;
      cij = static_cast<float>(static_cast<double>(alpha) * product_sum + scaled_c);
    }
  }
}

void bias_gradient(ConstMatrixView dz, float scale, MatrixView db) {
  nnk::detail::check_bias_gradient("nnk::ref::bias_gradient", dz, db);
  for (std::int64_t i = 0; i < dz.rows(); ++i) {
    double row_sum = 0;
    for (std::int64_t j = 0; j < dz.cols(); ++j) row_sum += dz(i, j);
    db(i, 0) = static_cast<float>(static_cast<double>(scale) * row_sum);
  }
}

}  // namespace nnk::ref
