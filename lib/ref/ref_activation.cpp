// Activations, naive: the forward pass A = g(Z + bias) and the backward pass through g, computed from A.
#include <cmath>
#include <cstdint>

#include "nnk/error.hpp"
#include "nnk/ref.hpp"
#include "ref/ref_checks.hpp"
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

// Softmax couples a whole column, so it has no elementwise derivative; its delta comes from loss_and_delta.
void reject_softmax(const char* function, Activation g) {
  if (g == Activation::Softmax)
    nnk::detail::fail(function, ": g = Softmax has no elementwise derivative (softmax is an output activation; ",
                      "use loss_and_delta with Loss::CategoricalCrossEntropy for its delta)");
}

}  // namespace

void bias_activation_forward(Activation g, ConstMatrixView z, ConstMatrixView bias, MatrixView a) {
  constexpr const char* kFunction = "nnk::ref::bias_activation_forward";
  detail::expect_valid(kFunction, "g", g);
  detail::expect_same_shape(kFunction, "a", a, "z", z);
  const bool has_bias = !(bias.rows() == 0 && bias.cols() == 0);
  if (has_bias && !(bias.rows() == z.rows() && bias.cols() == 1))
    nnk::detail::fail(kFunction, ": bias is ", detail::shape_of(bias), ", expected rows(z) x 1 = ", z.rows(),
                      " x 1, or 0 x 0 for no bias");

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
  constexpr const char* kFunction = "nnk::ref::activation_derivative";
  detail::expect_valid(kFunction, "g", g);
  reject_softmax(kFunction, g);
  detail::expect_same_shape(kFunction, "derivative", derivative, "a", a);
  for (std::int64_t j = 0; j < a.cols(); ++j)
    for (std::int64_t i = 0; i < a.rows(); ++i) derivative(i, j) = static_cast<float>(derivative_from_output(g, a(i, j)));
}

void activation_backward(Activation g, ConstMatrixView a, ConstMatrixView da, MatrixView dz) {
  constexpr const char* kFunction = "nnk::ref::activation_backward";
  detail::expect_valid(kFunction, "g", g);
  reject_softmax(kFunction, g);
  detail::expect_same_shape(kFunction, "da", da, "a", a);
  detail::expect_same_shape(kFunction, "dz", dz, "a", a);
  // Elementwise, each element read before it is written: dz may be da itself.
  for (std::int64_t j = 0; j < a.cols(); ++j)
    for (std::int64_t i = 0; i < a.rows(); ++i)
      dz(i, j) = static_cast<float>(static_cast<double>(da(i, j)) * derivative_from_output(g, a(i, j)));
}

}  // namespace nnk::ref
