#include "nn/parameter_update.hpp"

#include <cmath>
#include <variant>

#include "eltwise/eltwise_kernels.hpp"
#include "eltwise/optimizer_steps.hpp"
#include "gemm/gemm_driver.hpp"
#include "nn/gemm.hpp"
#include "nnk/cpu.hpp"
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

// Plain SGD without L1: the update is linear in W and dW, so the dW GEMM can apply it (no dW buffer, no pass).
bool fuses_into_gemm(const Optimizer& optimizer, const NetworkSpec& spec) {
  const Sgd* sgd = std::get_if<Sgd>(&optimizer);
  return sgd != nullptr && sgd->momentum == 0.0f && spec.l1 == 0.0f;
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

// The optimizer step on one tile of a weight panel; first and second are empty when the optimizer has no such state.
struct TileUpdate {
  const eltwise::EltwiseKernelSet* kernels = nullptr;
  bool adam = false;
  eltwise::SgdStep sgd{};
  eltwise::AdamStep adam_constants{};
  MatrixView w, first, second;
};

eltwise::Block tile_of(MatrixView v, std::int64_t row0, std::int64_t col0, std::int64_t rows, std::int64_t cols) {
  if (v.empty()) return {nullptr, 0, 0, 1};
  return {v.data() + row0 + col0 * v.ld(), rows, cols, v.ld()};
}

// gemm::TileEpilogue::apply: the finished dW tile c updates the same tile of W (and of the moments).
void update_tile(void* context, float* c, std::int64_t ldc, std::int64_t row0, std::int64_t col0, std::int64_t rows,
                 std::int64_t cols) {
  const TileUpdate& u = *static_cast<const TileUpdate*>(context);
  const eltwise::ConstBlock dw{c, rows, cols, ldc};
  if (u.adam) {
    u.kernels->adam_update(tile_of(u.w, row0, col0, rows, cols), dw, tile_of(u.first, row0, col0, rows, cols),
                           tile_of(u.second, row0, col0, rows, cols), u.adam_constants);
  } else {
    u.kernels->sgd_update(tile_of(u.w, row0, col0, rows, cols), dw, tile_of(u.first, row0, col0, rows, cols), u.sgd);
  }
}

// gemm::TileEpilogue::prefetch: the tile's W and moments, one line per 16 floats of each column, to be written.
void prefetch_tile(void* context, std::int64_t row0, std::int64_t col0, std::int64_t rows, std::int64_t cols) {
  const TileUpdate& u = *static_cast<const TileUpdate*>(context);
  for (const MatrixView& v : {u.w, u.first, u.second}) {
    if (v.empty()) continue;
    for (std::int64_t j = col0; j < col0 + cols; ++j) {
      const float* column = v.data() + j * v.ld();
      for (std::int64_t i = row0; i < row0 + rows; i += 16) __builtin_prefetch(column + i, 1, 3);
      __builtin_prefetch(column + row0 + rows - 1, 1, 3);
    }
  }
}

// This thread's dW panel: grow-only, so that a step after the first allocates nothing.
MatrixView gradient_scratch(std::int64_t rows, std::int64_t cols) {
  thread_local Matrix scratch;
  if (scratch.rows() * scratch.cols() < rows * cols) scratch = Matrix(rows * cols, 1);
  return MatrixView(scratch.data(), rows, cols, rows);
}

void update_weight_panel(Network::State& state, const WeightPanel& panel, ConstMatrixView dz,
                         ConstMatrixView input_rows, const Optimizer& optimizer) {
  const std::size_t l = panel.layer;
  const std::int64_t cols = panel.end - panel.begin;
  const MatrixView w = state.layers[l].weights.view().col_block(panel.begin, cols);
  const float inv_m = 1.0f / static_cast<float>(dz.cols());

  if (fuses_into_gemm(optimizer, state.spec)) {
    const float lr = std::get<Sgd>(optimizer).learning_rate;
    // W - lr * (dW + l2 W) = (1 - lr*l2) W - (lr/m) dZ input^T.
    gemm(Trans::No, Trans::Yes, -lr * inv_m, dz, input_rows, 1.0f - lr * state.spec.l2, w);
    return;
  }
  // The optimizer runs in the epilogue of the panel's dW GEMM, on each tile right after its micro-kernel: dW goes
  // no further than a per-thread scratch tile in L1, and the tile's W and moments are prefetched during its FMAs.
  OptimizerState& os = state.optimizer;
  TileUpdate update;
  update.kernels = &eltwise::eltwise_kernel_set(active_isa());
  update.w = w;
  const Regularization weight_reg{state.spec.l1, state.spec.l2};
  if (const Sgd* sgd = std::get_if<Sgd>(&optimizer)) {
    const bool momentum = os.kind == OptimizerState::Kind::SgdMomentum;
    update.sgd = eltwise::sgd_step(*sgd, momentum, weight_reg);
    if (momentum) update.first = os.weight_first[l].view().col_block(panel.begin, cols);
  } else {
    update.adam = true;
    update.adam_constants = eltwise::adam_step(std::get<Adam>(optimizer), os.updates + 1, weight_reg);
    update.first = os.weight_first[l].view().col_block(panel.begin, cols);
    update.second = os.weight_second[l].view().col_block(panel.begin, cols);
  }
  const MatrixView dw = gradient_scratch(w.rows(), cols);
  const gemm::GemmArgs args{Trans::No, Trans::Yes, w.rows(), cols, dz.cols(), inv_m, dz.data(), dz.ld(),
                            input_rows.data(), input_rows.ld(), 0.0f, dw.data(), dw.ld()};
  const gemm::TileEpilogue hook{&update_tile, &update, &prefetch_tile};
  gemm::run_gemm(args, &hook);
}

void update_bias(Network::State& state, std::size_t l, const Optimizer& optimizer) {
  LayerParameters& p = state.layers[l];
  const Regularization no_reg{};  // biases are not regularized
  OptimizerState& os = state.optimizer;
  if (const Sgd* sgd = std::get_if<Sgd>(&optimizer)) {
    const bool momentum = os.kind == OptimizerState::Kind::SgdMomentum;
    nnk::sgd_update(p.bias, p.bias_grad, momentum ? os.bias_first[l].view() : MatrixView(), *sgd, no_reg);
    return;
  }
  nnk::adam_update(p.bias, p.bias_grad, os.bias_first[l], os.bias_second[l], os.updates + 1,
                   std::get<Adam>(optimizer), no_reg);
}

void weight_gradient_panel(Network::State& state, const WeightPanel& panel, ConstMatrixView dz,
                           ConstMatrixView input_rows) {
  LayerParameters& p = state.layers[panel.layer];
  const std::int64_t cols = panel.end - panel.begin;
  const MatrixView dw = p.weight_grad.view().col_block(panel.begin, cols);
  gemm(Trans::No, Trans::Yes, 1.0f / static_cast<float>(dz.cols()), dz, input_rows, 0.0f, dw);
  if (!state.regularized()) return;
  const float l1 = state.spec.l1, l2 = state.spec.l2;
  const ConstMatrixView w = p.weights.view().col_block(panel.begin, cols);
  for (std::int64_t j = 0; j < cols; ++j) {
    for (std::int64_t i = 0; i < w.rows(); ++i) {
      const float wi = w.col(j)[i];
      const float sign = wi > 0.0f ? 1.0f : (wi < 0.0f ? -1.0f : 0.0f);  // sign(0) = 0, as the kernels
      dw.col(j)[i] += l1 * sign + l2 * wi;
    }
  }
}

void finish_optimizer_step(Network::State& state) { ++state.optimizer.updates; }

}  // namespace nnk::nn
