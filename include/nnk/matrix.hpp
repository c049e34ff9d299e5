// Matrix (owning) and MatrixView / ConstMatrixView (borrowed): column-major float matrices.
//
// Element (i, j) lives at data()[i + j * ld()]. Examples are columns, so a block of examples is a contiguous column
// block: view.col_block(j0, count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "nnk/error.hpp"

namespace nnk {

namespace detail {
// Shape checks of the view constructors and sub-views (always on: they run once per view, not per element).
void check_view(const char* function, std::int64_t rows, std::int64_t cols, std::int64_t ld, const void* data);
void check_block(const char* function, std::int64_t rows, std::int64_t cols, std::int64_t row0, std::int64_t nrows,
                 std::int64_t col0, std::int64_t ncols);
}  // namespace detail

// A read-only view: rows x cols, leading dimension ld >= max(1, rows), not owning its data.
class ConstMatrixView {
 public:
  ConstMatrixView() = default;
  ConstMatrixView(const float* data, std::int64_t rows, std::int64_t cols, std::int64_t ld)
      : data_(data), rows_(rows), cols_(cols), ld_(ld) {
    detail::check_view("nnk::ConstMatrixView", rows, cols, ld, data);
  }
  ConstMatrixView(const float* data, std::int64_t rows, std::int64_t cols)
      : ConstMatrixView(data, rows, cols, rows > 0 ? rows : 1) {}

  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::int64_t ld() const { return ld_; }
  std::int64_t size() const { return rows_ * cols_; }
  bool empty() const { return rows_ == 0 || cols_ == 0; }
  const float* data() const { return data_; }
  const float* col(std::int64_t j) const { return data_ + j * ld_; }
  float operator()(std::int64_t i, std::int64_t j) const { return data_[i + j * ld_]; }

  // Columns [col0, col0 + ncols): a contiguous block of examples.
  ConstMatrixView col_block(std::int64_t col0, std::int64_t ncols) const { return block(0, col0, rows_, ncols); }
  // Rows [row0, row0 + nrows) x columns [col0, col0 + ncols), same ld.
  ConstMatrixView block(std::int64_t row0, std::int64_t col0, std::int64_t nrows, std::int64_t ncols) const {
    detail::check_block("nnk::ConstMatrixView::block", rows_, cols_, row0, nrows, col0, ncols);
    return ConstMatrixView(data_ + row0 + col0 * ld_, nrows, ncols, ld_);
  }

 private:
  const float* data_ = nullptr;
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
  std::int64_t ld_ = 1;
};

// A mutable view with the same layout rules; converts to ConstMatrixView.
class MatrixView {
 public:
  MatrixView() = default;
  MatrixView(float* data, std::int64_t rows, std::int64_t cols, std::int64_t ld)
      : data_(data), rows_(rows), cols_(cols), ld_(ld) {
    detail::check_view("nnk::MatrixView", rows, cols, ld, data);
  }
  MatrixView(float* data, std::int64_t rows, std::int64_t cols) : MatrixView(data, rows, cols, rows > 0 ? rows : 1) {}

  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::int64_t ld() const { return ld_; }
  std::int64_t size() const { return rows_ * cols_; }
  bool empty() const { return rows_ == 0 || cols_ == 0; }
  float* data() const { return data_; }
  float* col(std::int64_t j) const { return data_ + j * ld_; }
  float& operator()(std::int64_t i, std::int64_t j) const { return data_[i + j * ld_]; }

  MatrixView col_block(std::int64_t col0, std::int64_t ncols) const { return block(0, col0, rows_, ncols); }
  MatrixView block(std::int64_t row0, std::int64_t col0, std::int64_t nrows, std::int64_t ncols) const {
    detail::check_block("nnk::MatrixView::block", rows_, cols_, row0, nrows, col0, ncols);
    return MatrixView(data_ + row0 + col0 * ld_, nrows, ncols, ld_);
  }

  operator ConstMatrixView() const { return ConstMatrixView(data_, rows_, cols_, ld_); }  // NOLINT: implicit by design

 private:
  float* data_ = nullptr;
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
  std::int64_t ld_ = 1;
};

// An owning matrix: zero-initialized, 64-byte aligned, ld() == max(1, rows()). Movable and copyable (deep copy).
class Matrix {
 public:
  static constexpr std::size_t kAlignment = 64;

  Matrix() = default;
  Matrix(std::int64_t rows, std::int64_t cols);
  Matrix(const Matrix& other);
  Matrix& operator=(const Matrix& other);
  Matrix(Matrix&& other) noexcept = default;
  Matrix& operator=(Matrix&& other) noexcept = default;
  ~Matrix() = default;

  // A copy of any view's elements, compacted to ld == rows.
  static Matrix from(ConstMatrixView source);

  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::int64_t ld() const { return rows_ > 0 ? rows_ : 1; }
  std::int64_t size() const { return rows_ * cols_; }
  bool empty() const { return rows_ == 0 || cols_ == 0; }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  float* col(std::int64_t j) { return data() + j * ld(); }
  const float* col(std::int64_t j) const { return data() + j * ld(); }
  float& operator()(std::int64_t i, std::int64_t j) { return data_[i + j * ld()]; }
  float operator()(std::int64_t i, std::int64_t j) const { return data_[i + j * ld()]; }

  MatrixView view() { return MatrixView(data(), rows_, cols_, ld()); }
  ConstMatrixView view() const { return ConstMatrixView(data(), rows_, cols_, ld()); }
  operator MatrixView() { return view(); }             // NOLINT: implicit by design (net.forward(x))
  operator ConstMatrixView() const { return view(); }  // NOLINT
  MatrixView col_block(std::int64_t col0, std::int64_t ncols) { return view().col_block(col0, ncols); }
  ConstMatrixView col_block(std::int64_t col0, std::int64_t ncols) const { return view().col_block(col0, ncols); }

  // Sets every element to value.
  void fill(float value);

 private:
  struct AlignedFree {
    void operator()(float* p) const noexcept;
  };
  std::unique_ptr<float[], AlignedFree> data_;
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
};

}  // namespace nnk
