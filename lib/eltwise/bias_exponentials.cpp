#include "eltwise/bias_exponentials.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace nnk::eltwise {

std::optional<BiasExponentialTable> BiasExponentialTable::of(const float* bias, std::int64_t rows) {
  BiasExponentialTable table;
  const auto n = static_cast<std::size_t>(rows);
  table.power_.resize(n);
  table.high_.resize(n);
  table.low_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double b = bias[i];
    if (!(std::fabs(b) <= kLargestTabulatedBias)) return std::nullopt;  // also NaN
    // e^b = 2^power m with m = 2^(b log2 e - power) in [1/sqrt 2, sqrt 2]; e^b is a normal double for |b| <= 100
    // and the scaling by 2^-power is exact, so m carries glibc's exp error alone (< 1 ulp of a double).
    const double power = std::nearbyint(b * std::numbers::log2e);
    const double m = std::ldexp(std::exp(b), -static_cast<int>(power));
    const float high = static_cast<float>(m);
    table.power_[i] = static_cast<float>(power);
    table.high_[i] = high;
    table.low_[i] = static_cast<float>(m - static_cast<double>(high));
    table.largest_power_ = std::max(table.largest_power_, static_cast<float>(std::fabs(power)));
  }
  return table;
}

}  // namespace nnk::eltwise
