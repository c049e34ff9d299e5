// The optimizer step inside train_step, panel by panel of the weights (internal to lib/nn).
#pragma once

#include <cstddef>

#include "nn/network_state.hpp"
#include "nn/step_plan.hpp"
#include "nnk/network.hpp"

namespace nnk::nn {

// Throws nnk::Error (prefixed with `function`) for a hyperparameter out of range: learning_rate finite >= 0,
// momentum, beta1, beta2 in [0, 1), epsilon finite > 0.
void check_optimizer(const char* function, const Optimizer& optimizer);

// Makes the optimizer state match the optimizer (zeroed moments on first use or when the kind changes). The only
// allocation of an update; run it before the step so that a failure leaves the parameters untouched.
void prepare_optimizer_state(Network::State& state, const Optimizer& optimizer);

// Every sum over the batch is a left fold over its gradient blocks (step_plan.hpp).
// c = beta c + alpha dZ input^T, as c = beta c + alpha P_0, then c = c + alpha P_b for each later block b (P_b the
// block's GEMM sum; each block one GEMM whose K loop is the block). The ranks of nnk::mpi continue this fold.
void fold_weight_gradient(float alpha, ConstMatrixView dz, ConstMatrixView input_rows, float beta, MatrixView c);
// db = scale rowsum(dZ) as the fold of each block's nnk::bias_gradient; continues: db already holds the fold of
// earlier blocks (another process's), and dZ's blocks are added to it.
void fold_bias_gradient(ConstMatrixView dz, float scale, MatrixView db, bool continues = false);
// sum = sum + term, element by element: one float addition each, the step of every fold.
void add_into(MatrixView sum, ConstMatrixView term);

// Plain SGD without L1: the update is linear in W and dW, so the dW GEMM applies it (no dW buffer, no pass):
// W = weight_scale W + gradient_scale dZ input^T, with weight_scale = 1 - lr l2 and gradient_scale = -lr / m.
bool fuses_sgd_into_gemm(const Optimizer& optimizer, const NetworkSpec& spec);
float fused_sgd_weight_scale(const Optimizer& optimizer, const NetworkSpec& spec);
float fused_sgd_gradient_scale(const Optimizer& optimizer, float inv_m);

// The optimizer step on columns [first_column, first_column + dw.cols()) of W[l] from their dW (without the
// regularization, which the kernels add).
void apply_weight_gradient(Network::State& state, std::size_t l, std::int64_t first_column, ConstMatrixView dw,
                           const Optimizer& optimizer);

// Updates the panel's columns of W[l] from dZ[l] (units x m) and input_rows, the panel's rows of the layer's input
// (columns x m). Plain SGD without L1 is the dW GEMM itself: W = (1 - lr*l2) W - (lr/m) dZ input^T. Every other case
// computes the panel's dW = (1/m) dZ input^T into a per-thread scratch that stays in cache (L2) and runs the
// optimizer kernel on it right away: weight_grad is not written.
void update_weight_panel(Network::State& state, const WeightPanel& panel, ConstMatrixView dz,
                         ConstMatrixView input_rows, const Optimizer& optimizer);

// Updates b[l] from bias_grad[l], which must hold db[l] = (1/m) rowsum(dZ[l]).
void update_bias(Network::State& state, std::size_t l, const Optimizer& optimizer);

// Updates all of W[l] from weight_grad[l], which must hold backward()'s gradient (regularization included, so the
// kernels add none). The unfused update of gradient clipping.
void update_weights(Network::State& state, std::size_t l, const Optimizer& optimizer);

// backward()'s gradient of the panel: weight_grad[l] = (1/m) dZ input^T + l1 sign(W) + l2 W.
void weight_gradient_panel(Network::State& state, const WeightPanel& panel, ConstMatrixView dz,
                           ConstMatrixView input_rows);

// Counts one applied step in the optimizer state (Adam's t); call once per train_step, after every layer.
void finish_optimizer_step(Network::State& state);

}  // namespace nnk::nn
