// Parameter updates, naive: the regularization cost and one SGD or Adam step on a weight matrix.
#include <cmath>
#include <cstdint>

#include "nnk/error.hpp"
#include "nnk/ref.hpp"
#include "core/eltwise_argument_checks.hpp"

namespace nnk::ref {

namespace {

// sign(0) = 0: a weight at exactly zero gets no L1 push (the subgradient the design chose).
double sign(double w) { return w > 0 ? 1.0 : (w < 0 ? -1.0 : 0.0); }

// g = dW + l1*sign(W) + l2*W: the gradient of the cost including the regularization term.
double regularized_gradient(float w, float dw, Regularization reg) {
  return static_cast<double>(dw) + static_cast<double>(reg.l1) * sign(w) +
         static_cast<double>(reg.l2) * static_cast<double>(w);
}

}  // namespace

double regularization_cost(ConstMatrixView w, Regularization reg) {
  nnk::detail::check_regularization("nnk::ref::regularization_cost", reg);
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
  const bool uses_momentum = nnk::detail::check_sgd_update("nnk::ref::sgd_update", w, dw, velocity, opt, reg);

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
  nnk::detail::check_adam_update("nnk::ref::adam_update", w, dw, m1, m2, step, opt, reg);

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
