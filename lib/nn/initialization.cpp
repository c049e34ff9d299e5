#include "nn/initialization.hpp"

#include <cmath>

#include "core/counter_random.hpp"

namespace nnk::nn {

void initialize_weights(MatrixView weights, Activation activation, std::uint64_t seed, std::uint64_t layer) {
  const detail::CounterStream stream(seed, detail::RandomPurpose::Initialization, 0, layer);
  const double fan_out = static_cast<double>(weights.rows());
  const double fan_in = static_cast<double>(weights.cols());
  const bool he = activation == Activation::ReLU;
  const double he_stddev = std::sqrt(2.0 / fan_in);
  const double glorot_limit = std::sqrt(6.0 / (fan_in + fan_out));
  for (std::int64_t j = 0; j < weights.cols(); ++j) {
    for (std::int64_t i = 0; i < weights.rows(); ++i) {
      const auto index = static_cast<std::uint64_t>(i + j * weights.rows());
      const double w = he ? he_stddev * stream.normal(index) : glorot_limit * (2.0 * stream.uniform(index) - 1.0);
      weights(i, j) = static_cast<float>(w);
    }
  }
}

}  // namespace nnk::nn
