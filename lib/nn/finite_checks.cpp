#include "nn/finite_checks.hpp"

#include <bit>
#include <cmath>

namespace nnk::nn {

namespace {

// A float is finite exactly when its bits without the sign are below those of +infinity. As signed 32-bit integers
// the compare and the OR vectorize with baseline SSE2 (an unsigned max would need SSE4.1).
constexpr std::int32_t kMagnitudeMask = 0x7FFFFFFF;
constexpr std::int32_t kInfinityBits = 0x7F800000;

bool any_non_finite(const float* x, std::int64_t n) {
  std::int32_t found = 0;
  for (std::int64_t i = 0; i < n; ++i)
    found |= static_cast<std::int32_t>((std::bit_cast<std::int32_t>(x[i]) & kMagnitudeMask) >= kInfinityBits);
  return found != 0;
}

}  // namespace

bool all_finite(ConstMatrixView v) {
  if (v.empty()) return true;
  if (v.ld() == v.rows()) return !any_non_finite(v.data(), v.size());
  for (std::int64_t j = 0; j < v.cols(); ++j)
    if (any_non_finite(v.col(j), v.rows())) return false;
  return true;
}

std::optional<NonFiniteElement> first_non_finite(ConstMatrixView v) {
  for (std::int64_t j = 0; j < v.cols(); ++j)
    for (std::int64_t i = 0; i < v.rows(); ++i)
      if (!std::isfinite(v(i, j))) return NonFiniteElement{i, j, v(i, j)};
  return std::nullopt;
}

std::optional<NonFiniteParameter> first_non_finite_parameter(const Network::State& state) {
  for (std::size_t l = 0; l < state.num_layers(); ++l) {
    for (const bool is_bias : {false, true}) {
      const Matrix& p = is_bias ? state.layers[l].bias : state.layers[l].weights;
      if (all_finite(p)) continue;
      if (const auto element = first_non_finite(p)) return NonFiniteParameter{l, is_bias, *element};
    }
  }
  return std::nullopt;
}

}  // namespace nnk::nn
