// The baseline of nnk-profile's train_step rows, nnk::ref::train_step, must do the work of nnk::Network::train_step:
// same cost, same updated parameters (up to float rounding: the reference sums in double), for each loss and with
// regularization.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "nnk/error.hpp"
#include "nnk/network.hpp"
#include "nnk/ref.hpp"

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
  std::vector<nnk::ref::DenseLayer> reference;  // starts from net's parameters
  for (std::size_t l = 0; l < net.num_layers(); ++l)
    reference.push_back({nnk::Matrix::from(net.weights(l)), nnk::Matrix::from(net.bias(l)), spec.layers[l].activation});
  const nnk::Regularization reg{.l1 = spec.l1, .l2 = spec.l2};
  nnk::ref::TrainStepValues values;
  nnk::Matrix x(spec.inputs, m);
  fill(x, 2, -1.0f, 1.0f);
  const nnk::Matrix y = targets(spec.loss, spec.layers.back().units, m);
  const nnk::Sgd sgd{.learning_rate = 0.5f};  // large, so that a wrong gradient moves the weights visibly
  for (int step = 0; step < 3; ++step) {
    const float expected = net.train_step(x, y, sgd);
    const double actual = nnk::ref::train_step(reference, spec.loss, reg, x, y, sgd.learning_rate, values);
    EXPECT_NEAR(actual, expected, 1e-5 * std::max(1.0f, std::abs(expected))) << "step " << step;
  }
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    for (std::int64_t j = 0; j < net.weights(l).cols(); ++j)
      for (std::int64_t i = 0; i < net.weights(l).rows(); ++i)
        ASSERT_NEAR(reference[l].weights(i, j), net.weights(l)(i, j), 2e-5f)
            << "W[" << l << "](" << i << ", " << j << ")";
    for (std::int64_t i = 0; i < net.bias(l).rows(); ++i)
      ASSERT_NEAR(reference[l].bias(i, 0), net.bias(l)(i, 0), 2e-5f) << "b[" << l << "](" << i << ")";
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

// x and y of different batch sizes, x of the wrong height, an output activation the loss does not pair with.
TEST(ReferenceTrainStep, RejectsInconsistentArguments) {
  std::vector<nnk::ref::DenseLayer> reference{{nnk::Matrix(4, 3), nnk::Matrix(4, 1), Activation::ReLU},
                                               {nnk::Matrix(1, 4), nnk::Matrix(1, 1), Activation::Sigmoid}};
  const nnk::Loss bce = nnk::Loss::BinaryCrossEntropy;
  nnk::ref::TrainStepValues values;
  const nnk::Matrix x(3, 5), y(1, 5);
  EXPECT_THROW(nnk::ref::train_step(reference, bce, {}, x, nnk::Matrix(1, 4), 0.1f, values), nnk::Error);
  EXPECT_THROW(nnk::ref::train_step(reference, bce, {}, nnk::Matrix(2, 5), y, 0.1f, values), nnk::Error);
  EXPECT_THROW(nnk::ref::train_step(reference, nnk::Loss::MeanSquaredError, {}, x, y, 0.1f, values), nnk::Error);
  EXPECT_NO_THROW(nnk::ref::train_step(reference, bce, {}, x, y, 0.1f, values));
}

}  // namespace
}  // namespace nnk_profile
