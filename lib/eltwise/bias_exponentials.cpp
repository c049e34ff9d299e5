#include "eltwise/bias_exponentials.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace nnk::eltwise {

std::optional<BiasExponentialTable> BiasExponentialTable::of(const float* bias, std::int64_t rows) {
  BiasExponentialTable table;
  const auto n = static_cast<std::size_t>(rows);
  table.high_.resize(n);
  table.low_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double b = bias[i];
    if (!(std::fabs(b) <= kLargestTabulatedBias)) return std::nullopt;  // also NaN
    // glibc's exp: < 1 ulp of a double. high + low carries e^b to about 2^-48 relative.
    const double e = std::exp(b);
    const float high = static_cast<float>(e);
    table.high_[i] = high;
    table.low_[i] = static_cast<float>(e - static_cast<double>(high));
    const auto power = static_cast<float>(std::nearbyint(b * std::numbers::log2e));
    table.min_power_ = i == 0 ? power : std::min(table.min_power_, power);
    table.max_power_ = i == 0 ? power : std::max(table.max_power_, power);
  }
  return table;
}

}  // namespace nnk::eltwise
