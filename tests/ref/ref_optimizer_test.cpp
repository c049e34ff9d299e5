// nnk::ref::sgd_update, adam_update and regularization_cost against hand-computed steps.
//
// SGD values are worked out by hand in the comments. Adam values were computed beforehand with Python's decimal
// module at 50 digits, using the float32 values of the hyperparameters (0.01f, 0.9f, 0.999f, 1e-8f) exactly as the
// test passes them, and are written with 17 significant digits. Results are floats: compared to 1e-6 relative.
#include <cstdint>

#include <gtest/gtest.h>

#include "nnk/ref.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr double kFloatRelTol = 1e-6;
constexpr double kFloatAbsTol = 1e-7;

::testing::AssertionResult near(const Matrix& expected, const Matrix& actual) {
  return matrices_near(expected, actual, kFloatAbsTol, kFloatRelTol);
}

TEST(RefSgdUpdate, PlainStep) {
  Matrix w = matrix_from_rows({{1, -2, 0}});
  const Matrix dw = matrix_from_rows({{0.5f, 0.25f, 0.3f}});
  ref::sgd_update(w, dw, {}, Sgd{.learning_rate = 0.1f}, {});
  EXPECT_TRUE(near(matrix_from_rows({{0.95f, -2.025f, -0.03f}}), w));  // w - 0.1 * dw
}

TEST(RefSgdUpdate, WithoutMomentumTheVelocityIsNeitherReadNorWritten) {
  Matrix w = matrix_from_rows({{1, -2}});
  Matrix velocity = matrix_from_rows({{100, 100}});
  ref::sgd_update(w, matrix_from_rows({{0.5f, 0.25f}}), velocity, Sgd{.learning_rate = 0.1f}, {});
  EXPECT_TRUE(near(matrix_from_rows({{0.95f, -2.025f}}), w));
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{100, 100}}), velocity));
}

TEST(RefSgdUpdate, L2AddsL2TimesW) {
  Matrix w = matrix_from_rows({{1, -2, 0}});
  const Matrix dw = matrix_from_rows({{0.5f, 0.25f, 0.3f}});
  // g = dw + 0.1 * w = (0.6, 0.05, 0.3)
  ref::sgd_update(w, dw, {}, Sgd{.learning_rate = 0.1f}, Regularization{.l2 = 0.1f});
  EXPECT_TRUE(near(matrix_from_rows({{0.94f, -2.005f, -0.03f}}), w));
}

TEST(RefSgdUpdate, L1AddsL1TimesSignOfWAndNothingAtZero) {
  Matrix w = matrix_from_rows({{1, -2, 0}});
  const Matrix dw = matrix_from_rows({{0.5f, 0.25f, 0.3f}});
  // g = dw + 0.5 * sign(w) = (1.0, -0.25, 0.3): sign(0) = 0
  ref::sgd_update(w, dw, {}, Sgd{.learning_rate = 0.1f}, Regularization{.l1 = 0.5f});
  EXPECT_TRUE(near(matrix_from_rows({{0.9f, -1.975f, -0.03f}}), w));
}

TEST(RefSgdUpdate, MomentumFirstTwoSteps) {
  Matrix w = matrix_from_rows({{1, -2}});
  Matrix velocity(1, 2);
  const Sgd opt{.learning_rate = 0.1f, .momentum = 0.9f};
  // Step 1: v = g1 = (0.5, 0.25); w = (1 - 0.05, -2 - 0.025).
  ref::sgd_update(w, matrix_from_rows({{0.5f, 0.25f}}), velocity, opt, {});
  EXPECT_TRUE(near(matrix_from_rows({{0.5f, 0.25f}}), velocity));
  EXPECT_TRUE(near(matrix_from_rows({{0.95f, -2.025f}}), w));
  // Step 2: v = 0.9 * v + g2 = (0.45 - 0.5, 0.225 + 1) = (-0.05, 1.225); w = (0.95 + 0.005, -2.025 - 0.1225).
  ref::sgd_update(w, matrix_from_rows({{-0.5f, 1}}), velocity, opt, {});
  EXPECT_TRUE(near(matrix_from_rows({{-0.05f, 1.225f}}), velocity));
  EXPECT_TRUE(near(matrix_from_rows({{0.955f, -2.1475f}}), w));
}

TEST(RefAdamUpdate, FirstTwoSteps) {
  Matrix w = matrix_from_rows({{1, -0.5f}});
  Matrix m1(1, 2), m2(1, 2);
  const Adam opt{.learning_rate = 0.01f, .beta1 = 0.9f, .beta2 = 0.999f, .epsilon = 1e-8f};
  // Step 1: the bias correction makes m1_hat = g and m2_hat = g^2, so w moves by lr * g / (|g| + eps) ~ lr.
  ref::adam_update(w, matrix_from_rows({{0.5f, 0.1f}}), m1, m2, 1, opt, {});
  EXPECT_TRUE(near(matrix_from_rows({{0.050000011920928955f, 0.010000002384185792f}}), m1));
  EXPECT_TRUE(near(matrix_from_rows({{0.00024999678134918213f, 9.9998712539672858e-06f}}), m2));
  EXPECT_TRUE(near(matrix_from_rows({{0.99000000042351743f, -0.50999999877648272f}}), w));
  // Step 2 with g = (-0.25, 0.2).
  ref::adam_update(w, matrix_from_rows({{-0.25f, 0.2f}}), m1, m2, 2, opt, {});
  EXPECT_TRUE(near(matrix_from_rows({{0.020000003576278402f, 0.029000006675720159f}}), m1));
  EXPECT_TRUE(near(matrix_from_rows({{0.00031224598312373786f, 4.9989356527326832e-05f}}), m2));
  EXPECT_TRUE(near(matrix_from_rows({{0.98733663028431151f, -0.5196518182690385f}}), w));
}

TEST(RefAdamUpdate, RegularizationEntersTheGradient) {
  Matrix w = matrix_from_rows({{1, -0.5f}});
  Matrix m1(1, 2), m2(1, 2);
  const Adam opt{.learning_rate = 0.01f, .beta1 = 0.9f, .beta2 = 0.999f, .epsilon = 1e-8f};
  // g = dw + 0.25 * sign(w) + 0.5 * w = (0.5 + 0.25 + 0.5, 0.1 - 0.25 - 0.25) = (1.25, -0.4).
  ref::adam_update(w, matrix_from_rows({{0.5f, 0.1f}}), m1, m2, 1, opt, Regularization{.l1 = 0.25f, .l2 = 0.5f});
  EXPECT_TRUE(near(matrix_from_rows({{0.12500002980232239f, -0.040000009536743167f}}), m1));
  EXPECT_TRUE(near(matrix_from_rows({{0.0015624798834323883f, 0.00015999794006347657f}}), m2));
  EXPECT_TRUE(near(matrix_from_rows({{0.99000000030351742f, -0.49000000047351738f}}), w));
}

TEST(RefRegularizationCost, HandValue) {
  const Matrix w = matrix_from_rows({{1, -2}, {0, 0.5f}});
  // 0.5 * (1 + 2 + 0 + 0.5) + 0.25 / 2 * (1 + 4 + 0 + 0.25) = 1.75 + 0.65625
  EXPECT_DOUBLE_EQ(ref::regularization_cost(w, Regularization{.l1 = 0.5f, .l2 = 0.25f}), 2.40625);
  EXPECT_EQ(ref::regularization_cost(w, {}), 0.0);
}

// The l1*sign(w) + l2*w that the updates add to dW is the gradient of regularization_cost: with dW = 0 and a
// learning rate of 1, one SGD step moves w by exactly that gradient, which central differences of the cost confirm.
TEST(RefRegularizationCost, GradientIsTheTermTheUpdatesAdd) {
  const std::uint64_t seed = derive_seed(30);
  NNK_SEED_TRACE(seed);
  const Regularization reg{.l1 = 0.3f, .l2 = 0.7f};
  Matrix w = random_matrix(3, 4, seed, 0.25f, 1);  // away from 0, where |w| has its kink
  for (std::int64_t j = 0; j < w.cols(); j += 2) w(0, j) = -w(0, j);
  constexpr float kStep = 0x1.0p-10f;
  Matrix finite_difference(3, 4), update_term(3, 4);
  for (std::int64_t j = 0; j < w.cols(); ++j) {
    for (std::int64_t i = 0; i < w.rows(); ++i) {
      Matrix w_plus = w, w_minus = w;
      w_plus(i, j) += kStep;
      w_minus(i, j) -= kStep;
      const double step = static_cast<double>(w_plus(i, j)) - w_minus(i, j);
      finite_difference(i, j) =
          static_cast<float>((ref::regularization_cost(w_plus, reg) - ref::regularization_cost(w_minus, reg)) / step);
    }
  }
  Matrix moved = w;
  ref::sgd_update(moved, Matrix(3, 4), {}, Sgd{.learning_rate = 1}, reg);
  for (std::int64_t j = 0; j < w.cols(); ++j)
    for (std::int64_t i = 0; i < w.rows(); ++i) update_term(i, j) = w(i, j) - moved(i, j);
  // The cost is quadratic away from 0, so the central difference is exact up to rounding of w - moved (ulp(2)).
  EXPECT_TRUE(matrices_near(finite_difference, update_term, 5e-7, 1e-6));
}

TEST(RefSgdUpdate, RejectsBadArgumentsNamingThem) {
  constexpr const char* kFunction = "nnk::ref::sgd_update";
  Matrix w(2, 3), dw(2, 3), velocity(2, 3), wrong(3, 2);
  const Sgd plain{.learning_rate = 0.1f};
  const Sgd with_momentum{.learning_rate = 0.1f, .momentum = 0.9f};
  EXPECT_TRUE(throws_error_containing([&] { ref::sgd_update(w, wrong, velocity, plain, {}); },
                                      {kFunction, "dw is 3 x 2, expected the shape of w, 2 x 3"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::sgd_update(w, dw, {}, with_momentum, {}); },
                                      {kFunction, "velocity is 0 x 0, expected the shape of w, 2 x 3"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::sgd_update(w, dw, wrong, plain, {}); },
                                      {kFunction, "velocity is 3 x 2, expected the shape of w, 2 x 3, or 0 x 0"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::sgd_update(w, dw, {}, Sgd{.learning_rate = -1}, {}); },
                                      {kFunction, "opt.learning_rate must be finite and >= 0, got -1"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::sgd_update(w, dw, velocity, Sgd{.momentum = 1}, {}); },
                                      {kFunction, "opt.momentum must be in [0, 1), got 1"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::sgd_update(w, dw, {}, plain, Regularization{.l1 = -0.5f}); },
                                      {kFunction, "reg.l1 must be finite and >= 0, got -0.5"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::sgd_update(w, dw, {}, plain, Regularization{.l2 = -2}); },
                                      {kFunction, "reg.l2 must be finite and >= 0, got -2"}));
}

TEST(RefAdamUpdate, RejectsBadArgumentsNamingThem) {
  constexpr const char* kFunction = "nnk::ref::adam_update";
  Matrix w(2, 3), dw(2, 3), m1(2, 3), m2(2, 3), wrong(3, 2);
  const Adam opt;
  EXPECT_TRUE(throws_error_containing([&] { ref::adam_update(w, wrong, m1, m2, 1, opt, {}); },
                                      {kFunction, "dw is 3 x 2, expected the shape of w, 2 x 3"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::adam_update(w, dw, wrong, m2, 1, opt, {}); },
                                      {kFunction, "m1 is 3 x 2, expected the shape of w, 2 x 3"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::adam_update(w, dw, m1, wrong, 1, opt, {}); },
                                      {kFunction, "m2 is 3 x 2, expected the shape of w, 2 x 3"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::adam_update(w, dw, m1, m2, 0, opt, {}); },
                                      {kFunction, "step must be >= 1", "got 0"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::adam_update(w, dw, m1, m2, 1, Adam{.beta1 = 1}, {}); },
                                      {kFunction, "opt.beta1 must be in [0, 1), got 1"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::adam_update(w, dw, m1, m2, 1, Adam{.beta2 = -0.5f}, {}); },
                                      {kFunction, "opt.beta2 must be in [0, 1), got -0.5"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::adam_update(w, dw, m1, m2, 1, Adam{.epsilon = 0}, {}); },
                                      {kFunction, "opt.epsilon must be finite and > 0, got 0"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::adam_update(w, dw, m1, m2, 1, Adam{.learning_rate = -1}, {}); },
                                      {kFunction, "opt.learning_rate must be finite and >= 0, got -1"}));
}

TEST(RefRegularizationCost, RejectsNegativeCoefficients) {
  Matrix w(2, 2);
  EXPECT_TRUE(throws_error_containing([&] { ref::regularization_cost(w, Regularization{.l1 = -1}); },
                                      {"nnk::ref::regularization_cost: reg.l1 must be finite and >= 0, got -1"}));
}

}  // namespace
}  // namespace nnk::test
