// nnk::sgemm front end: validate the BLAS arguments, take the quick exits, hand the rest to the driver.
#include <algorithm>

#include "gemm/gemm_driver.hpp"
#include "gemm/epilogue.hpp"
#include "nnk/error.hpp"
#include "nnk/gemm.hpp"

namespace nnk {

namespace {

void check_trans(const char* name, Trans t) {
  if (t != Trans::No && t != Trans::Yes)
    detail::fail("nnk::sgemm: ", name, " must be Trans::No or Trans::Yes, got ", static_cast<int>(t));
}

void check_size(const char* name, std::int64_t value) {
  if (value < 0) detail::fail("nnk::sgemm: ", name, " must be >= 0, got ", value);
}

void check_ld(const char* name, std::int64_t ld, std::int64_t rows, const char* rows_name) {
  const std::int64_t least = std::max<std::int64_t>(1, rows);
  if (ld < least) detail::fail("nnk::sgemm: ", name, " must be >= max(1, ", rows_name, ") = ", least, ", got ", ld);
}

void check_pointer(const char* name, const void* p, std::int64_t rows, std::int64_t cols) {
  if (p == nullptr) detail::fail("nnk::sgemm: ", name, " is null but must hold a ", rows, " x ", cols, " matrix");
}

}  // namespace

namespace {

// The BLAS argument checks shared by both pointer forms; returns false when there is nothing to compute.
bool check_gemm_arguments(Trans trans_a, Trans trans_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
                          const float* a, std::int64_t lda, const float* b, std::int64_t ldb, const float* c,
                          std::int64_t ldc) {
  check_trans("trans_a", trans_a);
  check_trans("trans_b", trans_b);
  check_size("m", m);
  check_size("n", n);
  check_size("k", k);
  const bool a_plain = trans_a == Trans::No;
  const bool b_plain = trans_b == Trans::No;
  check_ld("lda", lda, a_plain ? m : k, a_plain ? "m" : "k");
  check_ld("ldb", ldb, b_plain ? k : n, b_plain ? "k" : "n");
  check_ld("ldc", ldc, m, "m");
  if (m == 0 || n == 0) return false;
  check_pointer("c", c, m, n);
  if (k > 0 && alpha != 0.0f) {
    check_pointer("a", a, a_plain ? m : k, a_plain ? k : m);
    check_pointer("b", b, b_plain ? k : n, b_plain ? n : k);
  }
  return true;
}

void check_activation(const char* name, Activation g) {
  switch (g) {
    case Activation::Identity:
    case Activation::Sigmoid:
    case Activation::Tanh:
    case Activation::ReLU: return;
    case Activation::Softmax:
      detail::fail("nnk::sgemm: epilogue.", name, " must be elementwise (Identity, Sigmoid, Tanh or ReLU), got Softmax");
  }
  detail::fail("nnk::sgemm: epilogue.", name, " must be a nnk::Activation enumerator, got ", static_cast<int>(g));
}

}  // namespace

void sgemm(Trans trans_a, Trans trans_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc) {
  if (!check_gemm_arguments(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, c, ldc)) return;
  gemm::run_gemm({trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}, nullptr);
}

void sgemm(Trans trans_a, Trans trans_b, std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c, std::int64_t ldc,
           const GemmEpilogue& epilogue) {
  check_activation("activation", epilogue.activation);
  if (epilogue.derivative_of != nullptr) {
    check_activation("derivative_activation", epilogue.derivative_activation);
    check_ld("epilogue.derivative_ld", epilogue.derivative_ld, m, "m");
  }
  if (!check_gemm_arguments(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, c, ldc)) {
    // An empty C still defines its row sums: zero.
    if (epilogue.row_sums != nullptr) std::fill_n(epilogue.row_sums, m, 0.0f);
    return;
  }
  gemm::run_gemm_with_epilogue({trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}, epilogue);
}

void sgemm(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta, MatrixView c) {
  const std::int64_t m = trans_a == Trans::No ? a.rows() : a.cols();
  const std::int64_t k = trans_a == Trans::No ? a.cols() : a.rows();
  const std::int64_t kb = trans_b == Trans::No ? b.rows() : b.cols();
  const std::int64_t n = trans_b == Trans::No ? b.cols() : b.rows();
  if (kb != k)
    detail::fail("nnk::sgemm: op(b) has ", kb, " rows, expected the ", k, " columns of op(a)");
  if (c.rows() != m || c.cols() != n)
    detail::fail("nnk::sgemm: c is ", c.rows(), " x ", c.cols(), ", expected op(a) * op(b) = ", m, " x ", n);
  sgemm(trans_a, trans_b, m, n, k, alpha, a.data(), a.ld(), b.data(), b.ld(), beta, c.data(), c.ld());
}

}  // namespace nnk
