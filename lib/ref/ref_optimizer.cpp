// Parameter updates, naive: the regularization cost and one SGD or Adam step on a weight matrix.
#include <cmath>
#include <cstdint>

#include "nnk/error.hpp"
#include "nnk/ref.hpp"
#include "ref/ref_checks.hpp"

namespace nnk::ref {

namespace {

void check_regularization(const char* function, Regularization reg) {
  detail::expect_finite_nonnegative(function, "reg.l1", reg.l1);
  detail::expect_finite_nonnegative(function, "reg.l2", reg.l2);
}

// sign(0) = 0: a weight at exactly zero gets no L1 push (the subgradient the design chose).
double sign(double w) { return w > 0 ? 1.0 : (w < 0 ? -1.0 : 0.0); }

// g = dW + l1*sign(W) + l2*W: the gradient of the cost including the regularization term.
double regularized_gradient(float w, float dw, Regularization reg) {
  return static_cast<double>(dw) + static_cast<double>(reg.l1) * sign(w) +
         static_cast<double>(reg.l2) * static_cast<double>(w);
}

}  // namespace

double regularization_cost(ConstMatrixView w, Regularization reg) {
  check_regularization("nnk::ref::regularization_cost", reg);
  double abs_sum = 0, square_sum = 0;
  for (std::int64_t j = 0; j < w.cols(); ++j) {
    for (std::int64_t i = 0; i < w.rows(); ++i) {
      const double wij = w(i, j);
      abs_sum += std::fabs(wij);
      square_sum += wij * wij;
    }
  }
  return static_cast<double>(reg.l1) * abs_sum + 0.5 * static_cast<double>(reg.l2) * square_sum;
}

void sgd_update(MatrixView w, ConstMatrixView dw, MatrixView velocity, const Sgd& opt, Regularization reg) {
  constexpr const char* kFunction = "nnk::ref::sgd_update";
  detail::expect_same_shape(kFunction, "dw", dw, "w", w);
  detail::expect_finite_nonnegative(kFunction, "opt.learning_rate", opt.learning_rate);
  detail::expect_decay_rate(kFunction, "opt.momentum", opt.momentum);
  check_regularization(kFunction, reg);
  const bool uses_momentum = opt.momentum != 0.0f;
  const bool velocity_empty = velocity.rows() == 0 && velocity.cols() == 0;
  if (!detail::same_shape(velocity, w) && (uses_momentum || !velocity_empty))
    nnk::detail::fail(kFunction, ": velocity is ", detail::shape_of(velocity), ", expected the shape of w, ",
                      detail::shape_of(w), uses_momentum ? " (momentum != 0)" : ", or 0 x 0 when momentum == 0");

  const double learning_rate = opt.learning_rate, momentum = opt.momentum;
  for (std::int64_t j = 0; j < w.cols(); ++j) {
    for (std::int64_t i = 0; i < w.rows(); ++i) {
      double step = regularized_gradient(w(i, j), dw(i, j), reg);
      if (uses_momentum) {  // without momentum the velocity is neither read nor written
        step += momentum * static_cast<double>(velocity(i, j));
        velocity(i, j) = static_cast<float>(step);
      }
      w(i, j) = static_cast<float>(static_cast<double>(w(i, j)) - learning_rate * step);
    }
  }
}

void adam_update(MatrixView w, ConstMatrixView dw, MatrixView m1, MatrixView m2, std::int64_t step, const Adam& opt,
                 Regularization reg) {
  constexpr const char* kFunction = "nnk::ref::adam_update";
  detail::expect_same_shape(kFunction, "dw", dw, "w", w);
  detail::expect_same_shape(kFunction, "m1", m1, "w", w);
  detail::expect_same_shape(kFunction, "m2", m2, "w", w);
  if (step < 1) nnk::detail::fail(kFunction, ": step must be >= 1 (the first step is 1), got ", step);
  detail::expect_finite_nonnegative(kFunction, "opt.learning_rate", opt.learning_rate);
  detail::expect_decay_rate(kFunction, "opt.beta1", opt.beta1);
  detail::expect_decay_rate(kFunction, "opt.beta2", opt.beta2);
  detail::expect_finite_positive(kFunction, "opt.epsilon", opt.epsilon);
  check_regularization(kFunction, reg);

  const double beta1 = opt.beta1, beta2 = opt.beta2;
  const double learning_rate = opt.learning_rate, epsilon = opt.epsilon;
  // m / (1 - beta^step) removes the bias of moment estimates that start at 0.
  const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(step));
  const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(step));
  for (std::int64_t j = 0; j < w.cols(); ++j) {
    for (std::int64_t i = 0; i < w.rows(); ++i) {
      const double g = regularized_gradient(w(i, j), dw(i, j), reg);
      const double first = beta1 * static_cast<double>(m1(i, j)) + (1.0 - beta1) * g;
      const double second = beta2 * static_cast<double>(m2(i, j)) + (1.0 - beta2) * g * g;
      m1(i, j) = static_cast<float>(first);
      m2(i, j) = static_cast<float>(second);
      const double update = learning_rate * (first / correction1) / (std::sqrt(second / correction2) + epsilon);
      w(i, j) = static_cast<float>(static_cast<double>(w(i, j)) - update);
    }
  }
}

}  // namespace nnk::ref
