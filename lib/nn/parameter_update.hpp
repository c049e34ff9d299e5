// The optimizer step of one layer inside train_step (internal to lib/nn).
#pragma once

#include <cstddef>

#include "nn/network_state.hpp"
#include "nnk/network.hpp"

namespace nnk::nn {

// Throws nnk::Error (prefixed with `function`) for a hyperparameter out of range: learning_rate finite >= 0,
// momentum, beta1, beta2 in [0, 1), epsilon finite > 0.
void check_optimizer(const char* function, const Optimizer& optimizer);

// Makes the optimizer state match the optimizer (zeroed moments on first use or when the kind changes). The only
// allocation of an update; run it before the step so that a failure leaves the parameters untouched.
void prepare_optimizer_state(Network::State& state, const Optimizer& optimizer);

// Updates W[l] and b[l] from dZ[l] (units x m) and the layer's input (fan_in x m); bias_grad[l] must already hold
// db[l] = (1/m) rowsum(dZ[l]). Plain SGD without L1 is the dW GEMM itself: W = (1 - lr*l2) W - (lr/m) dZ input^T.
// Every other case materializes dW = (1/m) dZ input^T in weight_grad[l] and runs the optimizer kernel over it.
void update_layer(Network::State& state, std::size_t l, ConstMatrixView dz, ConstMatrixView input,
                  const Optimizer& optimizer);

// Counts one applied step in the optimizer state (Adam's t); call once per train_step, after every layer.
void finish_optimizer_step(Network::State& state);

}  // namespace nnk::nn
