// A 2-2-1 network (sigmoid hidden layer, sigmoid output, binary cross-entropy, m = 2 examples) trained by composing
// nnk::ref kernels exactly as the training-step data flow of docs/design.md, checked against a hand computation and
// against finite differences of its cost.
//
// The hand computation: the inputs below are dyadic (exact in float), and every intermediate value was computed
// beforehand with Python's decimal module at 50 digits, following the math of docs/backprop-notes.md directly (the
// loss as -[y log a + (1 - y) log(1 - a)], dZ[0] as (W[1]^T dZ[1]) * a(1 - a)), not through nnk. The values are
// written with 17 significant digits. nnk computes in float with double sums, rounding each stored matrix once, so
// it agrees to about 1e-7 relative; the checks allow 1e-6.
#include <array>
#include <cstdint>

#include <gtest/gtest.h>

#include "nnk/ref.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr double kRelTol = 1e-6;
constexpr double kAbsTol = 1e-8;

// Layer 0: 2 inputs -> 2 sigmoid units; layer 1: 2 -> 1 sigmoid unit (the output, paired with BCE).
struct TinyNetwork {
  Matrix w0 = matrix_from_rows({{0.25f, -0.5f}, {0.75f, 0.5f}});
  Matrix b0 = matrix_from_rows({{0.125f}, {-0.25f}});
  Matrix w1 = matrix_from_rows({{1.5f, -1.0f}});
  Matrix b1 = matrix_from_rows({{0.25f}});
};

// Examples are columns: x = (0.5, 1.5) with label 1, and x = (-1, 2) with label 0.
const Matrix kX = matrix_from_rows({{0.5f, -1.0f}, {1.5f, 2.0f}});
const Matrix kY = matrix_from_rows({{1, 0}});

// Everything one training step computes, kept so the test can check each stage.
struct TrainingStep {
  Matrix z0, a0;         // hidden layer: Z = W0 X + b0, A = sigmoid(Z)
  Matrix z1, a1;         // output layer logits and activation
  double cost = 0;       // J = mean BCE over the 2 examples
  Matrix dz1, dw1, db1;  // output layer delta and gradients
  Matrix da0, dz0, dw0, db0;
};

// The forward pass up to the output logits Z1 (what the cost needs).
void forward(const TinyNetwork& net, ConstMatrixView x, TrainingStep& s) {
  const std::int64_t m = x.cols();
  // A[0] = sigmoid(W[0] X + b[0]): one GEMM, then bias + activation (the GEMM epilogue in the optimized path).
  s.z0 = Matrix(2, m);
  ref_gemm(Trans::No, Trans::No, 1.0f, net.w0, x, 0.0f, s.z0);
  s.a0 = Matrix(2, m);
  ref::bias_activation_forward(Activation::Sigmoid, s.z0, net.b0, s.a0);
  ref::bias_activation_forward(Activation::Identity, s.z0, net.b0, s.z0);  // keep Z0 (with bias) for the check
  // Output logits Z[1] = W[1] A[0] + b[1]: loss_and_delta applies the sigmoid itself, from the logit.
  s.z1 = Matrix(1, m);
  ref_gemm(Trans::No, Trans::No, 1.0f, net.w1, s.a0, 0.0f, s.z1);
  ref::bias_activation_forward(Activation::Identity, s.z1, net.b1, s.z1);
}

double cost_of(const TinyNetwork& net) {
  TrainingStep s;
  forward(net, kX, s);
  Matrix delta(1, kX.cols());
  return ref::loss_and_delta(Loss::BinaryCrossEntropy, s.z1, kY, delta);
}

TrainingStep training_step(const TinyNetwork& net) {
  TrainingStep s;
  forward(net, kX, s);
  const std::int64_t m = kX.cols();
  const float inverse_m = 1.0f / static_cast<float>(m);
  s.a1 = Matrix(1, m);
  ref::bias_activation_forward(Activation::Sigmoid, s.z1, {}, s.a1);

  // Output: J and dZ[1] = A[1] - Y in one pass.
  s.dz1 = Matrix(1, m);
  s.cost = ref::loss_and_delta(Loss::BinaryCrossEntropy, s.z1, kY, s.dz1);

  // Backward, layer 1: dZ[0] = (W[1]^T dZ[1]) o g'(A[0]) from W[1] before any update; dW[1] = (1/m) dZ[1] A[0]^T;
  // db[1] = (1/m) rowsum(dZ[1]).
  s.da0 = Matrix(2, m);
  ref_gemm(Trans::Yes, Trans::No, 1.0f, net.w1, s.dz1, 0.0f, s.da0);
  s.dz0 = Matrix(2, m);
  ref::activation_backward(Activation::Sigmoid, s.a0, s.da0, s.dz0);
  s.dw1 = Matrix(1, 2);
  ref_gemm(Trans::No, Trans::Yes, inverse_m, s.dz1, s.a0, 0.0f, s.dw1);
  s.db1 = Matrix(1, 1);
  ref::bias_gradient(s.dz1, inverse_m, s.db1);

  // Backward, layer 0 (no dZ for the input): dW[0] = (1/m) dZ[0] X^T, db[0] = (1/m) rowsum(dZ[0]).
  s.dw0 = Matrix(2, 2);
  ref_gemm(Trans::No, Trans::Yes, inverse_m, s.dz0, kX, 0.0f, s.dw0);
  s.db0 = Matrix(2, 1);
  ref::bias_gradient(s.dz0, inverse_m, s.db0);
  return s;
}

::testing::AssertionResult near(const Matrix& expected, const Matrix& actual) {
  return matrices_near(expected, actual, kAbsTol, kRelTol);
}

TEST(RefNetworkByHand, ForwardValues) {
  const TrainingStep s = training_step(TinyNetwork{});
  // Z0 = W0 X + b0: (0.125 - 0.75 + 0.125, 0.375 + 0.75 - 0.25) and (-0.25 - 1 + 0.125, -0.75 + 1 - 0.25): exact.
  EXPECT_TRUE(matrices_equal(matrix_from_rows({{-0.5f, -1.125f}, {0.875f, 0}}), s.z0));
  EXPECT_TRUE(near(matrix_from_rows({{0.37754066879814546f, 0.24508501313237172f},
                                     {0.70578502783701125f, 0.5f}}), s.a0));
  EXPECT_TRUE(near(matrix_from_rows({{0.11052597536020693f, 0.11762751969855756f}}), s.z1));
  EXPECT_TRUE(near(matrix_from_rows({{0.52760339931926103f, 0.52937302006866138f}}), s.a1));
  // J = (0.63941041517402264 + 0.75368947341140768) / 2.
  EXPECT_NEAR(s.cost, 0.69654994429271522, kRelTol * 0.7);
}

TEST(RefNetworkByHand, Gradients) {
  const TrainingStep s = training_step(TinyNetwork{});
  EXPECT_TRUE(near(matrix_from_rows({{-0.47239660068073897f, 0.52937302006866138f}}), s.dz1));  // A1 - Y
  EXPECT_TRUE(near(matrix_from_rows({{-0.024303767491762749f, -0.034361968963617082f}}), s.dw1));
  EXPECT_TRUE(near(matrix_from_rows({{0.028488209693961184f}}), s.db1));
  EXPECT_TRUE(near(matrix_from_rows({{-0.70859490102110845f, 0.79405953010299202f},
                                     {0.47239660068073897f, -0.52937302006866138f}}), s.da0));
  EXPECT_TRUE(near(matrix_from_rows({{-0.1665224321870819f, 0.14691558364079924f},
                                     {0.098094345665861407f, -0.13234325501716535f}}), s.dz0));
  EXPECT_TRUE(near(matrix_from_rows({{-0.11508839986717009f, 0.022023759500487804f},
                                     {0.090695213925048021f, -0.058772495767769273f}}), s.dw0));
  EXPECT_TRUE(near(matrix_from_rows({{-0.0098034242731413358f}, {-0.017124454675651959f}}), s.db0));
}

// Every one of the 9 parameters against a central difference of the cost. The step h = 2^-8 gives a truncation
// error of h^2/6 * |J'''| ~ 1e-6; the cost goes through float activations (relative rounding ~6e-8), which adds
// up to ~3e-6 after division by 2h. The gradients are 0.01 to 0.1, so 2e-5 still catches any wrong term.
TEST(RefNetworkByHand, GradientsMatchFiniteDifferencesOfTheCost) {
  constexpr float kStep = 0x1.0p-8f;
  TinyNetwork net;
  const TrainingStep s = training_step(net);
  const std::array<Matrix*, 4> parameters = {&net.w0, &net.b0, &net.w1, &net.b1};
  const std::array<const Matrix*, 4> gradients = {&s.dw0, &s.db0, &s.dw1, &s.db1};
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
  TinyNetwork net;
  const TrainingStep s = training_step(net);
  const Sgd sgd{.learning_rate = 0.5f};
  ref::sgd_update(net.w0, s.dw0, {}, sgd, {});
  ref::sgd_update(net.b0, s.db0, {}, sgd, {});
  ref::sgd_update(net.w1, s.dw1, {}, sgd, {});
  ref::sgd_update(net.b1, s.db1, {}, sgd, {});
  EXPECT_TRUE(near(matrix_from_rows({{0.25f + 0.5f * 0.11508839986717009f, -0.5f - 0.5f * 0.022023759500487804f},
                                     {0.75f - 0.5f * 0.090695213925048021f, 0.5f + 0.5f * 0.058772495767769273f}}),
                   net.w0));
  EXPECT_LT(cost_of(net), s.cost);
}

}  // namespace
}  // namespace nnk::test
