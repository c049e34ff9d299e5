#include "nn/training_snapshot.hpp"

#include <cstring>

namespace nnk::nn {

namespace {

// target = source, in place when the shapes agree (a copy-assignment would allocate anew).
void copy_into(Matrix& target, const Matrix& source) {
  if (target.rows() != source.rows() || target.cols() != source.cols()) {
    target = source;
    return;
  }
  if (!source.empty())
    std::memcpy(target.data(), source.data(), static_cast<std::size_t>(source.size()) * sizeof(float));
}

void copy_all(std::vector<Matrix>& target, const std::vector<Matrix>& source) {
  target.resize(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) copy_into(target[i], source[i]);
}

void copy_optimizer(OptimizerState& target, const OptimizerState& source) {
  target.kind = source.kind;
  copy_all(target.weight_first, source.weight_first);
  copy_all(target.bias_first, source.bias_first);
  copy_all(target.weight_second, source.weight_second);
  copy_all(target.bias_second, source.bias_second);
  target.updates = source.updates;
}

}  // namespace

void TrainingSnapshot::take(const Network::State& state) {
  weights_.resize(state.num_layers());
  biases_.resize(state.num_layers());
  for (std::size_t l = 0; l < state.num_layers(); ++l) {
    copy_into(weights_[l], state.layers[l].weights);
    copy_into(biases_[l], state.layers[l].bias);
  }
  copy_optimizer(optimizer_, state.optimizer);
  steps_ = state.steps;
}

void TrainingSnapshot::restore(Network::State& state) const {
  for (std::size_t l = 0; l < state.num_layers(); ++l) {
    copy_into(state.layers[l].weights, weights_[l]);
    copy_into(state.layers[l].bias, biases_[l]);
  }
  copy_optimizer(state.optimizer, optimizer_);
  state.steps = steps_;
  state.workspace.forward_columns = 0;  // the workspace holds a step of the abandoned epoch: nothing to go back to
}

}  // namespace nnk::nn
