// The training step of fit with gradient-norm clipping (internal to lib/nn). Clipping needs every gradient before
// any update, which the fused step (training_pass.hpp) never has: this step materializes dW and db with the
// backward pass, takes their global norm, scales them, and runs the optimizer kernels on them.
#pragma once

#include "nn/network_state.hpp"
#include "nnk/matrix.hpp"
#include "nnk/network.hpp"

namespace nnk::nn {

// sqrt of the sum of squares of every weight_grad and bias_grad element, in double: each matrix's sum in the fixed
// chunks of nnk::regularization_cost, the matrices added layer by layer, dW then db. The same bits for any thread
// count.
double gradient_norm(const Network::State& state);

struct ClippedStep {
  double cost = 0;       // J before the update, as train_step returns it
  bool clipped = false;  // the norm exceeded the limit and the gradients were scaled by limit / norm
};

// One training step like nn::train_step (dropout masks of steps(), then steps() + 1) whose gradients are scaled to
// a global L2 norm of at most max_norm (> 0) before the update. The caller has checked x, y and the optimizer.
ClippedStep clipped_train_step(Network::State& state, ConstMatrixView x, ConstMatrixView y, const Optimizer& optimizer,
                               float max_norm);

}  // namespace nnk::nn
