// GuardedMatrix: an output buffer that catches out-of-bounds writes.
//
// It owns ld * cols floats with guard zones before and after, all filled with a sentinel bit pattern, and the
// sentinel also fills the gap rows [rows, ld) of every column. After a kernel wrote through view(),
// EXPECT_TRUE(m.guards_intact()) fails, naming each guard or gap element that changed. view() can be offset from
// 64-byte alignment to exercise the unaligned paths of a kernel.
#pragma once

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/matrix.hpp"
#include "support/random.hpp"

namespace nnk::test {

class GuardedMatrix {
 public:
  static constexpr std::int64_t kGuardFloats = 16;  // 64 bytes on each side: one cache line, a full AVX-512 vector
  // A signaling NaN: any arithmetic on it would change its bits (quiet it), so a kernel that reads and re-writes a
  // guard through float math is caught too, and it is not a value a kernel would produce by accident.
  static constexpr std::uint32_t kSentinelBits = 0x7FBADBADu;

  // rows x cols with leading dimension ld >= max(1, rows); view().data() lies misalign_floats floats past a 64-byte
  // boundary, 0 <= misalign_floats < 16. The active area starts zeroed. Throws std::invalid_argument on bad sizes.
  GuardedMatrix(std::int64_t rows, std::int64_t cols, std::int64_t ld, std::int64_t misalign_floats = 0);
  // ld = max(1, rows), aligned.
  GuardedMatrix(std::int64_t rows, std::int64_t cols);

  // Move-only: the view points into this object's storage.
  GuardedMatrix(GuardedMatrix&&) noexcept = default;
  GuardedMatrix& operator=(GuardedMatrix&&) noexcept = default;
  GuardedMatrix(const GuardedMatrix&) = delete;
  GuardedMatrix& operator=(const GuardedMatrix&) = delete;

  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::int64_t ld() const { return ld_; }
  std::int64_t misalign_floats() const { return misalign_floats_; }

  MatrixView view() { return MatrixView(data_, rows_, cols_, ld_); }
  ConstMatrixView view() const { return ConstMatrixView(data_, rows_, cols_, ld_); }
  float& operator()(std::int64_t i, std::int64_t j) { return data_[i + j * ld_]; }
  float operator()(std::int64_t i, std::int64_t j) const { return data_[i + j * ld_]; }

  // These write the active area only; guards and gaps keep the sentinel.
  void fill(float value);
  // Quiet NaN everywhere: a kernel called with beta == 0 must overwrite every element without reading it.
  void fill_nan();
  void fill_random(Rng& rng, float lo, float hi);
  void copy_from(ConstMatrixView source);  // source must be rows x cols

  // A compact copy (ld == rows) of the active area.
  Matrix to_matrix() const;

  // Success when every guard and gap float still holds kSentinelBits; otherwise lists the changed ones.
  ::testing::AssertionResult guards_intact() const;

 private:
  std::int64_t rows_, cols_, ld_, misalign_floats_;
  std::vector<float> storage_;  // alignment padding + front guard + ld * cols + back guard
  float* front_guard_ = nullptr;  // 64-byte aligned; kGuardFloats + misalign_floats floats long
  float* data_ = nullptr;
};

}  // namespace nnk::test
