// matrix_from_rows, transposed and the view form of the reference GEMM.
#include "support/matrices.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

#include "nnk/ref.hpp"

namespace nnk::test {

Matrix matrix_from_rows(std::initializer_list<std::initializer_list<float>> rows) {
  const auto row_count = static_cast<std::int64_t>(rows.size());
  const auto col_count = row_count > 0 ? static_cast<std::int64_t>(rows.begin()->size()) : 0;
  Matrix m(row_count, col_count);
  std::int64_t i = 0;
  for (const auto& row : rows) {
    if (static_cast<std::int64_t>(row.size()) != col_count)
      throw std::invalid_argument("nnk::test::matrix_from_rows: row " + std::to_string(i) + " has " +
                                  std::to_string(row.size()) + " elements, row 0 has " + std::to_string(col_count));
    std::int64_t j = 0;
    for (float value : row) m(i, j++) = value;
    ++i;
  }
  return m;
}

Matrix transposed(ConstMatrixView x) {
  Matrix t(x.cols(), x.rows());
  for (std::int64_t j = 0; j < x.cols(); ++j)
    for (std::int64_t i = 0; i < x.rows(); ++i) t(j, i) = x(i, j);
  return t;
}

void ref_gemm(Trans trans_a, Trans trans_b, float alpha, ConstMatrixView a, ConstMatrixView b, float beta,
              MatrixView c) {
  const std::int64_t m = c.rows(), n = c.cols();
  const std::int64_t a_rows = trans_a == Trans::No ? a.rows() : a.cols();
  const std::int64_t k = trans_a == Trans::No ? a.cols() : a.rows();
  const std::int64_t b_rows = trans_b == Trans::No ? b.rows() : b.cols();
  const std::int64_t b_cols = trans_b == Trans::No ? b.cols() : b.rows();
  if (a_rows != m || b_rows != k || b_cols != n) {
    std::ostringstream message;
    message << "nnk::test::ref_gemm: op(A) is " << a_rows << " x " << k << ", op(B) is " << b_rows << " x " << b_cols
            << ", C is " << m << " x " << n << ": they do not form a GEMM";
    throw std::invalid_argument(message.str());
  }
  ref::sgemm(trans_a, trans_b, m, n, k, alpha, a.data(), a.ld(), b.data(), b.ld(), beta, c.data(), c.ld());
}

}  // namespace nnk::test
