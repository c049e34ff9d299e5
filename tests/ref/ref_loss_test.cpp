// nnk::ref::loss_and_delta: the cost J (mean over columns of the per-column loss sum) and delta = g(Z) - Y.
//
// Expected losses were computed beforehand with Python's decimal module at 50 digits (the BCE values from
// -[y log a + (1 - y) log(1 - a)], an independent formula) and are written with 17 significant digits.
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include <gtest/gtest.h>

#include "nnk/ref.hpp"
#include "support/random.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr Loss kLosses[] = {Loss::BinaryCrossEntropy, Loss::CategoricalCrossEntropy, Loss::MeanSquaredError};

struct CostAndDelta {
  double cost;
  Matrix delta;
};

CostAndDelta loss_and_delta(Loss loss, ConstMatrixView z, ConstMatrixView y) {
  Matrix delta(z.rows(), z.cols());
  const double cost = ref::loss_and_delta(loss, z, y, delta);
  return {cost, std::move(delta)};
}

// Relative closeness for double results computed in double: a few ulp of double.
constexpr double kDoubleRelTol = 1e-14;

TEST(RefBinaryCrossEntropy, HandValues) {
  const Matrix z = matrix_from_rows({{0, 2, -1}});
  const Matrix y = matrix_from_rows({{1, 0, 0.25f}});
  const auto [cost, delta] = loss_and_delta(Loss::BinaryCrossEntropy, z, y);
  // Per example: log 2; 2 + log(1 + e^-2); -[0.25 log s(-1) + 0.75 log(1 - s(-1))].
  const double expected_cost = (0.69314718055994529 + 2.1269280110429727 + 0.56326168751822281) / 3;
  EXPECT_NEAR(cost, expected_cost, kDoubleRelTol * expected_cost);
  // delta = sigmoid(z) - y.
  EXPECT_TRUE(matrices_within_ulp(matrix_from_rows({{-0.5f, 0.88079707797788243f, 0.018941421369995121f}}), delta, 1));
}

TEST(RefBinaryCrossEntropy, FiniteAndExactForLargeLogits) {
  // A loss computed as -log(a) would be inf for z = 1000, y = 0 (a rounds to 1, log(1 - a) = -inf) and lose the
  // 3.7e-44 of z = 100, y = 1 (log(a) rounds to 0). From the logit, each is exact.
  const struct {
    float z, y;
    double loss;
    float delta;
  } cases[] = {
      {100, 0, 100, 1},   {-100, 1, 100, -1},   {100, 1, 3.7200759760208361e-44, 0},
      {1000, 0, 1000, 1}, {-1000, 1, 1000, -1}, {1000, 1, 0, 0},
      {-1000, 0, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << "z = " << c.z << ", y = " << c.y);
    const Matrix z = matrix_from_rows({{c.z}}), y = matrix_from_rows({{c.y}});
    const auto [cost, delta] = loss_and_delta(Loss::BinaryCrossEntropy, z, y);
    EXPECT_TRUE(std::isfinite(cost));
    EXPECT_NEAR(cost, c.loss, kDoubleRelTol * c.loss);
    // sigmoid(100) - 1 = -3.7e-44 exactly, but 1 / (1 + e^-100) rounds to 1 in double: delta is 0 within 1e-43.
    EXPECT_NEAR(delta(0, 0), c.delta, 1e-43);
  }
}

TEST(RefCategoricalCrossEntropy, HandValuesAndShiftInvariance) {
  // Column 0: logits (1, 2, 3), one-hot target on row 2: loss = logsumexp - 3. Column 1: the same logits shifted by
  // 1000 (e^1000 overflows double: only log-sum-exp with the max subtracted works), soft target summing to 1.
  const Matrix z = matrix_from_rows({{1, 1000}, {2, 1001}, {3, 1002}});
  const Matrix y = matrix_from_rows({{0, 0.25f}, {0, 0.25f}, {1, 0.5f}});
  const auto [cost, delta] = loss_and_delta(Loss::CategoricalCrossEntropy, z, y);
  const double expected_cost = (0.4076059644443803 + 1.1576059644443804) / 2;
  EXPECT_NEAR(cost, expected_cost, 1e-13 * expected_cost);  // logsumexp(1000..1002) carries 1000's rounding
  // softmax(1, 2, 3) = (0.090030573170380462, 0.24472847105479764, 0.6652409557748219), minus y.
  const Matrix expected_delta = matrix_from_rows({{0.090030573170380462f, 0.090030573170380462f - 0.25f},
                                                  {0.24472847105479764f, 0.24472847105479764f - 0.25f},
                                                  {0.6652409557748219f - 1, 0.6652409557748219f - 0.5f}});
  EXPECT_TRUE(matrices_near(expected_delta, delta, 1e-7, 0));
}

TEST(RefCategoricalCrossEntropy, UsesTheGeneralFormWhenTargetsDoNotSumToOne) {
  // -sum y_i log softmax(z)_i with y = (0.5, 0.5, 0.5): 1.5 * logsumexp - 3 = 2.1114...; the shortcut
  // logsumexp - sum y_i z_i, valid only for sum y = 1, would give 0.4076....
  const Matrix z = matrix_from_rows({{1}, {2}, {3}});
  const Matrix y = matrix_from_rows({{0.5f}, {0.5f}, {0.5f}});
  EXPECT_NEAR(loss_and_delta(Loss::CategoricalCrossEntropy, z, y).cost, 2.1114089466665704, 1e-14 * 2.2);
}

TEST(RefMeanSquaredError, CostIsTheMeanOverColumnsOfTheColumnSums) {
  const Matrix z = matrix_from_rows({{1, 2, 3}, {0, -1, 4}});
  const Matrix y = matrix_from_rows({{0, 0, 0}, {1, 1, 1}});
  const auto [cost, delta] = loss_and_delta(Loss::MeanSquaredError, z, y);
  // Column losses 1/2 * (1 + 1), 1/2 * (4 + 4), 1/2 * (9 + 9) = 1, 4, 9; the mean over 3 columns is 14/3.
  EXPECT_DOUBLE_EQ(cost, 14.0 / 3);
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{1, 2, 3}, {-1, -2, 3}}), delta));  // z - y, not divided by m
}

// d J / d z(i, j) = delta(i, j) / m: central differences of the double cost. The step h = 2^-8 gives a truncation
// error h^2/6 * |L'''| / m < 1e-6; the cost is double, so rounding adds little. The step actually taken is measured
// from the float arguments, since z +- h may round.
TEST(RefLossAndDelta, DeltaOverMIsTheGradientOfTheCost) {
  constexpr float kStep = 0x1.0p-8f;
  constexpr std::int64_t kRows = 4, kCols = 3;
  std::uint64_t salt = 10;
  for (Loss loss : kLosses) {
    SCOPED_TRACE(to_string(loss));
    const std::uint64_t seed = derive_seed(++salt);
    NNK_SEED_TRACE(seed);
    const Matrix z = random_matrix(kRows, kCols, seed, -3, 3);
    const Matrix y = loss_targets(loss, kRows, kCols, seed + 1);
    const Matrix delta = loss_and_delta(loss, z, y).delta;
    Matrix analytic(kRows, kCols), finite_difference(kRows, kCols);
    for (std::int64_t j = 0; j < kCols; ++j) {
      for (std::int64_t i = 0; i < kRows; ++i) {
        Matrix z_plus = z, z_minus = z;
        z_plus(i, j) += kStep;
        z_minus(i, j) -= kStep;
        const double step = static_cast<double>(z_plus(i, j)) - z_minus(i, j);
        const double slope = (loss_and_delta(loss, z_plus, y).cost - loss_and_delta(loss, z_minus, y).cost) / step;
        finite_difference(i, j) = static_cast<float>(slope);
        analytic(i, j) = delta(i, j) / static_cast<float>(kCols);
      }
    }
    EXPECT_TRUE(matrices_near(finite_difference, analytic, 2e-6, 1e-5));
  }
}

TEST(RefLossAndDelta, DeltaMayBeZItselfAndAStridedView) {
  const std::uint64_t seed = derive_seed(20);
  NNK_SEED_TRACE(seed);
  const Matrix z = random_matrix(5, 4, seed, -4, 4);
  for (Loss loss : kLosses) {
    SCOPED_TRACE(to_string(loss));
    const Matrix y = loss_targets(loss, 5, 4, seed + 1);
    const auto [cost, delta] = loss_and_delta(loss, z, y);

    Matrix in_place = z;
    EXPECT_EQ(cost, ref::loss_and_delta(loss, in_place, y, in_place));
    EXPECT_TRUE(matrices_equal(delta, in_place));

    GuardedMatrix strided(5, 4, 9, 3);
    EXPECT_EQ(cost, ref::loss_and_delta(loss, z, y, strided.view()));
    EXPECT_TRUE(matrices_equal(delta, strided.view()));
    EXPECT_TRUE(strided.guards_intact());
  }
}

TEST(RefLossAndDelta, RejectsBadArgumentsNamingThem) {
  Matrix z(3, 5), y(3, 5), wrong(3, 4);
  constexpr const char* kFunction = "nnk::ref::loss_and_delta";
  EXPECT_TRUE(throws_error_containing([&] { ref::loss_and_delta(Loss::MeanSquaredError, z, wrong, y); },
                                      {kFunction, "y is 3 x 4, expected the shape of z, 3 x 5"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::loss_and_delta(Loss::BinaryCrossEntropy, z, y, wrong); },
                                      {kFunction, "delta is 3 x 4, expected the shape of z, 3 x 5"}));
  Matrix no_rows(0, 5), no_cols(3, 0);
  EXPECT_TRUE(throws_error_containing([&] { ref::loss_and_delta(Loss::MeanSquaredError, no_rows, no_rows, no_rows); },
                                      {kFunction, "z has 0 rows"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::loss_and_delta(Loss::MeanSquaredError, no_cols, no_cols, no_cols); },
                                      {kFunction, "z has 0 columns"}));
  EXPECT_TRUE(throws_error_containing([&] { ref::loss_and_delta(static_cast<Loss>(9), z, y, z); },
                                      {kFunction, "loss must be a nnk::Loss enumerator, got 9"}));
}

}  // namespace
}  // namespace nnk::test
