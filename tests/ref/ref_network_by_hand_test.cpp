// A 2-2-1 network (sigmoid hidden layer, sigmoid output, binary cross-entropy, m = 2 examples) trained by
// nnk::ref::train_step, the nnk::ref kernels composed as the training-step data flow of docs/design.md, checked
// stage by stage against a hand computation and against finite differences of its cost.
//
// The hand computation: the inputs below are dyadic (exact in float), and every intermediate value was computed
// beforehand with Python's decimal module at 50 digits, following the math of docs/backprop-notes.md directly (the
// loss as -[y log a + (1 - y) log(1 - a)], dZ[0] as (W[1]^T dZ[1]) * a(1 - a)), not through nnk. The values are
// written with 17 significant digits. nnk computes in float with double sums, rounding each stored matrix once, so
// it agrees to about 1e-7 relative; the checks allow 1e-6.
#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "nnk/ref.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr double kRelTol = 1e-6;
constexpr double kAbsTol = 1e-8;

// Layer 0: 2 inputs -> 2 sigmoid units; layer 1: 2 -> 1 sigmoid unit (the output, paired with BCE).
std::vector<ref::DenseLayer> tiny_network() {
  return {{matrix_from_rows({{0.25f, -0.5f}, {0.75f, 0.5f}}), matrix_from_rows({{0.125f}, {-0.25f}}),
           Activation::Sigmoid},
          {matrix_from_rows({{1.5f, -1.0f}}), matrix_from_rows({{0.25f}}), Activation::Sigmoid}};
}

// Examples are columns: x = (0.5, 1.5) with label 1, and x = (-1, 2) with label 0.
const Matrix kX = matrix_from_rows({{0.5f, -1.0f}, {1.5f, 2.0f}});
const Matrix kY = matrix_from_rows({{1, 0}});

// Everything one training step computes, on a copy of the network (learning rate 0: only the values are wanted).
ref::TrainStepValues training_step(std::vector<ref::DenseLayer> net) {
  ref::TrainStepValues values;
  ref::train_step(net, Loss::BinaryCrossEntropy, {}, kX, kY, 0.0f, values);
  return values;
}

double cost_of(const std::vector<ref::DenseLayer>& net) { return training_step(net).cost; }

::testing::AssertionResult near(const Matrix& expected, const Matrix& actual) {
  return matrices_near(expected, actual, kAbsTol, kRelTol);
}

TEST(RefNetworkByHand, ForwardValues) {
  const ref::TrainStepValues s = training_step(tiny_network());
  // Z0 = W0 X + b0: (0.125 - 0.75 + 0.125, 0.375 + 0.75 - 0.25) and (-0.25 - 1 + 0.125, -0.75 + 1 - 0.25): exact.
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{-0.5f, -1.125f}, {0.875f, 0}}), s.z[0]));
  EXPECT_TRUE(near(matrix_from_rows({{0.37754066879814546f, 0.24508501313237172f},
                                     {0.70578502783701125f, 0.5f}}), s.a[0]));
  EXPECT_TRUE(near(matrix_from_rows({{0.11052597536020693f, 0.11762751969855756f}}), s.z[1]));
  EXPECT_TRUE(near(matrix_from_rows({{0.52760339931926103f, 0.52937302006866138f}}), s.a[1]));
  // J = (0.63941041517402264 + 0.75368947341140768) / 2.
  EXPECT_NEAR(s.cost, 0.69654994429271522, kRelTol * 0.7);
}

TEST(RefNetworkByHand, Gradients) {
  const ref::TrainStepValues s = training_step(tiny_network());
  EXPECT_TRUE(near(matrix_from_rows({{-0.47239660068073897f, 0.52937302006866138f}}), s.dz[1]));  // A1 - Y
  EXPECT_TRUE(near(matrix_from_rows({{-0.024303767491762749f, -0.034361968963617082f}}), s.dw[1]));
  EXPECT_TRUE(near(matrix_from_rows({{0.028488209693961184f}}), s.db[1]));
  EXPECT_TRUE(near(matrix_from_rows({{-0.70859490102110845f, 0.79405953010299202f},
                                     {0.47239660068073897f, -0.52937302006866138f}}), s.da[0]));
  EXPECT_TRUE(near(matrix_from_rows({{-0.1665224321870819f, 0.14691558364079924f},
                                     {0.098094345665861407f, -0.13234325501716535f}}), s.dz[0]));
  EXPECT_TRUE(near(matrix_from_rows({{-0.11508839986717009f, 0.022023759500487804f},
                                     {0.090695213925048021f, -0.058772495767769273f}}), s.dw[0]));
  EXPECT_TRUE(near(matrix_from_rows({{-0.0098034242731413358f}, {-0.017124454675651959f}}), s.db[0]));
}

// Every one of the 9 parameters against a central difference of the cost. The step h = 2^-8 gives a truncation
// error of h^2/6 * |J'''| ~ 1e-6; the cost goes through float activations (relative rounding ~6e-8), which adds
// up to ~3e-6 after division by 2h. The gradients are 0.01 to 0.1, so 2e-5 still catches any wrong term.
TEST(RefNetworkByHand, GradientsMatchFiniteDifferencesOfTheCost) {
  constexpr float kStep = 0x1.0p-8f;
  std::vector<ref::DenseLayer> net = tiny_network();
  const ref::TrainStepValues s = training_step(net);
  const std::array<Matrix*, 4> parameters = {&net[0].weights, &net[0].bias, &net[1].weights, &net[1].bias};
  const std::array<const Matrix*, 4> gradients = {&s.dw[0], &s.db[0], &s.dw[1], &s.db[1]};
  const char* const names[] = {"W0", "b0", "W1", "b1"};
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    SCOPED_TRACE(names[p]);
    Matrix& parameter = *parameters[p];
    Matrix finite_difference(parameter.rows(), parameter.cols());
    for (std::int64_t j = 0; j < parameter.cols(); ++j) {
      for (std::int64_t i = 0; i < parameter.rows(); ++i) {
        const float original = parameter(i, j);
        parameter(i, j) = original + kStep;
        const double cost_plus = cost_of(net);
        parameter(i, j) = original - kStep;
        const double cost_minus = cost_of(net);
        parameter(i, j) = original;
        finite_difference(i, j) = static_cast<float>((cost_plus - cost_minus) / (2.0 * kStep));
      }
    }
    EXPECT_TRUE(matrices_near(finite_difference, *gradients[p], 2e-5, 0));
  }
}

// The last stage of the step: W -= lr * dW, b -= lr * db, with W[1] used for dZ[0] before it changed. A small step
// along the gradient lowers the cost by about lr * |gradient|^2.
TEST(RefNetworkByHand, AnSgdStepAlongTheGradientLowersTheCost) {
  std::vector<ref::DenseLayer> net = tiny_network();
  ref::TrainStepValues s;
  const double cost = ref::train_step(net, Loss::BinaryCrossEntropy, {}, kX, kY, 0.5f, s);
  EXPECT_EQ(cost, s.cost);
  EXPECT_TRUE(near(matrix_from_rows({{0.25f + 0.5f * 0.11508839986717009f, -0.5f - 0.5f * 0.022023759500487804f},
                                     {0.75f - 0.5f * 0.090695213925048021f, 0.5f + 0.5f * 0.058772495767769273f}}),
                   net[0].weights));
  EXPECT_LT(cost_of(net), cost);
}

}  // namespace
}  // namespace nnk::test
