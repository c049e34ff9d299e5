// nnk::ref::bias_activation_forward, activation_derivative and activation_backward.
//
// Expected values of sigmoid, tanh and softmax were computed beforehand with Python's decimal module at 50 digits
// and are written with 17 significant digits; the reference computes in double and rounds once, so it must agree
// with them to within 1 ulp of float.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/ref.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr Activation kElementwise[] = {Activation::Identity, Activation::Sigmoid, Activation::Tanh, Activation::ReLU};

Matrix forward(Activation g, ConstMatrixView z, ConstMatrixView bias = {}) {
  Matrix a(z.rows(), z.cols());
  ref::bias_activation_forward(g, z, bias, a);
  return a;
}

Matrix derivative(Activation g, ConstMatrixView a) {
  Matrix d(a.rows(), a.cols());
  ref::activation_derivative(g, a, d);
  return d;
}

TEST(RefActivationForward, ValuesAtHandPoints) {
  const Matrix z = matrix_from_rows({{-3, 0, 2}, {1, -0.5f, 0}});
  EXPECT_TRUE(matrices_equal(z, forward(Activation::Identity, z)));
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{0, 0, 2}, {1, 0, 0}}), forward(Activation::ReLU, z)));
  // sigmoid(-3), sigmoid(0), sigmoid(2); sigmoid(1) = 1 - sigmoid(-1), sigmoid(-0.5):
  const Matrix sigmoid = matrix_from_rows({{0.047425873177566781f, 0.5f, 0.88079707797788243f},
                                           {0.73105857863000488f, 0.37754066879814546f, 0.5f}});
  EXPECT_TRUE(matrices_within_ulp(sigmoid, forward(Activation::Sigmoid, z), 1));
  const Matrix tanh = matrix_from_rows({{-0.99505475368673046f, 0, 0.96402758007581690f},
                                        {0.76159415595576485f, -0.46211715726000974f, 0}});
  EXPECT_TRUE(matrices_within_ulp(tanh, forward(Activation::Tanh, z), 1));
}

TEST(RefActivationForward, AddsTheBiasPerRowBeforeTheActivation) {
  const Matrix z = matrix_from_rows({{-1, 0, 2}, {1, 3, -4}});
  const Matrix bias = matrix_from_rows({{0.5f}, {-2}});
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{-0.5f, 0.5f, 2.5f}, {-1, 1, -6}}), forward(Activation::Identity, z, bias)));
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{0, 0.5f, 2.5f}, {0, 1, 0}}), forward(Activation::ReLU, z, bias)));
}

TEST(RefActivationForward, WorksInPlace) {
  const std::uint64_t seed = derive_seed(1);
  NNK_SEED_TRACE(seed);
  const Matrix z = random_matrix(5, 4, seed, -4, 4);
  const Matrix bias = random_matrix(5, 1, seed + 1);
  for (Activation g : {Activation::Identity, Activation::Sigmoid, Activation::Tanh, Activation::ReLU, Activation::Softmax}) {
    SCOPED_TRACE(to_string(g));
    Matrix in_place = z;
    ref::bias_activation_forward(g, in_place, bias, in_place);
    EXPECT_TRUE(matrices_equal(forward(g, z, bias), in_place));
  }
}

TEST(RefActivationForward, WritesOnlyTheViewOfAStridedOutput) {
  const Matrix z = matrix_from_rows({{1, -2}, {-3, 4}, {5, -6}});
  for (Activation g : {Activation::Identity, Activation::Sigmoid, Activation::Tanh, Activation::ReLU, Activation::Softmax}) {
    SCOPED_TRACE(to_string(g));
    GuardedMatrix a(3, 2, 5, 7);
    ref::bias_activation_forward(g, z, {}, a.view());
    EXPECT_TRUE(matrices_equal(forward(g, z), a.view()));
    EXPECT_TRUE(a.guards_intact());
  }
}

TEST(RefActivationForward, NaNStaysNaNAndInfinitiesSaturate) {
  // 0 ulp: exact, with NaN matching any NaN (its sign and payload are not specified).
  const Matrix z = matrix_from_rows({{kNaN, -kInf, kInf}});
  EXPECT_TRUE(matrices_within_ulp(matrix_from_rows({{kNaN, 0, kInf}}), forward(Activation::ReLU, z), 0));  // not 0
  EXPECT_TRUE(matrices_within_ulp(matrix_from_rows({{kNaN, 0, 1}}), forward(Activation::Sigmoid, z), 0));
  EXPECT_TRUE(matrices_within_ulp(matrix_from_rows({{kNaN, -1, 1}}), forward(Activation::Tanh, z), 0));
}

TEST(RefActivationForward, SigmoidAndTanhAreFiniteForLargeInputs) {
  const Matrix z = matrix_from_rows({{-1000, -100, 100, 1000}});
  // sigmoid(-100) = 3.7200759760208361e-44 is a float subnormal; the others saturate exactly.
  EXPECT_TRUE(matrices_within_ulp(matrix_from_rows({{0, 3.7200759760208361e-44f, 1, 1}}), forward(Activation::Sigmoid, z), 1));
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{-1, -1, 1, 1}}), forward(Activation::Tanh, z)));
}

TEST(RefActivationForward, SoftmaxMatchesHandValuesAndIsShiftInvariant) {
  // softmax(1, 2, 3) = (0.0900..., 0.2447..., 0.6652...), and softmax is invariant to shifting a column. The third
  // column is shifted by 1000, where e^z overflows even double: only the max-subtracting form gets it right.
  const Matrix z = matrix_from_rows({{1, 0, 1000}, {2, 1, 1001}, {3, 2, 1002}});
  const Matrix expected_column = matrix_from_rows({{0.090030573170380462f}, {0.24472847105479764f}, {0.6652409557748219f}});
  const Matrix a = forward(Activation::Softmax, z);
  for (std::int64_t j = 0; j < 3; ++j) {
    SCOPED_TRACE(testing::Message() << "column " << j);
    EXPECT_TRUE(matrices_within_ulp(expected_column, a.col_block(j, 1), 1));
  }
  // The bias is added before normalizing: 0 + (1, 2, 3).
  const Matrix with_bias = forward(Activation::Softmax, Matrix(3, 1), matrix_from_rows({{1}, {2}, {3}}));
  EXPECT_TRUE(matrices_within_ulp(expected_column, with_bias, 1));
}

TEST(RefActivationForward, SoftmaxColumnsArePositiveAndSumToOne) {
  const std::uint64_t seed = derive_seed(2);
  NNK_SEED_TRACE(seed);
  const Matrix z = random_matrix(7, 6, seed, -30, 30);
  const Matrix a = forward(Activation::Softmax, z, random_matrix(7, 1, seed + 1));
  for (std::int64_t j = 0; j < a.cols(); ++j) {
    double column_sum = 0;
    for (std::int64_t i = 0; i < a.rows(); ++i) {
      EXPECT_GE(a(i, j), 0.0f) << "(" << i << ", " << j << ")";
      EXPECT_LE(a(i, j), 1.0f) << "(" << i << ", " << j << ")";
      column_sum += a(i, j);
    }
    // Each of the 7 elements is rounded to float once: at most 7 half-ulps of 1 apart from 1.
    EXPECT_NEAR(column_sum, 1.0, 7 * 0.5 * std::numeric_limits<float>::epsilon()) << "column " << j;
  }
}

// g'(z) as the derivative computed from A = g(Z) against central differences of the reference forward pass.
// z = k/8 and h = 2^-7 are exact in float, so z +- h are too. The difference quotient has a truncation error of
// h^2/6 * |g'''| <= 2.1e-5 (tanh: |g'''| <= 2) and a rounding error of about ulp(1)/(2h) = 3.8e-6.
TEST(RefActivationDerivative, MatchesFiniteDifferencesOfTheForwardPass) {
  constexpr float kStep = 0x1.0p-7f;
  std::vector<float> points;
  for (int k = -40; k <= 40; ++k)
    if (k != 0) points.push_back(static_cast<float>(k) / 8);  // ReLU has its kink at 0
  const auto n = static_cast<std::int64_t>(points.size());
  const ConstMatrixView z(points.data(), 1, n);
  Matrix z_plus(1, n), z_minus(1, n);
  for (std::int64_t j = 0; j < n; ++j) {
    z_plus(0, j) = z(0, j) + kStep;
    z_minus(0, j) = z(0, j) - kStep;
  }
  for (Activation g : kElementwise) {
    SCOPED_TRACE(to_string(g));
    const Matrix analytic = derivative(g, forward(g, z));
    const Matrix a_plus = forward(g, z_plus), a_minus = forward(g, z_minus);
    Matrix finite_difference(1, n);
    for (std::int64_t j = 0; j < n; ++j)
      finite_difference(0, j) = static_cast<float>((static_cast<double>(a_plus(0, j)) - a_minus(0, j)) / (2.0 * kStep));
    EXPECT_TRUE(matrices_near(finite_difference, analytic, 5e-5, 0));
  }
}

TEST(RefActivationDerivative, ValuesFromTheOutputAtHandPoints) {
  // From a: sigmoid a(1 - a), tanh 1 - a^2, ReLU 1 for a > 0 else 0 (not "z", as the notes misprint), identity 1.
  const Matrix a = matrix_from_rows({{0, 0.25f, 0.5f, 3}});
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{1, 1, 1, 1}}), derivative(Activation::Identity, a)));
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{0, 0.1875f, 0.25f, -6}}), derivative(Activation::Sigmoid, a)));
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{1, 0.9375f, 0.75f, -8}}), derivative(Activation::Tanh, a)));
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{0, 1, 1, 1}}), derivative(Activation::ReLU, a)));
}

TEST(RefActivationBackward, MultipliesTheIncomingGradientByTheDerivative) {
  const Matrix a = matrix_from_rows({{0.25f, 0.5f}, {0, 2}});
  const Matrix da = matrix_from_rows({{2, -4}, {3, 0.5f}});
  const struct {
    Activation g;
    Matrix expected;
  } cases[] = {
      {Activation::Identity, Matrix::from(da)},
      {Activation::Sigmoid, matrix_from_rows({{0.375f, -1}, {0, -1}})},    // a(1-a) = 0.1875, 0.25; 0, -2
      {Activation::Tanh, matrix_from_rows({{1.875f, -3}, {3, -1.5f}})},    // 1-a^2 = 0.9375, 0.75; 1, -3
      {Activation::ReLU, matrix_from_rows({{2, -4}, {0, 0.5f}})},
  };
  for (const auto& test_case : cases) {
    SCOPED_TRACE(to_string(test_case.g));
    Matrix dz(2, 2);
    ref::activation_backward(test_case.g, a, da, dz);
    EXPECT_TRUE(matrices_equal(test_case.expected, dz));
    Matrix in_place = da;  // dz may be da itself
    ref::activation_backward(test_case.g, a, in_place, in_place);
    EXPECT_TRUE(matrices_equal(test_case.expected, in_place));
  }
}

TEST(RefActivationBackward, AgreesWithTheDerivativeTimesTheGradient) {
  const std::uint64_t seed = derive_seed(3);
  NNK_SEED_TRACE(seed);
  const Matrix da = random_matrix(6, 5, seed, -2, 2);
  for (Activation g : kElementwise) {
    SCOPED_TRACE(to_string(g));
    const Matrix a = forward(g, random_matrix(6, 5, seed + 1, -3, 3));
    const Matrix d = derivative(g, a);
    Matrix expected(6, 5);
    for (std::int64_t j = 0; j < 5; ++j)
      for (std::int64_t i = 0; i < 6; ++i) expected(i, j) = da(i, j) * d(i, j);
    GuardedMatrix dz(6, 5, 8, 5);
    ref::activation_backward(g, a, da, dz.view());
    // The reference multiplies by the unrounded double derivative; d was rounded to float first: 1 ulp apart at most.
    EXPECT_TRUE(matrices_within_ulp(expected, dz.view(), 1));
    EXPECT_TRUE(dz.guards_intact());
  }
}

TEST(RefActivation, SoftmaxHasNoElementwiseDerivative) {
  Matrix a(2, 2), out(2, 2);
  EXPECT_TRUE(throws_error_containing([&] { ref::activation_derivative(Activation::Softmax, a, out); },
                                      {"nnk::ref::activation_derivative", "Softmax"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::activation_backward(Activation::Softmax, a, a, out); },
                                      {"nnk::ref::activation_backward", "Softmax"}));
}

TEST(RefActivation, RejectsBadArgumentsNamingThem) {
  Matrix z(3, 5), a(3, 5), wrong(3, 4), bias(3, 1), wrong_bias(2, 1);
  EXPECT_TRUE(throws_error_containing([&] { ref::bias_activation_forward(Activation::Tanh, z, {}, wrong); },
                                      {"nnk::ref::bias_activation_forward: a is 3 x 4, expected the shape of z, 3 x 5"}));
  EXPECT_TRUE(throws_error_containing(
      [&] { ref::bias_activation_forward(Activation::Tanh, z, wrong_bias, a); },
      {"nnk::ref::bias_activation_forward: bias is 2 x 1, expected rows(z) x 1 = 3 x 1, or 0 x 0 for no bias"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::bias_activation_forward(static_cast<Activation>(42), z, bias, a); },
                                      {"nnk::ref::bias_activation_forward: g must be a nnk::Activation enumerator, got 42"}));
  EXPECT_TRUE(throws_error_containing(
      [&] { ref::activation_derivative(Activation::ReLU, a, wrong); },
      {"nnk::ref::activation_derivative: derivative is 3 x 4, expected the shape of a, 3 x 5"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::activation_backward(Activation::Sigmoid, a, wrong, z); },
                                      {"nnk::ref::activation_backward: da is 3 x 4, expected the shape of a, 3 x 5"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::activation_backward(Activation::Sigmoid, a, z, wrong); },
                                      {"nnk::ref::activation_backward: dz is 3 x 4, expected the shape of a, 3 x 5"}));
}

}  // namespace
}  // namespace nnk::test
