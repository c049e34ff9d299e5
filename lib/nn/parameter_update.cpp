#include "nn/parameter_update.hpp"

#include <cmath>
#include <variant>
#include <vector>

#include "nn/gemm.hpp"
#include "nn/step_plan.hpp"
#include "nnk/error.hpp"
#include "nnk/kernels.hpp"

namespace nnk::nn {

namespace {

void check_learning_rate(const char* function, float value) {
  if (!(std::isfinite(value) && value >= 0.0f))
    detail::fail(function, ": optimizer.learning_rate must be finite and >= 0, got ", value);
}

void check_decay_rate(const char* function, const char* name, float value) {
  if (!(value >= 0.0f && value < 1.0f)) detail::fail(function, ": optimizer.", name, " must be in [0, 1), got ", value);
}

OptimizerState::Kind kind_needed(const Optimizer& optimizer) {
  if (std::holds_alternative<Adam>(optimizer)) return OptimizerState::Kind::Adam;
  return std::get<Sgd>(optimizer).momentum != 0.0f ? OptimizerState::Kind::SgdMomentum : OptimizerState::Kind::None;
}

std::vector<Matrix> zeros_like(const std::vector<LayerParameters>& layers, bool bias) {
  std::vector<Matrix> out;
  out.reserve(layers.size());
  for (const LayerParameters& p : layers) {
    const Matrix& like = bias ? p.bias : p.weights;
    out.emplace_back(like.rows(), like.cols());
  }
  return out;
}

}  // namespace

void check_optimizer(const char* function, const Optimizer& optimizer) {
  if (const Sgd* sgd = std::get_if<Sgd>(&optimizer)) {
    check_learning_rate(function, sgd->learning_rate);
    check_decay_rate(function, "momentum", sgd->momentum);
    return;
  }
  const Adam& adam = std::get<Adam>(optimizer);
  check_learning_rate(function, adam.learning_rate);
  check_decay_rate(function, "beta1", adam.beta1);
  check_decay_rate(function, "beta2", adam.beta2);
  if (!(std::isfinite(adam.epsilon) && adam.epsilon > 0.0f))
    detail::fail(function, ": optimizer.epsilon must be finite and > 0, got ", adam.epsilon);
}

void prepare_optimizer_state(Network::State& state, const Optimizer& optimizer) {
  const OptimizerState::Kind kind = kind_needed(optimizer);
  OptimizerState& os = state.optimizer;
  if (os.kind == kind) return;
  os = OptimizerState{};
  os.kind = kind;
  if (kind == OptimizerState::Kind::None) return;
  os.weight_first = zeros_like(state.layers, false);
  os.bias_first = zeros_like(state.layers, true);
  if (kind == OptimizerState::Kind::Adam) {
    os.weight_second = zeros_like(state.layers, false);
    os.bias_second = zeros_like(state.layers, true);
  }
}

// This thread's dW panel (slot 0) or block's bias-gradient sum (slot 1): grow-only, so that a step after the first
// allocates nothing.
MatrixView gradient_scratch(std::int64_t rows, std::int64_t cols, int slot = 0) {
  thread_local Matrix scratch[2];
  Matrix& buffer = scratch[slot];
  if (buffer.rows() * buffer.cols() < rows * cols) buffer = Matrix(rows * cols, 1);
  return MatrixView(buffer.data(), rows, cols, rows);
}

void fold_weight_gradient(float alpha, ConstMatrixView dz, ConstMatrixView input_rows, float beta, MatrixView c) {
  const std::int64_t m = dz.cols();
  for (std::int64_t b = 0; b < gradient_block_count(m); ++b) {
    const ColumnBlock k = gradient_block(m, b);
    gemm(Trans::No, Trans::Yes, alpha, dz.col_block(k.begin, k.columns()), input_rows.col_block(k.begin, k.columns()),
         b == 0 ? beta : 1.0f, c);
  }
}

void add_into(MatrixView sum, ConstMatrixView term) {
  for (std::int64_t j = 0; j < sum.cols(); ++j) {
    float* __restrict s = sum.col(j);
    const float* __restrict t = term.col(j);
    for (std::int64_t i = 0; i < sum.rows(); ++i) s[i] = s[i] + t[i];  // one rounding, as the GEMM's beta = 1
  }
}

void fold_bias_gradient(ConstMatrixView dz, float scale, MatrixView db, bool continues) {
  const std::int64_t m = dz.cols();
  if (!continues) nnk::bias_gradient(dz.col_block(0, gradient_block(m, 0).columns()), scale, db);
  if (!continues && gradient_block_count(m) == 1) return;
  const MatrixView block_sum = gradient_scratch(db.rows(), 1, /*slot=*/1);
  for (std::int64_t b = continues ? 0 : 1; b < gradient_block_count(m); ++b) {
    const ColumnBlock k = gradient_block(m, b);
    nnk::bias_gradient(dz.col_block(k.begin, k.columns()), scale, block_sum);
    add_into(db, block_sum);
  }
}

bool fuses_sgd_into_gemm(const Optimizer& optimizer, const NetworkSpec& spec) {
  const Sgd* sgd = std::get_if<Sgd>(&optimizer);
  return sgd != nullptr && sgd->momentum == 0.0f && spec.l1 == 0.0f;
}

float fused_sgd_weight_scale(const Optimizer& optimizer, const NetworkSpec& spec) {
  return 1.0f - std::get<Sgd>(optimizer).learning_rate * spec.l2;
}

float fused_sgd_gradient_scale(const Optimizer& optimizer, float inv_m) {
  return -std::get<Sgd>(optimizer).learning_rate * inv_m;
}

void apply_weight_gradient(Network::State& state, std::size_t l, std::int64_t first_column, ConstMatrixView dw,
                           const Optimizer& optimizer) {
  const std::int64_t cols = dw.cols();
  const MatrixView w = state.layers[l].weights.view().col_block(first_column, cols);
  const Regularization weight_reg{state.spec.l1, state.spec.l2};
  OptimizerState& os = state.optimizer;
  if (const Sgd* sgd = std::get_if<Sgd>(&optimizer)) {
    const bool momentum = os.kind == OptimizerState::Kind::SgdMomentum;
    nnk::sgd_update(w, dw, momentum ? os.weight_first[l].view().col_block(first_column, cols) : MatrixView(), *sgd,
                    weight_reg);
    return;
  }
  nnk::adam_update(w, dw, os.weight_first[l].view().col_block(first_column, cols),
                   os.weight_second[l].view().col_block(first_column, cols), os.updates + 1, std::get<Adam>(optimizer),
                   weight_reg);
}

void update_weight_panel(Network::State& state, const WeightPanel& panel, ConstMatrixView dz,
                         ConstMatrixView input_rows, const Optimizer& optimizer) {
  const std::size_t l = panel.layer;
  const std::int64_t cols = panel.end - panel.begin;
  const MatrixView w = state.layers[l].weights.view().col_block(panel.begin, cols);
  const float inv_m = 1.0f / static_cast<float>(dz.cols());

  if (fuses_sgd_into_gemm(optimizer, state.spec)) {
    // W - lr * (dW + l2 W) = (1 - lr*l2) W - (lr/m) dZ input^T.
    fold_weight_gradient(fused_sgd_gradient_scale(optimizer, inv_m), dz, input_rows,
                         fused_sgd_weight_scale(optimizer, state.spec), w);
    return;
  }
  // dW of the panel lands in this thread's scratch, still in cache when the optimizer reads it: never in weight_grad.
  const MatrixView dw = gradient_scratch(w.rows(), cols);
  fold_weight_gradient(inv_m, dz, input_rows, 0.0f, dw);
  apply_weight_gradient(state, l, panel.begin, dw, optimizer);
}

namespace {

// One optimizer step on a whole parameter matrix from its gradient g, with the layer's moments `first`/`second`.
void update_from_gradient(MatrixView parameter, ConstMatrixView g, std::vector<Matrix>& first,
                          std::vector<Matrix>& second, std::size_t l, const OptimizerState& os,
                          const Optimizer& optimizer, Regularization reg) {
  if (const Sgd* sgd = std::get_if<Sgd>(&optimizer)) {
    const bool momentum = os.kind == OptimizerState::Kind::SgdMomentum;
    nnk::sgd_update(parameter, g, momentum ? first[l].view() : MatrixView(), *sgd, reg);
    return;
  }
  nnk::adam_update(parameter, g, first[l], second[l], os.updates + 1, std::get<Adam>(optimizer), reg);
}

}  // namespace

void update_bias(Network::State& state, std::size_t l, const Optimizer& optimizer) {
  LayerParameters& p = state.layers[l];
  OptimizerState& os = state.optimizer;  // biases are not regularized
  update_from_gradient(p.bias, p.bias_grad, os.bias_first, os.bias_second, l, os, optimizer, Regularization{});
}

void update_weights(Network::State& state, std::size_t l, const Optimizer& optimizer) {
  LayerParameters& p = state.layers[l];
  OptimizerState& os = state.optimizer;  // weight_grad already holds the regularization's gradient
  update_from_gradient(p.weights, p.weight_grad, os.weight_first, os.weight_second, l, os, optimizer,
                       Regularization{});
}

void weight_gradient_panel(Network::State& state, const WeightPanel& panel, ConstMatrixView dz,
                           ConstMatrixView input_rows) {
  LayerParameters& p = state.layers[panel.layer];
  const std::int64_t cols = panel.end - panel.begin;
  const MatrixView dw = p.weight_grad.view().col_block(panel.begin, cols);
  fold_weight_gradient(1.0f / static_cast<float>(dz.cols()), dz, input_rows, 0.0f, dw);
  if (!state.regularized()) return;
  const float l1 = state.spec.l1, l2 = state.spec.l2;
  const ConstMatrixView w = p.weights.view().col_block(panel.begin, cols);
  const std::int64_t rows = w.rows();
  for (std::int64_t j = 0; j < cols; ++j) {
    // Distinct buffers (W and its gradient), said so that the loop vectorizes: gradient clipping runs it every step.
    const float* __restrict wj = w.col(j);
    float* __restrict dj = dw.col(j);
    for (std::int64_t i = 0; i < rows; ++i) {
      const float wi = wj[i];
      const float sign = static_cast<float>((wi > 0.0f) - (wi < 0.0f));  // sign(0) = 0, as the kernels
      dj[i] += l1 * sign + l2 * wi;
    }
  }
}

void finish_optimizer_step(Network::State& state) { ++state.optimizer.updates; }

}  // namespace nnk::nn
