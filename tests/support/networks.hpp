// Helpers shared by the network tests: random networks, inputs and targets that suit each loss.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "nnk/network.hpp"
#include "support/random.hpp"

namespace nnk::test {

inline constexpr Activation kHiddenActivations[] = {Activation::Identity, Activation::Sigmoid, Activation::Tanh,
                                                    Activation::ReLU};
inline constexpr Loss kLosses[] = {Loss::BinaryCrossEntropy, Loss::CategoricalCrossEntropy, Loss::MeanSquaredError};

// Targets in each loss's domain: 0/1 labels (BCE), one-hot columns (CCE), real values (MSE).
inline Matrix random_targets(Loss loss, std::int64_t outputs, std::int64_t m, std::uint64_t seed) {
  Rng rng(seed);
  Matrix y(outputs, m);
  for (std::int64_t j = 0; j < m; ++j) {
    if (loss == Loss::CategoricalCrossEntropy) {
      y(rng.uniform_int(0, outputs - 1), j) = 1.0f;
      continue;
    }
    for (std::int64_t i = 0; i < outputs; ++i)
      y(i, j) = loss == Loss::BinaryCrossEntropy ? static_cast<float>(rng.uniform_int(0, 1)) : rng.uniform(-2.0f, 2.0f);
  }
  return y;
}

// A spec with the given hidden widths and activations (one activation for all hidden layers) and the output layer
// the loss pairs with.
inline NetworkSpec make_spec(std::int64_t inputs, const std::vector<std::int64_t>& hidden, Activation activation,
                             std::int64_t outputs, Loss loss, std::uint64_t seed) {
  NetworkSpec spec{.inputs = inputs, .layers = {}, .loss = loss, .seed = seed};
  for (std::int64_t units : hidden) spec.layers.push_back({.units = units, .activation = activation});
  spec.layers.push_back({.units = outputs, .activation = output_activation(loss)});
  return spec;
}

// Bitwise comparison of every parameter of two networks of the same spec.
inline bool same_parameters(const Network& a, const Network& b) {
  for (std::size_t l = 0; l < a.num_layers(); ++l) {
    for (const bool bias : {false, true}) {
      const ConstMatrixView pa = bias ? a.bias(l) : a.weights(l);
      const ConstMatrixView pb = bias ? b.bias(l) : b.weights(l);
      for (std::int64_t j = 0; j < pa.cols(); ++j)
        for (std::int64_t i = 0; i < pa.rows(); ++i)
          if (std::bit_cast<std::uint32_t>(pa(i, j)) != std::bit_cast<std::uint32_t>(pb(i, j))) return false;
    }
  }
  return true;
}

}  // namespace nnk::test
