// A training step built from the nnk::ref kernels only, one pass per operation, as the baseline of the train_step
// rows: the same math as nnk::Network::train_step with nnk::Sgd (no momentum), without any fusion or threads.
#pragma once

#include <cstdint>
#include <vector>

#include "nnk/matrix.hpp"
#include "nnk/network.hpp"

namespace nnk_profile {

class ReferenceTrainStep {
 public:
  // Copies the parameters of `network` and sizes every buffer for `batch` columns. The network must have no dropout
  // (std::invalid_argument otherwise): the reference has no random masks.
  ReferenceTrainStep(const nnk::Network& network, std::int64_t batch);

  // Forward, cost (with regularization), backward and the SGD update of every weight and bias; returns the cost
  // before the update, as nnk::Network::train_step does. x is inputs x batch, y outputs x batch.
  float train_step(nnk::ConstMatrixView x, nnk::ConstMatrixView y, const nnk::Sgd& sgd);

  nnk::ConstMatrixView weights(std::size_t l) const { return weights_[l]; }
  nnk::ConstMatrixView bias(std::size_t l) const { return biases_[l]; }

 private:
  nnk::NetworkSpec spec_;
  std::vector<nnk::Matrix> weights_, biases_;
  std::vector<nnk::Matrix> activations_;  // A[l]; for the output layer, its logits Z
  std::vector<nnk::Matrix> deltas_;       // dZ[l]
  std::vector<nnk::Matrix> weight_grads_, bias_grads_;
};

}  // namespace nnk_profile
