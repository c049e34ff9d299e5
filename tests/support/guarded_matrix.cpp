// GuardedMatrix: the sentinel-filled storage and the check that reports changed guard and gap floats.
#include "support/guarded_matrix.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "support/float_bits.hpp"

namespace nnk::test {

namespace {

float sentinel() { return std::bit_cast<float>(GuardedMatrix::kSentinelBits); }

bool holds_sentinel(float x) { return std::bit_cast<std::uint32_t>(x) == GuardedMatrix::kSentinelBits; }

}  // namespace

GuardedMatrix::GuardedMatrix(std::int64_t rows, std::int64_t cols, std::int64_t ld, std::int64_t misalign_floats)
    : rows_(rows), cols_(cols), ld_(ld), misalign_floats_(misalign_floats) {
  if (rows < 0 || cols < 0 || ld < std::max<std::int64_t>(1, rows) || misalign_floats < 0 || misalign_floats >= 16) {
    std::ostringstream message;
    message << "nnk::test::GuardedMatrix: need rows, cols >= 0, ld >= max(1, rows), 0 <= misalign_floats < 16; got "
            << rows << " x " << cols << ", ld " << ld << ", misalign_floats " << misalign_floats;
    throw std::invalid_argument(message.str());
  }
  constexpr std::int64_t kAlignFloats = static_cast<std::int64_t>(Matrix::kAlignment / sizeof(float));
  const std::int64_t front = kGuardFloats + misalign_floats;
  storage_.assign(static_cast<std::size_t>(kAlignFloats - 1 + front + ld * cols + kGuardFloats), sentinel());
  // The first 64-byte boundary inside the storage starts the front guard; data_ follows it.
  const auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
  const auto padding = static_cast<std::int64_t>((Matrix::kAlignment - address % Matrix::kAlignment) %
                                                 Matrix::kAlignment / sizeof(float));
  front_guard_ = storage_.data() + padding;
  data_ = front_guard_ + front;
  fill(0.0f);
}

GuardedMatrix::GuardedMatrix(std::int64_t rows, std::int64_t cols)
    : GuardedMatrix(rows, cols, std::max<std::int64_t>(1, rows)) {}

void GuardedMatrix::fill(float value) {
  for (std::int64_t j = 0; j < cols_; ++j)
    for (std::int64_t i = 0; i < rows_; ++i) (*this)(i, j) = value;
}

void GuardedMatrix::fill_nan() { fill(std::numeric_limits<float>::quiet_NaN()); }

void GuardedMatrix::fill_random(Rng& rng, float lo, float hi) { rng.fill(view(), lo, hi); }

void GuardedMatrix::copy_from(ConstMatrixView source) {
  if (source.rows() != rows_ || source.cols() != cols_) {
    std::ostringstream message;
    message << "nnk::test::GuardedMatrix::copy_from: source is " << source.rows() << " x " << source.cols()
            << ", expected " << rows_ << " x " << cols_;
    throw std::invalid_argument(message.str());
  }
  for (std::int64_t j = 0; j < cols_; ++j)
    for (std::int64_t i = 0; i < rows_; ++i) (*this)(i, j) = source(i, j);
}

Matrix GuardedMatrix::to_matrix() const { return Matrix::from(view()); }

::testing::AssertionResult GuardedMatrix::guards_intact() const {
  constexpr int kMaxListed = 8;
  std::ostringstream report;
  int changed = 0;
  auto check = [&](float value, auto&& describe_position) {
    if (holds_sentinel(value)) return;
    if (++changed <= kMaxListed) report << "\n  " << describe_position() << " is " << describe_bits(value);
  };
  const std::int64_t front = kGuardFloats + misalign_floats_;
  for (std::int64_t f = 0; f < front; ++f)
    check(front_guard_[f], [&] { return "front guard: float " + std::to_string(front - f) + " before data"; });
  for (std::int64_t j = 0; j < cols_; ++j)
    for (std::int64_t i = rows_; i < ld_; ++i)
      check(data_[i + j * ld_], [&] {
        return "gap row (i = " + std::to_string(i) + ", j = " + std::to_string(j) + ")";
      });
  const float* back_guard = data_ + ld_ * cols_;
  for (std::int64_t f = 0; f < kGuardFloats; ++f)
    check(back_guard[f], [&] { return "back guard: float " + std::to_string(f) + " past the end"; });

  if (changed == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << changed << " guard/gap float(s) of a " << rows_ << " x " << cols_
                                       << " matrix (ld " << ld_ << ", misaligned by " << misalign_floats_
                                       << " floats) no longer hold the sentinel " << describe_bits(sentinel())
                                       << (changed > kMaxListed ? "; the first ones:" : ":") << report.str();
}

}  // namespace nnk::test
