#include "nn/gradient_clipping.hpp"

#include <cmath>

#include "nn/parameter_update.hpp"
#include "nn/training_pass.hpp"

namespace nnk::nn {

namespace {

double sum_of_squares(const Matrix& m) {
  double sum = 0;
  for (std::int64_t i = 0; i < m.size(); ++i) sum += static_cast<double>(m.data()[i]) * m.data()[i];
  return sum;
}

void scale(Matrix& m, float factor) {
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] *= factor;
}

}  // namespace

double gradient_norm(const Network::State& state) {
  double sum = 0;
  for (const LayerParameters& p : state.layers) sum += sum_of_squares(p.weight_grad) + sum_of_squares(p.bias_grad);
  return std::sqrt(sum);
}

ClippedStep clipped_train_step(Network::State& state, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                               float max_norm) {
  // Everything that may allocate or fail happens before the first parameter changes (as in train_step).
  prepare_optimizer_state(state, optimizer);
  reserve_workspace(state, x.cols(), /*with_io=*/false);
  state.workspace.forward_columns = 0;  // backward() must not reuse this step's workspace
  forward_pass(state, x, state.steps, /*with_output=*/false);
  ClippedStep step;
  step.cost = backward_pass(state, x, y, state.steps, nullptr);
  const double norm = gradient_norm(state);
  step.clipped = norm > static_cast<double>(max_norm);  // false for NaN: the cost shows that one
  if (step.clipped) {
    const auto factor = static_cast<float>(static_cast<double>(max_norm) / norm);
    for (LayerParameters& p : state.layers) {
      scale(p.weight_grad, factor);
      scale(p.bias_grad, factor);
    }
  }
  for (std::size_t l = 0; l < state.num_layers(); ++l) {
    update_weights(state, l, optimizer);
    update_bias(state, l, optimizer);
  }
  finish_optimizer_step(state);
  ++state.steps;
  return step;
}

}  // namespace nnk::nn
