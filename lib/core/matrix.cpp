#include "nnk/matrix.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace nnk {

namespace detail {

void check_view(const char* function, std::int64_t rows, std::int64_t cols, std::int64_t ld, const void* data) {
  if (rows < 0) fail(function, ": rows must be >= 0, got ", rows);
  if (cols < 0) fail(function, ": cols must be >= 0, got ", cols);
  if (ld < std::max<std::int64_t>(1, rows)) fail(function, ": ld must be >= max(1, rows) = ", std::max<std::int64_t>(1, rows), ", got ", ld);
  if (data == nullptr && rows > 0 && cols > 0)
    fail(function, ": data is null for a ", rows, " x ", cols, " matrix");
}

void check_block(const char* function, std::int64_t rows, std::int64_t cols, std::int64_t row0, std::int64_t nrows,
                 std::int64_t col0, std::int64_t ncols) {
  if (row0 < 0 || nrows < 0 || row0 > rows - nrows)
    fail(function, ": rows [", row0, ", ", row0 + nrows, ") must lie within [0, ", rows, ")");
  if (col0 < 0 || ncols < 0 || col0 > cols - ncols)
    fail(function, ": columns [", col0, ", ", col0 + ncols, ") must lie within [0, ", cols, ")");
}

}  // namespace detail

void Matrix::AlignedFree::operator()(float* p) const noexcept { std::free(p); }

namespace {

// Rounds up to the alignment, as std::aligned_alloc requires; a zero-size matrix allocates nothing.
float* allocate_zeroed(std::int64_t rows, std::int64_t cols) {
  if (rows < 0) detail::fail("nnk::Matrix: rows must be >= 0, got ", rows);
  if (cols < 0) detail::fail("nnk::Matrix: cols must be >= 0, got ", cols);
  if (rows == 0 || cols == 0) return nullptr;
  constexpr auto kMaxElements = std::numeric_limits<std::int64_t>::max() / static_cast<std::int64_t>(sizeof(float)) / 2;
  if (rows > kMaxElements / cols)
    detail::fail("nnk::Matrix: ", rows, " x ", cols, " elements exceed the addressable size");
  const std::size_t bytes = static_cast<std::size_t>(rows * cols) * sizeof(float);
  const std::size_t padded = (bytes + Matrix::kAlignment - 1) / Matrix::kAlignment * Matrix::kAlignment;
  void* p = std::aligned_alloc(Matrix::kAlignment, padded);
  if (p == nullptr) detail::fail("nnk::Matrix: cannot allocate ", rows, " x ", cols, " floats (", bytes, " bytes)");
  std::memset(p, 0, padded);
  return static_cast<float*>(p);
}

}  // namespace

Matrix::Matrix(std::int64_t rows, std::int64_t cols) : data_(allocate_zeroed(rows, cols)), rows_(rows), cols_(cols) {}

Matrix::Matrix(const Matrix& other) : Matrix(other.rows_, other.cols_) {
  if (!other.empty()) std::memcpy(data(), other.data(), static_cast<std::size_t>(size()) * sizeof(float));
}

Matrix& Matrix::operator=(const Matrix& other) {
  if (this != &other) *this = Matrix(other);
  return *this;
}

Matrix Matrix::from(ConstMatrixView source) {
  Matrix copy(source.rows(), source.cols());
  if (copy.empty()) return copy;  // no storage: nothing to copy (memcpy must not see a null pointer)
  for (std::int64_t j = 0; j < source.cols(); ++j)
    std::memcpy(copy.col(j), source.col(j), static_cast<std::size_t>(source.rows()) * sizeof(float));
  return copy;
}

void Matrix::fill(float value) { std::fill_n(data(), size(), value); }

}  // namespace nnk
