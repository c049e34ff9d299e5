#include "core/eltwise_argument_checks.hpp"

#include "core/argument_checks.hpp"
#include "nnk/error.hpp"

namespace nnk::detail {

namespace {

// Softmax couples a whole column, so it has no elementwise derivative; its delta comes from loss_and_delta.
void expect_elementwise(const char* function, Activation g) {
  if (g == Activation::Softmax)
    fail(function, ": g = Softmax has no elementwise derivative (softmax is an output activation; ",
         "use loss_and_delta with Loss::CategoricalCrossEntropy for its delta)");
}

}  // namespace

bool check_bias_activation_forward(const char* function, Activation g, const ConstMatrixView& z, const ConstMatrixView& bias,
                                   const ConstMatrixView& a) {
  expect_valid(function, "g", g);
  expect_same_shape(function, "a", a, "z", z);
  const bool has_bias = !(bias.rows() == 0 && bias.cols() == 0);
  if (has_bias && !(bias.rows() == z.rows() && bias.cols() == 1))
    fail(function, ": bias is ", shape_of(bias), ", expected rows(z) x 1 = ", z.rows(), " x 1, or 0 x 0 for no bias");
  return has_bias;
}

void check_activation_derivative(const char* function, Activation g, const ConstMatrixView& a, const ConstMatrixView& derivative) {
  expect_valid(function, "g", g);
  expect_elementwise(function, g);
  expect_same_shape(function, "derivative", derivative, "a", a);
}

void check_activation_backward(const char* function, Activation g, const ConstMatrixView& a, const ConstMatrixView& da,
                               const ConstMatrixView& dz) {
  expect_valid(function, "g", g);
  expect_elementwise(function, g);
  expect_same_shape(function, "da", da, "a", a);
  expect_same_shape(function, "dz", dz, "a", a);
}

void check_loss_and_delta(const char* function, Loss loss, const ConstMatrixView& z, const ConstMatrixView& y,
                          const ConstMatrixView& delta) {
  expect_valid(function, "loss", loss);
  if (z.rows() == 0) fail(function, ": z has 0 rows, expected at least 1 output unit");
  if (z.cols() == 0) fail(function, ": z has 0 columns, expected at least 1 example");
  expect_same_shape(function, "y", y, "z", z);
  expect_same_shape(function, "delta", delta, "z", z);
}

void check_bias_gradient(const char* function, const ConstMatrixView& dz, const ConstMatrixView& db) {
  expect_shape(function, "db", db, {dz.rows(), 1}, "rows(dz) x 1");
}

void check_regularization(const char* function, Regularization reg) {
  expect_finite_nonnegative(function, "reg.l1", reg.l1);
  expect_finite_nonnegative(function, "reg.l2", reg.l2);
}

bool check_sgd_update(const char* function, const ConstMatrixView& w, const ConstMatrixView& dw, const ConstMatrixView& velocity,
                      const Sgd& opt, Regularization reg) {
  expect_same_shape(function, "dw", dw, "w", w);
  expect_finite_nonnegative(function, "opt.learning_rate", opt.learning_rate);
  expect_decay_rate(function, "opt.momentum", opt.momentum);
  check_regularization(function, reg);
  const bool uses_momentum = opt.momentum != 0.0f;
  const bool velocity_empty = velocity.rows() == 0 && velocity.cols() == 0;
  if (!same_shape(velocity, w) && (uses_momentum || !velocity_empty))
    fail(function, ": velocity is ", shape_of(velocity), ", expected the shape of w, ", shape_of(w),
         uses_momentum ? " (momentum != 0)" : ", or 0 x 0 when momentum == 0");
  return uses_momentum;
}

void check_adam_update(const char* function, const ConstMatrixView& w, const ConstMatrixView& dw, const ConstMatrixView& m1,
                       const ConstMatrixView& m2, std::int64_t step, const Adam& opt, Regularization reg) {
  expect_same_shape(function, "dw", dw, "w", w);
  expect_same_shape(function, "m1", m1, "w", w);
  expect_same_shape(function, "m2", m2, "w", w);
  if (step < 1) fail(function, ": step must be >= 1 (the first step is 1), got ", step);
  expect_finite_nonnegative(function, "opt.learning_rate", opt.learning_rate);
  expect_decay_rate(function, "opt.beta1", opt.beta1);
  expect_decay_rate(function, "opt.beta2", opt.beta2);
  expect_finite_positive(function, "opt.epsilon", opt.epsilon);
  check_regularization(function, reg);
}

}  // namespace nnk::detail
