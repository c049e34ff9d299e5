// A copy of everything a training step changes (internal to lib/nn): fit takes one before each epoch and restores
// it when the epoch fails, so a diverged or rejected run never leaves NaN weights behind. Early stopping keeps one
// of its best epoch, and checkpoints store two.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/network_state.hpp"
#include "nnk/matrix.hpp"

namespace nnk::nn {

class TrainingSnapshot {
 public:
  // Copies the parameters, the optimizer state and the step count. Reuses its buffers when the shapes are those of
  // the last take (every epoch after the first copies without allocating).
  void take(const Network::State& state);
  // Puts the copied values back into the network they were taken from.
  void restore(Network::State& state) const;

  // The copied values, for the checkpoint file, which writes them and reads them back before a restore().
  std::vector<Matrix>& weights() { return weights_; }
  const std::vector<Matrix>& weights() const { return weights_; }
  std::vector<Matrix>& biases() { return biases_; }
  const std::vector<Matrix>& biases() const { return biases_; }
  OptimizerState& optimizer() { return optimizer_; }
  const OptimizerState& optimizer() const { return optimizer_; }
  std::int64_t& steps() { return steps_; }
  std::int64_t steps() const { return steps_; }

 private:
  std::vector<Matrix> weights_;
  std::vector<Matrix> biases_;
  OptimizerState optimizer_;
  std::int64_t steps_ = 0;
};

}  // namespace nnk::nn
