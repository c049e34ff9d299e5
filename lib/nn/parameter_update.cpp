#include "nn/parameter_update.hpp"

#include <cmath>
#include <variant>

#include "nn/gemm.hpp"
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

void update_layer(Network::State& state, std::size_t l, ConstMatrixView dz, ConstMatrixView input,
                  const Optimizer& optimizer) {
  LayerParameters& p = state.layers[l];
  const float inv_m = 1.0f / static_cast<float>(dz.cols());
  const Regularization weight_reg{state.spec.l1, state.spec.l2};
  const Regularization no_reg{};  // biases are not regularized

  if (fuses_into_gemm(optimizer, state.spec)) {
    const float lr = std::get<Sgd>(optimizer).learning_rate;
    // W - lr * (dW + l2 W) = (1 - lr*l2) W - (lr/m) dZ input^T.
    gemm(Trans::No, Trans::Yes, -lr * inv_m, dz, input, 1.0f - lr * state.spec.l2, p.weights);
    nnk::sgd_update(p.bias, p.bias_grad, MatrixView(), Sgd{.learning_rate = lr}, no_reg);
    return;
  }

  gemm(Trans::No, Trans::Yes, inv_m, dz, input, 0.0f, p.weight_grad);
  OptimizerState& os = state.optimizer;
  if (const Sgd* sgd = std::get_if<Sgd>(&optimizer)) {
    const bool momentum = os.kind == OptimizerState::Kind::SgdMomentum;
    nnk::sgd_update(p.weights, p.weight_grad, momentum ? os.weight_first[l].view() : MatrixView(), *sgd,
                        weight_reg);
    nnk::sgd_update(p.bias, p.bias_grad, momentum ? os.bias_first[l].view() : MatrixView(), *sgd, no_reg);
    return;
  }
  const Adam& adam = std::get<Adam>(optimizer);
  const std::int64_t t = os.updates + 1;
  nnk::adam_update(p.weights, p.weight_grad, os.weight_first[l], os.weight_second[l], t, adam, weight_reg);
  nnk::adam_update(p.bias, p.bias_grad, os.bias_first[l], os.bias_second[l], t, adam, no_reg);
}

void finish_optimizer_step(Network::State& state) { ++state.optimizer.updates; }

}  // namespace nnk::nn
