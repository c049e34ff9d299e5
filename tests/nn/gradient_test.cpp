// Backward pass against central differences in double (nnk::gradient_check) over random networks: depth 1-4 (0-3
// hidden layers), widths 1-70, every hidden activation and every loss, m = 1-100; with dropout and regularization.
//
// Tolerance: the analytic gradient is computed in float (GEMMs over up to 100 examples, float activations), the
// numeric one in double with h = 1e-5 (truncation ~1e-10, rounding ~1e-11). Float rounding gives relative errors
// around 1e-6 .. 1e-4 (5e-5 at worst over 400 random networks) on entries much larger than the floor (1e-3, below which the error is measured against the
// floor). A wrong term (a missing 1/m, a wrong derivative, a mask applied twice) gives errors of order 1.
#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/networks.hpp"
#include "nnk/network.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

constexpr double kMaxRelativeError = 1e-3;

std::string describe(const NetworkSpec& spec, std::int64_t m) {
  std::ostringstream out;
  out << spec.inputs;
  for (const LayerSpec& l : spec.layers)
    out << "-" << l.units << to_string(l.activation) << (l.dropout > 0 ? "(dropout)" : "");
  out << " " << to_string(spec.loss) << " m=" << m << " l1=" << spec.l1 << " l2=" << spec.l2;
  return out.str();
}

::testing::AssertionResult gradient_matches(const NetworkSpec& spec, std::int64_t m, std::uint64_t seed) {
  Network net(spec);
  const Matrix x = random_matrix(spec.inputs, m, seed ^ 1);
  const Matrix y = random_targets(spec.loss, spec.layers.back().units, m, seed ^ 2);
  const GradientCheckResult r = gradient_check_details(net, x, y, {.max_entries_per_matrix = 12});
  if (r.max_relative_error <= kMaxRelativeError && r.checked > 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << describe(spec, m) << ": max relative error " << r.max_relative_error
                                       << " at layer " << r.layer << (r.is_bias ? " bias" : " weight") << " (" << r.row
                                       << ", " << r.col << "): analytic " << r.analytic << ", numeric " << r.numeric
                                       << " (" << r.checked << " checked, " << r.skipped_at_kinks << " at kinks)";
}

// A random architecture: `layers` layers (the last one the output), widths 1..70, m 1..100.
struct RandomCase {
  NetworkSpec spec;
  std::int64_t m;
};

RandomCase random_case(Rng& rng, std::int64_t layers, Activation hidden, Loss loss, std::uint64_t seed) {
  std::vector<std::int64_t> widths;
  for (std::int64_t l = 0; l + 1 < layers; ++l) widths.push_back(rng.uniform_int(1, 70));
  return {make_spec(rng.uniform_int(1, 70), widths, hidden, rng.uniform_int(1, 70), loss, seed), rng.uniform_int(1, 100)};
}

TEST(GradientCheck, RandomNetworksOfEveryActivationAndLoss) {
  const std::uint64_t seed = derive_seed(101);
  NNK_SEED_TRACE(seed);
  Rng rng(seed);
  for (const Loss loss : kLosses) {
    for (const Activation hidden : kHiddenActivations) {
      for (std::int64_t layers = 1; layers <= 4; ++layers) {
        const RandomCase c = random_case(rng, layers, hidden, loss, rng.next_u64());
        EXPECT_TRUE(gradient_matches(c.spec, c.m, rng.next_u64()));
      }
    }
  }
}

// The corners of the ranges: width 1 everywhere, width 70 everywhere, one example, a hundred.
TEST(GradientCheck, ExtremeWidthsAndBatchSizes) {
  const std::uint64_t seed = derive_seed(102);
  NNK_SEED_TRACE(seed);
  for (const Loss loss : kLosses) {
    for (const std::int64_t width : {1, 70}) {
      for (const std::int64_t m : {1, 100}) {
        for (const std::int64_t layers : {1, 4}) {
          const std::vector<std::int64_t> hidden(static_cast<std::size_t>(layers - 1), width);
          EXPECT_TRUE(gradient_matches(make_spec(width, hidden, Activation::Tanh, width, loss, seed), m, seed + m));
        }
      }
    }
  }
}

TEST(GradientCheck, RegularizationIsPartOfTheGradient) {
  const std::uint64_t seed = derive_seed(103);
  NNK_SEED_TRACE(seed);
  for (const Loss loss : kLosses) {
    NetworkSpec spec = make_spec(9, {13, 7}, Activation::Sigmoid, 3, loss, seed);
    spec.l1 = 0.01f;
    spec.l2 = 0.05f;
    EXPECT_TRUE(gradient_matches(spec, 17, seed));
  }
}

TEST(GradientCheck, DropoutMasksAreTheSameInBothDirections) {
  const std::uint64_t seed = derive_seed(104);
  NNK_SEED_TRACE(seed);
  for (const Activation hidden : kHiddenActivations) {
    NetworkSpec spec = make_spec(6, {20, 11}, hidden, 2, Loss::BinaryCrossEntropy, seed);
    spec.layers[0].dropout = 0.5f;
    spec.layers[1].dropout = 0.2f;
    EXPECT_TRUE(gradient_matches(spec, 23, seed));
  }
}

// After training steps (the step keys the masks, Adam state exists) the gradient is still right.
TEST(GradientCheck, AfterTrainingSteps) {
  const std::uint64_t seed = derive_seed(105);
  NNK_SEED_TRACE(seed);
  NetworkSpec spec = make_spec(5, {8}, Activation::ReLU, 4, Loss::CategoricalCrossEntropy, seed);
  spec.layers[0].dropout = 0.25f;
  Network net(spec);
  const Matrix x = random_matrix(5, 30, seed);
  const Matrix y = random_targets(spec.loss, 4, 30, seed + 1);
  for (int step = 0; step < 3; ++step) net.train_step(x, y, Adam{.learning_rate = 0.01f});
  EXPECT_LE(gradient_check(net, x, y), kMaxRelativeError);
}

// A linear model's gradient by hand: dW = (1/m) (W X + b - Y) X^T, db = (1/m) rowsum(W X + b - Y).
TEST(Backward, LinearRegressionGradientByHand) {
  const std::uint64_t seed = derive_seed(106);
  NNK_SEED_TRACE(seed);
  Network net(make_spec(3, {}, Activation::Identity, 2, Loss::MeanSquaredError, seed));
  const Matrix x = random_matrix(3, 5, seed);
  const Matrix y = random_matrix(2, 5, seed + 1);
  net.forward(x);
  const float cost = net.backward(y);
  double expected_cost = 0;
  std::vector<double> residual(10);
  for (std::int64_t j = 0; j < 5; ++j)
    for (std::int64_t i = 0; i < 2; ++i) {
      double z = net.bias(0)(i, 0);
      for (std::int64_t k = 0; k < 3; ++k) z += static_cast<double>(net.weights(0)(i, k)) * x(k, j);
      residual[i + 2 * j] = z - y(i, j);
      expected_cost += 0.5 * residual[i + 2 * j] * residual[i + 2 * j] / 5;
    }
  EXPECT_NEAR(cost, expected_cost, 1e-6 * (1 + expected_cost));
  for (std::int64_t i = 0; i < 2; ++i) {
    double db = 0;
    for (std::int64_t j = 0; j < 5; ++j) db += residual[i + 2 * j] / 5;
    EXPECT_NEAR(net.bias_grad(0)(i, 0), db, 1e-6);
    for (std::int64_t k = 0; k < 3; ++k) {
      double dw = 0;
      for (std::int64_t j = 0; j < 5; ++j) dw += residual[i + 2 * j] * x(k, j) / 5;
      EXPECT_NEAR(net.weight_grad(0)(i, k), dw, 1e-6);
    }
  }
}

TEST(GradientCheck, RejectsBadArguments) {
  Network net(make_spec(3, {4}, Activation::Tanh, 1, Loss::MeanSquaredError, 1));
  const Matrix x(3, 5), y(1, 5), y_bad(2, 5);
  EXPECT_TRUE(throws_error_containing([&] { gradient_check(net, x, y_bad); }, {"nnk::gradient_check", "y is 2 x 5"}));
  EXPECT_TRUE(throws_error_containing([&] { gradient_check(net, x, y, {.step = 0}); }, {"options.step", "got 0"}));
  EXPECT_TRUE(throws_error_containing([&] { gradient_check(net, x, y, {.floor = -1}); }, {"options.floor"}));
}

}  // namespace
}  // namespace nnk::test
