#include "nn/gradient_clipping.hpp"

#include <cmath>

#include "nn/parallel_blocks.hpp"
#include "nn/parameter_update.hpp"
#include "nn/training_pass.hpp"
#include "nnk/kernels.hpp"

namespace nnk::nn {

namespace {

// The L2 penalty's kernel with l2 = 2 is the sum of squares: summed in double, vectorized, with a chunking fixed by
// the shape (the same bits for any thread count).
double sum_of_squares(const Matrix& m) { return nnk::regularization_cost(m, Regularization{.l1 = 0, .l2 = 2}); }

void scale(Matrix& m, float factor) {
  for_each_column_block(m.rows(), m.cols(), [&](std::int64_t col0, std::int64_t cols) {
    for (std::int64_t j = col0; j < col0 + cols; ++j)
      for (std::int64_t i = 0; i < m.rows(); ++i) m(i, j) *= factor;
  });
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
