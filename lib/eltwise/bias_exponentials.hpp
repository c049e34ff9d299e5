// The table e^bias = high + low, one entry per row, that lets a softmax over many columns multiply e^z by e^bias
// instead of forming z + bias exactly (internal; generic translation unit).
//
// Forming v = z + bias exactly costs the softmax kernel a TwoSum and a correction per vector, about a fifth of its
// arithmetic; the table costs one double exponential per row, once per call, so it pays from a few hundred columns.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "eltwise/eltwise_kernels.hpp"

namespace nnk::eltwise {

// Columns from which the table is worth computing: ~10-20 ns per row against a few hundredths of a ns saved per
// element.
inline constexpr std::int64_t kBiasExponentialsFromColumns = 512;
// Biases within +-60: e^bias >= 9e-27 stays a normal float, so that what its low part can lose to flushing (FLT_MIN at
// most) is below 2^-39 of it.
inline constexpr float kLargestTabulatedBias = 60.0f;

class BiasExponentialTable {
 public:
  // The table of bias[0, rows), or nothing when a bias is not finite or beyond kLargestTabulatedBias.
  static std::optional<BiasExponentialTable> of(const float* bias, std::int64_t rows);
  BiasExponentials view() const { return {high_.data(), low_.data(), min_power_, max_power_}; }

 private:
  std::vector<float> high_, low_;
  float min_power_ = 0, max_power_ = 0;
};

}  // namespace nnk::eltwise
