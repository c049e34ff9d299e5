// Scalar math shared by the nnk::ref kernels (internal to lib/ref). Everything is in double; callers round the
// result to float once, at the store.
#pragma once

#include <cmath>
#include <cstdint>

#include "nnk/types.hpp"

namespace nnk::ref::detail {

// 1 / (1 + e^-z): e^-z overflows to inf for z < -709, which gives the correct limit 0.
inline double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// max(z, 0), but NaN stays NaN (a plain `z > 0 ? z : 0` would turn NaN into 0 and hide it).
inline double relu(double z) {
  if (std::isnan(z)) return z;
  return z > 0 ? z : 0.0;
}

// g(z) for the elementwise activations; Softmax is per column and handled by the callers.
inline double activate_elementwise(Activation g, double z) {
  switch (g) {
    case Activation::Identity: return z;
    case Activation::Sigmoid: return sigmoid(z);
    case Activation::Tanh: return std::tanh(z);
    case Activation::ReLU: return relu(z);
    case Activation::Softmax: break;
  }
  return std::nan("");  // unreachable: callers validate g and treat Softmax separately
}

// The max and the sum of e^(v_i - max) of one column: softmax_i = e^(v_i - max) / sum_exp, and
// log-sum-exp = max + log(sum_exp). Subtracting the max keeps every exponent <= 0, so nothing overflows.
struct ColumnExpSums {
  double max;
  double sum_exp;
  double log_sum_exp() const { return max + std::log(sum_exp); }
};

// value_at(i) returns the i-th value of the column (as double), i in [0, rows); rows >= 1.
template <typename ValueAt>
ColumnExpSums column_exp_sums(std::int64_t rows, ValueAt value_at) {
  double max = value_at(0);
  for (std::int64_t i = 1; i < rows; ++i) max = std::fmax(max, value_at(i));
  double sum_exp = 0;
  for (std::int64_t i = 0; i < rows; ++i) sum_exp += std::exp(value_at(i) - max);
  return {max, sum_exp};
}

}  // namespace nnk::ref::detail
