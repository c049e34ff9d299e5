// Activations, naive: the forward pass A = g(Z + bias) and the backward pass through g, computed from A.
#include <cmath>
#include <cstdint>

#include "nnk/error.hpp"
#include "nnk/ref.hpp"
#include "core/eltwise_argument_checks.hpp"
#include "ref/ref_math.hpp"

namespace nnk::ref {

namespace {

// g'(.) from the activation output a (the design stores A, not Z, for hidden layers).
double derivative_from_output(Activation g, double a) {
  switch (g) {
    case Activation::Identity: return 1.0;
    case Activation::Sigmoid: return a * (1.0 - a);
    case Activation::Tanh: return 1.0 - a * a;
    case Activation::ReLU: return a > 0 ? 1.0 : 0.0;
    case Activation::Softmax: break;
  }
  return std::nan("");  // unreachable: callers reject Softmax
}

}  // namespace

void bias_activation_forward(Activation g, ConstMatrixView z, ConstMatrixView bias, MatrixView a) {
  const bool has_bias = nnk::detail::check_bias_activation_forward("nnk::ref::bias_activation_forward", g, z, bias, a);

  // Reads z(i, j) before a(i, j) is written, so a may be z itself.
  auto biased_z = [&](std::int64_t i, std::int64_t j) {
    return static_cast<double>(z(i, j)) + (has_bias ? static_cast<double>(bias(i, 0)) : 0.0);
  };
  for (std::int64_t j = 0; j < z.cols(); ++j) {
    if (g == Activation::Softmax) {
      if (z.rows() == 0) continue;
      const detail::ColumnExpSums sums = detail::column_exp_sums(z.rows(), [&](std::int64_t i) { return biased_z(i, j); });
      for (std::int64_t i = 0; i < z.rows(); ++i)
        a(i, j) = static_cast<float>(std::exp(biased_z(i, j) - sums.max) / sums.sum_exp);
    } else {
      for (std::int64_t i = 0; i < z.rows(); ++i) a(i, j) = static_cast<float>(detail::activate_elementwise(g, biased_z(i, j)));
    }
  }
}

void activation_derivative(Activation g, ConstMatrixView a, MatrixView derivative) {
  nnk::detail::check_activation_derivative("nnk::ref::activation_derivative", g, a, derivative);
  for (std::int64_t j = 0; j < a.cols(); ++j)
    for (std::int64_t i = 0; i < a.rows(); ++i) derivative(i, j) = static_cast<float>(derivative_from_output(g, a(i, j)));
}

void activation_backward(Activation g, ConstMatrixView a, ConstMatrixView da, MatrixView dz) {
  nnk::detail::check_activation_backward("nnk::ref::activation_backward", g, a, da, dz);
  // Elementwise, each element read before it is written: dz may be da itself.
  for (std::int64_t j = 0; j < a.cols(); ++j)
    for (std::int64_t i = 0; i < a.rows(); ++i)
      dz(i, j) = static_cast<float>(static_cast<double>(da(i, j)) * derivative_from_output(g, a(i, j)));
}

}  // namespace nnk::ref
