// The baseline of the train_step rows must do the work of nnk::Network::train_step: same cost, same updated
// parameters (up to float rounding: the reference sums in double), for each loss and with regularization.
#include "reference_train_step.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>

#include "nnk/network.hpp"

namespace nnk_profile {
namespace {

using nnk::Activation;

void fill(nnk::Matrix& x, std::uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(lo, hi);
  for (std::int64_t i = 0; i < x.size(); ++i) x.data()[i] = uniform(rng);
}

// Targets in the loss's domain: 0/1 for BCE, one-hot columns for CCE, any real for MSE.
nnk::Matrix targets(nnk::Loss loss, std::int64_t outputs, std::int64_t m) {
  nnk::Matrix y(outputs, m);
  if (loss == nnk::Loss::CategoricalCrossEntropy) {
    for (std::int64_t j = 0; j < m; ++j) y((j * 7) % outputs, j) = 1.0f;
  } else if (loss == nnk::Loss::BinaryCrossEntropy) {
    for (std::int64_t i = 0; i < y.size(); ++i) y.data()[i] = static_cast<float>((i * 5) % 3 == 0);
  } else {
    fill(y, 3, -1.0f, 1.0f);
  }
  return y;
}

void expect_same_step(const nnk::NetworkSpec& spec, std::int64_t m) {
  nnk::Network net(spec);
  ReferenceTrainStep reference(net, m);
  nnk::Matrix x(spec.inputs, m);
  fill(x, 2, -1.0f, 1.0f);
  const nnk::Matrix y = targets(spec.loss, spec.layers.back().units, m);
  const nnk::Sgd sgd{.learning_rate = 0.5f};  // large, so that a wrong gradient moves the weights visibly
  for (int step = 0; step < 3; ++step) {
    const float expected = net.train_step(x, y, sgd);
    const float actual = reference.train_step(x, y, sgd);
    EXPECT_NEAR(actual, expected, 1e-5 * std::max(1.0f, std::abs(expected))) << "step " << step;
  }
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    for (std::int64_t j = 0; j < net.weights(l).cols(); ++j)
      for (std::int64_t i = 0; i < net.weights(l).rows(); ++i)
        ASSERT_NEAR(reference.weights(l)(i, j), net.weights(l)(i, j), 2e-5f)
            << "W[" << l << "](" << i << ", " << j << ")";
    for (std::int64_t i = 0; i < net.bias(l).rows(); ++i)
      ASSERT_NEAR(reference.bias(l)(i, 0), net.bias(l)(i, 0), 2e-5f) << "b[" << l << "](" << i << ")";
  }
}

nnk::LayerSpec layer(std::int64_t units, Activation g) { return {.units = units, .activation = g}; }

TEST(ReferenceTrainStep, BinaryCrossEntropyWithReluAndTanh) {
  expect_same_step({.inputs = 5,
                    .layers = {layer(9, Activation::ReLU), layer(4, Activation::Tanh), layer(1, Activation::Sigmoid)},
                    .loss = nnk::Loss::BinaryCrossEntropy,
                    .seed = 11},
                   13);
}

TEST(ReferenceTrainStep, CategoricalCrossEntropyWithL2) {
  expect_same_step({.inputs = 6,
                    .layers = {layer(8, Activation::Sigmoid), layer(3, Activation::Softmax)},
                    .loss = nnk::Loss::CategoricalCrossEntropy,
                    .seed = 5,
                    .l2 = 0.01f},
                   17);
}

TEST(ReferenceTrainStep, MeanSquaredErrorWithL1NoHiddenLayer) {
  expect_same_step({.inputs = 4,
                    .layers = {layer(2, Activation::Identity)},
                    .loss = nnk::Loss::MeanSquaredError,
                    .seed = 3,
                    .l1 = 0.001f},
                   10);
}

TEST(ReferenceTrainStep, RejectsDropoutAndAnotherBatchSize) {
  nnk::NetworkSpec spec{
      .inputs = 3,
      .layers = {{.units = 4, .activation = Activation::ReLU, .dropout = 0.5f}, layer(1, Activation::Sigmoid)},
      .loss = nnk::Loss::BinaryCrossEntropy};
  EXPECT_THROW(ReferenceTrainStep(nnk::Network(spec), 4), std::invalid_argument);
  spec.layers[0].dropout = 0;
  ReferenceTrainStep reference(nnk::Network(spec), 4);
  nnk::Matrix x(3, 5), y(1, 5);
  EXPECT_THROW(reference.train_step(x, y, nnk::Sgd{}), std::invalid_argument);
}

}  // namespace
}  // namespace nnk_profile
