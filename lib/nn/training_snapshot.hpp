// A copy of everything a training step changes (internal to lib/nn): fit takes one before each epoch and restores
// it when the epoch fails, so a diverged or rejected run never leaves NaN weights behind.
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

 private:
  std::vector<Matrix> weights_;
  std::vector<Matrix> biases_;
  OptimizerState optimizer_;
  std::int64_t steps_ = 0;
};

}  // namespace nnk::nn
