// Bad arguments: every kernel rejects exactly what its nnk::ref twin rejects, with the same message under its own
// name ("nnk::f: ..." for "nnk::ref::f: ..."), because both call the same checks
// (lib/core/eltwise_argument_checks.hpp).
#include <functional>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "nnk/error.hpp"
#include "nnk/kernels.hpp"
#include "nnk/ref.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

std::string error_message(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no nnk::Error)";
}

// Both calls throw nnk::Error, and the messages agree once "nnk::ref::" reads "nnk::".
::testing::AssertionResult rejected_like_the_reference(const std::function<void()>& kernel_call,
                                                       const std::function<void()>& reference_call) {
  std::string expected = error_message(reference_call);
  if (expected == "(no nnk::Error)") return ::testing::AssertionFailure() << "the reference accepts the arguments";
  const std::string::size_type at = expected.find("nnk::ref::");
  if (at != std::string::npos) expected.replace(at, 10, "nnk::");
  const std::string actual = error_message(kernel_call);
  if (actual == expected) return ::testing::AssertionSuccess() << actual;
  return ::testing::AssertionFailure() << "expected \"" << expected << "\", got \"" << actual << "\"";
}

#define EXPECT_REJECTED_LIKE_REF(call) \
  EXPECT_TRUE(rejected_like_the_reference([&] { (void)nnk::call; }, [&] { (void)nnk::ref::call; }))

TEST(EltwiseArguments, ActivationsRejectWhatTheReferenceRejects) {
  Matrix z(3, 5), a(3, 5), wrong(3, 4), bias(3, 1), wrong_bias(2, 1);
  EXPECT_REJECTED_LIKE_REF(bias_activation_forward(Activation::Tanh, z, {}, wrong));
  EXPECT_REJECTED_LIKE_REF(bias_activation_forward(Activation::Tanh, z, wrong_bias, a));
  EXPECT_REJECTED_LIKE_REF(bias_activation_forward(static_cast<Activation>(42), z, bias, a));
  EXPECT_REJECTED_LIKE_REF(activation_derivative(Activation::ReLU, a, wrong));
  EXPECT_REJECTED_LIKE_REF(activation_derivative(Activation::Softmax, a, a));
  EXPECT_REJECTED_LIKE_REF(activation_derivative(static_cast<Activation>(-1), a, a));
  EXPECT_REJECTED_LIKE_REF(activation_backward(Activation::Sigmoid, a, wrong, z));
  EXPECT_REJECTED_LIKE_REF(activation_backward(Activation::Sigmoid, a, z, wrong));
  EXPECT_REJECTED_LIKE_REF(activation_backward(Activation::Softmax, a, z, a));
  // The message names the argument and both shapes.
  EXPECT_TRUE(throws_error_containing([&] { bias_activation_forward(Activation::Tanh, z, wrong_bias, a); },
                                      {"nnk::bias_activation_forward: bias is 2 x 1, expected rows(z) x 1 = 3 x 1"}));
}

TEST(EltwiseArguments, LossesAndGradientsRejectWhatTheReferenceRejects) {
  Matrix z(3, 5), y(3, 5), wrong(3, 4), no_rows(0, 5), no_cols(3, 0), db(3, 1), wrong_db(3, 2);
  EXPECT_REJECTED_LIKE_REF(loss_and_delta(Loss::MeanSquaredError, z, wrong, y));
  EXPECT_REJECTED_LIKE_REF(loss_and_delta(Loss::BinaryCrossEntropy, z, y, wrong));
  EXPECT_REJECTED_LIKE_REF(loss_and_delta(Loss::MeanSquaredError, no_rows, no_rows, no_rows));
  EXPECT_REJECTED_LIKE_REF(loss_and_delta(Loss::MeanSquaredError, no_cols, no_cols, no_cols));
  EXPECT_REJECTED_LIKE_REF(loss_and_delta(static_cast<Loss>(9), z, y, z));
  EXPECT_REJECTED_LIKE_REF(bias_gradient(z, 1.0f, wrong_db));
  EXPECT_REJECTED_LIKE_REF(bias_gradient(z, 1.0f, Matrix(2, 1)));
  EXPECT_TRUE(throws_error_containing([&] { bias_gradient(z, 1.0f, wrong_db); },
                                      {"nnk::bias_gradient: db is 3 x 2, expected rows(dz) x 1 = 3 x 1"}));
}

TEST(EltwiseArguments, OptimizersRejectWhatTheReferenceRejects) {
  Matrix w(2, 3), dw(2, 3), v(2, 3), wrong(3, 3), m1(2, 3), m2(2, 3);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_REJECTED_LIKE_REF(sgd_update(w, wrong, v, Sgd{}, {}));
  EXPECT_REJECTED_LIKE_REF(sgd_update(w, dw, wrong, Sgd{.momentum = 0.5f}, {}));
  EXPECT_REJECTED_LIKE_REF(sgd_update(w, dw, wrong, Sgd{}, {}));
  EXPECT_REJECTED_LIKE_REF(sgd_update(w, dw, v, Sgd{.learning_rate = -1}, {}));
  EXPECT_REJECTED_LIKE_REF(sgd_update(w, dw, v, Sgd{.momentum = 1}, {}));
  EXPECT_REJECTED_LIKE_REF(sgd_update(w, dw, v, Sgd{}, {.l1 = nan}));
  EXPECT_REJECTED_LIKE_REF(sgd_update(w, dw, v, Sgd{}, {.l2 = -0.5f}));
  EXPECT_REJECTED_LIKE_REF(adam_update(w, dw, m1, wrong, 1, Adam{}, {}));
  EXPECT_REJECTED_LIKE_REF(adam_update(w, dw, wrong, m2, 1, Adam{}, {}));
  EXPECT_REJECTED_LIKE_REF(adam_update(w, dw, m1, m2, 0, Adam{}, {}));
  EXPECT_REJECTED_LIKE_REF(adam_update(w, dw, m1, m2, 1, Adam{.beta1 = 1}, {}));
  EXPECT_REJECTED_LIKE_REF(adam_update(w, dw, m1, m2, 1, Adam{.beta2 = -0.1f}, {}));
  EXPECT_REJECTED_LIKE_REF(adam_update(w, dw, m1, m2, 1, Adam{.epsilon = 0}, {}));
  EXPECT_REJECTED_LIKE_REF(adam_update(w, dw, m1, m2, 1, Adam{.learning_rate = nan}, {}));
  EXPECT_REJECTED_LIKE_REF(regularization_cost(w, {.l1 = -1}));
  EXPECT_TRUE(throws_error_containing([&] { adam_update(w, dw, m1, m2, 0, Adam{}, {}); },
                                      {"nnk::adam_update: step must be >= 1 (the first step is 1), got 0"}));
}

}  // namespace
}  // namespace nnk::test
